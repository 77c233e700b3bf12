//! Training certificates: the signed-in trainee's own certificate of a completed module, and
//! the public verification of its code, which tells the trainee's name, the module, the date
//! and the issuing unit, nothing else.

use crate::backend::db::Pool;
use crate::backend::state::AppState;
use crate::domain::org::{path_ids, OrgLevel};
use crate::domain::roles::SessionUser;
use crate::error::{AppError, AppResult};
use crate::features::training::types::{PublicTrainingCompletion, TrainingCertificate};
use crate::i18n::Msg;

#[derive(sqlx::FromRow)]
struct CompletionRow {
    full_name: String,
    user_id: i64,
    title: String,
    completed_at: chrono::DateTime<chrono::Utc>,
    verify_code: String,
}

const COMPLETION_SELECT: &str =
    "SELECT u.full_name, c.user_id, v.title, c.completed_at, c.verify_code
    FROM training_completions c JOIN users u ON u.id = c.user_id
    JOIN training_module_versions v ON v.id = c.version_id";

/// The unit a trainee's certificate is issued by: the district (or, without one, the
/// province) above the unit of the trainee's first role, as training is organised there
/// (the 2018 conference of Trà Bồng was the district's). The trainee's own unit when no level
/// above exists.
async fn issuing_unit(pool: &Pool, user_id: i64) -> AppResult<String> {
    let path: Option<String> = sqlx::query_scalar(
        "SELECT u.path FROM role_assignments r JOIN org_units u ON u.id = r.org_unit_id
         WHERE r.user_id = $1 ORDER BY r.id LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    let Some(path) = path else {
        return Ok(String::new());
    };
    let ids = path_ids(&path);
    let mut units: Vec<(i64, String, String)> = Vec::new();
    for id in &ids {
        if let Some(u) = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT id, name, level FROM org_units WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
        {
            units.push(u);
        }
    }
    let pick = |level: OrgLevel| units.iter().find(|(_, _, l)| l == level.code());
    Ok(pick(OrgLevel::District)
        .or_else(|| pick(OrgLevel::Province))
        .or(units.last())
        .map(|(_, name, _)| name.clone())
        .unwrap_or_default())
}

/// The caller's certificate of a module they completed; 404 when they have not.
pub async fn find_certificate(
    state: &AppState,
    user: &SessionUser,
    module_id: i64,
) -> AppResult<TrainingCertificate> {
    let row = sqlx::query_as::<_, CompletionRow>(&format!(
        "{COMPLETION_SELECT} WHERE c.user_id = $1 AND c.module_id = $2"
    ))
    .bind(user.id)
    .bind(module_id)
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::not_found("chứng nhận hoàn thành", "Certificate of completion"))?;
    Ok(TrainingCertificate {
        module_id,
        issuing_unit: issuing_unit(&state.db, row.user_id).await?,
        full_name: row.full_name,
        module_title: row.title,
        completed_on: crate::vietnam_time::local(row.completed_at).date(),
        verify_url: format!(
            "{}/xac-minh/{}",
            state.config.public_url.trim_end_matches('/'),
            row.verify_code
        ),
        verify_code: row.verify_code,
    })
}

/// Public: what a training certificate's code stands for.
pub async fn verify(pool: &Pool, code: &str) -> AppResult<PublicTrainingCompletion> {
    let code = crate::backend::verify_code::normalize(code);
    let row = sqlx::query_as::<_, CompletionRow>(&format!(
        "{COMPLETION_SELECT} WHERE c.verify_code = $1"
    ))
    .bind(&code)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| {
        AppError::NotFound(Msg::new(
            "Mã xác minh không đúng hoặc chứng nhận không tồn tại.",
            "The verification code is wrong or the certificate does not exist.",
        ))
    })?;
    Ok(PublicTrainingCompletion {
        issuing_unit: issuing_unit(pool, row.user_id).await?,
        full_name: row.full_name,
        module_title: row.title,
        completed_on: crate::vietnam_time::local(row.completed_at).date(),
    })
}
