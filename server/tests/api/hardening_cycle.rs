//! Hardening of the title cycle (issue 7): criteria sets belong to the unit that issued them and
//! apply to its subtree only; whoever scored or submitted a dossier cannot review or decide it
//! (four eyes); the list of decisions shows only decisions about the caller's scope.

use crate::helpers::{error_message, household_input, spawn_app, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The year the tests register for.
const YEAR: i32 = 2026;
/// Xã Trà Bình, the commune of `canbo.trabinh`.
const COMMUNE_A: &str = "51-TB-02";
/// Thị trấn Trà Xuân, the commune of `canbo.traxuan`.
const COMMUNE_B: &str = "51-TB-01";
/// Huyện Trà Bồng, where `xetduyet` reviews.
const DISTRICT: &str = "51-TB";
/// Tỉnh Quảng Ngãi, where `quantri` administers.
const PROVINCE: &str = "51";
/// The product's household set (national).
const HOUSEHOLD_SET: &str = "gdht-qd448";

// ---------------------------------------------------------------------------------------------
// Arrange helpers

/// An account holding officer **and** reviewer at commune A.
async fn officer_and_reviewer_of_commune_a(app: &TestApp) -> Client {
    let admin = app.client_for("quantri").await;
    let commune = app.unit_id(COMMUNE_A).await;
    let temporary = "Tam-thoi-2026";
    let created = admin
        .ok(
            "users/create",
            json!({ "input": {
                "username": "kiemnhiem.trabinh",
                "full_name": "Trần Văn Kiêm",
                "password": temporary,
                "role": "Officer",
                "unit_id": commune,
            } }),
        )
        .await;
    let user_id = app.user_id("kiemnhiem.trabinh").await;
    assert_eq!(created["id"].as_i64(), Some(user_id), "{created}");
    admin
        .ok(
            "users/assign",
            json!({ "user_id": user_id, "role": "Reviewer", "unit_id": commune }),
        )
        .await;
    app.complete_training("kiemnhiem.trabinh").await;
    app.sign_in_new("kiemnhiem.trabinh", temporary).await
}

/// The first active household (by id) of a commune.
async fn household_in(app: &TestApp, commune_code: &str, skip: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT h.id FROM households h JOIN org_units v ON v.id = h.village_id
         JOIN org_units c ON c.id = v.parent_id
         WHERE c.code = $1 AND h.active ORDER BY h.id LIMIT 1 OFFSET $2",
    )
    .bind(commune_code)
    .bind(skip)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// Registers a household for `YEAR` and opens its evaluation; returns (registration, evaluation).
async fn open_household(app: &TestApp, officer: &Client, household: i64) -> (i64, i64) {
    let outcome = officer
        .ok(
            "cycle/register",
            json!({ "input": { "year": YEAR, "title_kind": "household", "subject_ids": [household] } }),
        )
        .await;
    assert_eq!(outcome["registered"], json!(1), "{outcome}");
    let registration: i64 = sqlx::query_scalar(
        "SELECT id FROM registrations WHERE title_kind = 'household' AND subject_id = $1 AND year = $2",
    )
    .bind(household)
    .bind(YEAR)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let evaluation = officer
        .ok("cycle/start", json!({ "registration_id": registration }))
        .await
        .as_i64()
        .expect("start answers the evaluation id");
    (registration, evaluation)
}

async fn evaluation(client: &Client, id: i64) -> Value {
    client.ok("cycle/evaluation", json!({ "id": id })).await
}

/// Full marks on every indicator of the evaluation's set.
fn full_marks(view: &Value) -> Value {
    let mut answers = serde_json::Map::new();
    for criterion in view["set"]["criteria"].as_array().unwrap() {
        for indicator in criterion["indicators"].as_array().unwrap() {
            let answer = if indicator["kind"]["type"] == json!("points") {
                indicator["kind"]["max"].clone()
            } else {
                json!(true)
            };
            answers.insert(indicator["code"].as_str().unwrap().to_string(), answer);
        }
    }
    Value::Object(answers)
}

/// Saves full marks as `client`.
async fn score_full(client: &Client, id: i64) {
    let view = evaluation(client, id).await;
    client
        .ok(
            "cycle/save",
            json!({ "input": {
                "id": id,
                "version": view["version"],
                "criteria_set_id": view["criteria_set_id"],
                "set_version": view["set"]["version"],
                "answers": full_marks(&view),
                "notes": {},
                "client_total": null,
            } }),
        )
        .await;
}

/// `cycle/step` at the evaluation's current version.
async fn step(client: &Client, id: i64, transition: &str, comments: Value) -> (StatusCode, Value) {
    let version = evaluation(client, id).await["version"].clone();
    client
        .post_fn(
            "cycle/step",
            json!({ "input": {
                "id": id,
                "version": version,
                "transition": transition,
                "comments": comments,
                "reason": "",
            } }),
        )
        .await
}

async fn step_ok(client: &Client, id: i64, transition: &str) {
    let (status, body) = step(client, id, transition, json!([])).await;
    assert_eq!(status, StatusCode::OK, "{transition}: {body}");
}

/// A decision of the `YEAR` household cycle recognising `recognised`.
fn decision(number: &str, authority: &str, unit_id: i64, recognised: &[i64]) -> Value {
    json!({ "input": {
        "number": number,
        "decision_date": "2026-11-20",
        "authority": authority,
        "signer": "Hồ Văn Ký",
        "year": YEAR,
        "title_kind": "household",
        "unit_id": unit_id,
        "recognised": recognised,
        "not_recognised": [],
    } })
}

async fn state_of(app: &TestApp, registration: i64) -> String {
    sqlx::query_scalar("SELECT state FROM registrations WHERE id = $1")
        .bind(registration)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Asserts a 403 whose Vietnamese message contains `needle`.
#[track_caller]
fn assert_refused(status: StatusCode, body: &Value, needle: &str, what: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body}");
    let message = error_message(body, "Forbidden")
        .unwrap_or_else(|| panic!("{what}: not a Forbidden error: {body}"));
    assert!(message.contains(needle), "{what}: {message}");
}

/// The id of the product's version 1 of the household set.
async fn national_household_set(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM criteria_sets WHERE code = $1 AND version = 1")
        .bind(HOUSEHOLD_SET)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Copies `set` into a draft owned by `owner` (a unit id, or `null` for national), renames it
/// to `name` and publishes it, as `admin`. Returns the published set's id.
async fn publish_copy(admin: &Client, set: i64, owner: Value, name: &str) -> i64 {
    let draft = admin
        .ok("sets/copy", json!({ "id": set, "owner_unit_id": owner }))
        .await;
    let mut definition = draft["set"].clone();
    definition["name"] = json!(name);
    let saved = admin
        .ok(
            "sets/save",
            json!({ "id": draft["id"], "row_version": draft["row_version"], "set": definition }),
        )
        .await;
    let published = admin
        .ok(
            "sets/publish",
            json!({ "id": draft["id"], "row_version": saved["row_version"] }),
        )
        .await;
    assert_eq!(published["status"], json!("published"), "{published}");
    published["id"].as_i64().unwrap()
}

/// A second district under the province (Huyện Sơn Hà) with one commune, one village and one
/// household; returns (district id, household id).
async fn second_district(app: &TestApp) -> (i64, i64) {
    let admin = app.client_for("quantri").await;
    let province = app.unit_id(PROVINCE).await;
    let district = admin
        .ok(
            "units/create",
            json!({ "input": { "parent_id": province, "level": "District", "code": "51-SH", "name": "Huyện Sơn Hà" } }),
        )
        .await;
    let commune = admin
        .ok(
            "units/create",
            json!({ "input": { "parent_id": district["id"], "level": "Commune", "code": "51-SH-01", "name": "Xã Sơn Thành" } }),
        )
        .await;
    let village = admin
        .ok(
            "units/create",
            json!({ "input": { "parent_id": commune["id"], "level": "Village", "code": "51-SH-01-01", "name": "Thôn Gò Da" } }),
        )
        .await;
    let household = admin
        .ok(
            "households/create",
            json!({ "input": household_input(
                village["id"].as_i64().unwrap(),
                "Đinh Văn Hòa",
                "Thôn Gò Da, xã Sơn Thành",
            ) }),
        )
        .await;
    (
        district["id"].as_i64().unwrap(),
        household["id"].as_i64().unwrap(),
    )
}

// ---------------------------------------------------------------------------------------------
// Four eyes

#[tokio::test]
async fn whoever_scored_and_submitted_cannot_return_approve_or_decide_the_dossier() {
    // Arrange: one person holding officer and reviewer at commune A scores and submits
    let app = spawn_app().await;
    let both = officer_and_reviewer_of_commune_a(&app).await;
    let other_reviewer = app.client_for("xetduyet").await;
    let household = household_in(&app, COMMUNE_A, 0).await;
    let (registration, id) = open_household(&app, &both, household).await;
    score_full(&both, id).await;
    step_ok(&both, id, "Submit").await;

    // Act
    let view = evaluation(&both, id).await;
    let (approve, approve_body) = step(&both, id, "Approve", json!([])).await;
    let (send_back, send_back_body) = step(
        &both,
        id,
        "Return",
        json!([{ "criterion_code": "", "body": "Tự trả lại hồ sơ của mình." }]),
    )
    .await;

    // Assert: refused with the reason, nothing changed; the page knows why
    assert_eq!(view["can_review"], json!(true), "{view}");
    assert_eq!(view["is_contributor"], json!(true), "{view}");
    assert_refused(
        approve,
        &approve_body,
        "không thể tự duyệt",
        "the contributor approves",
    );
    assert_refused(
        send_back,
        &send_back_body,
        "không thể tự duyệt",
        "the contributor returns",
    );
    assert_eq!(state_of(&app, registration).await, "submitted");
    let for_other = evaluation(&other_reviewer, id).await;
    assert_eq!(for_other["is_contributor"], json!(false));

    // Act + Assert: another reviewer approves
    step_ok(&other_reviewer, id, "Approve").await;
    assert_eq!(state_of(&app, registration).await, "approved");

    // Act: the contributor (a reviewer at commune A) puts it in a commune decision
    let commune = app.unit_id(COMMUNE_A).await;
    let queues = both.ok("cycle/queues", json!({ "year": YEAR })).await;
    let (decide, decide_body) = both
        .post_fn(
            "cycle/decide",
            decision("5/QĐ-UBND", "UBND xã Trà Bình", commune, &[registration]),
        )
        .await;

    // Assert: refused, no decision stored; the decision page is told which ones are theirs
    assert!(
        queues["contributed"]
            .as_array()
            .unwrap()
            .contains(&json!(registration)),
        "{queues}"
    );
    assert_refused(
        decide,
        &decide_body,
        "không thể đưa vào quyết định",
        "the contributor decides",
    );
    let decisions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM decisions WHERE year = 2026")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(decisions, 0);
    assert_eq!(state_of(&app, registration).await, "approved");

    // Act + Assert: the other reviewer decides it
    other_reviewer
        .ok(
            "cycle/decide",
            decision("5/QĐ-UBND", "UBND xã Trà Bình", commune, &[registration]),
        )
        .await;
    assert_eq!(state_of(&app, registration).await, "recognised");
}

#[tokio::test]
async fn an_administrator_who_saved_scores_cannot_approve_either() {
    // Arrange: the officer registers and submits, the administrator saved the scores
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let admin = app.client_for("quantri").await;
    let reviewer = app.client_for("xetduyet").await;
    let household = household_in(&app, COMMUNE_A, 0).await;
    let (registration, id) = open_household(&app, &officer, household).await;
    score_full(&admin, id).await;
    step_ok(&officer, id, "Submit").await;

    // Act
    let (status, body) = step(&admin, id, "Approve", json!([])).await;

    // Assert
    assert_refused(
        status,
        &body,
        "không thể tự duyệt",
        "the administrator approves",
    );
    assert_eq!(state_of(&app, registration).await, "submitted");
    step_ok(&reviewer, id, "Approve").await;
    assert_eq!(state_of(&app, registration).await, "approved");
}

// ---------------------------------------------------------------------------------------------
// Decisions in scope

#[tokio::test]
async fn a_decision_about_another_communes_dossiers_is_neither_listed_nor_opened() {
    // Arrange: the district recognises a household of commune B only
    let app = spawn_app().await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let district_reviewer = app.client_for("xetduyet").await;
    let reviewer_a = app
        .new_user("xetduyet.trabinh", "Reviewer", COMMUNE_A)
        .await;
    let leader_a = app.new_user("lanhdao.trabinh", "Leader", COMMUNE_A).await;
    let leader_b = app.new_user("lanhdao.traxuan", "Leader", COMMUNE_B).await;
    let household = household_in(&app, COMMUNE_B, 0).await;
    let (registration, id) = open_household(&app, &officer_b, household).await;
    score_full(&officer_b, id).await;
    step_ok(&officer_b, id, "Submit").await;
    step_ok(&district_reviewer, id, "Approve").await;
    let district = app.unit_id(DISTRICT).await;
    let issued = district_reviewer
        .ok(
            "cycle/decide",
            decision(
                "9/QĐ-UBND",
                "UBND huyện Trà Bồng",
                district,
                &[registration],
            ),
        )
        .await;
    let listed_ids = |list: &Value| -> Vec<Value> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].clone())
            .collect()
    };

    // Act
    let for_reviewer_a = reviewer_a
        .ok("cycle/decisions", json!({ "year": YEAR }))
        .await;
    let for_leader_a = leader_a
        .ok("cycle/decisions", json!({ "year": YEAR }))
        .await;
    let for_leader_b = leader_b
        .ok("cycle/decisions", json!({ "year": YEAR }))
        .await;
    let for_district = district_reviewer
        .ok("cycle/decisions", json!({ "year": YEAR }))
        .await;
    let (open_a, open_a_body) = reviewer_a
        .post_fn("cycle/certificates", json!({ "decision_id": issued["id"] }))
        .await;
    let (open_leader_a, _) = leader_a
        .post_fn("cycle/certificates", json!({ "decision_id": issued["id"] }))
        .await;
    let (open_b, open_b_body) = leader_b
        .post_fn("cycle/certificates", json!({ "decision_id": issued["id"] }))
        .await;

    // Assert: commune A sees nothing of it; commune B and the district do
    assert!(
        !listed_ids(&for_reviewer_a).contains(&issued["id"]),
        "{for_reviewer_a}"
    );
    assert!(
        !listed_ids(&for_leader_a).contains(&issued["id"]),
        "{for_leader_a}"
    );
    assert!(
        listed_ids(&for_leader_b).contains(&issued["id"]),
        "{for_leader_b}"
    );
    assert!(
        listed_ids(&for_district).contains(&issued["id"]),
        "{for_district}"
    );
    assert_eq!(open_a, StatusCode::NOT_FOUND, "{open_a_body}");
    assert_eq!(open_leader_a, StatusCode::NOT_FOUND);
    assert_eq!(open_b, StatusCode::OK, "{open_b_body}");
}

// ---------------------------------------------------------------------------------------------
// Criteria sets and their owners

#[tokio::test]
async fn a_commune_administrator_cannot_issue_or_publish_a_set_for_anyone_else() {
    // Arrange: an administrator of commune A; a national draft made by the province
    let app = spawn_app().await;
    let commune_admin = app.new_user("quantri.trabinh", "Admin", COMMUNE_A).await;
    let admin = app.client_for("quantri").await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let national = national_household_set(&app).await;
    let province = app.unit_id(PROVINCE).await;
    let commune = app.unit_id(COMMUNE_A).await;
    let national_draft = admin
        .ok(
            "sets/copy",
            json!({ "id": national, "owner_unit_id": null }),
        )
        .await;

    // Act
    let (as_province, as_province_body) = commune_admin
        .post_fn(
            "sets/copy",
            json!({ "id": national, "owner_unit_id": province }),
        )
        .await;
    let (as_national, as_national_body) = commune_admin
        .post_fn("sets/copy", json!({ "id": national }))
        .await;
    let (as_commune, as_commune_body) = commune_admin
        .post_fn(
            "sets/copy",
            json!({ "id": national, "owner_unit_id": commune }),
        )
        .await;
    let (edit, edit_body) = commune_admin
        .post_fn(
            "sets/save",
            json!({ "id": national_draft["id"], "row_version": national_draft["row_version"], "set": national_draft["set"] }),
        )
        .await;
    let (publish, publish_body) = commune_admin
        .post_fn(
            "sets/publish",
            json!({ "id": national_draft["id"], "row_version": national_draft["row_version"] }),
        )
        .await;
    let seen = commune_admin
        .ok("sets/get", json!({ "id": national_draft["id"] }))
        .await;
    let choices = commune_admin.ok("sets/owner-choices", json!({})).await;

    // Assert: every way is refused, and commune B still scores with the national set
    assert_refused(
        as_province,
        &as_province_body,
        "quyền",
        "copy for the province",
    );
    assert_refused(as_national, &as_national_body, "quyền", "copy as national");
    assert_eq!(
        as_commune,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a commune does not issue sets: {as_commune_body}"
    );
    assert_refused(edit, &edit_body, "quyền", "edit the national draft");
    assert_refused(
        publish,
        &publish_body,
        "quyền",
        "publish the national draft",
    );
    assert_eq!(seen["can_manage"], json!(false), "{seen}");
    assert_eq!(
        choices,
        json!([]),
        "a commune administrator may own nothing"
    );
    let still_draft: String = sqlx::query_scalar("SELECT status FROM criteria_sets WHERE id = $1")
        .bind(national_draft["id"].as_i64())
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(still_draft, "draft");
    let household = household_in(&app, COMMUNE_B, 0).await;
    let (_, id) = open_household(&app, &officer_b, household).await;
    assert_eq!(
        evaluation(&officer_b, id).await["criteria_set_id"],
        json!(national)
    );
}

#[tokio::test]
async fn a_district_set_is_used_in_that_district_and_not_in_another() {
    // Arrange: Huyện Trà Bồng publishes its own household set; later a newer national version
    let app = spawn_app().await;
    let (_, household_elsewhere) = second_district(&app).await;
    let admin = app.client_for("quantri").await;
    let officer_a = app.client_for("canbo.trabinh").await;
    let national = national_household_set(&app).await;
    let district = app.unit_id(DISTRICT).await;
    let district_set = publish_copy(
        &admin,
        national,
        json!(district),
        "Gia đình học tập (huyện Trà Bồng)",
    )
    .await;
    let newer_national =
        publish_copy(&admin, national, json!(null), "Gia đình học tập (bản mới)").await;

    // Act
    let (_, in_district) =
        open_household(&app, &officer_a, household_in(&app, COMMUNE_A, 0).await).await;
    let (_, elsewhere) = open_household(&app, &admin, household_elsewhere).await;
    let listed = admin.ok("sets/list", json!({})).await;
    let shown = admin.ok("sets/get", json!({ "id": district_set })).await;

    // Assert
    assert_eq!(
        evaluation(&officer_a, in_district).await["criteria_set_id"],
        json!(district_set),
        "the most specific set covering the commune"
    );
    assert_eq!(
        evaluation(&admin, elsewhere).await["criteria_set_id"],
        json!(newer_national),
        "another district keeps the national set"
    );
    assert_eq!(shown["owner_name"], json!("Huyện Trà Bồng"), "{shown}");
    assert_eq!(shown["owner_unit_id"], json!(district));
    let owner_of = |id: i64| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == json!(id))
            .map(|s| s["owner_name"].clone())
    };
    assert_eq!(owner_of(district_set), Some(json!("Huyện Trà Bồng")));
    assert_eq!(owner_of(national), Some(Value::Null));
}

#[tokio::test]
async fn an_administrator_of_one_district_cannot_edit_another_districts_draft() {
    // Arrange: administrators of two districts; district B copies the national set
    let app = spawn_app().await;
    let (district_b, _) = second_district(&app).await;
    let admin_a = app.new_user("quantri.trabong", "Admin", DISTRICT).await;
    let admin_b = app.new_user("quantri.sonha", "Admin", "51-SH").await;
    let national = national_household_set(&app).await;
    let draft = admin_b
        .ok(
            "sets/copy",
            json!({ "id": national, "owner_unit_id": district_b }),
        )
        .await;
    let mut edited = draft["set"].clone();
    edited["name"] = json!("Bộ của huyện Trà Bồng chép đè");

    // Act
    let (save, save_body) = admin_a
        .post_fn(
            "sets/save",
            json!({ "id": draft["id"], "row_version": draft["row_version"], "set": edited }),
        )
        .await;
    let (publish, publish_body) = admin_a
        .post_fn(
            "sets/publish",
            json!({ "id": draft["id"], "row_version": draft["row_version"] }),
        )
        .await;
    let (copy_for_b, copy_for_b_body) = admin_a
        .post_fn(
            "sets/copy",
            json!({ "id": national, "owner_unit_id": district_b }),
        )
        .await;
    let for_a = admin_a.ok("sets/get", json!({ "id": draft["id"] })).await;
    let for_b = admin_b.ok("sets/get", json!({ "id": draft["id"] })).await;

    // Assert
    assert_refused(save, &save_body, "quyền", "edit another district's draft");
    assert_refused(
        publish,
        &publish_body,
        "quyền",
        "publish another district's draft",
    );
    assert_refused(
        copy_for_b,
        &copy_for_b_body,
        "quyền",
        "copy for another district",
    );
    assert_eq!(for_a["can_manage"], json!(false));
    assert_eq!(for_b["can_manage"], json!(true));
    assert_eq!(for_b["set"]["name"], draft["set"]["name"], "unchanged");
    assert_eq!(for_b["status"], json!("draft"));
    assert_eq!(draft["owner_name"], json!("Huyện Sơn Hà"));
}
