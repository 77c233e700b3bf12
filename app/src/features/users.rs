//! Users: accounts (argon2id passwords, first-login change) and their role assignments, each
//! role scoped to an org unit, managed by administrators within their own scope.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
