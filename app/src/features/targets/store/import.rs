//! Targets from a spreadsheet: one row per unit and year, one column per group, as the
//! targets sheet (`/export/targets.xlsx`) writes them, so a district can download its
//! communes' sheet, fill it in and send it back. The file is read within the imports' limits
//! (`imports::store::read`); every row is checked before anything is written, and then all rows
//! are saved in one transaction, each with its audit entry: a file with one bad row changes
//! nothing and says which rows to fix.
//!
//! A cell left empty keeps what the unit has; "-" removes the unit's own target (it then takes
//! the one above it); a number from 0 to 100 (a "%" sign is allowed) sets it.

use super::write_one;
use crate::backend::db::{self, Pool};
use crate::domain::org::code_key;
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::text::search_key;
use crate::error::{AppError, AppResult, FieldError};
use crate::features::imports::store::read::{read_table, ParseGate, Table};
use crate::features::org_units::store as org_units;
use crate::features::targets::types::{ImportedTargets, TargetKind, TARGET_YEARS};
use std::collections::HashSet;

/// Rows one file may hold (a province's units for a few years).
const MAX_ROWS: usize = 5_000;
/// Row errors listed at most (the rest are counted).
const MAX_ERRORS: usize = 50;

/// What one cell asks for a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Keep,
    Clear,
    Set(u8),
}

/// One checked row: the unit's code as written, its year, and a cell per group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub code: String,
    pub year: i32,
    pub cells: Vec<(TargetKind, Cell)>,
}

/// The words a column heading of each group contains (accents and case ignored).
fn heading_words(kind: TargetKind) -> &'static [&'static str] {
    match kind {
        TargetKind::Households => &["ho gia dinh", "gia dinh"],
        TargetKind::Clans => &["dong ho"],
        TargetKind::Villages => &["thon", "to dan pho"],
        TargetKind::Communes => &["xa", "phuong"],
        TargetKind::LearningUnits => &["don vi hoc tap", "co quan", "to chuc"],
        TargetKind::OfficersTrained => &["tap huan", "can bo"],
    }
}

fn row_error(line: usize, vi: String, en: String) -> FieldError {
    FieldError::new(
        "file",
        format!("Dòng {line}: {vi}"),
        format!("Row {line}: {en}"),
    )
}

fn cell(text: &str) -> Option<Cell> {
    let t = text.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Some(Cell::Keep);
    }
    if t == "-" || t == "—" {
        return Some(Cell::Clear);
    }
    // Spreadsheets write whole numbers as "60" or "60.0"; a share as "0,6" is not a percent.
    let value: f64 = t.replace(',', ".").parse().ok()?;
    (value.fract() == 0.0 && (0.0..=100.0).contains(&value)).then_some(Cell::Set(value as u8))
}

/// Reads the rows of a targets sheet: the unit code, the year and the groups' columns are found
/// by their headings. Every problem is reported with its row.
pub fn parse(table: &Table) -> Result<Vec<Row>, Vec<FieldError>> {
    let keys: Vec<String> = table.headers.iter().map(|h| search_key(h)).collect();
    let find = |words: &[&str], taken: &[usize]| {
        keys.iter()
            .enumerate()
            .position(|(i, k)| !taken.contains(&i) && words.iter().any(|w| k.contains(w)))
    };
    let code_col = find(&["ma don vi", "ma"], &[]);
    let year_col = find(&["nam"], &[]);
    let (Some(code_col), Some(year_col)) = (code_col, year_col) else {
        return Err(vec![FieldError::new(
            "file",
            "Tệp cần có cột \"Mã đơn vị\" và cột \"Năm\" ở dòng đầu.",
            "The file needs the columns \"Mã đơn vị\" (unit code) and \"Năm\" (year) in its first row.",
        )]);
    };
    let mut taken = vec![code_col, year_col];
    // The name column ("Tên đơn vị") is for people; never read it as a group.
    if let Some(name_col) = find(&["ten don vi", "ten"], &taken) {
        taken.push(name_col);
    }
    let mut columns = Vec::new();
    for kind in TargetKind::ALL {
        if let Some(i) = find(heading_words(kind), &taken) {
            taken.push(i);
            columns.push((kind, i));
        }
    }
    if columns.is_empty() {
        return Err(vec![FieldError::new(
            "file",
            "Tệp không có cột chỉ tiêu nào (Hộ gia đình, Dòng họ, Thôn, Xã, Đơn vị học tập, Cán bộ tập huấn).",
            "The file has no target column.",
        )]);
    }
    if table.rows.len() > MAX_ROWS {
        return Err(vec![FieldError::new(
            "file",
            format!(
                "Tệp có {} dòng, nhiều hơn giới hạn {MAX_ROWS} dòng.",
                table.rows.len()
            ),
            format!(
                "The file has {} rows, more than {MAX_ROWS}.",
                table.rows.len()
            ),
        )]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashSet<(String, i32)> = HashSet::new();
    for (line, cells) in &table.rows {
        let text = |i: usize| cells.get(i).map(String::as_str).unwrap_or("").trim();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let code = text(code_col).to_string();
        if code.is_empty() {
            errors.push(row_error(
                *line,
                "thiếu mã đơn vị.".into(),
                "the unit code is missing.".into(),
            ));
            continue;
        }
        let year = text(year_col)
            .trim_end_matches(".0")
            .parse::<i32>()
            .ok()
            .filter(|y| TARGET_YEARS.contains(y));
        let Some(year) = year else {
            errors.push(row_error(
                *line,
                format!(
                    "năm \"{}\" không hợp lệ (từ 2000 đến 2100).",
                    text(year_col)
                ),
                format!(
                    "the year \"{}\" is not valid (2000 to 2100).",
                    text(year_col)
                ),
            ));
            continue;
        };
        if !seen.insert((code_key(&code), year)) {
            errors.push(row_error(
                *line,
                format!("đơn vị {code} năm {year} đã có ở một dòng trên."),
                format!("unit {code}, year {year} is already on a row above."),
            ));
            continue;
        }
        let mut row_cells = Vec::new();
        for (kind, i) in &columns {
            match cell(text(*i)) {
                Some(c) => row_cells.push((*kind, c)),
                None => errors.push(row_error(
                    *line,
                    format!(
                        "chỉ tiêu {} \"{}\" phải là số nguyên từ 0 đến 100 (để trống: giữ nguyên; \"-\": bỏ chỉ tiêu riêng).",
                        kind.label(crate::i18n::Lang::Vi).to_lowercase(),
                        text(*i)
                    ),
                    format!("the {} target \"{}\" must be a whole number from 0 to 100.", kind.code(), text(*i)),
                )),
            }
        }
        rows.push(Row {
            line: *line,
            code,
            year,
            cells: row_cells,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn refuse(mut errors: Vec<FieldError>) -> AppError {
    let more = errors.len().saturating_sub(MAX_ERRORS);
    errors.truncate(MAX_ERRORS);
    if more > 0 {
        errors.push(FieldError::new(
            "file",
            format!("… và {more} lỗi khác. Không có chỉ tiêu nào được lưu."),
            format!("… and {more} more. No target was saved."),
        ));
    } else {
        errors.push(FieldError::new(
            "file",
            "Không có chỉ tiêu nào được lưu. Hãy sửa các dòng trên rồi tải tệp lên lại.",
            "No target was saved. Fix the rows above and upload the file again.",
        ));
    }
    AppError::Validation(errors)
}

/// The headings of the targets sheet, always in Vietnamese: the file is a form read back.
pub fn sheet_headings() -> Vec<String> {
    let mut out = vec!["Mã đơn vị".to_string(), "Tên đơn vị".into(), "Năm".into()];
    out.extend(
        TargetKind::ALL
            .into_iter()
            .map(|k| format!("{} (%)", k.label(crate::i18n::Lang::Vi))),
    );
    out
}

/// The targets sheet of a unit and its children for `year`: a row each with its own targets
/// (empty where it takes the one above), to fill in and upload again. Needs `SetTargets` or
/// `ViewDashboard` at the unit, as reading them does.
pub async fn sheet(
    pool: &Pool,
    user: &SessionUser,
    unit_id: Option<i64>,
    year: i32,
) -> AppResult<Vec<Vec<String>>> {
    let here = super::find(pool, user, unit_id, year).await?;
    let mut ids = vec![here.unit_id];
    ids.extend(here.children.iter().map(|(id, _)| *id));
    let mut conn = pool.acquire().await?;
    let set = super::set_at(&mut conn, &ids, Some(year)).await?;
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(unit) = org_units::get_in(&mut conn, id).await? else {
            continue;
        };
        let mut row = vec![unit.code, unit.name, year.to_string()];
        row.extend(TargetKind::ALL.into_iter().map(|kind| {
            set.iter()
                .find(|(u, _, k, _)| *u == id && *k == kind)
                .map(|(_, _, _, p)| p.to_string())
                .unwrap_or_default()
        }));
        rows.push(row);
    }
    Ok(rows)
}

/// Reads a targets file and saves every row, all or nothing, as `user` (who needs
/// `SetTargets` at each row's unit).
pub async fn import_file(
    pool: &Pool,
    user: &SessionUser,
    filename: &str,
    bytes: Vec<u8>,
) -> AppResult<ImportedTargets> {
    let name = filename.to_string();
    let table = ParseGate::shared()
        .run(move || read_table(&name, &bytes))
        .await?;
    let rows = parse(&table).map_err(refuse)?;
    if rows.is_empty() {
        return Err(AppError::field(
            "file",
            "Tệp không có dòng chỉ tiêu nào.",
            "The file has no target rows.",
        ));
    }
    let mut tx = db::begin_write(pool).await?;
    // Every unit and permission is checked before the first write.
    let mut errors = Vec::new();
    let mut units = Vec::with_capacity(rows.len());
    for row in &rows {
        match org_units::get_by_code(&mut tx, &row.code).await? {
            None => errors.push(row_error(
                row.line,
                format!("không có đơn vị mã \"{}\".", row.code),
                format!("there is no unit with the code \"{}\".", row.code),
            )),
            Some(unit) if !user.can_at(Permission::SetTargets, &unit.path) => {
                errors.push(row_error(
                    row.line,
                    format!("bạn không có quyền đặt chỉ tiêu cho {}.", unit.name),
                    format!("you may not set targets for {}.", unit.name),
                ))
            }
            Some(unit) => units.push(unit),
        }
    }
    if !errors.is_empty() {
        return Err(refuse(errors));
    }
    let mut changed = 0;
    for (row, unit) in rows.iter().zip(&units) {
        let current: Vec<(TargetKind, u8)> = super::set_at(&mut tx, &[unit.id], Some(row.year))
            .await?
            .into_iter()
            .map(|(_, _, k, p)| (k, p))
            .collect();
        let percents: Vec<(TargetKind, Option<u8>)> = TargetKind::ALL
            .into_iter()
            .map(|kind| {
                let now = current.iter().find(|(k, _)| *k == kind).map(|(_, p)| *p);
                let asked = row
                    .cells
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map_or(Cell::Keep, |(_, c)| *c);
                let value = match asked {
                    Cell::Keep => now,
                    Cell::Clear => None,
                    Cell::Set(p) => Some(p),
                };
                (kind, value)
            })
            .collect();
        if write_one(&mut tx, user, unit, row.year, &percents).await? {
            changed += 1;
        }
    }
    tx.commit().await?;
    Ok(ImportedTargets {
        rows: rows.len(),
        changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| (i + 2, r.iter().map(|c| c.to_string()).collect()))
                .collect(),
        }
    }

    #[test]
    fn columns_are_found_by_their_headings_and_cells_read_as_asked() {
        let t = table(
            &[
                "Mã đơn vị",
                "Tên đơn vị",
                "Năm",
                "Hộ gia đình (%)",
                "Dòng họ (%)",
                "Cán bộ được tập huấn (%)",
            ],
            &[
                &["51-TB-02", "Xã Trà Bình", "2027", "65%", "", "-"],
                &["", "", "", "", "", ""],
            ],
        );
        let rows = parse(&t).unwrap();
        assert_eq!(rows.len(), 1, "the blank row is skipped");
        assert_eq!(rows[0].year, 2027);
        assert_eq!(
            rows[0].cells,
            vec![
                (TargetKind::Households, Cell::Set(65)),
                (TargetKind::Clans, Cell::Keep),
                (TargetKind::OfficersTrained, Cell::Clear),
            ]
        );
    }

    #[test]
    fn every_bad_row_is_named_and_nothing_passes() {
        let t = table(
            &["Mã đơn vị", "Năm", "Hộ gia đình"],
            &[
                &["51-TB-02", "2027", "120"],
                &["51-TB-03", "năm nay", "60"],
                &["51-tb-03", "2027", "60"],
                &["51-TB-03", "2027", "0,6"],
                &["", "2027", "60"],
            ],
        );
        let errors = parse(&t).unwrap_err();
        let lines: Vec<&str> = errors
            .iter()
            .map(|e| e.message.vi.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(
            lines,
            vec!["Dòng 2", "Dòng 3", "Dòng 5", "Dòng 6"],
            "{errors:?}"
        );
        let t = table(&["Mã đơn vị", "Năm", "Hộ"], &[&["51-TB-02", "2027", "60"]]);
        assert!(parse(&t).is_err(), "no group column");
        let t = table(&["Đơn vị", "Hộ gia đình"], &[]);
        assert!(parse(&t).is_err(), "no code or year column");
    }
}
