//! Scope: an officer works inside their own commune and nowhere else, whether they reach a
//! record by id or through a list.

use crate::helpers::{assert_forbidden, household_input, list_query, spawn_app, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Xã Trà Bình, the commune of `canbo.trabinh`.
const COMMUNE_A: &str = "51-TB-02";
const COMMUNE_A_NAME: &str = "Xã Trà Bình";
/// Thị trấn Trà Xuân, the commune of `canbo.traxuan`.
const COMMUNE_B: &str = "51-TB-01";

/// The input that would save `household` unchanged except for its head's name.
fn household_edit(household: &Value, head_name: &str) -> Value {
    json!({
        "village_id": household["village_id"],
        "code": household["code"],
        "head_name": head_name,
        "address": household["address"],
        "phone": household["phone"],
        "members": household["members"],
    })
}

fn clan_edit(clan: &Value, name: &str) -> Value {
    let household_ids: Vec<Value> = clan["households"]
        .as_array()
        .map(|hs| hs.iter().map(|h| h["id"].clone()).collect())
        .unwrap_or_default();
    json!({
        "commune_id": clan["commune_id"],
        "name": name,
        "representative": clan["representative"],
        "phone": clan["phone"],
        "household_ids": household_ids,
    })
}

fn organisation_edit(org: &Value, name: &str) -> Value {
    json!({
        "name": name,
        "kind": org["kind"],
        "managing_unit_id": org["managing_unit_id"],
        "head_name": org["head_name"],
        "address": org["address"],
        "phone": org["phone"],
    })
}

async fn officer_a_and_admin(app: &TestApp) -> (Client, Client) {
    (
        app.client_for("canbo.trabinh").await,
        app.client_for("quantri").await,
    )
}

#[tokio::test]
async fn officer_cannot_read_edit_or_deactivate_a_household_of_another_commune() {
    // Arrange
    let app = spawn_app().await;
    let (officer, admin) = officer_a_and_admin(&app).await;
    let id = app.household_in_commune(COMMUNE_B).await;
    let before = admin.ok("households/get", json!({ "id": id })).await;
    let version = before["version"].clone();

    // Act
    let read = officer.post_fn("households/get", json!({ "id": id })).await;
    let edit = officer
        .post_fn(
            "households/update",
            json!({ "id": id, "version": version, "input": household_edit(&before, "Hồ Văn Đổi") }),
        )
        .await;
    let deactivate = officer
        .post_fn(
            "households/set-active",
            json!({ "id": id, "version": version, "active": false }),
        )
        .await;
    let create = officer
        .post_fn(
            "households/create",
            json!({ "input": household_input(before["village_id"].as_i64().unwrap(), "Hồ Văn Mới", "Tổ 1") }),
        )
        .await;

    // Assert
    assert_forbidden(read.0, &read.1, "read");
    assert_forbidden(edit.0, &edit.1, "update");
    assert_forbidden(deactivate.0, &deactivate.1, "deactivate");
    assert_forbidden(create.0, &create.1, "create in another commune");
    let after = admin.ok("households/get", json!({ "id": id })).await;
    assert_eq!(after, before, "nothing changed");
}

#[tokio::test]
async fn officer_cannot_read_edit_or_deactivate_a_clan_of_another_commune() {
    // Arrange
    let app = spawn_app().await;
    let (officer, admin) = officer_a_and_admin(&app).await;
    let id = app.clan_in_commune(COMMUNE_B).await;
    let before = admin.ok("clans/get", json!({ "id": id })).await;
    let version = before["version"].clone();

    // Act
    let read = officer.post_fn("clans/get", json!({ "id": id })).await;
    let edit = officer
        .post_fn(
            "clans/update",
            json!({ "id": id, "version": version, "input": clan_edit(&before, "Dòng họ Đổi Tên") }),
        )
        .await;
    let deactivate = officer
        .post_fn(
            "clans/set-active",
            json!({ "id": id, "version": version, "active": false }),
        )
        .await;

    // Assert
    assert_forbidden(read.0, &read.1, "read");
    assert_forbidden(edit.0, &edit.1, "update");
    assert_forbidden(deactivate.0, &deactivate.1, "deactivate");
    let after = admin.ok("clans/get", json!({ "id": id })).await;
    assert_eq!(after, before, "nothing changed");
}

#[tokio::test]
async fn officer_cannot_read_edit_or_deactivate_an_organisation_of_another_commune() {
    // Arrange
    let app = spawn_app().await;
    let (officer, admin) = officer_a_and_admin(&app).await;
    let id = app.organisation_of(COMMUNE_B).await;
    let before = admin.ok("organisations/get", json!({ "id": id })).await;
    let version = before["version"].clone();

    // Act
    let read = officer
        .post_fn("organisations/get", json!({ "id": id }))
        .await;
    let edit = officer
        .post_fn(
            "organisations/update",
            json!({ "id": id, "version": version, "input": organisation_edit(&before, "Trường Đổi Tên") }),
        )
        .await;
    let deactivate = officer
        .post_fn(
            "organisations/set-active",
            json!({ "id": id, "version": version, "active": false }),
        )
        .await;

    // Assert
    assert_forbidden(read.0, &read.1, "read");
    assert_forbidden(edit.0, &edit.1, "update");
    assert_forbidden(deactivate.0, &deactivate.1, "deactivate");
    let after = admin.ok("organisations/get", json!({ "id": id })).await;
    assert_eq!(after, before, "nothing changed");
}

#[tokio::test]
async fn officer_cannot_move_a_household_of_their_commune_into_another() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let id = app.household_in_commune(COMMUNE_A).await;
    let household = officer.ok("households/get", json!({ "id": id })).await;
    let village_b = app.unit_id("51-TB-01-01").await;
    let mut moved = household_edit(&household, household["head_name"].as_str().unwrap());
    moved["village_id"] = json!(village_b);

    // Act
    let (status, body) = officer
        .post_fn(
            "households/update",
            json!({ "id": id, "version": household["version"], "input": moved }),
        )
        .await;

    // Assert
    assert_forbidden(status, &body, "move into another commune");
    let after = officer.ok("households/get", json!({ "id": id })).await;
    assert_eq!(after, household);
}

#[tokio::test]
async fn officer_cannot_list_another_commune() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let commune_b = app.unit_id(COMMUNE_B).await;

    for list in ["households/list", "clans/list", "organisations/list"] {
        // Act
        let (status, body) = officer
            .post_fn(
                list,
                json!({ "query": list_query(json!({ "unit_id": commune_b })) }),
            )
            .await;

        // Assert
        assert_forbidden(status, &body, list);
    }
}

#[tokio::test]
async fn officer_lists_without_a_unit_return_only_their_commune() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let commune_a = app.unit_id(COMMUNE_A).await;
    let households_in_a: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM households h JOIN org_units v ON v.id = h.village_id
         WHERE v.parent_id = $1 AND h.active",
    )
    .bind(commune_a)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let clans_in_a: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM clans WHERE commune_id = $1 AND active")
            .bind(commune_a)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let organisations_in_a: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM organisations o JOIN org_units u ON u.id = o.managing_unit_id
         WHERE (u.id = $1 OR u.parent_id = $1) AND o.active",
    )
    .bind(commune_a)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(households_in_a > 0 && clans_in_a > 0 && organisations_in_a > 0);

    // Act
    let (households, households_total) = officer
        .list_all("households/list", list_query(json!({})))
        .await;
    let (clans, clans_total) = officer.list_all("clans/list", list_query(json!({}))).await;
    let (organisations, organisations_total) = officer
        .list_all("organisations/list", list_query(json!({})))
        .await;

    // Assert
    assert_eq!(households_total, households_in_a);
    assert_eq!(households.len() as i64, households_in_a);
    for h in &households {
        assert_eq!(h["commune_name"], json!(COMMUNE_A_NAME), "{h}");
    }
    assert_eq!(clans_total, clans_in_a);
    assert_eq!(clans.len() as i64, clans_in_a);
    for c in &clans {
        assert_eq!(c["commune_id"], json!(commune_a), "{c}");
    }
    assert_eq!(organisations_total, organisations_in_a);
    assert_eq!(organisations.len() as i64, organisations_in_a);
    for o in &organisations {
        assert_eq!(o["managing_unit_id"], json!(commune_a), "{o}");
    }
}

#[tokio::test]
async fn officer_can_read_edit_and_deactivate_records_of_their_own_commune() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let commune_a = app.unit_id(COMMUNE_A).await;
    let household_id = app.household_in_commune(COMMUNE_A).await;
    let clan_id = app.clan_in_commune(COMMUNE_A).await;
    let organisation_id = app.organisation_of(COMMUNE_A).await;

    // Act
    let listed = officer
        .ok(
            "households/list",
            json!({ "query": list_query(json!({ "unit_id": commune_a })) }),
        )
        .await;
    let household = officer
        .ok("households/get", json!({ "id": household_id }))
        .await;
    let edited = officer
        .ok(
            "households/update",
            json!({
                "id": household_id,
                "version": household["version"],
                "input": household_edit(&household, "Hồ Văn Được Sửa"),
            }),
        )
        .await;
    let deactivated = officer
        .ok(
            "households/set-active",
            json!({ "id": household_id, "version": edited["version"], "active": false }),
        )
        .await;
    let clan = officer.ok("clans/get", json!({ "id": clan_id })).await;
    let clan_edited = officer
        .ok(
            "clans/update",
            json!({ "id": clan_id, "version": clan["version"], "input": clan_edit(&clan, "Dòng họ Được Sửa") }),
        )
        .await;
    let clan_deactivated = officer
        .ok(
            "clans/set-active",
            json!({ "id": clan_id, "version": clan_edited["version"], "active": false }),
        )
        .await;
    let org = officer
        .ok("organisations/get", json!({ "id": organisation_id }))
        .await;
    let org_edited = officer
        .ok(
            "organisations/update",
            json!({ "id": organisation_id, "version": org["version"], "input": organisation_edit(&org, "Trường Được Sửa") }),
        )
        .await;
    let org_deactivated = officer
        .ok(
            "organisations/set-active",
            json!({ "id": organisation_id, "version": org_edited["version"], "active": false }),
        )
        .await;

    // Assert
    assert!(listed["total"].as_i64().unwrap() > 0, "{listed}");
    assert_eq!(edited["head_name"], json!("Hồ Văn Được Sửa"));
    assert_eq!(deactivated["active"], json!(false));
    assert_eq!(clan_edited["name"], json!("Dòng họ Được Sửa"));
    assert_eq!(clan_deactivated["active"], json!(false));
    assert_eq!(org_edited["name"], json!("Trường Được Sửa"));
    assert_eq!(org_deactivated["active"], json!(false));
    let stored: (String, bool) =
        sqlx::query_as("SELECT head_name, active FROM households WHERE id = $1")
            .bind(household_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, ("Hồ Văn Được Sửa".to_string(), false));
}

#[tokio::test]
async fn leader_reads_but_every_write_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let commune_a = app.unit_id(COMMUNE_A).await;
    let household_id = app.household_in_commune(COMMUNE_A).await;
    let clan_id = app.clan_in_commune(COMMUNE_A).await;
    let organisation_id = app.organisation_of(COMMUNE_A).await;
    let households_before = app.household_count().await;

    // Act: reading works
    let household = leader
        .ok("households/get", json!({ "id": household_id }))
        .await;
    let clan = leader.ok("clans/get", json!({ "id": clan_id })).await;
    let org = leader
        .ok("organisations/get", json!({ "id": organisation_id }))
        .await;
    let listed = leader
        .ok("households/list", json!({ "query": list_query(json!({})) }))
        .await;
    assert!(listed["total"].as_i64().unwrap() > 0);

    // Act: every write is refused
    let village_id = household["village_id"].as_i64().unwrap();
    let attempts: Vec<(&str, Value)> = vec![
        (
            "households/create",
            json!({ "input": household_input(village_id, "Hồ Văn Lãnh", "Thôn 1") }),
        ),
        (
            "households/update",
            json!({ "id": household_id, "version": household["version"], "input": household_edit(&household, "Hồ Văn Lãnh") }),
        ),
        (
            "households/set-active",
            json!({ "id": household_id, "version": household["version"], "active": false }),
        ),
        (
            "clans/create",
            json!({ "input": { "commune_id": commune_a, "name": "Dòng họ Lãnh", "representative": "Hồ Văn Lãnh", "phone": "", "household_ids": [] } }),
        ),
        (
            "clans/update",
            json!({ "id": clan_id, "version": clan["version"], "input": clan_edit(&clan, "Dòng họ Lãnh") }),
        ),
        (
            "clans/set-active",
            json!({ "id": clan_id, "version": clan["version"], "active": false }),
        ),
        (
            "organisations/create",
            json!({ "input": { "name": "Trường Lãnh", "kind": "School", "managing_unit_id": commune_a, "head_name": "", "address": "", "phone": "" } }),
        ),
        (
            "organisations/update",
            json!({ "id": organisation_id, "version": org["version"], "input": organisation_edit(&org, "Trường Lãnh") }),
        ),
        (
            "organisations/set-active",
            json!({ "id": organisation_id, "version": org["version"], "active": false }),
        ),
        (
            "units/create",
            json!({ "input": { "parent_id": commune_a, "level": "Village", "code": "51-TB-02-77", "name": "Thôn Lãnh" } }),
        ),
    ];
    for (path, body) in attempts {
        let (status, answer) = leader.post_fn(path, body).await;
        // Assert
        assert_forbidden(status, &answer, path);
    }
    let csv = "Mã thôn,Họ tên chủ hộ,Địa chỉ\n51-TB-02-01,Hồ Văn Lãnh,Thôn 1\n";
    let (status, answer) = leader
        .upload("households", "ho.csv", csv.as_bytes().to_vec())
        .await;
    assert_forbidden(status, &answer, "import upload");

    // Assert: nothing changed
    assert_eq!(app.household_count().await, households_before);
    let unchanged = leader
        .ok("households/get", json!({ "id": household_id }))
        .await;
    assert_eq!(unchanged, household);
    let (status, _) = leader.post_fn("clans/get", json!({ "id": clan_id })).await;
    assert_eq!(status, StatusCode::OK);
}
