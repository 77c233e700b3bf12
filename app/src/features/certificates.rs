//! Certificates (giấy công nhận): printing one or a decision's worth, and the public
//! verification page behind each certificate's code.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
