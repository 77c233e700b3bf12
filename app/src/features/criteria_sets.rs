//! Criteria sets (bộ tiêu chí): the official sets shipped with the product, drafts copied from
//! them by a province or district, publishing (after which a set never changes), and the
//! scoring self-check page that compares the browser's scores with the server's.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
