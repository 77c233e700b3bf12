//! The users' wire types. Roles, assignments and the signed-in user are in
//! `crate::domain::roles`.

use crate::domain::roles::{Assignment, Role};
use serde::{Deserialize, Serialize};

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
