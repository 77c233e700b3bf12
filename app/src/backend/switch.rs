//! Switching a registry record (household, clan, organisation) off or on: the one place that
//! writes that versioned, audited change. Records are never deleted, since evaluations and
//! decisions refer to them; they are deactivated.
//!
//! In one transaction: the `UPDATE` only matches the version the caller saw (otherwise 409 with
//! the record as the caller read it inside the transaction, so the form shows it instead of
//! overwriting someone else's change), the registry counters move, and the audit entry holds
//! the record before and after.

use crate::backend::audit::{self, Change};
use crate::backend::counts::{self, Counted};
use crate::backend::db::{self, Conn};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::roles::SessionUser;
use crate::error::{AppError, AppResult};
use serde::Serialize;

/// One record to switch, as the caller's transaction read it.
pub struct Switch<'a, R> {
    /// Which registry table and which counters.
    pub what: Counted,
    pub id: i64,
    /// The version the caller saw.
    pub version: i64,
    /// The state asked for.
    pub active: bool,
    /// The unit the record is counted and audited at.
    pub unit_path: &'a str,
    /// The record now, and whether it is active.
    pub before: &'a R,
    pub was_active: bool,
    /// A refusal for a unique index the change may break (a household reactivated next to an
    /// active twin): the index name and the message.
    pub unique_refusal: Option<(&'static str, AppError)>,
}

fn table_and_entity(what: Counted) -> (&'static str, AuditEntity) {
    match what {
        Counted::Household => ("households", AuditEntity::Household),
        Counted::Clan => ("clans", AuditEntity::Clan),
        Counted::Organisation => ("organisations", AuditEntity::Organisation),
    }
}

/// Switches the record inside `conn`'s transaction and returns it as stored now; `reload`
/// reads it back and `summary` names it in the audit log.
pub async fn set_active<R: Serialize>(
    conn: &mut Conn,
    user: &SessionUser,
    switch: Switch<'_, R>,
    reload: impl AsyncFnOnce(&mut Conn) -> AppResult<R>,
    summary: impl FnOnce(&R) -> String,
) -> AppResult<R> {
    let (table, entity) = table_and_entity(switch.what);
    let done = sqlx::query(&format!(
        "UPDATE {table} SET active = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4"
    ))
    .bind(switch.active)
    .bind(db::now())
    .bind(switch.id)
    .bind(switch.version)
    .execute(&mut *conn)
    .await;
    let done = match (done, switch.unique_refusal) {
        (Err(e), Some((index, refusal))) if db::is_unique_violation(&e, index) => {
            return Err(refusal)
        }
        (done, _) => done?,
    };
    if done.rows_affected() == 0 {
        return Err(AppError::conflict(
            serde_json::to_string(switch.before).ok(),
        ));
    }
    let after = reload(&mut *conn).await?;
    counts::changed(
        conn,
        switch.what,
        Some((switch.unit_path, switch.was_active)),
        Some((switch.unit_path, switch.active)),
    )
    .await?;
    audit::record(
        conn,
        user,
        Change {
            action: AuditAction::set_active(switch.active),
            entity,
            entity_id: Some(switch.id),
            unit_path: switch.unit_path,
            summary: summary(&after),
        },
        Some(switch.before),
        Some(&after),
    )
    .await?;
    Ok(after)
}
