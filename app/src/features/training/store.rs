//! Training's store: the modules a trainee sees (the newest published version of each) with
//! their progress, a lesson (rendered on the server, its opening recorded so reading resumes
//! there), and whether a user has completed the module that scoring needs. Quizzes are
//! [`quiz`]; the shipped modules are [`seed`]; Markdown is [`render`].

pub mod certificate;
pub mod documents;
pub mod editor;
pub mod progress;
pub mod quiz;
pub mod render;
pub mod seed;
pub mod sessions;

use super::types::{LessonLink, LessonView, ModuleCard, NextStep};
use crate::backend::db::{self, Conn, Pool};
use crate::domain::roles::SessionUser;
use crate::error::{AppError, AppResult};
use std::collections::HashMap;

/// The newest published version of a module, with its quiz settings.
#[derive(sqlx::FromRow, Clone, Debug)]
pub(crate) struct PublishedModule {
    pub module_id: i64,
    pub code: String,
    pub gates_scoring: bool,
    pub version_id: i64,
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub sources: String,
    pub pass_percent: i64,
    pub questions_per_attempt: i64,
    pub attempt_limit: Option<i64>,
    pub time_limit_minutes: Option<i64>,
}

const PUBLISHED_SELECT: &str = "SELECT m.id AS module_id, m.code, m.gates_scoring, v.id AS version_id, v.version,
    v.title, v.summary, v.sources, v.pass_percent, v.questions_per_attempt, v.attempt_limit, v.time_limit_minutes
    FROM training_modules m JOIN training_module_versions v ON v.module_id = m.id AND v.status = 'published'";

/// A module's published version, or 404 (drafts are invisible to trainees).
pub(crate) async fn published(conn: &mut Conn, module_id: i64) -> AppResult<PublishedModule> {
    sqlx::query_as::<_, PublishedModule>(&format!("{PUBLISHED_SELECT} WHERE m.id = $1"))
        .bind(module_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| AppError::not_found("học phần", "Training module"))
}

#[derive(sqlx::FromRow)]
struct LessonStats {
    version_id: i64,
    lessons: i64,
    minutes: i64,
}

#[derive(sqlx::FromRow)]
struct AttemptStats {
    module_id: i64,
    used: i64,
    best: Option<i64>,
    open: i64,
}

/// What the trainee should do next: finish the open attempt, else go on reading where they
/// left (the lesson last opened) while some lesson is still unopened, else take the quiz while
/// attempts are left.
pub fn next_step(card: &ModuleCard) -> NextStep {
    if card.completed_at.is_some() {
        NextStep::Done
    } else if card.open_attempt {
        NextStep::Quiz
    } else if card.lessons_read < card.lesson_count {
        NextStep::Lesson(card.resume_at)
    } else if card
        .attempt_limit
        .is_some_and(|limit| card.attempts_used >= limit)
    {
        NextStep::NoAttemptsLeft
    } else {
        NextStep::Quiz
    }
}

/// The caller's modules, in order, with their progress. Four queries whatever the number of
/// modules.
pub async fn list_modules(pool: &Pool, user: &SessionUser) -> AppResult<Vec<ModuleCard>> {
    let mut conn = pool.acquire().await?;
    let modules: Vec<PublishedModule> =
        sqlx::query_as(&format!("{PUBLISHED_SELECT} ORDER BY m.position, m.id"))
            .fetch_all(&mut *conn)
            .await?;
    let stats: HashMap<i64, LessonStats> = sqlx::query_as::<_, LessonStats>(
        "SELECT l.version_id, COUNT(*) AS lessons, SUM(l.reading_minutes) AS minutes
         FROM training_lessons l JOIN training_module_versions v ON v.id = l.version_id
         WHERE v.status = 'published' GROUP BY l.version_id",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|s| (s.version_id, s))
    .collect();
    let mut reads: HashMap<i64, Vec<(i64, chrono::DateTime<chrono::Utc>)>> = HashMap::new();
    for (module_id, position, at) in sqlx::query_as::<_, (i64, i64, chrono::DateTime<chrono::Utc>)>(
        "SELECT module_id, position, read_at FROM training_reads WHERE user_id = $1",
    )
    .bind(user.id)
    .fetch_all(&mut *conn)
    .await?
    {
        reads.entry(module_id).or_default().push((position, at));
    }
    let attempts: HashMap<i64, AttemptStats> = sqlx::query_as::<_, AttemptStats>(
        "SELECT module_id, COUNT(*) AS used, MAX(score_percent) AS best,
                SUM(CASE WHEN submitted_at IS NULL THEN 1 ELSE 0 END) AS open
         FROM training_attempts WHERE user_id = $1 GROUP BY module_id",
    )
    .bind(user.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|a| (a.module_id, a))
    .collect();
    let completions: HashMap<i64, chrono::DateTime<chrono::Utc>> = sqlx::query_as(
        "SELECT module_id, completed_at FROM training_completions WHERE user_id = $1",
    )
    .bind(user.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();

    Ok(modules
        .into_iter()
        .map(|m| {
            let (lessons, minutes) = stats
                .get(&m.version_id)
                .map_or((0, 0), |s| (s.lessons as u32, s.minutes as u32));
            let read = reads.get(&m.module_id).map(Vec::as_slice).unwrap_or(&[]);
            let is_read = |p: u32| read.iter().any(|(pos, _)| *pos == i64::from(p));
            let lessons_read = (1..=lessons).filter(|p| is_read(*p)).count() as u32;
            let resume_at = read
                .iter()
                .filter(|(pos, _)| (1..=i64::from(lessons)).contains(pos))
                .max_by_key(|(_, at)| *at)
                .map_or(1, |(pos, _)| *pos as u32);
            let a = attempts.get(&m.module_id);
            let mut card = ModuleCard {
                module_id: m.module_id,
                code: m.code,
                title: m.title,
                summary: m.summary,
                version: m.version as u32,
                lesson_count: lessons,
                lessons_read,
                reading_minutes: minutes,
                gates_scoring: m.gates_scoring,
                next: NextStep::Done,
                resume_at,
                attempts_used: a.map_or(0, |a| a.used as u32),
                attempt_limit: m.attempt_limit.map(|l| l as u32),
                best_percent: a.and_then(|a| a.best).map(|b| b as u32),
                open_attempt: a.is_some_and(|a| a.open > 0),
                completed_at: completions.get(&m.module_id).copied(),
            };
            card.next = next_step(&card);
            card
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct LessonRow {
    position: i64,
    title: String,
    body_md: String,
    reading_minutes: i64,
}

/// One lesson of a module's published version, rendered; records that the caller opened it
/// (the place reading resumes from).
pub async fn find_lesson(
    pool: &Pool,
    user: &SessionUser,
    module_id: i64,
    position: u32,
) -> AppResult<LessonView> {
    let mut conn = pool.acquire().await?;
    let module = published(&mut conn, module_id).await?;
    let lessons: Vec<LessonRow> = sqlx::query_as(
        "SELECT position, title, body_md, reading_minutes FROM training_lessons
         WHERE version_id = $1 ORDER BY position",
    )
    .bind(module.version_id)
    .fetch_all(&mut *conn)
    .await?;
    let Some(lesson) = lessons.iter().find(|l| l.position == i64::from(position)) else {
        return Err(AppError::not_found("bài học", "Lesson"));
    };
    let documents = documents::documents_of(&mut conn, module.version_id).await?;
    drop(conn);
    // One small write per lesson opened; "INSERT … ON CONFLICT" moves the time forward, so
    // the newest opening is where reading resumes.
    let mut tx = db::begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO training_reads (user_id, module_id, position, read_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, module_id, position) DO UPDATE SET read_at = excluded.read_at",
    )
    .bind(user.id)
    .bind(module_id)
    .bind(i64::from(position))
    .bind(db::now())
    .execute(&mut *tx)
    .await?;
    let read: Vec<i64> = sqlx::query_scalar(
        "SELECT position FROM training_reads WHERE user_id = $1 AND module_id = $2",
    )
    .bind(user.id)
    .bind(module_id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    // Rendering (Markdown, sanitising) runs off the async runtime: a long lesson is a few
    // milliseconds of work per view.
    let body = lesson.body_md.clone();
    let html = tokio::task::spawn_blocking(move || render::lesson_html(&body))
        .await
        .map_err(crate::backend::error::internal)?;
    Ok(LessonView {
        module_id,
        module_title: module.title,
        version: module.version as u32,
        position,
        title: lesson.title.clone(),
        html,
        reading_minutes: lesson.reading_minutes as u32,
        lessons: lessons
            .iter()
            .map(|l| LessonLink {
                position: l.position as u32,
                title: l.title.clone(),
                read: read.contains(&l.position),
            })
            .collect(),
        sources: serde_json::from_str(&module.sources).unwrap_or_default(),
        documents,
    })
}

/// Records that `user_id` completed the module with `code` without an online attempt (in
/// person, or in the demo data), on its current published version. An earlier completion
/// stays as it was.
pub async fn record_completion(
    conn: &mut Conn,
    user_id: i64,
    code: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO training_completions (user_id, module_id, version_id, attempt_id, completed_at, verify_code)
         SELECT $1, m.id, v.id, NULL, $3, $4 FROM training_modules m
         JOIN training_module_versions v ON v.module_id = m.id AND v.status = 'published'
         WHERE m.code = $2
         ON CONFLICT (user_id, module_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(code)
    .bind(at)
    .bind(crate::backend::verify_code::new_verify_code())
    .execute(&mut *conn)
    .await?;
    crate::backend::changes::note_user(conn, user_id).await
}

/// Whether `user_id` has completed every module that gates scoring (module 2: "Chấm điểm các
/// danh hiệu"). True when no module gates.
pub async fn completed_scoring_training(conn: &mut Conn, user_id: i64) -> AppResult<bool> {
    let missing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM training_modules m WHERE m.gates_scoring
           AND NOT EXISTS (SELECT 1 FROM training_completions c WHERE c.module_id = m.id AND c.user_id = $1)",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(missing == 0)
}

/// The refusal of a submit or an approval by someone without the scoring training: it names
/// the module, and the page links to it.
pub fn scoring_training_required() -> AppError {
    AppError::Forbidden(crate::i18n::Msg::new(
        "Bạn cần hoàn thành học phần tập huấn «Chấm điểm các danh hiệu» trước khi gửi duyệt hoặc phê duyệt hồ sơ. Vào mục Tập huấn để học và làm bài kiểm tra.",
        "Complete the training module on scoring the titles before submitting or approving dossiers. Open Training to study it and take its quiz.",
    ))
}

/// What the caller still needs before submitting or approving: the gating module, if the
/// setting is on and they have not completed it.
pub async fn scoring_gate(
    pool: &Pool,
    user: &SessionUser,
    gates: bool,
) -> AppResult<super::types::ScoringGate> {
    let mut conn = pool.acquire().await?;
    let module: Option<(i64, String)> = sqlx::query_as(
        "SELECT m.id, v.title FROM training_modules m
         JOIN training_module_versions v ON v.module_id = m.id AND v.status = 'published'
         WHERE m.gates_scoring ORDER BY m.position LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let completed = completed_scoring_training(&mut conn, user.id).await?;
    let scores = user.can(crate::domain::roles::Permission::Evaluate)
        || user.can(crate::domain::roles::Permission::Review);
    Ok(super::types::ScoringGate {
        blocked: gates && scores && !completed,
        module_id: module.as_ref().map(|m| m.0),
        module_title: module.map(|m| m.1).unwrap_or_default(),
    })
}
