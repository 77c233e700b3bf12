//! The audit log, for administrators: filtered by org unit, user, entity and date.

use crate::domain::listing::Page;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    domain::auth::Permission,
    server::{audit, auth::as_caller_with, auth::require_at, org_units},
};

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

/// Lists audit entries within the caller's scope, newest first.
#[server(prefix = "/api", endpoint = "audit/list", input = Json)]
pub async fn list_audit(query: AuditQuery) -> Result<Page<AuditEntry>, AppError> {
    as_caller_with(Permission::ReadAudit, |state, user| async move {
        let unit_path = match query.unit_id {
            Some(id) => {
                let unit = org_units::get(&state.db, id)
                    .await?
                    .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
                require_at(&user, Permission::ReadAudit, &unit.path)?;
                Some(unit.path)
            }
            None => None,
        };
        audit::list(&state.db, &user, unit_path.as_deref(), &query).await
    })
    .await
}
