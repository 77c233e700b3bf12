//! Spreadsheet imports: reading .xlsx and .csv files ([`read`]), validating every row against the
//! registry rules (dry run), and committing all rows in one transaction or none — households
//! ([`households`]) and the org-unit tree ([`units`]).
//!
//! A file is uploaded once (kept in `import_batches`); the preview and the commit re-read it with
//! the chosen column mapping, so the commit writes exactly what the last preview showed. Every
//! read goes through [`read`]: bounded by [`Limits`], off the async runtime, a few at a time.
//! The file's content is personal data: it is emptied when the batch is committed, and a batch
//! never committed is deleted after `KH_IMPORT_RETENTION_DAYS` ([`purge_stale`]).

use crate::backend::db::{self, Conn, Pool};
use crate::domain::import::{ImportField, ImportKind, RowError, UploadedFile, MAX_REPORTED_ERRORS};
use crate::domain::roles::SessionUser;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use cache::{Key, StepCache};
use std::sync::Arc;

mod cache;
pub mod households;
pub mod read;
pub mod units;

pub use households::{commit_households, preview_households};
pub use read::{read_table, read_table_with, Limits, ParseGate, Table, MAX_ROWS};
pub use units::{commit_units, preview_units};

/// The last file read, for the step after (see [`cache`]).
static TABLES: StepCache<Table> = StepCache::new();

/// What a file's table depends on: its bytes and how they are read (by the name's extension).
fn table_key(filename: &str, content: &[u8]) -> Key {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    Key::of(&[extension.as_bytes(), content])
}

/// Reads a file off the async runtime (behind the parse gate), or takes it from the cache.
async fn read_cached(filename: &str, content: Vec<u8>) -> AppResult<(Arc<Table>, Key, Vec<u8>)> {
    let name = filename.to_string();
    let (key, table, content) = ParseGate::shared()
        .run(move || {
            let key = table_key(&name, &content);
            let table = match TABLES.get(key) {
                Some(table) => table,
                None => {
                    let table = Arc::new(read_table(&name, &content)?);
                    TABLES.put(key, table.clone());
                    table
                }
            };
            Ok((key, table, content))
        })
        .await?;
    Ok((table, key, content))
}

/// Stores an uploaded file for `user` after checking it can be read; returns its summary.
pub async fn store_upload(
    pool: &Pool,
    user: &SessionUser,
    kind: ImportKind,
    filename: &str,
    bytes: Vec<u8>,
) -> AppResult<UploadedFile> {
    let (table, _, bytes) = read_cached(filename, bytes).await?;
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
        headers: table.headers.clone(),
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

/// A stored batch the caller may use, read into a table.
struct LoadedBatch {
    table: Arc<Table>,
    /// The table's cache key (the rows checked under a mapping extend it).
    key: Key,
    filename: String,
}

async fn load_batch(
    pool: &Pool,
    user: &SessionUser,
    batch_id: i64,
    kind: ImportKind,
) -> AppResult<LoadedBatch> {
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
    let (table, key, _) = read_cached(&batch.filename, batch.content).await?;
    Ok(LoadedBatch {
        table,
        key,
        filename: batch.filename,
    })
}

/// Forgets a committed file's table.
fn forget_table(key: Key) {
    TABLES.forget(key);
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

/// Row errors of a file: the first [`MAX_REPORTED_ERRORS`] kept (a broken 100,000-row file
/// stays readable), all of them counted.
#[derive(Clone, Default)]
pub(crate) struct RowErrors {
    shown: Vec<RowError>,
    pub(crate) count: usize,
}

impl RowErrors {
    pub(crate) fn push(&mut self, row: usize, column: String, message: Msg) {
        self.count += 1;
        if self.shown.len() < MAX_REPORTED_ERRORS {
            self.shown.push(RowError {
                row,
                column,
                message,
            });
        }
    }

    /// The errors kept, in row order. Checks run in passes (a row's own fields, then the
    /// registry), so errors arrive out of order; each pass keeps its first ones, so the first
    /// [`MAX_REPORTED_ERRORS`] of all are among them.
    pub(crate) fn into_sorted(mut self) -> Vec<RowError> {
        self.shown.sort_by_key(|e| e.row);
        self.shown.truncate(MAX_REPORTED_ERRORS);
        self.shown
    }

    pub(crate) fn append(&mut self, other: RowErrors) {
        self.count += other.count;
        self.shown.extend(other.shown);
    }
}

pub(crate) fn refuse_with_errors(error_count: usize) -> AppError {
    AppError::bad_request(
        format!(
            "Tệp còn {error_count} lỗi nên chưa nhập dòng nào. Hãy sửa tệp rồi tải lên lại."
        ),
        format!(
            "The file still has {error_count} errors, so nothing was imported. Fix the file and upload it again."
        ),
    )
}

/// Marks a batch committed inside the commit's transaction and empties its content: the
/// rows now live in the registry, and the file (personal data) is not kept. Fails if another
/// commit of the same batch got there first.
pub(crate) async fn mark_committed(conn: &mut Conn, batch_id: i64) -> AppResult<()> {
    let marked = sqlx::query(
        "UPDATE import_batches SET committed_at = $1, content = $2 WHERE id = $3 AND committed_at IS NULL",
    )
    .bind(db::now())
    .bind(Vec::<u8>::new())
    .bind(batch_id)
    .execute(&mut *conn)
    .await?;
    if marked.rows_affected() == 0 {
        return Err(AppError::bad_request(
            "Tệp này đã được nhập.",
            "This file has already been imported.",
        ));
    }
    Ok(())
}

/// Deletes batches uploaded more than `days` days ago and never committed, and empties the
/// content of committed ones that still hold it (batches committed before this rule).
/// Returns how many files were removed.
pub async fn purge_stale(pool: &Pool, days: i64) -> AppResult<u64> {
    let cutoff = db::now() - chrono::Duration::days(days);
    let mut tx = db::begin_write(pool).await?;
    let deleted =
        sqlx::query("DELETE FROM import_batches WHERE committed_at IS NULL AND created_at < $1")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let emptied = sqlx::query(
        "UPDATE import_batches SET content = $1 WHERE committed_at IS NOT NULL AND length(content) > 0",
    )
    .bind(Vec::<u8>::new())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(deleted + emptied)
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
    fn common_prefix_stops_at_slashes() {
        let paths = ["/1/2/10/", "/1/2/11/"];
        assert_eq!(common_prefix(paths.iter().copied()), "/1/2/");
        assert_eq!(common_prefix(["/1/2/10/"].iter().copied()), "/1/2/10/");
    }
}
