//! The criteria sets' server functions: list, find, the owners a draft may get, copy into a new
//! draft, update a draft, publish; and the native digest for the scoring self-check.

use super::types::{OwnerChoice, SetSummary, StoredSet};
use crate::domain::criteria::CriteriaSet;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::session::{as_caller, as_caller_with};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// All criteria sets, newest versions first.
#[server(prefix = "/api", endpoint = "sets/list", input = Json)]
pub async fn list_sets() -> Result<Vec<SetSummary>, AppError> {
    as_caller(|state, __| async move { store::list(&state.db).await }).await
}

/// One criteria set.
#[server(prefix = "/api", endpoint = "sets/get", input = Json)]
pub async fn find_set(id: i64) -> Result<StoredSet, AppError> {
    as_caller(|state, user| async move { store::find(&state.db, &user, id).await }).await
}

/// The units the caller may choose as the owner of a new draft (empty for non-administrators).
#[server(prefix = "/api", endpoint = "sets/owner-choices", input = Json)]
pub async fn list_owner_choices() -> Result<Vec<OwnerChoice>, AppError> {
    as_caller(|state, user| async move { store::list_owner_choices(&state.db, &user).await }).await
}

/// Copies a set into a new draft version owned by `owner_unit_id` (a province or district in
/// the caller's scope; `None`: national, for administrators of the whole tree).
#[server(prefix = "/api", endpoint = "sets/copy", input = Json)]
pub async fn copy_set(id: i64, owner_unit_id: Option<i64>) -> Result<StoredSet, AppError> {
    as_caller_with(Permission::ManageCriteria, |state, user| async move {
        store::copy(&state.db, &user, id, owner_unit_id).await
    })
    .await
}

/// Saves a draft set (it may still have problems; publishing needs none).
#[server(prefix = "/api", endpoint = "sets/save", input = Json)]
pub async fn update_set(
    id: i64,
    row_version: i64,
    set: CriteriaSet,
) -> Result<StoredSet, AppError> {
    as_caller_with(Permission::ManageCriteria, |state, user| async move {
        store::update(&state.db, &user, id, row_version, set).await
    })
    .await
}

/// Publishes a draft set after validating it. Published sets never change again.
#[server(prefix = "/api", endpoint = "sets/publish", input = Json)]
pub async fn publish_set(id: i64, row_version: i64) -> Result<StoredSet, AppError> {
    as_caller_with(Permission::ManageCriteria, |state, user| async move {
        store::publish(&state.db, &user, id, row_version).await
    })
    .await
}

/// The native (server) digest of the scoring fixtures. The self-check page computes the same
/// digest in the browser (WebAssembly) and compares: identical results are shown, not assumed.
#[server(prefix = "/api", endpoint = "cycle/fixture-digest", input = Json)]
pub async fn scoring_fixture_digest() -> Result<String, AppError> {
    Ok(crate::domain::fixtures::fixture_digest())
}
