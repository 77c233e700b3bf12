//! The one version check of every editable record: a change first claims the version the
//! caller saw, inside the caller's write transaction, and only then writes its fields and its
//! audit entry ([`crate::backend::audit::record`]) in the same transaction.
//!
//! The claim is an `UPDATE … WHERE id = $1 AND version = $2`, not a comparison in memory, so it
//! holds on both engines: on SQLite the write transaction already excludes other writers, on
//! PostgreSQL the updated row stays locked until the commit. A record changed since the caller
//! read it gives 409 with the record as it is now, so the form can show it instead of
//! overwriting someone else's change.

use crate::backend::db::{self, Conn};
use crate::error::{AppError, AppResult};
use serde::Serialize;

/// The tables whose rows carry a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versioned {
    Household,
    Clan,
    Organisation,
    OrgUnit,
    CriteriaSet,
    TrainingSession,
    /// A section of a unit's yearly report.
    ReportNarrative,
}

impl Versioned {
    fn table(self) -> &'static str {
        match self {
            Versioned::Household => "households",
            Versioned::Clan => "clans",
            Versioned::Organisation => "organisations",
            Versioned::OrgUnit => "org_units",
            Versioned::CriteriaSet => "criteria_sets",
            Versioned::TrainingSession => "training_sessions",
            Versioned::ReportNarrative => "report_narratives",
        }
    }

    /// A criteria set's `version` is the version of its criteria (v1, v2…), so the row's own
    /// counter has another name.
    fn version_column(self) -> &'static str {
        match self {
            Versioned::CriteriaSet => "row_version",
            _ => "version",
        }
    }
}

/// Moves record `id` of `what` to the next version if it is still at `seen`, and stamps
/// `updated_at`; otherwise fails with 409 carrying `current` (the record as this transaction
/// read it). Call it before writing the change's fields, which then leave the version alone.
pub async fn claim<R: Serialize>(
    conn: &mut Conn,
    what: Versioned,
    id: i64,
    seen: i64,
    current: &R,
) -> AppResult<()> {
    let (table, column) = (what.table(), what.version_column());
    let done = sqlx::query(&format!(
        "UPDATE {table} SET {column} = {column} + 1, updated_at = $1 WHERE id = $2 AND {column} = $3"
    ))
    .bind(db::now())
    .bind(id)
    .bind(seen)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::conflict(serde_json::to_string(current).ok()));
    }
    Ok(())
}
