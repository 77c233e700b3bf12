//! Household import: every row of a file checked (the preview), then all rows written in one
//! transaction, or none.
//!
//! The work is split so the write lock is held only for what needs the database:
//! 1. `parse::parse_rows` (no database, off the async runtime): cells → cleaned, validated
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

mod parse;

use self::parse::{parse_rows, ParsedFile};
use super::cache::{Key, StepCache};
use super::{load_batch, refuse_with_errors, RowErrors};
use crate::backend::audit::{self, BatchChange};
use crate::backend::counts::{self, Counted};
use crate::backend::db::{self, Conn, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::import::{check_mapping, ImportField, ImportKind, ImportOutcome, ImportPreview};
use crate::domain::registry::HouseholdInput;
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult};
use crate::features::households::store as households;
use crate::features::households::store::NewHousehold;
use crate::features::imports::store::read::ParseGate;
use crate::i18n::Msg;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

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
    let mapping_json = serde_json::to_vec(mapping).map_err(crate::backend::error::internal)?;
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
        return Err(crate::backend::error::internal(format!(
            "household import: {} of {} villages do not exist",
            village_ids.len() as i64 - found,
            village_ids.len()
        )));
    }
    let households_written = locked.elapsed();
    let after_jsons = after_jsons.await.map_err(crate::backend::error::internal)?;
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
    audit::record_many(
        &mut tx,
        user,
        AuditAction::Import,
        AuditEntity::Household,
        &entries,
        now,
    )
    .await?;
    let audit_written = locked.elapsed();
    let common_path = super::common_prefix(ready.iter().map(|r| r.village.path.as_str()));
    super::mark_committed(&mut tx, batch_id).await?;
    audit::record(
        &mut tx,
        user,
        audit::Change {
            action: AuditAction::Import,
            entity: AuditEntity::ImportBatch,
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
