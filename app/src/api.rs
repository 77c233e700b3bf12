//! Server functions, one module per feature. Each is thin: find the caller, check role and
//! scope on the server, call the plain functions in `crate::server`, and set the HTTP status
//! that matches the error. They are the only door from the browser to the data.
//!
//! All take one JSON argument (`input = Json`) except `login`, which also works as a plain HTML
//! form before the WebAssembly has loaded.

pub mod audit;
pub mod auth;
pub mod imports;
pub mod org_units;
