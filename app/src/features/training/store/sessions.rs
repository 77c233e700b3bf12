//! In-person training sessions (hội nghị tập huấn): recorded by an administrator of the
//! organising unit (`ManageTraining` there), with the modules they teach and their delegates,
//! picked from the users of the unit or imported from a pasted list (name, unit, position) for
//! delegates without an account.
//!
//! Attendance is what counts: [`sync_completions`] runs in the transaction of every change and
//! makes the session's completions exactly "every delegate with an account marked present ×
//! every module of the session", so marking a 120-delegate conference once shows in the
//! officers-trained target, and a mark taken back (or a module removed from the session) takes
//! back only the completions this session gave. Completions earned online are never touched.

use super::super::types::{
    split_attendee_line, Attendee, AttendeeChoice, ImportedAttendees, RefusedLine, SessionDetail,
    SessionInput, SessionModule, SessionSummary, MAX_ATTENDEES,
};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Pool};
use crate::backend::scope::push_scope_filter;
use crate::backend::session::require_at;
use crate::backend::versioned::{claim, Versioned};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::org::subtree_upper_bound;
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::{check_person_name, clean, nfc, search_key};
use crate::error::{AppError, AppResult, FieldError};
use sqlx::QueryBuilder;
use std::collections::HashMap;

const MAX_TEXT: usize = 200;
const MAX_AGENDA: usize = 5_000;

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    version: i64,
    title: String,
    held_on: chrono::NaiveDate,
    place: String,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    agenda: String,
}

/// A session the caller may manage (its organising unit within their `ManageTraining`
/// scope), or 404 / 403.
async fn session_row(conn: &mut Conn, user: &SessionUser, id: i64) -> AppResult<SessionRow> {
    let row = sqlx::query_as::<_, SessionRow>(
        "SELECT s.id, s.version, s.title, s.held_on, s.place, s.unit_id, o.name AS unit_name,
                o.path AS unit_path, s.agenda
         FROM training_sessions s JOIN org_units o ON o.id = s.unit_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::not_found("hội nghị tập huấn", "Training session"))?;
    require_at(user, Permission::ManageTraining, &row.unit_path)?;
    Ok(row)
}

async fn detail(conn: &mut Conn, row: SessionRow) -> AppResult<SessionDetail> {
    let modules = sqlx::query_as::<_, (i64, String)>(
        "SELECT m.id, v.title FROM training_session_modules sm
         JOIN training_modules m ON m.id = sm.module_id
         JOIN training_module_versions v ON v.module_id = m.id AND v.status = 'published'
         WHERE sm.session_id = $1 ORDER BY m.position",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(module_id, title)| SessionModule { module_id, title })
    .collect();
    let attendees = sqlx::query_as::<_, (i64, Option<i64>, String, String, String, bool)>(
        "SELECT id, user_id, full_name, unit_name, position, attended_at IS NOT NULL
         FROM training_session_attendees WHERE session_id = $1 ORDER BY id",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(
        |(attendee_id, user_id, full_name, unit_name, position, attended)| Attendee {
            attendee_id,
            user_id,
            full_name,
            unit_name,
            position,
            attended,
        },
    )
    .collect();
    Ok(SessionDetail {
        session_id: row.id,
        version: row.version,
        title: row.title,
        held_on: row.held_on,
        place: row.place,
        unit_id: row.unit_id,
        unit_name: row.unit_name,
        agenda: row.agenda,
        modules,
        attendees,
    })
}

/// The sessions organised within the caller's scope, newest first.
pub async fn list_sessions(pool: &Pool, user: &SessionUser) -> AppResult<Vec<SessionSummary>> {
    let scopes = user.scopes(Permission::ManageTraining);
    let mut qb: QueryBuilder<db::Db> = QueryBuilder::new(
        "SELECT s.id, s.title, s.held_on, s.place, o.name,
                (SELECT COUNT(*) FROM training_session_attendees a WHERE a.session_id = s.id),
                (SELECT COUNT(*) FROM training_session_attendees a WHERE a.session_id = s.id AND a.attended_at IS NOT NULL)
         FROM training_sessions s JOIN org_units o ON o.id = s.unit_id WHERE ",
    );
    push_scope_filter(&mut qb, "o.path", &scopes);
    qb.push(" ORDER BY s.held_on DESC, s.id DESC LIMIT 500");
    let rows = qb
        .build_query_as::<(i64, String, chrono::NaiveDate, String, String, i64, i64)>()
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(session_id, title, held_on, place, unit_name, attendees, attended)| SessionSummary {
                session_id,
                title,
                held_on,
                place,
                unit_name,
                attendees: attendees as u32,
                attended: attended as u32,
            },
        )
        .collect())
}

/// One session with its modules and delegates.
pub async fn find_session(pool: &Pool, user: &SessionUser, id: i64) -> AppResult<SessionDetail> {
    let mut conn = pool.acquire().await?;
    let row = session_row(&mut conn, user, id).await?;
    detail(&mut conn, row).await
}

/// The published modules a session may teach.
pub async fn list_session_modules(
    pool: &Pool,
    user: &SessionUser,
) -> AppResult<Vec<SessionModule>> {
    if !user.can(Permission::ManageTraining) {
        return Err(AppError::forbidden());
    }
    Ok(sqlx::query_as::<_, (i64, String)>(
        "SELECT m.id, v.title FROM training_modules m
         JOIN training_module_versions v ON v.module_id = m.id AND v.status = 'published'
         ORDER BY m.position",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(module_id, title)| SessionModule { module_id, title })
    .collect())
}

/// The input checked and cleaned, or every field's problem at once.
fn checked(input: &SessionInput) -> AppResult<(SessionInput, chrono::NaiveDate)> {
    let mut errors = Vec::new();
    let title = clean(&input.title);
    let place = clean(&input.place);
    let agenda = nfc(input.agenda.trim());
    if title.is_empty() || title.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            "title",
            "Nhập tên hội nghị (tối đa 200 ký tự).",
            "Enter the session's title (at most 200 characters).",
        ));
    }
    if place.is_empty() || place.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            "place",
            "Nhập địa điểm (tối đa 200 ký tự).",
            "Enter the place (at most 200 characters).",
        ));
    }
    if agenda.chars().count() > MAX_AGENDA {
        errors.push(FieldError::new(
            "agenda",
            "Chương trình tối đa 5.000 ký tự.",
            "The agenda holds at most 5,000 characters.",
        ));
    }
    let today = crate::vietnam_time::today();
    let held_on = chrono::NaiveDate::parse_from_str(input.held_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (today - *d).num_days() < 365 * 20 && (*d - today).num_days() <= 366);
    if held_on.is_none() {
        errors.push(FieldError::new(
            "held_on",
            "Nhập ngày tổ chức hợp lệ (không quá một năm tới).",
            "Enter a valid date (at most a year ahead).",
        ));
    }
    if input.unit_id.is_none() {
        errors.push(FieldError::new(
            "unit_id",
            "Chọn đơn vị tổ chức.",
            "Choose the organising unit.",
        ));
    }
    if input.module_ids.len() > 50 {
        errors.push(FieldError::new(
            "module_ids",
            "Chọn tối đa 50 học phần.",
            "Choose at most 50 modules.",
        ));
    }
    match held_on {
        Some(held_on) if errors.is_empty() => {
            let mut module_ids = input.module_ids.clone();
            module_ids.sort_unstable();
            module_ids.dedup();
            Ok((
                SessionInput {
                    title,
                    place,
                    agenda,
                    module_ids,
                    ..input.clone()
                },
                held_on,
            ))
        }
        _ => Err(AppError::Validation(errors)),
    }
}

/// Creates a session (`session_id` `None`) or updates one at the version the caller saw.
pub async fn save_session(
    pool: &Pool,
    user: &SessionUser,
    input: &SessionInput,
) -> AppResult<SessionDetail> {
    let (input, held_on) = checked(input)?;
    let unit_id = input.unit_id.unwrap_or_default();
    let mut tx = db::begin_write(pool).await?;
    let unit_path: String =
        sqlx::query_scalar("SELECT path FROM org_units WHERE id = $1 AND active")
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                AppError::field(
                    "unit_id",
                    "Đơn vị tổ chức không tồn tại.",
                    "The organising unit does not exist.",
                )
            })?;
    require_at(user, Permission::ManageTraining, &unit_path)?;
    let published: i64 = {
        let mut qb: QueryBuilder<db::Db> = QueryBuilder::new(
            "SELECT COUNT(*) FROM training_module_versions WHERE status = 'published' AND module_id IN (",
        );
        let mut ids = qb.separated(", ");
        for id in &input.module_ids {
            ids.push_bind(*id);
        }
        qb.push(")");
        if input.module_ids.is_empty() {
            0
        } else {
            qb.build_query_scalar().fetch_one(&mut *tx).await?
        }
    };
    if published as usize != input.module_ids.len() {
        return Err(AppError::field(
            "module_ids",
            "Có học phần không tồn tại hoặc chưa phát hành.",
            "A module does not exist or is not published.",
        ));
    }
    let now = db::now();
    let (session_id, before) = match input.session_id {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO training_sessions (title, held_on, place, unit_id, agenda, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
            )
            .bind(&input.title)
            .bind(held_on)
            .bind(&input.place)
            .bind(unit_id)
            .bind(&input.agenda)
            .bind(user.id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            (id, None)
        }
        Some(id) => {
            let row = session_row(&mut tx, user, id).await?;
            let current = detail(&mut tx, row).await?;
            claim(
                &mut tx,
                Versioned::TrainingSession,
                id,
                input.version,
                &current,
            )
            .await?;
            sqlx::query(
                "UPDATE training_sessions SET title = $1, held_on = $2, place = $3, unit_id = $4, agenda = $5 WHERE id = $6",
            )
            .bind(&input.title)
            .bind(held_on)
            .bind(&input.place)
            .bind(unit_id)
            .bind(&input.agenda)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM training_session_modules WHERE session_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            (id, Some(current))
        }
    };
    for module_id in &input.module_ids {
        sqlx::query("INSERT INTO training_session_modules (session_id, module_id) VALUES ($1, $2)")
            .bind(session_id)
            .bind(module_id)
            .execute(&mut *tx)
            .await?;
    }
    sync_completions(&mut tx, session_id).await?;
    let row = session_row(&mut tx, user, session_id).await?;
    let after = detail(&mut tx, row).await?;
    audit::record(
        &mut tx,
        user,
        Change {
            action: if before.is_some() {
                AuditAction::Update
            } else {
                AuditAction::Create
            },
            entity: AuditEntity::TrainingSession,
            entity_id: Some(session_id),
            unit_path: &unit_path,
            summary: format!("{} ({})", after.title, after.held_on.format("%d/%m/%Y")),
        },
        before.as_ref(),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Users who may be picked as delegates: active accounts with a role within the organising
/// unit, not yet on the list, whose name or username holds `query` (accents and case aside).
pub async fn list_attendee_choices(
    pool: &Pool,
    user: &SessionUser,
    session_id: i64,
    query: &str,
) -> AppResult<Vec<AttendeeChoice>> {
    let mut conn = pool.acquire().await?;
    let row = session_row(&mut conn, user, session_id).await?;
    let key = search_key(query);
    let rows = sqlx::query_as::<_, (i64, String, String, String)>(
        "SELECT u.id, u.full_name, u.username, MIN(o.name)
         FROM users u JOIN role_assignments r ON r.user_id = u.id JOIN org_units o ON o.id = r.org_unit_id
         WHERE u.active AND o.path >= $1 AND o.path < $2
           AND NOT EXISTS (SELECT 1 FROM training_session_attendees a WHERE a.session_id = $3 AND a.user_id = u.id)
         GROUP BY u.id, u.full_name, u.username ORDER BY u.full_name LIMIT 2000",
    )
    .bind(&row.unit_path)
    .bind(subtree_upper_bound(&row.unit_path))
    .bind(session_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, name, username, _)| {
            key.is_empty() || search_key(name).contains(&key) || username.contains(&key)
        })
        .take(50)
        .map(|(user_id, full_name, _, unit_name)| AttendeeChoice {
            user_id,
            full_name,
            unit_name,
        })
        .collect())
}

async fn attendee_count(conn: &mut Conn, session_id: i64) -> AppResult<usize> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM training_session_attendees WHERE session_id = $1")
            .bind(session_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(n as usize)
}

fn too_many() -> AppError {
    AppError::bad_request(
        format!("Một hội nghị có tối đa {MAX_ATTENDEES} đại biểu."),
        format!("A session holds at most {MAX_ATTENDEES} delegates."),
    )
}

/// Adds users of the organising unit as delegates (one already listed is skipped).
pub async fn add_attendees(
    pool: &Pool,
    user: &SessionUser,
    session_id: i64,
    user_ids: &[i64],
) -> AppResult<SessionDetail> {
    let mut tx = db::begin_write(pool).await?;
    let row = session_row(&mut tx, user, session_id).await?;
    if attendee_count(&mut tx, session_id).await? + user_ids.len() > MAX_ATTENDEES {
        return Err(too_many());
    }
    let mut added = Vec::new();
    for user_id in user_ids {
        // Where the attendance counts: the user's first unit inside the organising unit.
        let found = sqlx::query_as::<_, (String, i64, String)>(
            "SELECT u.full_name, o.id, o.name FROM users u
             JOIN role_assignments r ON r.user_id = u.id JOIN org_units o ON o.id = r.org_unit_id
             WHERE u.id = $1 AND u.active AND o.path >= $2 AND o.path < $3
             ORDER BY o.path LIMIT 1",
        )
        .bind(user_id)
        .bind(&row.unit_path)
        .bind(subtree_upper_bound(&row.unit_path))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((full_name, unit_id, unit_name)) = found else {
            return Err(AppError::bad_request(
                "Chỉ chọn được người dùng thuộc đơn vị tổ chức hội nghị.",
                "Only users of the organising unit can be picked.",
            ));
        };
        let done = sqlx::query(
            "INSERT INTO training_session_attendees (session_id, user_id, full_name, unit_name, position, unit_id)
             VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT DO NOTHING",
        )
        .bind(session_id)
        .bind(user_id)
        .bind(&full_name)
        .bind(&unit_name)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() > 0 {
            added.push(full_name);
        }
    }
    record_attendees_change(
        &mut tx,
        user,
        &row,
        AuditAction::Update,
        format!("{}: thêm {} đại biểu", row.title, added.len()),
        &added,
    )
    .await?;
    let detail = detail(&mut tx, row).await?;
    tx.commit().await?;
    Ok(detail)
}

async fn record_attendees_change(
    conn: &mut Conn,
    user: &SessionUser,
    row: &SessionRow,
    action: AuditAction,
    summary: String,
    names: &[String],
) -> AppResult<()> {
    audit::record::<(), _>(
        conn,
        user,
        Change {
            action,
            entity: AuditEntity::TrainingSession,
            entity_id: Some(row.id),
            unit_path: &row.unit_path,
            summary,
        },
        None,
        Some(&names),
    )
    .await
}

/// Adds delegates from a pasted list, one per line: name, unit, position (tabs as a
/// spreadsheet copies them, or semicolons, or commas). A line naming a unit inside the
/// organising unit counts there; otherwise it counts at the organising unit. Lines with a
/// problem are refused with why; the others are added together.
pub async fn import_attendees(
    pool: &Pool,
    user: &SessionUser,
    session_id: i64,
    text: &str,
) -> AppResult<ImportedAttendees> {
    if text.len() > 200_000 {
        return Err(AppError::bad_request(
            "Danh sách quá dài: tối đa 200.000 ký tự mỗi lần dán.",
            "The list is too long: at most 200,000 characters at a time.",
        ));
    }
    let mut tx = db::begin_write(pool).await?;
    let row = session_row(&mut tx, user, session_id).await?;
    let units: HashMap<String, (i64, String)> = sqlx::query_as::<_, (i64, String)>(
        "SELECT id, name FROM org_units WHERE active AND path >= $1 AND path < $2",
    )
    .bind(&row.unit_path)
    .bind(subtree_upper_bound(&row.unit_path))
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(id, name)| (search_key(&name), (id, name)))
    .collect();
    let mut refused = Vec::new();
    let mut lines = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let number = n as u32 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let (name, unit, position) = split_attendee_line(line);
        let (name, unit, position) = (clean(&name), clean(&unit), clean(&position));
        // A header row copied with the list.
        if n == 0 && search_key(&name).contains("ho va ten") {
            continue;
        }
        let problem = match check_person_name(&name) {
            Err(m) => Some((m.vi, m.en)),
            Ok(())
                if [&name, &unit, &position]
                    .iter()
                    .any(|t| t.chars().count() > MAX_TEXT) =>
            {
                Some((
                    "Mỗi ô tối đa 200 ký tự.".to_string(),
                    "Each cell holds at most 200 characters.".to_string(),
                ))
            }
            Ok(())
                if [&unit, &position]
                    .iter()
                    .any(|t| t.starts_with(['=', '+', '-', '@'])) =>
            {
                Some((
                    "Ô không được bắt đầu bằng =, +, - hoặc @.".to_string(),
                    "A cell may not start with =, +, - or @.".to_string(),
                ))
            }
            Ok(()) => None,
        };
        match problem {
            Some((vi, en)) => refused.push(RefusedLine {
                line: number,
                vi,
                en,
            }),
            None => lines.push((name, unit, position)),
        }
    }
    if attendee_count(&mut tx, session_id).await? + lines.len() > MAX_ATTENDEES {
        return Err(too_many());
    }
    let mut names = Vec::new();
    for (name, unit, position) in lines {
        let (unit_id, unit_name) = match units.get(&search_key(&unit)) {
            Some((id, stored)) => (*id, stored.clone()),
            None if unit.is_empty() => (row.unit_id, row.unit_name.clone()),
            None => (row.unit_id, unit.clone()),
        };
        sqlx::query(
            "INSERT INTO training_session_attendees (session_id, user_id, full_name, unit_name, position, unit_id)
             VALUES ($1, NULL, $2, $3, $4, $5)",
        )
        .bind(session_id)
        .bind(&name)
        .bind(&unit_name)
        .bind(&position)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        names.push(name);
    }
    let added = names.len() as u32;
    record_attendees_change(
        &mut tx,
        user,
        &row,
        AuditAction::Import,
        format!("{}: nhập {added} đại biểu", row.title),
        &names,
    )
    .await?;
    let detail = detail(&mut tx, row).await?;
    tx.commit().await?;
    Ok(ImportedAttendees {
        added,
        refused,
        detail,
    })
}

/// Adds delegates from a spreadsheet or CSV file (read within the import's limits, off the
/// async runtime): the columns named like "Họ và tên", "Đơn vị" and "Chức vụ", else the first
/// three. Refused lines are numbered as the spreadsheet's rows.
pub async fn import_attendee_file(
    pool: &Pool,
    user: &SessionUser,
    session_id: i64,
    filename: &str,
    bytes: Vec<u8>,
) -> AppResult<ImportedAttendees> {
    {
        let mut conn = pool.acquire().await?;
        session_row(&mut conn, user, session_id).await?;
    }
    let name = filename.to_string();
    let table = crate::features::imports::store::read::ParseGate::shared()
        .run(move || crate::features::imports::store::read::read_table(&name, &bytes))
        .await?;
    let keys: Vec<String> = table.headers.iter().map(|h| search_key(h)).collect();
    let column = |words: &[&str], fallback: usize| {
        keys.iter()
            .position(|k| words.iter().any(|w| k.contains(w)))
            .unwrap_or(fallback)
    };
    let columns = [
        column(&["ho va ten", "ho ten", "ten"], 0),
        column(&["don vi", "noi cong tac"], 1),
        column(&["chuc vu", "chuc danh"], 2),
    ];
    // Line k of the text is row k of the sheet, so a refused line names the row to fix; the
    // header row (1) is left empty.
    let mut lines = vec![String::new()];
    for (row, cells) in &table.rows {
        while lines.len() + 1 < *row {
            lines.push(String::new());
        }
        let cell = |n: usize| {
            cells
                .get(n)
                .map(|c| c.replace('\t', " "))
                .unwrap_or_default()
        };
        lines.push(
            columns
                .iter()
                .map(|&n| cell(n))
                .collect::<Vec<_>>()
                .join("\t"),
        );
    }
    import_attendees(pool, user, session_id, &lines.join("\n")).await
}

/// Takes a delegate off the list (and any completion the session gave them).
pub async fn remove_attendee(
    pool: &Pool,
    user: &SessionUser,
    session_id: i64,
    attendee_id: i64,
) -> AppResult<SessionDetail> {
    let mut tx = db::begin_write(pool).await?;
    let row = session_row(&mut tx, user, session_id).await?;
    let name: String = sqlx::query_scalar(
        "DELETE FROM training_session_attendees WHERE id = $1 AND session_id = $2 RETURNING full_name",
    )
    .bind(attendee_id)
    .bind(session_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("đại biểu", "Delegate"))?;
    sync_completions(&mut tx, session_id).await?;
    record_attendees_change(
        &mut tx,
        user,
        &row,
        AuditAction::Update,
        format!("{}: bỏ {name}", row.title),
        std::slice::from_ref(&name),
    )
    .await?;
    let detail = detail(&mut tx, row).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Marks delegates present (or takes the mark back). A session that has not been held yet
/// cannot be marked.
pub async fn set_attendance(
    pool: &Pool,
    user: &SessionUser,
    session_id: i64,
    attendee_ids: &[i64],
    attended: bool,
) -> AppResult<SessionDetail> {
    let mut tx = db::begin_write(pool).await?;
    let row = session_row(&mut tx, user, session_id).await?;
    if attended && row.held_on > crate::vietnam_time::today() {
        return Err(AppError::bad_request(
            "Hội nghị chưa diễn ra: chỉ điểm danh được từ ngày tổ chức.",
            "The session has not been held yet: attendance can be marked from its date on.",
        ));
    }
    let mut names = Vec::new();
    for id in attendee_ids {
        let name: Option<String> = sqlx::query_scalar(
            "UPDATE training_session_attendees SET attended_at = $1 WHERE id = $2 AND session_id = $3 RETURNING full_name",
        )
        .bind(attended.then(db::now))
        .bind(id)
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await?;
        names.push(name.ok_or_else(|| AppError::not_found("đại biểu", "Delegate"))?);
    }
    sync_completions(&mut tx, session_id).await?;
    let word = if attended {
        "có mặt"
    } else {
        "bỏ điểm danh"
    };
    record_attendees_change(
        &mut tx,
        user,
        &row,
        AuditAction::Attend,
        format!("{}: {} {word}", row.title, names.len()),
        &names,
    )
    .await?;
    let detail = detail(&mut tx, row).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Makes the session's completions exactly "delegates with an account marked present × the
/// session's modules": adds the missing ones (dated the day of the session, unless the
/// delegate had already completed the module another way) and removes the ones it no longer
/// gives.
async fn sync_completions(conn: &mut Conn, session_id: i64) -> AppResult<()> {
    // The delegates' units: attendance and the completions it gives show on their dashboards.
    crate::backend::changes::note_selected(
        conn,
        "SELECT o.path AS path FROM training_session_attendees a JOIN org_units o ON o.id = a.unit_id WHERE a.session_id = $1",
        session_id,
    )
    .await?;
    sqlx::query(
        "DELETE FROM training_completions WHERE session_id = $1 AND NOT EXISTS (
            SELECT 1 FROM training_session_attendees a
            JOIN training_session_modules sm ON sm.session_id = a.session_id
            WHERE a.session_id = $1 AND a.attended_at IS NOT NULL
              AND a.user_id = training_completions.user_id AND sm.module_id = training_completions.module_id)",
    )
    .bind(session_id)
    .execute(&mut *conn)
    .await?;
    let missing = sqlx::query_as::<_, (i64, i64, i64, chrono::NaiveDate)>(
        "SELECT a.user_id, sm.module_id, v.id, s.held_on
         FROM training_session_attendees a
         JOIN training_sessions s ON s.id = a.session_id
         JOIN training_session_modules sm ON sm.session_id = a.session_id
         JOIN training_module_versions v ON v.module_id = sm.module_id AND v.status = 'published'
         WHERE a.session_id = $1 AND a.attended_at IS NOT NULL AND a.user_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM training_completions c WHERE c.user_id = a.user_id AND c.module_id = sm.module_id)",
    )
    .bind(session_id)
    .fetch_all(&mut *conn)
    .await?;
    for (user_id, module_id, version_id, held_on) in missing {
        // 08:00 in Vietnam on the day of the session.
        let at = held_on.and_hms_opt(1, 0, 0).unwrap_or_default().and_utc();
        sqlx::query(
            "INSERT INTO training_completions (user_id, module_id, version_id, attempt_id, completed_at, verify_code, session_id)
             VALUES ($1, $2, $3, NULL, $4, $5, $6)",
        )
        .bind(user_id)
        .bind(module_id)
        .bind(version_id)
        .bind(at)
        .bind(crate::backend::verify_code::new_verify_code())
        .bind(session_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
