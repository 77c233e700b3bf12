//! Documents attached to a module: PDF and office files, typed from their content (never from
//! their names), stored once by SHA-256 and listed per version. They are added to and removed
//! from a stored draft only, so the published version's list changes by publishing, like the
//! rest of its content.
//!
//! An office file is a ZIP (Office Open XML, OpenDocument) whose part names say what it is;
//! only the central directory and the tiny `mimetype` part are read, so a ZIP bomb costs
//! nothing. Files that carry macros (a `vbaProject.bin` part) are refused, and so are the old
//! binary formats (.doc, .xls, .ppt), which can carry macros that the name does not show: the
//! message asks for the file saved again as .docx/.xlsx/.pptx or PDF.

use super::super::types::{ModuleDocument, MAX_DOCUMENT_BYTES};
use super::editor::require_manage;
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use std::io::Read;

/// The most documents one version carries.
pub const MAX_DOCUMENTS: i64 = 20;

/// What a file's content is: its content type and its kind in words, or why it is refused.
pub fn document_kind(bytes: &[u8]) -> Result<(&'static str, &'static str), Msg> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let refused = || {
        Msg::new(
            "Chỉ nhận tệp PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx) hoặc OpenDocument (.odt, .ods, .odp); nội dung tệp này không phải các loại đó.",
            "Only PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx) or OpenDocument (.odt, .ods, .odp) files are taken; this file's content is none of them.",
        )
    };
    if bytes.starts_with(b"%PDF-") {
        return Ok(("application/pdf", "PDF"));
    }
    if bytes.starts_with(OLE) {
        return Err(Msg::new(
            "Tệp Office đời cũ (.doc, .xls, .ppt) có thể chứa macro: hãy lưu lại thành .docx, .xlsx, .pptx hoặc PDF rồi tải lên.",
            "Old Office files (.doc, .xls, .ppt) can carry macros: save it again as .docx, .xlsx, .pptx or PDF and upload that.",
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(refused());
    }
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Err(refused());
    };
    if zip.len() > 10_000 {
        return Err(refused());
    }
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.to_ascii_lowercase())
        .collect();
    if names.iter().any(|n| n.ends_with("vbaproject.bin")) {
        return Err(Msg::new(
            "Tệp có macro (mã lệnh chạy tự động) nên không được nhận: hãy lưu lại không có macro hoặc thành PDF.",
            "The file carries macros, so it is refused: save it again without macros, or as PDF.",
        ));
    }
    let has = |name: &str| names.iter().any(|n| n == name);
    if has("[content_types].xml") {
        if has("word/document.xml") {
            return Ok((
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "Word",
            ));
        }
        if has("xl/workbook.xml") {
            return Ok((
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "Excel",
            ));
        }
        if has("ppt/presentation.xml") {
            return Ok((
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "PowerPoint",
            ));
        }
    }
    let mut mimetype = String::new();
    if let Ok(part) = zip.by_name("mimetype") {
        let _ = part.take(100).read_to_string(&mut mimetype);
    }
    match mimetype.trim() {
        "application/vnd.oasis.opendocument.text" => {
            Ok(("application/vnd.oasis.opendocument.text", "OpenDocument"))
        }
        "application/vnd.oasis.opendocument.spreadsheet" => Ok((
            "application/vnd.oasis.opendocument.spreadsheet",
            "OpenDocument",
        )),
        "application/vnd.oasis.opendocument.presentation" => Ok((
            "application/vnd.oasis.opendocument.presentation",
            "OpenDocument",
        )),
        _ => Err(refused()),
    }
}

/// The kind in words of a stored content type.
fn kind_of(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "PDF",
        t if t.contains("wordprocessingml") => "Word",
        t if t.contains("spreadsheetml") => "Excel",
        t if t.contains("presentationml") => "PowerPoint",
        _ => "OpenDocument",
    }
}

/// The documents of a version, in their order.
pub async fn documents_of(conn: &mut Conn, version_id: i64) -> AppResult<Vec<ModuleDocument>> {
    Ok(sqlx::query_as::<_, (i64, String, String, i64)>(
        "SELECT d.id, d.filename, f.content_type, f.size_bytes FROM training_documents d
         JOIN training_files f ON f.id = d.file_id WHERE d.version_id = $1 ORDER BY d.position, d.id",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(document_id, filename, content_type, size_bytes)| ModuleDocument {
        document_id,
        filename,
        kind: kind_of(&content_type).to_string(),
        size_bytes,
    })
    .collect())
}

/// Gives version `to` the documents of version `from` (a new draft starts with the published
/// version's list; the files themselves are shared).
pub(crate) async fn copy_documents(conn: &mut Conn, from: i64, to: i64) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO training_documents (version_id, position, file_id, filename)
         SELECT $1, position, file_id, filename FROM training_documents WHERE version_id = $2",
    )
    .bind(to)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes a version's document list, then every file no version lists any more.
pub(crate) async fn drop_documents(conn: &mut Conn, version_id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM training_documents WHERE version_id = $1")
        .bind(version_id)
        .execute(&mut *conn)
        .await?;
    drop_unlisted_files(conn).await
}

async fn drop_unlisted_files(conn: &mut Conn) -> AppResult<()> {
    sqlx::query(
        "DELETE FROM training_files WHERE NOT EXISTS (SELECT 1 FROM training_documents d WHERE d.file_id = training_files.id)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored draft's version id, or a clear refusal when the module has no stored draft.
async fn draft_version(conn: &mut Conn, module_id: i64) -> AppResult<i64> {
    sqlx::query_scalar(
        "SELECT id FROM training_module_versions WHERE module_id = $1 AND status = 'draft'",
    )
    .bind(module_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        AppError::bad_request(
            "Hãy lưu bản nháp trước khi đính kèm hoặc gỡ tài liệu.",
            "Save the draft before attaching or removing documents.",
        )
    })
}

/// A file's name as shown: its last path part, cleaned, at most 120 characters.
fn shown_name(filename: &str) -> String {
    let last = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = crate::domain::text::clean(last).chars().take(120).collect();
    if name.is_empty() {
        "tai-lieu".to_string()
    } else {
        name
    }
}

/// Attaches a document to the module's stored draft. Returns the draft's documents.
pub async fn add_document(
    pool: &Pool,
    user: &SessionUser,
    module_id: i64,
    filename: &str,
    bytes: &[u8],
) -> AppResult<Vec<ModuleDocument>> {
    if bytes.is_empty() {
        return Err(AppError::bad_request("Tệp rỗng.", "The file is empty."));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::bad_request(
            format!(
                "Tệp quá lớn: tối đa {} MB.",
                MAX_DOCUMENT_BYTES / 1024 / 1024
            ),
            format!(
                "The file is too large: at most {} MB.",
                MAX_DOCUMENT_BYTES / 1024 / 1024
            ),
        ));
    }
    let (content_type, _) = document_kind(bytes).map_err(AppError::BadRequest)?;
    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(bytes))
    };
    let filename = shown_name(filename);
    let mut tx = db::begin_write(pool).await?;
    require_manage(&mut tx, user).await?;
    let version_id = draft_version(&mut tx, module_id).await?;
    let (count, last): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM training_documents WHERE version_id = $1",
    )
    .bind(version_id)
    .fetch_one(&mut *tx)
    .await?;
    if count >= MAX_DOCUMENTS {
        return Err(AppError::bad_request(
            format!("Một học phần có tối đa {MAX_DOCUMENTS} tài liệu."),
            format!("A module carries at most {MAX_DOCUMENTS} documents."),
        ));
    }
    sqlx::query(
        "INSERT INTO training_files (sha256, content_type, size_bytes, bytes, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&sha256)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(bytes)
    .bind(db::now())
    .execute(&mut *tx)
    .await?;
    let file_id: i64 = sqlx::query_scalar("SELECT id FROM training_files WHERE sha256 = $1")
        .bind(&sha256)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO training_documents (version_id, position, file_id, filename) VALUES ($1, $2, $3, $4)",
    )
    .bind(version_id)
    .bind(last + 1)
    .bind(file_id)
    .bind(&filename)
    .execute(&mut *tx)
    .await?;
    record(&mut tx, user, module_id, AuditAction::Attach, &filename).await?;
    let list = documents_of(&mut tx, version_id).await?;
    tx.commit().await?;
    Ok(list)
}

/// Removes a document from the module's stored draft. Returns the draft's documents.
pub async fn remove_document(
    pool: &Pool,
    user: &SessionUser,
    module_id: i64,
    document_id: i64,
) -> AppResult<Vec<ModuleDocument>> {
    let mut tx = db::begin_write(pool).await?;
    require_manage(&mut tx, user).await?;
    let version_id = draft_version(&mut tx, module_id).await?;
    let filename: String = sqlx::query_scalar(
        "DELETE FROM training_documents WHERE id = $1 AND version_id = $2 RETURNING filename",
    )
    .bind(document_id)
    .bind(version_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("tài liệu", "Document"))?;
    drop_unlisted_files(&mut tx).await?;
    record(&mut tx, user, module_id, AuditAction::Detach, &filename).await?;
    let list = documents_of(&mut tx, version_id).await?;
    tx.commit().await?;
    Ok(list)
}

async fn record(
    conn: &mut Conn,
    user: &SessionUser,
    module_id: i64,
    action: AuditAction,
    filename: &str,
) -> AppResult<()> {
    let path = user
        .scopes(Permission::ManageTraining)
        .into_iter()
        .next()
        .unwrap_or_else(|| "/".into());
    audit::record::<(), ()>(
        conn,
        user,
        Change {
            action,
            entity: AuditEntity::TrainingModule,
            entity_id: Some(module_id),
            unit_path: &path,
            summary: filename.to_string(),
        },
        None,
        None,
    )
    .await
}

/// A document to download: its name, content type and bytes. A published version's documents
/// are for every signed-in user; a draft's or an older version's for the module's editors.
pub async fn document_content(
    pool: &Pool,
    user: &SessionUser,
    document_id: i64,
) -> AppResult<(String, String, Vec<u8>)> {
    let mut conn = pool.acquire().await?;
    let found = sqlx::query_as::<_, (String, String, Vec<u8>, String)>(
        "SELECT d.filename, f.content_type, f.bytes, v.status FROM training_documents d
         JOIN training_files f ON f.id = d.file_id JOIN training_module_versions v ON v.id = d.version_id
         WHERE d.id = $1",
    )
    .bind(document_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::not_found("tài liệu", "Document"))?;
    let (filename, content_type, bytes, status) = found;
    // A draft's documents are not there for anyone but its editors (404, not 403: whether a
    // draft exists is theirs to know).
    if status != "published" && require_manage(&mut conn, user).await.is_err() {
        return Err(AppError::not_found("tài liệu", "Document"));
    }
    Ok((filename, content_type, bytes))
}

#[cfg(test)]
mod tests {
    use super::document_kind;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            for (name, text) in parts {
                zip.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap_or_else(|e| panic!("{e}"));
                zip.write_all(text.as_bytes())
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            zip.finish().unwrap_or_else(|e| panic!("{e}"));
        }
        out.into_inner()
    }

    fn kind(bytes: &[u8]) -> Result<&'static str, String> {
        document_kind(bytes).map(|(_, k)| k).map_err(|m| m.vi)
    }

    #[test]
    fn documents_are_known_by_their_content_not_their_name() {
        assert_eq!(kind(b"%PDF-1.7\n..."), Ok("PDF"));
        let office = |main: &str| zip_of(&[("[Content_Types].xml", "<Types/>"), (main, "<x/>")]);
        assert_eq!(kind(&office("word/document.xml")), Ok("Word"));
        assert_eq!(kind(&office("xl/workbook.xml")), Ok("Excel"));
        assert_eq!(kind(&office("ppt/presentation.xml")), Ok("PowerPoint"));
        let odt = zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", "<x/>"),
        ]);
        assert_eq!(kind(&odt), Ok("OpenDocument"));
    }

    #[test]
    fn macros_old_binaries_and_other_files_are_refused_with_why() {
        let macro_file = zip_of(&[
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", "<x/>"),
            ("word/vbaProject.bin", "VBA"),
        ]);
        assert!(kind(&macro_file).is_err_and(|m| m.contains("macro")));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0];
        assert!(kind(&ole).is_err_and(|m| m.contains("đời cũ")));
        for other in [
            b"<html><script>alert(1)</script>".to_vec(),
            b"PK\x03\x04 not really a zip".to_vec(),
            zip_of(&[("anh.jpg", "jpeg")]),
            zip_of(&[("mimetype", "application/epub+zip")]),
            vec![],
        ] {
            assert!(
                kind(&other).is_err_and(|m| m.contains("không phải")),
                "{other:?}"
            );
        }
    }
}
