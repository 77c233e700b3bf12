//! The append-only audit log: who changed what, when, with the record before and after.
//! Every write path calls [`record`] inside its own transaction, so a change and its audit entry
//! commit or fail together.

use crate::backend::db::{self, Conn};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::roles::SessionUser;
use crate::error::AppResult;
use serde::Serialize;
use sqlx::QueryBuilder;

/// One change to record.
pub struct Change<'a> {
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: Option<i64>,
    /// Path of the org unit the record belongs to.
    pub unit_path: &'a str,
    /// A one-line human description, e.g. the household head's name.
    pub summary: String,
}

fn to_json<T: Serialize>(value: Option<&T>) -> Option<String> {
    value.and_then(|v| serde_json::to_string(v).ok())
}

/// Appends an entry. `before`/`after` are the record's states (`None` for create/delete).
pub async fn record<B: Serialize, A: Serialize>(
    conn: &mut Conn,
    user: &SessionUser,
    change: Change<'_>,
    before: Option<&B>,
    after: Option<&A>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, unit_path, summary, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(db::now())
    .bind(user.id)
    .bind(&user.username)
    .bind(change.action.code())
    .bind(change.entity.code())
    .bind(change.entity_id)
    .bind(change.unit_path)
    .bind(&change.summary)
    .bind(to_json(before))
    .bind(to_json(after))
    .execute(conn)
    .await?;
    Ok(())
}

/// One entry of [`record_many`]: the action, entity, user and time are the batch's.
pub struct BatchChange<'a> {
    pub entity_id: i64,
    pub unit_path: &'a str,
    pub summary: &'a str,
    /// The record as stored (JSON).
    pub after_json: &'a str,
}

/// Appends one entry per record a bulk write created (an import), on the write's connection
/// (a `db::bulk_write_connection`, hence `OR FAIL`; the caller rolls back on an error). What
/// the entries share is bound once per statement.
pub async fn record_many(
    conn: &mut Conn,
    user: &SessionUser,
    action: AuditAction,
    entity: AuditEntity,
    changes: &[BatchChange<'_>],
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    // 4 values per entry: 2,000 entries stay far below SQLite's 32,766 bound parameters.
    db::execute_chunks(conn, changes.chunks(2_000), |chunk| {
        let mut qb: QueryBuilder<db::Db> = QueryBuilder::new(
            "INSERT OR FAIL INTO audit_log (at, user_id, username, action, entity, entity_id, unit_path, summary, before_json, after_json) SELECT ",
        );
        qb.push_bind(at)
            .push(", ")
            .push_bind(user.id)
            .push(", ")
            .push_bind(user.username.as_str())
            .push(", ")
            .push_bind(action.code())
            .push(", ")
            .push_bind(entity.code())
            .push(", v.column1, v.column2, v.column3, NULL, v.column4 FROM (");
        qb.push_values(chunk, |mut row, c| {
            row.push_bind(c.entity_id)
                .push_bind(c.unit_path)
                .push_bind(c.summary)
                .push_bind(c.after_json);
        });
        qb.push(") v");
        qb
    })
    .await?;
    Ok(())
}
