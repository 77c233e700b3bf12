//! The clans' wire types. The record and its rules (`Clan`, `ClanInput`) are in
//! `crate::domain::registry`.

use serde::{Deserialize, Serialize};

/// A row of the clan list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClanRow {
    pub id: i64,
    pub name: String,
    pub representative: String,
    pub phone: String,
    pub commune_id: i64,
    pub commune_name: String,
    pub household_count: i64,
    pub active: bool,
}
