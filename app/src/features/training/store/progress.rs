//! Training progress per org unit, for leaders and administrators: officers trained ÷ officers
//! (against the 100% target), module completions and the average quiz result, for a unit and
//! each of its child units. [`progress`] is what the dashboards call.
//!
//! Who counts: an *officer* is an active account holding the officer or reviewer role (the
//! study-promotion officers the target speaks of), counted in the unit of its first such role;
//! *trained* means every published module completed, online or by attending an in-person
//! session. Completions and quiz results count every account of the unit, trainees included;
//! attendance counts every delegate marked present, with or without an account. Accounts are few next to households (thousands in a
//! province), so they are read once and summed here.

use crate::backend::db::{Conn, Pool};
use crate::backend::session::require_at;
use crate::domain::org::{path_ids, path_is_within};
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult};
use crate::features::training::types::{ProgressRow, TrainingProgress, UnitLink};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct Unit {
    id: i64,
    name: String,
    level: String,
    path: String,
}

#[derive(sqlx::FromRow)]
struct Account {
    home_path: String,
    officer: bool,
    completed: i64,
    attempts: i64,
    score_sum: i64,
}

async fn unit(conn: &mut Conn, id: i64) -> AppResult<Unit> {
    sqlx::query_as::<_, Unit>("SELECT id, name, level, path FROM org_units WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))
}

/// The progress of `unit_id` (default: the caller's first dashboard scope) and of each of its
/// active child units.
pub async fn progress(
    pool: &Pool,
    user: &SessionUser,
    unit_id: Option<i64>,
) -> AppResult<TrainingProgress> {
    let scopes = user.scopes(Permission::ViewDashboard);
    let mut conn = pool.acquire().await?;
    let here = match unit_id {
        Some(id) => unit(&mut conn, id).await?,
        None => {
            let root = scopes.first().ok_or_else(AppError::forbidden)?;
            let id = path_ids(root)
                .last()
                .copied()
                .ok_or_else(AppError::forbidden)?;
            unit(&mut conn, id).await?
        }
    };
    require_at(user, Permission::ViewDashboard, &here.path)?;
    let children: Vec<Unit> = sqlx::query_as(
        "SELECT id, name, level, path FROM org_units WHERE parent_id = $1 AND active ORDER BY name",
    )
    .bind(here.id)
    .fetch_all(&mut *conn)
    .await?;
    let modules: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM training_module_versions WHERE status = 'published'",
    )
    .fetch_one(&mut *conn)
    .await?;
    // Every active account with a role inside the unit: where it belongs, whether it is an
    // officer, what it has completed and scored.
    let accounts: Vec<Account> = sqlx::query_as(
        "SELECT a.home_path, a.officer,
                (SELECT COUNT(*) FROM training_completions c WHERE c.user_id = a.user_id) AS completed,
                (SELECT COUNT(*) FROM training_attempts t WHERE t.user_id = a.user_id AND t.submitted_at IS NOT NULL) AS attempts,
                (SELECT COALESCE(SUM(t.score_percent), 0) FROM training_attempts t WHERE t.user_id = a.user_id AND t.submitted_at IS NOT NULL) AS score_sum
         FROM (SELECT u.id AS user_id,
                      COALESCE(MIN(CASE WHEN r.role IN ('officer', 'reviewer') THEN o.path END), MIN(o.path)) AS home_path,
                      MAX(CASE WHEN r.role IN ('officer', 'reviewer') THEN 1 ELSE 0 END) = 1 AS officer
               FROM users u JOIN role_assignments r ON r.user_id = u.id JOIN org_units o ON o.id = r.org_unit_id
               WHERE u.active AND substr(o.path, 1, length($1)) = $1
               GROUP BY u.id) a",
    )
    .bind(&here.path)
    .fetch_all(&mut *conn)
    .await?;
    // Attendance at in-person sessions, by the unit each delegate counts in.
    let attendance: Vec<(String, i64)> = sqlx::query_as(
        "SELECT o.path, COUNT(*) FROM training_session_attendees a JOIN org_units o ON o.id = a.unit_id
         WHERE a.attended_at IS NOT NULL AND substr(o.path, 1, length($1)) = $1 GROUP BY o.path",
    )
    .bind(&here.path)
    .fetch_all(&mut *conn)
    .await?;
    let row_of = |u: &Unit| {
        let mut row = ProgressRow {
            unit_id: u.id,
            name: u.name.clone(),
            has_children: u.level != "thon",
            officers: 0,
            trained: 0,
            completions: 0,
            attempts: 0,
            average_percent: None,
            attended: attendance
                .iter()
                .filter(|(path, _)| path_is_within(path, &u.path))
                .map(|(_, n)| *n as u32)
                .sum(),
        };
        let mut score_sum = 0;
        for a in accounts
            .iter()
            .filter(|a| path_is_within(&a.home_path, &u.path))
        {
            if a.officer {
                row.officers += 1;
                if modules > 0 && a.completed >= modules {
                    row.trained += 1;
                }
            }
            row.completions += a.completed as u32;
            row.attempts += a.attempts as u32;
            score_sum += a.score_sum;
        }
        row.average_percent =
            (row.attempts > 0).then(|| (score_sum / i64::from(row.attempts)) as u32);
        row
    };
    let total = row_of(&here);
    let rows = children.iter().map(row_of).collect();
    // The way back up, as far as the caller's scope goes.
    let mut trail = Vec::new();
    let ids = path_ids(&here.path);
    let names: HashMap<i64, (String, String)> = {
        let mut out = HashMap::new();
        for id in &ids {
            let u = unit(&mut conn, *id).await?;
            out.insert(*id, (u.name, u.path));
        }
        out
    };
    for id in ids {
        if let Some((name, path)) = names.get(&id) {
            if user.can_at(Permission::ViewDashboard, path) {
                trail.push(UnitLink {
                    unit_id: id,
                    name: name.clone(),
                });
            }
        }
    }
    Ok(TrainingProgress {
        unit_id: here.id,
        unit_name: here.name,
        modules: modules as u32,
        trail,
        total,
        rows,
    })
}
