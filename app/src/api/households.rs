//! Household registry: list, read, create, update, deactivate.

use crate::domain::listing::{ListQuery, Page};
use crate::domain::registry::{Household, HouseholdInput};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    api::this_year,
    domain::auth::Permission,
    server::{auth::as_caller_with, households, org_units},
};

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

/// One page of households within the caller's scope (or the chosen unit's subtree).
#[server(prefix = "/api", endpoint = "households/list", input = Json)]
pub async fn list_households(query: ListQuery) -> Result<Page<HouseholdRow>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let query = query.clamped();
        let scopes =
            org_units::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id)
                .await?;
        households::list(&state.db, &scopes, &query).await
    })
    .await
}

/// One household with its members.
#[server(prefix = "/api", endpoint = "households/get", input = Json)]
pub async fn get_household(id: i64) -> Result<Household, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        households::find(&state.db, &user, id).await
    })
    .await
}

/// Creates a household.
#[server(prefix = "/api", endpoint = "households/create", input = Json)]
pub async fn create_household(input: HouseholdInput) -> Result<Household, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        households::create(&state.db, &user, input, this_year()).await
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
        households::update(&state.db, &user, id, version, input, this_year()).await
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
        households::set_active(&state.db, &user, id, version, active).await
    })
    .await
}
