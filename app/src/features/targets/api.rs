//! The targets' server functions: a unit's targets for a year, and saving them.

use super::types::{TargetsInput, UnitTargets};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::session::{as_caller, as_caller_with};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// A unit's targets for `year` (default unit: the caller's own), with what it inherits.
#[server(prefix = "/api", endpoint = "targets/find", input = Json)]
pub async fn find_targets(unit_id: Option<i64>, year: i32) -> Result<UnitTargets, AppError> {
    // Leaders read them, administrators set them: the store checks the unit for either.
    as_caller(|state, user| async move { store::find(&state.db, &user, unit_id, year).await }).await
}

/// Saves a unit's own targets for a year (administrators of the unit or above).
#[server(prefix = "/api", endpoint = "targets/save", input = Json)]
pub async fn save_targets(input: TargetsInput) -> Result<UnitTargets, AppError> {
    as_caller_with(Permission::SetTargets, |state, user| async move {
        store::save(&state.db, &user, input).await
    })
    .await
}
