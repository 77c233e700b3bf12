//! Quiz attempts: start (questions drawn at random from the bank, options shuffled, a deadline
//! by the server's clock), every answer saved as it is chosen, submission graded on the
//! server, and the completion written in the same transaction as the passing attempt.
//!
//! An attempt whose time has run out is graded with the answers it saved, by whichever request
//! notices first (the trainee's next answer, the quiz page, the submit); nothing waits for a
//! timer. The answer key leaves the server only in an [`AttemptResult`].

use super::{published, PublishedModule};
use crate::backend::db::{self, Conn, Pool};
use crate::backend::error::internal;
use crate::domain::roles::SessionUser;
use crate::domain::training::{grade, is_correct, KeyedOption, KeyedQuestion};
use crate::error::{AppError, AppResult};
use crate::features::training::types::{
    AnswerInput, AnswerSaved, AttemptResult, AttemptSummary, AttemptView, QuizIntro, QuizOption,
    QuizQuestion, ResultOption, ResultQuestion,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One question drawn for an attempt: which, and the order its options are shown in
/// (`order[shown] = index in the bank's list`).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Drawn {
    q: i64,
    order: Vec<u32>,
}

#[derive(sqlx::FromRow, Clone)]
struct AttemptRow {
    id: i64,
    user_id: i64,
    module_id: i64,
    version_id: i64,
    started_at: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
    drawn: String,
    submitted_at: Option<DateTime<Utc>>,
    score_percent: Option<i64>,
    passed: Option<bool>,
}

const ATTEMPT_SELECT: &str =
    "SELECT id, user_id, module_id, version_id, started_at, deadline, drawn, submitted_at,
    score_percent, passed FROM training_attempts";

#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    multiple: bool,
    prompt: String,
    options: String,
    explanation: String,
}

impl QuestionRow {
    fn keyed(&self) -> AppResult<KeyedQuestion> {
        let options: Vec<KeyedOption> = serde_json::from_str(&self.options).map_err(internal)?;
        Ok(KeyedQuestion {
            prompt: self.prompt.clone(),
            multiple: self.multiple,
            options,
            explanation: self.explanation.clone(),
        })
    }
}

fn not_found() -> AppError {
    AppError::not_found("lượt làm bài", "Attempt")
}

/// The caller's attempt, or 404: another trainee's attempt answers exactly like one that
/// does not exist.
async fn own_attempt(
    conn: &mut Conn,
    user: &SessionUser,
    attempt_id: i64,
) -> AppResult<AttemptRow> {
    sqlx::query_as::<_, AttemptRow>(&format!("{ATTEMPT_SELECT} WHERE id = $1 AND user_id = $2"))
        .bind(attempt_id)
        .bind(user.id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(not_found)
}

fn drawn_of(attempt: &AttemptRow) -> AppResult<Vec<Drawn>> {
    serde_json::from_str(&attempt.drawn).map_err(internal)
}

async fn questions_of(conn: &mut Conn, drawn: &[Drawn]) -> AppResult<HashMap<i64, QuestionRow>> {
    let mut qb = sqlx::QueryBuilder::<db::Db>::new(
        "SELECT id, multiple, prompt, options, explanation FROM training_questions WHERE id IN (",
    );
    let mut list = qb.separated(", ");
    for d in drawn {
        list.push_bind(d.q);
    }
    qb.push(")");
    Ok(qb
        .build_query_as::<QuestionRow>()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|q| (q.id, q))
        .collect())
}

/// The saved answers of an attempt, by question: indexes into the bank's option list.
async fn answers_of(conn: &mut Conn, attempt_id: i64) -> AppResult<HashMap<i64, Vec<u32>>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT question_id, chosen FROM training_answers WHERE attempt_id = $1")
            .bind(attempt_id)
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|(q, chosen)| Ok((q, serde_json::from_str(&chosen).map_err(internal)?)))
        .collect()
}

/// An attempt's drawn questions in order, their bank rows (with the key) and the saved
/// answers.
async fn load_drawn(
    conn: &mut Conn,
    attempt: &AttemptRow,
) -> AppResult<(
    Vec<Drawn>,
    HashMap<i64, QuestionRow>,
    HashMap<i64, Vec<u32>>,
)> {
    let drawn = drawn_of(attempt)?;
    let questions = questions_of(conn, &drawn).await?;
    let answers = answers_of(conn, attempt.id).await?;
    Ok((drawn, questions, answers))
}

/// Attempts a trainee has started on a module, submitted or not.
async fn attempts_used(conn: &mut Conn, user_id: i64, module_id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM training_attempts WHERE user_id = $1 AND module_id = $2",
    )
    .bind(user_id)
    .bind(module_id)
    .fetch_one(&mut *conn)
    .await?)
}

fn seconds_left(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<i64> {
    deadline.map(|d| (d - now).num_seconds().max(0))
}

fn expired(attempt: &AttemptRow, now: DateTime<Utc>) -> bool {
    attempt.submitted_at.is_none() && attempt.deadline.is_some_and(|d| now >= d)
}

/// Grades an open attempt with its saved answers and closes it at `at`; writes the completion
/// when it passed and none exists yet (a completion is never replaced or revoked).
async fn close_attempt(conn: &mut Conn, attempt: &AttemptRow, at: DateTime<Utc>) -> AppResult<()> {
    let module = version_rules(conn, attempt).await?;
    let (drawn, questions, answers) = load_drawn(conn, attempt).await?;
    let mut correct = 0;
    for d in &drawn {
        let q = questions
            .get(&d.q)
            .ok_or_else(|| internal("drawn question missing"))?;
        let chosen: Vec<usize> = answers
            .get(&d.q)
            .map(|c| c.iter().map(|i| *i as usize).collect())
            .unwrap_or_default();
        if is_correct(&q.keyed()?, &chosen) {
            correct += 1;
        }
    }
    let g = grade(correct, drawn.len() as u32, module.pass_percent as u32);
    sqlx::query(
        "UPDATE training_attempts SET submitted_at = $2, correct_count = $3, score_percent = $4, passed = $5
         WHERE id = $1 AND submitted_at IS NULL",
    )
    .bind(attempt.id)
    .bind(at)
    .bind(i64::from(g.correct))
    .bind(i64::from(g.percent))
    .bind(g.passed)
    .execute(&mut *conn)
    .await?;
    if g.passed {
        sqlx::query(
            "INSERT INTO training_completions (user_id, module_id, version_id, attempt_id, completed_at, verify_code)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, module_id) DO NOTHING",
        )
        .bind(attempt.user_id)
        .bind(attempt.module_id)
        .bind(attempt.version_id)
        .bind(attempt.id)
        .bind(at)
        .bind(crate::backend::verify_code::new_verify_code())
        .execute(&mut *conn)
        .await?;
        // A trained officer moves the dashboards' training figures.
        crate::backend::changes::note_user(conn, attempt.user_id).await?;
    }
    Ok(())
}

/// The pass mark an attempt is graded with: its own version's (a later edit does not move the
/// goalposts of an attempt already started).
async fn version_rules(conn: &mut Conn, attempt: &AttemptRow) -> AppResult<VersionRules> {
    sqlx::query_as::<_, VersionRules>(
        "SELECT v.title, v.pass_percent, v.attempt_limit FROM training_module_versions v WHERE v.id = $1",
    )
    .bind(attempt.version_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| internal("attempt without its version"))
}

#[derive(sqlx::FromRow)]
struct VersionRules {
    title: String,
    pass_percent: i64,
    attempt_limit: Option<i64>,
}

/// The caller's open attempt on `module_id`, if any (at most one: a partial unique index).
async fn open_attempt(
    conn: &mut Conn,
    user: &SessionUser,
    module_id: i64,
) -> AppResult<Option<AttemptRow>> {
    Ok(sqlx::query_as(&format!(
        "{ATTEMPT_SELECT} WHERE user_id = $1 AND module_id = $2 AND submitted_at IS NULL"
    ))
    .bind(user.id)
    .bind(module_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Closes the caller's open attempt on `module_id` if its time has run out. Runs in the
/// caller's write transaction.
async fn close_if_expired(
    conn: &mut Conn,
    user: &SessionUser,
    module_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if let Some(attempt) = open_attempt(conn, user, module_id)
        .await?
        .filter(|a| expired(a, now))
    {
        let at = attempt.deadline.unwrap_or(now);
        close_attempt(conn, &attempt, at).await?;
    }
    Ok(())
}

async fn completed_at(
    conn: &mut Conn,
    user_id: i64,
    module_id: i64,
) -> AppResult<Option<DateTime<Utc>>> {
    Ok(sqlx::query_scalar(
        "SELECT completed_at FROM training_completions WHERE user_id = $1 AND module_id = $2",
    )
    .bind(user_id)
    .bind(module_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A quiz's rules, the caller's attempts and whether one can start. Closes an attempt whose
/// time has run out first, so the page never offers to resume a finished one.
pub async fn find_quiz(pool: &Pool, user: &SessionUser, module_id: i64) -> AppResult<QuizIntro> {
    let mut tx = db::begin_write(pool).await?;
    let module = published(&mut tx, module_id).await?;
    close_if_expired(&mut tx, user, module_id, db::now()).await?;
    let attempts: Vec<AttemptRow> = sqlx::query_as(&format!(
        "{ATTEMPT_SELECT} WHERE user_id = $1 AND module_id = $2 ORDER BY id DESC"
    ))
    .bind(user.id)
    .bind(module_id)
    .fetch_all(&mut *tx)
    .await?;
    let completed_at = completed_at(&mut tx, user.id, module_id).await?;
    tx.commit().await?;
    let open_attempt = attempts
        .iter()
        .find(|a| a.submitted_at.is_none())
        .map(|a| a.id);
    let limit_reached = module
        .attempt_limit
        .is_some_and(|l| attempts.len() as i64 >= l);
    Ok(QuizIntro {
        module_id,
        module_title: module.title.clone(),
        pass_percent: module.pass_percent as u32,
        questions_per_attempt: module.questions_per_attempt as u32,
        attempt_limit: module.attempt_limit.map(|l| l as u32),
        time_limit_minutes: module.time_limit_minutes.map(|l| l as u32),
        can_start: open_attempt.is_none() && completed_at.is_none() && !limit_reached,
        open_attempt,
        completed_at,
        attempts: attempts
            .iter()
            .map(|a| AttemptSummary {
                attempt_id: a.id,
                started_at: a.started_at,
                submitted_at: a.submitted_at,
                percent: a.score_percent.map(|p| p as u32),
                passed: a.passed,
            })
            .collect(),
    })
}

/// Draws `count` questions of the bank at random and shuffles each one's options.
fn draw(bank: &[(i64, usize)], count: usize) -> Vec<Drawn> {
    use rand::seq::SliceRandom;
    let mut rng = rand::thread_rng();
    bank.choose_multiple(&mut rng, count)
        .map(|(id, options)| {
            let mut order: Vec<u32> = (0..*options as u32).collect();
            order.shuffle(&mut rng);
            Drawn { q: *id, order }
        })
        .collect()
}

/// Starts an attempt, or resumes the open one (a second tab, a reload, a dropped connection
/// all land on the same attempt with the time it has left).
pub async fn start_attempt(
    pool: &Pool,
    user: &SessionUser,
    module_id: i64,
) -> AppResult<AttemptView> {
    let now = db::now();
    let mut tx = db::begin_write(pool).await?;
    let module = published(&mut tx, module_id).await?;
    close_if_expired(&mut tx, user, module_id, now).await?;
    let attempt = match open_attempt(&mut tx, user, module_id).await? {
        Some(a) => a,
        None => {
            refuse_new_attempt(&mut tx, user, &module).await?;
            let bank: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, options FROM training_questions WHERE version_id = $1 ORDER BY position",
            )
            .bind(module.version_id)
            .fetch_all(&mut *tx)
            .await?;
            let bank: Vec<(i64, usize)> = bank
                .into_iter()
                .map(|(id, options)| {
                    let options: Vec<KeyedOption> =
                        serde_json::from_str(&options).map_err(internal)?;
                    Ok((id, options.len()))
                })
                .collect::<AppResult<_>>()?;
            let count = (module.questions_per_attempt as usize).min(bank.len());
            if count == 0 {
                return Err(AppError::bad_request(
                    "Học phần này chưa có câu hỏi kiểm tra.",
                    "This module has no quiz questions yet.",
                ));
            }
            let drawn = draw(&bank, count);
            let deadline = module
                .time_limit_minutes
                .map(|m| now + chrono::Duration::minutes(m));
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO training_attempts (user_id, module_id, version_id, started_at, deadline, drawn, question_count)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(user.id)
            .bind(module_id)
            .bind(module.version_id)
            .bind(now)
            .bind(deadline)
            .bind(serde_json::to_string(&drawn).map_err(internal)?)
            .bind(drawn.len() as i64)
            .fetch_one(&mut *tx)
            .await?;
            own_attempt(&mut tx, user, id).await?
        }
    };
    let view = attempt_view(&mut tx, &attempt, &module.title, module.pass_percent, now).await?;
    tx.commit().await?;
    Ok(view)
}

/// Refuses a new attempt when the module is already completed or no attempt is left.
async fn refuse_new_attempt(
    conn: &mut Conn,
    user: &SessionUser,
    module: &PublishedModule,
) -> AppResult<()> {
    if completed_at(conn, user.id, module.module_id)
        .await?
        .is_some()
    {
        return Err(AppError::bad_request(
            "Bạn đã hoàn thành học phần này; không cần làm bài lại.",
            "You have completed this module; there is no need to take the quiz again.",
        ));
    }
    let used = attempts_used(conn, user.id, module.module_id).await?;
    if let Some(limit) = module.attempt_limit.filter(|l| used >= *l) {
        return Err(AppError::bad_request(
            format!("Bạn đã dùng hết {limit} lượt làm bài của học phần này. Hãy liên hệ cán bộ quản trị để được hướng dẫn."),
            format!("You have used all {limit} attempts of this module. Please contact your administrator."),
        ));
    }
    Ok(())
}

/// An open attempt as its trainee sees it: prompts and options in the shown order, with what
/// they have chosen so far. No key, no explanation.
async fn attempt_view(
    conn: &mut Conn,
    attempt: &AttemptRow,
    module_title: &str,
    pass_percent: i64,
    now: DateTime<Utc>,
) -> AppResult<AttemptView> {
    let (drawn, questions, answers) = load_drawn(conn, attempt).await?;
    let mut out = Vec::with_capacity(drawn.len());
    for d in &drawn {
        let q = questions
            .get(&d.q)
            .ok_or_else(|| internal("drawn question missing"))?;
        let keyed = q.keyed()?;
        let saved = answers.get(&d.q).cloned().unwrap_or_default();
        out.push(QuizQuestion {
            question_id: d.q,
            prompt: keyed.prompt,
            multiple: keyed.multiple,
            options: d
                .order
                .iter()
                .enumerate()
                .filter_map(|(shown, stored)| {
                    keyed.options.get(*stored as usize).map(|o| QuizOption {
                        shown: shown as u32,
                        text: o.text.clone(),
                    })
                })
                .collect(),
            chosen: d
                .order
                .iter()
                .enumerate()
                .filter(|(_, stored)| saved.contains(stored))
                .map(|(shown, _)| shown as u32)
                .collect(),
        });
    }
    Ok(AttemptView {
        attempt_id: attempt.id,
        module_id: attempt.module_id,
        module_title: module_title.to_string(),
        pass_percent: pass_percent as u32,
        questions: out,
        seconds_left: seconds_left(attempt.deadline, now),
    })
}

fn time_is_up() -> AppError {
    AppError::Conflict {
        message: crate::i18n::Msg::new(
            "Đã hết giờ làm bài. Bài đã được chấm với các câu trả lời đã lưu.",
            "Time is up. The attempt was graded with the answers saved.",
        ),
        current: None,
    }
}

fn already_submitted() -> AppError {
    AppError::Conflict {
        message: crate::i18n::Msg::new(
            "Bài này đã nộp; không thể sửa câu trả lời.",
            "This attempt has been submitted; its answers cannot change.",
        ),
        current: None,
    }
}

/// Saves one answer as it is chosen. After the deadline nothing is saved: the attempt is
/// graded with what it had, and the answer is refused with 409.
pub async fn save_answer(
    pool: &Pool,
    user: &SessionUser,
    input: &AnswerInput,
) -> AppResult<AnswerSaved> {
    let now = db::now();
    let mut tx = db::begin_write(pool).await?;
    let attempt = own_attempt(&mut tx, user, input.attempt_id).await?;
    if attempt.submitted_at.is_some() {
        return Err(already_submitted());
    }
    if expired(&attempt, now) {
        let at = attempt.deadline.unwrap_or(now);
        close_attempt(&mut tx, &attempt, at).await?;
        tx.commit().await?;
        return Err(time_is_up());
    }
    let drawn = drawn_of(&attempt)?;
    let Some(d) = drawn.iter().find(|d| d.q == input.question_id) else {
        return Err(AppError::not_found("câu hỏi", "Question"));
    };
    let multiple: bool =
        sqlx::query_scalar("SELECT multiple FROM training_questions WHERE id = $1")
            .bind(d.q)
            .fetch_one(&mut *tx)
            .await?;
    let mut chosen: Vec<u32> = Vec::with_capacity(input.chosen.len());
    for shown in &input.chosen {
        let stored = d.order.get(*shown as usize).ok_or_else(|| {
            AppError::bad_request("Phương án không có trong câu hỏi.", "No such option.")
        })?;
        if !chosen.contains(stored) {
            chosen.push(*stored);
        }
    }
    if !multiple && chosen.len() > 1 {
        return Err(AppError::bad_request(
            "Câu này chỉ chọn một phương án.",
            "Choose one option for this question.",
        ));
    }
    chosen.sort_unstable();
    sqlx::query(
        "INSERT INTO training_answers (attempt_id, question_id, chosen, answered_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (attempt_id, question_id) DO UPDATE SET chosen = excluded.chosen, answered_at = excluded.answered_at",
    )
    .bind(attempt.id)
    .bind(d.q)
    .bind(serde_json::to_string(&chosen).map_err(internal)?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let answered: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM training_answers WHERE attempt_id = $1 AND chosen <> '[]'",
    )
    .bind(attempt.id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(AnswerSaved {
        answered: answered as u32,
        seconds_left: seconds_left(attempt.deadline, now),
    })
}

/// Submits an attempt: graded on the server, completion in the same transaction. Submitting
/// again (a double click, a retry after a lost answer) returns the same result.
pub async fn submit_attempt(
    pool: &Pool,
    user: &SessionUser,
    attempt_id: i64,
) -> AppResult<AttemptResult> {
    let now = db::now();
    let mut tx = db::begin_write(pool).await?;
    let attempt = own_attempt(&mut tx, user, attempt_id).await?;
    if attempt.submitted_at.is_none() {
        // Past the deadline the attempt ends at the deadline, with what was saved by then.
        let at = match attempt.deadline {
            Some(d) if now >= d => d,
            _ => now,
        };
        close_attempt(&mut tx, &attempt, at).await?;
    }
    tx.commit().await?;
    find_result(pool, user, attempt_id).await
}

/// A submitted attempt's result, with the key and the explanation of every question. Only its
/// own trainee may read it; an attempt not yet submitted has no result (409), so the key
/// cannot be read early.
pub async fn find_result(
    pool: &Pool,
    user: &SessionUser,
    attempt_id: i64,
) -> AppResult<AttemptResult> {
    let mut conn = pool.acquire().await?;
    let attempt = own_attempt(&mut conn, user, attempt_id).await?;
    let Some(submitted_at) = attempt.submitted_at else {
        return Err(AppError::Conflict {
            message: crate::i18n::Msg::new(
                "Bài chưa nộp nên chưa có kết quả.",
                "The attempt has not been submitted yet.",
            ),
            current: None,
        });
    };
    let rules = version_rules(&mut conn, &attempt).await?;
    let (drawn, questions, answers) = load_drawn(&mut conn, &attempt).await?;
    let mut items = Vec::with_capacity(drawn.len());
    let mut correct = 0;
    for d in &drawn {
        let q = questions
            .get(&d.q)
            .ok_or_else(|| internal("drawn question missing"))?;
        let keyed = q.keyed()?;
        let saved = answers.get(&d.q).cloned().unwrap_or_default();
        let chosen: Vec<usize> = saved.iter().map(|i| *i as usize).collect();
        let right = is_correct(&keyed, &chosen);
        correct += u32::from(right);
        items.push(ResultQuestion {
            prompt: keyed.prompt.clone(),
            multiple: keyed.multiple,
            options: d
                .order
                .iter()
                .filter_map(|stored| {
                    keyed.options.get(*stored as usize).map(|o| ResultOption {
                        text: o.text.clone(),
                        correct: o.correct,
                        chosen: saved.contains(stored),
                    })
                })
                .collect(),
            answered_correctly: right,
            explanation: keyed.explanation,
        });
    }
    let used = attempts_used(&mut conn, user.id, attempt.module_id).await?;
    let current_limit: Option<i64> = sqlx::query_scalar(
        "SELECT attempt_limit FROM training_module_versions WHERE module_id = $1 AND status = 'published'",
    )
    .bind(attempt.module_id)
    .fetch_optional(&mut *conn)
    .await?
    .flatten()
    .or(rules.attempt_limit);
    let completed_at = completed_at(&mut conn, user.id, attempt.module_id).await?;
    let g = grade(correct, drawn.len() as u32, rules.pass_percent as u32);
    Ok(AttemptResult {
        attempt_id,
        module_id: attempt.module_id,
        module_title: rules.title,
        correct: g.correct,
        questions: g.questions,
        percent: attempt.score_percent.map_or(g.percent, |p| p as u32),
        pass_percent: rules.pass_percent as u32,
        passed: attempt.passed.unwrap_or(g.passed),
        timed_out: attempt.deadline.is_some_and(|d| submitted_at >= d),
        submitted_at,
        items,
        attempts_left: current_limit.map(|l| (l - used).max(0) as u32),
        completed_at,
    })
}
