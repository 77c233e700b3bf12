//! The org-unit tree: browse, pick, add, rename, move, deactivate.

use crate::domain::org::{OrgLevel, OrgUnit};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    domain::auth::Permission,
    server::{auth::as_caller, auth::as_caller_with, auth::require_at, org_units},
};

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

/// Browses the tree: the unit `id` (or the caller's scope roots when `None`) and its children.
#[server(prefix = "/api", endpoint = "units/view", input = Json)]
pub async fn view_unit(id: Option<i64>, include_inactive: bool) -> Result<UnitView, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        match id {
            None => {
                let roots =
                    org_units::by_paths(&state.db, &user.scopes(Permission::ReadRegistry)).await?;
                Ok(UnitView {
                    unit: None,
                    ancestors: vec![],
                    children: roots,
                    can_manage: false,
                })
            }
            Some(id) => {
                let unit = org_units::get(&state.db, id)
                    .await?
                    .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
                require_at(&user, Permission::ReadRegistry, &unit.path)?;
                let mut ancestors = org_units::ancestors(&state.db, &unit.path).await?;
                ancestors.pop();
                let children = org_units::children(&state.db, id, include_inactive).await?;
                Ok(UnitView {
                    can_manage: user.can_at(Permission::ManageOrgUnits, &unit.path),
                    unit: Some(unit),
                    ancestors,
                    children,
                })
            }
        }
    })
    .await
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

/// Active units of a level within the caller's scope, for pickers (at most 2,000).
#[server(prefix = "/api", endpoint = "units/options", input = Json)]
pub async fn unit_options(query: UnitOptionsQuery) -> Result<Vec<UnitOption>, AppError> {
    as_caller(|state, user| async move {
        let permission = if query.writable {
            Permission::WriteRegistry
        } else {
            Permission::ReadRegistry
        };
        let scopes = user.scopes(permission);
        let rows = org_units::in_scope(&state.db, &scopes, query.level, &query.q, 2000).await?;
        Ok(rows
            .into_iter()
            .map(|(u, parent_name)| UnitOption {
                id: u.id,
                name: u.name,
                code: u.code,
                level: u.level,
                parent_name,
            })
            .collect())
    })
    .await
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

/// The list filter's choices around the chosen unit, within the caller's read scope.
#[server(prefix = "/api", endpoint = "units/filter", input = Json)]
pub async fn unit_filter(query: UnitFilterQuery) -> Result<UnitFilterChoices, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let (path, below, more) =
            org_units::filter_choices(&state.db, &user, query.unit_id, query.deepest).await?;
        let option = |u: OrgUnit| UnitOption {
            id: u.id,
            name: u.name,
            code: u.code,
            level: u.level,
            parent_name: String::new(),
        };
        Ok(UnitFilterChoices {
            path: path.into_iter().map(option).collect(),
            below: below.into_iter().map(option).collect(),
            more,
        })
    })
    .await
}

/// A new unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUnitInput {
    pub parent_id: Option<i64>,
    pub level: OrgLevel,
    pub code: String,
    pub name: String,
}

/// Adds a unit under a parent.
#[server(prefix = "/api", endpoint = "units/create", input = Json)]
pub async fn create_unit(input: NewUnitInput) -> Result<OrgUnit, AppError> {
    as_caller_with(Permission::ManageOrgUnits, |state, user| async move {
        org_units::create(
            &state.db,
            &user,
            org_units::NewUnit {
                parent_id: input.parent_id,
                level: input.level,
                code: input.code,
                name: input.name,
            },
        )
        .await
    })
    .await
}

/// Renames a unit (code and name). `version` is the one the caller saw: a unit changed since
/// gives 409 with its current values.
#[server(prefix = "/api", endpoint = "units/rename", input = Json)]
pub async fn rename_unit(
    id: i64,
    version: i64,
    code: String,
    name: String,
) -> Result<OrgUnit, AppError> {
    as_caller_with(Permission::ManageOrgUnits, |state, user| async move {
        org_units::rename(&state.db, &user, id, version, &code, &name).await
    })
    .await
}

/// Deactivates or reactivates a unit (409 if it changed since `version`).
#[server(prefix = "/api", endpoint = "units/set-active", input = Json)]
pub async fn set_unit_active(id: i64, version: i64, active: bool) -> Result<OrgUnit, AppError> {
    as_caller_with(Permission::ManageOrgUnits, |state, user| async move {
        org_units::set_active(&state.db, &user, id, version, active).await
    })
    .await
}

/// Moves a unit (with its subtree) under another parent (409 if it changed since `version`).
#[server(prefix = "/api", endpoint = "units/move", input = Json)]
pub async fn move_unit(id: i64, version: i64, new_parent_id: i64) -> Result<OrgUnit, AppError> {
    as_caller_with(Permission::ManageOrgUnits, |state, user| async move {
        org_units::move_unit(&state.db, &user, id, version, new_parent_id).await
    })
    .await
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

/// What lies within the caller's read scope.
#[server(prefix = "/api", endpoint = "units/summary", input = Json)]
pub async fn scope_summary() -> Result<AreaSummary, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        org_units::scope_summary(&state.db, &user).await
    })
    .await
}
