//! The criteria sets' wire types: a stored set, a line of the list, an owner to choose.

use crate::domain::criteria::{CriteriaSet, SetStatus, TitleKind};
use serde::{Deserialize, Serialize};

/// A criteria set as stored: its database id, status and the set itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredSet {
    pub id: i64,
    pub status: SetStatus,
    /// Optimistic version of the stored row (drafts only change).
    pub row_version: i64,
    pub set: CriteriaSet,
    /// Number of evaluations scored with this set.
    pub evaluation_count: i64,
    /// The unit that issued the set and whose subtree it covers; `None`: national.
    pub owner_unit_id: Option<i64>,
    /// That unit's name (`None`: national).
    pub owner_name: Option<String>,
    /// Whether the caller may edit, publish or copy under this owner (an administrator whose
    /// scope covers the owner unit; for a national set, the whole tree).
    pub can_manage: bool,
}

/// A unit an administrator may choose as the owner of a new draft set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerChoice {
    /// `None`: national (only for administrators of the whole tree).
    pub unit_id: Option<i64>,
    pub name: String,
}

/// A line of the criteria-set list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetSummary {
    pub id: i64,
    pub code: String,
    pub version: u32,
    pub title_kind: TitleKind,
    pub name: String,
    pub source_document: String,
    pub status: SetStatus,
    pub valid_from_year: i32,
    pub valid_to_year: Option<i32>,
    pub has_unverified: bool,
    pub max_total: u32,
    /// The unit that issued the set; `None`: national.
    pub owner_unit_id: Option<i64>,
    pub owner_name: Option<String>,
}
