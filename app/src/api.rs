//! Server functions, one module per feature. Each is thin: find the caller, check role and
//! scope on the server, call the plain functions in `crate::server`, and set the HTTP status
//! that matches the error. They are the only door from the browser to the data.
//!
//! All take one JSON argument (`input = Json`) except `login`, which also works as a plain HTML
//! form before the WebAssembly has loaded.

pub mod audit;
pub mod auth;
pub mod cycle;
pub mod imports;
pub mod org_units;

/// The current year in Vietnam (UTC+7), used to bound birth years and default the cycle year.
#[cfg(feature = "ssr")]
pub(crate) fn this_year() -> i32 {
    use chrono::Datelike;
    (chrono::Utc::now() + chrono::Duration::hours(7)).year()
}
