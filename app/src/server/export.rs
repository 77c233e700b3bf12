//! Excel (.xlsx) export of the registry lists and the audit log, with the same filters and
//! scope as the pages that show them.

use crate::error::AppResult;
use crate::server::error::internal;
use rust_xlsxwriter::{Format, Workbook};

/// Largest number of rows one export writes.
pub const MAX_EXPORT_ROWS: i64 = 200_000;

/// Builds a one-sheet workbook: a bold, frozen header row and the data rows.
pub fn workbook(sheet_name: &str, headers: &[&str], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(internal)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            // Everything is written as text: codes and phone numbers keep their leading zeros.
            sheet
                .write_string((r + 1) as u32, c as u16, value)
                .map_err(internal)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(internal)?;
    sheet.autofit();
    book.save_to_buffer().map_err(internal)
}
