//! User administration: accounts and role assignments within the administrator's scope.

use crate::domain::auth::{Assignment, Role};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    domain::auth::Permission,
    server::{auth::as_caller_with, users},
};

/// A user as the administration page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub active: bool,
    pub must_change_password: bool,
    pub assignments: Vec<Assignment>,
}

/// A new account with its first role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    /// Initial password; the user must change it at first login.
    pub password: String,
    pub role: Role,
    pub unit_id: i64,
}

/// Users visible to the administrator, filtered by `q` (username or name, accents ignored).
#[server(prefix = "/api", endpoint = "users/list", input = Json)]
pub async fn list_users(q: String) -> Result<Vec<UserRow>, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        users::list(&state.db, &admin, &q).await
    })
    .await
}

/// Creates an account.
#[server(prefix = "/api", endpoint = "users/create", input = Json)]
pub async fn create_user(input: NewUser) -> Result<UserRow, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        users::create(&state.db, &admin, input).await
    })
    .await
}

/// Grants a role at a unit.
#[server(prefix = "/api", endpoint = "users/assign", input = Json)]
pub async fn add_assignment(user_id: i64, role: Role, unit_id: i64) -> Result<UserRow, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        users::add_assignment(&state.db, &admin, user_id, role, unit_id).await
    })
    .await
}

/// Removes a role assignment.
#[server(prefix = "/api", endpoint = "users/unassign", input = Json)]
pub async fn remove_assignment(assignment_id: i64) -> Result<UserRow, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        users::remove_assignment(&state.db, &admin, assignment_id).await
    })
    .await
}

/// Locks (`active = false`) or unlocks an account.
#[server(prefix = "/api", endpoint = "users/set-active", input = Json)]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<UserRow, AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        users::set_active(&state.db, &admin, user_id, active).await
    })
    .await
}

/// Sets a temporary password that the user must change at next login.
#[server(prefix = "/api", endpoint = "users/reset-password", input = Json)]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    as_caller_with(Permission::ManageUsers, |state, admin| async move {
        users::reset_password(&state.db, &admin, user_id, password).await
    })
    .await
}
