//! Spreadsheet imports: upload, dry run, commit. A file is imported whole or not at all, and
//! every problem names its row and column.

use crate::helpers::{error_message, fold, list_query, rows, spawn_app, xlsx, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;

const HEADERS: &[&str] = &[
    "Mã thôn",
    "Mã hộ",
    "Họ tên chủ hộ",
    "Địa chỉ",
    "Điện thoại",
    "Thành viên",
];

/// A household file: the standard header row, then `data`.
fn household_file(data: &[&[&str]]) -> Vec<u8> {
    let mut all: Vec<&[&str]> = vec![HEADERS];
    all.extend_from_slice(data);
    xlsx(&rows(&all))
}

/// Uploads a file that must be accepted; returns the upload summary.
async fn upload_ok(client: &Client, kind: &str, filename: &str, bytes: Vec<u8>) -> Value {
    let (status, body) = client.upload(kind, filename, bytes).await;
    assert_eq!(status, StatusCode::OK, "upload of {filename}: {body}");
    body
}

fn import_call(upload: &Value, kind: &str) -> Value {
    json!({
        "batch_id": upload["batch_id"],
        "kind": kind,
        "mapping": upload["suggested"],
    })
}

async fn preview(client: &Client, upload: &Value, kind: &str) -> (StatusCode, Value) {
    client
        .post_fn("import/preview", import_call(upload, kind))
        .await
}

async fn commit(client: &Client, upload: &Value, kind: &str) -> (StatusCode, Value) {
    client
        .post_fn("import/commit", import_call(upload, kind))
        .await
}

/// Row errors of a preview as (row, column, Vietnamese message).
fn row_errors(preview: &Value) -> Vec<(i64, String, String)> {
    preview["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_string(),
                e["message"]["vi"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Asserts that committing is refused and that no household was added.
async fn assert_commit_refused(app: &TestApp, client: &Client, upload: &Value, before: i64) {
    let (status, body) = commit(client, upload, "Households").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(error_message(&body, "BadRequest").is_some(), "{body}");
    assert_eq!(app.household_count().await, before, "nothing was imported");
}

#[tokio::test]
async fn an_empty_file_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let empty_workbook = xlsx(&[]);

    for (name, bytes) in [("trong.csv", Vec::new()), ("trong.xlsx", empty_workbook)] {
        // Act
        let (status, body) = officer.upload("households", name, bytes).await;

        // Assert
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
        let message = error_message(&body, "BadRequest").unwrap();
        assert!(message.contains("rỗng"), "{name}: {message}");
    }
    assert_eq!(app.household_count().await, before);
}

#[tokio::test]
async fn a_header_only_file_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;

    // Act
    let (status, body) = officer
        .upload("households", "chi-tieu-de.xlsx", household_file(&[]))
        .await;

    // Assert
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = error_message(&body, "BadRequest").unwrap();
    assert!(message.contains("không có dòng dữ liệu"), "{message}");
    assert_eq!(app.household_count().await, before);
}

#[tokio::test]
async fn a_file_without_village_code_and_head_name_columns_gets_a_clear_error() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let file = xlsx(&rows(&[
        &["Tên", "Ghi chú", "Số điện thoại"],
        &["Hồ Văn A", "không", "0912345678"],
    ]));
    let upload = upload_ok(&officer, "households", "sai-cot.xlsx", file).await;
    assert_eq!(upload["suggested"], json!([null, null, "Phone"]));

    // Act
    let (status, body) = preview(&officer, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = error_message(&body, "BadRequest").unwrap();
    assert!(
        message.contains("bắt buộc") && message.contains("Mã thôn"),
        "the error names the missing required column: {message}"
    );
    // Mapping the name column is not enough either: the village code is still missing.
    let mut mapping = upload["suggested"].clone();
    mapping[0] = json!("HeadName");
    let (status, body) = officer
        .post_fn(
            "import/commit",
            json!({ "batch_id": upload["batch_id"], "kind": "Households", "mapping": mapping }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(error_message(&body, "BadRequest")
        .unwrap()
        .contains("Mã thôn"));
    assert_eq!(app.household_count().await, before);
}

#[tokio::test]
async fn ten_thousand_valid_rows_are_imported_in_one_go() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let surnames = ["Hồ", "Đinh", "Nguyễn", "Trần", "Lê", "Phạm", "Võ", "Huỳnh"];
    let middles = ["Văn", "Thị", "Minh", "Ngọc", "Hữu"];
    let givens = [
        "An", "Bình", "Cường", "Dũng", "Hương", "Lan", "Mai", "Nam", "Phúc", "Quế",
    ];
    let mut data: Vec<Vec<String>> = vec![HEADERS.iter().map(|h| h.to_string()).collect()];
    for i in 0..10_000usize {
        data.push(vec![
            format!("51-TB-02-0{}", 1 + i % 4),
            format!("NK{i:05}"),
            format!(
                "{} {} {}",
                surnames[i % surnames.len()],
                middles[(i / 8) % middles.len()],
                givens[(i / 40) % givens.len()]
            ),
            format!("Số nhà {i}, xã Trà Bình"),
            format!("09{:08}", i),
            if i % 3 == 0 {
                format!("Hồ Thị Lan ({}); Hồ Văn Bé", 1960 + i % 60)
            } else {
                String::new()
            },
        ]);
    }
    let file = xlsx(&data);
    let upload = upload_ok(&officer, "households", "muoi-nghin.xlsx", file).await;
    assert_eq!(upload["row_count"], json!(10_000));
    assert_eq!(
        upload["suggested"],
        json!([
            "VillageCode",
            "HouseholdCode",
            "HeadName",
            "Address",
            "Phone",
            "Members"
        ])
    );

    // Act
    let started = std::time::Instant::now();
    let (status, checked) = preview(&officer, &upload, "Households").await;
    let previewed_in = started.elapsed();
    let started = std::time::Instant::now();
    let (commit_status, outcome) = commit(&officer, &upload, "Households").await;
    let committed_in = started.elapsed();
    eprintln!("10,000-row import: preview {previewed_in:.1?}, commit {committed_in:.1?}");

    // Assert
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(checked["error_count"], json!(0), "{}", checked["errors"]);
    assert_eq!(checked["valid_rows"], json!(10_000));
    assert_eq!(commit_status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["inserted"], json!(10_000));
    assert_eq!(app.household_count().await, before + 10_000);
    let (members, phone): (i64, String) =
        sqlx::query_as("SELECT member_count, phone FROM households WHERE code = 'NK00003'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((members, phone.as_str()), (3, "0900000003"));
    // One audit entry per household, with the record as stored, members in order.
    let entries: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'household'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(entries, 10_000);
    let (summary, unit_path, after, village_path, village_id): (
        String,
        String,
        String,
        String,
        i64,
    ) = sqlx::query_as(
        "SELECT a.summary, a.unit_path, a.after_json, u.path, h.village_id FROM audit_log a
             JOIN households h ON h.id = a.entity_id JOIN org_units u ON u.id = h.village_id
             WHERE a.entity = 'household' AND a.action = 'import' AND h.code = 'NK00003'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(summary, "Trần Văn An");
    assert_eq!(unit_path, village_path);
    let after: app::domain::registry::HouseholdInput = serde_json::from_str(&after).unwrap();
    assert_eq!(
        serde_json::to_value(&after).unwrap(),
        json!({
            "village_id": village_id, "code": "NK00003", "head_name": "Trần Văn An",
            "address": "Số nhà 3, xã Trà Bình", "phone": "0900000003",
            "members": [
                {"full_name": "Hồ Thị Lan", "birth_year": 1963, "relation": ""},
                {"full_name": "Hồ Văn Bé", "birth_year": null, "relation": ""},
            ]
        })
    );
}

#[tokio::test]
async fn numbers_typed_as_numbers_in_excel_keep_their_text_form() {
    // Arrange: Excel drops the leading zero of a phone typed as a number
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Mã thôn", "Mã hộ", "Họ tên chủ hộ", "Điện thoại"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "51-TB-02-01").unwrap();
    sheet.write_number(1, 1, 778_899.0).unwrap();
    sheet.write_string(1, 2, "Hồ Văn Số").unwrap();
    sheet.write_number(1, 3, 912_345_678.0).unwrap();
    let upload = upload_ok(
        &officer,
        "households",
        "so.xlsx",
        book.save_to_buffer().unwrap(),
    )
    .await;

    // Act
    let (status, outcome) = commit(&officer, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{outcome}");
    let stored: (String, String) =
        sqlx::query_as("SELECT code, phone FROM households WHERE head_name = 'Hồ Văn Số'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, ("778899".to_string(), "0912345678".to_string()));
}

#[tokio::test]
async fn decomposed_vietnamese_is_stored_composed_and_found_without_accents() {
    // Arrange: a CSV written by a tool that saves NFD text
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let name = "Trần Thị Ngọc Quyên";
    let address = "Thôn Nước Nẫm, xã Trà Bình";
    let csv = format!("Mã thôn,Họ tên chủ hộ,Địa chỉ\n51-TB-02-01,{name},\"{address}\"\n")
        .nfd()
        .collect::<String>();
    assert_ne!(csv.as_bytes(), csv.nfc().collect::<String>().as_bytes());
    let upload = upload_ok(&officer, "households", "nfd.csv", csv.into_bytes()).await;

    // Act
    let (status, outcome) = commit(&officer, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{outcome}");
    let (found, total) = officer
        .list_all(
            "households/list",
            list_query(json!({ "q": "tran thi ngoc quyen" })),
        )
        .await;
    assert_eq!(total, 1, "{found:?}");
    assert_eq!(
        found[0]["head_name"].as_str().unwrap().as_bytes(),
        name.as_bytes()
    );
    let stored: (String, String) =
        sqlx::query_as("SELECT head_name, address FROM households WHERE id = $1")
            .bind(found[0]["id"].as_i64().unwrap())
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored.0.as_bytes(), name.as_bytes(), "stored as NFC");
    assert_eq!(stored.1.as_bytes(), address.as_bytes(), "stored as NFC");
}

#[tokio::test]
async fn duplicate_rows_within_a_file_name_the_first_row() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let file = household_file(&[
        &["51-TB-02-01", "", "Hồ Văn Tâm", "Thôn 1", "", ""],
        &["51-TB-02-01", "", "Đinh Thị Hoa", "Thôn 1", "", ""],
        &["51-TB-02-01", "", "HO VAN TAM", "thôn 1", "", ""],
    ]);
    let upload = upload_ok(&officer, "households", "trung.xlsx", file).await;

    // Act
    let (status, checked) = preview(&officer, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(checked["error_count"], json!(1));
    assert_eq!(checked["valid_rows"], json!(2));
    let errors = row_errors(&checked);
    assert_eq!(errors.len(), 1);
    let (row, column, message) = &errors[0];
    assert_eq!(*row, 4, "the duplicate is row 4 (the header is row 1)");
    assert_eq!(column, "Họ tên chủ hộ");
    assert!(message.contains("dòng 2"), "names the first row: {message}");
    assert_commit_refused(&app, &officer, &upload, before).await;
}

#[tokio::test]
async fn a_row_duplicating_a_registered_household_is_reported() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let existing = app.household_in_commune("51-TB-02").await;
    let (village_code, head, address): (String, String, String) = sqlx::query_as(
        "SELECT v.code, h.head_name, h.address FROM households h
         JOIN org_units v ON v.id = h.village_id WHERE h.id = $1",
    )
    .bind(existing)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let file = household_file(&[
        &["51-TB-02-01", "", "Hồ Văn Mới Tinh", "Thôn 1", "", ""],
        &[&village_code, "", &fold(&head), &address, "", ""],
    ]);
    let upload = upload_ok(&officer, "households", "da-co.xlsx", file).await;

    // Act
    let (status, checked) = preview(&officer, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{checked}");
    let errors = row_errors(&checked);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (row, column, message) = &errors[0];
    assert_eq!((*row, column.as_str()), (3, "Họ tên chủ hộ"));
    assert!(
        message.contains(&existing.to_string()),
        "names the registered household: {message}"
    );
    assert_commit_refused(&app, &officer, &upload, before).await;
}

#[tokio::test]
async fn an_unknown_village_code_names_row_column_and_code() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let file = household_file(&[
        &["51-TB-02-01", "", "Hồ Văn Một", "Thôn 1", "", ""],
        &["51-TB-02-99", "", "Hồ Văn Hai", "Thôn 9", "", ""],
    ]);
    let upload = upload_ok(&officer, "households", "sai-thon.xlsx", file).await;

    // Act
    let (status, checked) = preview(&officer, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{checked}");
    let errors = row_errors(&checked);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (row, column, message) = &errors[0];
    assert_eq!((*row, column.as_str()), (3, "Mã thôn"));
    assert!(
        message.contains("\"51-TB-02-99\""),
        "quotes the code as typed in the file: {message}"
    );
    assert_commit_refused(&app, &officer, &upload, before).await;
}

#[tokio::test]
async fn a_text_file_renamed_to_xlsx_is_refused_with_a_file_error() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let text = "Mã thôn,Họ tên chủ hộ\n51-TB-02-01,Hồ Văn A\n";

    // Act
    let (status, body) = officer
        .upload("households", "danh-sach.xlsx", text.as_bytes().to_vec())
        .await;

    // Assert
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = error_message(&body, "BadRequest").unwrap();
    assert!(message.contains("không phải bảng tính"), "{message}");
    assert_eq!(app.household_count().await, before);
}

#[tokio::test]
async fn a_village_outside_the_importers_commune_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let file = household_file(&[
        &["51-TB-02-01", "", "Hồ Văn Trong", "Thôn 1", "", ""],
        &["51-TB-01-01", "", "Hồ Văn Ngoài", "Tổ 1", "", ""],
    ]);
    let upload = upload_ok(&officer, "households", "ngoai.xlsx", file).await;

    // Act
    let (status, checked) = preview(&officer, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{checked}");
    let errors = row_errors(&checked);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (row, column, message) = &errors[0];
    assert_eq!((*row, column.as_str()), (3, "Mã thôn"));
    assert!(
        message.contains("trong phạm vi quản lý của bạn") && !message.contains("Trà Xuân"),
        "reads like an unknown code, names no unit: {message}"
    );
    assert_commit_refused(&app, &officer, &upload, before).await;
}

#[tokio::test]
async fn three_good_rows_and_one_bad_row_import_nothing() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let file = household_file(&[
        &["51-TB-02-01", "", "Hồ Văn Khuê", "Thôn 1", "0912345678", ""],
        &["51-TB-02-02", "", "Đinh Thị Khuê", "Thôn 2", "", ""],
        &["51-TB-02-03", "", "Lê Văn Khuê", "Thôn 3", "", ""],
        &["51-TB-02-01", "", "Phạm Văn Khuê", "Thôn 1", "12345", ""],
    ]);
    let upload = upload_ok(&officer, "households", "mot-loi.xlsx", file).await;

    // Act
    let (status, checked) = preview(&officer, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(checked["valid_rows"], json!(3));
    assert_eq!(checked["error_count"], json!(1));
    let errors = row_errors(&checked);
    assert_eq!((errors[0].0, errors[0].1.as_str()), (5, "Điện thoại"));
    assert_commit_refused(&app, &officer, &upload, before).await;
    let (found, _) = officer
        .list_all("households/list", list_query(json!({ "q": "khue" })))
        .await;
    assert!(
        found.is_empty(),
        "none of the good rows were written: {found:?}"
    );
}

#[tokio::test]
async fn committing_the_same_batch_twice_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let file = household_file(&[
        &["51-TB-02-01", "", "Hồ Văn Một Lần", "Thôn 1", "", ""],
        &["51-TB-02-02", "", "Đinh Thị Một Lần", "Thôn 2", "", ""],
    ]);
    let upload = upload_ok(&officer, "households", "hai-lan.xlsx", file).await;
    let (status, outcome) = commit(&officer, &upload, "Households").await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["inserted"], json!(2));

    // Act
    let (status, body) = commit(&officer, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(error_message(&body, "BadRequest")
        .unwrap()
        .contains("đã được nhập"));
    assert_eq!(app.household_count().await, before + 2);
}

#[tokio::test]
async fn another_users_batch_cannot_be_committed() {
    // Arrange
    let app = spawn_app().await;
    let owner = app.client_for("canbo.trabinh").await;
    let admin = app.client_for("quantri").await;
    let before = app.household_count().await;
    let file = household_file(&[&["51-TB-02-01", "", "Hồ Văn Của Người Khác", "Thôn 1", "", ""]]);
    let upload = upload_ok(&owner, "households", "cua-toi.xlsx", file).await;

    // Act
    let (status, body) = commit(&admin, &upload, "Households").await;

    // Assert
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(app.household_count().await, before);
}

#[tokio::test]
async fn the_org_unit_tree_is_previewed_then_committed_with_correct_parents() {
    // Arrange: a village listed before its commune
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let district = app.unit_id("51-TB").await;
    let units_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let csv = "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\n\
               51-TB-17-01,Thôn Một,Thôn,51-TB-17\n\
               51-TB-17,Xã Thử Nghiệm,Xã,51-TB\n\
               51-TB-17-02,Tổ dân phố Hai,Tổ dân phố,51-TB-17\n";
    let upload = upload_ok(&admin, "org_units", "don-vi.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(
        upload["suggested"],
        json!(["UnitCode", "UnitName", "UnitLevel", "ParentCode"])
    );

    // Act: dry run
    let (status, checked) = preview(&admin, &upload, "OrgUnits").await;

    // Assert: checked, nothing written
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(checked["error_count"], json!(0), "{}", checked["errors"]);
    assert_eq!(checked["valid_rows"], json!(3));
    let units_after_preview: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        units_after_preview, units_before,
        "a dry run writes nothing"
    );

    // Act: commit
    let (status, outcome) = commit(&admin, &upload, "OrgUnits").await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["inserted"], json!(3));
    let commune = app.unit_id("51-TB-17").await;
    let commune_row: (Option<i64>, String, String, String) =
        sqlx::query_as("SELECT parent_id, level, name, path FROM org_units WHERE id = $1")
            .bind(commune)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let district_path = app.unit_path(district).await;
    assert_eq!(
        commune_row,
        (
            Some(district),
            "xa".to_string(),
            "Xã Thử Nghiệm".to_string(),
            format!("{district_path}{commune}/")
        )
    );
    for (code, name) in [
        ("51-TB-17-01", "Thôn Một"),
        ("51-TB-17-02", "Tổ dân phố Hai"),
    ] {
        let village = app.unit_id(code).await;
        let row: (Option<i64>, String, String, String) =
            sqlx::query_as("SELECT parent_id, level, name, path FROM org_units WHERE id = $1")
                .bind(village)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(
            row,
            (
                Some(commune),
                "thon".to_string(),
                name.to_string(),
                format!("{district_path}{commune}/{village}/")
            ),
            "{code}"
        );
    }
    let view = admin
        .ok(
            "units/view",
            json!({ "id": commune, "include_inactive": false }),
        )
        .await;
    assert_eq!(view["children"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn org_unit_codes_match_regardless_of_case_in_preview_and_commit_alike() {
    // Arrange: parent codes typed in lower case, one in the database and one in the file
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let district = app.unit_id("51-TB").await;
    let csv = "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\n\
               51-TB-19,Xã Chữ Thường,Xã,51-tb\n\
               51-TB-19-01,Thôn Chữ Thường,Thôn,51-tb-19\n";
    let upload = upload_ok(
        &admin,
        "org_units",
        "chu-thuong.csv",
        csv.as_bytes().to_vec(),
    )
    .await;
    let (status, checked) = preview(&admin, &upload, "OrgUnits").await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(checked["error_count"], json!(0), "{}", checked["errors"]);

    // Act
    let (status, outcome) = commit(&admin, &upload, "OrgUnits").await;

    // Assert: what the preview accepted, the commit writes
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["inserted"], json!(2));
    let commune = app.unit_id("51-TB-19").await;
    let parents: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT code, parent_id FROM org_units WHERE code LIKE '51-TB-19%' ORDER BY code",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        parents,
        vec![
            ("51-TB-19".to_string(), Some(district)),
            ("51-TB-19-01".to_string(), Some(commune)),
        ]
    );
}

#[tokio::test]
async fn an_org_unit_file_with_an_unknown_parent_imports_nothing() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let units_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let csv = "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\n\
               51-TB-18,Xã Tốt,Xã,51-TB\n\
               51-ZZ-01,Thôn Lạc,Thôn,51-ZZ\n";
    let upload = upload_ok(&admin, "org_units", "loi.csv", csv.as_bytes().to_vec()).await;

    // Act
    let (status, checked) = preview(&admin, &upload, "OrgUnits").await;
    let (commit_status, body) = commit(&admin, &upload, "OrgUnits").await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{checked}");
    let errors = row_errors(&checked);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].0, errors[0].1.as_str()),
        (3, "Mã đơn vị cấp trên")
    );
    assert!(errors[0].2.contains("51-ZZ"), "{}", errors[0].2);
    assert_eq!(commit_status, StatusCode::BAD_REQUEST, "{body}");
    let units_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(units_after, units_before);
}

#[tokio::test]
async fn an_officer_cannot_import_org_units() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let csv =
        "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\n51-TB-02-50,Thôn Năm Mươi,Thôn,51-TB-02\n";

    // Act
    let (status, body) = officer
        .upload("org_units", "don-vi.csv", csv.as_bytes().to_vec())
        .await;

    // Assert
    crate::helpers::assert_forbidden(status, &body, "org-unit import");
}
