//! Server-only code (feature `ssr`) that every feature shares: configuration ([`config`]), the
//! database ([`db`], [`counts`]), sessions and the caller of a request ([`session`], [`cookies`],
//! [`passwords`], [`throttle`]), org-unit scope in SQL ([`scope`]), the audit log's writer
//! ([`audit`]), the one version check of an edit ([`versioned`]), certificates' verification codes ([`verify_code`]), the shared write steps of registry records ([`registry_edit`], [`subject_moves`],
//! [`rollups`]), the .xlsx writer ([`export`]), demo data ([`demo`]) and the plain HTTP routes
//! ([`http`]).
//!
//! Feature code lives in `crate::features`: a feature's server functions check the caller with
//! [`session::as_caller_with`] and call its `store`, which uses these modules.

pub mod audit;
pub mod changes;
pub mod config;
pub mod cookies;
pub mod counts;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod http;
pub mod passwords;
pub mod registry_edit;
pub mod rollups;
pub mod scope;
pub mod session;
pub mod snapshots;
pub mod state;
pub mod subject_moves;
pub mod throttle;
pub mod verify_code;
pub mod versioned;

pub use state::AppState;
