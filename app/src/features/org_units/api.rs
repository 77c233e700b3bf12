//! The org-unit tree: browse, pick, add, rename, move, deactivate.

use super::types::{
    AreaSummary, NewUnitInput, SuccessionInput, UnitFilterChoices, UnitFilterQuery, UnitOption,
    UnitOptionsQuery, UnitView,
};
use crate::domain::org::OrgUnit;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::backend::session::{as_caller, as_caller_with, require_at};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
#[cfg(feature = "ssr")]
use crate::features::org_units::store as org_units;

/// Browses the tree: the unit `id` (or the caller's scope roots when `None`) and its children.
#[server(prefix = "/api", endpoint = "units/view", input = Json)]
pub async fn find_unit(id: Option<i64>, include_inactive: bool) -> Result<UnitView, AppError> {
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

/// Active units of a level within the caller's scope, for pickers (at most 2,000).
#[server(prefix = "/api", endpoint = "units/options", input = Json)]
pub async fn list_unit_options(query: UnitOptionsQuery) -> Result<Vec<UnitOption>, AppError> {
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

/// The list filter's choices around the chosen unit, within the caller's read scope.
#[server(prefix = "/api", endpoint = "units/filter", input = Json)]
pub async fn list_unit_filter(query: UnitFilterQuery) -> Result<UnitFilterChoices, AppError> {
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

/// Records a reorganisation: from `input.year` the predecessors' area is the successor's
/// (their children continue under it; the past stays on its own tree).
#[server(prefix = "/api", endpoint = "units/succession", input = Json)]
pub async fn record_succession(input: SuccessionInput) -> Result<(), AppError> {
    as_caller_with(Permission::ManageOrgUnits, |state, user| async move {
        org_units::history::record(&state.db, &user, input).await
    })
    .await
}

/// What lies within the caller's read scope.
#[server(prefix = "/api", endpoint = "units/summary", input = Json)]
pub async fn scope_summary() -> Result<AreaSummary, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        org_units::scope_summary(&state.db, &user).await
    })
    .await
}
