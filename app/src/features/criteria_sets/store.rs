//! The criteria sets' store: the shipped sets seeded at start, drafts, publishing (a published
//! set is immutable, also by a database trigger), and which administrators may manage a set
//! (its owner unit within their scope; a national set needs the whole tree).

use super::types::{OwnerChoice, SetSummary, StoredSet};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Db, Pool};
use crate::backend::error::internal;
use crate::backend::scope::push_scope_filter;
use crate::backend::versioned::{self, Versioned};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::catalog::shipped_sets;
use crate::domain::criteria::{may_own_sets, validate_set, CriteriaSet, SetStatus, TitleKind};
use crate::domain::org::OrgLevel;
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::Msg;
use sqlx::QueryBuilder;

/// Stores the criteria sets shipped with the product that the database does not have yet (by
/// code and version). Runs at every start; never touches existing rows.
pub async fn seed(pool: &Pool) -> AppResult<usize> {
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
pub(crate) struct SetRow {
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

pub(crate) async fn load_set(conn: &mut Conn, id: i64) -> AppResult<Option<(SetRow, CriteriaSet)>> {
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
    crate::backend::scope::covers_whole_tree(conn, user, Permission::ManageCriteria).await
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
pub async fn find(pool: &Pool, user: &SessionUser, id: i64) -> AppResult<StoredSet> {
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
pub async fn list_owner_choices(pool: &Pool, user: &SessionUser) -> AppResult<Vec<OwnerChoice>> {
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
pub async fn list(pool: &Pool) -> AppResult<Vec<SetSummary>> {
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
pub(crate) async fn published_sets(
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
pub async fn copy(
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
    find(pool, user, new_id).await
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
pub async fn update(
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
    versioned::claim(&mut tx, Versioned::CriteriaSet, id, row_version, &before).await?;
    sqlx::query(
        "UPDATE criteria_sets SET title_kind = $1, valid_from_year = $2, valid_to_year = $3, definition = $4
         WHERE id = $5 AND status = 'draft'",
    )
    .bind(set.title_kind.code())
    .bind(set.valid_from_year)
    .bind(set.valid_to_year)
    .bind(serde_json::to_string(&set).map_err(internal)?)
    .bind(id)
    .execute(&mut *tx)
    .await?;
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
    find(pool, user, id).await
}

/// Publishes a valid draft. From then on it is immutable (also enforced by a database trigger).
pub async fn publish(
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
    versioned::claim(&mut tx, Versioned::CriteriaSet, id, row_version, &set).await?;
    sqlx::query(
        "UPDATE criteria_sets SET status = 'published', definition = $1, published_at = $2
         WHERE id = $3 AND status = 'draft'",
    )
    .bind(serde_json::to_string(&published).map_err(internal)?)
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
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
    find(pool, user, id).await
}
