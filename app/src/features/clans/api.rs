//! Clan (dòng họ) registry.

use super::types::ClanRow;
use crate::domain::listing::{ListQuery, Page};
use crate::domain::registry::{Clan, ClanInput};
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

/// One page of clans within the caller's scope.
#[server(prefix = "/api", endpoint = "clans/list", input = Json)]
pub async fn list_clans(query: ListQuery) -> Result<Page<ClanRow>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let query = query.clamped();
        let scopes =
            scope::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id).await?;
        store::list(&state.db, &scopes, &query).await
    })
    .await
}

/// One clan with its member households.
#[server(prefix = "/api", endpoint = "clans/get", input = Json)]
pub async fn find_clan(id: i64) -> Result<Clan, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        Ok(store::find(&state.db, &user, id, Permission::ReadRegistry)
            .await?
            .0)
    })
    .await
}

/// Creates a clan.
#[server(prefix = "/api", endpoint = "clans/create", input = Json)]
pub async fn create_clan(input: ClanInput) -> Result<Clan, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        store::create(&state.db, &user, input).await
    })
    .await
}

/// Updates a clan.
#[server(prefix = "/api", endpoint = "clans/update", input = Json)]
pub async fn update_clan(id: i64, version: i64, input: ClanInput) -> Result<Clan, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        store::update(&state.db, &user, id, version, input).await
    })
    .await
}

/// Deactivates or reactivates a clan.
#[server(prefix = "/api", endpoint = "clans/set-active", input = Json)]
pub async fn set_clan_active(id: i64, version: i64, active: bool) -> Result<Clan, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        store::set_active(&state.db, &user, id, version, active).await
    })
    .await
}
