//! Registrations (đăng ký danh hiệu): a year's subjects registered for a title, the
//! registration list, and the work queues ("Việc cần làm") built from where each registration
//! stands in the cycle.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
