//! Search ignores diacritics and case, and does not care whether text arrived as NFC or NFD.

use crate::helpers::{fold, household_input, list_query, spawn_app, Client};
use serde_json::json;
use unicode_normalization::UnicodeNormalization;

async fn found_ids(client: &Client, q: &str) -> Vec<i64> {
    let (rows, _) = client
        .list_all("households/list", list_query(json!({ "q": q })))
        .await;
    rows.iter().map(|h| h["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn search_without_accents_or_in_capitals_finds_the_vietnamese_name() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id("51-TB-02-01").await;
    let created = officer
        .ok(
            "households/create",
            json!({ "input": household_input(village, "Nguyễn Văn Khiêm", "Thôn 1") }),
        )
        .await;
    let id = created["id"].as_i64().unwrap();

    for q in [
        "nguyen van khiem",
        "NGUYEN VAN KHIEM",
        "NGUYỄN VĂN KHIÊM",
        "Nguyễn Văn Khiêm",
        "khiem nguyen",
        "  nguyen   khiem ",
    ] {
        // Act
        let ids = found_ids(&officer, q).await;

        // Assert
        assert!(
            ids.contains(&id),
            "{q:?} should find the household: {ids:?}"
        );
    }
    assert!(
        !found_ids(&officer, "nguyen van khiet").await.contains(&id),
        "a different name does not match"
    );
}

#[tokio::test]
async fn nguyen_van_finds_the_same_demo_households_in_every_spelling() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;

    // Act
    let plain = found_ids(&admin, "nguyen van").await;
    let accented = found_ids(&admin, "Nguyễn Văn").await;
    let capitals = found_ids(&admin, "NGUYỄN VĂN").await;
    let decomposed = found_ids(&admin, &"Nguyễn Văn".nfd().collect::<String>()).await;

    // Assert
    assert!(!plain.is_empty(), "the demo data has Nguyễn Văn households");
    assert_eq!(accented, plain);
    assert_eq!(capitals, plain);
    assert_eq!(decomposed, plain);
    let (rows, _) = admin
        .list_all("households/list", list_query(json!({ "q": "nguyen van" })))
        .await;
    assert!(
        rows.iter()
            .any(|h| h["head_name"].as_str().unwrap().starts_with("Nguyễn Văn ")),
        "at least one head is a Nguyễn Văn"
    );
    let expected: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM households WHERE active AND head_name LIKE 'Nguyễn Văn %'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let heads_found = rows
        .iter()
        .filter(|h| fold(h["head_name"].as_str().unwrap()).starts_with("nguyen van "))
        .count() as i64;
    assert_eq!(heads_found, expected, "every Nguyễn Văn head is found");
}

#[tokio::test]
async fn a_decomposed_query_finds_composed_data_and_decomposed_input_is_stored_composed() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id("51-TB-02-01").await;
    let composed = "Lê Thị Ánh Nguyệt";
    let decomposed: String = composed.nfd().collect();
    assert_ne!(composed.as_bytes(), decomposed.as_bytes());
    let stored_from_nfd = "Trần Thị Ngọc Diễm";

    // Act
    let nfc_record = officer
        .ok(
            "households/create",
            json!({ "input": household_input(village, composed, "Thôn 1") }),
        )
        .await;
    let nfd_record = officer
        .ok(
            "households/create",
            json!({ "input": household_input(village, &stored_from_nfd.nfd().collect::<String>(), "Thôn 2") }),
        )
        .await;

    // Assert: an NFD query finds NFC data
    let found = found_ids(&officer, &decomposed).await;
    assert_eq!(found, vec![nfc_record["id"].as_i64().unwrap()]);
    // Assert: NFD input is stored as NFC, and found by either form or without accents
    assert_eq!(nfd_record["head_name"], json!(stored_from_nfd));
    let in_db: String = sqlx::query_scalar("SELECT head_name FROM households WHERE id = $1")
        .bind(nfd_record["id"].as_i64().unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(in_db.as_bytes(), stored_from_nfd.as_bytes());
    let nfd_id = nfd_record["id"].as_i64().unwrap();
    assert_eq!(found_ids(&officer, stored_from_nfd).await, vec![nfd_id]);
    assert_eq!(
        found_ids(&officer, "tran thi ngoc diem").await,
        vec![nfd_id]
    );
}
