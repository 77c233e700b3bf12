//! Org units over time. A merge or a dissolved level is recorded as successions (the
//! predecessors end the year before, the successor takes their area over), never by editing
//! the past: the predecessors keep their rows, their place in the tree and their counters;
//! their active children, clans, organisations and open dossiers continue under the
//! successor, and each moved unit remembers where it stood (`org_unit_paths`), so its old
//! dossiers still count on the tree of their year (`backend::rollups`).
//!
//! The dashboards read [`all`] to show a past year on its own tree, or on today's tree with the
//! predecessors' figures added into their successors.

use super::{get_in, reparent};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Pool};
use crate::backend::session::require_at;
use crate::backend::{counts, rollups, snapshots};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::org::{subtree_upper_bound, OrgUnit};
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::clean;
use crate::error::{AppError, AppResult};
use crate::features::org_units::types::SuccessionInput;
use crate::features::targets::types::check_year;
use crate::vietnam_time::this_year;
use std::collections::HashMap;

/// At most this many units merge into one at a time.
const MAX_PREDECESSORS: usize = 50;

/// One succession: from `year` on, the predecessor's area is the successor's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Succession {
    pub predecessor_id: i64,
    pub successor_id: i64,
    pub year: i32,
}

/// Every succession (a province records a few hundred over decades).
pub async fn all(conn: &mut Conn) -> AppResult<Vec<Succession>> {
    Ok(sqlx::query_as(
        "SELECT predecessor_id, successor_id, year FROM org_unit_successions ORDER BY year",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// The predecessors of each successor.
pub fn predecessors_of(successions: &[Succession]) -> HashMap<i64, Vec<i64>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for s in successions {
        out.entry(s.successor_id)
            .or_default()
            .push(s.predecessor_id);
    }
    out
}

fn refuse(field: &str, vi: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::field(field, vi, en)
}

/// Checks one predecessor against the successor: the same level (a merge), or the successor
/// is its parent (a dissolved level passing its children up).
fn check_predecessor(unit: &OrgUnit, successor: &OrgUnit) -> AppResult<()> {
    if !unit.active || unit.valid_to.is_some() {
        return Err(refuse(
            "predecessor_ids",
            format!("Đơn vị \"{}\" đã ngừng hoạt động.", unit.name),
            format!("\"{}\" has already ended.", unit.name),
        ));
    }
    if successor.path.starts_with(&unit.path) {
        return Err(refuse(
            "successor_id",
            format!(
                "Đơn vị kế thừa không thể nằm trong \"{}\", đơn vị sẽ ngừng hoạt động.",
                unit.name
            ),
            format!(
                "The successor cannot lie within \"{}\", which ends.",
                unit.name
            ),
        ));
    }
    if unit.level != successor.level && unit.parent_id != Some(successor.id) {
        return Err(refuse(
            "successor_id",
            format!(
                "\"{}\" chỉ có thể sáp nhập vào một đơn vị cùng cấp, hoặc giải thể vào đơn vị cấp trên trực tiếp.",
                unit.name
            ),
            format!(
                "\"{}\" can only merge into a unit of its level, or dissolve into its parent.",
                unit.name
            ),
        ));
    }
    Ok(())
}

/// Records a reorganisation as `user` (who needs `ManageOrgUnits` at every unit involved), in
/// one transaction with its audit entries.
pub async fn record(pool: &Pool, user: &SessionUser, input: SuccessionInput) -> AppResult<()> {
    check_year(input.year)?;
    if input.year > this_year() + 1 {
        return Err(refuse(
            "year",
            "Chỉ ghi nhận sắp xếp đơn vị có hiệu lực đến hết năm sau.",
            "A reorganisation can take effect next year at the latest.",
        ));
    }
    let mut ids = input.predecessor_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_PREDECESSORS || ids.contains(&input.successor_id) {
        return Err(refuse(
            "predecessor_ids",
            format!(
                "Chọn từ 1 đến {MAX_PREDECESSORS} đơn vị ngừng hoạt động, khác đơn vị kế thừa."
            ),
            format!("Pick 1 to {MAX_PREDECESSORS} units that end, other than the successor."),
        ));
    }
    let basis = clean(&input.basis);
    if basis.chars().count() > 300 {
        return Err(refuse(
            "basis",
            "Căn cứ pháp lý dài quá 300 ký tự.",
            "The legal basis is longer than 300 characters.",
        ));
    }
    let year = input.year;
    let mut tx = db::begin_write(pool).await?;
    let successor = get_in(&mut tx, input.successor_id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị kế thừa", "Successor unit"))?;
    require_at(user, Permission::ManageOrgUnits, &successor.path)?;
    if !successor.active || successor.valid_to.is_some() {
        return Err(refuse(
            "successor_id",
            "Đơn vị kế thừa đã ngừng hoạt động.",
            "The successor has ended.",
        ));
    }
    let mut predecessors = Vec::with_capacity(ids.len());
    for id in &ids {
        let unit = get_in(&mut tx, *id)
            .await?
            .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
        require_at(user, Permission::ManageOrgUnits, &unit.path)?;
        predecessors.push(unit);
    }
    let nested = predecessors.iter().any(|a| {
        predecessors
            .iter()
            .any(|b| a.id != b.id && b.path.starts_with(&a.path))
    });
    if nested {
        return Err(refuse(
            "predecessor_ids",
            "Không chọn cùng lúc một đơn vị và đơn vị trực thuộc của nó.",
            "Do not pick a unit together with one of its own sub-units.",
        ));
    }
    for unit in &predecessors {
        check_predecessor(unit, &successor)?;
    }
    // The year before is measured on the tree as it stands now, before anything moves.
    snapshots::ensure(&mut tx, year - 1).await?;
    let successor_is_new: bool = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM rollups WHERE unit_id = $1 AND year < $2 AND count > 0",
    )
    .bind(successor.id)
    .bind(year)
    .fetch_one(&mut *tx)
    .await?
        == 0;
    for unit in &predecessors {
        hand_over(&mut tx, unit, &successor, year).await?;
        let after = OrgUnit {
            active: false,
            valid_to: Some(year - 1),
            version: unit.version + 1,
            ..unit.clone()
        };
        sqlx::query(
            "UPDATE org_units SET active = FALSE, valid_to = $1, version = version + 1, updated_at = $2
             WHERE id = $3",
        )
        .bind(year - 1)
        .bind(db::now())
        .bind(unit.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO org_unit_successions (predecessor_id, successor_id, year, basis, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(unit.id)
        .bind(successor.id)
        .bind(year)
        .bind(&basis)
        .bind(db::now())
        .execute(&mut *tx)
        .await?;
        let change = Change {
            action: AuditAction::Succeed,
            entity: AuditEntity::OrgUnit,
            entity_id: Some(unit.id),
            unit_path: &unit.path,
            summary: format!("{} → {} (từ năm {year}) {basis}", unit.name, successor.name)
                .trim_end()
                .to_string(),
        };
        audit::record(&mut tx, user, change, Some(unit), Some(&after)).await?;
    }
    if successor_is_new && successor.valid_from.is_none() {
        sqlx::query("UPDATE org_units SET valid_from = $1 WHERE id = $2")
            .bind(year)
            .bind(successor.id)
            .execute(&mut *tx)
            .await?;
    }
    // Counters are kept per ancestor of each dossier's unit in its year: recount them.
    rollups::rebuild(&mut tx).await?;
    counts::rebuild(&mut tx).await?;
    crate::features::households::store::refresh_place_keys(&mut tx, &successor.path).await?;
    // The reorganised year is measured on its new tree.
    if year <= this_year() {
        snapshots::take(&mut tx, year).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Moves what `unit` holds to `successor` from `year` on: its active children (each unit of
/// their subtrees remembers its path until the year before), its clans and organisations, and
/// the dossiers of `year` and later filed at the unit itself.
async fn hand_over(
    conn: &mut Conn,
    unit: &OrgUnit,
    successor: &OrgUnit,
    year: i32,
) -> AppResult<()> {
    let children: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM org_units WHERE parent_id = $1 AND active ORDER BY id")
            .bind(unit.id)
            .fetch_all(&mut *conn)
            .await?;
    for id in children {
        let Some(child) = get_in(conn, id).await? else {
            continue;
        };
        if !successor.level.may_contain(child.level) {
            return Err(refuse(
                "successor_id",
                format!(
                    "\"{}\" (cấp {}) không thể nằm dưới \"{}\".",
                    child.name,
                    child.level.label(crate::i18n::Lang::Vi),
                    successor.name
                ),
                format!(
                    "\"{}\" cannot sit under \"{}\".",
                    child.name, successor.name
                ),
            ));
        }
        sqlx::query(
            "INSERT INTO org_unit_paths (unit_id, until_year, path)
             SELECT id, $1, path FROM org_units WHERE path >= $2 AND path < $3
             ON CONFLICT (unit_id, until_year) DO NOTHING",
        )
        .bind(year - 1)
        .bind(&child.path)
        .bind(subtree_upper_bound(&child.path))
        .execute(&mut *conn)
        .await?;
        reparent(conn, &child, successor).await?;
    }
    for sql in [
        "UPDATE clans SET commune_id = $1 WHERE commune_id = $2",
        "UPDATE organisations SET managing_unit_id = $1 WHERE managing_unit_id = $2",
    ] {
        sqlx::query(sql)
            .bind(successor.id)
            .bind(unit.id)
            .execute(&mut *conn)
            .await?;
    }
    // Dossiers of the unit's own subjects (its clans, organisations) from `year` on; the
    // unit's own title as a community ends with it.
    sqlx::query(
        "UPDATE registrations SET unit_id = $1
         WHERE unit_id = $2 AND year >= $3 AND subject_kind IN ('clan', 'organisation')",
    )
    .bind(successor.id)
    .bind(unit.id)
    .bind(year)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
