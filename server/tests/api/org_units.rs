//! The org-unit tree: create, rename, move (the subtree and its households follow), deactivate.

use crate::helpers::{invalid_fields, list_query, spawn_app, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn household_ids_in_village(app: &TestApp, village: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM households WHERE village_id = $1 AND active ORDER BY id")
        .bind(village)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

/// The number of active households the list reports under `unit`.
async fn total_under(client: &Client, unit: i64) -> i64 {
    client
        .list_all("households/list", list_query(json!({ "unit_id": unit })))
        .await
        .1
}

#[tokio::test]
async fn an_administrator_creates_and_renames_a_village() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let commune = app.unit_id("51-TB-02").await;
    let commune_path = app.unit_path(commune).await;

    // Act
    let created = admin
        .ok(
            "units/create",
            json!({ "input": { "parent_id": commune, "level": "Village", "code": "51-TB-02-90", "name": "  Thôn   Mới " } }),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    let renamed = admin
        .ok(
            "units/rename",
            json!({ "id": id, "version": app.unit_version(id).await, "code": "51-TB-02-91", "name": "Thôn Đổi Tên" }),
        )
        .await;

    // Assert
    assert_eq!(created["name"], json!("Thôn Mới"));
    assert_eq!(created["parent_id"], json!(commune));
    assert_eq!(created["path"], json!(format!("{commune_path}{id}/")));
    assert_eq!(renamed["code"], json!("51-TB-02-91"));
    assert_eq!(renamed["name"], json!("Thôn Đổi Tên"));
    let view = admin
        .ok(
            "units/view",
            json!({ "id": commune, "include_inactive": false }),
        )
        .await;
    let child = view["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == json!(id))
        .expect("the new village is a child of the commune");
    assert_eq!(child["name"], json!("Thôn Đổi Tên"));
    assert_eq!(child["code"], json!("51-TB-02-91"));
}

#[tokio::test]
async fn unit_codes_are_unique_and_levels_must_fit() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let commune = app.unit_id("51-TB-02").await;
    let units_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(&app.db)
        .await
        .unwrap();

    // Act
    let (taken, taken_body) = admin
        .post_fn(
            "units/create",
            json!({ "input": { "parent_id": commune, "level": "Village", "code": "51-TB-02-01", "name": "Thôn Trùng" } }),
        )
        .await;
    let (misplaced, misplaced_body) = admin
        .post_fn(
            "units/create",
            json!({ "input": { "parent_id": commune, "level": "District", "code": "51-XX", "name": "Huyện Sai" } }),
        )
        .await;

    // Assert
    assert_eq!(taken, StatusCode::UNPROCESSABLE_ENTITY, "{taken_body}");
    assert_eq!(invalid_fields(&taken_body), vec!["code"]);
    assert_eq!(
        misplaced,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{misplaced_body}"
    );
    assert_eq!(invalid_fields(&misplaced_body), vec!["level"]);
    let units_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(units_after, units_before);
}

#[tokio::test]
async fn a_moved_village_takes_its_households_to_the_new_commune() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let officer_a = app.client_for("canbo.trabinh").await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let village = app.unit_id("51-TB-02-01").await;
    let commune_a = app.unit_id("51-TB-02").await;
    let commune_b = app.unit_id("51-TB-01").await;
    let commune_b_path = app.unit_path(commune_b).await;
    let moving = household_ids_in_village(&app, village).await;
    assert!(!moving.is_empty());
    let a_before = total_under(&admin, commune_a).await;
    let b_before = total_under(&admin, commune_b).await;

    // Act
    let moved = admin
        .ok(
            "units/move",
            json!({ "id": village, "version": app.unit_version(village).await, "new_parent_id": commune_b }),
        )
        .await;

    // Assert: the unit and its path
    assert_eq!(moved["parent_id"], json!(commune_b));
    assert_eq!(moved["path"], json!(format!("{commune_b_path}{village}/")));
    assert_eq!(
        app.unit_path(village).await,
        format!("{commune_b_path}{village}/")
    );
    // Assert: the households list under the new commune, not the old one
    assert_eq!(
        total_under(&admin, commune_b).await,
        b_before + moving.len() as i64
    );
    assert_eq!(
        total_under(&admin, commune_a).await,
        a_before - moving.len() as i64
    );
    let (in_village, _) = admin
        .list_all("households/list", list_query(json!({ "unit_id": village })))
        .await;
    let ids: Vec<i64> = in_village
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, moving);
    for h in &in_village {
        assert_eq!(h["commune_name"], json!("Thị trấn Trà Xuân"), "{h}");
    }
    // Assert: scope follows the tree
    let (status, _) = officer_b
        .post_fn("households/get", json!({ "id": moving[0] }))
        .await;
    assert_eq!(status, StatusCode::OK, "the new commune's officer reads it");
    let (status, _) = officer_a
        .post_fn("households/get", json!({ "id": moving[0] }))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the old commune's officer no longer does"
    );
}

#[tokio::test]
async fn a_moved_commune_takes_its_whole_subtree_along() {
    // Arrange: a new district under the province
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let province = app.unit_id("51").await;
    let commune = app.unit_id("51-TB-02").await;
    let district = admin
        .ok(
            "units/create",
            json!({ "input": { "parent_id": province, "level": "District", "code": "51-MOI", "name": "Huyện Mới" } }),
        )
        .await;
    let district_id = district["id"].as_i64().unwrap();
    let households_in_commune = app.household_count_under("51-TB-02").await;
    let villages: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, path FROM org_units WHERE parent_id = $1")
            .bind(commune)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert!(!villages.is_empty());

    // Act
    let moved = admin
        .ok(
            "units/move",
            json!({ "id": commune, "version": app.unit_version(commune).await, "new_parent_id": district_id }),
        )
        .await;

    // Assert
    let new_commune_path = format!("{}{commune}/", district["path"].as_str().unwrap());
    assert_eq!(moved["path"], json!(new_commune_path));
    for (village, _) in &villages {
        assert_eq!(
            app.unit_path(*village).await,
            format!("{new_commune_path}{village}/"),
            "village {village} follows its commune"
        );
    }
    let (rows, total) = admin
        .list_all(
            "households/list",
            list_query(json!({ "unit_id": district_id, "include_inactive": true })),
        )
        .await;
    assert_eq!(total, households_in_commune);
    assert_eq!(rows.len() as i64, households_in_commune);
    let old_district = app.unit_id("51-TB").await;
    let (remaining, _) = admin
        .list_all(
            "households/list",
            list_query(json!({ "unit_id": old_district, "q": "" })),
        )
        .await;
    assert!(remaining
        .iter()
        .all(|h| h["commune_name"] != json!("Xã Trà Bình")));
}

#[tokio::test]
async fn a_unit_with_active_children_cannot_be_deactivated() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let commune = app.unit_id("51-TB-02").await;
    let empty_village = admin
        .ok(
            "units/create",
            json!({ "input": { "parent_id": commune, "level": "Village", "code": "51-TB-02-95", "name": "Thôn Trống" } }),
        )
        .await;

    // Act
    let (status, body) = admin
        .post_fn(
            "units/set-active",
            json!({ "id": commune, "version": app.unit_version(commune).await, "active": false }),
        )
        .await;
    let leaf = admin
        .ok(
            "units/set-active",
            json!({ "id": empty_village["id"], "version": app.unit_version(empty_village["id"].as_i64().unwrap()).await, "active": false }),
        )
        .await;

    // Assert
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.get("BadRequest").is_some(), "{body}");
    let still_active: bool = sqlx::query_scalar("SELECT active FROM org_units WHERE id = $1")
        .bind(commune)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(still_active);
    assert_eq!(leaf["active"], json!(false), "a leaf can be deactivated");
}

#[tokio::test]
async fn a_unit_cannot_move_into_its_own_subtree() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let district = app.unit_id("51-TB").await;
    let commune = app.unit_id("51-TB-02").await;
    let paths_before: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, path FROM org_units ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();

    // Act
    let into_child: (StatusCode, Value) = admin
        .post_fn(
            "units/move",
            json!({ "id": district, "version": app.unit_version(district).await, "new_parent_id": commune }),
        )
        .await;
    let into_itself: (StatusCode, Value) = admin
        .post_fn(
            "units/move",
            json!({ "id": commune, "version": app.unit_version(commune).await, "new_parent_id": commune }),
        )
        .await;

    // Assert
    for (status, body) in [into_child, into_itself] {
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(invalid_fields(&body), vec!["parent_id"]);
    }
    let paths_after: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, path FROM org_units ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(paths_after, paths_before);
}

#[tokio::test]
async fn an_officer_cannot_change_the_tree() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let commune = app.unit_id("51-TB-02").await;
    let village = app.unit_id("51-TB-02-01").await;

    // Act
    let create = officer
        .post_fn(
            "units/create",
            json!({ "input": { "parent_id": commune, "level": "Village", "code": "51-TB-02-96", "name": "Thôn Cán Bộ" } }),
        )
        .await;
    let rename = officer
        .post_fn(
            "units/rename",
            json!({ "id": village, "version": app.unit_version(village).await, "code": "51-TB-02-01", "name": "Thôn Khác" }),
        )
        .await;

    // Assert
    crate::helpers::assert_forbidden(create.0, &create.1, "create");
    crate::helpers::assert_forbidden(rename.0, &rename.1, "rename");
}

#[tokio::test]
async fn the_village_picker_lists_exactly_the_villages_an_officer_may_write_in() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let commune_path = app.unit_path(app.unit_id("51-TB-02").await).await;
    let expected: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM org_units WHERE level = 'thon' AND active AND path LIKE $1 || '%' ORDER BY id",
    )
    .bind(&commune_path)
    .fetch_all(&app.db)
    .await
    .unwrap();

    // Act
    let options = officer
        .ok(
            "units/options",
            json!({ "query": { "level": "Village", "writable": true, "q": "" } }),
        )
        .await;

    // Assert
    let mut ids: Vec<i64> = options
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    assert!(!expected.is_empty());
    assert_eq!(ids, expected);
}

/// The ids of `choices[key]` of a `units/filter` answer, in order.
fn filter_ids(choices: &Value, key: &str) -> Vec<i64> {
    choices[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {choices}"))
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_area_filter_offers_one_level_at_a_time_within_the_callers_scope() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let officer = app.client_for("canbo.trabinh").await;
    let province = app.unit_id("51").await;
    let commune = app.unit_id("51-TB-02").await;
    let district: i64 = sqlx::query_scalar("SELECT parent_id FROM org_units WHERE id = $1")
        .bind(commune)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let active_children = |parent: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM org_units WHERE parent_id = $1 AND active ORDER BY search_key",
            )
            .bind(parent)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    let other_commune: i64 = sqlx::query_scalar(
        "SELECT id FROM org_units WHERE level = 'xa' AND id <> $1 ORDER BY id LIMIT 1",
    )
    .bind(commune)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let filter = |unit: Option<i64>, deepest: Option<&str>| json!({ "query": { "unit_id": unit, "deepest": deepest } });

    // Act
    let whole_scope = admin.ok("units/filter", filter(None, None)).await;
    let in_commune = admin.ok("units/filter", filter(Some(commune), None)).await;
    let communes_only = admin
        .ok("units/filter", filter(Some(district), Some("Commune")))
        .await;
    let at_deepest = admin
        .ok("units/filter", filter(Some(commune), Some("Commune")))
        .await;
    let officer_scope = officer.ok("units/filter", filter(None, None)).await;
    let reach = officer
        .post_fn("units/filter", filter(Some(other_commune), None))
        .await;

    // Assert: the administrator's single root (the province) is "everything", so the districts
    // are offered, and a commune shows the way down to it and its villages.
    assert!(filter_ids(&whole_scope, "path").is_empty());
    assert_eq!(
        filter_ids(&whole_scope, "below"),
        active_children(province).await
    );
    assert_eq!(filter_ids(&in_commune, "path"), vec![district, commune]);
    let villages = active_children(commune).await;
    assert!(!villages.is_empty());
    assert_eq!(filter_ids(&in_commune, "below"), villages);
    assert_eq!(
        filter_ids(&communes_only, "below"),
        active_children(district).await
    );
    assert!(filter_ids(&at_deepest, "below").is_empty());
    assert_eq!(filter_ids(&officer_scope, "below"), villages);
    crate::helpers::assert_forbidden(reach.0, &reach.1, "another commune's filter");
}

#[tokio::test]
async fn a_list_page_offers_the_next_level_of_the_area_not_every_unit() {
    // Arrange: the province administrator sees the whole tree.
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let districts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM org_units WHERE parent_id = (SELECT id FROM org_units WHERE code = '51') AND active",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let units: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(&app.db)
        .await
        .unwrap();

    // Act
    let html = admin.get_page("/ho-gia-dinh").await.text().await.unwrap();

    // Assert: "all in my area" and the districts, not the tree's every unit.
    let select = html
        .split("<select id=\"unit\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("the area filter is on the page");
    assert_eq!(select.matches("<option").count() as i64, 1 + districts);
    assert!(
        units > 1 + districts * 2,
        "the demo tree is deeper than its districts"
    );
}
