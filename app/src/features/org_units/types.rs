//! The wire types of the org-unit tree: a unit with its ancestors and children, picker
//! options, the list filter's choices, a new unit, and the home page's counts.

use crate::domain::org::{OrgLevel, OrgUnit};
use serde::{Deserialize, Serialize};

/// A unit with the chain of units above it (for breadcrumbs) and its children.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitView {
    /// `None` for the virtual root: the caller's scope roots are then the children.
    pub unit: Option<OrgUnit>,
    pub ancestors: Vec<OrgUnit>,
    pub children: Vec<OrgUnit>,
    /// Whether the caller may change this unit's children.
    pub can_manage: bool,
}

/// An entry of a unit picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOption {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub level: OrgLevel,
    pub parent_name: String,
}

/// What a picker asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOptionsQuery {
    pub level: Option<OrgLevel>,
    /// Only units where the caller may write registry records (otherwise: read).
    pub writable: bool,
    pub q: String,
}

/// What the list filter "Địa bàn" asks for: the unit chosen now (none: the whole scope) and the
/// deepest level it may offer (`None`: down to villages).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFilterQuery {
    pub unit_id: Option<i64>,
    pub deepest: Option<OrgLevel>,
}

/// The choices of the list filter, bounded by the tree's depth and one unit's children, never
/// by the size of the caller's scope: a province administrator gets its districts, not its
/// 1,700 villages, and drills down one level per search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFilterChoices {
    /// From the caller's scope root down to the chosen unit, root first (a single scope root is
    /// left out: choosing it is the same as choosing nothing).
    pub path: Vec<UnitOption>,
    /// The active units one level below the chosen one (or the caller's scope), by name.
    pub below: Vec<UnitOption>,
    /// Whether `below` was cut at [`UNIT_FILTER_LIMIT`].
    pub more: bool,
}

/// The most units [`UnitFilterChoices::below`] holds.
pub const UNIT_FILTER_LIMIT: usize = 500;

/// A new unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUnitInput {
    pub parent_id: Option<i64>,
    pub level: OrgLevel,
    pub code: String,
    pub name: String,
}

/// Counts of registry records and areas within the caller's scope, for the home page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaSummary {
    pub communes: i64,
    pub villages: i64,
    pub households: i64,
    pub clans: i64,
    pub organisations: i64,
}

/// A reorganisation: from `year` on, the area of the `predecessor_ids` belongs to
/// `successor_id` (a merge of communes, a dissolved district whose communes pass to the
/// province). The predecessors end the year before; their active children continue under the
/// successor; the past stays on the tree it had.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessionInput {
    pub year: i32,
    pub predecessor_ids: Vec<i64>,
    pub successor_id: i64,
    /// The legal basis, e.g. "Nghị quyết 1677/NQ-UBTVQH15".
    pub basis: String,
}
