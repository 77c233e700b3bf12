//! The wire types of the audit log: an entry and the filters of its list.

use serde::{Deserialize, Serialize};

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub user_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub unit_path: String,
    pub summary: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Filters for the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub unit_id: Option<i64>,
    pub user_id: Option<i64>,
    pub entity: String,
    /// First day included (Vietnam dates are compared as UTC days).
    pub from: Option<chrono::NaiveDate>,
    /// Last day included.
    pub to: Option<chrono::NaiveDate>,
    pub page: i64,
    pub per_page: i64,
}

impl Default for AuditQuery {
    fn default() -> Self {
        AuditQuery {
            unit_id: None,
            user_id: None,
            entity: String::new(),
            from: None,
            to: None,
            page: 1,
            per_page: 50,
        }
    }
}
