//! Excel export: the workbook holds exactly the rows the list shows for the same filter and
//! scope.

use crate::helpers::{list_query, read_xlsx, spawn_app, Client};
use reqwest::StatusCode;
use serde_json::{json, Value};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Downloads an export that must succeed and returns its rows (header first).
async fn export(client: &Client, path: &str) -> Vec<Vec<String>> {
    let res = client.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let content_type = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, XLSX);
    let bytes = res.bytes().await.unwrap();
    read_xlsx(&bytes)
}

/// The list rows as the export writes them: id, code, head, village, commune, address, phone,
/// members.
fn as_export_rows(list: &[Value]) -> Vec<Vec<String>> {
    list.iter()
        .map(|h| {
            vec![
                h["id"].as_i64().unwrap().to_string(),
                h["code"].as_str().unwrap().to_string(),
                h["head_name"].as_str().unwrap().to_string(),
                h["village_name"].as_str().unwrap().to_string(),
                h["commune_name"].as_str().unwrap().to_string(),
                h["address"].as_str().unwrap().to_string(),
                h["phone"].as_str().unwrap().to_string(),
                h["member_count"].as_i64().unwrap().to_string(),
            ]
        })
        .collect()
}

#[tokio::test]
async fn an_officers_household_export_holds_exactly_their_communes_list() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let (list, total) = officer
        .list_all("households/list", list_query(json!({})))
        .await;
    assert!(total > 0);

    // Act
    let sheet = export(&officer, "/export/households.xlsx").await;

    // Assert
    let (header, data) = sheet.split_first().expect("a header row");
    assert_eq!(header.len(), 9, "{header:?}");
    assert_eq!(header[1], "Mã hộ");
    assert_eq!(header[4], "Xã");
    assert_eq!(data.len() as i64, total);
    let exported: Vec<Vec<String>> = data.iter().map(|r| r[..8].to_vec()).collect();
    assert_eq!(exported, as_export_rows(&list));
    for row in data {
        assert_eq!(row[4], "Xã Trà Bình", "{row:?}");
        assert_eq!(row[8], "Đang hoạt động", "{row:?}");
    }
}

#[tokio::test]
async fn an_export_applies_the_same_unit_and_search_filter_as_the_list() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let commune_b = app.unit_id("51-TB-01").await;
    let (list, total) = admin
        .list_all(
            "households/list",
            list_query(json!({ "unit_id": commune_b, "q": "van", "sort": "village" })),
        )
        .await;
    assert!(total > 0);

    // Act
    let sheet = export(
        &admin,
        &format!("/export/households.xlsx?unit_id={commune_b}&q=van&sort=village"),
    )
    .await;

    // Assert
    let exported: Vec<Vec<String>> = sheet[1..].iter().map(|r| r[..8].to_vec()).collect();
    assert_eq!(exported, as_export_rows(&list));
    assert!(exported.iter().all(|r| r[4] == "Thị trấn Trà Xuân"));
}

#[tokio::test]
async fn an_officer_cannot_export_another_commune_and_strangers_cannot_export_at_all() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let commune_b = app.unit_id("51-TB-01").await;

    // Act
    let other_commune = officer
        .get(&format!("/export/households.xlsx?unit_id={commune_b}"))
        .await;
    let anonymous = app.client().get("/export/households.xlsx").await;
    let users = officer.get("/export/users.xlsx").await;

    // Assert
    assert_eq!(other_commune.status(), StatusCode::FORBIDDEN);
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        users.status(),
        StatusCode::FORBIDDEN,
        "users need ManageUsers"
    );
}

#[tokio::test]
async fn clan_and_organisation_exports_match_their_lists() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let (clans, _) = officer.list_all("clans/list", list_query(json!({}))).await;
    let (organisations, _) = officer
        .list_all("organisations/list", list_query(json!({})))
        .await;

    // Act
    let clan_sheet = export(&officer, "/export/clans.xlsx").await;
    let organisation_sheet = export(&officer, "/export/organisations.xlsx").await;

    // Assert
    let clan_ids: Vec<String> = clan_sheet[1..].iter().map(|r| r[0].clone()).collect();
    let expected: Vec<String> = clans.iter().map(|c| c["id"].to_string()).collect();
    assert_eq!(clan_ids, expected);
    let organisation_ids: Vec<String> = organisation_sheet[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    let expected: Vec<String> = organisations.iter().map(|o| o["id"].to_string()).collect();
    assert_eq!(organisation_ids, expected);
}
