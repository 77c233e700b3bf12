//! Organisation-unit registry (cơ quan, trường học, doanh nghiệp).

use crate::domain::listing::{ListQuery, Page};
use crate::domain::registry::{Organisation, OrganisationInput};
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

/// One page of organisation units within the caller's scope.
#[server(prefix = "/api", endpoint = "organisations/list", input = Json)]
pub async fn list_organisations(query: ListQuery) -> Result<Page<Organisation>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let query = query.clamped();
        let scopes =
            scope::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id).await?;
        store::list(&state.db, &scopes, &query).await
    })
    .await
}

/// One organisation unit.
#[server(prefix = "/api", endpoint = "organisations/get", input = Json)]
pub async fn find_organisation(id: i64) -> Result<Organisation, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        Ok(store::find(&state.db, &user, id, Permission::ReadRegistry)
            .await?
            .0)
    })
    .await
}

/// Creates an organisation unit.
#[server(prefix = "/api", endpoint = "organisations/create", input = Json)]
pub async fn create_organisation(input: OrganisationInput) -> Result<Organisation, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        store::create(&state.db, &user, input).await
    })
    .await
}

/// Updates an organisation unit.
#[server(prefix = "/api", endpoint = "organisations/update", input = Json)]
pub async fn update_organisation(
    id: i64,
    version: i64,
    input: OrganisationInput,
) -> Result<Organisation, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        store::update(&state.db, &user, id, version, input).await
    })
    .await
}

/// Deactivates or reactivates an organisation unit.
#[server(prefix = "/api", endpoint = "organisations/set-active", input = Json)]
pub async fn set_organisation_active(
    id: i64,
    version: i64,
    active: bool,
) -> Result<Organisation, AppError> {
    as_caller_with(Permission::WriteRegistry, |state, user| async move {
        store::set_active(&state.db, &user, id, version, active).await
    })
    .await
}
