//! The dashboard's reads. Everything comes from counters kept in the same transaction as each
//! change, never from a scan of households or registrations:
//!
//! - the funnel from `rollups` (per unit, year, title and state: `backend::rollups`);
//! - the denominators of households, clans and organisations from `unit_counts`
//!   (`backend::counts`); villages and communes are org units, counted by path (a province
//!   has a few thousand);
//! - training from `training::store::progress` (accounts are few);
//! - targets from `targets`, resolved along the unit's ancestors.
//!
//! The cost grows with the unit's children and years, not with its households.
//!
//! A past year is shown on its own tree, measured against its own registry (the year's
//! snapshot), or on today's units with the predecessors' figures added in (`store/history.rs`).

mod history;

use super::types::{ChildRow, Dashboard, DashboardQuery, Figures, Funnel, TrendPoint};
use crate::backend::db::{Db, Pool};
use crate::backend::scope::push_scope_filter;
use crate::backend::session::require_at;
use crate::backend::snapshots;
use crate::domain::criteria::TitleKind;
use crate::domain::org::path_ids;
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::workflow::CycleState;
use crate::error::{AppError, AppResult};
use crate::features::org_units::store as org_units;
use crate::features::targets::store as targets;
use crate::features::targets::types::{check_year, resolve, TargetKind};
use crate::features::training::store::progress;
use crate::features::training::types::UnitLink;
use crate::vietnam_time::this_year;
use history::{children_in_year, History};
use sqlx::QueryBuilder;
use std::collections::{BTreeSet, HashMap};

/// Live denominators per (unit, group).
type Eligible = HashMap<(i64, TargetKind), i64>;
/// Snapshot denominators per (unit, year, group).
type Snapshot = HashMap<(i64, i32, TargetKind), i64>;
/// Funnels per (unit, year, group).
type Funnels = HashMap<(i64, i32, TargetKind), Funnel>;

fn index(kind: TargetKind) -> usize {
    TargetKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// A snapshot's or the registry counters' entity as a group.
fn kind_of_entity(entity: &str) -> Option<TargetKind> {
    match entity {
        "household" => Some(TargetKind::Households),
        "clan" => Some(TargetKind::Clans),
        "organisation" => Some(TargetKind::LearningUnits),
        "village" => Some(TargetKind::Villages),
        "commune" => Some(TargetKind::Communes),
        _ => None,
    }
}

fn push_ids(qb: &mut QueryBuilder<'_, Db>, ids: &[i64]) {
    qb.push("(");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    if ids.is_empty() {
        list.push("NULL");
    }
    qb.push(")");
}

/// The dashboard of a unit (default: the caller's own area) for a year, within the caller's
/// dashboard scope.
pub async fn find(pool: &Pool, user: &SessionUser, query: DashboardQuery) -> AppResult<Dashboard> {
    check_year(query.year)?;
    let id = match query.unit_id {
        Some(id) => id,
        None => user
            .scopes(Permission::ViewDashboard)
            .first()
            .and_then(|root| path_ids(root).last().copied())
            .ok_or_else(AppError::forbidden)?,
    };
    let here = org_units::get(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
    require_at(user, Permission::ViewDashboard, &here.path)?;
    let current_year = this_year();
    // Today's units for this year and later, or when asked; otherwise the tree of the year.
    let today = query.today || query.year >= current_year;
    // Officers trained, with the way back up (the training feature owns both).
    let training = progress::progress(pool, user, Some(here.id)).await?;
    let mut conn = pool.acquire().await?;
    // (id, name, whether it has units below)
    let children: Vec<(i64, String, bool)> = if today {
        org_units::children(pool, here.id, false)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name, c.child_count > 0))
            .collect()
    } else {
        children_in_year(&mut conn, here.id, &here.path, query.year).await?
    };
    let child_ids: Vec<i64> = children.iter().map(|c| c.0).collect();
    let mut shown = vec![here.id];
    shown.extend(&child_ids);
    let history = History::read(&mut conn, &shown).await?;
    let here_closure = history.closure(&[here.id]);
    let child_closure = history.closure(&child_ids);
    let chain = path_ids(&here.path);
    let depth = chain.len();

    // The funnels: every year for the unit (its trend); for children the chosen year and the
    // two before it, whose three-year titles still run.
    let mut funnels: Funnels = HashMap::new();
    let mut recognised: HashMap<(i64, i32, TitleKind), i64> = HashMap::new();
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT unit_id, year, title_kind, state, count FROM rollups WHERE unit_id IN ",
    );
    push_ids(&mut qb, &here_closure);
    qb.push(" OR (year BETWEEN ")
        .push_bind(query.year - 2)
        .push(" AND ")
        .push_bind(query.year)
        .push(" AND unit_id IN ");
    push_ids(&mut qb, &child_closure);
    qb.push(")");
    let rows: Vec<(i64, i32, String, String, i64)> =
        qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut years: BTreeSet<i32> = BTreeSet::from([current_year, query.year]);
    for (unit, year, title, state, count) in rows {
        let (Some(title), Some(state)) =
            (TitleKind::from_code(&title), CycleState::from_code(&state))
        else {
            continue;
        };
        if here_closure.contains(&unit) && count > 0 && state != CycleState::NotRecognised {
            years.insert(year);
        }
        if state == CycleState::Recognised {
            *recognised.entry((unit, year, title)).or_default() += count;
        }
        funnels
            .entry((unit, year, TargetKind::of_title(title)))
            .or_default()
            .add(state, count);
    }
    let first_year = years.first().copied().unwrap_or(query.year);

    // The denominators: live for this year, the year's snapshot for a past one.
    let mut live: Eligible = HashMap::new();
    let mut qb: QueryBuilder<Db> =
        QueryBuilder::new("SELECT unit_id, entity, active FROM unit_counts WHERE unit_id IN ");
    push_ids(&mut qb, &shown);
    let rows: Vec<(i64, String, i64)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    for (unit, entity, n) in rows {
        if let Some(kind) = kind_of_entity(&entity) {
            live.insert((unit, kind), n);
        }
    }
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT path, level FROM org_units WHERE active AND level IN ('xa', 'thon') AND ",
    );
    push_scope_filter(&mut qb, "path", std::slice::from_ref(&here.path));
    let units: Vec<(String, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    for (path, level) in units {
        let kind = if level == "xa" {
            TargetKind::Communes
        } else {
            TargetKind::Villages
        };
        let unit_ids = path_ids(&path);
        *live.entry((here.id, kind)).or_default() += 1;
        // The child it lies under: the id one level below the unit's own.
        if let Some(child) = unit_ids.get(depth) {
            *live.entry((*child, kind)).or_default() += 1;
        }
    }
    let mut everyone = here_closure.clone();
    everyone.extend(&child_closure);
    let mut snapshot: Snapshot = HashMap::new();
    for (unit, year, entity, n) in
        snapshots::read(&mut conn, &everyone, first_year, current_year - 1).await?
    {
        if let Some(kind) = kind_of_entity(&entity) {
            snapshot.insert((unit, year, kind), n);
        }
    }
    let snapshot_years: BTreeSet<i32> = snapshots::years(&mut conn, first_year, current_year - 1)
        .await?
        .into_iter()
        .collect();
    let mut trained: HashMap<i64, i64> = HashMap::new();
    for (unit, row) in std::iter::once((here.id, &training.total))
        .chain(training.rows.iter().map(|r| (r.unit_id, r)))
    {
        live.insert((unit, TargetKind::OfficersTrained), i64::from(row.officers));
        trained.insert(unit, i64::from(row.trained));
    }
    let eligible = |unit: i64, year: i32, kind: TargetKind| -> i64 {
        if kind == TargetKind::OfficersTrained || !snapshot_years.contains(&year) {
            return live.get(&(unit, kind)).copied().unwrap_or(0);
        }
        history
            .contributors(unit, year, today)
            .iter()
            .map(|u| snapshot.get(&(*u, year, kind)).copied().unwrap_or(0))
            .sum()
    };
    let funnel = |unit: i64, year: i32, kind: TargetKind| -> Funnel {
        let mut total = Funnel::default();
        for u in history.contributors(unit, year, today) {
            if let Some(f) = funnels.get(&(u, year, kind)) {
                total.registered += f.registered;
                total.evaluated += f.evaluated;
                total.approved += f.approved;
                total.recognised += f.recognised;
            }
        }
        total
    };
    // Holding a title in a year: recognised in one of the years its recognition runs through.
    let holding = |unit: i64, year: i32, kind: TargetKind| -> i64 {
        if kind == TargetKind::OfficersTrained {
            return if year == query.year {
                trained.get(&unit).copied().unwrap_or(0)
            } else {
                0
            };
        }
        kind.titles()
            .iter()
            .map(|title| {
                let runs = title.validity_years() as i32;
                (year - runs + 1..=year)
                    .map(|y| {
                        history
                            .contributors(unit, y, today)
                            .iter()
                            .map(|u| recognised.get(&(*u, y, *title)).copied().unwrap_or(0))
                            .sum::<i64>()
                    })
                    .sum::<i64>()
            })
            .sum()
    };

    // The targets along the way down, every year.
    let mut target_units = chain.clone();
    target_units.extend(&child_ids);
    let set = targets::set_at(&mut conn, &target_units, None).await?;
    // The names of the units before and after this one.
    let (before, after) = history.links(here.id);
    let mut names: HashMap<i64, String> = HashMap::new();
    for (unit, _) in before.iter().chain(&after) {
        if let Some(u) = org_units::get_in(&mut conn, *unit).await? {
            names.insert(*unit, u.name);
        }
    }
    drop(conn);
    let link = |(unit, year): &(i64, i32)| {
        (
            UnitLink {
                unit_id: *unit,
                name: names.get(unit).cloned().unwrap_or_default(),
            },
            *year,
        )
    };
    let targets_of = |unit_chain: &[i64], year: i32| -> Vec<Option<u8>> {
        let that_year: Vec<(i64, TargetKind, u8)> = set
            .iter()
            .filter(|(_, y, _, _)| *y == year)
            .map(|(u, _, k, p)| (*u, *k, *p))
            .collect();
        resolve(unit_chain, &that_year)
            .into_iter()
            .map(|(_, found)| found.map(|(p, _)| p))
            .collect()
    };

    let figures_of = |unit: i64, year: i32, unit_targets: &[Option<u8>]| -> Vec<Figures> {
        TargetKind::ALL
            .into_iter()
            .map(|kind| Figures {
                eligible: eligible(unit, year, kind),
                funnel: funnel(unit, year, kind),
                holding: holding(unit, year, kind),
                target: unit_targets.get(index(kind)).copied().flatten(),
            })
            .collect()
    };
    let here_targets = targets_of(&chain, query.year);
    let figures = figures_of(here.id, query.year, &here_targets);
    let child_rows = children
        .iter()
        .map(|(child, name, has_children)| {
            let mut child_chain = chain.clone();
            child_chain.push(*child);
            ChildRow {
                unit_id: *child,
                name: name.clone(),
                has_children: *has_children,
                figures: figures_of(*child, query.year, &targets_of(&child_chain, query.year)),
            }
        })
        .collect();
    let years: Vec<i32> = years.into_iter().collect();
    let trend = TargetKind::ALL
        .into_iter()
        .filter(|k| !k.titles().is_empty())
        .map(|kind| {
            let points = years
                .iter()
                .map(|year| TrendPoint {
                    year: *year,
                    figures: figures_of(here.id, *year, &targets_of(&chain, *year))[index(kind)],
                })
                .collect();
            (kind, points)
        })
        .collect();
    Ok(Dashboard {
        unit_id: here.id,
        unit_name: here.name,
        year: query.year,
        years,
        trail: training.trail,
        figures,
        children: child_rows,
        trend,
        can_set_targets: user.can_at(Permission::SetTargets, &here.path),
        denominators_today: query.year < current_year && !snapshot_years.contains(&query.year),
        today,
        valid_from: here.valid_from,
        valid_to: here.valid_to,
        predecessors: before.iter().map(link).collect(),
        successors: after.iter().map(link).collect(),
    })
}
