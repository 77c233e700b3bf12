//! The yearly title cycle on the server: criteria sets in the database, registrations,
//! evaluations (scored again here from the raw answers), the review workflow, recognition
//! decisions, certificates, public verification and the rollup counters.
//!
//! Every change runs in one write transaction with its audit entry and its rollup updates, so
//! the dashboards' counters never disagree with the records.

use crate::api::cycle::{
    AttachmentView, Candidate, CertificateView, CommentView, DecisionInput, DecisionView,
    EvaluationInput, EvaluationSaved, EvaluationView, OwnerChoice, PublicRecognition, Queues,
    RegisterInput, RegisterOutcome, RegistrationQuery, RegistrationRow, SetSummary, StepInput,
    StoredSet,
};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::auth::{Permission, SessionUser};
use crate::domain::catalog::shipped_sets;
use crate::domain::criteria::{
    may_own_sets, pick_set_for_unit, validate_set, Answers, CriteriaSet, SetStatus, SubjectKind,
    TitleKind,
};
use crate::domain::listing::Page;
use crate::domain::org::{path_ids, OrgLevel};
use crate::domain::scoring::score;
use crate::domain::text::search_key;
use crate::domain::workflow::{four_eyes_refusal, next_state, refusal, CycleState, Transition};
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::{Lang, Msg};
use crate::server::audit::{self, Change};
use crate::server::auth::require_at;
use crate::server::db::{self, Conn, Db, Pool};
use crate::server::error::internal;
use crate::server::org_units::push_scope_filter;
use crate::server::state::AppState;
use sqlx::QueryBuilder;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// Criteria sets

/// Stores the criteria sets shipped with the product that the database does not have yet (by
/// code and version). Runs at every start; never touches existing rows.
pub async fn seed_criteria_sets(pool: &Pool) -> AppResult<usize> {
    let mut added = 0;
    for set in shipped_sets() {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM criteria_sets WHERE code = $1 AND version = $2")
                .bind(&set.code)
                .bind(set.version as i64)
                .fetch_optional(pool)
                .await?;
        if exists.is_none() {
            // The product's sets are national: no unit owns them.
            insert_set(&mut *pool.acquire().await?, &set, None).await?;
            added += 1;
        }
    }
    Ok(added)
}

async fn insert_set(conn: &mut Conn, set: &CriteriaSet, owner: Option<i64>) -> AppResult<i64> {
    let now = db::now();
    let id = sqlx::query_scalar(
        "INSERT INTO criteria_sets (code, version, title_kind, status, valid_from_year, valid_to_year, definition,
         created_at, updated_at, published_at, owner_unit_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING id",
    )
    .bind(&set.code)
    .bind(set.version as i64)
    .bind(set.title_kind.code())
    .bind(set.status.code())
    .bind(set.valid_from_year)
    .bind(set.valid_to_year)
    .bind(serde_json::to_string(set).map_err(internal)?)
    .bind(now)
    .bind((set.status == SetStatus::Published).then_some(now))
    .bind(owner)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct SetRow {
    id: i64,
    status: String,
    row_version: i64,
    definition: String,
    /// The issuing unit (`None`: national), its path and name.
    owner_unit_id: Option<i64>,
    owner_path: Option<String>,
    owner_name: Option<String>,
}

const SET_SELECT: &str = "SELECT s.id, s.status, s.row_version, s.definition, s.owner_unit_id,
    o.path AS owner_path, o.name AS owner_name
    FROM criteria_sets s LEFT JOIN org_units o ON o.id = s.owner_unit_id";

fn status_from(code: &str) -> SetStatus {
    match code {
        "published" => SetStatus::Published,
        "retired" => SetStatus::Retired,
        _ => SetStatus::Draft,
    }
}

fn parse_set(row: &SetRow) -> AppResult<CriteriaSet> {
    let mut set: CriteriaSet = serde_json::from_str(&row.definition).map_err(internal)?;
    // The row's status is the truth (publishing does not rewrite the definition).
    set.status = status_from(&row.status);
    Ok(set)
}

async fn load_set(conn: &mut Conn, id: i64) -> AppResult<Option<(SetRow, CriteriaSet)>> {
    let row = sqlx::query_as::<_, SetRow>(&format!("{SET_SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    match row {
        Some(r) => {
            let set = parse_set(&r)?;
            Ok(Some((r, set)))
        }
        None => Ok(None),
    }
}

/// Whether `user` may manage sets owned by the unit at `owner_path`: an administrator whose
/// scope covers that unit. A national set (`None`) needs a scope covering every top-level unit,
/// so an administrator of one province cannot change what every other province uses.
async fn may_manage(
    conn: &mut Conn,
    user: &SessionUser,
    owner_path: Option<&str>,
) -> AppResult<bool> {
    if let Some(path) = owner_path {
        return Ok(user.can_at(Permission::ManageCriteria, path));
    }
    let roots: Vec<String> =
        sqlx::query_scalar("SELECT path FROM org_units WHERE parent_id IS NULL")
            .fetch_all(conn)
            .await?;
    Ok(user.can(Permission::ManageCriteria)
        && roots
            .iter()
            .all(|root| user.can_at(Permission::ManageCriteria, root)))
}

/// [`may_manage`] or 403.
async fn require_manage(
    conn: &mut Conn,
    user: &SessionUser,
    owner_path: Option<&str>,
) -> AppResult<()> {
    if may_manage(conn, user, owner_path).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden(Msg::new(
            "Bạn không có quyền sửa hay ban hành bộ tiêu chí của đơn vị này: đơn vị ban hành nằm ngoài phạm vi quản trị của bạn.",
            "You may not edit or publish criteria sets of this unit: the issuing unit lies outside your administration scope.",
        )))
    }
}

/// One stored set with its usage count, and whether `user` may manage it.
pub async fn find_set(pool: &Pool, user: &SessionUser, id: i64) -> AppResult<StoredSet> {
    let mut conn = pool.acquire().await?;
    let (row, set) = load_set(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("bộ tiêu chí", "Criteria set"))?;
    let evaluation_count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM evaluations WHERE criteria_set_id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let can_manage = may_manage(&mut conn, user, row.owner_path.as_deref()).await?;
    Ok(StoredSet {
        id: row.id,
        status: status_from(&row.status),
        row_version: row.row_version,
        set,
        evaluation_count,
        owner_unit_id: row.owner_unit_id,
        owner_name: row.owner_name,
        can_manage,
    })
}

/// The owners `user` may give a new draft: national when their scope covers the whole tree,
/// then every province and district within their administration scope, in tree order.
pub async fn owner_choices(pool: &Pool, user: &SessionUser) -> AppResult<Vec<OwnerChoice>> {
    let scopes = user.scopes(Permission::ManageCriteria);
    if scopes.is_empty() {
        return Ok(vec![]);
    }
    let mut conn = pool.acquire().await?;
    let mut out = Vec::new();
    if may_manage(&mut conn, user, None).await? {
        out.push(OwnerChoice {
            unit_id: None,
            name: "Toàn quốc".into(),
        });
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
    }
    let mut qb: QueryBuilder<Db> =
        QueryBuilder::new("SELECT u.id, u.name FROM org_units u WHERE u.active AND u.level IN (");
    let mut levels = qb.separated(", ");
    for level in OrgLevel::ALL.into_iter().filter(|l| may_own_sets(*l)) {
        levels.push_bind(level.code());
    }
    qb.push(") AND ");
    push_scope_filter(&mut qb, "u.path", &scopes);
    qb.push(" ORDER BY u.path LIMIT 500");
    let rows: Vec<Row> = qb.build_query_as().fetch_all(&mut *conn).await?;
    out.extend(rows.into_iter().map(|r| OwnerChoice {
        unit_id: Some(r.id),
        name: r.name,
    }));
    Ok(out)
}

/// Every set, grouped by title and newest version first.
pub async fn list_sets(pool: &Pool) -> AppResult<Vec<SetSummary>> {
    let rows = sqlx::query_as::<_, SetRow>(&format!(
        "{SET_SELECT} ORDER BY s.title_kind, s.code, s.version DESC"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let set = parse_set(r)?;
            Ok(SetSummary {
                id: r.id,
                code: set.code.clone(),
                version: set.version,
                title_kind: set.title_kind,
                name: set.name.clone(),
                source_document: set.source_document.clone(),
                status: set.status,
                valid_from_year: set.valid_from_year,
                valid_to_year: set.valid_to_year,
                has_unverified: set.has_unverified(),
                max_total: set.max_total(),
                owner_unit_id: r.owner_unit_id,
                owner_name: r.owner_name.clone(),
            })
        })
        .collect()
}

/// Published sets of one title with their owners' paths, for choosing the one that applies.
async fn published_sets(
    conn: &mut Conn,
    kind: TitleKind,
) -> AppResult<(Vec<i64>, Vec<(Option<String>, CriteriaSet)>)> {
    let rows = sqlx::query_as::<_, SetRow>(&format!(
        "{SET_SELECT} WHERE s.status = 'published' AND s.title_kind = $1"
    ))
    .bind(kind.code())
    .fetch_all(conn)
    .await?;
    let ids = rows.iter().map(|r| r.id).collect();
    let sets = rows
        .iter()
        .map(|r| Ok((r.owner_path.clone(), parse_set(r)?)))
        .collect::<AppResult<_>>()?;
    Ok((ids, sets))
}

/// Copies a set into a new draft whose version is one above the highest of its code, owned by
/// `owner` (a province or district the caller administers; `None`: national).
pub async fn copy_set(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    owner: Option<i64>,
) -> AppResult<StoredSet> {
    let mut tx = db::begin_write(pool).await?;
    let owner_path = match owner {
        None => None,
        Some(unit_id) => {
            let unit: Option<(String, String)> =
                sqlx::query_as("SELECT path, level FROM org_units WHERE id = $1 AND active")
                    .bind(unit_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (path, level) = unit.ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
            if !OrgLevel::ALL
                .into_iter()
                .any(|l| l.code() == level && may_own_sets(l))
            {
                return Err(AppError::field(
                    "owner_unit_id",
                    "Chỉ cấp tỉnh hoặc huyện (hoặc toàn quốc) ban hành bộ tiêu chí; xã và thôn áp dụng bộ tiêu chí của cấp trên.",
                    "Only a province or district (or the national level) issues criteria sets; communes and villages apply those of the levels above.",
                ));
            }
            Some(path)
        }
    };
    require_manage(&mut tx, user, owner_path.as_deref()).await?;
    let (_, mut set) = load_set(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("bộ tiêu chí", "Criteria set"))?;
    let highest: i64 = sqlx::query_scalar("SELECT MAX(version) FROM criteria_sets WHERE code = $1")
        .bind(&set.code)
        .fetch_one(&mut *tx)
        .await?;
    set.version = u32::try_from(highest + 1).unwrap_or(u32::MAX);
    set.status = SetStatus::Draft;
    let new_id = insert_set(&mut tx, &set, owner).await?;
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Copy,
            entity: AuditEntity::CriteriaSet,
            entity_id: Some(new_id),
            unit_path: &owner_path.unwrap_or_else(|| root_path(user)),
            summary: format!("{} v{}", set.code, set.version),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    find_set(pool, user, new_id).await
}

/// Where a set's audit entries are filed: its owner, or the caller's scope for a national set.
fn audit_path(row: &SetRow, user: &SessionUser) -> String {
    row.owner_path.clone().unwrap_or_else(|| root_path(user))
}

fn root_path(user: &SessionUser) -> String {
    user.scopes(Permission::ManageCriteria)
        .into_iter()
        .next()
        .unwrap_or_else(|| "/".into())
}

fn problems_error(set: &CriteriaSet) -> Option<AppError> {
    let problems = validate_set(set);
    if problems.is_empty() {
        return None;
    }
    Some(AppError::Validation(
        problems
            .into_iter()
            .map(|p| FieldError {
                field: p.indicator.or(p.criterion).unwrap_or_default(),
                message: p.message,
            })
            .collect(),
    ))
}

/// Saves a draft. Its code and version stay those of the draft row; published rows refuse.
pub async fn save_draft_set(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    row_version: i64,
    mut set: CriteriaSet,
) -> AppResult<StoredSet> {
    let mut tx = db::begin_write(pool).await?;
    let (row, before) = load_set(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("bộ tiêu chí", "Criteria set"))?;
    require_manage(&mut tx, user, row.owner_path.as_deref()).await?;
    if status_from(&row.status) != SetStatus::Draft {
        return Err(AppError::bad_request(
            "Bộ tiêu chí đã ban hành không thể sửa. Hãy sao chép thành phiên bản mới.",
            "A published criteria set cannot change. Copy it into a new version.",
        ));
    }
    set.code = before.code.clone();
    set.version = before.version;
    set.status = SetStatus::Draft;
    let done = sqlx::query(
        "UPDATE criteria_sets SET title_kind = $1, valid_from_year = $2, valid_to_year = $3, definition = $4,
         updated_at = $5, row_version = row_version + 1 WHERE id = $6 AND row_version = $7 AND status = 'draft'",
    )
    .bind(set.title_kind.code())
    .bind(set.valid_from_year)
    .bind(set.valid_to_year)
    .bind(serde_json::to_string(&set).map_err(internal)?)
    .bind(db::now())
    .bind(id)
    .bind(row_version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::conflict(serde_json::to_string(&before).ok()));
    }
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Update,
            entity: AuditEntity::CriteriaSet,
            entity_id: Some(id),
            unit_path: &audit_path(&row, user),
            summary: format!("{} v{}", set.code, set.version),
        },
        Some(&before),
        Some(&set),
    )
    .await?;
    tx.commit().await?;
    find_set(pool, user, id).await
}

/// Publishes a valid draft. From then on it is immutable (also enforced by a database trigger).
pub async fn publish_set(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    row_version: i64,
) -> AppResult<StoredSet> {
    let mut tx = db::begin_write(pool).await?;
    let (row, set) = load_set(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("bộ tiêu chí", "Criteria set"))?;
    require_manage(&mut tx, user, row.owner_path.as_deref()).await?;
    if status_from(&row.status) != SetStatus::Draft {
        return Err(AppError::bad_request(
            "Bộ tiêu chí này đã được ban hành.",
            "This criteria set is already published.",
        ));
    }
    if let Some(problems) = problems_error(&set) {
        return Err(problems);
    }
    let mut published = set.clone();
    published.status = SetStatus::Published;
    let done = sqlx::query(
        "UPDATE criteria_sets SET status = 'published', definition = $1, published_at = $2, updated_at = $2,
         row_version = row_version + 1 WHERE id = $3 AND row_version = $4 AND status = 'draft'",
    )
    .bind(serde_json::to_string(&published).map_err(internal)?)
    .bind(db::now())
    .bind(id)
    .bind(row_version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::conflict(None));
    }
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Publish,
            entity: AuditEntity::CriteriaSet,
            entity_id: Some(id),
            unit_path: &audit_path(&row, user),
            summary: format!("{} v{}", set.code, set.version),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    find_set(pool, user, id).await
}

// ---------------------------------------------------------------------------------------------
// Rollups

/// Adds `delta` to the counter of every ancestor of `unit_path` (the unit included).
pub(crate) async fn bump(
    conn: &mut Conn,
    unit_path: &str,
    year: i32,
    kind: TitleKind,
    state: CycleState,
    delta: i64,
) -> AppResult<()> {
    for unit_id in path_ids(unit_path) {
        sqlx::query(
            "INSERT INTO rollups (unit_id, year, title_kind, state, count) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (unit_id, year, title_kind, state) DO UPDATE SET count = rollups.count + excluded.count",
        )
        .bind(unit_id)
        .bind(year)
        .bind(kind.code())
        .bind(state.code())
        .bind(delta)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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

/// Recomputes every counter from the registrations (after the tree changes shape).
pub async fn rebuild_rollups(conn: &mut Conn) -> AppResult<()> {
    #[derive(sqlx::FromRow)]
    struct Row {
        path: String,
        year: i32,
        title_kind: String,
        state: String,
        n: i64,
    }
    sqlx::query("DELETE FROM rollups")
        .execute(&mut *conn)
        .await?;
    let rows = sqlx::query_as::<_, Row>(
        "SELECT u.path, r.year, r.title_kind, r.state, COUNT(*) AS n FROM registrations r
         JOIN org_units u ON u.id = r.unit_id GROUP BY u.path, r.year, r.title_kind, r.state",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        if let (Some(kind), Some(state)) = (
            TitleKind::from_code(&r.title_kind),
            CycleState::from_code(&r.state),
        ) {
            bump(conn, &r.path, r.year, kind, state, r.n).await?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Subjects and registrations

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
pub async fn candidates(
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

/// The most subjects [`candidates`] lists.
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
struct RegRow {
    id: i64,
    year: i32,
    title_kind: String,
    subject_id: i64,
    subject_name: String,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    state: String,
    evaluation_id: Option<i64>,
    total: Option<i64>,
    max_total: Option<i64>,
    meets_rule: Option<bool>,
}

impl RegRow {
    fn kind(&self) -> AppResult<TitleKind> {
        TitleKind::from_code(&self.title_kind)
            .ok_or_else(|| internal(format!("unknown title kind {}", self.title_kind)))
    }

    fn state(&self) -> AppResult<CycleState> {
        CycleState::from_code(&self.state)
            .ok_or_else(|| internal(format!("unknown state {}", self.state)))
    }

    fn to_view(&self) -> AppResult<RegistrationRow> {
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

async fn load_registration(conn: &mut Conn, id: i64) -> AppResult<RegRow> {
    sqlx::query_as::<_, RegRow>(&format!("{REG_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| AppError::not_found("hồ sơ đăng ký", "Registration"))
}

async fn registration_of_evaluation(conn: &mut Conn, evaluation_id: i64) -> AppResult<RegRow> {
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
pub async fn list_registrations(
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

// ---------------------------------------------------------------------------------------------
// Evaluations

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
pub async fn start_evaluation(
    pool: &Pool,
    user: &SessionUser,
    registration_id: i64,
) -> AppResult<i64> {
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

async fn set_state(
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
async fn require_other_person(
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

/// Everything the evaluation form shows, for a caller who may read the registration's unit.
pub async fn evaluation_view(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
) -> AppResult<EvaluationView> {
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
pub async fn save_evaluation(
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
        let current = evaluation_view(pool, user, input.id).await?;
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
pub async fn step(pool: &Pool, user: &SessionUser, input: StepInput) -> AppResult<EvaluationSaved> {
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
        let current = evaluation_view(pool, user, input.id).await?;
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

/// What waits for the user this year: to score and returned (where they evaluate), to review
/// and to decide (where they review). At most 200 of each.
pub async fn queues(pool: &Pool, user: &SessionUser, year: i32) -> AppResult<Queues> {
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

// ---------------------------------------------------------------------------------------------
// Decisions, certificates, verification

/// Letters and digits that cannot be confused when read aloud or typed from paper.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn new_verify_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// Issues a decision: every listed registration must be approved, of the decision's year and
/// title, inside the authority's unit, and (for those recognised) meet its set's rule.
pub async fn issue_decision(
    pool: &Pool,
    user: &SessionUser,
    input: DecisionInput,
) -> AppResult<DecisionView> {
    let number = crate::domain::text::clean(&input.number);
    let authority = crate::domain::text::clean(&input.authority);
    let signer = crate::domain::text::clean(&input.signer);
    let mut errors = Vec::new();
    if number.is_empty() {
        errors.push(FieldError::new(
            "number",
            "Vui lòng nhập số quyết định.",
            "Please enter the decision number.",
        ));
    }
    if authority.is_empty() {
        errors.push(FieldError::new(
            "authority",
            "Vui lòng nhập cơ quan ban hành.",
            "Please enter the issuing authority.",
        ));
    }
    if signer.is_empty() {
        errors.push(FieldError::new(
            "signer",
            "Vui lòng nhập người ký.",
            "Please enter the signer.",
        ));
    }
    let today = crate::vietnam_time::local(db::now()).date();
    if input.decision_date > today {
        errors.push(FieldError::new(
            "decision_date",
            "Ngày quyết định không được sau ngày hôm nay.",
            "The decision date cannot be later than today.",
        ));
    }
    if input.recognised.is_empty() && input.not_recognised.is_empty() {
        errors.push(FieldError::new(
            "recognised",
            "Hãy chọn ít nhất một hồ sơ đã duyệt.",
            "Choose at least one approved dossier.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = db::begin_write(pool).await?;
    let unit_path: String = sqlx::query_scalar("SELECT path FROM org_units WHERE id = $1")
        .bind(input.unit_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
    require_at(user, Permission::Review, &unit_path)?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO decisions (number, decision_date, authority, signer, year, title_kind, unit_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&number)
    .bind(input.decision_date)
    .bind(&authority)
    .bind(&signer)
    .bind(input.year)
    .bind(input.title_kind.code())
    .bind(input.unit_id)
    .bind(user.id)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await;
    let decision_id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::field(
                "number",
                format!("{authority} đã có quyết định số {number}."),
                format!("{authority} already has a decision numbered {number}."),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let validity = input.title_kind.validity_years() as i32;
    let items = input
        .recognised
        .iter()
        .map(|id| (*id, true))
        .chain(input.not_recognised.iter().map(|id| (*id, false)));
    for (registration_id, recognised) in items {
        let reg = load_registration(&mut tx, registration_id).await?;
        // Scope first: a dossier the caller may not review is refused without naming it.
        require_at(user, Permission::Review, &reg.unit_path)?;
        let name = reg.subject_name.clone();
        if !crate::domain::org::path_is_within(&reg.unit_path, &unit_path) {
            return Err(AppError::bad_request(
                format!("{name} không thuộc địa bàn của cơ quan ban hành."),
                format!("{name} is outside the issuing authority's area."),
            ));
        }
        if reg.year != input.year || reg.kind()? != input.title_kind {
            return Err(AppError::bad_request(
                format!("{name} thuộc năm hoặc danh hiệu khác với quyết định."),
                format!("{name} belongs to another year or title than the decision."),
            ));
        }
        let state = reg.state()?;
        let transition = if recognised {
            Transition::Recognise
        } else {
            Transition::NotRecognise
        };
        if let Some(evaluation_id) = reg.evaluation_id {
            require_other_person(&mut tx, evaluation_id, user, transition, Some(&name)).await?;
        }
        let Some(next) = next_state(state, transition) else {
            return Err(AppError::bad_request(
                format!("{name}: {}", refusal(state, transition, Lang::Vi)),
                format!("{name}: {}", refusal(state, transition, Lang::En)),
            ));
        };
        if recognised && reg.meets_rule != Some(true) {
            return Err(AppError::bad_request(
                format!("{name} chưa đạt theo bộ tiêu chí nên không thể công nhận."),
                format!("{name} does not meet the criteria, so it cannot be recognised."),
            ));
        }
        sqlx::query(
            "INSERT INTO recognitions (registration_id, decision_id, recognised, valid_from_year, valid_to_year, verify_code, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(reg.id)
        .bind(decision_id)
        .bind(recognised)
        .bind(reg.year)
        .bind(reg.year + validity - 1)
        .bind(new_verify_code())
        .bind(db::now())
        .execute(&mut *tx)
        .await?;
        set_state(&mut tx, &reg, state, next).await?;
        audit::record(
            &mut tx,
            user,
            Change {
                action: transition.into(),
                entity: AuditEntity::Registration,
                entity_id: Some(reg.id),
                unit_path: &reg.unit_path,
                summary: format!("{name} — QĐ {number}"),
            },
            None::<&()>,
            None::<&()>,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::Decision,
            entity_id: Some(decision_id),
            unit_path: &unit_path,
            summary: format!("QĐ {number} ({authority})"),
        },
        None::<&()>,
        Some(&input),
    )
    .await?;
    tx.commit().await?;
    let mut conn = pool.acquire().await?;
    decision_view(&mut conn, decision_id).await
}

#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: i64,
    number: String,
    decision_date: chrono::NaiveDate,
    authority: String,
    signer: String,
    year: i32,
    title_kind: String,
    unit_id: i64,
    unit_name: String,
    recognised_count: i64,
    not_recognised_count: i64,
}

const DECISION_SELECT: &str = "SELECT d.id, d.number, d.decision_date, d.authority, d.signer, d.year, d.title_kind, d.unit_id,
    u.name AS unit_name,
    (SELECT COUNT(*) FROM recognitions rc WHERE rc.decision_id = d.id AND rc.recognised) AS recognised_count,
    (SELECT COUNT(*) FROM recognitions rc WHERE rc.decision_id = d.id AND NOT rc.recognised) AS not_recognised_count
    FROM decisions d JOIN org_units u ON u.id = d.unit_id";

impl DecisionRow {
    fn view(self) -> AppResult<DecisionView> {
        Ok(DecisionView {
            id: self.id,
            number: self.number,
            decision_date: self.decision_date,
            authority: self.authority,
            signer: self.signer,
            year: self.year,
            title_kind: TitleKind::from_code(&self.title_kind)
                .ok_or_else(|| internal("unknown title kind"))?,
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            recognised_count: self.recognised_count,
            not_recognised_count: self.not_recognised_count,
        })
    }
}

async fn decision_view(conn: &mut Conn, id: i64) -> AppResult<DecisionView> {
    sqlx::query_as::<_, DecisionRow>(&format!("{DECISION_SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| AppError::not_found("quyết định", "Decision"))?
        .view()
}

/// Decisions of a year about the caller's read scope: issued by a unit within it, or deciding
/// at least one dossier within it (a commune officer sees the district's decision that covers
/// their commune's households, not one that only covers another commune's).
pub async fn list_decisions(
    pool: &Pool,
    user: &SessionUser,
    year: i32,
) -> AppResult<Vec<DecisionView>> {
    let scopes = user.scopes(Permission::ReadRegistry);
    if scopes.is_empty() {
        return Ok(vec![]);
    }
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(DECISION_SELECT);
    qb.push(" WHERE d.year = ").push_bind(year).push(" AND (");
    for (i, scope) in scopes.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        // The authority lies inside the scope, or one of its dossiers does.
        let upper = crate::domain::org::subtree_upper_bound(scope);
        qb.push("(u.path >= ")
            .push_bind(scope.clone())
            .push(" AND u.path < ")
            .push_bind(upper.clone())
            .push(") OR EXISTS (SELECT 1 FROM recognitions rc JOIN registrations r ON r.id = rc.registration_id
                 JOIN org_units ru ON ru.id = r.unit_id WHERE rc.decision_id = d.id AND ru.path >= ")
            .push_bind(scope.clone())
            .push(" AND ru.path < ")
            .push_bind(upper)
            .push(")");
    }
    qb.push(") ORDER BY d.decision_date DESC, d.id DESC");
    let rows: Vec<DecisionRow> = qb.build_query_as().fetch_all(pool).await?;
    rows.into_iter().map(DecisionRow::view).collect()
}

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
pub async fn certificate(
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
pub async fn decision_certificates(
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
    let code: String = code
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(32)
        .collect();
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

// ---------------------------------------------------------------------------------------------
// Evidence files

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
