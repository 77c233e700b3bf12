//! The yearly report (báo cáo kết quả xây dựng xã hội học tập), due to the province by 15/12:
//! for a unit and a year, each title's registrations, recognitions, holders, total and share
//! against the target, officers trained, the same per unit below, and the narrative sections
//! officers write (versioned and audited). A printable A4 page `/bao-cao` and an .xlsx export.
//! The figures are the dashboard's (`dashboards::store::find`), never counted again.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
