//! The organisations' store (cơ quan, trường học, doanh nghiệp — "đơn vị" for the title Đơn vị
//! học tập): list, find, create, update, set active, scoped to the managing unit.

use crate::backend::counts::{self, Counted};
use crate::backend::db::{self, push_order, Conn, Db, Pool};
use crate::backend::registry_edit::{self, Edited, Switch};
use crate::backend::scope::push_scope_filter;
use crate::backend::session::require_at;
use crate::backend::versioned::{self, Versioned};
use crate::domain::listing::{ListQuery, Page};
use crate::domain::org::{OrgLevel, OrgUnit};
use crate::domain::registry::{Organisation, OrganisationInput, OrganisationKind};
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::search_key;
use crate::error::{AppError, AppResult};
use crate::features::org_units::store as org_units;
use sqlx::QueryBuilder;

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: i64,
    version: i64,
    name: String,
    kind: String,
    managing_unit_id: i64,
    managing_unit_name: String,
    unit_path: String,
    head_name: String,
    address: String,
    phone: String,
    active: bool,
}

impl OrgRow {
    fn into_organisation(self) -> (Organisation, String) {
        (
            Organisation {
                id: self.id,
                version: self.version,
                name: self.name,
                kind: OrganisationKind::from_code(&self.kind).unwrap_or(OrganisationKind::Other),
                managing_unit_id: self.managing_unit_id,
                managing_unit_name: self.managing_unit_name,
                head_name: self.head_name,
                address: self.address,
                phone: self.phone,
                active: self.active,
            },
            self.unit_path,
        )
    }
}

const ORG_SELECT: &str =
    "SELECT o.id, o.version, o.name, o.kind, o.managing_unit_id, u.name AS managing_unit_name,
    u.path AS unit_path, o.head_name, o.address, o.phone, o.active";
const ORG_FROM: &str = " FROM organisations o JOIN org_units u ON u.id = o.managing_unit_id WHERE ";

fn push_org_filters(qb: &mut QueryBuilder<'_, Db>, scopes: &[String], q: &ListQuery) {
    push_scope_filter(qb, "u.path", scopes);
    if !q.include_inactive {
        qb.push(" AND o.active");
    }
    for word in q.search_words() {
        qb.push(" AND o.search_key LIKE ")
            .push_bind(format!("%{word}%"));
    }
}

/// One page of organisation units within `scopes`.
pub async fn list(pool: &Pool, scopes: &[String], q: &ListQuery) -> AppResult<Page<Organisation>> {
    let mut count: QueryBuilder<Db> = QueryBuilder::new("SELECT COUNT(*)");
    count.push(ORG_FROM);
    push_org_filters(&mut count, scopes, q);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(ORG_SELECT);
    qb.push(ORG_FROM);
    push_org_filters(&mut qb, scopes, q);
    let order = match q.sort.as_str() {
        "kind" => "o.kind, o.search_key",
        "unit" => "u.search_key, o.search_key",
        _ => "o.search_key",
    };
    push_order(&mut qb, order, q.desc);
    qb.push(", o.id LIMIT ")
        .push_bind(q.per_page)
        .push(" OFFSET ")
        .push_bind(q.offset());
    let rows: Vec<OrgRow> = qb.build_query_as().fetch_all(pool).await?;
    Ok(Page {
        items: rows.into_iter().map(|r| r.into_organisation().0).collect(),
        total,
        page: q.page,
        per_page: q.per_page,
        more: false,
    })
}

/// One organisation unit and the path of its managing org unit.
pub async fn get(conn: &mut Conn, id: i64) -> AppResult<Option<(Organisation, String)>> {
    let row = sqlx::query_as::<_, OrgRow>(&format!("{ORG_SELECT}{ORG_FROM} o.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(OrgRow::into_organisation))
}

/// Reads an organisation unit the caller may see (or change, by `permission`).
pub async fn find(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    permission: Permission,
) -> AppResult<(Organisation, String)> {
    let mut conn = pool.acquire().await?;
    let (org, path) = get(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Organisation unit"))?;
    require_at(user, permission, &path)?;
    Ok((org, path))
}

async fn writable_managing_unit(pool: &Pool, user: &SessionUser, id: i64) -> AppResult<OrgUnit> {
    let unit = org_units::get(pool, id)
        .await?
        .filter(|u| u.active && u.level != OrgLevel::Village)
        .ok_or_else(|| {
            AppError::field(
                "managing_unit_id",
                "Hãy chọn đơn vị quản lý cấp xã, huyện hoặc tỉnh đang hoạt động.",
                "Choose an active commune, district or province as managing unit.",
            )
        })?;
    require_at(user, Permission::WriteRegistry, &unit.path)?;
    Ok(unit)
}

fn org_key(input: &OrganisationInput) -> String {
    search_key(&format!(
        "{} {} {}",
        input.name, input.head_name, input.address
    ))
}

/// Creates an organisation unit.
pub async fn create(
    pool: &Pool,
    user: &SessionUser,
    input: OrganisationInput,
) -> AppResult<Organisation> {
    let input = input.validate().map_err(AppError::Validation)?;
    let unit = writable_managing_unit(pool, user, input.managing_unit_id).await?;
    let mut tx = db::begin_write(pool).await?;
    let now = db::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (managing_unit_id, kind, name, head_name, address, phone, search_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(input.managing_unit_id)
    .bind(input.kind.code())
    .bind(&input.name)
    .bind(&input.head_name)
    .bind(&input.address)
    .bind(&input.phone)
    .bind(org_key(&input))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let (org, _) = get(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Organisation unit"))?;
    counts::add(&mut tx, Counted::Organisation, &unit.path, 1).await?;
    registry_edit::record_created(
        &mut tx,
        user,
        Counted::Organisation,
        id,
        &unit.path,
        &org,
        org.name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(org)
}

/// Updates an organisation unit with an optimistic version check.
pub async fn update(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    version: i64,
    input: OrganisationInput,
) -> AppResult<Organisation> {
    let input = input.validate().map_err(AppError::Validation)?;
    find(pool, user, id, Permission::WriteRegistry).await?;
    let unit = writable_managing_unit(pool, user, input.managing_unit_id).await?;
    let mut tx = db::begin_write(pool).await?;
    let (before, before_path) = get(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Organisation unit"))?;
    versioned::claim(&mut tx, Versioned::Organisation, id, version, &before).await?;
    sqlx::query(
        "UPDATE organisations SET managing_unit_id = $1, kind = $2, name = $3, head_name = $4, address = $5,
         phone = $6, search_key = $7 WHERE id = $8",
    )
    .bind(input.managing_unit_id)
    .bind(input.kind.code())
    .bind(&input.name)
    .bind(&input.head_name)
    .bind(&input.address)
    .bind(&input.phone)
    .bind(org_key(&input))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let edited = Edited {
        what: Counted::Organisation,
        id,
        before: &before,
        before_path: &before_path,
        active: before.active,
        unit_id: input.managing_unit_id,
        unit_path: &unit.path,
    };
    let after = registry_edit::finish_update(
        &mut tx,
        user,
        edited,
        async |conn: &mut Conn| reload(conn, id).await,
        |organisation| organisation.name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// An organisation as stored now, read inside the transaction that changed it.
async fn reload(conn: &mut Conn, id: i64) -> AppResult<Organisation> {
    Ok(get(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Organisation unit"))?
        .0)
}

/// Deactivates or reactivates an organisation unit.
pub async fn set_active(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    version: i64,
    active: bool,
) -> AppResult<Organisation> {
    find(pool, user, id, Permission::WriteRegistry).await?;
    let mut tx = db::begin_write(pool).await?;
    let (before, path) = get(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Organisation unit"))?;
    let switch = Switch {
        what: Counted::Organisation,
        id,
        version,
        active,
        unit_path: &path,
        before: &before,
        was_active: before.active,
        unique_refusal: None,
    };
    let after = registry_edit::set_active(
        &mut tx,
        user,
        switch,
        async |conn: &mut Conn| reload(conn, id).await,
        |organisation| organisation.name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
