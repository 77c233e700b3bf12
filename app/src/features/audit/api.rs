//! The audit log, for administrators: filtered by org unit, user, entity and date.

use super::types::{AuditEntry, AuditQuery};
use crate::domain::listing::Page;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::session::{as_caller_with, require_at};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
#[cfg(feature = "ssr")]
use crate::features::org_units::store as org_units;

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
        store::list(&state.db, &user, unit_path.as_deref(), &query).await
    })
    .await
}
