//! Pure domain types and rules, shared by the browser (instant feedback) and the server (the
//! authority). No I/O and no framework types live here; it compiles to wasm and native alike.

pub mod audit;
pub mod catalog;
pub mod criteria;
pub mod fixtures;
pub mod import;
pub mod listing;
pub mod org;
pub mod redirect;
pub mod registry;
pub mod roles;
pub mod scoring;
pub mod text;
pub mod training;
pub mod workflow;
