//! Recognition decisions (quyết định công nhận): one decision recognises (or not) many approved
//! dossiers of a year and title, and issues each recognition its verification code.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
