//! Excel (.xlsx) export of the registry lists and the audit log, with the same filters and
//! scope as the pages that show them.
//!
//! List exports are written by [`StreamedWorkbook`] in rust_xlsxwriter's constant-memory mode:
//! rows arrive in chunks from a database stream, each row goes to a temporary file as it is
//! written, and the finished workbook is another temporary file streamed to the browser. A
//! province's 1,000,000 households export with the server's memory flat (`bench/province`).

use crate::backend::error::internal;
use crate::error::AppResult;
use rust_xlsxwriter::{Format, Workbook};

/// Largest number of rows one export writes: what fits on one Excel sheet (1,048,576 rows, the
/// header included).
pub const MAX_EXPORT_ROWS: i64 = 1_048_575;

/// Rows per chunk sent to the writer.
pub const CHUNK: usize = 1_000;

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

/// A one-sheet workbook written on a blocking thread as rows are sent to it.
pub struct StreamedWorkbook {
    rows: tokio::sync::mpsc::Sender<Vec<Vec<String>>>,
    writer: tokio::task::JoinHandle<AppResult<std::fs::File>>,
}

impl StreamedWorkbook {
    /// Starts the writer: a bold, frozen header row; the column widths are fitted to the
    /// header and the first chunk (constant-memory mode cannot fit them afterwards).
    pub fn start(sheet_name: &str, headers: &[&str]) -> StreamedWorkbook {
        // Two chunks in flight: the database and the writer work at once, memory stays bounded.
        let (rows, mut incoming) = tokio::sync::mpsc::channel::<Vec<Vec<String>>>(2);
        let sheet_name = sheet_name.to_string();
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let writer = tokio::task::spawn_blocking(move || {
            let mut book = Workbook::new();
            let sheet = book
                .add_worksheet_with_constant_memory()
                .map_err(internal)?;
            sheet.set_name(&sheet_name).map_err(internal)?;
            sheet.set_freeze_panes(1, 0).map_err(internal)?;
            let first = incoming.blocking_recv().unwrap_or_default();
            for (c, h) in headers.iter().enumerate() {
                let widest = first
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|v| v.chars().count())
                    .chain([h.chars().count()])
                    .max()
                    .unwrap_or(8);
                sheet
                    .set_column_width(c as u16, (widest as f64 * 1.1 + 2.0).clamp(8.0, 60.0))
                    .map_err(internal)?;
            }
            let bold = Format::new().set_bold();
            for (c, h) in headers.iter().enumerate() {
                sheet
                    .write_string_with_format(0, c as u16, h, &bold)
                    .map_err(internal)?;
            }
            let mut next_row: u32 = 1;
            let mut chunk = Some(first);
            while let Some(rows) = chunk {
                for row in rows {
                    for (c, value) in row.iter().enumerate() {
                        // Everything is text: codes and phone numbers keep their leading zeros.
                        sheet
                            .write_string(next_row, c as u16, value)
                            .map_err(internal)?;
                    }
                    next_row += 1;
                }
                chunk = incoming.blocking_recv();
            }
            let mut file = tempfile::tempfile().map_err(internal)?;
            book.save_to_writer(&mut file).map_err(internal)?;
            use std::io::Seek;
            file.rewind().map_err(internal)?;
            Ok(file)
        });
        StreamedWorkbook { rows, writer }
    }

    /// Sends rows to the writer (waiting while it is two chunks behind).
    pub async fn send(&self, rows: Vec<Vec<String>>) -> AppResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        self.rows
            .send(rows)
            .await
            .map_err(|_| internal("the workbook writer stopped"))
    }

    /// Sends every row of a list already in memory.
    pub async fn send_all(&self, rows: Vec<Vec<String>>) -> AppResult<()> {
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            self.send(rows.by_ref().take(CHUNK).collect()).await?;
        }
        Ok(())
    }

    /// Finishes the workbook; returns it as a response body read from its temporary file
    /// (deleted by the system once the body is dropped), and its size.
    pub async fn finish(self) -> AppResult<(axum::body::Body, u64)> {
        drop(self.rows);
        let file = self.writer.await.map_err(internal)??;
        let size = file.metadata().map_err(internal)?.len();
        let file = tokio::fs::File::from_std(file);
        Ok((
            axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
                file,
                64 * 1024,
            )),
            size,
        ))
    }
}
