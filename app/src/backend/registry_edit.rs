//! The write steps every registry record (household, clan, organisation) shares, so each is
//! written once: switching a record off or on ([`set_active`]), the end of an edit
//! ([`finish_update`]) and the audit entry of a new record ([`record_created`]). Records are never deleted, since evaluations and decisions refer to
//! them; they are deactivated.
//!
//! All in the caller's transaction: the version the caller saw is claimed
//! ([`versioned::claim`]: otherwise 409 with the record as the caller read it inside the
//! transaction), the registry counters move, and the audit entry holds the record before and
//! after.

use crate::backend::audit::{self, Change};
use crate::backend::counts::{self, Counted};
use crate::backend::db::{self, Conn};
use crate::backend::subject_moves;
use crate::backend::versioned::{self, Versioned};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::criteria::SubjectKind;
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

fn table_and_entity(what: Counted) -> (&'static str, AuditEntity, Versioned) {
    match what {
        Counted::Household => ("households", AuditEntity::Household, Versioned::Household),
        Counted::Clan => ("clans", AuditEntity::Clan, Versioned::Clan),
        Counted::Organisation => (
            "organisations",
            AuditEntity::Organisation,
            Versioned::Organisation,
        ),
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
    let (table, entity, versioned) = table_and_entity(switch.what);
    versioned::claim(conn, versioned, switch.id, switch.version, switch.before).await?;
    let done = sqlx::query(&format!("UPDATE {table} SET active = $1 WHERE id = $2"))
        .bind(switch.active)
        .bind(switch.id)
        .execute(&mut *conn)
        .await;
    match (done, switch.unique_refusal) {
        (Err(e), Some((index, refusal))) if db::is_unique_violation(&e, index) => {
            return Err(refusal)
        }
        (done, _) => done?,
    };
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

/// An edit of one registry record whose fields the caller's transaction has just written
/// (after [`versioned::claim`]).
pub struct Edited<'a, R> {
    pub what: Counted,
    pub id: i64,
    /// The record as the transaction read it before the edit, and the unit it was counted at.
    pub before: &'a R,
    pub before_path: &'a str,
    pub active: bool,
    /// The unit the record belongs to now (the same one, or the one it moved to).
    pub unit_id: i64,
    pub unit_path: &'a str,
}

fn subject_kind(what: Counted) -> SubjectKind {
    match what {
        Counted::Household => SubjectKind::Household,
        Counted::Clan => SubjectKind::Clan,
        Counted::Organisation => SubjectKind::Organisation,
    }
}

/// Ends an edit inside `conn`'s transaction and returns the record as stored now: a record
/// moved to another unit takes its open dossiers (and their counts) along, its registry
/// counters move, and the audit entry holds it before and after. `reload` reads it back and
/// `summary` names it in the audit log.
pub async fn finish_update<R: Serialize>(
    conn: &mut Conn,
    user: &SessionUser,
    edited: Edited<'_, R>,
    reload: impl AsyncFnOnce(&mut Conn) -> AppResult<R>,
    summary: impl FnOnce(&R) -> String,
) -> AppResult<R> {
    let (_, entity, _) = table_and_entity(edited.what);
    subject_moves::move_open_registrations(
        conn,
        subject_kind(edited.what),
        edited.id,
        edited.unit_id,
    )
    .await?;
    let after = reload(&mut *conn).await?;
    counts::changed(
        conn,
        edited.what,
        Some((edited.before_path, edited.active)),
        Some((edited.unit_path, edited.active)),
    )
    .await?;
    audit::record(
        conn,
        user,
        Change {
            action: AuditAction::Update,
            entity,
            entity_id: Some(edited.id),
            unit_path: edited.unit_path,
            summary: summary(&after),
        },
        Some(edited.before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// The audit entry of a new registry record, at the unit it belongs to. (Its counters are the
/// caller's: an import inserts many at once.)
pub async fn record_created<R: Serialize>(
    conn: &mut Conn,
    user: &SessionUser,
    what: Counted,
    id: i64,
    unit_path: &str,
    created: &R,
    summary: String,
) -> AppResult<()> {
    let (_, entity, _) = table_and_entity(what);
    let change = Change {
        action: AuditAction::Create,
        entity,
        entity_id: Some(id),
        unit_path,
        summary,
    };
    audit::record(conn, user, change, None::<&R>, Some(created)).await
}
