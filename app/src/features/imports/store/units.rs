//! Org-unit tree import: codes, names, levels and parents of a file checked against the tree,
//! then created or renamed in one transaction (parents before children), or nothing.

use super::{column_name, load_batch, mark_committed, refuse_with_errors, value, Table};
use crate::backend::audit::{self, Change};
use crate::backend::db::Pool;
use crate::backend::db::{self, Conn};
use crate::backend::session::require_at;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::import::{
    check_mapping, ImportField, ImportKind, ImportOutcome, ImportPreview, RowError,
    MAX_REPORTED_ERRORS,
};
use crate::domain::org::code_key;
use crate::domain::org::{OrgLevel, OrgUnit};
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::clean;
use crate::error::{AppError, AppResult};
use crate::features::org_units::store as org_units;
use crate::i18n::{Lang, Msg};
use std::collections::HashMap;

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
    let table = load_batch(pool, user, batch_id, ImportKind::OrgUnits)
        .await?
        .table;
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
    let batch = load_batch(pool, user, batch_id, ImportKind::OrgUnits).await?;
    let (table, filename) = (batch.table, batch.filename);
    // Validate again under the write lock: the tree (and the caller's scope over it) may have
    // changed since the preview, and what is written must be what was checked.
    let mut tx = db::begin_write(pool).await?;
    let (preview, mut rows) = validate_units(&mut tx, user, &table, mapping).await?;
    if preview.error_count > 0 {
        return Err(refuse_with_errors(preview.error_count));
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
                crate::features::households::store::refresh_place_keys(&mut tx, path).await?;
                audit::record(
                    &mut tx,
                    user,
                    Change {
                        action: AuditAction::Import,
                        entity: AuditEntity::OrgUnit,
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
                        action: AuditAction::Import,
                        entity: AuditEntity::OrgUnit,
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
    mark_committed(&mut tx, batch_id).await?;
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Import,
            entity: AuditEntity::ImportBatch,
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
