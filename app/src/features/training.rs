//! Training (tập huấn): modules of lessons with a quiz each, read and taken online. Lessons are
//! Markdown rendered on the server; quizzes draw their questions at random and are graded on
//! the server only; a passing attempt completes the module in the same transaction. The
//! modules written for this product are seeded at start (`store::seed`).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
