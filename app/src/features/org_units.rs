//! The org-unit tree (province → district → commune → village): browse, add, rename, move,
//! switch off and on; the pickers and the list filter "Địa bàn"; the home page's counts.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
