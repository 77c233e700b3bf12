//! Signing in and out, the current user, and changing one's password. Sessions, cookies and
//! password hashes are `backend::session` and `backend::passwords`.

pub mod api;
pub mod pages;
pub mod types;
