//! Household import: every row of a file checked (the preview), then all rows written in one
//! transaction, or none.
//!
//! The work is split so the write lock is held only for what needs the database:
//! 1. [`parse_rows`] (no database, off the async runtime): cells → cleaned, validated
//!    [`HouseholdInput`]s with their search keys and the halves of their duplicate keys.
//! 2. [`check_against_registry`] (reads only): the village of each row (exists, active, in
//!    the caller's scope), duplicates within the file and against the registry. The preview
//!    runs it on a pooled connection; the commit runs it again inside its write transaction,
//!    so what is written was checked against exactly the registry it is written into, and two
//!    commits of the same rows cannot both pass. The unique index `households_dup_key` makes
//!    a duplicate impossible even for a writer that forgot to check.
//! 3. [`households::insert_many`] and [`audit::record_many`]: multi-row inserts, a few hundred
//!    to a few thousand rows per statement, each built while the one before runs, on a
//!    connection of their own without the engine's reference checks
//!    (`db::bulk_write_connection`: they made the inserts twice as slow), so the villages are
//!    checked here. The audit entries' JSON is serialised on another core meanwhile.
//!
//! Nothing here is quadratic: rows are visited once per step and looked up in hash maps.

use super::cache::{Key, StepCache};
use super::{column_name, load_batch, refuse_with_errors, value, RowErrors};
use crate::domain::auth::{Permission, SessionUser};
use crate::domain::import::{check_mapping, ImportField, ImportKind, ImportOutcome, ImportPreview};
use crate::domain::registry::{household_duplicate_tail, HouseholdInput, Member};
use crate::error::{AppError, AppResult};
use crate::features::households::store::{self as households, NewHousehold};
use crate::i18n::Msg;
use crate::server::audit::{self, BatchChange};
use crate::server::counts::{self, Counted};
use crate::server::db::{self, Conn, Pool};
use crate::server::imports::read::{ParseGate, Table};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

/// A row that passed every check that needs no database.
struct Parsed {
    row: usize,
    /// The village code as typed (quoted in messages), and its lookup key.
    village_code: String,
    village_key: String,
    /// Validated; `village_id` is filled in by [`check_against_registry`].
    input: HouseholdInput,
    search_key: String,
    /// `|head|address` of the duplicate key; the village id goes in front.
    dup_tail: String,
    code_key: String,
}

/// The columns rows are reported in, named as the file names them.
struct Columns {
    village: String,
    code: String,
    head: String,
    address: String,
    phone: String,
    members: String,
}

impl Columns {
    fn of(table: &Table, mapping: &[Option<ImportField>]) -> Self {
        let col = |f| column_name(&table.headers, mapping, f);
        Columns {
            village: col(ImportField::VillageCode),
            code: col(ImportField::HouseholdCode),
            head: col(ImportField::HeadName),
            address: col(ImportField::Address),
            phone: col(ImportField::Phone),
            members: col(ImportField::Members),
        }
    }
}

/// The result of step 1, handed from the blocking task to the async steps.
struct ParsedFile {
    rows: Vec<Parsed>,
    errors: RowErrors,
    columns: Columns,
    total_rows: usize,
}

/// Parses "Tên (1990); Tên khác" into members.
fn parse_members(text: &str) -> Vec<Member> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            let (name, year) = match (part.rfind('('), part.ends_with(')')) {
                (Some(open), true) => {
                    let inner = &part[open + 1..part.len() - 1];
                    match inner.trim().parse::<i32>() {
                        Ok(y) => (part[..open].trim(), Some(y)),
                        Err(_) => (part, None),
                    }
                }
                _ => (part, None),
            };
            Member {
                full_name: name.to_string(),
                birth_year: year,
                relation: String::new(),
            }
        })
        .collect()
}

/// A phone typed as a number in Excel loses its leading zero: put it back.
fn restore_phone_zero(phone: &str) -> String {
    if phone.len() == 9 && phone.chars().all(|c| c.is_ascii_digit()) && !phone.starts_with('0') {
        format!("0{phone}")
    } else {
        phone.to_string()
    }
}

/// Files from this many rows up are parsed in parts at once, one per core: the cleaning and
/// search keys of 100,000 rows take about a second on one core of this machine.
const PARSE_IN_PARTS_FROM: usize = 10_000;

/// Step 1: every row's own fields. CPU only; runs in the parse gate's blocking pool, and a
/// large file in parts on scoped threads (the rows and errors keep the file's order).
fn parse_rows(table: &Table, mapping: &[Option<ImportField>], this_year: i32) -> ParsedFile {
    let columns = Columns::of(table, mapping);
    let parts = if table.rows.len() >= PARSE_IN_PARTS_FROM {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    } else {
        1
    };
    let part_len = table.rows.len().div_ceil(parts).max(1);
    let parsed: Vec<(Vec<Parsed>, RowErrors)> = if parts == 1 {
        vec![parse_part(&table.rows, mapping, &columns, this_year)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = table
                .rows
                .chunks(part_len)
                .map(|part| scope.spawn(|| parse_part(part, mapping, &columns, this_year)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut errors = RowErrors::default();
    for (part_rows, part_errors) in parsed {
        rows.extend(part_rows);
        errors.append(part_errors);
    }
    ParsedFile {
        rows,
        errors,
        columns,
        total_rows: table.rows.len(),
    }
}

/// Step 1 for consecutive rows of a file.
fn parse_part(
    table_rows: &[(usize, Vec<String>)],
    mapping: &[Option<ImportField>],
    columns: &Columns,
    this_year: i32,
) -> (Vec<Parsed>, RowErrors) {
    let mut errors = RowErrors::default();
    let mut rows = Vec::with_capacity(table_rows.len());
    for (row, cells) in table_rows {
        let row = *row;
        let village_code =
            crate::domain::text::clean(value(cells, mapping, ImportField::VillageCode));
        let input = HouseholdInput {
            // A placeholder that passes the "village chosen" rule; the real id comes from the
            // registry in step 2, which also reports a missing or unknown code.
            village_id: 1,
            code: value(cells, mapping, ImportField::HouseholdCode).to_string(),
            head_name: value(cells, mapping, ImportField::HeadName).to_string(),
            address: value(cells, mapping, ImportField::Address).to_string(),
            phone: restore_phone_zero(value(cells, mapping, ImportField::Phone)),
            members: parse_members(value(cells, mapping, ImportField::Members)),
        };
        match input.validate(this_year) {
            Ok(input) => rows.push(Parsed {
                row,
                village_key: village_code.to_lowercase(),
                village_code,
                search_key: households::search_key_of(&input),
                dup_tail: household_duplicate_tail(&input.head_name, &input.address),
                code_key: input.code.to_lowercase(),
                input,
            }),
            Err(field_errors) => {
                for e in field_errors {
                    let column = match e.field.as_str() {
                        "head_name" => &columns.head,
                        "address" => &columns.address,
                        "phone" => &columns.phone,
                        "code" => &columns.code,
                        _ => &columns.members,
                    };
                    errors.push(row, column.clone(), e.message);
                }
            }
        }
    }
    (rows, errors)
}

#[derive(sqlx::FromRow)]
struct Village {
    id: i64,
    name: String,
    path: String,
    active: bool,
    place_key: String,
}

/// A row ready to insert: its index in the parsed rows, its village.
struct Resolved<'a> {
    parsed: usize,
    village: &'a Village,
    dup_key: String,
}

/// Rows of the registry that an imported row may duplicate.
#[derive(Default)]
struct Existing {
    by_dup_key: HashMap<String, i64>,
    by_code: HashMap<(i64, String), i64>,
}

/// The registry's households that the file's rows may duplicate: active ones by village, head
/// and address (`dup_key`), and any with the same code in the same village (the unique index
/// `households_code_key` holds inactive ones too). Two ways, whichever reads less: when the
/// villages the file writes in hold no more households than the file has rows (a first load,
/// a new commune), all of theirs are read; otherwise (a province's villages may hold a
/// million) only the file's own keys are looked up, in the two unique indexes.
async fn existing_households(
    conn: &mut Conn,
    file: &ParsedFile,
    candidates: &[Resolved<'_>],
) -> AppResult<Existing> {
    let mut seen: HashSet<i64> = HashSet::new();
    let mut village_paths: Vec<String> = Vec::new();
    let mut village_ids: Vec<i64> = Vec::new();
    for c in candidates {
        if seen.insert(c.village.id) {
            village_ids.push(c.village.id);
            village_paths.push(c.village.path.clone());
        }
    }
    let registered = counts::total(conn, Counted::Household, &village_paths).await?;
    if registered <= candidates.len() as i64 {
        existing_in_villages(conn, &village_ids).await
    } else {
        existing_by_keys(conn, file, candidates).await
    }
}

/// `select` (ending in `IN (`) with `values` bound as the list, closed: one chunk of a lookup.
fn select_in<'a, T>(
    select: &str,
    values: impl IntoIterator<Item = T>,
) -> sqlx::QueryBuilder<'a, db::Db>
where
    T: 'a + sqlx::Encode<'a, db::Db> + sqlx::Type<db::Db>,
{
    let mut qb = sqlx::QueryBuilder::new(select);
    let mut list = qb.separated(", ");
    for value in values {
        list.push_bind(value);
    }
    qb.push(")");
    qb
}

/// Every household of `village_ids` (a few hundred villages per query).
async fn existing_in_villages(conn: &mut Conn, village_ids: &[i64]) -> AppResult<Existing> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        village_id: i64,
        dup_key: String,
        code: String,
        active: bool,
    }
    let mut existing = Existing::default();
    for chunk in village_ids.chunks(500) {
        let mut qb = select_in(
            "SELECT id, village_id, dup_key, code, active FROM households WHERE village_id IN (",
            chunk.iter().copied(),
        );
        for r in qb.build_query_as::<Row>().fetch_all(&mut *conn).await? {
            if !r.code.is_empty() {
                existing
                    .by_code
                    .insert((r.village_id, r.code.to_lowercase()), r.id);
            }
            if r.active {
                existing.by_dup_key.insert(r.dup_key, r.id);
            }
        }
    }
    Ok(existing)
}

/// The households holding one of the file's duplicate keys (the unique index answers, 500
/// keys a query), and the codes of the file's villages read from the code index alone, keeping
/// only those the file uses (codes match in any letter case).
async fn existing_by_keys(
    conn: &mut Conn,
    file: &ParsedFile,
    candidates: &[Resolved<'_>],
) -> AppResult<Existing> {
    use futures_util::TryStreamExt;
    #[derive(sqlx::FromRow)]
    struct DupRow {
        id: i64,
        dup_key: String,
    }
    #[derive(sqlx::FromRow)]
    struct CodeRow {
        id: i64,
        village_id: i64,
        code: String,
    }
    let mut existing = Existing::default();
    for chunk in candidates.chunks(500) {
        let mut qb = select_in(
            "SELECT id, dup_key FROM households WHERE active AND dup_key IN (",
            chunk.iter().map(|c| c.dup_key.clone()),
        );
        for r in qb.build_query_as::<DupRow>().fetch_all(&mut *conn).await? {
            existing.by_dup_key.insert(r.dup_key, r.id);
        }
    }
    let wanted: HashSet<(i64, &str)> = candidates
        .iter()
        .map(|c| (c.village.id, file.rows[c.parsed].code_key.as_str()))
        .filter(|(_, code)| !code.is_empty())
        .collect();
    let villages: Vec<i64> = wanted
        .iter()
        .map(|(village, _)| *village)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in villages.chunks(500) {
        // `code <> ''` lets SQLite read the partial index `households_code_key` alone.
        let mut qb = select_in(
            "SELECT id, village_id, code FROM households WHERE code <> '' AND village_id IN (",
            chunk.iter().copied(),
        );
        let mut rows = qb.build_query_as::<CodeRow>().fetch(&mut *conn);
        while let Some(r) = rows.try_next().await? {
            let code = r.code.to_lowercase();
            if wanted.contains(&(r.village_id, code.as_str())) {
                existing.by_code.insert((r.village_id, code), r.id);
            }
        }
    }
    Ok(existing)
}

/// Step 2: the checks that need the registry, as `conn` sees it.
async fn check_against_registry<'v>(
    conn: &mut Conn,
    user: &SessionUser,
    file: &ParsedFile,
    villages: &'v HashMap<String, Village>,
    errors: &mut RowErrors,
) -> AppResult<Vec<Resolved<'v>>> {
    let cols = &file.columns;
    let mut in_file_keys: HashMap<&str, usize> = HashMap::new();
    let mut in_file_codes: HashMap<(i64, &str), usize> = HashMap::new();
    let mut candidates: Vec<Resolved<'v>> = Vec::with_capacity(file.rows.len());
    // Keys are built once per row here and borrowed by the maps above.
    let mut keys: Vec<String> = Vec::with_capacity(file.rows.len());
    let mut resolved_villages: Vec<(usize, &'v Village)> = Vec::with_capacity(file.rows.len());
    for (i, p) in file.rows.iter().enumerate() {
        // A village outside the caller's scope is treated exactly as an unknown code: the
        // message must not tell whether it exists, let alone name it.
        let village = villages
            .get(&p.village_key)
            .filter(|v| user.can_at(Permission::WriteRegistry, &v.path));
        match village {
            None if p.village_key.is_empty() => errors.push(
                p.row,
                cols.village.clone(),
                Msg::new(
                    "Thiếu mã thôn / tổ dân phố.",
                    "The village code is missing.",
                ),
            ),
            None => errors.push(
                p.row,
                cols.village.clone(),
                Msg::new(
                    format!(
                        "Không có thôn / tổ dân phố mã \"{}\" trong phạm vi quản lý của bạn.",
                        p.village_code
                    ),
                    format!("No village in your area has code \"{}\".", p.village_code),
                ),
            ),
            Some(v) if !v.active => errors.push(
                p.row,
                cols.village.clone(),
                Msg::new(
                    format!("{} đã ngừng hoạt động.", v.name),
                    format!("{} is inactive.", v.name),
                ),
            ),
            Some(v) => {
                keys.push(format!("{}{}", v.id, p.dup_tail));
                resolved_villages.push((i, v));
            }
        }
    }
    for ((i, village), key) in resolved_villages.iter().zip(&keys) {
        let p = &file.rows[*i];
        if let Some(first) = in_file_keys.get(key.as_str()) {
            errors.push(
                p.row,
                cols.head.clone(),
                Msg::new(
                    format!("Trùng với dòng {first} (cùng chủ hộ, địa chỉ và thôn)."),
                    format!("Duplicate of row {first} (same head, address and village)."),
                ),
            );
            continue;
        }
        in_file_keys.insert(key, p.row);
        if !p.code_key.is_empty() {
            if let Some(first) = in_file_codes.get(&(village.id, p.code_key.as_str())) {
                errors.push(
                    p.row,
                    cols.code.clone(),
                    Msg::new(
                        format!("Mã hộ trùng với dòng {first}."),
                        format!("Household code duplicates row {first}."),
                    ),
                );
                continue;
            }
            in_file_codes.insert((village.id, &p.code_key), p.row);
        }
        candidates.push(Resolved {
            parsed: *i,
            village,
            dup_key: key.clone(),
        });
    }
    let existing = existing_households(conn, file, &candidates).await?;
    let mut ready = Vec::with_capacity(candidates.len());
    for c in candidates {
        let p = &file.rows[c.parsed];
        if let Some(id) = existing.by_dup_key.get(&c.dup_key) {
            errors.push(
                p.row,
                cols.head.clone(),
                Msg::new(
                    format!("Hộ này đã có trong danh sách (hộ số {id})."),
                    format!("This household is already registered (no. {id})."),
                ),
            );
            continue;
        }
        if let Some(id) = existing.by_code.get(&(c.village.id, p.code_key.clone())) {
            errors.push(
                p.row,
                cols.code.clone(),
                Msg::new(
                    format!("Mã hộ đã được dùng cho hộ số {id}."),
                    format!("The household code is already used by no. {id}."),
                ),
            );
            continue;
        }
        ready.push(c);
    }
    Ok(ready)
}

/// Every village by lower-case code (a province has some ten thousand).
async fn villages(conn: &mut Conn) -> AppResult<HashMap<String, Village>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        code: String,
        name: String,
        path: String,
        active: bool,
        commune_key: String,
        search_key: String,
    }
    Ok(sqlx::query_as::<_, Row>(
        "SELECT v.id, v.code, v.name, v.path, v.active, COALESCE(c.search_key, '') AS commune_key, v.search_key
         FROM org_units v LEFT JOIN org_units c ON c.id = v.parent_id WHERE v.level = 'thon'",
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|v| {
        (
            v.code.to_lowercase(),
            Village {
                place_key: households::place_key(&v.commune_key, &v.search_key),
                id: v.id,
                name: v.name,
                path: v.path,
                active: v.active,
            },
        )
    })
    .collect())
}

fn preview_of(file: &ParsedFile, ready: &[Resolved<'_>], errors: RowErrors) -> ImportPreview {
    ImportPreview {
        total_rows: file.total_rows,
        valid_rows: ready.len(),
        error_count: errors.count,
        errors: errors.into_sorted(),
        preview: ready
            .iter()
            .take(20)
            .map(|r| {
                let h = &file.rows[r.parsed].input;
                vec![
                    r.village.name.clone(),
                    h.code.clone(),
                    h.head_name.clone(),
                    h.address.clone(),
                    h.phone.clone(),
                    (h.members.len() + 1).to_string(),
                ]
            })
            .collect(),
        preview_headers: [
            "Thôn / tổ dân phố",
            "Mã hộ",
            "Chủ hộ",
            "Địa chỉ",
            "Điện thoại",
            "Số nhân khẩu",
        ]
        .map(String::from)
        .to_vec(),
    }
}

/// The rows last checked, for the commit after a preview (see [`super::cache`]).
static PARSED: StepCache<ParsedFile> = StepCache::new();

/// Reads the batch and runs step 1 off the async runtime, or takes both from the cache.
/// Returns the cache keys of the table and of the checked rows.
async fn parsed_batch(
    pool: &Pool,
    user: &SessionUser,
    batch_id: i64,
    mapping: &[Option<ImportField>],
    this_year: i32,
) -> AppResult<(Arc<ParsedFile>, String, [Key; 2])> {
    check_mapping(ImportKind::Households, mapping).map_err(AppError::BadRequest)?;
    let started = Instant::now();
    let batch = load_batch(pool, user, batch_id, ImportKind::Households).await?;
    let read = started.elapsed();
    let mapping_json = serde_json::to_vec(mapping).map_err(crate::server::error::internal)?;
    let key = Key::of(&[batch.key.bytes(), &mapping_json, &this_year.to_le_bytes()]);
    let file = match PARSED.get(key) {
        Some(file) => file,
        None => {
            let mapping = mapping.to_vec();
            let table = batch.table.clone();
            let file = Arc::new(
                ParseGate::shared()
                    .run(move || Ok(parse_rows(&table, &mapping, this_year)))
                    .await?,
            );
            PARSED.put(key, file.clone());
            file
        }
    };
    tracing::debug!(
        read_ms = read.as_millis() as u64,
        parsed_ms = started.elapsed().as_millis() as u64,
        "household import: file read and rows checked"
    );
    Ok((file, batch.filename, [batch.key, key]))
}

/// Dry run of a household import: every row checked, nothing written.
pub async fn preview_households(
    pool: &Pool,
    user: &SessionUser,
    batch_id: i64,
    mapping: &[Option<ImportField>],
    this_year: i32,
) -> AppResult<ImportPreview> {
    let (file, _, _) = parsed_batch(pool, user, batch_id, mapping, this_year).await?;
    let mut conn = pool.acquire().await?;
    let villages = villages(&mut conn).await?;
    let mut registry_errors = RowErrors::default();
    let ready =
        check_against_registry(&mut conn, user, &file, &villages, &mut registry_errors).await?;
    let mut errors = file.errors.clone();
    errors.append(registry_errors);
    Ok(preview_of(&file, &ready, errors))
}

/// Imports every row of a household file in one transaction, or none if any row is invalid.
pub async fn commit_households(
    pool: &Pool,
    user: &SessionUser,
    batch_id: i64,
    mapping: &[Option<ImportField>],
    this_year: i32,
) -> AppResult<ImportOutcome> {
    let started = Instant::now();
    let (file, filename, keys) = parsed_batch(pool, user, batch_id, mapping, this_year).await?;
    if file.errors.count > 0 {
        // Errors in the rows' own fields need no lock to report.
        return Err(refuse_with_errors(file.errors.count));
    }
    let checked = started.elapsed();
    let mut conn = db::bulk_write_connection(pool).await?;
    let mut tx = db::begin_write_on(&mut conn).await?;
    let locked = Instant::now();
    let villages = villages(&mut tx).await?;
    let mut errors = RowErrors::default();
    let mut ready = check_against_registry(&mut tx, user, &file, &villages, &mut errors).await?;
    if errors.count > 0 {
        return Err(refuse_with_errors(errors.count));
    }
    // Written in name order: most of the households' indexes lead with the name or end with it
    // after a column the rows share (the member count, the time, the village), so their inserts
    // land one after another instead of all over the B-trees (100,000 rows: 6.4 s → see
    // docs/PERFORMANCE.md). The ids follow that order.
    ready.sort_by(|a, b| {
        file.rows[a.parsed]
            .search_key
            .cmp(&file.rows[b.parsed].search_key)
    });
    // Ids are taken here, under the write lock, so members and audit entries can refer to
    // their household without reading each one back.
    let registry_checked = locked.elapsed();
    let first_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM households")
        .fetch_one(&mut *tx)
        .await?;
    let now = db::now();
    let rows: Vec<NewHousehold<'_>> = ready
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let p = &file.rows[r.parsed];
            NewHousehold {
                id: first_id + n as i64,
                village_id: r.village.id,
                input: &p.input,
                search_key: &p.search_key,
                dup_key: &r.dup_key,
                place_key: &r.village.place_key,
            }
        })
        .collect();
    // The audit entries' records, serialised on another core while the rows are written.
    let after_jsons = {
        let file = file.clone();
        let stored: Vec<(usize, i64)> = ready.iter().map(|r| (r.parsed, r.village.id)).collect();
        tokio::task::spawn_blocking(move || {
            stored
                .into_iter()
                .map(|(parsed, village_id)| {
                    // The record as stored: the village filled in.
                    serde_json::to_string(&HouseholdInput {
                        village_id,
                        ..file.rows[parsed].input.clone()
                    })
                    .unwrap_or_default()
                })
                .collect::<Vec<String>>()
        })
    };
    if let Err(e) = households::insert_many(&mut tx, &rows, now).await {
        // The checks above ran under this lock, so only a writer that skipped them gets here.
        return Err(
            if db::is_unique_violation(&e, "households_code_key")
                || db::is_unique_violation(&e, "households_dup_key")
            {
                AppError::bad_request(
                "Một hộ trong tệp vừa được người khác thêm. Chưa nhập dòng nào; hãy xem trước lại.",
                "A household of the file was just added by someone else. Nothing was imported; preview again.",
            )
            } else {
                e.into()
            },
        );
    }
    // The engine does not check references on a bulk-write connection (see
    // `db::bulk_write_connection`), so the one reference read from the registry is checked
    // here, under the lock that keeps it true until the commit: the villages. Members and
    // audit entries refer to the ids taken above and to the signed-in user.
    let village_ids: Vec<i64> = rows
        .iter()
        .map(|h| h.village_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut found: i64 = 0;
    for chunk in village_ids.chunks(500) {
        found += select_in(
            "SELECT COUNT(*) FROM org_units WHERE id IN (",
            chunk.iter().copied(),
        )
        .build_query_scalar::<i64>()
        .fetch_one(&mut *tx)
        .await?;
    }
    if found != village_ids.len() as i64 {
        return Err(crate::server::error::internal(format!(
            "household import: {} of {} villages do not exist",
            village_ids.len() as i64 - found,
            village_ids.len()
        )));
    }
    let households_written = locked.elapsed();
    let after_jsons = after_jsons.await.map_err(crate::server::error::internal)?;
    let entries: Vec<BatchChange<'_>> = rows
        .iter()
        .zip(&ready)
        .zip(&after_jsons)
        .map(|((h, r), after_json)| BatchChange {
            entity_id: h.id,
            unit_path: &r.village.path,
            summary: &h.input.head_name,
            after_json,
        })
        .collect();
    audit::record_many(&mut tx, user, "import", "household", &entries, now).await?;
    let audit_written = locked.elapsed();
    let common_path = super::common_prefix(ready.iter().map(|r| r.village.path.as_str()));
    super::mark_committed(&mut tx, batch_id).await?;
    audit::record(
        &mut tx,
        user,
        audit::Change {
            action: "import",
            entity: "import_batch",
            entity_id: Some(batch_id),
            unit_path: &common_path,
            summary: format!("{filename}: {} hộ", rows.len()),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    counts::add_many(
        &mut tx,
        Counted::Household,
        ready.iter().map(|r| (r.village.path.as_str(), 1)),
    )
    .await?;
    let before_commit = locked.elapsed();
    tx.commit().await?;
    db::checkpoint_and_close(conn);
    super::forget_table(keys[0]);
    PARSED.forget(keys[1]);
    tracing::debug!(
        registry_checked_ms = registry_checked.as_millis() as u64,
        households_written_ms = households_written.as_millis() as u64,
        audit_written_ms = audit_written.as_millis() as u64,
        before_commit_ms = before_commit.as_millis() as u64,
        "household import: time under the write lock, cumulative"
    );
    tracing::info!(
        rows = rows.len(),
        checked_ms = checked.as_millis() as u64,
        write_lock_ms = locked.elapsed().as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "households imported"
    );
    Ok(ImportOutcome {
        inserted: rows.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_parse_with_birth_years() {
        let m = parse_members("Hồ Thị Lan (1990); Hồ Văn Bình ; ");
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].birth_year, Some(1990));
        assert_eq!(m[0].full_name, "Hồ Thị Lan");
        assert_eq!(m[1].birth_year, None);
    }

    #[test]
    fn excel_numeric_phone_gets_its_zero_back() {
        assert_eq!(restore_phone_zero("912345678"), "0912345678");
        assert_eq!(restore_phone_zero("0912345678"), "0912345678");
    }

    #[test]
    fn field_errors_are_found_without_the_database() {
        let table = Table {
            headers: vec!["Mã thôn".into(), "Chủ hộ".into(), "Điện thoại".into()],
            rows: vec![
                (2, vec!["T1".into(), "Hồ Văn A".into(), "0912345678".into()]),
                (3, vec!["T1".into(), "".into(), "12".into()]),
            ],
        };
        let mapping = [
            Some(ImportField::VillageCode),
            Some(ImportField::HeadName),
            Some(ImportField::Phone),
        ];
        let file = parse_rows(&table, &mapping, 2026);
        assert_eq!(file.rows.len(), 1);
        assert_eq!(file.rows[0].village_key, "t1");
        let errors = file.errors.into_sorted();
        assert!(errors.iter().all(|e| e.row == 3), "{errors:?}");
        assert!(errors.iter().any(|e| e.column == "Chủ hộ"));
        assert!(errors.iter().any(|e| e.column == "Điện thoại"));
    }

    #[test]
    fn a_large_file_parsed_in_parts_keeps_the_order_and_counts_of_one_pass() {
        let n = PARSE_IN_PARTS_FROM + 2_001;
        let table = Table {
            headers: vec!["Mã thôn".into(), "Chủ hộ".into()],
            rows: (0..n)
                .map(|i| {
                    // Every 7th row lacks its head's name: an error in its row.
                    let given = ["An", "Bình", "Cường", "Dũng", "Lan"][i % 5];
                    let head = if i % 7 == 0 {
                        String::new()
                    } else {
                        format!("Hồ Văn {given}")
                    };
                    (i + 2, vec![format!("T{}", i % 5), head])
                })
                .collect(),
        };
        let mapping = [Some(ImportField::VillageCode), Some(ImportField::HeadName)];
        let whole = parse_rows(&table, &mapping, 2026);
        let (one_pass_rows, one_pass_errors) =
            parse_part(&table.rows, &mapping, &Columns::of(&table, &mapping), 2026);
        let rows_of = |rows: &[Parsed]| rows.iter().map(|p| p.row).collect::<Vec<_>>();
        assert_eq!(rows_of(&whole.rows), rows_of(&one_pass_rows));
        assert_eq!(whole.rows.len(), n - n.div_ceil(7));
        assert_eq!(whole.errors.count, one_pass_errors.count);
        let shown = |e: RowErrors| {
            e.into_sorted()
                .into_iter()
                .map(|e| e.row)
                .collect::<Vec<_>>()
        };
        assert_eq!(shown(whole.errors), shown(one_pass_errors));
    }
}
