//! Evidence files of an evaluation: photos and PDFs, typed from their first bytes (never from
//! their names), kept in the database with their SHA-256, read only within the caller's scope.

use super::{load_evaluation, record_contributor};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Pool};
use crate::backend::error::internal;
use crate::backend::session::require_at;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult};
use crate::features::criteria_sets::store::load_set;
use crate::features::evaluations::types::AttachmentView;
use crate::features::registrations::store::registration_of_evaluation;

/// The evidence files of an evaluation.
pub async fn attachments_of(conn: &mut Conn, evaluation_id: i64) -> AppResult<Vec<AttachmentView>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        indicator_code: String,
        filename: String,
        content_type: String,
        size_bytes: i64,
    }
    Ok(sqlx::query_as::<_, Row>(
        "SELECT id, indicator_code, filename, content_type, size_bytes FROM attachments WHERE evaluation_id = $1 ORDER BY id",
    )
    .bind(evaluation_id)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| AttachmentView {
        id: r.id,
        indicator_code: r.indicator_code,
        filename: r.filename,
        content_type: r.content_type,
        size_bytes: r.size_bytes,
    })
    .collect())
}

/// Largest evidence file, in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The content type of an evidence file, decided from its first bytes (never from its name):
/// photos (JPEG, PNG, WebP) and PDF documents only.
pub fn sniff_evidence_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Stores an evidence file for one indicator of an evaluation the caller may edit.
pub async fn add_attachment(
    pool: &Pool,
    user: &SessionUser,
    evaluation_id: i64,
    indicator_code: &str,
    filename: &str,
    bytes: &[u8],
) -> AppResult<AttachmentView> {
    if bytes.is_empty() {
        return Err(AppError::bad_request("Tệp rỗng.", "The file is empty."));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(AppError::bad_request(
            format!(
                "Tệp quá lớn: tối đa {} MB.",
                MAX_ATTACHMENT_BYTES / 1024 / 1024
            ),
            format!(
                "The file is too large: at most {} MB.",
                MAX_ATTACHMENT_BYTES / 1024 / 1024
            ),
        ));
    }
    let content_type = sniff_evidence_type(bytes).ok_or_else(|| {
        AppError::bad_request(
            "Chỉ nhận ảnh (JPG, PNG, WebP) hoặc tệp PDF.",
            "Only photos (JPG, PNG, WebP) or PDF files are accepted.",
        )
    })?;
    let mut tx = db::begin_write(pool).await?;
    let reg = registration_of_evaluation(&mut tx, evaluation_id).await?;
    require_at(user, Permission::Evaluate, &reg.unit_path)?;
    if !reg.state()?.is_editable() {
        return Err(AppError::bad_request(
            "Hồ sơ đã gửi hoặc đã duyệt: không thể thêm minh chứng.",
            "The dossier is submitted or approved: evidence cannot be added.",
        ));
    }
    let eval = load_evaluation(&mut tx, evaluation_id).await?;
    let (_, set) = load_set(&mut tx, eval.criteria_set_id)
        .await?
        .ok_or_else(|| internal("evaluation without its set"))?;
    if set.indicator(indicator_code).is_none() {
        return Err(AppError::bad_request(
            format!("Không có chỉ số \"{indicator_code}\" trong bộ tiêu chí."),
            format!("There is no indicator \"{indicator_code}\" in the criteria set."),
        ));
    }
    let filename: String = crate::domain::text::clean(filename)
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"'))
        .take(120)
        .collect();
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(bytes))
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO attachments (evaluation_id, indicator_code, filename, content_type, size_bytes, sha256, content, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(evaluation_id)
    .bind(indicator_code)
    .bind(&filename)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(&digest)
    .bind(bytes)
    .bind(user.id)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    record_contributor(&mut tx, evaluation_id, user).await?;
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Attach,
            entity: AuditEntity::Evaluation,
            entity_id: Some(evaluation_id),
            unit_path: &reg.unit_path,
            summary: format!("{}: {indicator_code} — {filename}", reg.subject_name),
        },
        None::<&()>,
        Some(&serde_json::json!({"attachment": id, "file": filename, "sha256": digest})),
    )
    .await?;
    tx.commit().await?;
    Ok(AttachmentView {
        id,
        indicator_code: indicator_code.to_string(),
        filename,
        content_type: content_type.to_string(),
        size_bytes: bytes.len() as i64,
    })
}

/// An evidence file's bytes, for a caller who may read its evaluation.
pub async fn attachment_content(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
) -> AppResult<(String, String, Vec<u8>)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        evaluation_id: i64,
        filename: String,
        content_type: String,
        content: Vec<u8>,
    }
    let mut conn = pool.acquire().await?;
    let row = sqlx::query_as::<_, Row>(
        "SELECT evaluation_id, filename, content_type, content FROM attachments WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::not_found("tệp minh chứng", "Evidence file"))?;
    let reg = registration_of_evaluation(&mut conn, row.evaluation_id).await?;
    require_at(user, Permission::ReadRegistry, &reg.unit_path)?;
    Ok((row.filename, row.content_type, row.content))
}

/// Removes an evidence file while the evaluation can still be edited.
pub async fn delete_attachment(pool: &Pool, user: &SessionUser, id: i64) -> AppResult<()> {
    let mut tx = db::begin_write(pool).await?;
    let evaluation_id: i64 =
        sqlx::query_scalar("SELECT evaluation_id FROM attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::not_found("tệp minh chứng", "Evidence file"))?;
    let reg = registration_of_evaluation(&mut tx, evaluation_id).await?;
    require_at(user, Permission::Evaluate, &reg.unit_path)?;
    if !reg.state()?.is_editable() {
        return Err(AppError::bad_request(
            "Hồ sơ đã gửi hoặc đã duyệt: không thể xoá minh chứng.",
            "The dossier is submitted or approved: evidence cannot be removed.",
        ));
    }
    sqlx::query("DELETE FROM attachments WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Detach,
            entity: AuditEntity::Evaluation,
            entity_id: Some(evaluation_id),
            unit_path: &reg.unit_path,
            summary: format!("{}: tệp {id}", reg.subject_name),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
