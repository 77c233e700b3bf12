//! Hostile uploads cannot take the server down: a sparse workbook whose cells span the whole
//! sheet, a zip bomb and a shared-strings bomb are each refused with a clear Vietnamese file
//! error naming the limit, nothing is stored, and the server keeps answering. Also: headers typed
//! without diacritics, with underscores or in English map to their fields, and an import's row
//! errors never reveal a unit outside the importer's scope.

use crate::helpers::{error_message, spawn_app, Client, TestApp};
use app::features::imports::store::Limits;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::{Cursor, Write};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_END: &str = "</sheetData></worksheet>";

/// An .xlsx container with the workbook skeleton and `parts`; each part is its opening text,
/// a `chunk` repeated `times` (streamed into the compressor, never held whole), then its end.
fn workbook(parts: &[(&str, &str, &str, usize, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    for (name, start, chunk, times, end) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(start.as_bytes()).unwrap();
        let block = chunk.repeat((64 * 1024 / chunk.len().max(1)).max(1));
        let per_block = block.len() / chunk.len().max(1);
        let mut left = *times;
        while left >= per_block {
            zip.write_all(block.as_bytes()).unwrap();
            left -= per_block;
        }
        zip.write_all(chunk.repeat(left).as_bytes()).unwrap();
        zip.write_all(end.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

async fn import_batch_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM import_batches")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Uploads a hostile file: it must get a 400 whose Vietnamese message contains `expected`,
/// nothing may be stored, and the server must still answer `/health` afterwards.
async fn assert_refused_and_server_alive(
    app: &TestApp,
    officer: &Client,
    filename: &str,
    file: Vec<u8>,
    expected: &str,
) {
    let batches = import_batch_count(app).await;
    let households = app.household_count().await;

    let (status, body) = officer.upload("households", filename, file).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{filename}: {body}");
    let message = error_message(&body, "BadRequest")
        .unwrap_or_else(|| panic!("{filename}: not a file error: {body}"));
    assert!(
        message.contains(expected),
        "{filename}: the message names the limit ({expected}): {message}"
    );
    assert_eq!(import_batch_count(app).await, batches, "no batch stored");
    assert_eq!(app.household_count().await, households, "no row stored");
    let health = officer.get("/health").await;
    assert_eq!(health.status(), StatusCode::OK, "the server still answers");
}

#[tokio::test]
async fn a_workbook_with_cells_only_at_a1_and_xfd1048576_is_refused_and_the_server_lives() {
    // Arrange: 1.5 KB on disk; read densely it would be 16,384 × 1,048,576 cells.
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Mã thôn").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let file = book.save_to_buffer().unwrap();
    assert!(file.len() < 16 * 1024, "a small file: {} bytes", file.len());

    // Act + Assert
    let expected = format!("quá nhiều cột (tối đa {} cột)", Limits::DEFAULT.max_columns);
    assert_refused_and_server_alive(&app, &officer, "thua-thot.xlsx", file, &expected).await;
}

#[tokio::test]
async fn a_sheet_that_inflates_to_hundreds_of_megabytes_is_refused_and_the_server_lives() {
    // Arrange: ~300 MB of rows compressed to well under 1 MB.
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let row = r#"<row><c t="inlineStr"><is><t>Hồ Văn A</t></is></c></row>"#;
    let times = 300 * 1024 * 1024 / row.len();
    let file = workbook(&[(
        "xl/worksheets/sheet1.xml",
        SHEET_START,
        row,
        times,
        SHEET_END,
    )]);
    assert!(file.len() < 2 * 1024 * 1024, "{} bytes", file.len());

    // Act + Assert
    let expected = format!(
        "nén bất thường (tỉ lệ nén tối đa {} lần)",
        Limits::DEFAULT.max_ratio
    );
    assert_refused_and_server_alive(&app, &officer, "bom-nen.xlsx", file, &expected).await;
}

#[tokio::test]
async fn a_shared_strings_part_of_hundreds_of_megabytes_is_refused_and_the_server_lives() {
    // Arrange: a two-cell sheet and a ~200 MB shared-strings part (millions of strings the
    // reader would hold in memory at once).
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let sheet = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>"#;
    let string = "<si><t>Hồ Văn A</t></si>";
    let file = workbook(&[
        ("xl/worksheets/sheet1.xml", SHEET_START, sheet, 1, SHEET_END),
        (
            "xl/sharedStrings.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
            string,
            200 * 1024 * 1024 / string.len(),
            "</sst>",
        ),
    ]);

    // Act + Assert
    assert_refused_and_server_alive(&app, &officer, "bom-chuoi.xlsx", file, "nén bất thường").await;
}

#[tokio::test]
async fn a_legacy_xls_file_is_refused_with_a_way_out() {
    // Arrange: the OLE signature of an Excel 97–2003 file.
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let mut file = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    file.resize(4096, 0);

    // Act + Assert
    assert_refused_and_server_alive(
        &app,
        &officer,
        "cu.xls",
        file,
        "lưu lại dạng Excel Workbook (.xlsx)",
    )
    .await;
}

#[tokio::test]
async fn a_csv_with_underscore_headers_is_mapped_and_imported() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let csv = "ma_thon,ma_ho,chu_ho,dia_chi,so_dien_thoai\n\
               51-TB-02-01,KH-GACH-1,Hồ Văn Gạch,Thôn 1 số 5,0912345678\n\
               51-TB-02-01,KH-GACH-2,Đinh Thị Dưới,Thôn 1 số 7,\n";

    // Act
    let (status, upload) = officer
        .upload("households", "gach-duoi.csv", csv.as_bytes().to_vec())
        .await;

    // Assert: every column mapped without help, and the rows go in.
    assert_eq!(status, StatusCode::OK, "{upload}");
    assert_eq!(
        upload["suggested"],
        json!([
            "VillageCode",
            "HouseholdCode",
            "HeadName",
            "Address",
            "Phone"
        ]),
        "{upload}"
    );
    let call = json!({"batch_id": upload["batch_id"], "kind": "Households", "mapping": upload["suggested"]});
    let (status, outcome) = officer.post_fn("import/commit", call).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["inserted"], 2);
    assert_eq!(app.household_count().await, before + 2);
    let phone: String = sqlx::query_scalar("SELECT phone FROM households WHERE code = 'KH-GACH-1'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(phone, "0912345678");

    // English headers are recognised as well.
    let english = "Village code,Household code,Head of household,Address,Phone,Members\n\
                   51-TB-02-01,,Hồ Văn Anh,Thôn 1,,\n";
    let (status, upload) = officer
        .upload("households", "english.csv", english.as_bytes().to_vec())
        .await;
    assert_eq!(status, StatusCode::OK, "{upload}");
    assert_eq!(
        upload["suggested"],
        json!([
            "VillageCode",
            "HouseholdCode",
            "HeadName",
            "Address",
            "Phone",
            "Members"
        ]),
        "{upload}"
    );
}

/// The Vietnamese row errors of a preview.
fn row_messages(preview: &Value) -> Vec<String> {
    preview["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"]["vi"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_village_code_outside_the_importers_scope_reads_exactly_like_an_unknown_code() {
    // Arrange: the officer of Xã Trà Bình names a village of Thị trấn Trà Xuân and a code that
    // does not exist; the codes have the same shape so only the message could tell them apart.
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let (village_name, commune_name): (String, String) = sqlx::query_as(
        "SELECT v.name, c.name FROM org_units v JOIN org_units c ON c.id = v.parent_id \
         WHERE v.code = '51-TB-01-01'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(commune_name, "Thị trấn Trà Xuân");
    let csv = "Mã thôn,Họ tên chủ hộ,Địa chỉ\n\
               51-TB-01-01,Hồ Văn Ngoài,Tổ 1\n\
               51-TB-01-09,Hồ Văn Không,Tổ 1\n";
    let (status, upload) = officer
        .upload("households", "ngoai-pham-vi.csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(status, StatusCode::OK, "{upload}");

    // Act
    let call = json!({"batch_id": upload["batch_id"], "kind": "Households", "mapping": upload["suggested"]});
    let (status, preview) = officer.post_fn("import/preview", call).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{preview}");
    let messages = row_messages(&preview);
    assert_eq!(messages.len(), 2, "{messages:?}");
    let outside = messages[0].replace("51-TB-01-01", "CODE");
    let unknown = messages[1].replace("51-TB-01-09", "CODE");
    assert_eq!(outside, unknown, "the two errors are indistinguishable");
    let english: Vec<String> = preview["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"]["en"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        english[0].replace("51-TB-01-01", "CODE"),
        english[1].replace("51-TB-01-09", "CODE")
    );
    for text in messages.iter().chain(&english) {
        for name in [&village_name, &commune_name, &"Trà Xuân".to_string()] {
            assert!(!text.contains(name.as_str()), "{text} names {name}");
        }
    }
}
