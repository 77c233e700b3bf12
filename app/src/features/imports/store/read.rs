//! Reading an uploaded file (.xlsx or CSV) into text cells, within hard limits, off the async
//! runtime.
//!
//! Any officer can upload a file, so a file is hostile until it has been read. Nothing large is
//! allocated before it has been checked against [`Limits`]:
//!
//! 1. the zip container: the number of entries, every entry's declared size and compression
//!    ratio, and then every entry decompressed through a byte counter that stops at the limit
//!    (declared sizes can lie) — all before calamine opens the file, because calamine holds the
//!    shared strings in memory whole;
//! 2. the sheet's declared `<dimension ref=…>`, then the real position of every cell as it is
//!    streamed. calamine's `worksheet_range` is never used: it builds a dense width × height
//!    grid, so a 1.5 KB workbook with cells only at A1 and XFD1048576 made it allocate 17 billion
//!    cells and abort the process. Cells are collected sparsely and the grid is built only once
//!    its size is known to be within the limits;
//! 3. the number of cells, the bytes of text they hold, and the time spent.
//!
//! Legacy .xls (a binary format) and OpenDocument .ods (whose repeated-cell attributes inflate
//! the same way) are refused with a message asking for .xlsx or CSV, rather than read unbounded.
//!
//! Parsing is CPU-bound and may take seconds: [`ParseGate`] runs it on the blocking thread pool,
//! as many at once as there are cores; a request that cannot get a turn soon is told the server
//! is busy (503) instead of queueing without end.

use crate::domain::text::clean;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use std::io::{Cursor, Read};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Largest number of data rows one import may hold (the import rule; the reader's own bound,
/// [`Limits::max_data_rows`], is higher).
pub const MAX_ROWS: usize = 200_000;

const MIB: u64 = 1024 * 1024;

/// A file read into text cells. `rows` keep their spreadsheet row numbers (header = 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// The hard limits an uploaded file is read within. Every one is checked before the memory it
/// guards is allocated; going over one is a file error that names the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Data rows (the header row not counted).
    pub max_data_rows: usize,
    /// Height of the sheet from its first to its last used row, blank rows included (declared
    /// or real).
    pub max_sheet_rows: u32,
    /// Width of the sheet from its first to its last used column (declared or real).
    pub max_columns: u32,
    /// Cells held in memory: non-empty cells as they are read, then rows × width of the grid.
    pub max_cells: usize,
    /// Text of all cells together, in bytes: one long shared string referenced by every cell
    /// would otherwise be copied into each of them.
    pub max_text_bytes: usize,
    /// Entries in the zip container (a real workbook has a few dozen).
    pub max_zip_entries: usize,
    /// All entries of the zip container together, decompressed.
    pub max_unzipped_bytes: u64,
    /// The shared-strings part alone, decompressed: the reader holds it in memory whole.
    pub max_shared_strings_bytes: u64,
    /// Largest decompressed-to-compressed ratio of one entry (real workbooks are about 5–20×,
    /// zip bombs 1000× and more)…
    pub max_ratio: u64,
    /// …applied once an entry has decompressed to more than this (small parts of repetitive
    /// XML legitimately compress very well).
    pub ratio_from_bytes: u64,
    /// Time spent reading one file. The preview and commit server functions answer within
    /// 30 s (the request timeout), so this stays below it.
    pub max_time: Duration,
}

impl Limits {
    /// The limits every upload, preview and commit is read with. A careful operator's choice:
    /// room for 200,000 households with a few dozen columns, a few hundred MB at most.
    pub const DEFAULT: Limits = Limits {
        max_data_rows: 250_000,
        max_sheet_rows: 260_000,
        max_columns: 100,
        max_cells: 5_000_000,
        max_text_bytes: 128 * MIB as usize,
        max_zip_entries: 1_000,
        max_unzipped_bytes: 256 * MIB,
        max_shared_strings_bytes: 64 * MIB,
        max_ratio: 100,
        ratio_from_bytes: MIB,
        max_time: Duration::from_secs(20),
    };
}

fn file_error(vi: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::bad_request(vi, en)
}

/// `n` with thousands separators: `200.000` in Vietnamese, `200,000` in English.
fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

fn vi_n(n: impl TryInto<u64>) -> String {
    grouped(n.try_into().unwrap_or(u64::MAX), '.')
}

fn en_n(n: impl TryInto<u64>) -> String {
    grouped(n.try_into().unwrap_or(u64::MAX), ',')
}

fn unreadable() -> AppError {
    file_error(
        "Không đọc được bảng tính: tệp hỏng hoặc không đúng định dạng Excel.",
        "Could not read the workbook: the file is damaged or not an Excel file.",
    )
}

fn empty_file() -> AppError {
    file_error("Tệp rỗng, không có dữ liệu.", "The file is empty.")
}

fn too_many_columns(limits: &Limits) -> AppError {
    let max = limits.max_columns;
    file_error(
        format!("Tệp có quá nhiều cột (tối đa {} cột). Hãy xoá các cột thừa, hoặc chép phần dữ liệu sang một trang tính mới rồi lưu lại.", vi_n(max)),
        format!("The file has too many columns (at most {}). Delete the extra columns, or copy the data to a new sheet and save again.", en_n(max)),
    )
}

fn too_many_sheet_rows(limits: &Limits) -> AppError {
    let max = limits.max_sheet_rows;
    file_error(
        format!("Trang tính quá cao (tối đa {} dòng tính cả dòng trống). Hãy xoá các dòng thừa ở cuối trang, hoặc chép phần dữ liệu sang một trang tính mới rồi lưu lại.", vi_n(max)),
        format!("The sheet is too tall (at most {} rows, blank rows included). Delete the extra rows at the end, or copy the data to a new sheet and save again.", en_n(max)),
    )
}

fn too_many_data_rows(limits: &Limits) -> AppError {
    let max = limits.max_data_rows;
    file_error(
        format!(
            "Tệp có quá nhiều dòng dữ liệu (tối đa {} dòng). Hãy chia nhỏ tệp.",
            vi_n(max)
        ),
        format!(
            "The file has too many data rows (at most {}). Split it.",
            en_n(max)
        ),
    )
}

fn too_many_cells(limits: &Limits) -> AppError {
    let max = limits.max_cells;
    file_error(
        format!(
            "Tệp có quá nhiều ô dữ liệu (tối đa {} ô). Hãy xoá các cột thừa hoặc chia nhỏ tệp.",
            vi_n(max)
        ),
        format!(
            "The file has too many cells (at most {}). Delete extra columns or split it.",
            en_n(max)
        ),
    )
}

fn too_much_text(limits: &Limits) -> AppError {
    let mb = limits.max_text_bytes as u64 / MIB;
    file_error(
        format!(
            "Tệp chứa quá nhiều chữ (tối đa {} MB văn bản trong các ô). Hãy chia nhỏ tệp.",
            vi_n(mb)
        ),
        format!(
            "The file holds too much text (at most {} MB in its cells). Split it.",
            en_n(mb)
        ),
    )
}

fn too_big_unzipped(limits: &Limits) -> AppError {
    let mb = limits.max_unzipped_bytes / MIB;
    file_error(
        format!("Tệp khi giải nén quá lớn (tối đa {} MB). Tệp có thể bị hỏng hoặc được tạo để gây hại; hãy mở bằng Excel, kiểm tra rồi lưu lại dạng .xlsx.", vi_n(mb)),
        format!("The file is too large once decompressed (at most {} MB). It may be damaged or made to cause harm; open it in Excel, check it and save it as .xlsx again.", en_n(mb)),
    )
}

fn too_many_shared_strings(limits: &Limits) -> AppError {
    let mb = limits.max_shared_strings_bytes / MIB;
    file_error(
        format!("Phần văn bản dùng chung (sharedStrings) của tệp quá lớn (tối đa {} MB). Hãy chia nhỏ tệp.", vi_n(mb)),
        format!("The file's shared-strings part is too large (at most {} MB). Split it.", en_n(mb)),
    )
}

fn abnormal_ratio(limits: &Limits) -> AppError {
    let ratio = limits.max_ratio;
    file_error(
        format!("Tệp bị nén bất thường (tỉ lệ nén tối đa {} lần). Tệp có thể bị hỏng hoặc được tạo để gây hại; hãy mở bằng Excel, kiểm tra rồi lưu lại dạng .xlsx.", vi_n(ratio)),
        format!("The file is abnormally compressed (at most {}× is accepted). It may be damaged or made to cause harm; open it in Excel, check it and save it as .xlsx again.", en_n(ratio)),
    )
}

fn too_many_entries(limits: &Limits) -> AppError {
    let max = limits.max_zip_entries;
    file_error(
        format!("Tệp chứa quá nhiều thành phần (tối đa {} thành phần). Hãy mở bằng Excel rồi lưu lại dạng .xlsx.", vi_n(max)),
        format!("The file has too many parts (at most {}). Open it in Excel and save it as .xlsx again.", en_n(max)),
    )
}

fn too_slow(limits: &Limits) -> AppError {
    let secs = limits.max_time.as_secs();
    file_error(
        format!(
            "Đọc tệp mất quá lâu (tối đa {} giây). Hãy chia nhỏ tệp.",
            vi_n(secs)
        ),
        format!(
            "Reading the file took too long (at most {} seconds). Split it.",
            en_n(secs)
        ),
    )
}

fn not_xlsx(format_vi: &str, format_en: &str) -> AppError {
    file_error(
        format!("Chưa hỗ trợ tệp {format_vi}. Hãy mở tệp rồi lưu lại dạng Excel Workbook (.xlsx) hoặc CSV UTF-8."),
        format!("{format_en} files are not supported. Open the file and save it as an Excel Workbook (.xlsx) or as CSV UTF-8."),
    )
}

/// The time allowed for one file, checked while it is read.
struct Deadline {
    until: Instant,
    limits: Limits,
}

impl Deadline {
    fn new(limits: &Limits) -> Self {
        Deadline {
            until: Instant::now() + limits.max_time,
            limits: *limits,
        }
    }

    fn check(&self) -> AppResult<()> {
        if Instant::now() >= self.until {
            return Err(too_slow(&self.limits));
        }
        Ok(())
    }
}

/// Reads a spreadsheet or CSV file with [`Limits::DEFAULT`]. The type is decided by the
/// content, not the file name: a renamed text file is not taken for an Excel workbook.
pub fn read_table(filename: &str, bytes: &[u8]) -> AppResult<Table> {
    read_table_with(filename, bytes, &Limits::DEFAULT)
}

/// [`read_table`] with explicit limits.
pub fn read_table_with(filename: &str, bytes: &[u8], limits: &Limits) -> AppResult<Table> {
    if bytes.is_empty() {
        return Err(empty_file());
    }
    let deadline = Deadline::new(limits);
    let lower = filename.to_lowercase();
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let table = if is_zip {
        read_zipped(bytes, limits, &deadline)?
    } else if is_ole {
        return Err(not_xlsx("Excel 97–2003 (.xls)", "Excel 97–2003 (.xls)"));
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".ods") {
        return Err(file_error(
            "Tệp không phải bảng tính Excel hợp lệ (có thể bị đổi tên hoặc hỏng). Hãy mở tệp bằng Excel và lưu lại dạng .xlsx.",
            "The file is not a valid Excel workbook (it may be renamed or damaged). Open it in Excel and save it as .xlsx.",
        ));
    } else {
        read_csv(bytes, limits, &deadline)?
    };
    if table.headers.iter().all(|h| h.is_empty()) {
        return Err(file_error(
            "Tệp không có dòng tiêu đề.",
            "The file has no header row.",
        ));
    }
    if table.rows.is_empty() {
        return Err(file_error(
            "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.",
            "The file has a header row but no data rows.",
        ));
    }
    if table.rows.len() > MAX_ROWS {
        return Err(file_error(
            format!(
                "Tệp có {} dòng, vượt quá giới hạn {} dòng. Hãy chia nhỏ tệp.",
                vi_n(table.rows.len()),
                vi_n(MAX_ROWS)
            ),
            format!(
                "The file has {} rows, more than the limit of {}. Split it.",
                en_n(table.rows.len()),
                en_n(MAX_ROWS)
            ),
        ));
    }
    Ok(table)
}

/// A zip container: only an .xlsx workbook is read, after [`check_zip`].
fn read_zipped(bytes: &[u8], limits: &Limits, deadline: &Deadline) -> AppResult<Table> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    if archive.len() > limits.max_zip_entries {
        return Err(too_many_entries(limits));
    }
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.to_lowercase())
        .collect();
    let has = |name: &str| names.iter().any(|n| n == name);
    if has("content.xml") && !names.iter().any(|n| n.starts_with("xl/")) {
        return Err(not_xlsx("OpenDocument (.ods)", "OpenDocument (.ods)"));
    }
    if has("xl/workbook.bin") {
        return Err(not_xlsx("Excel nhị phân (.xlsb)", "Excel binary (.xlsb)"));
    }
    // Anything else is read as .xlsx once its container has passed; calamine refuses what is
    // not one (a .docx, a zip of photos).
    check_zip(&mut archive, limits, deadline)?;
    drop(archive);
    read_xlsx(bytes, limits, deadline)
}

/// Checks the sizes of a zip container's entries: first as declared, then as they really
/// decompress (read through a counter into a small buffer that is thrown away). The zip reader
/// itself refuses an entry that inflates past its declared size; the counter keeps the bound
/// from resting on that alone.
fn check_zip(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
    deadline: &Deadline,
) -> AppResult<()> {
    let is_shared_strings = |name: &str| name.to_lowercase().ends_with("sharedstrings.xml");
    let mut declared_total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| unreadable())?;
        let shared = entry.name().is_ok_and(|n| is_shared_strings(&n[..]));
        declared_total = declared_total.saturating_add(entry.size());
        check_entry_size(
            entry.size(),
            entry.compressed_size(),
            shared,
            declared_total,
            limits,
        )?;
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|_| unreadable())?;
        if entry.is_dir() {
            continue;
        }
        let shared = entry.name().is_ok_and(|n| is_shared_strings(&n[..]));
        let packed = entry.compressed_size();
        let mut unpacked = 0u64;
        loop {
            let n = entry.read(&mut buf).map_err(|_| unreadable())?;
            if n == 0 {
                break;
            }
            unpacked += n as u64;
            total += n as u64;
            check_entry_size(unpacked, packed, shared, total, limits)?;
            deadline.check()?;
        }
    }
    Ok(())
}

/// One entry `unpacked` bytes large (so far), `packed` compressed; `total` for all entries.
fn check_entry_size(
    unpacked: u64,
    packed: u64,
    shared_strings: bool,
    total: u64,
    limits: &Limits,
) -> AppResult<()> {
    if unpacked > limits.ratio_from_bytes && unpacked / packed.max(1) > limits.max_ratio {
        return Err(abnormal_ratio(limits));
    }
    if shared_strings && unpacked > limits.max_shared_strings_bytes {
        return Err(too_many_shared_strings(limits));
    }
    if total > limits.max_unzipped_bytes {
        return Err(too_big_unzipped(limits));
    }
    Ok(())
}

/// Rows `first_row..=last_row` and columns `first_col..=last_col` (0-based) must fit.
fn check_extent(
    (first_row, first_col): (u32, u32),
    (last_row, last_col): (u32, u32),
    limits: &Limits,
) -> AppResult<()> {
    if last_col.saturating_sub(first_col).saturating_add(1) > limits.max_columns {
        return Err(too_many_columns(limits));
    }
    if last_row.saturating_sub(first_row).saturating_add(1) > limits.max_sheet_rows {
        return Err(too_many_sheet_rows(limits));
    }
    Ok(())
}

fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => clean(s),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads the first sheet of a workbook whose container [`check_zip`] has passed, streaming its
/// cells.
fn read_xlsx(bytes: &[u8], limits: &Limits, deadline: &Deadline) -> AppResult<Table> {
    use calamine::{DataRef, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    deadline.check()?;
    let first = book.sheet_names().first().cloned().ok_or_else(|| {
        file_error(
            "Bảng tính không có trang tính nào.",
            "The workbook has no sheet.",
        )
    })?;
    let mut reader = book
        .worksheet_cells_reader(&first)
        .map_err(|_| unreadable())?;
    let declared = reader.dimensions();
    check_extent(declared.start, declared.end, limits)?;
    let mut grid = SparseGrid::new(limits);
    let mut seen = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|_| unreadable())? {
        seen += 1;
        if seen.is_multiple_of(1024) {
            deadline.check()?;
        }
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        let text = cell_text(&calamine::Data::from(value.clone()));
        grid.push(cell.get_position(), text)?;
    }
    deadline.check()?;
    grid.into_table()
}

/// Non-empty cells collected as they are read, with their extent checked at every cell; the
/// dense rows are built once their size is known to fit.
struct SparseGrid<'a> {
    limits: &'a Limits,
    cells: Vec<(u32, u32, String)>,
    text_bytes: usize,
    first: (u32, u32),
    last: (u32, u32),
}

impl<'a> SparseGrid<'a> {
    fn new(limits: &'a Limits) -> Self {
        SparseGrid {
            limits,
            cells: Vec::new(),
            text_bytes: 0,
            first: (u32::MAX, u32::MAX),
            last: (0, 0),
        }
    }

    fn push(&mut self, (row, col): (u32, u32), text: String) -> AppResult<()> {
        self.first = (self.first.0.min(row), self.first.1.min(col));
        self.last = (self.last.0.max(row), self.last.1.max(col));
        check_extent(self.first, self.last, self.limits)?;
        if self.cells.len() >= self.limits.max_cells {
            return Err(too_many_cells(self.limits));
        }
        self.text_bytes += text.len();
        if self.text_bytes > self.limits.max_text_bytes {
            return Err(too_much_text(self.limits));
        }
        self.cells.push((row, col, text));
        Ok(())
    }

    fn into_table(mut self) -> AppResult<Table> {
        if self.cells.is_empty() {
            return Err(empty_file());
        }
        self.cells.sort_by_key(|(row, col, _)| (*row, *col));
        let width = (self.last.1 - self.first.1 + 1) as usize;
        let mut row_count = 1usize;
        for pair in self.cells.windows(2) {
            if pair[0].0 != pair[1].0 {
                row_count += 1;
            }
        }
        if row_count - 1 > self.limits.max_data_rows {
            return Err(too_many_data_rows(self.limits));
        }
        if row_count.saturating_mul(width) > self.limits.max_cells {
            return Err(too_many_cells(self.limits));
        }
        let first_col = self.first.1;
        let mut rows: Vec<(usize, Vec<String>)> = Vec::with_capacity(row_count);
        for (row, col, text) in self.cells {
            let number = row as usize + 1;
            if rows.last().is_none_or(|(n, _)| *n != number) {
                rows.push((number, vec![String::new(); width]));
            }
            if let Some(slot) = rows
                .last_mut()
                .and_then(|(_, cells)| cells.get_mut((col - first_col) as usize))
            {
                *slot = text;
            }
        }
        let mut rows = rows.into_iter();
        let headers = rows.next().map(|(_, cells)| cells).unwrap_or_default();
        Ok(Table {
            headers: trim_headers(headers),
            rows: rows
                .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
                .collect(),
        })
    }
}

fn trim_headers(mut headers: Vec<String>) -> Vec<String> {
    while headers.last().is_some_and(|h| h.is_empty()) {
        headers.pop();
    }
    headers
}

/// Counts the lines before a byte position, resuming where the last count stopped (positions
/// only grow), so numbering every record costs one pass over the text, not one per record.
struct LineCounter<'t> {
    text: &'t str,
    counted_to: usize,
    newlines: usize,
}

impl LineCounter<'_> {
    /// The 1-based line at byte `at`, after skipping the blank lines that start there.
    fn line_at(&mut self, at: usize) -> Option<usize> {
        if at >= self.counted_to {
            self.newlines += self.text.get(self.counted_to..at)?.matches('\n').count();
            self.counted_to = at;
        }
        let blank = self
            .text
            .get(at..)?
            .chars()
            .take_while(|c| matches!(c, '\n' | '\r'))
            .filter(|c| *c == '\n')
            .count();
        Some(self.newlines + blank + 1)
    }
}

fn read_csv(bytes: &[u8], limits: &Limits, deadline: &Deadline) -> AppResult<Table> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        file_error(
            "Tệp CSV không ở mã UTF-8, hoặc không phải tệp văn bản. Trong Excel hãy chọn \"CSV UTF-8\" khi lưu.",
            "The CSV file is not UTF-8 text. In Excel choose \"CSV UTF-8\" when saving.",
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    if text.contains('\u{0}') {
        return Err(file_error(
            "Tệp không phải tệp văn bản CSV.",
            "The file is not a CSV text file.",
        ));
    }
    let first_line = text.lines().next().unwrap_or_default();
    // Excel in Vietnamese locales often saves with semicolons.
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records().enumerate();
    let headers: Vec<String> = match records.next() {
        Some((_, Ok(r))) => r.iter().map(clean).collect(),
        Some((_, Err(_))) => {
            return Err(file_error(
                "Không đọc được dòng tiêu đề của tệp CSV.",
                "Could not read the CSV header row.",
            ))
        }
        None => return Err(empty_file()),
    };
    if headers.len() > limits.max_columns as usize {
        return Err(too_many_columns(limits));
    }
    let mut cell_count = headers.len();
    let mut lines = LineCounter {
        text,
        counted_to: 0,
        newlines: 0,
    };
    let mut rows = Vec::new();
    deadline.check()?;
    for (i, record) in records {
        if i.is_multiple_of(1024) {
            deadline.check()?;
        }
        let record = record.map_err(|e| {
            file_error(
                format!("Dòng {} của tệp CSV không đọc được: {e}", i + 1),
                format!("Row {} of the CSV file could not be read: {e}", i + 1),
            )
        })?;
        if record.len() > limits.max_columns as usize {
            return Err(too_many_columns(limits));
        }
        cell_count += record.len();
        if cell_count > limits.max_cells {
            return Err(too_many_cells(limits));
        }
        // The line number as the officer sees it in a text editor or Excel: the reader skips
        // blank lines, so the record's own position is the truth, not the count of records.
        // (The position is where the reader resumed, before any blank lines it skipped.)
        let line = record
            .position()
            .and_then(|p| lines.line_at(p.byte() as usize))
            .unwrap_or(i + 1);
        let cells: Vec<String> = record.iter().map(clean).collect();
        if cells.iter().any(|c| !c.is_empty()) {
            if rows.len() >= limits.max_data_rows {
                return Err(too_many_data_rows(limits));
            }
            rows.push((line, cells));
        }
    }
    deadline.check()?;
    Ok(Table {
        headers: trim_headers(headers),
        rows,
    })
}

/// Runs spreadsheet parsing on the blocking thread pool, a bounded number at once.
///
/// One gate serves the whole process ([`ParseGate::shared`]): the bound is the machine's cores,
/// which every server state on it shares.
pub struct ParseGate {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl ParseGate {
    /// A gate letting `permits` parses run at once; a caller waits at most `wait` for a turn.
    pub fn new(permits: usize, wait: Duration) -> Self {
        ParseGate {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            wait,
        }
    }

    /// The process's gate: one parse per core, at most 8 s of waiting for a turn (the
    /// preview and commit requests must answer within 30 s, parsing included).
    pub fn shared() -> &'static ParseGate {
        static GATE: OnceLock<ParseGate> = OnceLock::new();
        GATE.get_or_init(|| {
            let cores = std::thread::available_parallelism()
                .map(std::num::NonZero::get)
                .unwrap_or(1);
            ParseGate::new(cores, Duration::from_secs(8))
        })
    }

    /// Runs `parse` on the blocking pool once a turn is free, or answers "busy" (503) if none
    /// frees up in time. The turn is held by the parse itself, so it is kept until the parse
    /// ends even if the request that started it has gone.
    pub async fn run<T: Send + 'static>(
        &self,
        parse: impl FnOnce() -> AppResult<T> + Send + 'static,
    ) -> AppResult<T> {
        let permit =
            match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                _ => return Err(AppError::Unavailable(Msg::new(
                    "Máy chủ đang bận xử lý tệp khác, vui lòng thử lại sau ít phút.",
                    "The server is busy reading other files; please try again in a few minutes.",
                ))),
            };
        tokio::task::spawn_blocking(move || {
            let _turn = permit;
            parse()
        })
        .await
        .unwrap_or_else(|e| {
            // A reader that panics on a hostile file: the file is at fault, the server goes on.
            tracing::error!(error = %e, "reading an uploaded file panicked");
            Err(unreadable())
        })
    }
}

#[cfg(test)]
mod tests;
