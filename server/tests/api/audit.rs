//! The audit log: every household change is recorded with its before and after, and the log is
//! filtered by unit, user and date, for those allowed to read it.

use crate::helpers::{assert_forbidden, household_input, spawn_app, Client};
use chrono::NaiveDate;
use serde_json::{json, Value};

fn audit_query(overrides: Value) -> Value {
    let mut query = json!({
        "unit_id": null,
        "user_id": null,
        "entity": "",
        "from": null,
        "to": null,
        "page": 1,
        "per_page": 200,
    });
    for (key, value) in overrides.as_object().unwrap() {
        query[key] = value.clone();
    }
    json!({ "query": query })
}

async fn entries(client: &Client, overrides: Value) -> Vec<Value> {
    let page = client.ok("audit/list", audit_query(overrides)).await;
    page["items"].as_array().unwrap().clone()
}

fn for_household(entries: &[Value], id: i64) -> Vec<&Value> {
    entries
        .iter()
        .filter(|e| e["entity"] == json!("household") && e["entity_id"] == json!(id))
        .collect()
}

#[tokio::test]
async fn creating_and_updating_a_household_is_audited_with_before_and_after() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let admin = app.client_for("quantri").await;
    let village = app.unit_id("51-TB-02-01").await;
    let commune_a = app.unit_id("51-TB-02").await;
    let commune_b = app.unit_id("51-TB-01").await;
    let officer_id = app.user_id("canbo.trabinh").await;
    let admin_id = app.user_id("quantri").await;

    // Act
    let input = household_input(village, "Đinh Văn Ghi", "Thôn 1");
    let created = officer
        .ok("households/create", json!({ "input": input.clone() }))
        .await;
    let id = created["id"].as_i64().unwrap();
    let mut changed = input;
    changed["head_name"] = json!("Đinh Văn Ghi Lại");
    officer
        .ok(
            "households/update",
            json!({ "id": id, "version": created["version"], "input": changed }),
        )
        .await;

    // Assert: both changes, newest first, with before and after
    let log = entries(
        &admin,
        json!({ "unit_id": commune_a, "user_id": officer_id }),
    )
    .await;
    let mine = for_household(&log, id);
    let actions: Vec<&str> = mine.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["update", "create"], "{log:?}");
    let (update, create) = (mine[0], mine[1]);
    assert_eq!(update["username"], json!("canbo.trabinh"));
    assert_eq!(update["user_id"], json!(officer_id));
    let before: Value = serde_json::from_str(update["before_json"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(update["after_json"].as_str().unwrap()).unwrap();
    assert_eq!(before["head_name"], json!("Đinh Văn Ghi"));
    assert_eq!(after["head_name"], json!("Đinh Văn Ghi Lại"));
    assert_eq!(create["before_json"], Value::Null);
    let created_json: Value = serde_json::from_str(create["after_json"].as_str().unwrap()).unwrap();
    assert_eq!(created_json["head_name"], json!("Đinh Văn Ghi"));
    let village_path = app.unit_path(village).await;
    assert_eq!(update["unit_path"], json!(village_path));

    // Assert: the filters exclude them when they should
    let other_unit = entries(&admin, json!({ "unit_id": commune_b })).await;
    assert!(for_household(&other_unit, id).is_empty(), "unit filter");
    let other_user = entries(&admin, json!({ "user_id": admin_id })).await;
    assert!(for_household(&other_user, id).is_empty(), "user filter");
    let day = NaiveDate::parse_from_str(&update["at"].as_str().unwrap()[..10], "%Y-%m-%d").unwrap();
    let that_day = entries(&admin, json!({ "from": day, "to": day })).await;
    assert_eq!(
        for_household(&that_day, id).len(),
        2,
        "date filter, same day"
    );
    let before_day = entries(&admin, json!({ "to": day.pred_opt().unwrap() })).await;
    assert!(
        for_household(&before_day, id).is_empty(),
        "date filter, ending the day before"
    );
    let after_day = entries(&admin, json!({ "from": day.succ_opt().unwrap() })).await;
    assert!(
        for_household(&after_day, id).is_empty(),
        "date filter, starting the day after"
    );
    let households_only = entries(
        &admin,
        json!({ "entity": "household", "user_id": officer_id }),
    )
    .await;
    assert_eq!(
        for_household(&households_only, id).len(),
        2,
        "entity filter"
    );
    assert!(households_only
        .iter()
        .all(|e| e["entity"] == json!("household")));
}

#[tokio::test]
async fn officers_and_leaders_cannot_read_the_audit_log() {
    // Arrange
    let app = spawn_app().await;

    for user in ["canbo.trabinh", "lanhdao"] {
        let client = app.client_for(user).await;

        // Act
        let (status, body) = client.post_fn("audit/list", audit_query(json!({}))).await;
        let export = client.get("/export/audit.xlsx").await.status();

        // Assert
        assert_forbidden(status, &body, user);
        assert_eq!(export, reqwest::StatusCode::FORBIDDEN, "{user} export");
    }
}

#[tokio::test]
async fn the_audit_page_names_title_cycle_entries_in_words_and_filters_by_them() {
    // Arrange: an officer registers a household for the title and opens its evaluation.
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let admin = app.client_for("quantri").await;
    let household: i64 = sqlx::query_scalar(
        "SELECT h.id FROM households h JOIN org_units v ON v.id = h.village_id
         WHERE v.code = '51-TB-02-01' AND h.active ORDER BY h.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    officer
        .ok(
            "cycle/register",
            json!({ "input": { "year": 2026, "title_kind": "household", "subject_ids": [household] } }),
        )
        .await;
    let registration: i64 =
        sqlx::query_scalar("SELECT id FROM registrations WHERE subject_id = $1 AND year = 2026")
            .bind(household)
            .fetch_one(&app.db)
            .await
            .unwrap();
    officer
        .ok("cycle/start", json!({ "registration_id": registration }))
        .await;

    // Act
    let registrations = admin.get_page("/nhat-ky?entity=registration").await;
    let registrations = registrations.text().await.unwrap();
    let evaluations = admin.get_page("/nhat-ky?entity=evaluation").await;
    let evaluations = evaluations.text().await.unwrap();

    // Assert: the filter offers the cycle's records, and their rows are in words.
    for kind in [
        "Đăng ký danh hiệu",
        "Hồ sơ đánh giá",
        "Bộ tiêu chí",
        "Quyết định công nhận",
    ] {
        assert!(registrations.contains(kind), "the filter offers {kind}");
    }
    assert!(registrations.contains(r#"<option value="registration" selected"#));
    assert!(registrations.contains(">Đăng ký<"), "the action in words");
    assert!(!registrations.contains(">register<"), "no raw action code");
    assert!(
        evaluations.contains("Bắt đầu đánh giá"),
        "the start of the evaluation in words"
    );
    assert!(!evaluations.contains(">start<"));
}
