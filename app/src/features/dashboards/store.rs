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

use super::types::{ChildRow, Dashboard, DashboardQuery, Figures, Funnel, TrendPoint};
use crate::backend::db::{Db, Pool};
use crate::backend::scope::push_scope_filter;
use crate::backend::session::require_at;
use crate::domain::criteria::TitleKind;
use crate::domain::org::path_ids;
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::workflow::CycleState;
use crate::error::{AppError, AppResult};
use crate::features::org_units::store as org_units;
use crate::features::targets::store as targets;
use crate::features::targets::types::{check_year, resolve, TargetKind};
use crate::features::training::store::progress;
use crate::vietnam_time::this_year;
use sqlx::QueryBuilder;
use std::collections::{BTreeSet, HashMap};

/// Counts per (unit, group) of the denominators.
type Eligible = HashMap<(i64, TargetKind), i64>;
/// Funnels per (unit, year, group).
type Funnels = HashMap<(i64, i32, TargetKind), Funnel>;

fn index(kind: TargetKind) -> usize {
    TargetKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
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
    let children = org_units::children(pool, here.id, false).await?;
    // Officers trained, with the way back up (the training feature owns both).
    let training = progress::progress(pool, user, Some(here.id)).await?;

    let mut ids: Vec<i64> = vec![here.id];
    ids.extend(children.iter().map(|c| c.id));
    let chain = path_ids(&here.path);
    let depth = chain.len();
    let mut conn = pool.acquire().await?;

    // The funnels: every year for the unit itself (its trend); for children the chosen year
    // and the two before it, whose three-year titles still run.
    let mut funnels: Funnels = HashMap::new();
    let mut recognised: HashMap<(i64, i32, TitleKind), i64> = HashMap::new();
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT unit_id, year, title_kind, state, count FROM rollups WHERE (unit_id = ",
    );
    qb.push_bind(here.id)
        .push(") OR (year BETWEEN ")
        .push_bind(query.year - 2)
        .push(" AND ")
        .push_bind(query.year);
    qb.push(" AND unit_id IN (");
    let mut list = qb.separated(", ");
    for id in &ids {
        list.push_bind(*id);
    }
    qb.push("))");
    let rows: Vec<(i64, i32, String, String, i64)> =
        qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut years: BTreeSet<i32> = BTreeSet::from([this_year(), query.year]);
    for (unit, year, title, state, count) in rows {
        let (Some(title), Some(state)) =
            (TitleKind::from_code(&title), CycleState::from_code(&state))
        else {
            continue;
        };
        if unit == here.id && count > 0 && state != CycleState::NotRecognised {
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

    // The denominators.
    let mut eligible: Eligible = HashMap::new();
    let mut qb: QueryBuilder<Db> =
        QueryBuilder::new("SELECT unit_id, entity, active FROM unit_counts WHERE unit_id IN (");
    let mut list = qb.separated(", ");
    for id in &ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<(i64, String, i64)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    for (unit, entity, n) in rows {
        let kind = match entity.as_str() {
            "household" => TargetKind::Households,
            "clan" => TargetKind::Clans,
            "organisation" => TargetKind::LearningUnits,
            _ => continue,
        };
        eligible.insert((unit, kind), n);
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
        *eligible.entry((here.id, kind)).or_default() += 1;
        // The child it lies under: the id one level below the unit's own.
        if let Some(child) = unit_ids.get(depth) {
            *eligible.entry((*child, kind)).or_default() += 1;
        }
    }
    let mut trained: HashMap<i64, i64> = HashMap::new();
    for (unit, row) in std::iter::once((here.id, &training.total))
        .chain(training.rows.iter().map(|r| (r.unit_id, r)))
    {
        eligible.insert((unit, TargetKind::OfficersTrained), i64::from(row.officers));
        trained.insert(unit, i64::from(row.trained));
    }
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
                    .map(|y| recognised.get(&(unit, y, *title)).copied().unwrap_or(0))
                    .sum::<i64>()
            })
            .sum()
    };

    // The targets along the way down, every year.
    let mut target_units = chain.clone();
    target_units.extend(children.iter().map(|c| c.id));
    let set = targets::set_at(&mut conn, &target_units, None).await?;
    drop(conn);
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
                eligible: eligible.get(&(unit, kind)).copied().unwrap_or(0),
                funnel: funnels
                    .get(&(unit, year, kind))
                    .copied()
                    .unwrap_or_default(),
                holding: holding(unit, year, kind),
                target: unit_targets.get(index(kind)).copied().flatten(),
            })
            .collect()
    };
    let here_targets = targets_of(&chain, query.year);
    let figures = figures_of(here.id, query.year, &here_targets);
    let child_rows = children
        .iter()
        .map(|child| {
            let mut child_chain = chain.clone();
            child_chain.push(child.id);
            ChildRow {
                unit_id: child.id,
                name: child.name.clone(),
                has_children: child.child_count > 0,
                figures: figures_of(child.id, query.year, &targets_of(&child_chain, query.year)),
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
        denominators_today: query.year < this_year(),
    })
}
