//! The home page: what the signed-in user can do, with the counts of their area.

pub mod pages;
