//! The rollup counters: how many registrations of each year, title and state every unit holds,
//! its whole subtree included. Every change of a registration's state moves its count in the
//! same transaction, so the dashboards read counters that never disagree with the records.
//!
//! A dossier counts under the tree of its own year: when a reorganisation moved its unit
//! (`org_unit_paths` keeps where the unit stood until then), the dossiers of the years before
//! still count under the old ancestors, so a past year is never rewritten.

use crate::backend::db::Conn;
use crate::domain::criteria::TitleKind;
use crate::domain::org::path_ids;
use crate::domain::workflow::CycleState;
use crate::error::AppResult;

/// Where the unit at `unit_path` (its path today) stood in `year`: its path then, if a
/// reorganisation has moved it since.
pub async fn path_in_year(conn: &mut Conn, unit_path: &str, year: i32) -> AppResult<String> {
    let Some(unit_id) = path_ids(unit_path).last().copied() else {
        return Ok(unit_path.to_string());
    };
    let then: Option<String> = sqlx::query_scalar(
        "SELECT path FROM org_unit_paths WHERE unit_id = $1 AND until_year >= $2
         ORDER BY until_year LIMIT 1",
    )
    .bind(unit_id)
    .bind(year)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(then.unwrap_or_else(|| unit_path.to_string()))
}

/// Adds `delta` to the counter of every ancestor the unit at `unit_path` had in `year` (the
/// unit included).
pub async fn bump(
    conn: &mut Conn,
    unit_path: &str,
    year: i32,
    kind: TitleKind,
    state: CycleState,
    delta: i64,
) -> AppResult<()> {
    let path = path_in_year(conn, unit_path, year).await?;
    add_along(conn, &path, year, kind, state, delta).await
}

/// Adds `delta` to the counter of every unit on `path` (already the path of `year`).
async fn add_along(
    conn: &mut Conn,
    path: &str,
    year: i32,
    kind: TitleKind,
    state: CycleState,
    delta: i64,
) -> AppResult<()> {
    for unit_id in path_ids(path) {
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
    crate::backend::changes::note(conn, path).await
}

/// Recomputes every counter from the registrations (after the tree changes shape), each
/// dossier under the tree of its year.
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
        "SELECT COALESCE((SELECT p.path FROM org_unit_paths p
                          WHERE p.unit_id = r.unit_id AND p.until_year >= r.year
                          ORDER BY p.until_year LIMIT 1), u.path) AS path,
                r.year, r.title_kind, r.state, COUNT(*) AS n
         FROM registrations r JOIN org_units u ON u.id = r.unit_id
         GROUP BY 1, r.year, r.title_kind, r.state",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        if let (Some(kind), Some(state)) = (
            TitleKind::from_code(&r.title_kind),
            CycleState::from_code(&r.state),
        ) {
            add_along(conn, &r.path, r.year, kind, state, r.n).await?;
        }
    }
    Ok(())
}
