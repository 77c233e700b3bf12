//! Queries and changes on the org-unit tree, and the scope filter every registry list uses.

use crate::backend::audit::{self, Change};
use crate::backend::counts::{self, Counted};
use crate::backend::db::{self, Conn, Db, Pool};
use crate::backend::scope::push_scope_filter;
use crate::backend::session::require_at;
use crate::backend::versioned::{self, Versioned};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::org::{
    code_key, path_is_within, subtree_upper_bound, valid_code, OrgLevel, OrgUnit,
};
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::{clean, search_key};
use crate::error::{AppError, AppResult, FieldError};
use crate::features::org_units::types::AreaSummary;
use sqlx::QueryBuilder;

pub mod history;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    parent_id: Option<i64>,
    level: String,
    code: String,
    name: String,
    path: String,
    active: bool,
    child_count: i64,
    version: i64,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
}

impl Row {
    fn into_unit(self) -> OrgUnit {
        OrgUnit {
            id: self.id,
            parent_id: self.parent_id,
            level: OrgLevel::parse(&self.level).unwrap_or(OrgLevel::Village),
            code: self.code,
            name: self.name,
            path: self.path,
            active: self.active,
            child_count: self.child_count,
            version: self.version,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        }
    }
}

const SELECT: &str = "SELECT u.id, u.parent_id, u.level, u.code, u.name, u.path, u.active,
    (SELECT COUNT(*) FROM org_units c WHERE c.parent_id = u.id) AS child_count, u.version,
    u.valid_from, u.valid_to
    FROM org_units u";

/// One unit by id.
pub async fn get(pool: &Pool, id: i64) -> AppResult<Option<OrgUnit>> {
    let mut conn = pool.acquire().await?;
    get_in(&mut conn, id).await
}

/// One unit by id, read on `conn` (inside a write transaction: what the change will see).
pub async fn get_in(conn: &mut Conn, id: i64) -> AppResult<Option<OrgUnit>> {
    let row = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(Row::into_unit))
}

/// One unit by its official code, ignoring case ([`code_key`]; codes are unique that way).
pub async fn get_by_code(conn: &mut Conn, code: &str) -> AppResult<Option<OrgUnit>> {
    let row = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE lower(u.code) = $1"))
        .bind(code_key(code))
        .fetch_optional(conn)
        .await?;
    Ok(row.map(Row::into_unit))
}

/// Whether an insert or update failed because the code is taken (in any letter case).
fn is_code_taken(err: &sqlx::Error) -> bool {
    db::is_unique_violation(err, "org_units_code_key")
        || db::is_unique_violation(err, "org_units_code_ci_key")
}

fn code_taken(code: &str) -> AppError {
    AppError::field(
        "code",
        format!("Mã đơn vị \"{code}\" đã tồn tại (không phân biệt chữ hoa, chữ thường)."),
        format!("Unit code \"{code}\" already exists (letter case does not matter)."),
    )
}

/// Inside a write transaction: the unit as stored now, if its version is still `expected`
/// and the caller may still manage it; otherwise a conflict carrying the current unit (it was
/// renamed, moved or switched since the caller loaded it) or a refusal.
async fn claim_for_change(
    conn: &mut Conn,
    user: &SessionUser,
    id: i64,
    expected: i64,
) -> AppResult<OrgUnit> {
    let current = get_in(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
    require_at(user, Permission::ManageOrgUnits, &current.path)?;
    versioned::claim(conn, Versioned::OrgUnit, id, expected, &current).await?;
    Ok(current)
}

/// The audit entry of a change to a unit: `after` as it is now, `before` as it was (none for a
/// new unit), recorded at `path`.
async fn record_change(
    conn: &mut Conn,
    user: &SessionUser,
    action: AuditAction,
    before: Option<&OrgUnit>,
    after: &OrgUnit,
    path: &str,
    summary: String,
) -> AppResult<()> {
    let change = Change {
        action,
        entity: AuditEntity::OrgUnit,
        entity_id: Some(after.id),
        unit_path: path,
        summary,
    };
    audit::record(conn, user, change, before, Some(after)).await
}

/// Direct children of a unit, by name.
pub async fn children(
    pool: &Pool,
    parent_id: i64,
    include_inactive: bool,
) -> AppResult<Vec<OrgUnit>> {
    let rows = sqlx::query_as::<_, Row>(&format!(
        "{SELECT} WHERE u.parent_id = $1 AND (u.active OR $2) ORDER BY u.search_key"
    ))
    .bind(parent_id)
    .bind(include_inactive)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Row::into_unit).collect())
}

/// The units at the given paths (the caller's scope roots), in path order.
pub async fn by_paths(pool: &Pool, paths: &[String]) -> AppResult<Vec<OrgUnit>> {
    let mut out = Vec::new();
    for path in paths {
        let row = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE u.path = $1"))
            .bind(path)
            .fetch_optional(pool)
            .await?;
        out.extend(row.map(Row::into_unit));
    }
    Ok(out)
}

/// Active units of `level` within `scopes`, with the name of their parent for display, sorted
/// by parent then name. Capped at `limit`.
pub async fn in_scope(
    pool: &Pool,
    scopes: &[String],
    level: Option<OrgLevel>,
    q: &str,
    limit: i64,
) -> AppResult<Vec<(OrgUnit, String)>> {
    #[derive(sqlx::FromRow)]
    struct WithParent {
        #[sqlx(flatten)]
        unit: Row,
        parent_name: Option<String>,
    }
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT u.id, u.parent_id, u.level, u.code, u.name, u.path, u.active,
         (SELECT COUNT(*) FROM org_units c WHERE c.parent_id = u.id) AS child_count, u.version,
         u.valid_from, u.valid_to, p.name AS parent_name
         FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id WHERE u.active AND ",
    );
    push_scope_filter(&mut qb, "u.path", scopes);
    if let Some(level) = level {
        qb.push(" AND u.level = ").push_bind(level.code());
    }
    for word in search_key(q).split(' ').filter(|w| !w.is_empty()) {
        qb.push(" AND (u.search_key LIKE ")
            .push_bind(format!("%{}%", word.replace(['%', '_'], "")))
            .push(" OR u.code = ")
            .push_bind(word.to_string())
            .push(")");
    }
    qb.push(" ORDER BY p.search_key, u.search_key LIMIT ")
        .push_bind(limit);
    let rows: Vec<WithParent> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.unit.into_unit(), r.parent_name.unwrap_or_default()))
        .collect())
}

/// The list filter's choices (see `api::list_unit_filter`): the units from the caller's
/// read scope down to `unit_id`, and the active units one level below it (or the scope roots, or
/// a single root's children, when nothing is chosen), at most `UNIT_FILTER_LIMIT` of them, none
/// deeper than `deepest`. A unit outside the scope is refused, as the list itself would.
pub async fn filter_choices(
    pool: &Pool,
    user: &SessionUser,
    unit_id: Option<i64>,
    deepest: Option<OrgLevel>,
) -> AppResult<(Vec<OrgUnit>, Vec<OrgUnit>, bool)> {
    use crate::features::org_units::types::UNIT_FILTER_LIMIT;
    let scopes = user.scopes(Permission::ReadRegistry);
    let chosen = match unit_id {
        Some(id) => {
            let unit = get(pool, id)
                .await?
                .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
            require_at(user, Permission::ReadRegistry, &unit.path)?;
            Some(unit)
        }
        None => None,
    };
    let single_root = (scopes.len() == 1).then(|| scopes[0].clone());
    let path = match &chosen {
        Some(unit) => ancestors(pool, &unit.path)
            .await?
            .into_iter()
            .filter(|a| scopes.iter().any(|root| path_is_within(&a.path, root)))
            .filter(|a| Some(&a.path) != single_root.as_ref())
            .collect(),
        None => Vec::new(),
    };
    let parent = match (&chosen, &single_root) {
        (Some(unit), _) => Some(unit.clone()),
        (None, Some(root)) => by_paths(pool, std::slice::from_ref(root)).await?.pop(),
        (None, None) => None,
    };
    let mut below = match parent {
        Some(p) if deepest.is_none_or(|d| p.level < d) => children(pool, p.id, false).await?,
        Some(_) => Vec::new(),
        None => by_paths(pool, &scopes).await?,
    };
    below.retain(|u| u.active && deepest.is_none_or(|d| u.level <= d));
    let more = below.len() > UNIT_FILTER_LIMIT;
    below.truncate(UNIT_FILTER_LIMIT);
    Ok((path, below, more))
}

/// The names along a path, root first (for breadcrumbs).
pub async fn ancestors(pool: &Pool, path: &str) -> AppResult<Vec<OrgUnit>> {
    let ids = crate::domain::org::path_ids(path);
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(get(pool, id).await?);
    }
    Ok(out)
}

/// Input for a new unit.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub parent_id: Option<i64>,
    pub level: OrgLevel,
    pub code: String,
    pub name: String,
}

fn check_code_and_name(code: &str, name: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !valid_code(code) {
        errors.push(FieldError::new(
            "code",
            "Mã đơn vị gồm 1–20 chữ cái không dấu, chữ số, dấu gạch hoặc dấu chấm.",
            "A unit code has 1–20 letters, digits, dashes or dots.",
        ));
    }
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError::new(
            "name",
            "Tên đơn vị phải có từ 1 đến 120 ký tự.",
            "A unit name needs 1 to 120 characters.",
        ));
    }
    errors
}

/// Inserts a unit under its parent (checked: level rule, code unique). Writes no audit entry:
/// callers do, because an import audits once per file.
pub async fn insert(
    conn: &mut Conn,
    input: &NewUnit,
    parent: Option<&OrgUnit>,
) -> AppResult<OrgUnit> {
    let code = input.code.trim().to_string();
    let name = clean(&input.name);
    let mut errors = check_code_and_name(&code, &name);
    match parent {
        Some(p) if !p.level.may_contain(input.level) => errors.push(FieldError::new(
            "level",
            format!(
                "Đơn vị cấp \"{}\" không thể nằm trực tiếp dưới cấp \"{}\".",
                input.level.label(crate::i18n::Lang::Vi),
                p.level.label(crate::i18n::Lang::Vi)
            ),
            format!(
                "A {} cannot sit directly under a {}.",
                input.level.label(crate::i18n::Lang::En),
                p.level.label(crate::i18n::Lang::En)
            ),
        )),
        None if input.level != OrgLevel::Province => errors.push(FieldError::new(
            "parent_id",
            "Chỉ đơn vị cấp tỉnh mới không có đơn vị cấp trên.",
            "Only a province has no parent unit.",
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = db::now();
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO org_units (parent_id, level, code, name, search_key, path, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, '', $6, $6) RETURNING id",
    )
    .bind(parent.map(|p| p.id))
    .bind(input.level.code())
    .bind(&code)
    .bind(&name)
    .bind(search_key(&name))
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if is_code_taken(&e) => return Err(code_taken(&code)),
        Err(e) => return Err(e.into()),
    };
    let path = format!("{}{id}/", parent.map(|p| p.path.as_str()).unwrap_or("/"));
    sqlx::query("UPDATE org_units SET path = $1 WHERE id = $2")
        .bind(&path)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(OrgUnit {
        id,
        parent_id: parent.map(|p| p.id),
        level: input.level,
        code,
        name,
        path,
        active: true,
        child_count: 0,
        version: 1,
        valid_from: None,
        valid_to: None,
    })
}

/// Creates a unit as `user` (needs ManageOrgUnits at the parent), with an audit entry.
pub async fn create(pool: &Pool, user: &SessionUser, input: NewUnit) -> AppResult<OrgUnit> {
    let parent = match input.parent_id {
        Some(id) => Some(
            get(pool, id)
                .await?
                .ok_or_else(|| AppError::not_found("đơn vị cấp trên", "Parent unit"))?,
        ),
        None => None,
    };
    match &parent {
        Some(p) => require_at(user, Permission::ManageOrgUnits, &p.path)?,
        // A new province needs an administrator at the root of an existing tree: only a
        // user with an assignment at a top-level unit may add top-level units.
        None => {
            if !user.can_at_root(Permission::ManageOrgUnits) {
                return Err(AppError::forbidden());
            }
        }
    }
    let mut tx = db::begin_write(pool).await?;
    let unit = insert(&mut tx, &input, parent.as_ref()).await?;
    record_change(
        &mut tx,
        user,
        AuditAction::Create,
        None,
        &unit,
        &unit.path,
        format!("{} ({})", unit.name, unit.code),
    )
    .await?;
    tx.commit().await?;
    Ok(unit)
}

/// Renames a unit (and optionally changes its code), if it is still at `version`.
pub async fn rename(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    version: i64,
    code: &str,
    name: &str,
) -> AppResult<OrgUnit> {
    let code = code.trim().to_string();
    let name = clean(name);
    let errors = check_code_and_name(&code, &name);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = db::begin_write(pool).await?;
    let before = claim_for_change(&mut tx, user, id, version).await?;
    let res = sqlx::query(
        "UPDATE org_units SET code = $1, name = $2, search_key = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(&code)
    .bind(&name)
    .bind(search_key(&name))
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await;
    match res {
        Ok(_) => {}
        Err(e) if is_code_taken(&e) => return Err(code_taken(&code)),
        Err(e) => return Err(e.into()),
    }
    crate::features::households::store::refresh_place_keys(&mut tx, &before.path).await?;
    let after = OrgUnit {
        code,
        name,
        version: before.version + 1,
        ..before.clone()
    };
    record_change(
        &mut tx,
        user,
        AuditAction::Update,
        Some(&before),
        &after,
        &before.path,
        format!("{} → {}", before.name, after.name),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Deactivates or reactivates a unit, if it is still at `version`. A unit with active children
/// cannot be deactivated.
pub async fn set_active(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    version: i64,
    active: bool,
) -> AppResult<OrgUnit> {
    let mut tx = db::begin_write(pool).await?;
    let before = claim_for_change(&mut tx, user, id, version).await?;
    if !active {
        let active_children: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE parent_id = $1 AND active")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if active_children > 0 {
            return Err(AppError::bad_request(
                "Đơn vị còn đơn vị trực thuộc đang hoạt động. Hãy ngừng hoạt động các đơn vị đó trước.",
                "This unit still has active units under it. Deactivate them first.",
            ));
        }
    }
    sqlx::query("UPDATE org_units SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(active)
        .bind(db::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let after = OrgUnit {
        active,
        version: before.version + 1,
        ..before.clone()
    };
    record_change(
        &mut tx,
        user,
        AuditAction::set_active(active),
        Some(&before),
        &after,
        &before.path,
        before.name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Moves a unit (and its whole subtree) under a new parent, if the unit is still at `version`.
/// The caller needs ManageOrgUnits at both the unit and the new parent; a unit cannot move into
/// its own subtree.
pub async fn move_unit(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    version: i64,
    new_parent_id: i64,
) -> AppResult<OrgUnit> {
    let mut tx = db::begin_write(pool).await?;
    let unit = claim_for_change(&mut tx, user, id, version).await?;
    let parent = get_in(&mut tx, new_parent_id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị cấp trên mới", "New parent unit"))?;
    require_at(user, Permission::ManageOrgUnits, &parent.path)?;
    if parent.path.starts_with(&unit.path) {
        return Err(AppError::field(
            "parent_id",
            "Không thể chuyển một đơn vị vào chính nó hoặc đơn vị trực thuộc của nó.",
            "A unit cannot move into itself or one of its own sub-units.",
        ));
    }
    if !parent.level.may_contain(unit.level) {
        return Err(AppError::field(
            "parent_id",
            format!(
                "Đơn vị cấp \"{}\" không thể nằm dưới cấp \"{}\".",
                unit.level.label(crate::i18n::Lang::Vi),
                parent.level.label(crate::i18n::Lang::Vi)
            ),
            format!(
                "A {} cannot sit under a {}.",
                unit.level.label(crate::i18n::Lang::En),
                parent.level.label(crate::i18n::Lang::En)
            ),
        ));
    }
    let new_path = reparent(&mut tx, &unit, &parent).await?;
    // Counters are kept per ancestor: the subtree has new ancestors now.
    crate::backend::rollups::rebuild(&mut tx).await?;
    crate::backend::counts::rebuild(&mut tx).await?;
    crate::features::households::store::refresh_place_keys(&mut tx, &new_path).await?;
    let after = OrgUnit {
        parent_id: Some(parent.id),
        path: new_path.clone(),
        version: unit.version + 1,
        ..unit.clone()
    };
    record_change(
        &mut tx,
        user,
        AuditAction::Move,
        Some(&unit),
        &after,
        &new_path,
        format!("{} → {}", unit.name, parent.name),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Puts `unit` (and its subtree) under `parent`: rewrites the paths and the audit entries'
/// paths, so filtering the log by the new parent still finds them. The caller rebuilds the
/// counters. Returns the unit's new path.
pub(crate) async fn reparent(
    conn: &mut Conn,
    unit: &OrgUnit,
    parent: &OrgUnit,
) -> AppResult<String> {
    let new_path = format!("{}{}/", parent.path, unit.id);
    let old_path = unit.path.clone();
    // Rewrite the path prefix of the whole subtree in one statement.
    sqlx::query(
        "UPDATE org_units SET path = $1 || substr(path, $2), updated_at = $3
         WHERE path >= $4 AND path < $5",
    )
    .bind(&new_path)
    .bind(old_path.len() as i64 + 1)
    .bind(db::now())
    .bind(&old_path)
    .bind(subtree_upper_bound(&old_path))
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE org_units SET parent_id = $1 WHERE id = $2")
        .bind(parent.id)
        .bind(unit.id)
        .execute(&mut *conn)
        .await?;
    // Audit entries keep the path they were written under; rewrite those of the moved subtree so
    // filtering the log by the new parent still finds them.
    sqlx::query("UPDATE audit_log SET unit_path = $1 || substr(unit_path, $2) WHERE unit_path >= $3 AND unit_path < $4")
        .bind(&new_path)
        .bind(old_path.len() as i64 + 1)
        .bind(&old_path)
        .bind(subtree_upper_bound(&old_path))
        .execute(&mut *conn)
        .await?;
    Ok(new_path)
}

/// How many active communes, villages, households, clans and organisations lie within what
/// `user` may read (the home page's summary).
pub async fn scope_summary(pool: &Pool, user: &SessionUser) -> AppResult<AreaSummary> {
    let scopes = user.scopes(Permission::ReadRegistry);
    let count = |from_where: &str, path_column: &str| {
        let mut qb: QueryBuilder<Db> =
            QueryBuilder::new(format!("SELECT COUNT(*) {from_where} AND "));
        push_scope_filter(&mut qb, path_column, &scopes);
        qb
    };
    // Units are counted directly (a province has some ten thousand, found by path); the
    // registry from the counters, which do not grow with it.
    let mut conn = pool.acquire().await?;
    let mut units = [
        count(
            "FROM org_units u WHERE u.active AND u.level = 'xa'",
            "u.path",
        ),
        count(
            "FROM org_units u WHERE u.active AND u.level = 'thon'",
            "u.path",
        ),
    ];
    let mut unit_counts = [0i64; 2];
    for (query, n) in units.iter_mut().zip(unit_counts.iter_mut()) {
        *n = query.build_query_scalar().fetch_one(&mut *conn).await?;
    }
    let [communes, villages] = unit_counts;
    let households = counts::total(&mut conn, Counted::Household, &scopes).await?;
    let clans = counts::total(&mut conn, Counted::Clan, &scopes).await?;
    let organisations = counts::total(&mut conn, Counted::Organisation, &scopes).await?;
    Ok(AreaSummary {
        communes,
        villages,
        households,
        clans,
        organisations,
    })
}
