//! Spreadsheet imports: reading .xlsx and .csv files ([`read`]), validating every row against the
//! registry rules (dry run), and committing all rows in one transaction or none.
//!
//! A file is uploaded once (kept in `import_batches`); the preview and the commit re-read it with
//! the chosen column mapping, so the commit writes exactly what the last preview showed. Every
//! read goes through [`read`]: bounded by [`Limits`], off the async runtime, a few at a time.

use crate::domain::auth::{Permission, SessionUser};
use crate::domain::import::{
    check_mapping, ImportField, ImportKind, ImportOutcome, ImportPreview, RowError, UploadedFile,
    MAX_REPORTED_ERRORS,
};
use crate::domain::org::{OrgLevel, OrgUnit};
use crate::domain::registry::{household_duplicate_key, HouseholdInput, Member};
use crate::domain::text::clean;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::server::audit::{self, Change};
use crate::server::db::{self, Pool};
use crate::server::{households, org_units};
use std::collections::HashMap;

pub mod read;

pub use read::{read_table, read_table_with, Limits, ParseGate, Table, MAX_ROWS};

/// Stores an uploaded file for `user` after checking it can be read; returns its summary.
pub async fn store_upload(
    pool: &Pool,
    user: &SessionUser,
    kind: ImportKind,
    filename: &str,
    bytes: Vec<u8>,
) -> AppResult<UploadedFile> {
    let name = filename.to_string();
    let (table, bytes) = ParseGate::shared()
        .run(move || read_table(&name, &bytes).map(|table| (table, bytes)))
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO import_batches (user_id, kind, filename, content, row_count, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.id)
    .bind(kind.code())
    .bind(filename)
    .bind(&bytes)
    .bind(table.rows.len() as i64)
    .bind(db::now())
    .fetch_one(pool)
    .await?;
    Ok(UploadedFile {
        batch_id: id,
        kind,
        filename: filename.to_string(),
        suggested: crate::domain::import::suggest_mapping(kind, &table.headers),
        row_count: table.rows.len(),
        sample: table.rows.iter().take(5).map(|(_, r)| r.clone()).collect(),
        headers: table.headers,
    })
}

#[derive(sqlx::FromRow)]
struct Batch {
    user_id: i64,
    kind: String,
    filename: String,
    content: Vec<u8>,
    committed_at: Option<chrono::DateTime<chrono::Utc>>,
}

async fn load_batch(
    pool: &Pool,
    user: &SessionUser,
    batch_id: i64,
    kind: ImportKind,
) -> AppResult<(Table, String)> {
    let batch = sqlx::query_as::<_, Batch>(
        "SELECT user_id, kind, filename, content, committed_at FROM import_batches WHERE id = $1",
    )
    .bind(batch_id)
    .fetch_optional(pool)
    .await?
    .filter(|b| b.user_id == user.id && b.kind == kind.code())
    .ok_or_else(|| AppError::not_found("tệp đã tải lên", "Uploaded file"))?;
    if batch.committed_at.is_some() {
        return Err(AppError::bad_request(
            "Tệp này đã được nhập. Hãy tải tệp lên lại nếu muốn nhập thêm.",
            "This file has already been imported. Upload it again to import more.",
        ));
    }
    let Batch {
        filename, content, ..
    } = batch;
    let name = filename.clone();
    let table = ParseGate::shared()
        .run(move || read_table(&name, &content))
        .await?;
    Ok((table, filename))
}

/// Value of `field` in a row under `mapping` (empty when unmapped or missing).
fn value<'a>(row: &'a [String], mapping: &[Option<ImportField>], field: ImportField) -> &'a str {
    mapping
        .iter()
        .position(|m| *m == Some(field))
        .and_then(|i| row.get(i))
        .map(String::as_str)
        .unwrap_or("")
}

fn column_name(headers: &[String], mapping: &[Option<ImportField>], field: ImportField) -> String {
    mapping
        .iter()
        .position(|m| *m == Some(field))
        .and_then(|i| headers.get(i).cloned())
        .unwrap_or_else(|| field.label(Lang::Vi).to_string())
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

struct ValidatedHouseholds {
    preview: ImportPreview,
    rows: Vec<(HouseholdInput, String)>,
}

async fn validate_households(
    pool: &Pool,
    user: &SessionUser,
    table: &Table,
    mapping: &[Option<ImportField>],
    this_year: i32,
) -> AppResult<ValidatedHouseholds> {
    check_mapping(ImportKind::Households, mapping).map_err(AppError::BadRequest)?;
    #[derive(sqlx::FromRow)]
    struct Village {
        id: i64,
        code: String,
        name: String,
        path: String,
        active: bool,
    }
    let villages: HashMap<String, Village> = sqlx::query_as::<_, Village>(
        "SELECT id, code, name, path, active FROM org_units WHERE level = 'thon'",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|v| (v.code.to_lowercase(), v))
    .collect();

    let mut errors: Vec<RowError> = Vec::new();
    let mut error_count = 0usize;
    let mut push_error = |errors: &mut Vec<RowError>, row: usize, column: String, message: Msg| {
        error_count += 1;
        if errors.len() < MAX_REPORTED_ERRORS {
            errors.push(RowError {
                row,
                column,
                message,
            });
        }
    };
    let col = |f: ImportField| column_name(&table.headers, mapping, f);
    let mut seen_keys: HashMap<String, usize> = HashMap::new();
    let mut seen_codes: HashMap<(i64, String), usize> = HashMap::new();
    let mut existing_keys: HashMap<i64, HashMap<String, i64>> = HashMap::new();
    let mut valid = Vec::new();

    for (row_no, cells) in &table.rows {
        let row_no = *row_no;
        // Looked up without case; quoted in messages as typed, so the officer finds the cell.
        let typed_code = value(cells, mapping, ImportField::VillageCode);
        let village_code = typed_code.to_lowercase();
        // A village outside the caller's scope is treated exactly as an unknown code: the
        // message must not tell whether it exists, let alone name it.
        let village = villages
            .get(&village_code)
            .filter(|v| user.can_at(Permission::WriteRegistry, &v.path));
        let mut row_ok = true;
        let village = match village {
            None => {
                push_error(
                    &mut errors,
                    row_no,
                    col(ImportField::VillageCode),
                    if village_code.is_empty() {
                        Msg::new(
                            "Thiếu mã thôn / tổ dân phố.",
                            "The village code is missing.",
                        )
                    } else {
                        Msg::new(
                            format!("Không có thôn / tổ dân phố mã \"{typed_code}\" trong phạm vi quản lý của bạn."),
                            format!("No village in your area has code \"{typed_code}\"."),
                        )
                    },
                );
                row_ok = false;
                None
            }
            Some(v) if !v.active => {
                push_error(
                    &mut errors,
                    row_no,
                    col(ImportField::VillageCode),
                    Msg::new(
                        format!("{} đã ngừng hoạt động.", v.name),
                        format!("{} is inactive.", v.name),
                    ),
                );
                row_ok = false;
                None
            }
            Some(v) => Some(v),
        };
        let input = HouseholdInput {
            village_id: village.map(|v| v.id).unwrap_or(1),
            code: value(cells, mapping, ImportField::HouseholdCode).to_string(),
            head_name: value(cells, mapping, ImportField::HeadName).to_string(),
            address: value(cells, mapping, ImportField::Address).to_string(),
            phone: restore_phone_zero(value(cells, mapping, ImportField::Phone)),
            members: parse_members(value(cells, mapping, ImportField::Members)),
        };
        let input = match input.validate(this_year) {
            Ok(i) => i,
            Err(field_errors) => {
                for e in field_errors {
                    let column = match e.field.as_str() {
                        "head_name" => col(ImportField::HeadName),
                        "address" => col(ImportField::Address),
                        "phone" => col(ImportField::Phone),
                        "code" => col(ImportField::HouseholdCode),
                        _ => col(ImportField::Members),
                    };
                    push_error(&mut errors, row_no, column, e.message);
                }
                continue;
            }
        };
        let Some(village) = village.filter(|_| row_ok) else {
            continue;
        };
        let key = household_duplicate_key(village.id, &input.head_name, &input.address);
        if let Some(first) = seen_keys.get(&key) {
            push_error(
                &mut errors,
                row_no,
                col(ImportField::HeadName),
                Msg::new(
                    format!("Trùng với dòng {first} (cùng chủ hộ, địa chỉ và thôn)."),
                    format!("Duplicate of row {first} (same head, address and village)."),
                ),
            );
            continue;
        }
        seen_keys.insert(key.clone(), row_no);
        if !input.code.is_empty() {
            let code_key = (village.id, input.code.to_lowercase());
            if let Some(first) = seen_codes.get(&code_key) {
                push_error(
                    &mut errors,
                    row_no,
                    col(ImportField::HouseholdCode),
                    Msg::new(
                        format!("Mã hộ trùng với dòng {first}."),
                        format!("Household code duplicates row {first}."),
                    ),
                );
                continue;
            }
            seen_codes.insert(code_key, row_no);
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = existing_keys.entry(village.id) {
            #[derive(sqlx::FromRow)]
            struct Existing {
                id: i64,
                dup_key: String,
                code: String,
            }
            let rows = sqlx::query_as::<_, Existing>(
                "SELECT id, dup_key, code FROM households WHERE village_id = $1 AND active",
            )
            .bind(village.id)
            .fetch_all(pool)
            .await?;
            let mut map = HashMap::new();
            for r in rows {
                map.insert(r.dup_key, r.id);
                if !r.code.is_empty() {
                    map.insert(format!("code:{}", r.code.to_lowercase()), r.id);
                }
            }
            slot.insert(map);
        }
        let existing = &existing_keys[&village.id];
        if let Some(id) = existing.get(&key) {
            push_error(
                &mut errors,
                row_no,
                col(ImportField::HeadName),
                Msg::new(
                    format!("Hộ này đã có trong danh sách (hộ số {id})."),
                    format!("This household is already registered (no. {id})."),
                ),
            );
            continue;
        }
        if let Some(id) = existing
            .get(&format!("code:{}", input.code.to_lowercase()))
            .filter(|_| !input.code.is_empty())
        {
            push_error(
                &mut errors,
                row_no,
                col(ImportField::HouseholdCode),
                Msg::new(
                    format!("Mã hộ đã được dùng cho hộ số {id}."),
                    format!("The household code is already used by no. {id}."),
                ),
            );
            continue;
        }
        valid.push((input, village.path.clone()));
    }
    let preview_rows = valid
        .iter()
        .take(20)
        .map(|(h, _)| {
            let village_name = villages
                .values()
                .find(|v| v.id == h.village_id)
                .map(|v| v.name.clone())
                .unwrap_or_default();
            vec![
                village_name,
                h.code.clone(),
                h.head_name.clone(),
                h.address.clone(),
                h.phone.clone(),
                (h.members.len() + 1).to_string(),
            ]
        })
        .collect();
    Ok(ValidatedHouseholds {
        preview: ImportPreview {
            total_rows: table.rows.len(),
            valid_rows: valid.len(),
            error_count,
            errors,
            preview: preview_rows,
            preview_headers: vec![
                "Thôn / tổ dân phố".into(),
                "Mã hộ".into(),
                "Chủ hộ".into(),
                "Địa chỉ".into(),
                "Điện thoại".into(),
                "Số nhân khẩu".into(),
            ],
        },
        rows: valid,
    })
}

/// Dry run of a household import: every row checked, nothing written.
pub async fn preview_households(
    pool: &Pool,
    user: &SessionUser,
    batch_id: i64,
    mapping: &[Option<ImportField>],
    this_year: i32,
) -> AppResult<ImportPreview> {
    let (table, _) = load_batch(pool, user, batch_id, ImportKind::Households).await?;
    Ok(validate_households(pool, user, &table, mapping, this_year)
        .await?
        .preview)
}

fn refuse_with_errors(preview: &ImportPreview) -> AppError {
    AppError::bad_request(
        format!(
            "Tệp còn {} lỗi nên chưa nhập dòng nào. Hãy sửa tệp rồi tải lên lại.",
            preview.error_count
        ),
        format!(
            "The file still has {} errors, so nothing was imported. Fix the file and upload it again.",
            preview.error_count
        ),
    )
}

/// Imports every row of a household file in one transaction, or none if any row is invalid.
pub async fn commit_households(
    pool: &Pool,
    user: &SessionUser,
    batch_id: i64,
    mapping: &[Option<ImportField>],
    this_year: i32,
) -> AppResult<ImportOutcome> {
    let (table, filename) = load_batch(pool, user, batch_id, ImportKind::Households).await?;
    let validated = validate_households(pool, user, &table, mapping, this_year).await?;
    if validated.preview.error_count > 0 {
        return Err(refuse_with_errors(&validated.preview));
    }
    let mut tx = db::begin_write(pool).await?;
    let common_path = common_prefix(validated.rows.iter().map(|(_, p)| p.as_str()));
    for (input, path) in &validated.rows {
        let id = match households::insert(&mut tx, input).await {
            Ok(id) => id,
            Err(e) if db::is_unique_violation(&e, "households_code_key") => {
                return Err(AppError::bad_request(
                    format!("Mã hộ \"{}\" vừa được người khác dùng. Chưa nhập dòng nào.", input.code),
                    format!("Household code \"{}\" was just taken by someone else. Nothing was imported.", input.code),
                ))
            }
            Err(e) => return Err(e.into()),
        };
        audit::record(
            &mut tx,
            user,
            Change {
                action: "import",
                entity: "household",
                entity_id: Some(id),
                unit_path: path,
                summary: input.head_name.clone(),
            },
            None::<&()>,
            Some(input),
        )
        .await?;
    }
    let marked = sqlx::query(
        "UPDATE import_batches SET committed_at = $1 WHERE id = $2 AND committed_at IS NULL",
    )
    .bind(db::now())
    .bind(batch_id)
    .execute(&mut *tx)
    .await?;
    if marked.rows_affected() == 0 {
        return Err(AppError::bad_request(
            "Tệp này đã được nhập.",
            "This file has already been imported.",
        ));
    }
    audit::record(
        &mut tx,
        user,
        Change {
            action: "import",
            entity: "import_batch",
            entity_id: Some(batch_id),
            unit_path: &common_path,
            summary: format!("{filename}: {} hộ", validated.rows.len()),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(ImportOutcome {
        inserted: validated.rows.len(),
    })
}

/// The longest common path prefix (ending in `/`) of some paths.
fn common_prefix<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    let mut prefix: Option<String> = None;
    for p in paths {
        prefix = Some(match prefix {
            None => p.to_string(),
            Some(cur) => {
                let mut end = 0;
                for ((i, a), b) in cur.char_indices().zip(p.chars()) {
                    if a != b {
                        break;
                    }
                    if a == '/' {
                        end = i + 1;
                    }
                }
                cur[..end].to_string()
            }
        });
    }
    prefix.unwrap_or_else(|| "/".into())
}

// ---------------------------------------------------------------------------------------------
// Org-unit tree import

use crate::domain::org::code_key;
use crate::server::auth::require_at;
use crate::server::db::Conn;

/// What an org-unit import row will do.
#[derive(Debug, Clone, PartialEq)]
enum UnitAction {
    Create,
    Rename { id: i64, path: String },
    Unchanged,
}

struct UnitRow {
    row: usize,
    code: String,
    name: String,
    level: OrgLevel,
    parent_code: String,
    action: UnitAction,
}

/// Checks every row of a unit file against the tree as `conn` sees it. The commit calls this
/// again inside its write transaction, so what it writes was checked — codes, parents, levels
/// and the caller's scope — against exactly the tree it writes into. Codes are compared by
/// [`code_key`], the same key as the database's unique index and [`org_units::get_by_code`].
async fn validate_units(
    conn: &mut Conn,
    user: &SessionUser,
    table: &Table,
    mapping: &[Option<ImportField>],
) -> AppResult<(ImportPreview, Vec<UnitRow>)> {
    check_mapping(ImportKind::OrgUnits, mapping).map_err(AppError::BadRequest)?;
    #[derive(sqlx::FromRow)]
    struct Existing {
        id: i64,
        code: String,
        name: String,
        level: String,
        path: String,
        parent_code: Option<String>,
    }
    let existing: HashMap<String, Existing> = sqlx::query_as::<_, Existing>(
        "SELECT u.id, u.code, u.name, u.level, u.path, p.code AS parent_code FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|e| (code_key(&e.code), e))
    .collect();
    let col = |f: ImportField| column_name(&table.headers, mapping, f);
    let mut errors = Vec::new();
    let mut error_count = 0usize;
    let mut push = |errors: &mut Vec<RowError>, row: usize, column: String, message: Msg| {
        error_count += 1;
        if errors.len() < MAX_REPORTED_ERRORS {
            errors.push(RowError {
                row,
                column,
                message,
            });
        }
    };
    // First pass: every code of the file with its level, so parents may come later in the file.
    let mut in_file: HashMap<String, (usize, Option<OrgLevel>)> = HashMap::new();
    for (row_no, cells) in &table.rows {
        let code = code_key(value(cells, mapping, ImportField::UnitCode));
        let level = OrgLevel::parse(value(cells, mapping, ImportField::UnitLevel));
        if !code.is_empty() && !in_file.contains_key(&code) {
            in_file.insert(code, (*row_no, level));
        }
    }
    let mut rows = Vec::new();
    for (row_no, cells) in &table.rows {
        let row_no = *row_no;
        let code = value(cells, mapping, ImportField::UnitCode).to_string();
        let name = clean(value(cells, mapping, ImportField::UnitName));
        let parent_code = value(cells, mapping, ImportField::ParentCode).to_string();
        let mut ok = true;
        if !crate::domain::org::valid_code(&code) {
            push(
                &mut errors,
                row_no,
                col(ImportField::UnitCode),
                Msg::new(
                    "Mã đơn vị gồm 1–20 chữ cái không dấu, chữ số, dấu gạch hoặc dấu chấm.",
                    "A unit code has 1–20 letters, digits, dashes or dots.",
                ),
            );
            ok = false;
        } else if in_file
            .get(&code_key(&code))
            .is_some_and(|(first, _)| *first != row_no)
        {
            let first = in_file[&code_key(&code)].0;
            push(
                &mut errors,
                row_no,
                col(ImportField::UnitCode),
                Msg::new(
                    format!("Mã đơn vị trùng với dòng {first}."),
                    format!("The unit code duplicates row {first}."),
                ),
            );
            ok = false;
        }
        if name.is_empty() {
            push(
                &mut errors,
                row_no,
                col(ImportField::UnitName),
                Msg::new("Thiếu tên đơn vị.", "The unit name is missing."),
            );
            ok = false;
        }
        let Some(level) = OrgLevel::parse(value(cells, mapping, ImportField::UnitLevel)) else {
            push(&mut errors, row_no, col(ImportField::UnitLevel), Msg::new(
                "Cấp không hợp lệ: dùng Tỉnh, Huyện, Xã (phường, thị trấn) hoặc Thôn (tổ dân phố).",
                "Unknown level: use province, district, commune or village.",
            ));
            continue;
        };
        // The parent, looked up as the commit will: in the database first (the commit finds
        // it there with `get_by_code`, and its scope is checked on it), else in the file
        // (created by this import before its children). A unit of the file that already
        // exists is therefore checked on its stored path, even when the file leaves it
        // unchanged. A parent outside the caller's scope gets the same message as an unknown
        // code: the import does not reveal which codes exist elsewhere.
        let parent_not_found = Msg::new(
            format!("Không có đơn vị cấp trên mã \"{parent_code}\" trong phạm vi quản lý của bạn."),
            format!("No parent unit with code \"{parent_code}\" in your area."),
        );
        let parent_level = if parent_code.is_empty() {
            None
        } else {
            let found = match existing.get(&code_key(&parent_code)) {
                Some(e) if user.can_at(Permission::ManageOrgUnits, &e.path) => {
                    Some(OrgLevel::parse(&e.level))
                }
                Some(_) => None,
                None => in_file.get(&code_key(&parent_code)).map(|(_, l)| *l),
            };
            let Some(level) = found else {
                push(
                    &mut errors,
                    row_no,
                    col(ImportField::ParentCode),
                    parent_not_found,
                );
                continue;
            };
            level
        };
        match parent_level {
            None if level != OrgLevel::Province => {
                push(
                    &mut errors,
                    row_no,
                    col(ImportField::ParentCode),
                    Msg::new(
                        "Thiếu mã đơn vị cấp trên (chỉ cấp tỉnh mới không có).",
                        "The parent code is missing (only a province has none).",
                    ),
                );
                ok = false;
            }
            None => {
                if !user.can_at_root(Permission::ManageOrgUnits) {
                    push(
                        &mut errors,
                        row_no,
                        col(ImportField::UnitLevel),
                        Msg::new(
                            "Bạn không có quyền thêm đơn vị cấp tỉnh.",
                            "You may not add a province.",
                        ),
                    );
                    ok = false;
                }
            }
            Some(pl) if !pl.may_contain(level) => {
                push(
                    &mut errors,
                    row_no,
                    col(ImportField::UnitLevel),
                    Msg::new(
                        format!(
                            "Cấp \"{}\" không thể nằm dưới cấp \"{}\".",
                            level.label(Lang::Vi),
                            pl.label(Lang::Vi)
                        ),
                        format!(
                            "A {} cannot sit under a {}.",
                            level.label(Lang::En),
                            pl.label(Lang::En)
                        ),
                    ),
                );
                ok = false;
            }
            Some(_) => {}
        }
        let action = match existing.get(&code_key(&code)) {
            None => UnitAction::Create,
            Some(e) => {
                if code_key(e.parent_code.as_deref().unwrap_or("")) != code_key(&parent_code) {
                    push(&mut errors, row_no, col(ImportField::ParentCode), Msg::new(
                        format!("Đơn vị \"{code}\" đã có và thuộc đơn vị cấp trên khác. Hãy dùng chức năng Chuyển đơn vị."),
                        format!("Unit \"{code}\" exists under another parent. Use Move instead."),
                    ));
                    ok = false;
                    UnitAction::Unchanged
                } else if OrgLevel::parse(&e.level) != Some(level) {
                    push(
                        &mut errors,
                        row_no,
                        col(ImportField::UnitLevel),
                        Msg::new(
                            "Không đổi được cấp của đơn vị đã có.",
                            "The level of an existing unit cannot change.",
                        ),
                    );
                    ok = false;
                    UnitAction::Unchanged
                } else if e.name != name {
                    if !user.can_at(Permission::ManageOrgUnits, &e.path) {
                        push(
                            &mut errors,
                            row_no,
                            col(ImportField::UnitCode),
                            Msg::new(
                                format!("Đơn vị \"{code}\" nằm ngoài phạm vi quản lý của bạn."),
                                format!("Unit \"{code}\" is outside your area."),
                            ),
                        );
                        ok = false;
                    }
                    UnitAction::Rename {
                        id: e.id,
                        path: e.path.clone(),
                    }
                } else {
                    UnitAction::Unchanged
                }
            }
        };
        if ok {
            rows.push(UnitRow {
                row: row_no,
                code,
                name,
                level,
                parent_code,
                action,
            });
        }
    }
    let preview = ImportPreview {
        total_rows: table.rows.len(),
        valid_rows: rows.len(),
        error_count,
        errors,
        preview: rows
            .iter()
            .take(50)
            .map(|r| {
                vec![
                    r.row.to_string(),
                    r.code.clone(),
                    r.name.clone(),
                    r.level.label(Lang::Vi).to_string(),
                    r.parent_code.clone(),
                    match r.action {
                        UnitAction::Create => "Thêm mới".into(),
                        UnitAction::Rename { .. } => "Đổi tên".into(),
                        UnitAction::Unchanged => "Không đổi".into(),
                    },
                ]
            })
            .collect(),
        preview_headers: vec![
            "Dòng".into(),
            "Mã".into(),
            "Tên".into(),
            "Cấp".into(),
            "Mã cấp trên".into(),
            "Thao tác".into(),
        ],
    };
    Ok((preview, rows))
}

/// Dry run of an org-unit import.
pub async fn preview_units(
    pool: &Pool,
    user: &SessionUser,
    batch_id: i64,
    mapping: &[Option<ImportField>],
) -> AppResult<ImportPreview> {
    let (table, _) = load_batch(pool, user, batch_id, ImportKind::OrgUnits).await?;
    let mut conn = pool.acquire().await?;
    Ok(validate_units(&mut conn, user, &table, mapping).await?.0)
}

/// Imports an org-unit file: all rows or none. Parents are created before their children.
pub async fn commit_units(
    pool: &Pool,
    user: &SessionUser,
    batch_id: i64,
    mapping: &[Option<ImportField>],
) -> AppResult<ImportOutcome> {
    let (table, filename) = load_batch(pool, user, batch_id, ImportKind::OrgUnits).await?;
    // Validate again under the write lock: the tree (and the caller's scope over it) may have
    // changed since the preview, and what is written must be what was checked.
    let mut tx = db::begin_write(pool).await?;
    let (preview, mut rows) = validate_units(&mut tx, user, &table, mapping).await?;
    if preview.error_count > 0 {
        return Err(refuse_with_errors(&preview));
    }
    rows.sort_by_key(|r| r.level);
    let mut changed = 0usize;
    let mut first_path: Option<String> = None;
    for r in &rows {
        match &r.action {
            UnitAction::Unchanged => {}
            UnitAction::Rename { id, path } => {
                sqlx::query("UPDATE org_units SET name = $1, search_key = $2, updated_at = $3, version = version + 1 WHERE id = $4")
                    .bind(&r.name)
                    .bind(crate::domain::text::search_key(&r.name))
                    .bind(db::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                audit::record(
                    &mut tx,
                    user,
                    Change {
                        action: "import",
                        entity: "org_unit",
                        entity_id: Some(*id),
                        unit_path: path,
                        summary: format!("{} ({})", r.name, r.code),
                    },
                    None::<&()>,
                    Some(&serde_json::json!({"name": r.name})),
                )
                .await?;
                changed += 1;
            }
            UnitAction::Create => {
                let parent: Option<OrgUnit> = if r.parent_code.is_empty() {
                    None
                } else {
                    Some(
                        org_units::get_by_code(&mut tx, &r.parent_code)
                            .await?
                            .ok_or_else(|| {
                                AppError::bad_request(
                                    format!("Dòng {}: không tìm thấy đơn vị cấp trên.", r.row),
                                    format!("Row {}: parent unit not found.", r.row),
                                )
                            })?,
                    )
                };
                // The last word on scope, on the parent as this transaction sees it.
                match &parent {
                    Some(p) => require_at(user, Permission::ManageOrgUnits, &p.path)?,
                    None if !user.can_at_root(Permission::ManageOrgUnits) => {
                        return Err(AppError::forbidden())
                    }
                    None => {}
                }
                let unit = org_units::insert(
                    &mut tx,
                    &org_units::NewUnit {
                        parent_id: parent.as_ref().map(|p| p.id),
                        level: r.level,
                        code: r.code.clone(),
                        name: r.name.clone(),
                    },
                    parent.as_ref(),
                )
                .await?;
                audit::record(
                    &mut tx,
                    user,
                    Change {
                        action: "import",
                        entity: "org_unit",
                        entity_id: Some(unit.id),
                        unit_path: &unit.path,
                        summary: format!("{} ({})", unit.name, unit.code),
                    },
                    None::<&()>,
                    Some(&unit),
                )
                .await?;
                first_path.get_or_insert(unit.path.clone());
                changed += 1;
            }
        }
    }
    sqlx::query("UPDATE import_batches SET committed_at = $1 WHERE id = $2")
        .bind(db::now())
        .bind(batch_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        user,
        Change {
            action: "import",
            entity: "import_batch",
            entity_id: Some(batch_id),
            unit_path: &user
                .scopes(Permission::ManageOrgUnits)
                .first()
                .cloned()
                .unwrap_or_else(|| "/".into()),
            summary: format!("{filename}: {changed} đơn vị"),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(ImportOutcome { inserted: changed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_text_file_is_not_a_workbook() {
        let err =
            read_table("danh-sach.xlsx", b"this is not a spreadsheet").expect_err("must fail");
        assert!(
            err.message(Lang::Vi).contains("không phải bảng tính"),
            "{err:?}"
        );
    }

    #[test]
    fn empty_and_header_only_files_are_refused() {
        assert!(read_table("a.csv", b"").is_err());
        let err =
            read_table("a.csv", "Mã thôn,Họ tên chủ hộ\n".as_bytes()).expect_err("header only");
        assert!(err.message(Lang::Vi).contains("không có dòng dữ liệu"));
    }

    #[test]
    fn csv_with_semicolons_and_bom_is_read() {
        let text = "\u{feff}Mã thôn;Họ tên chủ hộ\nT1;Hồ Văn A\n\nT2;Đinh Thị B\n";
        let t = read_table("a.csv", text.as_bytes()).expect("readable");
        assert_eq!(t.headers, vec!["Mã thôn", "Họ tên chủ hộ"]);
        assert_eq!(
            t.rows,
            vec![
                (2, vec!["T1".into(), "Hồ Văn A".into()]),
                (4, vec!["T2".into(), "Đinh Thị B".into()])
            ]
        );
    }

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
    fn common_prefix_stops_at_slashes() {
        let paths = ["/1/2/10/", "/1/2/11/"];
        assert_eq!(common_prefix(paths.iter().copied()), "/1/2/");
        assert_eq!(common_prefix(["/1/2/10/"].iter().copied()), "/1/2/10/");
    }
}
