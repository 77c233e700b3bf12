//! Targets (chỉ tiêu): the share of households, clans, villages, communes and organisations a
//! unit aims to have recognised in a year, and of its officers trained. A unit without its own
//! target takes its nearest ancestor's. Administrators set them; leaders read them on their
//! dashboard.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod types;
