//! Khuyến Học: the isomorphic crate. The same code renders pages on the server (`ssr`) and
//! hydrates them in the browser (`hydrate`).
//!
//! A guided tour:
//! - [`domain`]: pure rules and types (org tree, roles, registry validation, imports; criteria
//!   and scoring), shared by browser and server;
//! - [`features`]: one folder per feature, each with its wire types, server functions (the
//!   only door from the browser to the data), store (`ssr` only) and pages;
//! - [`backend`] (`ssr` only): what every feature's server side shares: database, sessions,
//!   scope, audit log, exports, demo data, plain HTTP routes;
//! - [`ui`]: shared components; [`app`]: the shell and the router.

#![recursion_limit = "512"]

pub mod app;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod domain;
pub mod error;
pub mod features;
pub mod i18n;
pub mod ui;
pub mod vietnam_time;

pub use app::{shell, App};

/// Browser entry point: attaches the server-rendered page to the WebAssembly app.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // A marker for the end-to-end tests: the page is interactive from here on.
    let _ = js_sys::Reflect::set(
        &leptos::prelude::window(),
        &wasm_bindgen::JsValue::from_str("__khHydrated"),
        &wasm_bindgen::JsValue::TRUE,
    );
}
