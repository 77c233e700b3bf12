//! Spreadsheet imports of households and of the org-unit tree: upload (a plain route in
//! `backend::http`, for progress), preview with a column mapping, commit all rows or none.
//! Its wire types are the import rules' own, in `domain::import`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
