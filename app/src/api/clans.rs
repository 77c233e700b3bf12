//! Clan (dòng họ) registry.

use crate::domain::listing::{ListQuery, Page};
use crate::domain::registry::{Clan, ClanInput};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    domain::auth::Permission,
    server::{auth::as_caller_with, org_units, registry},
};

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

/// One page of clans within the caller's scope.
#[server(prefix = "/api", endpoint = "clans/list", input = Json)]
pub async fn list_clans(query: ListQuery) -> Result<Page<ClanRow>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let query = query.clamped();
        let scopes =
            org_units::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id)
                .await?;
        registry::list_clans(&state.db, &scopes, &query).await
    })
    .await
}

/// One clan with its member households.
#[server(prefix = "/api", endpoint = "clans/get", input = Json)]
pub async fn get_clan(id: i64) -> Result<Clan, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        Ok(
            registry::find_clan(&state.db, &user, id, Permission::ReadRegistry)
                .await?
                .0,
        )
    })
    .await
}

/// Creates a clan.
#[server(prefix = "/api", endpoint = "clans/create", input = Json)]
pub async fn create_clan(input: ClanInput) -> Result<Clan, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        registry::create_clan(&state.db, &user, input).await
    })
    .await
}

/// Updates a clan.
#[server(prefix = "/api", endpoint = "clans/update", input = Json)]
pub async fn update_clan(id: i64, version: i64, input: ClanInput) -> Result<Clan, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        registry::update_clan(&state.db, &user, id, version, input).await
    })
    .await
}

/// Deactivates or reactivates a clan.
#[server(prefix = "/api", endpoint = "clans/set-active", input = Json)]
pub async fn set_clan_active(id: i64, version: i64, active: bool) -> Result<Clan, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        registry::set_clan_active(&state.db, &user, id, version, active).await
    })
    .await
}
