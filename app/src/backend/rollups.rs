//! The rollup counters: how many registrations of each year, title and state every unit holds,
//! its whole subtree included. Every change of a registration's state moves its count in the
//! same transaction, so the dashboards read counters that never disagree with the records.

use crate::backend::db::Conn;
use crate::domain::criteria::TitleKind;
use crate::domain::org::path_ids;
use crate::domain::workflow::CycleState;
use crate::error::AppResult;

/// Adds `delta` to the counter of every ancestor of `unit_path` (the unit included).
pub async fn bump(
    conn: &mut Conn,
    unit_path: &str,
    year: i32,
    kind: TitleKind,
    state: CycleState,
    delta: i64,
) -> AppResult<()> {
    for unit_id in path_ids(unit_path) {
        sqlx::query(
            "INSERT INTO rollups (unit_id, year, title_kind, state, count) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (unit_id, year, title_kind, state) DO UPDATE SET count = rollups.count + excluded.count",
        )
        .bind(unit_id)
        .bind(year)
        .bind(kind.code())
        .bind(state.code())
        .bind(delta)
        .execute(&mut *conn)
        .await?;
    }
    // The open dashboards above the unit read their figures again once this commits.
    crate::backend::changes::note(conn, unit_path).await
}

/// Recomputes every counter from the registrations (after the tree changes shape).
pub async fn rebuild(conn: &mut Conn) -> AppResult<()> {
    #[derive(sqlx::FromRow)]
    struct Row {
        path: String,
        year: i32,
        title_kind: String,
        state: String,
        n: i64,
    }
    sqlx::query("DELETE FROM rollups")
        .execute(&mut *conn)
        .await?;
    let rows = sqlx::query_as::<_, Row>(
        "SELECT u.path, r.year, r.title_kind, r.state, COUNT(*) AS n FROM registrations r
         JOIN org_units u ON u.id = r.unit_id GROUP BY u.path, r.year, r.title_kind, r.state",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        if let (Some(kind), Some(state)) = (
            TitleKind::from_code(&r.title_kind),
            CycleState::from_code(&r.state),
        ) {
            bump(conn, &r.path, r.year, kind, state, r.n).await?;
        }
    }
    Ok(())
}
