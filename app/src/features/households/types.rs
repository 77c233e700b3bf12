//! The households' wire types. The record itself and its rules (`Household`, `HouseholdInput`,
//! `Member`) are in `crate::domain::registry`, shared with imports and the title cycle.

use serde::{Deserialize, Serialize};

/// A row of the household list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdRow {
    pub id: i64,
    pub code: String,
    pub head_name: String,
    pub address: String,
    pub phone: String,
    pub member_count: i64,
    pub active: bool,
    pub village_id: i64,
    pub village_name: String,
    pub commune_name: String,
}
