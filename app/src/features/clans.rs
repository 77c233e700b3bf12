//! Clans (dòng họ): the registry's list and form, and a clan's member households, scoped to
//! the caller's communes.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
