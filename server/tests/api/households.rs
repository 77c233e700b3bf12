//! Households: create, update, deactivate; validation errors per field; optimistic versions.

use crate::helpers::{household_input, invalid_fields, list_query, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A village of Xã Trà Bình, where `canbo.trabinh` may write.
const VILLAGE_A: &str = "51-TB-02-01";

#[tokio::test]
async fn creating_a_household_with_invalid_fields_reports_each_field() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let input = json!({
        "village_id": 0,
        "code": "",
        "head_name": "   ",
        "address": "Thôn 1",
        "phone": "12345",
        "members": [
            { "full_name": "Hồ Thị Lan", "birth_year": 2999, "relation": "Vợ" },
            { "full_name": " ", "birth_year": null, "relation": "Con" },
        ],
    });

    // Act
    let (status, body) = officer
        .post_fn("households/create", json!({ "input": input }))
        .await;

    // Assert
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = invalid_fields(&body);
    for expected in [
        "village_id",
        "head_name",
        "phone",
        "members.0.birth_year",
        "members.1.full_name",
    ] {
        assert!(
            fields.iter().any(|f| f == expected),
            "{expected} missing from {fields:?}"
        );
    }
    for error in body["Validation"].as_array().unwrap() {
        assert!(
            !error["message"]["vi"].as_str().unwrap_or("").is_empty(),
            "every field error has a Vietnamese message: {error}"
        );
    }
    assert_eq!(app.household_count().await, before, "nothing was stored");
}

#[tokio::test]
async fn a_name_with_digits_and_a_too_long_address_are_refused() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id(VILLAGE_A).await;
    let input = household_input(village, "Hồ Văn 2", &"x".repeat(201));

    // Act
    let (status, body) = officer
        .post_fn("households/create", json!({ "input": input }))
        .await;

    // Assert
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = invalid_fields(&body);
    assert!(fields.contains(&"head_name".to_string()), "{fields:?}");
    assert!(fields.contains(&"address".to_string()), "{fields:?}");
}

#[tokio::test]
async fn household_is_created_updated_and_deactivated() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id(VILLAGE_A).await;
    let mut input = household_input(village, "  Đinh   Văn Khải ", "Thôn 1, xã Trà Bình");
    input["phone"] = json!("+84 912 345 678");
    input["members"] = json!([{ "full_name": "Hồ Thị Mận", "birth_year": 1990, "relation": "Vợ" }]);

    // Act: create
    let created = officer
        .ok("households/create", json!({ "input": input }))
        .await;

    // Assert: cleaned and stored
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["head_name"], json!("Đinh Văn Khải"));
    assert_eq!(created["phone"], json!("0912345678"));
    assert_eq!(created["member_count"], json!(2));
    assert_eq!(created["version"], json!(1));
    assert_eq!(created["active"], json!(true));
    let fetched = officer.ok("households/get", json!({ "id": id })).await;
    assert_eq!(fetched, created);

    // Act: update
    let mut changed = input.clone();
    changed["head_name"] = json!("Đinh Văn Khải Hoàn");
    changed["members"] = json!([]);
    let updated = officer
        .ok(
            "households/update",
            json!({ "id": id, "version": created["version"], "input": changed }),
        )
        .await;

    // Assert
    assert_eq!(updated["head_name"], json!("Đinh Văn Khải Hoàn"));
    assert_eq!(updated["member_count"], json!(1));
    assert_eq!(updated["version"], json!(2));

    // Act: deactivate
    let deactivated = officer
        .ok(
            "households/set-active",
            json!({ "id": id, "version": updated["version"], "active": false }),
        )
        .await;

    // Assert: gone from the default list, still there with inactive ones
    assert_eq!(deactivated["active"], json!(false));
    assert_eq!(deactivated["version"], json!(3));
    let ids = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect()
    };
    let active_only = officer
        .ok(
            "households/list",
            json!({ "query": list_query(json!({ "q": "dinh van khai hoan" })) }),
        )
        .await;
    assert!(!ids(&active_only).contains(&id), "{active_only}");
    let with_inactive = officer
        .ok(
            "households/list",
            json!({ "query": list_query(json!({ "q": "dinh van khai hoan", "include_inactive": true })) }),
        )
        .await;
    assert_eq!(ids(&with_inactive), vec![id]);
}

#[tokio::test]
async fn second_update_with_the_same_version_conflicts_and_returns_the_current_record() {
    // Arrange: two officers' forms loaded the same version
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id(VILLAGE_A).await;
    let input = household_input(village, "Hồ Văn Lâm", "Thôn 1");
    let created = officer
        .ok("households/create", json!({ "input": input }))
        .await;
    let id = created["id"].as_i64().unwrap();
    let mut first = input.clone();
    first["head_name"] = json!("Hồ Văn Lâm Một");
    let mut second = input.clone();
    second["head_name"] = json!("Hồ Văn Lâm Hai");

    // Act
    let saved = officer
        .ok(
            "households/update",
            json!({ "id": id, "version": created["version"], "input": first }),
        )
        .await;
    let (status, body) = officer
        .post_fn(
            "households/update",
            json!({ "id": id, "version": created["version"], "input": second }),
        )
        .await;

    // Assert
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let current = body["Conflict"]["current"]
        .as_str()
        .unwrap_or_else(|| panic!("the conflict carries the current record: {body}"));
    let current: Value = serde_json::from_str(current).unwrap();
    assert_eq!(current, saved);
    assert_eq!(current["head_name"], json!("Hồ Văn Lâm Một"));
    assert!(!body["Conflict"]["message"]["vi"]
        .as_str()
        .unwrap()
        .is_empty());
    let stored = officer.ok("households/get", json!({ "id": id })).await;
    assert_eq!(
        stored["head_name"],
        json!("Hồ Văn Lâm Một"),
        "the first save stands"
    );
}

#[tokio::test]
async fn deactivating_with_a_stale_version_conflicts() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id(VILLAGE_A).await;
    let input = household_input(village, "Hồ Văn Cũ", "Thôn 1");
    let created = officer
        .ok("households/create", json!({ "input": input.clone() }))
        .await;
    let id = created["id"].as_i64().unwrap();
    officer
        .ok(
            "households/update",
            json!({ "id": id, "version": 1, "input": input }),
        )
        .await;

    // Act
    let (status, body) = officer
        .post_fn(
            "households/set-active",
            json!({ "id": id, "version": 1, "active": false }),
        )
        .await;

    // Assert
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let stored = officer.ok("households/get", json!({ "id": id })).await;
    assert_eq!(stored["active"], json!(true));
}

#[tokio::test]
async fn the_same_household_cannot_be_registered_twice_in_a_village() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id(VILLAGE_A).await;
    officer
        .ok(
            "households/create",
            json!({ "input": household_input(village, "Hồ Văn Tâm", "Thôn 1") }),
        )
        .await;
    let before = app.household_count().await;

    // Act: the same head and address, typed without accents and in capitals
    let (status, body) = officer
        .post_fn(
            "households/create",
            json!({ "input": household_input(village, "HO VAN TAM", "thon 1") }),
        )
        .await;

    // Assert
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(invalid_fields(&body), vec!["head_name"]);
    assert_eq!(app.household_count().await, before);
}

#[tokio::test]
async fn a_household_code_is_unique_within_its_village() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id(VILLAGE_A).await;
    let mut first = household_input(village, "Hồ Văn Một", "Thôn 1");
    first["code"] = json!("HGD-7");
    officer
        .ok("households/create", json!({ "input": first }))
        .await;
    let mut second = household_input(village, "Hồ Văn Hai", "Thôn 1");
    second["code"] = json!("HGD-7");

    // Act
    let (status, body) = officer
        .post_fn("households/create", json!({ "input": second }))
        .await;

    // Assert
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(invalid_fields(&body), vec!["code"]);
}

#[tokio::test]
async fn reading_a_household_that_does_not_exist_is_not_found() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;

    // Act
    let (status, body) = officer
        .post_fn("households/get", json!({ "id": 987_654_321 }))
        .await;

    // Assert
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body.get("NotFound").is_some(), "{body}");
}
