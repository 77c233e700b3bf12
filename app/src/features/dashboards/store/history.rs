//! The dashboard across reorganisations: which units' counters make up a unit's figures in a
//! year, and which units formed a unit's tree in a past year.
//!
//! A unit's figures in a year are its own counters, plus, for a year before it existed, those
//! of the units it took over (a merge, a dissolved level), and so on back. On today's units
//! (`today`), the predecessors' counters of every year are added in, so years before and after
//! a merge compare like with like. A unit whose counters already include another's (a
//! dissolved district and the province above it) is counted once.

use crate::backend::db::Conn;
use crate::domain::org::{exists_in, path_ids};
use crate::error::AppResult;
use crate::features::org_units::store::history::{self as successions, Succession};
use std::collections::{HashMap, HashSet};

/// Units with the year of their succession.
pub type Links = Vec<(i64, i32)>;

/// A unit's validity and path, as far as the reorganisations go.
#[derive(Clone, Debug)]
struct Known {
    path: String,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
}

/// The successions, and the units they name.
pub struct History {
    successions: Vec<Succession>,
    predecessors: HashMap<i64, Vec<i64>>,
    units: HashMap<i64, Known>,
}

impl History {
    /// Reads every succession and the units in them, plus `also` (the units the dashboard
    /// shows), whose validity decides what they hold.
    pub async fn read(conn: &mut Conn, also: &[i64]) -> AppResult<History> {
        let successions = successions::all(conn).await?;
        let predecessors = successions::predecessors_of(&successions);
        let mut ids: Vec<i64> = successions
            .iter()
            .flat_map(|s| [s.predecessor_id, s.successor_id])
            .chain(also.iter().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut units = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut qb = sqlx::QueryBuilder::<crate::backend::db::Db>::new(
                "SELECT id, path, valid_from, valid_to FROM org_units WHERE id IN (",
            );
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(")");
            let rows: Vec<(i64, String, Option<i32>, Option<i32>)> =
                qb.build_query_as().fetch_all(&mut *conn).await?;
            for (id, path, valid_from, valid_to) in rows {
                units.insert(
                    id,
                    Known {
                        path,
                        valid_from,
                        valid_to,
                    },
                );
            }
        }
        Ok(History {
            successions,
            predecessors,
            units,
        })
    }

    /// The units whose counters of `year` make up `unit`'s figures.
    pub fn contributors(&self, unit: i64, year: i32, today: bool) -> Vec<i64> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.collect(unit, year, today, &mut out, &mut seen);
        // Counted once: drop a unit that lies within another contributor.
        let paths: Vec<(i64, &str)> = out
            .iter()
            .filter_map(|id| self.units.get(id).map(|k| (*id, k.path.as_str())))
            .collect();
        out.retain(|id| {
            let Some(mine) = self.units.get(id).map(|k| k.path.as_str()) else {
                return true;
            };
            !paths
                .iter()
                .any(|(other, path)| other != id && mine.starts_with(path))
        });
        out
    }

    fn collect(
        &self,
        unit: i64,
        year: i32,
        today: bool,
        out: &mut Vec<i64>,
        seen: &mut HashSet<i64>,
    ) {
        if !seen.insert(unit) {
            return;
        }
        let known = self.units.get(&unit);
        let (from, to) = known.map_or((None, None), |k| (k.valid_from, k.valid_to));
        if exists_in(from, to, year) {
            out.push(unit);
        }
        let before_it = from.is_some_and(|f| year < f);
        if today || before_it {
            for p in self.predecessors.get(&unit).into_iter().flatten() {
                self.collect(*p, year, today, out, seen);
            }
        }
    }

    /// Every unit that may contribute to `units` in some year (to read their counters once).
    pub fn closure(&self, units: &[i64]) -> Vec<i64> {
        let mut seen: HashSet<i64> = HashSet::new();
        let mut stack: Vec<i64> = units.to_vec();
        while let Some(u) = stack.pop() {
            if seen.insert(u) {
                stack.extend(self.predecessors.get(&u).into_iter().flatten().copied());
            }
        }
        let mut out: Vec<i64> = seen.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// The direct predecessors of `unit` and its successors, with the year of each.
    pub fn links(&self, unit: i64) -> (Links, Links) {
        let before = self
            .successions
            .iter()
            .filter(|s| s.successor_id == unit)
            .map(|s| (s.predecessor_id, s.year))
            .collect();
        let after = self
            .successions
            .iter()
            .filter(|s| s.predecessor_id == unit)
            .map(|s| (s.successor_id, s.year))
            .collect();
        (before, after)
    }
}

/// The units directly under `parent` in `year`: those that existed then and stood under it
/// then (a unit a reorganisation moved since counts under its old parent), by name.
pub async fn children_in_year(
    conn: &mut Conn,
    parent_id: i64,
    parent_path: &str,
    year: i32,
) -> AppResult<Vec<(i64, String, bool)>> {
    #[derive(sqlx::FromRow)]
    struct ChildThen {
        id: i64,
        name: String,
        then_path: String,
        valid_from: Option<i32>,
        valid_to: Option<i32>,
        active: bool,
        level: String,
    }
    let rows: Vec<ChildThen> = sqlx::query_as(
        "SELECT u.id, u.name,
                COALESCE((SELECT p.path FROM org_unit_paths p WHERE p.unit_id = u.id AND p.until_year >= $1
                          ORDER BY p.until_year LIMIT 1), u.path) AS then_path,
                u.valid_from, u.valid_to, u.active, u.level
         FROM org_units u
         WHERE u.parent_id = $2
            OR u.id IN (SELECT unit_id FROM org_unit_paths WHERE until_year >= $1 AND path >= $3 AND path < $4)
         ORDER BY u.search_key",
    )
    .bind(year)
    .bind(parent_id)
    .bind(parent_path)
    .bind(crate::domain::org::subtree_upper_bound(parent_path))
    .fetch_all(&mut *conn)
    .await?;
    let depth = path_ids(parent_path).len();
    Ok(rows
        .into_iter()
        .filter(|c| {
            let ids = path_ids(&c.then_path);
            // Switched off (not ended) units are left out, as on today's tree.
            (c.active || c.valid_to.is_some())
                && exists_in(c.valid_from, c.valid_to, year)
                && ids.len() == depth + 1
                && ids.get(depth.wrapping_sub(1)) == Some(&parent_id)
        })
        .map(|c| (c.id, c.name, c.level != "thon"))
        .collect())
}
