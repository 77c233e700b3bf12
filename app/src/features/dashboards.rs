//! The leaders' dashboard (bảng theo dõi): for a unit and a year, each group's recognitions
//! against its target with the gap in words, the funnel registered → evaluated → approved →
//! recognised, officers trained, the child units' table to drill down to the village, and the
//! trend by year. Read from counters only; live over server-sent events (`ui::live`).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
