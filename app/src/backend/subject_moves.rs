//! What happens to the title cycle when a household, clan or organisation moves to another
//! unit (a family moves village, a clan's seat is assigned to another commune).
//!
//! Choice: the subject takes its **open** registrations with it — every one not yet decided
//! (registered, draft, submitted, returned or approved) — and the rollup counters of both
//! ancestor chains follow in the same transaction. The dossier is then worked on, reviewed and
//! decided where the subject now lives, which is what the officers of the new unit expect; the
//! old unit's counters no longer count a household it does not have. Decided registrations
//! (recognised or not) stay where they were decided: the decision covered that unit, and
//! history is not rewritten. Refusing the move while a dossier is open was the alternative;
//! it would leave a family registered in a village it has left until the year's cycle ends.

use crate::backend::db::Conn;
use crate::backend::rollups::bump;
use crate::domain::criteria::{SubjectKind, TitleKind};
use crate::domain::workflow::CycleState;
use crate::error::AppResult;

/// Re-points the open registrations of a subject at `new_unit_id` and moves their counts from
/// the old unit's ancestors to the new one's. Call it inside the write transaction that moves
/// the subject. Returns how many registrations moved.
pub async fn move_open_registrations(
    conn: &mut Conn,
    subject_kind: SubjectKind,
    subject_id: i64,
    new_unit_id: i64,
) -> AppResult<usize> {
    #[derive(sqlx::FromRow)]
    struct Open {
        id: i64,
        year: i32,
        title_kind: String,
        state: String,
        old_path: String,
    }
    let open = sqlx::query_as::<_, Open>(
        "SELECT r.id, r.year, r.title_kind, r.state, u.path AS old_path
         FROM registrations r JOIN org_units u ON u.id = r.unit_id
         WHERE r.subject_kind = $1 AND r.subject_id = $2 AND r.unit_id <> $3
           AND r.state NOT IN ('recognised', 'not_recognised')",
    )
    .bind(subject_kind.code())
    .bind(subject_id)
    .bind(new_unit_id)
    .fetch_all(&mut *conn)
    .await?;
    if open.is_empty() {
        return Ok(0);
    }
    let new_path: String = sqlx::query_scalar("SELECT path FROM org_units WHERE id = $1")
        .bind(new_unit_id)
        .fetch_one(&mut *conn)
        .await?;
    for r in &open {
        let (Some(kind), Some(state)) = (
            TitleKind::from_code(&r.title_kind),
            CycleState::from_code(&r.state),
        ) else {
            continue;
        };
        bump(conn, &r.old_path, r.year, kind, state, -1).await?;
        bump(conn, &new_path, r.year, kind, state, 1).await?;
        sqlx::query("UPDATE registrations SET unit_id = $1 WHERE id = $2")
            .bind(new_unit_id)
            .bind(r.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(open.len())
}
