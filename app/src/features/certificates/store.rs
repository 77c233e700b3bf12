//! The certificates' store: a recognised registration's certificate, a decision's certificates
//! within the caller's scope, and the public verification of a code (which tells the subject,
//! commune, title, year and decision, nothing else).

use super::types::{CertificateView, PublicRecognition};
use crate::backend::db::{Conn, Db, Pool};
use crate::backend::error::internal;
use crate::backend::session::require_at;
use crate::backend::state::AppState;
use crate::domain::criteria::TitleKind;
use crate::domain::org::{path_ids, OrgLevel};
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use sqlx::QueryBuilder;

#[derive(sqlx::FromRow)]
struct CertRow {
    registration_id: i64,
    subject_name: String,
    unit_path: String,
    title_kind: String,
    year: i32,
    valid_to_year: i32,
    recognised: bool,
    number: String,
    decision_date: chrono::NaiveDate,
    authority: String,
    signer: String,
    verify_code: String,
}

const CERT_SELECT: &str = "SELECT r.id AS registration_id, r.subject_name, u.path AS unit_path, r.title_kind, r.year,
    rc.valid_to_year, rc.recognised, d.number, d.decision_date, d.authority, d.signer, rc.verify_code
    FROM recognitions rc JOIN registrations r ON r.id = rc.registration_id
    JOIN decisions d ON d.id = rc.decision_id JOIN org_units u ON u.id = r.unit_id";

/// Names of every unit on the given paths, in one query.
async fn unit_names(
    conn: &mut Conn,
    paths: &[&str],
) -> AppResult<std::collections::HashMap<i64, (String, String)>> {
    let mut ids: Vec<i64> = paths.iter().flat_map(|p| path_ids(p)).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    #[derive(sqlx::FromRow)]
    struct Unit {
        id: i64,
        name: String,
        level: String,
    }
    let mut qb: QueryBuilder<Db> =
        QueryBuilder::new("SELECT id, name, level FROM org_units WHERE id IN (");
    let mut list = qb.separated(", ");
    for id in &ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<Unit> = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|u| (u.id, (u.name, u.level)))
        .collect())
}

/// The names along a path, nearest unit first.
fn area_of(path: &str, names: &std::collections::HashMap<i64, (String, String)>) -> Vec<String> {
    path_ids(path)
        .into_iter()
        .rev()
        .filter_map(|id| names.get(&id).map(|(n, _)| n.clone()))
        .collect()
}

fn to_certificate(
    state: &AppState,
    r: CertRow,
    names: &std::collections::HashMap<i64, (String, String)>,
) -> AppResult<CertificateView> {
    Ok(CertificateView {
        registration_id: r.registration_id,
        area: area_of(&r.unit_path, names),
        subject_name: r.subject_name,
        title_kind: TitleKind::from_code(&r.title_kind)
            .ok_or_else(|| internal("unknown title kind"))?,
        year: r.year,
        valid_to_year: r.valid_to_year,
        decision_number: r.number,
        decision_date: r.decision_date,
        authority: r.authority,
        signer: r.signer,
        verify_url: format!(
            "{}/xac-minh/{}",
            state.config.public_url.trim_end_matches('/'),
            r.verify_code
        ),
        verify_code: r.verify_code,
    })
}

/// The certificate of a recognised registration the caller may read.
pub async fn find(
    state: &AppState,
    user: &SessionUser,
    registration_id: i64,
) -> AppResult<CertificateView> {
    let mut conn = state.db.acquire().await?;
    let row =
        sqlx::query_as::<_, CertRow>(&format!("{CERT_SELECT} WHERE r.id = $1 AND rc.recognised"))
            .bind(registration_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| AppError::not_found("giấy công nhận", "Certificate"))?;
    require_at(user, Permission::ReadRegistry, &row.unit_path)?;
    let names = unit_names(&mut conn, &[row.unit_path.as_str()]).await?;
    to_certificate(state, row, &names)
}

/// Every certificate of a decision that lies within the caller's read scope.
pub async fn list(
    state: &AppState,
    user: &SessionUser,
    decision_id: i64,
) -> AppResult<Vec<CertificateView>> {
    let mut conn = state.db.acquire().await?;
    let rows = sqlx::query_as::<_, CertRow>(&format!(
        "{CERT_SELECT} WHERE rc.decision_id = $1 AND rc.recognised ORDER BY u.path, r.subject_name"
    ))
    .bind(decision_id)
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<CertRow> = rows
        .into_iter()
        .filter(|r| user.can_at(Permission::ReadRegistry, &r.unit_path))
        .collect();
    let paths: Vec<&str> = rows.iter().map(|r| r.unit_path.as_str()).collect();
    let names = unit_names(&mut conn, &paths).await?;
    let out = rows
        .into_iter()
        .map(|r| to_certificate(state, r, &names))
        .collect::<AppResult<Vec<_>>>()?;
    if out.is_empty() {
        return Err(AppError::not_found("giấy công nhận", "Certificate"));
    }
    Ok(out)
}

/// The public view of a verification code: subject, commune, title, year, decision. Nothing else.
pub async fn verify(pool: &Pool, code: &str) -> AppResult<PublicRecognition> {
    let code = crate::backend::verify_code::normalize(code);
    let mut conn = pool.acquire().await?;
    // Only recognitions verify: a "not recognised" outcome is nobody's business but the
    // authority's, so a code of one answers exactly like a wrong code.
    let row = sqlx::query_as::<_, CertRow>(&format!(
        "{CERT_SELECT} WHERE rc.verify_code = $1 AND rc.recognised"
    ))
    .bind(&code)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        AppError::NotFound(Msg::new(
            "Mã xác minh không đúng hoặc giấy công nhận không tồn tại.",
            "The verification code is wrong or the certificate does not exist.",
        ))
    })?;
    let names = unit_names(&mut conn, &[row.unit_path.as_str()]).await?;
    let commune = path_ids(&row.unit_path)
        .into_iter()
        .filter_map(|id| names.get(&id))
        .find(|(_, level)| level == OrgLevel::Commune.code())
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    Ok(PublicRecognition {
        subject_name: row.subject_name,
        commune,
        title_kind: TitleKind::from_code(&row.title_kind)
            .ok_or_else(|| internal("unknown title kind"))?,
        year: row.year,
        valid_to_year: row.valid_to_year,
        recognised: row.recognised,
        decision_number: row.number,
        decision_date: row.decision_date,
        authority: row.authority,
    })
}
