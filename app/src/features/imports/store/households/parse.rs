//! Step 1 of a household import: every row's own fields, with no database. Cells become
//! cleaned, validated [`HouseholdInput`]s with their search keys and the halves of their
//! duplicate keys; a large file is read in parts on scoped threads.

use super::super::{column_name, value, RowErrors};
use crate::domain::import::ImportField;
use crate::domain::registry::{household_duplicate_tail, HouseholdInput, Member};
use crate::features::households::store as households;
use crate::features::imports::store::read::Table;

/// A row that passed every check that needs no database.
pub(super) struct Parsed {
    pub(super) row: usize,
    /// The village code as typed (quoted in messages), and its lookup key.
    pub(super) village_code: String,
    pub(super) village_key: String,
    /// Validated; `village_id` is filled in by `check_against_registry`.
    pub(super) input: HouseholdInput,
    pub(super) search_key: String,
    /// `|head|address` of the duplicate key; the village id goes in front.
    pub(super) dup_tail: String,
    pub(super) code_key: String,
}

/// The columns rows are reported in, named as the file names them.
pub(super) struct Columns {
    pub(super) village: String,
    pub(super) code: String,
    pub(super) head: String,
    pub(super) address: String,
    pub(super) phone: String,
    pub(super) members: String,
}

impl Columns {
    pub(super) fn of(table: &Table, mapping: &[Option<ImportField>]) -> Self {
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
pub(super) struct ParsedFile {
    pub(super) rows: Vec<Parsed>,
    pub(super) errors: RowErrors,
    pub(super) columns: Columns,
    pub(super) total_rows: usize,
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
pub(super) fn parse_rows(
    table: &Table,
    mapping: &[Option<ImportField>],
    this_year: i32,
) -> ParsedFile {
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
