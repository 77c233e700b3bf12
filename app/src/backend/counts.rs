//! Registry counters: how many active households, clans and organisations lie under every org
//! unit (the unit itself included). Each write that changes one of these numbers updates the
//! counters of every ancestor in the same transaction, so the home page of a province reads a
//! handful of rows instead of counting a million households.
//!
//! A counter row that does not exist is zero. After the tree changes shape (a unit moves),
//! [`rebuild`] recomputes them all; the integration tests compare them with a fresh count.

use crate::backend::db::{Conn, Db};
use crate::domain::org::path_ids;
use crate::error::AppResult;
use sqlx::QueryBuilder;
use std::collections::HashMap;

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    Household,
    Clan,
    Organisation,
}

impl Counted {
    pub const ALL: [Counted; 3] = [Counted::Household, Counted::Clan, Counted::Organisation];

    pub fn code(self) -> &'static str {
        match self {
            Counted::Household => "household",
            Counted::Clan => "clan",
            Counted::Organisation => "organisation",
        }
    }

    /// The active records of this kind with the path of the unit they are counted at.
    fn source(self) -> &'static str {
        match self {
            Counted::Household => {
                "SELECT u.path, COUNT(*) AS n FROM households h JOIN org_units u ON u.id = h.village_id
                 WHERE h.active GROUP BY u.path"
            }
            Counted::Clan => {
                "SELECT u.path, COUNT(*) AS n FROM clans k JOIN org_units u ON u.id = k.commune_id
                 WHERE k.active GROUP BY u.path"
            }
            Counted::Organisation => {
                "SELECT u.path, COUNT(*) AS n FROM organisations o JOIN org_units u ON u.id = o.managing_unit_id
                 WHERE o.active GROUP BY u.path"
            }
        }
    }
}

/// Adds `delta` to the counter of `what` at every ancestor of `unit_path` (the unit included).
pub async fn add(conn: &mut Conn, what: Counted, unit_path: &str, delta: i64) -> AppResult<()> {
    add_many(conn, what, std::iter::once((unit_path, delta))).await
}

/// Moves a record's count when it changes unit or state: `before` and `after` are its
/// (unit path, active) — `None` for a record that did not exist.
pub async fn changed(
    conn: &mut Conn,
    what: Counted,
    before: Option<(&str, bool)>,
    after: Option<(&str, bool)>,
) -> AppResult<()> {
    let deltas = [
        before.filter(|(_, active)| *active).map(|(p, _)| (p, -1)),
        after.filter(|(_, active)| *active).map(|(p, _)| (p, 1)),
    ];
    add_many(conn, what, deltas.into_iter().flatten()).await
}

/// Adds many deltas at once (an import): summed per ancestor first, then one multi-row upsert
/// per few hundred ancestors.
pub async fn add_many<'a>(
    conn: &mut Conn,
    what: Counted,
    deltas: impl IntoIterator<Item = (&'a str, i64)>,
) -> AppResult<()> {
    let mut per_path: HashMap<&str, i64> = HashMap::new();
    for (path, delta) in deltas {
        *per_path.entry(path).or_default() += delta;
    }
    // The open dashboards of these units read their denominators again once this commits.
    crate::backend::changes::note_many(
        conn,
        per_path
            .iter()
            .filter(|(_, delta)| **delta != 0)
            .map(|(path, _)| *path),
    )
    .await?;
    let mut per_unit: HashMap<i64, i64> = HashMap::new();
    for (path, delta) in per_path {
        for id in path_ids(path) {
            *per_unit.entry(id).or_default() += delta;
        }
    }
    let changes: Vec<(i64, i64)> = per_unit.into_iter().filter(|(_, d)| *d != 0).collect();
    for chunk in changes.chunks(300) {
        let mut qb: QueryBuilder<Db> =
            QueryBuilder::new("INSERT INTO unit_counts (unit_id, entity, active) ");
        qb.push_values(chunk, |mut row, (unit_id, delta)| {
            row.push_bind(*unit_id)
                .push_bind(what.code())
                .push_bind(*delta);
        });
        qb.push(
            " ON CONFLICT (unit_id, entity) DO UPDATE SET active = unit_counts.active + excluded.active",
        );
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Recomputes every counter from the records (after a unit moves, after the demo load).
pub async fn rebuild(conn: &mut Conn) -> AppResult<()> {
    sqlx::query("DELETE FROM unit_counts")
        .execute(&mut *conn)
        .await?;
    for what in Counted::ALL {
        let rows: Vec<(String, i64)> = sqlx::query_as(what.source()).fetch_all(&mut *conn).await?;
        add_many(conn, what, rows.iter().map(|(p, n)| (p.as_str(), *n))).await?;
    }
    Ok(())
}

/// The counters of `what` summed over the units whose paths are `roots` (disjoint subtrees,
/// as a user's scope roots are).
pub async fn total(conn: &mut Conn, what: Counted, roots: &[String]) -> AppResult<i64> {
    let ids: Vec<i64> = roots
        .iter()
        .filter_map(|p| path_ids(p).last().copied())
        .collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let mut qb: QueryBuilder<Db> =
        QueryBuilder::new("SELECT COALESCE(SUM(active), 0) FROM unit_counts WHERE entity = ");
    qb.push_bind(what.code()).push(" AND unit_id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    qb.push(")");
    Ok(qb.build_query_scalar().fetch_one(conn).await?)
}

/// Every counter as (unit id, entity, count), for the tests that compare them with a count.
pub async fn all(conn: &mut Conn) -> AppResult<Vec<(i64, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT unit_id, entity, active FROM unit_counts WHERE active <> 0 ORDER BY unit_id, entity",
    )
    .fetch_all(conn)
    .await?)
}
