//! The yearly report's reads and writes. Its figures are the dashboard's
//! (`dashboards::store::find`: counters only, and the same scope check); what this store owns
//! is the narrative sections, one row per (unit, year, section) in `report_narratives`. Each
//! save claims the version the editor saw (`backend::versioned`) and writes its audit entry in
//! the same transaction. `workbook` turns a report into an .xlsx file.

pub mod workbook;

use super::types::{
    check_body, clean_body, Narrative, NarrativeInput, Report, ReportQuery, ReportSection,
};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Pool};
use crate::backend::session::require_at;
use crate::backend::versioned::{claim, Versioned};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult};
use crate::features::dashboards::store as dashboards;
use crate::features::dashboards::types::DashboardQuery;
use crate::features::org_units::store as org_units;
use crate::features::targets::types::check_year;
use crate::i18n::Lang;

type NarrativeRow = (
    i64,
    String,
    String,
    i64,
    chrono::DateTime<chrono::Utc>,
    Option<String>,
);

const SELECT: &str = "SELECT n.id, n.section, n.body, n.version, n.updated_at, u.full_name
     FROM report_narratives n LEFT JOIN users u ON u.id = n.updated_by";

fn narrative(row: NarrativeRow) -> Option<(i64, Narrative)> {
    let (id, section, body, version, updated_at, updated_by) = row;
    Some((
        id,
        Narrative {
            section: ReportSection::from_code(&section)?,
            body,
            version,
            updated_at: Some(updated_at),
            updated_by,
        },
    ))
}

/// Every section of a unit's report for `year`, in [`ReportSection::ALL`] order; a section
/// not written yet is empty at version 0.
async fn narratives(conn: &mut Conn, unit_id: i64, year: i32) -> AppResult<Vec<Narrative>> {
    let rows: Vec<NarrativeRow> =
        sqlx::query_as(&format!("{SELECT} WHERE n.unit_id = $1 AND n.year = $2"))
            .bind(unit_id)
            .bind(year)
            .fetch_all(&mut *conn)
            .await?;
    let stored: Vec<Narrative> = rows
        .into_iter()
        .filter_map(narrative)
        .map(|(_, n)| n)
        .collect();
    Ok(ReportSection::ALL
        .into_iter()
        .map(|section| {
            stored
                .iter()
                .find(|n| n.section == section)
                .cloned()
                .unwrap_or_else(|| Narrative::empty(section))
        })
        .collect())
}

/// One stored section with its row id, read on `conn`.
async fn narrative_in(
    conn: &mut Conn,
    unit_id: i64,
    year: i32,
    section: ReportSection,
) -> AppResult<Option<(i64, Narrative)>> {
    let row: Option<NarrativeRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE n.unit_id = $1 AND n.year = $2 AND n.section = $3"
    ))
    .bind(unit_id)
    .bind(year)
    .bind(section.code())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(narrative))
}

/// The report of a unit (default: the caller's own area) for a year: the dashboard's figures
/// for the unit and its children, and the narrative sections. Within the caller's dashboard
/// scope (the dashboard's own check); writable where the caller holds `EditReports`.
pub async fn find(pool: &Pool, user: &SessionUser, query: ReportQuery) -> AppResult<Report> {
    let d = dashboards::find(
        pool,
        user,
        DashboardQuery {
            unit_id: query.unit_id,
            year: query.year,
            ..Default::default()
        },
    )
    .await?;
    let unit = org_units::get(pool, d.unit_id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
    // The dashboard checked the scope already; this holds even if it ever stops doing so.
    require_at(user, Permission::ViewDashboard, &unit.path)?;
    let mut conn = pool.acquire().await?;
    let narratives = narratives(&mut conn, unit.id, d.year).await?;
    drop(conn);
    Ok(Report {
        unit_id: d.unit_id,
        unit_name: d.unit_name,
        year: d.year,
        years: d.years,
        trail: d.trail,
        figures: d.figures,
        children: d.children,
        narratives,
        can_edit: user.can_at(Permission::EditReports, &unit.path),
        denominators_today: d.denominators_today,
    })
}

/// Saves one section of a unit's report: cleaned plain text of at most
/// [`super::types::MAX_BODY_CHARS`], over the version the editor saw (0 for a section not
/// written yet; otherwise 409 with the section as it is now), with its audit entry holding the
/// text before and after. Needs `EditReports` at the unit.
pub async fn save_narrative(
    pool: &Pool,
    user: &SessionUser,
    input: NarrativeInput,
) -> AppResult<Narrative> {
    check_year(input.year)?;
    let unit = org_units::get(pool, input.unit_id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
    // The scope first: someone else's report tells nothing, not even a length limit.
    require_at(user, Permission::EditReports, &unit.path)?;
    let body = clean_body(&input.body);
    check_body(&body)?;
    let section = input.section;
    let mut tx = db::begin_write(pool).await?;
    let before = narrative_in(&mut tx, unit.id, input.year, section).await?;
    let id = match &before {
        Some((_, current)) if current.version == input.version && current.body == body => {
            // Nothing changed: no new version, no audit entry.
            return Ok(current.clone());
        }
        Some((id, current)) => {
            claim(
                &mut tx,
                Versioned::ReportNarrative,
                *id,
                input.version,
                current,
            )
            .await?;
            sqlx::query("UPDATE report_narratives SET body = $1, updated_by = $2 WHERE id = $3")
                .bind(&body)
                .bind(user.id)
                .bind(*id)
                .execute(&mut *tx)
                .await?;
            *id
        }
        None => {
            let empty = Narrative::empty(section);
            if input.version != 0 {
                return Err(AppError::conflict(serde_json::to_string(&empty).ok()));
            }
            let inserted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO report_narratives (unit_id, year, section, body, version, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, 1, $5, $6)
                 ON CONFLICT (unit_id, year, section) DO NOTHING
                 RETURNING id",
            )
            .bind(unit.id)
            .bind(input.year)
            .bind(section.code())
            .bind(&body)
            .bind(db::now())
            .bind(user.id)
            .fetch_optional(&mut *tx)
            .await?;
            // Another writer's row in between (only possible where writes do not queue).
            inserted.ok_or_else(|| AppError::conflict(serde_json::to_string(&empty).ok()))?
        }
    };
    let words = |n: &Narrative| serde_json::json!({ "section": n.section.code(), "body": n.body });
    let after = Narrative {
        body: body.clone(),
        ..Narrative::empty(section)
    };
    audit::record(
        &mut tx,
        user,
        Change {
            action: if before.is_some() {
                AuditAction::Update
            } else {
                AuditAction::Create
            },
            entity: AuditEntity::Report,
            entity_id: Some(id),
            unit_path: &unit.path,
            summary: format!(
                "{} — {} — {}",
                unit.name,
                input.year,
                section.heading(Lang::Vi)
            ),
        },
        before.as_ref().map(|(_, n)| words(n)).as_ref(),
        Some(&words(&after)),
    )
    .await?;
    let saved = narrative_in(&mut tx, unit.id, input.year, section)
        .await?
        .map(|(_, n)| n)
        .ok_or_else(|| AppError::not_found("mục báo cáo", "Report section"))?;
    tx.commit().await?;
    Ok(saved)
}
