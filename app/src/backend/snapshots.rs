//! The denominators of each year as they stood when it began: per org unit, its active
//! households, clans and organisations and its villages and communes. A past year's dashboard and report measure against that year's
//! registry, not today's, so a household that moved or a commune that merged later does not
//! rewrite old percentages. The current year is always measured against the live counters.
//!
//! A year's snapshot is taken the first time the server starts in it, and again for the year a
//! reorganisation takes effect (its tree is the new one); [`ensure`] takes one only if the year
//! has none.

use crate::backend::db::{Conn, Db};
use crate::domain::org::{exists_in, path_ids};
use crate::error::AppResult;
use sqlx::QueryBuilder;
use std::collections::HashMap;

// The kinds a snapshot counts, as stored: "household", "clan", "organisation" (the
// registry's counted entities, as in `unit_counts`), "village" and "commune".

/// Replaces `year`'s snapshot with the registry as it is now, counted on the tree of that
/// year: each household, clan and organisation under the units its unit stood under then
/// (`org_unit_paths`), each village and commune that existed that year under its own. Reads
/// the registry once, grouped by unit (an index walk over households).
pub async fn take(conn: &mut Conn, year: i32) -> AppResult<()> {
    sqlx::query("DELETE FROM eligible_snapshots WHERE year = $1")
        .bind(year)
        .execute(&mut *conn)
        .await?;
    // Every unit's path in `year`, and which villages and communes existed then.
    #[derive(sqlx::FromRow)]
    struct UnitThen {
        id: i64,
        path: String,
        level: String,
        valid_from: Option<i32>,
        valid_to: Option<i32>,
        active: bool,
    }
    let units: Vec<UnitThen> = sqlx::query_as(
        "SELECT u.id, COALESCE((SELECT p.path FROM org_unit_paths p WHERE p.unit_id = u.id AND p.until_year >= $1
                                ORDER BY p.until_year LIMIT 1), u.path) AS path,
                u.level, u.valid_from, u.valid_to, u.active
         FROM org_units u",
    )
    .bind(year)
    .fetch_all(&mut *conn)
    .await?;
    let mut path_then: HashMap<i64, String> = HashMap::with_capacity(units.len());
    let mut counts: HashMap<(i64, &str), i64> = HashMap::new();
    for UnitThen {
        id,
        path,
        level,
        valid_from,
        valid_to,
        active,
    } in units
    {
        let existed = (active || valid_to.is_some()) && exists_in(valid_from, valid_to, year);
        let kind = match level.as_str() {
            "xa" => Some("commune"),
            "thon" => Some("village"),
            _ => None,
        };
        if let (true, Some(kind)) = (existed, kind) {
            for unit in path_ids(&path) {
                *counts.entry((unit, kind)).or_default() += 1;
            }
        }
        path_then.insert(id, path);
    }
    for (kind, sql) in [
        (
            "household",
            "SELECT village_id, COUNT(*) FROM households WHERE active GROUP BY village_id",
        ),
        (
            "clan",
            "SELECT commune_id, COUNT(*) FROM clans WHERE active GROUP BY commune_id",
        ),
        (
            "organisation",
            "SELECT managing_unit_id, COUNT(*) FROM organisations WHERE active GROUP BY managing_unit_id",
        ),
    ] {
        let groups: Vec<(i64, i64)> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
        for (unit, n) in groups {
            let Some(path) = path_then.get(&unit) else {
                continue;
            };
            for ancestor in path_ids(path) {
                *counts.entry((ancestor, kind)).or_default() += n;
            }
        }
    }
    let rows: Vec<((i64, &str), i64)> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
    for chunk in rows.chunks(200) {
        let mut qb: QueryBuilder<Db> =
            QueryBuilder::new("INSERT INTO eligible_snapshots (unit_id, year, kind, count) ");
        qb.push_values(chunk, |mut row, ((unit, kind), n)| {
            row.push_bind(*unit)
                .push_bind(year)
                .push_bind(*kind)
                .push_bind(*n);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Whether `year` has a snapshot.
pub async fn exists(conn: &mut Conn, year: i32) -> AppResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM eligible_snapshots WHERE year = $1 LIMIT 1")
            .bind(year)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// Takes `year`'s snapshot unless it has one; whether it took one.
pub async fn ensure(conn: &mut Conn, year: i32) -> AppResult<bool> {
    if exists(conn, year).await? {
        return Ok(false);
    }
    take(conn, year).await?;
    Ok(true)
}

/// The snapshot counts of `units` in the years `from..=to`: (unit, year, kind, count).
pub async fn read(
    conn: &mut Conn,
    units: &[i64],
    from: i32,
    to: i32,
) -> AppResult<Vec<(i64, i32, String, i64)>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT unit_id, year, kind, count FROM eligible_snapshots WHERE year BETWEEN ",
    );
    qb.push_bind(from)
        .push(" AND ")
        .push_bind(to)
        .push(" AND unit_id IN (");
    let mut list = qb.separated(", ");
    for id in units {
        list.push_bind(*id);
    }
    qb.push(")");
    Ok(qb.build_query_as().fetch_all(&mut *conn).await?)
}

/// The years that have a snapshot, within `from..=to`.
pub async fn years(conn: &mut Conn, from: i32, to: i32) -> AppResult<Vec<i32>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT year FROM eligible_snapshots WHERE year BETWEEN $1 AND $2 ORDER BY year",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?)
}
