//! Households: list, read, create, update, deactivate, all scoped to the caller's org units.

use crate::backend::counts::{self, Counted};
use crate::backend::db::{self, Conn, Db, Pool};
use crate::backend::registry_edit::{self, Edited, Switch};
use crate::backend::session::require_at;
use crate::backend::versioned::{self, Versioned};
use crate::domain::org::OrgLevel;
use crate::domain::registry::{household_duplicate_key, Household, HouseholdInput, Member};
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::search_key;
use crate::error::{AppError, AppResult};
use crate::features::org_units::store as org_units;
use sqlx::QueryBuilder;

pub use super::types::HouseholdRow;

mod list;
pub use list::{export, list, SMALL_SCOPE};

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    code: String,
    head_name: String,
    address: String,
    phone: String,
    member_count: i64,
    active: bool,
    village_id: i64,
    village_name: String,
    commune_name: String,
}

impl From<ListRow> for HouseholdRow {
    fn from(r: ListRow) -> Self {
        HouseholdRow {
            id: r.id,
            code: r.code,
            head_name: r.head_name,
            address: r.address,
            phone: r.phone,
            member_count: r.member_count,
            active: r.active,
            village_id: r.village_id,
            village_name: r.village_name,
            commune_name: r.commune_name,
        }
    }
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: i64,
    version: i64,
    village_id: i64,
    village_name: String,
    commune_name: String,
    village_path: String,
    code: String,
    head_name: String,
    address: String,
    phone: String,
    member_count: i64,
    active: bool,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    full_name: String,
    birth_year: Option<i32>,
    relation: String,
}

/// A household with its members, and the path of its village (for scope checks).
pub async fn get(conn: &mut Conn, id: i64) -> AppResult<Option<(Household, String)>> {
    let Some(row) = sqlx::query_as::<_, DetailRow>(
        "SELECT h.id, h.version, h.village_id, v.name AS village_name, COALESCE(c.name, '') AS commune_name,
         v.path AS village_path, h.code, h.head_name, h.address, h.phone, h.member_count, h.active
         FROM households h JOIN org_units v ON v.id = h.village_id LEFT JOIN org_units c ON c.id = v.parent_id
         WHERE h.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let members = sqlx::query_as::<_, MemberRow>(
        "SELECT full_name, birth_year, relation FROM household_members WHERE household_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|m| Member {
        full_name: m.full_name,
        birth_year: m.birth_year,
        relation: m.relation,
    })
    .collect();
    Ok(Some((
        Household {
            id: row.id,
            version: row.version,
            village_id: row.village_id,
            village_name: row.village_name,
            commune_name: row.commune_name,
            code: row.code,
            head_name: row.head_name,
            address: row.address,
            phone: row.phone,
            member_count: row.member_count,
            members,
            active: row.active,
        },
        row.village_path,
    )))
}

/// Reads a household the caller may see.
pub async fn find(pool: &Pool, user: &SessionUser, id: i64) -> AppResult<Household> {
    let mut conn = pool.acquire().await?;
    let (household, path) = get(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("hộ gia đình", "Household"))?;
    require_at(user, Permission::ReadRegistry, &path)?;
    Ok(household)
}

/// Reads a household the caller may change, or fails with not found / forbidden.
async fn find_writable(pool: &Pool, user: &SessionUser, id: i64) -> AppResult<(Household, String)> {
    let mut conn = pool.acquire().await?;
    let (household, path) = get(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("hộ gia đình", "Household"))?;
    require_at(user, Permission::WriteRegistry, &path)?;
    Ok((household, path))
}

/// The searchable text of a household: head, code, address, phone and members.
pub fn search_key_of(input: &HouseholdInput) -> String {
    let mut text = format!(
        "{} {} {} {}",
        input.head_name, input.code, input.address, input.phone
    );
    for m in &input.members {
        text.push(' ');
        text.push_str(&m.full_name);
    }
    search_key(&text)
}

/// Checks that `village_id` is an active village the caller may write in; returns its path.
async fn writable_village(pool: &Pool, user: &SessionUser, village_id: i64) -> AppResult<String> {
    let village = org_units::get(pool, village_id).await?.ok_or_else(|| {
        AppError::field(
            "village_id",
            "Thôn / tổ dân phố không tồn tại.",
            "That village does not exist.",
        )
    })?;
    if village.level != OrgLevel::Village || !village.active {
        return Err(AppError::field(
            "village_id",
            "Hãy chọn một thôn / tổ dân phố đang hoạt động.",
            "Choose an active village.",
        ));
    }
    require_at(user, Permission::WriteRegistry, &village.path)?;
    Ok(village.path)
}

fn code_taken(code: &str) -> AppError {
    AppError::field(
        "code",
        format!("Mã hộ \"{code}\" đã được dùng trong thôn này."),
        format!("Household code \"{code}\" is already used in this village."),
    )
}

/// Writes the members of a household (replacing any previous list).
async fn write_members(
    conn: &mut Conn,
    household_id: i64,
    members: &[Member],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM household_members WHERE household_id = $1")
        .bind(household_id)
        .execute(&mut *conn)
        .await?;
    for (i, m) in members.iter().enumerate() {
        sqlx::query(
            "INSERT INTO household_members (household_id, position, full_name, birth_year, relation) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(household_id)
        .bind(i as i64)
        .bind(&m.full_name)
        .bind(m.birth_year)
        .bind(&m.relation)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Inserts a validated household. No scope check and no audit: callers do both.
pub async fn insert(conn: &mut Conn, input: &HouseholdInput) -> Result<i64, sqlx::Error> {
    let now = db::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO households (village_id, code, head_name, address, phone, member_count, search_key, dup_key, created_at, updated_at, place_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, COALESCE((SELECT COALESCE(c.search_key, '') || ' / ' || v.search_key
         FROM org_units v LEFT JOIN org_units c ON c.id = v.parent_id WHERE v.id = $1), '')) RETURNING id",
    )
    .bind(input.village_id)
    .bind(&input.code)
    .bind(&input.head_name)
    .bind(&input.address)
    .bind(&input.phone)
    .bind(input.members.len() as i64 + 1)
    .bind(search_key_of(input))
    .bind(household_duplicate_key(input.village_id, &input.head_name, &input.address))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    write_members(conn, id, &input.members).await?;
    index_for_search(conn, id, id).await?;
    Ok(id)
}

/// A validated household for [`insert_many`], with the id it is to get and its keys.
pub struct NewHousehold<'a> {
    pub id: i64,
    pub village_id: i64,
    pub input: &'a HouseholdInput,
    pub search_key: &'a str,
    pub dup_key: &'a str,
    pub place_key: &'a str,
}

/// Inserts many validated households and their members, a few hundred rows per statement
/// (an import). The ids are the caller's, taken under the write lock. No scope check, no audit,
/// no counters: the caller does all three. Meant for a `db::bulk_write_connection` (hence
/// `OR FAIL`); on a failure the caller rolls back, as some rows of a statement may be in.
pub async fn insert_many(
    conn: &mut Conn,
    rows: &[NewHousehold<'_>],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let started = std::time::Instant::now();
    // 10 values per row: 400 rows stay far below SQLite's 32,766 bound parameters. The time is
    // bound once per statement.
    db::execute_chunks(conn, rows.chunks(400), |chunk| {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT OR FAIL INTO households (id, village_id, code, head_name, address, phone, member_count, search_key, dup_key, place_key, created_at, updated_at) SELECT v.*, ",
        );
        qb.push_bind(now).push(", ").push_bind(now).push(" FROM (");
        qb.push_values(chunk, |mut row, h| {
            row.push_bind(h.id)
                .push_bind(h.village_id)
                .push_bind(h.input.code.as_str())
                .push_bind(h.input.head_name.as_str())
                .push_bind(h.input.address.as_str())
                .push_bind(h.input.phone.as_str())
                .push_bind(h.input.members.len() as i64 + 1)
                .push_bind(h.search_key)
                .push_bind(h.dup_key)
                .push_bind(h.place_key);
        });
        qb.push(") v");
        qb
    })
    .await?;
    let households_ms = started.elapsed().as_millis() as u64;
    let members: Vec<(i64, usize, &Member)> = rows
        .iter()
        .flat_map(|h| {
            h.input
                .members
                .iter()
                .enumerate()
                .map(move |(i, m)| (h.id, i, m))
        })
        .collect();
    db::execute_chunks(conn, members.chunks(1000), |chunk| {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT OR FAIL INTO household_members (household_id, position, full_name, birth_year, relation) ",
        );
        qb.push_values(chunk, |mut row, (id, position, m)| {
            row.push_bind(*id)
                .push_bind(*position as i64)
                .push_bind(m.full_name.as_str())
                .push_bind(m.birth_year)
                .push_bind(m.relation.as_str());
        });
        qb
    })
    .await?;
    let members_ms = started.elapsed().as_millis() as u64;
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        index_for_search(conn, first.id.min(last.id), first.id.max(last.id)).await?;
    }
    tracing::debug!(
        households_ms,
        members_ms,
        indexed_ms = started.elapsed().as_millis() as u64,
        "households written (cumulative)"
    );
    Ok(())
}

/// Adds the households with ids `first..=last` to the trigram search index (`households_fts`,
/// external content: it indexes what the rows hold now). Every insert calls it in its own
/// transaction; an import once for all its rows.
pub async fn index_for_search(conn: &mut Conn, first: i64, last: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO households_fts (rowid, search_key) SELECT id, search_key FROM households WHERE id >= $1 AND id <= $2",
    )
    .bind(first)
    .bind(last)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a household's entry in the search index after its search key changed: the old
/// entry must be removed with exactly the text it was indexed with.
async fn reindex_for_search(conn: &mut Conn, id: i64, old_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO households_fts (households_fts, rowid, search_key) VALUES ('delete', $1, $2)",
    )
    .bind(id)
    .bind(old_key)
    .execute(&mut *conn)
    .await?;
    index_for_search(conn, id, id).await
}

/// The `place_key` of a village's households (what the list's "village" sort orders by): the
/// commune's search key, then the village's. SQL, so inserts and updates compute it in place.
const PLACE_KEY_OF_VILLAGE: &str = "(SELECT COALESCE(c.search_key, '') || ' / ' || v.search_key
     FROM org_units v LEFT JOIN org_units c ON c.id = v.parent_id WHERE v.id = households.village_id)";

/// The same, from the names, for rows written in bulk.
pub fn place_key(commune_search_key: &str, village_search_key: &str) -> String {
    format!("{commune_search_key} / {village_search_key}")
}

/// Rewrites `place_key` for the households under the unit at `unit_path`, after it was
/// renamed or moved.
pub async fn refresh_place_keys(conn: &mut Conn, unit_path: &str) -> AppResult<()> {
    sqlx::query(&format!(
        "UPDATE households SET place_key = COALESCE({PLACE_KEY_OF_VILLAGE}, '')
         WHERE village_id IN (SELECT id FROM org_units WHERE path >= $1 AND path < $2)"
    ))
    .bind(unit_path)
    .bind(crate::domain::org::subtree_upper_bound(unit_path))
    .execute(conn)
    .await?;
    Ok(())
}

/// The id of an active household with the same duplicate key, if any.
pub async fn find_duplicate(
    conn: &mut Conn,
    input: &HouseholdInput,
    except: Option<i64>,
) -> AppResult<Option<i64>> {
    let key = household_duplicate_key(input.village_id, &input.head_name, &input.address);
    Ok(sqlx::query_scalar(
        "SELECT id FROM households WHERE dup_key = $1 AND active AND id <> $2 LIMIT 1",
    )
    .bind(key)
    .bind(except.unwrap_or(0))
    .fetch_optional(conn)
    .await?)
}

fn duplicate_error(existing: i64) -> AppError {
    AppError::field(
        "head_name",
        format!("Đã có hộ cùng chủ hộ và địa chỉ trong thôn này (hộ số {existing})."),
        format!("A household with the same head and address already exists in this village (no. {existing})."),
    )
}

/// Creates a household as `user`.
pub async fn create(
    pool: &Pool,
    user: &SessionUser,
    input: HouseholdInput,
    this_year: i32,
) -> AppResult<Household> {
    let input = input.validate(this_year).map_err(AppError::Validation)?;
    let path = writable_village(pool, user, input.village_id).await?;
    let mut tx = db::begin_write(pool).await?;
    if let Some(existing) = find_duplicate(&mut tx, &input, None).await? {
        return Err(duplicate_error(existing));
    }
    let id = match insert(&mut tx, &input).await {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e, "households_code_key") => {
            return Err(code_taken(&input.code))
        }
        Err(e) => return Err(e.into()),
    };
    let (created, _) = get(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("hộ gia đình", "Household"))?;
    counts::add(&mut tx, Counted::Household, &path, 1).await?;
    registry_edit::record_created(
        &mut tx,
        user,
        Counted::Household,
        id,
        &path,
        &created,
        created.head_name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

/// Updates a household if `version` is still the stored one; otherwise a conflict carrying the
/// current record.
pub async fn update(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    version: i64,
    input: HouseholdInput,
    this_year: i32,
) -> AppResult<Household> {
    let input = input.validate(this_year).map_err(AppError::Validation)?;
    // Scope checks first, outside the write lock: the version check below catches any change
    // made in between.
    find_writable(pool, user, id).await?;
    let new_path = writable_village(pool, user, input.village_id).await?;
    let mut tx = db::begin_write(pool).await?;
    let (before, before_path) = get(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("hộ gia đình", "Household"))?;
    versioned::claim(&mut tx, Versioned::Household, id, version, &before).await?;
    if let Some(existing) = find_duplicate(&mut tx, &input, Some(id)).await? {
        return Err(duplicate_error(existing));
    }
    let old_search_key: String =
        sqlx::query_scalar("SELECT search_key FROM households WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let res = sqlx::query(
        "UPDATE households SET village_id = $1, code = $2, head_name = $3, address = $4, phone = $5,
         member_count = $6, search_key = $7, dup_key = $8,
         place_key = COALESCE((SELECT COALESCE(c.search_key, '') || ' / ' || v.search_key
         FROM org_units v LEFT JOIN org_units c ON c.id = v.parent_id WHERE v.id = $1), '')
         WHERE id = $9",
    )
    .bind(input.village_id)
    .bind(&input.code)
    .bind(&input.head_name)
    .bind(&input.address)
    .bind(&input.phone)
    .bind(input.members.len() as i64 + 1)
    .bind(search_key_of(&input))
    .bind(household_duplicate_key(input.village_id, &input.head_name, &input.address))
    .bind(id)
    .execute(&mut *tx)
    .await;
    match res {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e, "households_code_key") => {
            return Err(code_taken(&input.code))
        }
        Err(e) => return Err(e.into()),
    }
    write_members(&mut tx, id, &input.members).await?;
    reindex_for_search(&mut tx, id, &old_search_key).await?;
    let edited = Edited {
        what: Counted::Household,
        id,
        before: &before,
        before_path: &before_path,
        active: before.active,
        unit_id: input.village_id,
        unit_path: &new_path,
    };
    let after = registry_edit::finish_update(
        &mut tx,
        user,
        edited,
        async |conn: &mut Conn| reload(conn, id).await,
        |household| household.head_name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A household as stored now, read inside the transaction that changed it.
async fn reload(conn: &mut Conn, id: i64) -> AppResult<Household> {
    Ok(get(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("hộ gia đình", "Household"))?
        .0)
}

/// Deactivates or reactivates a household (records are never deleted: evaluations refer to them).
pub async fn set_active(
    pool: &Pool,
    user: &SessionUser,
    id: i64,
    version: i64,
    active: bool,
) -> AppResult<Household> {
    let mut tx = db::begin_write(pool).await?;
    let (before, path) = get(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("hộ gia đình", "Household"))?;
    require_at(user, Permission::WriteRegistry, &path)?;
    let switch = Switch {
        what: Counted::Household,
        id,
        version,
        active,
        unit_path: &path,
        before: &before,
        was_active: before.active,
        unique_refusal: Some((
            "households_dup_key",
            AppError::bad_request(
                "Không mở lại được: đã có hộ cùng chủ hộ và địa chỉ trong thôn này đang hoạt động.",
                "Cannot reactivate: an active household with the same head and address exists in this village.",
            ),
        )),
    };
    let after = registry_edit::set_active(
        &mut tx,
        user,
        switch,
        async |conn: &mut Conn| reload(conn, id).await,
        |household| household.head_name.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
