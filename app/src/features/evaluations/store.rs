//! The evaluations' store: opening an evaluation with the published set that applies, saving
//! answers (scored again here from the raw answers: the server is the authority), the review
//! steps with their comments, and the four-eyes rule (who contributed may not approve or
//! decide). Evidence files are in [`evidence`].

pub mod evidence;

use super::types::{CommentView, EvaluationInput, EvaluationSaved, EvaluationView, StepInput};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Pool};
use crate::backend::error::internal;
use crate::backend::session::require_at;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::criteria::{pick_set_for_unit, Answers};
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::scoring::score;
use crate::domain::workflow::{four_eyes_refusal, next_state, refusal, Transition};
use crate::error::{AppError, AppResult, FieldError};
use crate::features::criteria_sets::store::{load_set, published_sets};
use crate::features::registrations::store::{
    load_registration, registration_of_evaluation, set_state,
};
use crate::features::training::store::{completed_scoring_training, scoring_training_required};
use crate::i18n::{Lang, Msg};
use evidence::attachments_of;
use std::collections::BTreeMap;

#[derive(sqlx::FromRow)]
struct EvalRow {
    criteria_set_id: i64,
    answers: String,
    notes: String,
    version: i64,
}

async fn load_evaluation(conn: &mut Conn, id: i64) -> AppResult<EvalRow> {
    sqlx::query_as::<_, EvalRow>(
        "SELECT criteria_set_id, answers, notes, version FROM evaluations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| AppError::not_found("phiếu đánh giá", "Evaluation"))
}

/// Opens the evaluation of a registration, creating it (scored with the published set that
/// applies to the title and year) on first use.
pub async fn start(pool: &Pool, user: &SessionUser, registration_id: i64) -> AppResult<i64> {
    let mut tx = db::begin_write(pool).await?;
    let reg = load_registration(&mut tx, registration_id).await?;
    require_at(user, Permission::Evaluate, &reg.unit_path)?;
    if let Some(id) = reg.evaluation_id {
        return Ok(id);
    }
    let kind = reg.kind()?;
    let (ids, sets) = published_sets(&mut tx, kind).await?;
    let picked = pick_set_for_unit(&sets, kind, reg.year, &reg.unit_path).ok_or_else(|| {
        AppError::bad_request(
            format!(
                "Chưa có bộ tiêu chí đã ban hành cho danh hiệu \"{}\" năm {}.",
                kind.label(Lang::Vi),
                reg.year
            ),
            format!(
                "No published criteria set for \"{}\" in {}.",
                kind.label(Lang::En),
                reg.year
            ),
        )
    })?;
    let (Some(&set_id), Some((_, set))) = (ids.get(picked), sets.get(picked)) else {
        return Err(internal("picked set vanished"));
    };
    let result = score(set, &Answers::new()).map_err(|_| internal("empty answers rejected"))?;
    let now = db::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO evaluations (registration_id, criteria_set_id, total, max_total, verdict, meets_rule, complete, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
    )
    .bind(reg.id)
    .bind(set_id)
    .bind(result.total as i64)
    .bind(result.max_total as i64)
    .bind(result.verdict.code())
    .bind(result.recognised)
    .bind(result.complete)
    .bind(now)
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?;
    let from = reg.state()?;
    let to = next_state(from, Transition::Start).unwrap_or(from);
    set_state(&mut tx, &reg, from, to).await?;
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Step(Transition::Start),
            entity: AuditEntity::Evaluation,
            entity_id: Some(id),
            unit_path: &reg.unit_path,
            summary: format!("{} — {} v{}", reg.subject_name, set.code, set.version),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records that `user` contributed to an evaluation (saved scores, added evidence, submitted),
/// in the transaction of that step.
async fn record_contributor(
    conn: &mut Conn,
    evaluation_id: i64,
    user: &SessionUser,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO evaluation_contributors (evaluation_id, user_id) VALUES ($1, $2)
         ON CONFLICT (evaluation_id, user_id) DO NOTHING",
    )
    .bind(evaluation_id)
    .bind(user.id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether `user` saved scores, added evidence or submitted this evaluation.
async fn is_contributor(
    conn: &mut Conn,
    evaluation_id: i64,
    user: &SessionUser,
) -> AppResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM evaluation_contributors WHERE evaluation_id = $1 AND user_id = $2",
    )
    .bind(evaluation_id)
    .bind(user.id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Four eyes: a contributor of the evaluation may not take `transition` (403 with the reason).
pub(crate) async fn require_other_person(
    conn: &mut Conn,
    evaluation_id: i64,
    user: &SessionUser,
    transition: Transition,
    subject: Option<&str>,
) -> AppResult<()> {
    if !transition.needs_another_person() || !is_contributor(conn, evaluation_id, user).await? {
        return Ok(());
    }
    let (vi, en) = (
        four_eyes_refusal(transition, Lang::Vi),
        four_eyes_refusal(transition, Lang::En),
    );
    Err(AppError::Forbidden(match subject {
        Some(name) => Msg::new(format!("{name}: {vi}"), format!("{name}: {en}")),
        None => Msg::new(vi, en),
    }))
}

async fn comments_of(conn: &mut Conn, evaluation_id: i64) -> AppResult<Vec<CommentView>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        criterion_code: String,
        kind: String,
        body: String,
        author_name: String,
        created_at: chrono::DateTime<chrono::Utc>,
    }
    Ok(sqlx::query_as::<_, Row>(
        "SELECT id, criterion_code, kind, body, author_name, created_at FROM evaluation_comments
         WHERE evaluation_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(evaluation_id)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| CommentView {
        id: r.id,
        criterion_code: r.criterion_code,
        kind: r.kind,
        body: r.body,
        author_name: r.author_name,
        created_at: r.created_at,
    })
    .collect())
}

/// Everything the evaluation form shows, for a caller who may read the registration's unit.
pub async fn find(pool: &Pool, user: &SessionUser, id: i64) -> AppResult<EvaluationView> {
    let mut conn = pool.acquire().await?;
    let reg = registration_of_evaluation(&mut conn, id).await?;
    require_at(user, Permission::ReadRegistry, &reg.unit_path)?;
    let eval = load_evaluation(&mut conn, id).await?;
    let (_, set) = load_set(&mut conn, eval.criteria_set_id)
        .await?
        .ok_or_else(|| internal("evaluation without its set"))?;
    let answers: Answers = serde_json::from_str(&eval.answers).map_err(internal)?;
    let notes: BTreeMap<String, String> = serde_json::from_str(&eval.notes).map_err(internal)?;
    let result = score(&set, &answers).map_err(|_| internal("stored answers no longer score"))?;
    let state = reg.state()?;
    Ok(EvaluationView {
        id,
        version: eval.version,
        registration: reg.to_view()?,
        criteria_set_id: eval.criteria_set_id,
        set,
        answers,
        notes,
        result,
        comments: comments_of(&mut conn, id).await?,
        attachments: attachments_of(&mut conn, id).await?,
        can_edit: state.is_editable() && user.can_at(Permission::Evaluate, &reg.unit_path),
        can_review: user.can_at(Permission::Review, &reg.unit_path),
        is_contributor: is_contributor(&mut conn, id, user).await?,
    })
}

/// Largest evidence note, in characters.
const MAX_NOTE_CHARS: usize = 2000;

/// Saves answers and notes with an optimistic version check, scoring again on the server.
pub async fn update(
    pool: &Pool,
    user: &SessionUser,
    input: EvaluationInput,
) -> AppResult<EvaluationSaved> {
    let mut tx = db::begin_write(pool).await?;
    let reg = registration_of_evaluation(&mut tx, input.id).await?;
    require_at(user, Permission::Evaluate, &reg.unit_path)?;
    let state = reg.state()?;
    let Some(next) = next_state(state, Transition::Save) else {
        return Err(AppError::bad_request(
            refusal(state, Transition::Save, Lang::Vi),
            refusal(state, Transition::Save, Lang::En),
        ));
    };
    let eval = load_evaluation(&mut tx, input.id).await?;
    let (_, set) = load_set(&mut tx, eval.criteria_set_id)
        .await?
        .ok_or_else(|| internal("evaluation without its set"))?;
    if input.criteria_set_id != eval.criteria_set_id || input.set_version != set.version {
        return Err(AppError::bad_request(
            format!(
                "Phiếu này được chấm theo bộ tiêu chí {} phiên bản {}; dữ liệu gửi lên dùng phiên bản khác. Hãy tải lại trang.",
                set.code, set.version
            ),
            format!(
                "This evaluation uses criteria set {} version {}; the data sent uses another version. Reload the page.",
                set.code, set.version
            ),
        ));
    }
    // The authority: score again from the raw answers. `client_total` is deliberately unused.
    let result = score(&set, &input.answers).map_err(|errors| {
        AppError::Validation(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: e.indicator,
                    message: e.message,
                })
                .collect(),
        )
    })?;
    let mut notes = BTreeMap::new();
    let mut note_errors = Vec::new();
    for (code, text) in &input.notes {
        let text = crate::domain::text::clean(text);
        if set.indicator(code).is_none() {
            note_errors.push(FieldError::new(
                code.clone(),
                format!("Không có chỉ số \"{code}\" trong bộ tiêu chí."),
                format!("There is no indicator \"{code}\" in the criteria set."),
            ));
        } else if text.chars().count() > MAX_NOTE_CHARS {
            note_errors.push(FieldError::new(
                code.clone(),
                format!("Ghi chú minh chứng tối đa {MAX_NOTE_CHARS} ký tự."),
                format!("An evidence note has at most {MAX_NOTE_CHARS} characters."),
            ));
        } else if !text.is_empty() {
            notes.insert(code.clone(), text);
        }
    }
    if !note_errors.is_empty() {
        return Err(AppError::Validation(note_errors));
    }
    let before: Answers = serde_json::from_str(&eval.answers).map_err(internal)?;
    let done = sqlx::query(
        "UPDATE evaluations SET answers = $1, notes = $2, total = $3, max_total = $4, verdict = $5, meets_rule = $6,
         complete = $7, updated_at = $8, updated_by = $9, version = version + 1 WHERE id = $10 AND version = $11",
    )
    .bind(serde_json::to_string(&input.answers).map_err(internal)?)
    .bind(serde_json::to_string(&notes).map_err(internal)?)
    .bind(result.total as i64)
    .bind(result.max_total as i64)
    .bind(result.verdict.code())
    .bind(result.recognised)
    .bind(result.complete)
    .bind(db::now())
    .bind(user.id)
    .bind(input.id)
    .bind(input.version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        drop(tx);
        let current = find(pool, user, input.id).await?;
        return Err(AppError::conflict(serde_json::to_string(&current).ok()));
    }
    set_state(&mut tx, &reg, state, next).await?;
    record_contributor(&mut tx, input.id, user).await?;
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Step(Transition::Save),
            entity: AuditEntity::Evaluation,
            entity_id: Some(input.id),
            unit_path: &reg.unit_path,
            summary: format!(
                "{}: {}/{}",
                reg.subject_name, result.total, result.max_total
            ),
        },
        Some(&before),
        Some(&input.answers),
    )
    .await?;
    tx.commit().await?;
    Ok(EvaluationSaved {
        version: input.version + 1,
        state: next,
        result,
    })
}

/// Submit, return (with per-criterion comments), approve or unlock (with a reason).
///
/// With `training_gates_scoring` (the setting `KH_TRAINING_GATES_SCORING`, on by default),
/// submitting and approving need the scoring module completed
/// (`training::store::completed_scoring_training`).
pub async fn step(
    pool: &Pool,
    user: &SessionUser,
    input: StepInput,
    training_gates_scoring: bool,
) -> AppResult<EvaluationSaved> {
    let transition = input.transition;
    if !matches!(
        transition,
        Transition::Submit | Transition::Return | Transition::Approve | Transition::Unlock
    ) {
        return Err(AppError::bad_request(
            "Thao tác này không thực hiện ở đây.",
            "This step is not done here.",
        ));
    }
    let mut tx = db::begin_write(pool).await?;
    let reg = registration_of_evaluation(&mut tx, input.id).await?;
    require_at(user, transition.permission(), &reg.unit_path)?;
    if user.must_change_password {
        return Err(AppError::forbidden());
    }
    require_other_person(&mut tx, input.id, user, transition, None).await?;
    if training_gates_scoring
        && matches!(transition, Transition::Submit | Transition::Approve)
        && !completed_scoring_training(&mut tx, user.id).await?
    {
        return Err(scoring_training_required());
    }
    let state = reg.state()?;
    let Some(next) = next_state(state, transition) else {
        return Err(AppError::bad_request(
            refusal(state, transition, Lang::Vi),
            refusal(state, transition, Lang::En),
        ));
    };
    let eval = load_evaluation(&mut tx, input.id).await?;
    if eval.version != input.version {
        drop(tx);
        let current = find(pool, user, input.id).await?;
        return Err(AppError::conflict(serde_json::to_string(&current).ok()));
    }
    let (_, set) = load_set(&mut tx, eval.criteria_set_id)
        .await?
        .ok_or_else(|| internal("evaluation without its set"))?;
    let answers: Answers = serde_json::from_str(&eval.answers).map_err(internal)?;
    let result = score(&set, &answers).map_err(|_| internal("stored answers no longer score"))?;
    match transition {
        Transition::Submit if !result.complete => {
            return Err(AppError::bad_request(
                "Chưa chấm đủ tất cả các chỉ số. Hãy chấm hết rồi gửi duyệt.",
                "Not every indicator is scored yet. Score them all, then submit.",
            ))
        }
        Transition::Return => {
            let comments: Vec<_> = input
                .comments
                .iter()
                .filter(|c| !c.body.trim().is_empty())
                .collect();
            if comments.is_empty() {
                return Err(AppError::field(
                    "comments",
                    "Hãy ghi nhận xét cho ít nhất một tiêu chí cần sửa.",
                    "Write a comment on at least one criterion to fix.",
                ));
            }
            for c in comments {
                if !c.criterion_code.is_empty()
                    && !set.criteria.iter().any(|k| k.code == c.criterion_code)
                {
                    return Err(AppError::field(
                        "comments",
                        format!("Không có tiêu chí \"{}\".", c.criterion_code),
                        format!("There is no criterion \"{}\".", c.criterion_code),
                    ));
                }
                insert_comment(
                    &mut tx,
                    input.id,
                    &c.criterion_code,
                    "return",
                    &crate::domain::text::clean(&c.body),
                    user,
                )
                .await?;
            }
        }
        Transition::Unlock => {
            let reason = crate::domain::text::clean(&input.reason);
            if reason.chars().count() < 5 {
                return Err(AppError::field(
                    "reason",
                    "Hãy ghi rõ lý do mở khoá.",
                    "Give the reason for unlocking.",
                ));
            }
            insert_comment(&mut tx, input.id, "", "unlock", &reason, user).await?;
        }
        _ => {}
    }
    sqlx::query("UPDATE evaluations SET version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3")
        .bind(db::now())
        .bind(user.id)
        .bind(input.id)
        .execute(&mut *tx)
        .await?;
    set_state(&mut tx, &reg, state, next).await?;
    if transition == Transition::Submit {
        record_contributor(&mut tx, input.id, user).await?;
    }
    audit::record(
        &mut tx,
        user,
        Change {
            action: transition.into(),
            entity: AuditEntity::Evaluation,
            entity_id: Some(input.id),
            unit_path: &reg.unit_path,
            summary: format!("{}: {} → {}", reg.subject_name, state.label(Lang::Vi), next.label(Lang::Vi)),
        },
        Some(&serde_json::json!({"state": state.code()})),
        Some(&serde_json::json!({"state": next.code(), "reason": input.reason, "comments": input.comments})),
    )
    .await?;
    tx.commit().await?;
    Ok(EvaluationSaved {
        version: input.version + 1,
        state: next,
        result,
    })
}

async fn insert_comment(
    conn: &mut Conn,
    evaluation_id: i64,
    criterion: &str,
    kind: &str,
    body: &str,
    user: &SessionUser,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO evaluation_comments (evaluation_id, criterion_code, kind, body, author_id, author_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(evaluation_id)
    .bind(criterion)
    .bind(kind)
    .bind(body)
    .bind(user.id)
    .bind(&user.full_name)
    .bind(db::now())
    .execute(conn)
    .await?;
    Ok(())
}
