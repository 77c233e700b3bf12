//! Targets from a spreadsheet: the targets sheet a unit downloads reads back unchanged, a filled
//! sheet sets, keeps and clears targets as its cells say, a file with one bad row saves nothing
//! and names the rows, and only those who may set a unit's targets can import them.

use crate::cycle_support::{COMMUNE_A, COMMUNE_B, DISTRICT};
use crate::helpers::{assert_forbidden, read_xlsx, rows, spawn_app, xlsx, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const YEAR: i64 = 2027;

async fn sheet(client: &Client, unit_id: i64) -> Vec<Vec<String>> {
    let res = client
        .get(&format!(
            "/export/targets.xlsx?unit_id={unit_id}&year={YEAR}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    read_xlsx(&res.bytes().await.unwrap())
}

/// (own, inherited) percent of each group at a unit in `YEAR`.
async fn targets(client: &Client, unit_id: i64) -> Vec<(Option<i64>, Option<i64>)> {
    let t = client
        .ok("targets/find", json!({ "unit_id": unit_id, "year": YEAR }))
        .await;
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["own"].as_i64(), r["inherited"]["percent"].as_i64()))
        .collect()
}

async fn stored(app: &TestApp) -> Vec<(i64, i64, String, i64)> {
    sqlx::query_as("SELECT unit_id, year, kind, percent FROM targets ORDER BY 1, 2, 3")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

fn upload_of(table: &[Vec<String>]) -> Vec<u8> {
    xlsx(table)
}

#[tokio::test]
async fn a_filled_targets_sheet_sets_keeps_and_clears_targets() {
    // Arrange: the district's sheet for 2027 (the district and its sixteen communes).
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let district = app.unit_id(DISTRICT).await;
    let a = app.unit_id(COMMUNE_A).await;
    let b = app.unit_id(COMMUNE_B).await;
    admin
        .ok(
            "targets/save",
            json!({ "input": { "unit_id": b, "year": YEAR, "percents": [["Households", 55]] } }),
        )
        .await;
    let mut table = sheet(&admin, district).await;
    assert_eq!(table[0][0], "Mã đơn vị");
    assert_eq!(table.len(), 18, "a heading and seventeen units");
    let untouched = upload_of(&table);
    let (status, body) = admin
        .post_file("/targets/import", "chi-tieu.xlsx", untouched)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["changed"], 0,
        "the sheet as downloaded changes nothing: {body}"
    );

    // Act: the district asks 72% of households; Trà Bình 50% of clans; Trà Xuân drops its own.
    let row_of =
        |table: &[Vec<String>], code: &str| table.iter().position(|r| r[0] == code).unwrap();
    let households = 3;
    let clans = 4;
    let d = row_of(&table, DISTRICT);
    table[d][households] = "72".into();
    let ra = row_of(&table, COMMUNE_A);
    table[ra][clans] = "50%".into();
    let rb = row_of(&table, COMMUNE_B);
    table[rb][households] = "-".into();
    let (status, body) = admin
        .post_file("/targets/import", "chi-tieu.xlsx", upload_of(&table))
        .await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "rows": 17, "changed": 3 }));
    let at_a = targets(&admin, a).await;
    assert_eq!(
        at_a[0],
        (None, Some(72)),
        "households inherited from the district"
    );
    assert_eq!(at_a[1].0, Some(50), "Trà Bình's own clans target");
    assert_eq!(
        targets(&admin, b).await[0],
        (None, Some(72)),
        "Trà Xuân takes the district's"
    );
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'target'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 4, "one entry for the form, one per changed row");
    // The sheet reads back what was saved.
    let again = sheet(&admin, district).await;
    assert_eq!(again[row_of(&again, DISTRICT)][households], "72");
    assert_eq!(again[row_of(&again, COMMUNE_B)][households], "");
}

#[tokio::test]
async fn a_file_with_bad_rows_saves_nothing_and_names_each_row() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let before = stored(&app).await;
    let file = xlsx(&rows(&[
        &[
            "Mã đơn vị",
            "Tên đơn vị",
            "Năm",
            "Gia đình học tập (%)",
            "Dòng họ học tập (%)",
        ],
        &[COMMUNE_A, "Xã Trà Bình", "2027", "70", ""],
        &["51-KHONG-CO", "?", "2027", "70", ""],
        &[COMMUNE_B, "Thị trấn Trà Xuân", "2027", "120", ""],
        &[DISTRICT, "Huyện Trà Bồng", "20277", "60", ""],
    ]));

    // Act
    let (status, body) = admin
        .post_file("/targets/import", "chi-tieu.xlsx", file)
        .await;

    // Assert
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let messages: Vec<String> = body["Validation"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["message"]["vi"].as_str().unwrap().to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Dòng 4:") && m.contains("0 đến 100")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Dòng 5:") && m.contains("năm")),
        "{messages:?}"
    );
    assert!(
        messages
            .last()
            .unwrap()
            .contains("Không có chỉ tiêu nào được lưu"),
        "{messages:?}"
    );
    assert_eq!(stored(&app).await, before, "nothing was saved");
    // Once the values are right, the unknown unit is the one row left to fix.
    let file = xlsx(&rows(&[
        &["Mã đơn vị", "Năm", "Gia đình học tập (%)"],
        &[COMMUNE_A, "2027", "70"],
        &["51-KHONG-CO", "2027", "70"],
    ]));
    let (status, body) = admin
        .post_file("/targets/import", "chi-tieu.xlsx", file)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.to_string().contains("Dòng 3: không có đơn vị mã"),
        "{body}"
    );
    assert_eq!(stored(&app).await, before, "nothing was saved");
    // Not a workbook at all: a clear refusal, and the server still answers.
    let (status, body) = admin
        .post_file(
            "/targets/import",
            "chi-tieu.xlsx",
            b"PK\x03\x04 not really".to_vec(),
        )
        .await;
    assert!(status.is_client_error(), "{status} {body}");
    assert_eq!(app.client().get("/health").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn only_who_may_set_a_units_targets_imports_them() {
    // Arrange: a leader, and an administrator of one commune.
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let commune_admin = app.new_user("quantri.trabinh", "Admin", COMMUNE_A).await;
    let before = stored(&app).await;
    let file = || {
        xlsx(&rows(&[
            &["Mã đơn vị", "Năm", "Gia đình học tập (%)"],
            &[COMMUNE_A, "2027", "70"],
            &[DISTRICT, "2027", "70"],
        ]))
    };

    // Act + Assert: the leader may not import at all.
    let (status, body) = leader
        .post_file("/targets/import", "chi-tieu.xlsx", file())
        .await;
    assert_forbidden(status, &body, "a leader importing targets");
    // The commune's administrator may set the commune's, not the district's: nothing is saved.
    let (status, body) = commune_admin
        .post_file("/targets/import", "chi-tieu.xlsx", file())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.to_string().contains("Dòng 3: bạn không có quyền"),
        "{body}"
    );
    assert_eq!(stored(&app).await, before);
    let _: Value = body;
}
