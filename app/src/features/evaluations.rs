//! Evaluations (phiếu đánh giá): scoring a registration against its criteria set with evidence
//! notes and files, and the review steps (submit, return with comments, approve, unlock) with
//! the four-eyes rule.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
