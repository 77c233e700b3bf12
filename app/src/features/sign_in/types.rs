//! The wire types of signing in: a password change.

use serde::{Deserialize, Serialize};

/// A password change request.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
}
