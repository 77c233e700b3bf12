//! The audit log's page, for administrators: entries filtered by org unit, user, entity and
//! date. The entries themselves are written by `backend::audit`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
