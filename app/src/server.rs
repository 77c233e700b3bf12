//! Server-only code (feature `ssr`): configuration, database access, sessions, audit log, the
//! queries behind each feature, spreadsheet import/export, demo data and the plain HTTP routes.
//!
//! Server functions in `crate::api` stay thin: they check the caller here and call the plain
//! async functions of these modules, which take a pool or a transaction and can be tested
//! directly.

pub mod audit;
pub mod auth;
pub mod config;
pub mod counts;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod http;
pub mod imports;
pub mod org_units;
pub mod rollups;
pub mod state;
pub mod subject_moves;
pub mod switch;

pub use state::AppState;
