//! The users' server functions: accounts and role assignments within the administrator's
//! scope. Each checks the caller, then makes one `store` call.

use super::types::{NewUser, UserRow};
use crate::domain::roles::Role;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::session::as_caller_with;
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// Users visible to the administrator, filtered by `q` (username or name, accents ignored).
#[server(prefix = "/api", endpoint = "users/list", input = Json)]
pub async fn list_users(q: String) -> Result<Vec<UserRow>, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        store::list(&state.db, &admin, &q).await
    })
    .await
}

/// Creates an account.
#[server(prefix = "/api", endpoint = "users/create", input = Json)]
pub async fn create_user(input: NewUser) -> Result<UserRow, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        store::create(&state.db, &admin, input).await
    })
    .await
}

/// Grants a role at a unit.
#[server(prefix = "/api", endpoint = "users/assign", input = Json)]
pub async fn add_assignment(user_id: i64, role: Role, unit_id: i64) -> Result<UserRow, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        store::add_assignment(&state.db, &admin, user_id, role, unit_id).await
    })
    .await
}

/// Removes a role assignment.
#[server(prefix = "/api", endpoint = "users/unassign", input = Json)]
pub async fn remove_assignment(assignment_id: i64) -> Result<UserRow, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        store::remove_assignment(&state.db, &admin, assignment_id).await
    })
    .await
}

/// Locks (`active = false`) or unlocks an account.
#[server(prefix = "/api", endpoint = "users/set-active", input = Json)]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<UserRow, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        store::set_active(&state.db, &admin, user_id, active).await
    })
    .await
}

/// Sets a temporary password that the user must change at next login.
#[server(prefix = "/api", endpoint = "users/reset-password", input = Json)]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        store::reset_password(&state.db, &admin, user_id, password).await
    })
    .await
}
