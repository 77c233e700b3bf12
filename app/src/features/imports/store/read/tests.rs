//! Unit tests of the bounded spreadsheet reading: xlsx, ods and csv, and hostile files.

use super::*;
use crate::i18n::Lang;
use std::io::Write;

/// A minimal .xlsx container: `parts` (name, content) besides the workbook skeleton.
fn workbook(sheet: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    parts.extend_from_slice(extra);
    for (name, content) in parts {
        zip.start_file(name, options).expect("an entry starts");
        zip.write_all(content).expect("an entry is written");
    }
    zip.finish().expect("the zip closes").into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A sheet of inline-string cells, with an optional `<dimension ref>`.
fn sheet(dimension: Option<&str>, cells: &[(&str, &str)]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    if let Some(d) = dimension {
        xml.push_str(&format!(r#"<dimension ref="{d}"/>"#));
    }
    xml.push_str("<sheetData>");
    for (at, text) in cells {
        let row: String = at.chars().filter(char::is_ascii_digit).collect();
        xml.push_str(&format!(
            r#"<row r="{row}"><c r="{at}" t="inlineStr"><is><t>{text}</t></is></c></row>"#
        ));
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

fn message(err: AppError) -> String {
    err.message(Lang::Vi)
}

#[test]
fn a_small_workbook_is_read_with_its_row_numbers() {
    let book = workbook(
        &sheet(
            Some("B2:C4"),
            &[
                ("B2", "Mã thôn"),
                ("C2", "Chủ hộ"),
                ("B4", "T1"),
                ("C4", "Hồ Văn A"),
            ],
        ),
        &[],
    );
    let t = read_table("a.xlsx", &book).expect("readable");
    assert_eq!(t.headers, vec!["Mã thôn", "Chủ hộ"]);
    assert_eq!(t.rows, vec![(4, vec!["T1".into(), "Hồ Văn A".into()])]);
}

#[test]
fn a_declared_dimension_wider_than_the_limit_is_refused_before_reading() {
    let book = workbook(&sheet(Some("A1:XFD1048576"), &[("A1", "x")]), &[]);
    let err = message(read_table("a.xlsx", &book).expect_err("too wide"));
    assert!(err.contains("quá nhiều cột (tối đa 100 cột)"), "{err}");
}

#[test]
fn a_declared_dimension_taller_than_the_limit_is_refused() {
    let book = workbook(&sheet(Some("A1:B1048576"), &[("A1", "x")]), &[]);
    let err = message(read_table("a.xlsx", &book).expect_err("too tall"));
    assert!(err.contains("tối đa 260.000 dòng"), "{err}");
}

#[test]
fn real_cells_far_apart_are_refused_even_without_a_dimension() {
    let wide = workbook(&sheet(None, &[("A1", "x"), ("XFD1", "y")]), &[]);
    let err = message(read_table("a.xlsx", &wide).expect_err("too wide"));
    assert!(err.contains("quá nhiều cột"), "{err}");
    let tall = workbook(&sheet(None, &[("A1", "x"), ("A1048576", "y")]), &[]);
    let err = message(read_table("a.xlsx", &tall).expect_err("too tall"));
    assert!(err.contains("tối đa 260.000 dòng"), "{err}");
}

#[test]
fn too_many_cells_rows_and_text_are_refused() {
    let cells: Vec<(String, String)> = (1..=30)
        .map(|r| (format!("A{r}"), "x".repeat(10)))
        .collect();
    let cells: Vec<(&str, &str)> = cells
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let book = workbook(&sheet(None, &cells), &[]);
    let small = |change: fn(&mut Limits)| {
        let mut limits = Limits::DEFAULT;
        change(&mut limits);
        message(read_table_with("a.xlsx", &book, &limits).expect_err("over a limit"))
    };
    assert!(small(|l| l.max_cells = 20).contains("tối đa 20 ô"));
    assert!(small(|l| l.max_data_rows = 10).contains("tối đa 10 dòng"));
    assert!(small(|l| l.max_text_bytes = 100).contains("MB văn bản"));
    assert!(read_table_with("a.xlsx", &book, &Limits::DEFAULT).is_ok());
}

#[test]
fn reading_stops_at_the_time_limit() {
    let book = workbook(&sheet(None, &[("A1", "x"), ("A2", "y")]), &[]);
    let limits = Limits {
        max_time: Duration::ZERO,
        ..Limits::DEFAULT
    };
    let err = message(read_table_with("a.xlsx", &book, &limits).expect_err("too slow"));
    assert!(err.contains("tối đa 0 giây"), "{err}");
    let csv = message(read_table_with("a.csv", b"a\nb\n", &limits).expect_err("too slow"));
    assert!(csv.contains("mất quá lâu"), "{csv}");
}

#[test]
fn a_sheet_that_inflates_past_the_ratio_is_refused() {
    let row = r#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#;
    let mut xml = String::from("<worksheet><sheetData>");
    xml.push_str(&row.repeat(200_000)); // ~10 MB, compresses ~1000×
    xml.push_str("</sheetData></worksheet>");
    let book = workbook(&xml, &[]);
    let err = message(read_table("a.xlsx", &book).expect_err("a bomb"));
    assert!(
        err.contains("nén bất thường (tỉ lệ nén tối đa 100 lần)"),
        "{err}"
    );
}

#[test]
fn a_large_shared_strings_part_is_refused() {
    // Incompressible-ish text so the ratio check does not fire first.
    let mut strings = String::from("<sst>");
    let mut n: u64 = 12345;
    while strings.len() < 3 * MIB as usize {
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        strings.push_str(&format!("<si><t>{n:x}</t></si>"));
    }
    strings.push_str("</sst>");
    let book = workbook(
        &sheet(None, &[("A1", "x"), ("A2", "y")]),
        &[("xl/sharedStrings.xml", strings.as_bytes())],
    );
    let limits = Limits {
        max_shared_strings_bytes: 2 * MIB,
        ..Limits::DEFAULT
    };
    let err = message(read_table_with("a.xlsx", &book, &limits).expect_err("too big"));
    assert!(
        err.contains("sharedStrings") && err.contains("tối đa 2 MB"),
        "{err}"
    );
    let limits = Limits {
        max_unzipped_bytes: 2 * MIB,
        ..Limits::DEFAULT
    };
    let err = message(read_table_with("a.xlsx", &book, &limits).expect_err("too big"));
    assert!(err.contains("giải nén quá lớn (tối đa 2 MB)"), "{err}");
}

#[test]
fn declared_sizes_that_lie_are_refused() {
    let row = r#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#;
    let xml = format!(
        "<worksheet><sheetData>{}</sheetData></worksheet>",
        row.repeat(100_000)
    );
    let mut book = workbook(&xml, &[]);
    // Rewrite every declared uncompressed size (local headers and central directory) to 1.
    for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let starts: Vec<usize> = book
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == signature)
            .map(|(i, _)| i)
            .collect();
        for at in starts {
            book[at + offset..at + offset + 4].copy_from_slice(&1u32.to_le_bytes());
        }
    }
    // The zip reader refuses to inflate an entry past its declared size, so the lie is
    // caught before the counter is reached: either way it is a file error, not a bomb.
    let err = read_table("a.xlsx", &book).expect_err("a lying bomb");
    assert_eq!(err.status(), 400);
    assert!(message(err).contains("Không đọc được bảng tính"));
}

#[test]
fn too_many_zip_entries_are_refused() {
    let names: Vec<String> = (0..20).map(|i| format!("xl/media/{i}.bin")).collect();
    let extra: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let book = workbook(&sheet(None, &[("A1", "x"), ("A2", "y")]), &extra);
    let limits = Limits {
        max_zip_entries: 10,
        ..Limits::DEFAULT
    };
    let err = message(read_table_with("a.xlsx", &book, &limits).expect_err("too many"));
    assert!(err.contains("tối đa 10 thành phần"), "{err}");
}

#[test]
fn ods_xls_and_xlsb_are_refused_with_a_way_out() {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .expect("an entry");
    zip.write_all(b"<office:document-content/>")
        .expect("written");
    let ods = zip.finish().expect("closed").into_inner();
    let err = message(read_table("a.ods", &ods).expect_err("ods"));
    assert!(err.contains(".ods") && err.contains(".xlsx"), "{err}");
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let err = message(read_table("a.xls", &xls).expect_err("xls"));
    assert!(err.contains(".xls)") && err.contains("CSV UTF-8"), "{err}");
}

#[test]
fn csv_over_the_column_and_cell_limits_is_refused() {
    let wide = format!(
        "{}\n{}\n",
        vec!["a"; 101].join(","),
        vec!["b"; 101].join(",")
    );
    let err = message(read_table("a.csv", wide.as_bytes()).expect_err("too wide"));
    assert!(err.contains("tối đa 100 cột"), "{err}");
    let limits = Limits {
        max_cells: 5,
        ..Limits::DEFAULT
    };
    let err =
        message(read_table_with("a.csv", b"a,b\n1,2\n3,4\n", &limits).expect_err("too many cells"));
    assert!(err.contains("tối đa 5 ô"), "{err}");
}

#[test]
fn csv_line_numbers_count_blank_lines_in_one_pass() {
    let text = "a,b\n1,2\n\n\n3,4\r\n5,6\n";
    let t = read_table("a.csv", text.as_bytes()).expect("readable");
    let lines: Vec<usize> = t.rows.iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, vec![2, 5, 6]);
}

#[test]
fn numbers_are_grouped_the_local_way() {
    assert_eq!(vi_n(200_000u32), "200.000");
    assert_eq!(en_n(5_000_000usize), "5,000,000");
    assert_eq!(vi_n(100u32), "100");
}

#[tokio::test]
async fn a_parse_that_cannot_get_a_turn_is_told_the_server_is_busy() {
    let gate = Arc::new(ParseGate::new(1, Duration::from_millis(50)));
    let busy = gate.clone();
    let first = tokio::spawn(async move {
        busy.run(|| {
            std::thread::sleep(Duration::from_millis(500));
            Ok(())
        })
        .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let err = gate.run(|| Ok(())).await.expect_err("no turn free");
    assert_eq!(err.status(), 503);
    assert!(message(err).contains("đang bận"));
    first
        .await
        .expect("joined")
        .expect("the first parse ends well");
    assert!(gate.run(|| Ok(())).await.is_ok(), "a turn frees up again");
}
