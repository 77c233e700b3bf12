//! Households (hộ gia đình): the registry's list (search, filter, sort, page, export) and the
//! record form (create, edit, switch off and on), scoped to the caller's org units.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
