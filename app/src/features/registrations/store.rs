//! The registrations' store: the subjects that can hold a title (households, clans, villages,
//! communes, organisations), registering them for a year, the registration list and the work
//! queues. It also owns a registration's state: [`set_state`] moves it and its rollup count
//! together, for the evaluations and decisions that change it.

use super::types::{
    Candidate, Queues, RegisterInput, RegisterOutcome, RegistrationQuery, RegistrationRow,
};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Db, Pool};
use crate::backend::error::internal;
use crate::backend::rollups::bump;
use crate::backend::scope::push_scope_filter;
use crate::backend::session::require_at;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::criteria::{SubjectKind, TitleKind};
use crate::domain::listing::Page;
use crate::domain::org::OrgLevel;
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::search_key;
use crate::domain::workflow::CycleState;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use sqlx::QueryBuilder;

/// A subject that can hold a title, as the registration records it.
struct Subject {
    name: String,
    unit_id: i64,
    unit_path: String,
}

/// Finds the subject of a title and checks it is active and of the right kind.
async fn resolve_subject(
    conn: &mut Conn,
    kind: TitleKind,
    subject_id: i64,
) -> AppResult<Option<Subject>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        name: String,
        unit_id: i64,
        unit_path: String,
        level: String,
    }
    let sql = match kind.subject_kind() {
        SubjectKind::Household => {
            "SELECT 'Hộ ' || h.head_name AS name, v.id AS unit_id, v.path AS unit_path, v.level
             FROM households h JOIN org_units v ON v.id = h.village_id WHERE h.id = $1 AND h.active"
        }
        SubjectKind::Clan => {
            "SELECT k.name, c.id AS unit_id, c.path AS unit_path, c.level
             FROM clans k JOIN org_units c ON c.id = k.commune_id WHERE k.id = $1 AND k.active"
        }
        SubjectKind::Village => {
            "SELECT u.name, u.id AS unit_id, u.path AS unit_path, u.level FROM org_units u
             WHERE u.id = $1 AND u.active AND u.level = 'thon'"
        }
        SubjectKind::Commune => {
            "SELECT u.name, u.id AS unit_id, u.path AS unit_path, u.level FROM org_units u
             WHERE u.id = $1 AND u.active AND u.level = 'xa'"
        }
        SubjectKind::Organisation => {
            "SELECT o.name, u.id AS unit_id, u.path AS unit_path, u.level
             FROM organisations o JOIN org_units u ON u.id = o.managing_unit_id WHERE o.id = $1 AND o.active"
        }
    };
    let row = sqlx::query_as::<_, Row>(sql)
        .bind(subject_id)
        .fetch_optional(conn)
        .await?;
    Ok(row
        .filter(|r| match kind {
            // Units "thuộc xã" are managed by a commune; district/province units by those levels.
            TitleKind::CommuneUnit => r.level == OrgLevel::Commune.code(),
            TitleKind::DistrictUnit => {
                r.level == OrgLevel::District.code() || r.level == OrgLevel::Province.code()
            }
            _ => true,
        })
        .map(|r| Subject {
            name: r.name,
            unit_id: r.unit_id,
            unit_path: r.unit_path,
        }))
}

/// Subjects of `kind` within `scopes`, with their registration for `year` if any.
pub async fn list_candidates(
    pool: &Pool,
    scopes: &[String],
    year: i32,
    kind: TitleKind,
) -> AppResult<Vec<Candidate>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
        unit_name: String,
        registration_id: Option<i64>,
    }
    // Each query joins this year's registration of the subject, if any.
    let (prefix, suffix, column) = match kind.subject_kind() {
        SubjectKind::Household => return household_candidates(pool, scopes, year, kind).await,
        SubjectKind::Clan => (
            "SELECT k.id, k.name, c.name AS unit_name, r.id AS registration_id FROM clans k
             JOIN org_units c ON c.id = k.commune_id
             LEFT JOIN registrations r ON r.subject_kind = 'clan' AND r.subject_id = k.id AND r.year = ",
            " WHERE k.active AND ",
            "c.path",
        ),
        SubjectKind::Village | SubjectKind::Commune => (
            "SELECT u.id, u.name, COALESCE(p.name, '') AS unit_name, r.id AS registration_id FROM org_units u
             LEFT JOIN org_units p ON p.id = u.parent_id
             LEFT JOIN registrations r ON r.subject_kind IN ('village', 'commune') AND r.subject_id = u.id AND r.year = ",
            " WHERE u.active AND ",
            "u.path",
        ),
        SubjectKind::Organisation => (
            "SELECT o.id, o.name, u.name AS unit_name, r.id AS registration_id FROM organisations o
             JOIN org_units u ON u.id = o.managing_unit_id
             LEFT JOIN registrations r ON r.subject_kind = 'organisation' AND r.subject_id = o.id AND r.year = ",
            " WHERE o.active AND ",
            "u.path",
        ),
    };
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(prefix);
    qb.push_bind(year)
        .push(" AND r.title_kind = ")
        .push_bind(kind.code())
        .push(suffix);
    push_scope_filter(&mut qb, column, scopes);
    match kind.subject_kind() {
        SubjectKind::Village => {
            qb.push(" AND u.level = 'thon'");
        }
        SubjectKind::Commune => {
            qb.push(" AND u.level = 'xa'");
        }
        SubjectKind::Organisation if kind == TitleKind::CommuneUnit => {
            qb.push(" AND u.level = 'xa'");
        }
        SubjectKind::Organisation => {
            qb.push(" AND u.level IN ('huyen', 'tinh')");
        }
        _ => {}
    }
    qb.push(" ORDER BY unit_name, name LIMIT ")
        .push_bind(MAX_CANDIDATES);
    let rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| Candidate {
            subject_id: r.id,
            name: r.name,
            unit_name: r.unit_name,
            registration_id: r.registration_id,
        })
        .collect())
}

/// The most subjects [`list_candidates`] lists.
const MAX_CANDIDATES: i64 = 2000;

/// The first [`MAX_CANDIDATES`] active households within `scopes`, in the household list's
/// "village" order (commune, village, head), with this year's registration if any. A province
/// holds a million households: its villages are taken in that order and each one's households
/// read by the village index, already sorted, until the list is full, so a commune or the
/// whole province costs about the same as one village — no scope is read in full or sorted.
/// Villages with the same place key (the same commune and village names elsewhere) come one
/// after the other, by id.
async fn household_candidates(
    pool: &Pool,
    scopes: &[String],
    year: i32,
    kind: TitleKind,
) -> AppResult<Vec<Candidate>> {
    #[derive(sqlx::FromRow)]
    struct Village {
        id: i64,
        name: String,
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
        registration_id: Option<i64>,
    }
    let mut conn = pool.acquire().await?;
    // The same text as `households.place_key` (see `households::place_key`).
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT v.id, v.name FROM org_units v LEFT JOIN org_units c ON c.id = v.parent_id
         WHERE v.level = 'thon' AND ",
    );
    push_scope_filter(&mut qb, "v.path", scopes);
    qb.push(" ORDER BY COALESCE(c.search_key, '') || ' / ' || v.search_key, v.id");
    let villages: Vec<Village> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for village in villages {
        let room = MAX_CANDIDATES - out.len() as i64;
        if room <= 0 {
            break;
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT h.id, h.head_name AS name, r.id AS registration_id FROM households h
             LEFT JOIN registrations r ON r.subject_kind = 'household' AND r.subject_id = h.id
                  AND r.year = $1 AND r.title_kind = $2
             WHERE h.village_id = $3 AND h.active ORDER BY h.search_key, h.id LIMIT $4",
        )
        .bind(year)
        .bind(kind.code())
        .bind(village.id)
        .bind(room)
        .fetch_all(&mut *conn)
        .await?;
        out.extend(rows.into_iter().map(|r| Candidate {
            subject_id: r.id,
            name: r.name,
            unit_name: village.name.clone(),
            registration_id: r.registration_id,
        }));
    }
    Ok(out)
}

/// Whether a community or unit still holds the title from an earlier year's recognition.
async fn still_valid(
    conn: &mut Conn,
    kind: TitleKind,
    subject_id: i64,
    year: i32,
) -> AppResult<Option<i32>> {
    Ok(sqlx::query_scalar(
        "SELECT rc.valid_to_year FROM recognitions rc JOIN registrations r ON r.id = rc.registration_id
         WHERE r.title_kind = $1 AND r.subject_kind = $2 AND r.subject_id = $3 AND rc.recognised
           AND r.year < $4 AND rc.valid_to_year >= $4
         ORDER BY rc.valid_to_year DESC LIMIT 1",
    )
    .bind(kind.code())
    .bind(kind.subject_kind().code())
    .bind(subject_id)
    .bind(year)
    .fetch_optional(conn)
    .await?)
}

/// Registers subjects for a title and year; subjects out of scope, inactive, already
/// registered or still recognised are skipped with the reason.
pub async fn register(
    pool: &Pool,
    user: &SessionUser,
    input: RegisterInput,
) -> AppResult<RegisterOutcome> {
    if !(2000..=2100).contains(&input.year) {
        return Err(AppError::field(
            "year",
            "Năm không hợp lệ.",
            "Invalid year.",
        ));
    }
    if input.subject_ids.is_empty() {
        return Err(AppError::field(
            "subject_ids",
            "Hãy chọn ít nhất một đối tượng để đăng ký.",
            "Choose at least one subject to register.",
        ));
    }
    let kind = input.title_kind;
    let mut ids = input.subject_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let mut tx = db::begin_write(pool).await?;
    let mut registered = 0usize;
    let mut skipped = Vec::new();
    for subject_id in ids {
        let Some(subject) = resolve_subject(&mut tx, kind, subject_id).await? else {
            skipped.push((
                subject_id,
                Msg::new(
                    "Không tìm thấy đối tượng phù hợp (hoặc đã ngừng hoạt động).",
                    "No matching active subject.",
                ),
            ));
            continue;
        };
        if !user.can_at(Permission::Evaluate, &subject.unit_path) {
            return Err(AppError::forbidden());
        }
        if let Some(until) = still_valid(&mut tx, kind, subject_id, input.year).await? {
            skipped.push((
                subject_id,
                Msg::new(
                    format!(
                        "{} đang trong thời hạn công nhận đến hết năm {until}.",
                        subject.name
                    ),
                    format!(
                        "{} is still recognised until the end of {until}.",
                        subject.name
                    ),
                ),
            ));
            continue;
        }
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO registrations (year, title_kind, subject_kind, subject_id, subject_name, subject_key, unit_id, registered_at, registered_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(input.year)
        .bind(kind.code())
        .bind(kind.subject_kind().code())
        .bind(subject_id)
        .bind(&subject.name)
        .bind(search_key(&subject.name))
        .bind(subject.unit_id)
        .bind(db::now())
        .bind(user.id)
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok(id) => id,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                skipped.push((
                    subject_id,
                    Msg::new(
                        format!("{} đã đăng ký năm {}.", subject.name, input.year),
                        format!("{} is already registered for {}.", subject.name, input.year),
                    ),
                ));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        bump(
            &mut tx,
            &subject.unit_path,
            input.year,
            kind,
            CycleState::Registered,
            1,
        )
        .await?;
        audit::record(
            &mut tx,
            user,
            Change {
                action: AuditAction::Register,
                entity: AuditEntity::Registration,
                entity_id: Some(id),
                unit_path: &subject.unit_path,
                summary: format!("{} — {} {}", subject.name, kind.label(Lang::Vi), input.year),
            },
            None::<&()>,
            Some(&serde_json::json!({"year": input.year, "title": kind.code(), "subject": subject.name})),
        )
        .await?;
        registered += 1;
    }
    tx.commit().await?;
    Ok(RegisterOutcome {
        registered,
        skipped,
    })
}

#[derive(sqlx::FromRow, Clone)]
pub(crate) struct RegRow {
    pub(crate) id: i64,
    pub(crate) year: i32,
    pub(crate) title_kind: String,
    pub(crate) subject_id: i64,
    pub(crate) subject_name: String,
    pub(crate) unit_id: i64,
    pub(crate) unit_name: String,
    pub(crate) unit_path: String,
    pub(crate) state: String,
    pub(crate) evaluation_id: Option<i64>,
    pub(crate) total: Option<i64>,
    pub(crate) max_total: Option<i64>,
    pub(crate) meets_rule: Option<bool>,
}

impl RegRow {
    pub(crate) fn kind(&self) -> AppResult<TitleKind> {
        TitleKind::from_code(&self.title_kind)
            .ok_or_else(|| internal(format!("unknown title kind {}", self.title_kind)))
    }

    pub(crate) fn state(&self) -> AppResult<CycleState> {
        CycleState::from_code(&self.state)
            .ok_or_else(|| internal(format!("unknown state {}", self.state)))
    }

    pub(crate) fn to_view(&self) -> AppResult<RegistrationRow> {
        Ok(RegistrationRow {
            id: self.id,
            year: self.year,
            title_kind: self.kind()?,
            subject_id: self.subject_id,
            subject_name: self.subject_name.clone(),
            unit_id: self.unit_id,
            unit_name: self.unit_name.clone(),
            state: self.state()?,
            evaluation_id: self.evaluation_id,
            total: self.total,
            max_total: self.max_total,
            meets_rule: self.meets_rule,
        })
    }
}

const REG_SELECT: &str = "SELECT r.id, r.year, r.title_kind, r.subject_id, r.subject_name, r.unit_id, u.name AS unit_name,
    u.path AS unit_path, r.state, e.id AS evaluation_id, e.total, e.max_total, e.meets_rule
    FROM registrations r JOIN org_units u ON u.id = r.unit_id LEFT JOIN evaluations e ON e.registration_id = r.id";

pub(crate) async fn load_registration(conn: &mut Conn, id: i64) -> AppResult<RegRow> {
    sqlx::query_as::<_, RegRow>(&format!("{REG_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| AppError::not_found("hồ sơ đăng ký", "Registration"))
}

pub(crate) async fn registration_of_evaluation(
    conn: &mut Conn,
    evaluation_id: i64,
) -> AppResult<RegRow> {
    sqlx::query_as::<_, RegRow>(&format!("{REG_SELECT} WHERE e.id = $1"))
        .bind(evaluation_id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| AppError::not_found("phiếu đánh giá", "Evaluation"))
}

/// Cancels a registration that has not been scored.
pub async fn unregister(pool: &Pool, user: &SessionUser, registration_id: i64) -> AppResult<()> {
    let mut tx = db::begin_write(pool).await?;
    let reg = load_registration(&mut tx, registration_id).await?;
    require_at(user, Permission::Evaluate, &reg.unit_path)?;
    if reg.state()? != CycleState::Registered || reg.evaluation_id.is_some() {
        return Err(AppError::bad_request(
            "Chỉ huỷ được hồ sơ chưa chấm điểm.",
            "Only a registration that has not been scored can be cancelled.",
        ));
    }
    sqlx::query("DELETE FROM registrations WHERE id = $1")
        .bind(reg.id)
        .execute(&mut *tx)
        .await?;
    bump(
        &mut tx,
        &reg.unit_path,
        reg.year,
        reg.kind()?,
        CycleState::Registered,
        -1,
    )
    .await?;
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Unregister,
            entity: AuditEntity::Registration,
            entity_id: Some(reg.id),
            unit_path: &reg.unit_path,
            summary: reg.subject_name.clone(),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn push_registration_filters(
    qb: &mut QueryBuilder<'_, Db>,
    scopes: &[String],
    q: &RegistrationQuery,
) {
    push_scope_filter(qb, "u.path", scopes);
    qb.push(" AND r.year = ").push_bind(q.year);
    if let Some(kind) = q.title_kind {
        qb.push(" AND r.title_kind = ").push_bind(kind.code());
    }
    if let Some(state) = q.state {
        qb.push(" AND r.state = ").push_bind(state.code());
    }
    for word in search_key(&q.q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(6)
    {
        let word: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        if !word.is_empty() {
            qb.push(" AND r.subject_key LIKE ")
                .push_bind(format!("%{word}%"));
        }
    }
}

/// One page of registrations within `scopes`.
pub async fn list(
    pool: &Pool,
    scopes: &[String],
    q: &RegistrationQuery,
) -> AppResult<Page<RegistrationRow>> {
    let page = q.page.max(1);
    let per_page = q.per_page.clamp(1, 500);
    let mut count: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT COUNT(*) FROM registrations r JOIN org_units u ON u.id = r.unit_id WHERE ",
    );
    push_registration_filters(&mut count, scopes, q);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(REG_SELECT);
    qb.push(" WHERE ");
    push_registration_filters(&mut qb, scopes, q);
    qb.push(" ORDER BY u.path, r.subject_name, r.id LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind((page - 1) * per_page);
    let rows: Vec<RegRow> = qb.build_query_as().fetch_all(pool).await?;
    Ok(Page {
        items: rows.iter().map(RegRow::to_view).collect::<AppResult<_>>()?,
        total,
        page,
        per_page,
        more: false,
    })
}

/// What waits for the user this year: to score and returned (where they evaluate), to review
/// and to decide (where they review). At most 200 of each.
pub async fn list_queues(pool: &Pool, user: &SessionUser, year: i32) -> AppResult<Queues> {
    async fn by_states(
        pool: &Pool,
        scopes: &[String],
        year: i32,
        states: &[CycleState],
    ) -> AppResult<Vec<RegistrationRow>> {
        if scopes.is_empty() {
            return Ok(vec![]);
        }
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(REG_SELECT);
        qb.push(" WHERE ");
        push_scope_filter(&mut qb, "u.path", scopes);
        qb.push(" AND r.year = ")
            .push_bind(year)
            .push(" AND r.state IN (");
        let mut sep = qb.separated(", ");
        for s in states {
            sep.push_bind(s.code());
        }
        qb.push(") ORDER BY u.path, r.subject_name LIMIT 200");
        let rows: Vec<RegRow> = qb.build_query_as().fetch_all(pool).await?;
        rows.iter().map(RegRow::to_view).collect()
    }
    let evaluate = user.scopes(Permission::Evaluate);
    let review = user.scopes(Permission::Review);
    let contributed: Vec<i64> = if review.is_empty() {
        vec![]
    } else {
        sqlx::query_scalar(
            "SELECT r.id FROM evaluation_contributors c JOIN evaluations e ON e.id = c.evaluation_id
             JOIN registrations r ON r.id = e.registration_id
             WHERE c.user_id = $1 AND r.year = $2 AND r.state IN ($3, $4)",
        )
        .bind(user.id)
        .bind(year)
        .bind(CycleState::Submitted.code())
        .bind(CycleState::Approved.code())
        .fetch_all(pool)
        .await?
    };
    Ok(Queues {
        contributed,
        to_score: by_states(
            pool,
            &evaluate,
            year,
            &[CycleState::Registered, CycleState::Draft],
        )
        .await?,
        returned: by_states(pool, &evaluate, year, &[CycleState::Returned]).await?,
        to_review: by_states(pool, &review, year, &[CycleState::Submitted]).await?,
        to_decide: by_states(pool, &review, year, &[CycleState::Approved]).await?,
    })
}

/// Moves one registration's count from `from` to `to` in every ancestor's counters.
async fn move_count(
    conn: &mut Conn,
    reg: &RegRow,
    from: CycleState,
    to: CycleState,
) -> AppResult<()> {
    if from == to {
        return Ok(());
    }
    let kind = reg.kind()?;
    bump(conn, &reg.unit_path, reg.year, kind, from, -1).await?;
    bump(conn, &reg.unit_path, reg.year, kind, to, 1).await
}

pub(crate) async fn set_state(
    conn: &mut Conn,
    reg: &RegRow,
    from: CycleState,
    to: CycleState,
) -> AppResult<()> {
    if from == to {
        return Ok(());
    }
    sqlx::query("UPDATE registrations SET state = $1 WHERE id = $2 AND state = $3")
        .bind(to.code())
        .bind(reg.id)
        .bind(from.code())
        .execute(&mut *conn)
        .await?;
    move_count(conn, reg, from, to).await
}
