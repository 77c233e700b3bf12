//! The module editor's store (administrators over the whole tree): the modules with their
//! versions, a module's draft, saving it, publishing it, throwing it away, and the modules'
//! order on the trainee's page.
//!
//! A draft is the whole content of the next version. Editing a published module copies it into
//! a new draft version; trainees go on reading the published one until the draft is published,
//! which marks the old version superseded. Attempts and completions point at the version they
//! were taken on, so nothing a trainee earned changes with an edit. A draft's lessons and
//! questions are rewritten on each save: nothing else points at them while it is a draft.

use super::super::types::{DraftLesson, ManagedModule, ModuleDraft, MoveDirection};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Pool};
use crate::backend::error::internal;
use crate::backend::scope::covers_whole_tree;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::search_key;
use crate::domain::training::{reading_minutes, KeyedOption, KeyedQuestion, QuizSettings};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;

/// Modules are shared by the whole tree, so managing them needs `ManageTraining` over every
/// top-level unit; an administrator of one commune cannot change what the province reads.
pub(crate) async fn require_manage(conn: &mut Conn, user: &SessionUser) -> AppResult<()> {
    if covers_whole_tree(conn, user, Permission::ManageTraining).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden(Msg::new(
            "Bạn không có quyền soạn, sửa hay phát hành học phần tập huấn: việc này cần quyền quản trị toàn hệ thống, vì mọi đơn vị dùng chung các học phần.",
            "You may not write, edit or publish training modules: that needs administration of the whole system, since every unit shares the modules.",
        )))
    }
}

/// Where the editor's audit entries are filed: the caller's (whole-tree) scope.
fn audit_path(user: &SessionUser) -> String {
    user.scopes(Permission::ManageTraining)
        .into_iter()
        .next()
        .unwrap_or_else(|| "/".to_string())
}

#[derive(sqlx::FromRow)]
struct ManagedRow {
    module_id: i64,
    code: String,
    position: i64,
    gates_scoring: bool,
    published_version: Option<i64>,
    published_title: Option<String>,
    draft_version: Option<i64>,
    draft_title: Option<String>,
    completions: i64,
}

/// Every module, in the trainee's order, with its published and draft versions.
pub async fn list_managed(pool: &Pool, user: &SessionUser) -> AppResult<Vec<ManagedModule>> {
    let mut conn = pool.acquire().await?;
    require_manage(&mut conn, user).await?;
    managed(&mut conn).await
}

async fn managed(conn: &mut Conn) -> AppResult<Vec<ManagedModule>> {
    let rows = sqlx::query_as::<_, ManagedRow>(
        "SELECT m.id AS module_id, m.code, m.position, m.gates_scoring,
                p.version AS published_version, p.title AS published_title,
                d.version AS draft_version, d.title AS draft_title,
                (SELECT COUNT(*) FROM training_completions c WHERE c.module_id = m.id) AS completions
         FROM training_modules m
         LEFT JOIN training_module_versions p ON p.module_id = m.id AND p.status = 'published'
         LEFT JOIN training_module_versions d ON d.module_id = m.id AND d.status = 'draft'
         ORDER BY m.position, m.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ManagedModule {
            module_id: r.module_id,
            code: r.code,
            position: r.position as u32,
            title: r.published_title.or(r.draft_title).unwrap_or_default(),
            published_version: r.published_version.map(|v| v as u32),
            draft_version: r.draft_version.map(|v| v as u32),
            gates_scoring: r.gates_scoring,
            completions: r.completions as u32,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    version: i64,
    revision: i64,
    title: String,
    summary: String,
    sources: String,
    pass_percent: i64,
    questions_per_attempt: i64,
    attempt_limit: Option<i64>,
    time_limit_minutes: Option<i64>,
}

async fn version_row(
    conn: &mut Conn,
    module_id: i64,
    status: &str,
) -> AppResult<Option<VersionRow>> {
    Ok(sqlx::query_as::<_, VersionRow>(
        "SELECT id, version, revision, title, summary, sources, pass_percent, questions_per_attempt,
                attempt_limit, time_limit_minutes
         FROM training_module_versions WHERE module_id = $1 AND status = $2",
    )
    .bind(module_id)
    .bind(status)
    .fetch_optional(&mut *conn)
    .await?)
}

#[derive(sqlx::FromRow)]
struct QuestionRow {
    multiple: bool,
    prompt: String,
    options: String,
    explanation: String,
}

/// A version's whole content, as a draft.
async fn load_content(conn: &mut Conn, module_id: i64, row: &VersionRow) -> AppResult<ModuleDraft> {
    let lessons = sqlx::query_as::<_, (String, String)>(
        "SELECT title, body_md FROM training_lessons WHERE version_id = $1 ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(title, body_md)| DraftLesson { title, body_md })
    .collect();
    let questions = sqlx::query_as::<_, QuestionRow>(
        "SELECT multiple, prompt, options, explanation FROM training_questions WHERE version_id = $1 ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|q| {
        let options: Vec<KeyedOption> = serde_json::from_str(&q.options).map_err(internal)?;
        Ok(KeyedQuestion {
            prompt: q.prompt,
            multiple: q.multiple,
            options,
            explanation: q.explanation,
        })
    })
    .collect::<AppResult<Vec<_>>>()?;
    Ok(ModuleDraft {
        module_id,
        version: row.version as u32,
        revision: row.revision,
        stored: true,
        published_version: None,
        title: row.title.clone(),
        summary: row.summary.clone(),
        sources: serde_json::from_str(&row.sources).map_err(internal)?,
        settings: QuizSettings {
            pass_percent: row.pass_percent as u32,
            questions_per_attempt: row.questions_per_attempt as u32,
            attempt_limit: row.attempt_limit.map(|v| v as u32),
            time_limit_minutes: row.time_limit_minutes.map(|v| v as u32),
        },
        lessons,
        questions,
        documents: super::documents::documents_of(conn, row.id).await?,
    })
}

/// A module's draft: the stored one, else a copy of the published version to start editing
/// from (stored at its first save).
pub async fn find_draft(pool: &Pool, user: &SessionUser, module_id: i64) -> AppResult<ModuleDraft> {
    let mut conn = pool.acquire().await?;
    require_manage(&mut conn, user).await?;
    current_draft(&mut conn, module_id).await
}

async fn current_draft(conn: &mut Conn, module_id: i64) -> AppResult<ModuleDraft> {
    let published = version_row(conn, module_id, "published").await?;
    let published_version = published.as_ref().map(|p| p.version as u32);
    if let Some(row) = version_row(conn, module_id, "draft").await? {
        let mut draft = load_content(conn, module_id, &row).await?;
        draft.published_version = published_version;
        return Ok(draft);
    }
    let Some(row) = published else {
        return Err(AppError::not_found("học phần", "Training module"));
    };
    let mut draft = load_content(conn, module_id, &row).await?;
    draft.version = next_version(conn, module_id).await? as u32;
    draft.revision = 0;
    draft.stored = false;
    draft.published_version = published_version;
    Ok(draft)
}

async fn next_version(conn: &mut Conn, module_id: i64) -> AppResult<i64> {
    let newest: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(version) FROM training_module_versions WHERE module_id = $1",
    )
    .bind(module_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(newest.unwrap_or(0) + 1)
}

/// Stores a version of a module with its lessons and questions (the shipped modules use it
/// too, as version 1, published).
pub(crate) async fn insert_version(
    conn: &mut Conn,
    content: &ModuleDraft,
    status: &str,
) -> AppResult<i64> {
    let now = db::now();
    let s = content.settings;
    let version_id: i64 = sqlx::query_scalar(
        "INSERT INTO training_module_versions (module_id, version, status, title, summary, sources, pass_percent,
         questions_per_attempt, attempt_limit, time_limit_minutes, created_at, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(content.module_id)
    .bind(i64::from(content.version))
    .bind(status)
    .bind(content.title.trim())
    .bind(content.summary.trim())
    .bind(serde_json::to_string(&content.sources).map_err(internal)?)
    .bind(i64::from(s.pass_percent.clamp(1, 100)))
    .bind(i64::from(s.questions_per_attempt.max(1)))
    .bind(s.attempt_limit.filter(|&n| n > 0).map(i64::from))
    .bind(s.time_limit_minutes.filter(|&n| n > 0).map(i64::from))
    .bind(now)
    .bind((status == "published").then_some(now))
    .fetch_one(&mut *conn)
    .await?;
    write_content(conn, version_id, &content.lessons, &content.questions).await?;
    Ok(version_id)
}

async fn write_content(
    conn: &mut Conn,
    version_id: i64,
    lessons: &[DraftLesson],
    questions: &[KeyedQuestion],
) -> AppResult<()> {
    for (n, lesson) in lessons.iter().enumerate() {
        sqlx::query(
            "INSERT INTO training_lessons (version_id, position, title, body_md, reading_minutes) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version_id)
        .bind(n as i64 + 1)
        .bind(lesson.title.trim())
        .bind(&lesson.body_md)
        .bind(i64::from(reading_minutes(&lesson.body_md)))
        .execute(&mut *conn)
        .await?;
    }
    for (n, q) in questions.iter().enumerate() {
        sqlx::query(
            "INSERT INTO training_questions (version_id, position, multiple, prompt, options, explanation)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(version_id)
        .bind(n as i64 + 1)
        .bind(q.multiple)
        .bind(q.prompt.trim())
        .bind(serde_json::to_string(&q.options).map_err(internal)?)
        .bind(q.explanation.trim())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The draft as it is stored: one-line texts cleaned (`text::clean`), Markdown and
/// explanations in NFC with their line breaks kept, empty source lines dropped.
fn normalized(draft: &ModuleDraft) -> ModuleDraft {
    use crate::domain::text::{clean, nfc};
    let mut d = draft.clone();
    d.title = clean(&d.title);
    d.summary = nfc(d.summary.trim());
    d.sources = d
        .sources
        .iter()
        .map(|s| clean(s))
        .filter(|s| !s.is_empty())
        .collect();
    for lesson in &mut d.lessons {
        lesson.title = clean(&lesson.title);
        lesson.body_md = nfc(lesson.body_md.trim());
    }
    for q in &mut d.questions {
        q.prompt = clean(&q.prompt);
        q.explanation = nfc(q.explanation.trim());
        for o in &mut q.options {
            o.text = clean(&o.text);
        }
    }
    d
}

fn refused(problems: Vec<Msg>) -> AppError {
    let (vi, en): (Vec<String>, Vec<String>) = problems.into_iter().map(|m| (m.vi, m.en)).unzip();
    AppError::bad_request(vi.join(" "), en.join(" "))
}

/// A new module: its first version as an empty draft, last on the trainee's page (invisible
/// to trainees until published).
pub async fn create_module(pool: &Pool, user: &SessionUser, title: &str) -> AppResult<ModuleDraft> {
    let title = crate::domain::text::clean(title);
    if title.is_empty() || title.chars().count() > super::super::types::MAX_TITLE_CHARS {
        return Err(AppError::field(
            "title",
            "Nhập tên học phần (tối đa 200 ký tự).",
            "Enter the module's title (at most 200 characters).",
        ));
    }
    let mut tx = db::begin_write(pool).await?;
    require_manage(&mut tx, user).await?;
    let position: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM training_modules")
            .fetch_one(&mut *tx)
            .await?;
    // The code only has to be unique and stable; the title's search key reads well in logs.
    let slug: String = search_key(&title)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .collect::<Vec<_>>()
        .join("-");
    let module_id: i64 = sqlx::query_scalar(
        "INSERT INTO training_modules (code, position, gates_scoring, created_at) VALUES ($1, $2, 0, $3) RETURNING id",
    )
    .bind(format!("{slug}-{position}-{}", db::now().timestamp_millis()))
    .bind(position)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    let draft = ModuleDraft {
        module_id,
        version: 1,
        revision: 1,
        stored: true,
        published_version: None,
        title: title.clone(),
        summary: String::new(),
        sources: vec![],
        settings: QuizSettings {
            pass_percent: 80,
            questions_per_attempt: 10,
            attempt_limit: Some(3),
            time_limit_minutes: None,
        },
        lessons: vec![],
        questions: vec![],
        documents: vec![],
    };
    insert_version(&mut tx, &draft, "draft").await?;
    audit::record::<(), _>(
        &mut tx,
        user,
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::TrainingModule,
            entity_id: Some(module_id),
            unit_path: &audit_path(user),
            summary: title,
        },
        None,
        Some(&draft),
    )
    .await?;
    tx.commit().await?;
    Ok(draft)
}

/// Saves the draft. `draft.revision` is what the editor saw: 0 for a copy of the published
/// version not stored yet (then a new draft version is stored, unless someone else started one
/// meanwhile: 409), else the stored draft's revision, which the save claims (409 when someone
/// else saved since). Too-large content is refused whole.
pub async fn save_draft(
    pool: &Pool,
    user: &SessionUser,
    draft: &ModuleDraft,
) -> AppResult<ModuleDraft> {
    let draft = &normalized(draft);
    let problems = draft.save_problems();
    if !problems.is_empty() {
        return Err(refused(problems));
    }
    let mut tx = db::begin_write(pool).await?;
    require_manage(&mut tx, user).await?;
    let current = current_draft(&mut tx, draft.module_id).await?;
    let conflict = || AppError::conflict(serde_json::to_string(&current).ok());
    let mut saved = draft.clone();
    saved.published_version = current.published_version;
    if !current.stored {
        if draft.revision != 0 {
            return Err(conflict());
        }
        saved.version = current.version;
        saved.revision = 1;
        let draft_id = insert_version(&mut tx, &saved, "draft").await?;
        // The new draft starts with the published version's documents.
        if let Some(published) = version_row(&mut tx, draft.module_id, "published").await? {
            super::documents::copy_documents(&mut tx, published.id, draft_id).await?;
        }
    } else {
        let claimed = sqlx::query(
            "UPDATE training_module_versions SET revision = revision + 1, title = $1, summary = $2, sources = $3,
                pass_percent = $4, questions_per_attempt = $5, attempt_limit = $6, time_limit_minutes = $7
             WHERE module_id = $8 AND status = 'draft' AND revision = $9",
        )
        .bind(draft.title.trim())
        .bind(draft.summary.trim())
        .bind(serde_json::to_string(&draft.sources).map_err(internal)?)
        .bind(i64::from(draft.settings.pass_percent.clamp(1, 100)))
        .bind(i64::from(draft.settings.questions_per_attempt.max(1)))
        .bind(draft.settings.attempt_limit.filter(|&n| n > 0).map(i64::from))
        .bind(draft.settings.time_limit_minutes.filter(|&n| n > 0).map(i64::from))
        .bind(draft.module_id)
        .bind(draft.revision)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Err(conflict());
        }
        let version_id: i64 = sqlx::query_scalar(
            "SELECT id FROM training_module_versions WHERE module_id = $1 AND status = 'draft'",
        )
        .bind(draft.module_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM training_lessons WHERE version_id = $1")
            .bind(version_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM training_questions WHERE version_id = $1")
            .bind(version_id)
            .execute(&mut *tx)
            .await?;
        write_content(&mut tx, version_id, &draft.lessons, &draft.questions).await?;
        saved.version = current.version;
        saved.revision = draft.revision + 1;
    }
    saved.stored = true;
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Update,
            entity: AuditEntity::TrainingModule,
            entity_id: Some(draft.module_id),
            unit_path: &audit_path(user),
            summary: format!("{} (bản nháp {})", saved.title.trim(), saved.version),
        },
        Some(&current),
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    // Read back what was stored, so the editor holds exactly the stored (trimmed) content.
    let mut conn = pool.acquire().await?;
    current_draft(&mut conn, draft.module_id).await
}

/// Publishes the stored draft at `revision`: the published version, if any, is superseded
/// (its attempts and completions stay with it), and trainees read the new one from now on.
pub async fn publish_draft(
    pool: &Pool,
    user: &SessionUser,
    module_id: i64,
    revision: i64,
) -> AppResult<Vec<ManagedModule>> {
    let mut tx = db::begin_write(pool).await?;
    require_manage(&mut tx, user).await?;
    let draft = current_draft(&mut tx, module_id).await?;
    if !draft.stored || draft.revision != revision {
        return Err(AppError::conflict(serde_json::to_string(&draft).ok()));
    }
    let problems = draft.publish_problems();
    if !problems.is_empty() {
        return Err(refused(problems));
    }
    sqlx::query(
        "UPDATE training_module_versions SET status = 'superseded' WHERE module_id = $1 AND status = 'published'",
    )
    .bind(module_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE training_module_versions SET status = 'published', published_at = $1 WHERE module_id = $2 AND status = 'draft'",
    )
    .bind(db::now())
    .bind(module_id)
    .execute(&mut *tx)
    .await?;
    audit::record::<(), _>(
        &mut tx,
        user,
        Change {
            action: AuditAction::Publish,
            entity: AuditEntity::TrainingModule,
            entity_id: Some(module_id),
            unit_path: &audit_path(user),
            summary: format!("{} (phiên bản {})", draft.title, draft.version),
        },
        None,
        Some(&draft),
    )
    .await?;
    let list = managed(&mut tx).await?;
    tx.commit().await?;
    Ok(list)
}

/// Throws the stored draft at `revision` away. A module that was never published goes with
/// it; the published version of any other stays as it is.
pub async fn discard_draft(
    pool: &Pool,
    user: &SessionUser,
    module_id: i64,
    revision: i64,
) -> AppResult<Vec<ManagedModule>> {
    let mut tx = db::begin_write(pool).await?;
    require_manage(&mut tx, user).await?;
    let draft = current_draft(&mut tx, module_id).await?;
    if !draft.stored || draft.revision != revision {
        return Err(AppError::conflict(serde_json::to_string(&draft).ok()));
    }
    let version_id: i64 = sqlx::query_scalar(
        "SELECT id FROM training_module_versions WHERE module_id = $1 AND status = 'draft'",
    )
    .bind(module_id)
    .fetch_one(&mut *tx)
    .await?;
    super::documents::drop_documents(&mut tx, version_id).await?;
    for table in ["training_lessons", "training_questions"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE version_id = $1"))
            .bind(version_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM training_module_versions WHERE id = $1")
        .bind(version_id)
        .execute(&mut *tx)
        .await?;
    if draft.published_version.is_none() && next_version(&mut tx, module_id).await? == 1 {
        sqlx::query("DELETE FROM training_session_modules WHERE module_id = $1")
            .bind(module_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM training_reads WHERE module_id = $1")
            .bind(module_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM training_modules WHERE id = $1")
            .bind(module_id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record::<_, ()>(
        &mut tx,
        user,
        Change {
            action: AuditAction::Discard,
            entity: AuditEntity::TrainingModule,
            entity_id: Some(module_id),
            unit_path: &audit_path(user),
            summary: format!("{} (bản nháp {})", draft.title, draft.version),
        },
        Some(&draft),
        None,
    )
    .await?;
    let list = managed(&mut tx).await?;
    tx.commit().await?;
    Ok(list)
}

/// Moves a module one place up or down the trainee's page (swapping with its neighbour).
pub async fn move_module(
    pool: &Pool,
    user: &SessionUser,
    module_id: i64,
    direction: MoveDirection,
) -> AppResult<Vec<ManagedModule>> {
    let mut tx = db::begin_write(pool).await?;
    require_manage(&mut tx, user).await?;
    let list = managed(&mut tx).await?;
    let Some(at) = list.iter().position(|m| m.module_id == module_id) else {
        return Err(AppError::not_found("học phần", "Training module"));
    };
    let other = match direction {
        MoveDirection::Up => at.checked_sub(1),
        MoveDirection::Down => (at + 1 < list.len()).then_some(at + 1),
    };
    let Some(other) = other else {
        return Ok(list);
    };
    // Positions are renumbered 1, 2, 3 … in the new order, so gaps or ties left by earlier
    // changes never make a move do nothing.
    let mut order: Vec<&ManagedModule> = list.iter().collect();
    order.swap(at, other);
    for (n, m) in order.iter().enumerate() {
        sqlx::query("UPDATE training_modules SET position = $1 WHERE id = $2")
            .bind(n as i64 + 1)
            .bind(m.module_id)
            .execute(&mut *tx)
            .await?;
    }
    let moved = &list[at];
    audit::record::<(), ()>(
        &mut tx,
        user,
        Change {
            action: AuditAction::Move,
            entity: AuditEntity::TrainingModule,
            entity_id: Some(module_id),
            unit_path: &audit_path(user),
            summary: format!("{}: vị trí {} → {}", moved.title, at + 1, other + 1),
        },
        None,
        None,
    )
    .await?;
    let list = managed(&mut tx).await?;
    tx.commit().await?;
    Ok(list)
}

/// A lesson's Markdown rendered as trainees will see it (the editor's preview), by the same
/// renderer and allow-list as the published lesson.
pub async fn preview_lesson(pool: &Pool, user: &SessionUser, body_md: String) -> AppResult<String> {
    if body_md.chars().count() > super::super::types::MAX_LESSON_CHARS {
        return Err(AppError::bad_request(
            "Bài quá dài để xem trước: tối đa 100.000 ký tự.",
            "The lesson is too long to preview: at most 100,000 characters.",
        ));
    }
    let mut conn = pool.acquire().await?;
    require_manage(&mut conn, user).await?;
    drop(conn);
    tokio::task::spawn_blocking(move || super::render::lesson_html(&body_md))
        .await
        .map_err(internal)
}
