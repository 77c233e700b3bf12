//! The targets' SQL: reading a unit's targets with what it inherits, saving them (with their
//! audit entry and a change note for the open dashboards), and the rows the dashboards need.

use super::types::{
    check_year, resolve, TargetKind, TargetRow, TargetSource, TargetsInput, UnitTargets,
};
use crate::backend::audit::{self, Change};
use crate::backend::changes;
use crate::backend::db::{self, Conn, Pool};
use crate::backend::session::require_at;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::org::{path_ids, OrgUnit};
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult};
use crate::features::org_units::store as org_units;
use sqlx::QueryBuilder;

pub mod import;

/// The targets set at `unit_ids` for `year` (every year when `None`), as (unit, year, group,
/// percent). Rows of a group this version does not know are skipped.
pub async fn set_at(
    conn: &mut Conn,
    unit_ids: &[i64],
    year: Option<i32>,
) -> AppResult<Vec<(i64, i32, TargetKind, u8)>> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb: QueryBuilder<db::Db> =
        QueryBuilder::new("SELECT unit_id, year, kind, percent FROM targets WHERE unit_id IN (");
    let mut list = qb.separated(", ");
    for id in unit_ids {
        list.push_bind(*id);
    }
    qb.push(")");
    if let Some(year) = year {
        qb.push(" AND year = ").push_bind(year);
    }
    let rows: Vec<(i64, i32, String, i64)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(unit, year, kind, percent)| {
            Some((
                unit,
                year,
                TargetKind::from_code(&kind)?,
                u8::try_from(percent).ok()?,
            ))
        })
        .collect())
}

/// The unit asked for, or the first unit of the caller's scope for `permission`.
async fn unit_or_scope_root(
    pool: &Pool,
    user: &SessionUser,
    unit_id: Option<i64>,
    permission: Permission,
) -> AppResult<OrgUnit> {
    let id = match unit_id {
        Some(id) => id,
        None => user
            .scopes(permission)
            .first()
            .and_then(|root| path_ids(root).last().copied())
            .ok_or_else(AppError::forbidden)?,
    };
    org_units::get(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))
}

/// A unit's targets for `year`: its own and what it inherits. Leaders and everyone who may
/// set them can read them within their scope.
pub async fn find(
    pool: &Pool,
    user: &SessionUser,
    unit_id: Option<i64>,
    year: i32,
) -> AppResult<UnitTargets> {
    check_year(year)?;
    let permission = if user.can(Permission::SetTargets) {
        Permission::SetTargets
    } else {
        Permission::ViewDashboard
    };
    let unit = unit_or_scope_root(pool, user, unit_id, permission).await?;
    if !user.can_at(Permission::SetTargets, &unit.path) {
        require_at(user, Permission::ViewDashboard, &unit.path)?;
    }
    let chain = path_ids(&unit.path);
    let ancestors = org_units::ancestors(pool, &unit.path).await?;
    let mut conn = pool.acquire().await?;
    let set: Vec<(i64, TargetKind, u8)> = set_at(&mut conn, &chain, Some(year))
        .await?
        .into_iter()
        .map(|(u, _, k, p)| (u, k, p))
        .collect();
    drop(conn);
    let above = &chain[..chain.len().saturating_sub(1)];
    let inherited = resolve(above, &set);
    let rows = TargetKind::ALL
        .into_iter()
        .zip(inherited)
        .map(|(kind, (_, from))| TargetRow {
            kind,
            own: set
                .iter()
                .find(|(u, k, _)| *u == unit.id && *k == kind)
                .map(|(_, _, p)| *p),
            inherited: from.map(|(percent, unit_id)| TargetSource {
                percent,
                unit_id,
                unit_name: ancestors
                    .iter()
                    .find(|a| a.id == unit_id)
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
            }),
        })
        .collect();
    let children = org_units::children(pool, unit.id, false)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(UnitTargets {
        unit_id: unit.id,
        unit_name: unit.name,
        year,
        rows,
        can_edit: user.can_at(Permission::SetTargets, &unit.path),
        children,
    })
}

/// Saves a unit's own targets for a year (an empty value takes the parent's), with one audit
/// entry holding the values before and after. Needs `SetTargets` at the unit.
pub async fn save(pool: &Pool, user: &SessionUser, input: TargetsInput) -> AppResult<UnitTargets> {
    check_year(input.year)?;
    let mut errors = Vec::new();
    for (kind, percent) in &input.percents {
        if percent.is_some_and(|p| p > 100) {
            errors.push(crate::error::FieldError::new(
                kind.code(),
                "Chỉ tiêu là một tỷ lệ phần trăm từ 0 đến 100.",
                "A target is a percentage from 0 to 100.",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let unit = org_units::get(pool, input.unit_id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
    require_at(user, Permission::SetTargets, &unit.path)?;
    let mut tx = db::begin_write(pool).await?;
    write_one(&mut tx, user, &unit, input.year, &input.percents).await?;
    tx.commit().await?;
    find(pool, user, Some(unit.id), input.year).await
}

/// Writes `unit`'s own targets for `year` inside the caller's write transaction (the caller
/// has checked `SetTargets` at the unit): an audit entry with the values before and after and
/// a change note for the open dashboards, if anything changed. Whether it did.
pub(crate) async fn write_one(
    conn: &mut Conn,
    user: &SessionUser,
    unit: &OrgUnit,
    year: i32,
    percents: &[(TargetKind, Option<u8>)],
) -> AppResult<bool> {
    let before: Vec<(TargetKind, u8)> = set_at(&mut *conn, &[unit.id], Some(year))
        .await?
        .into_iter()
        .map(|(_, _, k, p)| (k, p))
        .collect();
    let now = db::now();
    for (kind, percent) in percents {
        match percent {
            Some(p) => {
                sqlx::query(
                    "INSERT INTO targets (unit_id, year, kind, percent, updated_at, updated_by)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (unit_id, year, kind) DO UPDATE
                     SET percent = excluded.percent, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                )
                .bind(unit.id)
                .bind(year)
                .bind(kind.code())
                .bind(i64::from(*p))
                .bind(now)
                .bind(user.id)
                .execute(&mut *conn)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM targets WHERE unit_id = $1 AND year = $2 AND kind = $3")
                    .bind(unit.id)
                    .bind(year)
                    .bind(kind.code())
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    let after: Vec<(TargetKind, u8)> = set_at(&mut *conn, &[unit.id], Some(year))
        .await?
        .into_iter()
        .map(|(_, _, k, p)| (k, p))
        .collect();
    if before != after {
        let words = |rows: &[(TargetKind, u8)]| {
            rows.iter()
                .map(|(k, p)| serde_json::json!({"kind": k.code(), "percent": p}))
                .collect::<Vec<_>>()
        };
        audit::record(
            &mut *conn,
            user,
            Change {
                action: AuditAction::Update,
                entity: AuditEntity::Target,
                entity_id: Some(unit.id),
                unit_path: &unit.path,
                summary: format!("{} — {}", unit.name, year),
            },
            Some(&words(&before)),
            Some(&words(&after)),
        )
        .await?;
        // Every dashboard under the unit measures against these targets.
        changes::note(&mut *conn, &unit.path).await?;
    }
    Ok(before != after)
}
