//! The households' server functions: list, find, create, update, set active. Each checks the
//! caller, then makes one `store` call.

use super::types::HouseholdRow;
use crate::domain::listing::{ListQuery, Page};
use crate::domain::registry::{Household, HouseholdInput};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::scope;
#[cfg(feature = "ssr")]
use crate::backend::session::as_caller_with;
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
#[cfg(feature = "ssr")]
use crate::vietnam_time::this_year;

/// One page of households within the caller's scope (or the chosen unit's subtree).
#[server(prefix = "/api", endpoint = "households/list", input = Json)]
pub async fn list_households(query: ListQuery) -> Result<Page<HouseholdRow>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let query = query.clamped();
        let scopes =
            scope::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id).await?;
        store::list(&state.db, &scopes, &query).await
    })
    .await
}

/// One household with its members.
#[server(prefix = "/api", endpoint = "households/get", input = Json)]
pub async fn find_household(id: i64) -> Result<Household, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        store::find(&state.db, &user, id).await
    })
    .await
}

/// Creates a household.
#[server(prefix = "/api", endpoint = "households/create", input = Json)]
pub async fn create_household(input: HouseholdInput) -> Result<Household, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        store::create(&state.db, &user, input, this_year()).await
    })
    .await
}

/// Updates a household; `version` is the version the form was loaded with.
#[server(prefix = "/api", endpoint = "households/update", input = Json)]
pub async fn update_household(
    id: i64,
    version: i64,
    input: HouseholdInput,
) -> Result<Household, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        store::update(&state.db, &user, id, version, input, this_year()).await
    })
    .await
}

/// Deactivates (`active = false`) or reactivates a household.
#[server(prefix = "/api", endpoint = "households/set-active", input = Json)]
pub async fn set_household_active(
    id: i64,
    version: i64,
    active: bool,
) -> Result<Household, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        store::set_active(&state.db, &user, id, version, active).await
    })
    .await
}
