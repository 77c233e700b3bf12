//! The clans' store (dòng họ): list, find, create, update, set active, scoped like households;
//! a clan's member households are kept with it.

use super::types::ClanRow;
use crate::backend::counts::{self, Counted};
use crate::backend::db::{self, push_order, Conn, Db, Pool};
use crate::backend::registry_edit::{self, Edited, Switch};
use crate::backend::scope::push_scope_filter;
use crate::backend::session::require_at;
use crate::backend::versioned::{self, Versioned};
use crate::domain::listing::{ListQuery, Page};
use crate::domain::org::{path_is_within, OrgLevel, OrgUnit};
use crate::domain::registry::{Clan, ClanInput, HouseholdRef};
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::search_key;
use crate::error::{AppError, AppResult};
use crate::features::org_units::store as org_units;
use sqlx::QueryBuilder;

// ---------------------------------------------------------------------------------------------
// Clans

#[derive(sqlx::FromRow)]
struct ClanListRow {
    id: i64,
    name: String,
    representative: String,
    phone: String,
    commune_id: i64,
    commune_name: String,
    household_count: i64,
    active: bool,
}

const CLAN_FROM: &str = " FROM clans k JOIN org_units c ON c.id = k.commune_id WHERE ";

fn push_clan_filters(qb: &mut QueryBuilder<'_, Db>, scopes: &[String], q: &ListQuery) {
    push_scope_filter(qb, "c.path", scopes);
    if !q.include_inactive {
        qb.push(" AND k.active");
    }
    for word in q.search_words() {
        qb.push(" AND k.search_key LIKE ")
            .push_bind(format!("%{word}%"));
    }
}

/// One page of clans within `scopes`.
pub async fn list(pool: &Pool, scopes: &[String], q: &ListQuery) -> AppResult<Page<ClanRow>> {
    let mut count: QueryBuilder<Db> = QueryBuilder::new("SELECT COUNT(*)");
    count.push(CLAN_FROM);
    push_clan_filters(&mut count, scopes, q);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT k.id, k.name, k.representative, k.phone, k.commune_id, c.name AS commune_name, k.active,
         (SELECT COUNT(*) FROM clan_households ch WHERE ch.clan_id = k.id) AS household_count",
    );
    qb.push(CLAN_FROM);
    push_clan_filters(&mut qb, scopes, q);
    let order = match q.sort.as_str() {
        "commune" => "c.search_key, k.search_key",
        "households" => "household_count",
        _ => "k.search_key",
    };
    push_order(&mut qb, order, q.desc);
    qb.push(", k.id LIMIT ")
        .push_bind(q.per_page)
        .push(" OFFSET ")
        .push_bind(q.offset());
    let rows: Vec<ClanListRow> = qb.build_query_as().fetch_all(pool).await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| ClanRow {
                id: r.id,
                name: r.name,
                representative: r.representative,
                phone: r.phone,
                commune_id: r.commune_id,
                commune_name: r.commune_name,
                household_count: r.household_count,
                active: r.active,
            })
            .collect(),
        total,
        page: q.page,
        per_page: q.per_page,
        more: false,
    })
}

#[derive(sqlx::FromRow)]
struct ClanRowDb {
    id: i64,
    version: i64,
    commune_id: i64,
    commune_name: String,
    commune_path: String,
    name: String,
    representative: String,
    phone: String,
    active: bool,
}

#[derive(sqlx::FromRow)]
struct MemberHousehold {
    id: i64,
    head_name: String,
    village_name: String,
}

/// A clan with its member households, and the path of its commune.
pub async fn get(conn: &mut Conn, id: i64) -> AppResult<Option<(Clan, String)>> {
    let Some(r) = sqlx::query_as::<_, ClanRowDb>(
        "SELECT k.id, k.version, k.commune_id, c.name AS commune_name, c.path AS commune_path,
         k.name, k.representative, k.phone, k.active
         FROM clans k JOIN org_units c ON c.id = k.commune_id WHERE k.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let households: Vec<HouseholdRef> = sqlx::query_as::<_, MemberHousehold>(
        "SELECT h.id, h.head_name, v.name AS village_name FROM clan_households ch
         JOIN households h ON h.id = ch.household_id JOIN org_units v ON v.id = h.village_id
         WHERE ch.clan_id = $1 ORDER BY v.search_key, h.search_key",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|m| HouseholdRef {
        id: m.id,
        head_name: m.head_name,
        village_name: m.village_name,
    })
    .collect();
    Ok(Some((
        Clan {
            id: r.id,
            version: r.version,
            commune_id: r.commune_id,
            commune_name: r.commune_name,
            name: r.name,
            representative: r.representative,
            phone: r.phone,
            household_count: households.len() as i64,
            households,
            active: r.active,
        },
        r.commune_path,
    )))
}

/// Reads a clan the caller may see.
pub async fn find(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    permission: Permission,
) -> AppResult<(Clan, String)> {
    let mut conn = pool.acquire().await?;
    let (clan, path) = get(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("dòng họ", "Clan"))?;
    require_at(user, permission, &path)?;
    Ok((clan, path))
}

/// Checks the commune (active, commune level, writable) and that every member household lies in
/// it; returns the commune.
async fn check_clan_target(
    pool: &Pool,
    user: &SessionUser,
    input: &ClanInput,
) -> AppResult<OrgUnit> {
    let commune = org_units::get(pool, input.commune_id)
        .await?
        .filter(|u| u.level == OrgLevel::Commune && u.active)
        .ok_or_else(|| {
            AppError::field(
                "commune_id",
                "Hãy chọn một xã đang hoạt động.",
                "Choose an active commune.",
            )
        })?;
    require_at(user, Permission::WriteRegistry, &commune.path)?;
    for household_id in &input.household_ids {
        let path: Option<String> = sqlx::query_scalar(
            "SELECT v.path FROM households h JOIN org_units v ON v.id = h.village_id WHERE h.id = $1 AND h.active",
        )
        .bind(household_id)
        .fetch_optional(pool)
        .await?;
        if !path.is_some_and(|p| path_is_within(&p, &commune.path)) {
            return Err(AppError::field(
                "household_ids",
                format!("Hộ số {household_id} không thuộc xã {}.", commune.name),
                format!("Household no. {household_id} is not in {}.", commune.name),
            ));
        }
    }
    Ok(commune)
}

async fn write_clan_members(conn: &mut Conn, clan_id: i64, household_ids: &[i64]) -> AppResult<()> {
    sqlx::query("DELETE FROM clan_households WHERE clan_id = $1")
        .bind(clan_id)
        .execute(&mut *conn)
        .await?;
    for h in household_ids {
        sqlx::query("INSERT INTO clan_households (clan_id, household_id) VALUES ($1, $2)")
            .bind(clan_id)
            .bind(h)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn clan_key(input: &ClanInput) -> String {
    search_key(&format!(
        "{} {} {}",
        input.name, input.representative, input.phone
    ))
}

/// Creates a clan.
pub async fn create(pool: &Pool, user: &SessionUser, input: ClanInput) -> AppResult<Clan> {
    let input = input.validate().map_err(AppError::Validation)?;
    let commune = check_clan_target(pool, user, &input).await?;
    let mut tx = db::begin_write(pool).await?;
    let now = db::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO clans (commune_id, name, representative, phone, search_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(input.commune_id)
    .bind(&input.name)
    .bind(&input.representative)
    .bind(&input.phone)
    .bind(clan_key(&input))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    write_clan_members(&mut tx, id, &input.household_ids).await?;
    let (clan, _) = get(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("dòng họ", "Clan"))?;
    counts::add(&mut tx, Counted::Clan, &commune.path, 1).await?;
    registry_edit::record_created(
        &mut tx,
        user,
        Counted::Clan,
        id,
        &commune.path,
        &clan,
        clan.name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(clan)
}

/// Updates a clan with an optimistic version check.
pub async fn update(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    version: i64,
    input: ClanInput,
) -> AppResult<Clan> {
    let input = input.validate().map_err(AppError::Validation)?;
    find(pool, user, id, Permission::WriteRegistry).await?;
    let commune = check_clan_target(pool, user, &input).await?;
    let mut tx = db::begin_write(pool).await?;
    let (before, before_path) = get(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("dòng họ", "Clan"))?;
    versioned::claim(&mut tx, Versioned::Clan, id, version, &before).await?;
    sqlx::query(
        "UPDATE clans SET commune_id = $1, name = $2, representative = $3, phone = $4, search_key = $5
         WHERE id = $6",
    )
    .bind(input.commune_id)
    .bind(&input.name)
    .bind(&input.representative)
    .bind(&input.phone)
    .bind(clan_key(&input))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    write_clan_members(&mut tx, id, &input.household_ids).await?;
    let edited = Edited {
        what: Counted::Clan,
        id,
        before: &before,
        before_path: &before_path,
        active: before.active,
        unit_id: input.commune_id,
        unit_path: &commune.path,
    };
    let after = registry_edit::finish_update(
        &mut tx,
        user,
        edited,
        async |conn: &mut Conn| reload(conn, id).await,
        |clan| clan.name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A clan as stored now, read inside the transaction that changed it.
async fn reload(conn: &mut Conn, id: i64) -> AppResult<Clan> {
    Ok(get(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("dòng họ", "Clan"))?
        .0)
}

/// Deactivates or reactivates a clan.
pub async fn set_active(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    version: i64,
    active: bool,
) -> AppResult<Clan> {
    find(pool, user, id, Permission::WriteRegistry).await?;
    let mut tx = db::begin_write(pool).await?;
    let (before, path) = get(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("dòng họ", "Clan"))?;
    let switch = Switch {
        what: Counted::Clan,
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
        |clan| clan.name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
