//! The yearly title cycle: registration, scoring (the server's score is the only score), the
//! review workflow and who may drive it, recognition decisions, certificates and the public
//! verification page, evidence files, versioned criteria sets, and the rollup counters that must
//! always agree with the registrations.

use crate::helpers::{assert_forbidden, error_message, invalid_fields, spawn_app, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The year the tests register for.
const YEAR: i32 = 2026;
/// Xã Trà Bình, the commune of `canbo.trabinh`.
const COMMUNE_A: &str = "51-TB-02";
const COMMUNE_A_NAME: &str = "Xã Trà Bình";
/// Thị trấn Trà Xuân, the commune of `canbo.traxuan`.
const COMMUNE_B: &str = "51-TB-01";
/// A village of Xã Trà Bình.
const VILLAGE_A: &str = "51-TB-02-01";
/// Huyện Trà Bồng, where `xetduyet` reviews and `lanhdao` reads.
const DISTRICT: &str = "51-TB";
/// Tỉnh Quảng Ngãi.
const PROVINCE: &str = "51";
/// The letters of a verification code (no 0/O, 1/I).
const CODE_ALPHABET: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

// ---------------------------------------------------------------------------------------------
// Arrange helpers

/// A registration and its evaluation.
struct Dossier {
    registration: i64,
    evaluation: i64,
}

/// The first `n` active households of a commune, by id.
async fn households_in_commune(app: &TestApp, commune_code: &str, n: i64) -> Vec<i64> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT h.id FROM households h JOIN org_units v ON v.id = h.village_id
         JOIN org_units c ON c.id = v.parent_id
         WHERE c.code = $1 AND h.active ORDER BY h.id LIMIT $2",
    )
    .bind(commune_code)
    .bind(n)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(ids.len() as i64, n, "{commune_code} has {n} households");
    ids
}

/// The first `n` active households of a village, by id.
async fn households_in_village(app: &TestApp, village_code: &str, n: i64) -> Vec<i64> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT h.id FROM households h JOIN org_units v ON v.id = h.village_id
         WHERE v.code = $1 AND h.active ORDER BY h.id LIMIT $2",
    )
    .bind(village_code)
    .bind(n)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(ids.len() as i64, n, "{village_code} has {n} households");
    ids
}

/// `cycle/register` for a title and year.
async fn try_register(client: &Client, kind: &str, year: i32, ids: &[i64]) -> (StatusCode, Value) {
    client
        .post_fn(
            "cycle/register",
            json!({ "input": { "year": year, "title_kind": kind, "subject_ids": ids } }),
        )
        .await
}

/// `cycle/register` that must succeed; returns the outcome.
async fn register(client: &Client, kind: &str, year: i32, ids: &[i64]) -> Value {
    let (status, body) = try_register(client, kind, year, ids).await;
    assert_eq!(status, StatusCode::OK, "register {ids:?}: {body}");
    body
}

/// The subject ids a registration outcome skipped, with the Vietnamese reasons.
fn skipped(outcome: &Value) -> BTreeMap<i64, String> {
    outcome["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_i64().unwrap(),
                pair[1]["vi"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The id of a subject's registration for a title and year.
async fn registration_of(app: &TestApp, kind: &str, subject_id: i64, year: i32) -> i64 {
    sqlx::query_scalar(
        "SELECT id FROM registrations WHERE title_kind = $1 AND subject_id = $2 AND year = $3",
    )
    .bind(kind)
    .bind(subject_id)
    .bind(year)
    .fetch_one(&app.db)
    .await
    .unwrap_or_else(|e| panic!("registration of {kind} {subject_id} in {year}: {e}"))
}

/// How many rows a table holds.
async fn count_rows(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The stored state code of a registration.
async fn state_of(app: &TestApp, registration: i64) -> String {
    sqlx::query_scalar("SELECT state FROM registrations WHERE id = $1")
        .bind(registration)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Registers one subject for `YEAR` and opens its evaluation.
async fn open_dossier(app: &TestApp, officer: &Client, kind: &str, subject: i64) -> Dossier {
    let outcome = register(officer, kind, YEAR, &[subject]).await;
    assert_eq!(outcome["registered"], json!(1), "{outcome}");
    let registration = registration_of(app, kind, subject, YEAR).await;
    let evaluation = officer
        .ok("cycle/start", json!({ "registration_id": registration }))
        .await
        .as_i64()
        .expect("start answers the evaluation id");
    Dossier {
        registration,
        evaluation,
    }
}

/// The evaluation form's data.
async fn evaluation(client: &Client, id: i64) -> Value {
    client.ok("cycle/evaluation", json!({ "id": id })).await
}

/// The body of a save of `answers` from a form loaded as `view`.
fn save_body(view: &Value, answers: Value) -> Value {
    json!({ "input": {
        "id": view["id"],
        "version": view["version"],
        "criteria_set_id": view["criteria_set_id"],
        "set_version": view["set"]["version"],
        "answers": answers,
        "notes": {},
        "client_total": null,
    } })
}

/// `cycle/save` of `answers` from a form loaded as `view`.
async fn save(client: &Client, view: &Value, answers: Value) -> (StatusCode, Value) {
    client.post_fn("cycle/save", save_body(view, answers)).await
}

/// Every indicator of the view's set, in order: its code and maximum (`None` for pass/fail).
fn indicators(view: &Value) -> Vec<(String, Option<u64>)> {
    view["set"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["indicators"].as_array().unwrap().iter())
        .map(|i| {
            let max =
                (i["kind"]["type"] == json!("points")).then(|| i["kind"]["max"].as_u64().unwrap());
            (i["code"].as_str().unwrap().to_string(), max)
        })
        .collect()
}

/// An answer to every indicator, worth `total` points: full marks from the first indicator on,
/// then zeros (pass/fail indicators met).
fn answers_worth(view: &Value, total: u64) -> Value {
    let mut left = total;
    let mut answers = serde_json::Map::new();
    for (code, max) in indicators(view) {
        let answer = match max {
            Some(max) => {
                let points = max.min(left);
                left -= points;
                json!(points)
            }
            None => json!(true),
        };
        answers.insert(code, answer);
    }
    assert_eq!(left, 0, "the set cannot give {total} points");
    Value::Object(answers)
}

/// Full marks on every indicator.
fn full_marks(view: &Value) -> Value {
    let total = indicators(view).iter().filter_map(|(_, max)| *max).sum();
    answers_worth(view, total)
}

/// `cycle/step` with an explicit version.
async fn step(
    client: &Client,
    id: i64,
    version: &Value,
    transition: &str,
    comments: Value,
    reason: &str,
) -> (StatusCode, Value) {
    client
        .post_fn(
            "cycle/step",
            json!({ "input": {
                "id": id,
                "version": version,
                "transition": transition,
                "comments": comments,
                "reason": reason,
            } }),
        )
        .await
}

/// A step that must succeed, at the evaluation's current version; returns what it saved.
async fn step_ok(
    client: &Client,
    id: i64,
    transition: &str,
    comments: Value,
    reason: &str,
) -> Value {
    let version = evaluation(client, id).await["version"].clone();
    let (status, body) = step(client, id, &version, transition, comments, reason).await;
    assert_eq!(status, StatusCode::OK, "{transition}: {body}");
    body
}

/// Registers a household for `YEAR`, answers every indicator for `total` points and submits it.
async fn submitted_household(
    app: &TestApp,
    officer: &Client,
    household: i64,
    total: u64,
) -> Dossier {
    let dossier = open_dossier(app, officer, "household", household).await;
    let view = evaluation(officer, dossier.evaluation).await;
    let (status, body) = save(officer, &view, answers_worth(&view, total)).await;
    assert_eq!(status, StatusCode::OK, "save: {body}");
    step_ok(officer, dossier.evaluation, "Submit", json!([]), "").await;
    dossier
}

/// [`submitted_household`], then approved by `reviewer`.
async fn approved_household(
    app: &TestApp,
    officer: &Client,
    reviewer: &Client,
    household: i64,
    total: u64,
) -> Dossier {
    let dossier = submitted_household(app, officer, household, total).await;
    step_ok(reviewer, dossier.evaluation, "Approve", json!([]), "").await;
    dossier
}

/// A decision of the `YEAR` cycle, dated 20 November.
fn decision(
    kind: &str,
    number: &str,
    authority: &str,
    unit_id: i64,
    recognised: &[i64],
    not_recognised: &[i64],
) -> Value {
    json!({ "input": {
        "number": number,
        "decision_date": "2026-11-20",
        "authority": authority,
        "signer": "Hồ Văn Ký",
        "year": YEAR,
        "title_kind": kind,
        "unit_id": unit_id,
        "recognised": recognised,
        "not_recognised": not_recognised,
    } })
}

/// The stored verification code of a registration's recognition.
async fn verify_code_of(app: &TestApp, registration: i64) -> String {
    sqlx::query_scalar("SELECT verify_code FROM recognitions WHERE registration_id = $1")
        .bind(registration)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A reviewer scoped to commune A, created by the administrator, signed in with their own
/// password (a new account must change its temporary one before anything else).
async fn reviewer_of_commune_a(app: &TestApp) -> Client {
    let admin = app.client_for("quantri").await;
    let commune = app.unit_id(COMMUNE_A).await;
    let temporary = "Tam-thoi-2026";
    admin
        .ok(
            "users/create",
            json!({ "input": {
                "username": "xetduyet.trabinh",
                "full_name": "Lê Thị Duyệt",
                "password": temporary,
                "role": "Reviewer",
                "unit_id": commune,
            } }),
        )
        .await;
    let reviewer = app
        .client_with_password("xetduyet.trabinh", temporary)
        .await;
    reviewer
        .ok(
            "password",
            json!({ "input": { "current": temporary, "new": "Mat-khau-rieng-2026", "confirm": "Mat-khau-rieng-2026" } }),
        )
        .await;
    reviewer
}

/// Asserts a 400 whose Vietnamese message contains `needle`.
#[track_caller]
fn assert_bad_request(status: StatusCode, body: &Value, needle: &str, what: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    let message = error_message(body, "BadRequest")
        .unwrap_or_else(|| panic!("{what}: not a BadRequest: {body}"));
    assert!(message.contains(needle), "{what}: {message}");
}

/// Asserts a 422 on `field` whose Vietnamese message contains `needle`.
#[track_caller]
fn assert_invalid(status: StatusCode, body: &Value, field: &str, needle: &str, what: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
    assert_eq!(
        invalid_fields(body),
        vec![field.to_string()],
        "{what}: {body}"
    );
    let message = body["Validation"][0]["message"]["vi"].as_str().unwrap();
    assert!(message.contains(needle), "{what}: {message}");
}

/// The stored answers, total and version of an evaluation.
async fn stored_evaluation(app: &TestApp, id: i64) -> (String, i64, i64) {
    sqlx::query_as("SELECT answers, total, version FROM evaluations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Rollup helpers, written independently of the code under test

/// Asserts that the non-zero counters are exactly what the registrations add up to, counting
/// each registration at its unit and every ancestor.
pub(crate) async fn assert_rollups_match_registrations(app: &TestApp, when: &str) {
    let registrations: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT u.path, r.year, r.title_kind, r.state FROM registrations r
         JOIN org_units u ON u.id = r.unit_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut expected: BTreeMap<(i64, i64, String, String), i64> = BTreeMap::new();
    for (path, year, kind, state) in registrations {
        for unit in path.split('/').filter(|s| !s.is_empty()) {
            let key = (unit.parse().unwrap(), year, kind.clone(), state.clone());
            *expected.entry(key).or_default() += 1;
        }
    }
    let stored: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT unit_id, year, title_kind, state, count FROM rollups WHERE count <> 0",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let actual: BTreeMap<_, _> = stored
        .into_iter()
        .map(|(unit, year, kind, state, count)| ((unit, year, kind, state), count))
        .collect();
    assert_eq!(
        actual, expected,
        "{when}: the counters disagree with the registrations"
    );
}

/// The non-zero household counters of `YEAR` at one unit, by state.
async fn counters_at(app: &TestApp, unit_code: &str) -> BTreeMap<String, i64> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT r.state, r.count FROM rollups r JOIN org_units u ON u.id = r.unit_id
         WHERE u.code = $1 AND r.year = $2 AND r.title_kind = 'household' AND r.count <> 0",
    )
    .bind(unit_code)
    .bind(YEAR)
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.into_iter().collect()
}

/// Asserts the household counters of every unit in `units` and that the whole table agrees
/// with the registrations.
async fn assert_counters(app: &TestApp, units: &[&str], expected: &[(&str, i64)], when: &str) {
    let expected: BTreeMap<String, i64> = expected
        .iter()
        .map(|(state, n)| (state.to_string(), *n))
        .collect();
    for unit in units {
        assert_eq!(counters_at(app, unit).await, expected, "{when}, at {unit}");
    }
    assert_rollups_match_registrations(app, when).await;
}

// ---------------------------------------------------------------------------------------------
// Scoring

#[tokio::test]
async fn the_server_scores_again_and_ignores_the_clients_total() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let household = app.household_in_commune(COMMUNE_A).await;
    let dossier = open_dossier(&app, &officer, "household", household).await;
    let view = evaluation(&officer, dossier.evaluation).await;
    let mut body = save_body(
        &view,
        json!({ "GD1.a": 10, "GD1.b": 10, "GD1.c": 10, "GD2.a": 10 }),
    );
    body["input"]["client_total"] = json!(100);

    // Act
    let saved = officer.ok("cycle/save", body).await;

    // Assert: the answer, a fresh read and the stored row all say 40
    assert_eq!(saved["result"]["total"], json!(40), "{saved}");
    assert_eq!(saved["result"]["recognised"], json!(false));
    assert_eq!(saved["state"], json!("Draft"));
    let fresh = evaluation(&officer, dossier.evaluation).await;
    assert_eq!(fresh["result"]["total"], json!(40));
    assert_eq!(fresh["registration"]["total"], json!(40));
    assert_eq!(fresh["registration"]["meets_rule"], json!(false));
    let (total, meets_rule): (i64, bool) =
        sqlx::query_as("SELECT total, meets_rule FROM evaluations WHERE id = $1")
            .bind(dossier.evaluation)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((total, meets_rule), (40, false));
}

#[tokio::test]
async fn answers_that_do_not_fit_the_set_are_refused_and_change_nothing() {
    // Arrange: a saved evaluation worth 30 points
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let household = app.household_in_commune(COMMUNE_A).await;
    let dossier = open_dossier(&app, &officer, "household", household).await;
    let loaded = evaluation(&officer, dossier.evaluation).await;
    let (status, body) = save(
        &officer,
        &loaded,
        json!({ "GD1.a": 10, "GD1.b": 10, "GD1.c": 10 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = evaluation(&officer, dossier.evaluation).await;
    let stored_before = stored_evaluation(&app, dossier.evaluation).await;
    let clan_set: i64 = sqlx::query_scalar(
        "SELECT id FROM criteria_sets WHERE code = 'dhht-qd448' AND version = 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();

    // Act + Assert: each bad answer is refused on its indicator, in Vietnamese
    let bad_answers = [
        ("GD1.a", json!({ "GD1.a": 11 }), "vượt quá điểm tối đa 10"),
        ("GD9.z", json!({ "GD9.z": 5 }), "không có trong bộ tiêu chí"),
        ("GD2.a", json!({ "GD2.a": true }), "cần nhập số điểm"),
    ];
    for (field, answers, needle) in bad_answers {
        let (status, body) = save(&officer, &before, answers).await;
        assert_invalid(status, &body, field, needle, field);
        assert!(
            body["Validation"][0]["message"]["vi"]
                .as_str()
                .unwrap()
                .contains(field),
            "the message names the indicator: {body}"
        );
    }

    // Act + Assert: negative points do not even parse; a note on an unknown indicator
    let (status, body) = save(&officer, &before, json!({ "GD1.a": -1 })).await;
    assert_bad_request(status, &body, "không hợp lệ", "negative points");
    let mut stray_note = save_body(&before, json!({ "GD2.a": 10 }));
    stray_note["input"]["notes"] = json!({ "GD9.z": "Ảnh chụp giấy khen" });
    let (status, body) = officer.post_fn("cycle/save", stray_note).await;
    assert_invalid(
        status,
        &body,
        "GD9.z",
        "Không có chỉ số",
        "note on an unknown indicator",
    );

    // Act + Assert: a form scored with another set version or another set is refused
    let mut newer_version = save_body(&before, json!({ "GD2.a": 10 }));
    newer_version["input"]["set_version"] = json!(2);
    let (status, body) = officer.post_fn("cycle/save", newer_version).await;
    assert_bad_request(status, &body, "phiên bản 1", "another set version");
    let mut other_set = save_body(&before, json!({ "GD2.a": 10 }));
    other_set["input"]["criteria_set_id"] = json!(clan_set);
    let (status, body) = officer.post_fn("cycle/save", other_set).await;
    assert_bad_request(status, &body, "gdht-qd448", "another criteria set");

    // Assert: nothing changed
    assert_eq!(evaluation(&officer, dossier.evaluation).await, before);
    assert_eq!(
        stored_evaluation(&app, dossier.evaluation).await,
        stored_before
    );
    assert_eq!(stored_before.1, 30);
}

#[tokio::test]
async fn two_concurrent_saves_with_the_same_version_one_wins_one_conflicts() {
    // Arrange: two sessions loaded the same version of the form
    let app = spawn_app().await;
    let first = app.client_for("canbo.trabinh").await;
    let second = app.client_for("canbo.trabinh").await;
    let household = app.household_in_commune(COMMUNE_A).await;
    let dossier = open_dossier(&app, &first, "household", household).await;
    let loaded = evaluation(&first, dossier.evaluation).await;
    let answers_one = json!({ "GD1.a": 10 });
    let answers_two = json!({ "GD1.a": 5, "GD1.b": 5 });

    // Act: both at once
    let (one, two) = tokio::join!(
        first.post_fn("cycle/save", save_body(&loaded, answers_one.clone())),
        second.post_fn("cycle/save", save_body(&loaded, answers_two.clone())),
    );

    // Assert: exactly one won; the other got the winner's values
    let statuses = BTreeSet::from([one.0, two.0]);
    assert_eq!(
        statuses,
        BTreeSet::from([StatusCode::OK, StatusCode::CONFLICT]),
        "one: {} two: {}",
        one.1,
        two.1
    );
    let (won, lost, winning_answers) = if one.0 == StatusCode::OK {
        (&one.1, &two.1, &answers_one)
    } else {
        (&two.1, &one.1, &answers_two)
    };
    let current = lost["Conflict"]["current"]
        .as_str()
        .unwrap_or_else(|| panic!("the conflict carries the current evaluation: {lost}"));
    let current: Value = serde_json::from_str(current).unwrap();
    assert_eq!(current["answers"], *winning_answers);
    assert_eq!(current["version"], won["version"]);
    assert_eq!(current["result"]["total"], json!(10));
    assert!(!lost["Conflict"]["message"]["vi"]
        .as_str()
        .unwrap()
        .is_empty());
    let (stored_answers, _, stored_version) = stored_evaluation(&app, dossier.evaluation).await;
    assert_eq!(
        serde_json::from_str::<Value>(&stored_answers).unwrap(),
        *winning_answers
    );
    assert_eq!(json!(stored_version), won["version"]);

    // Act: the loser saves again from the current values
    let retry = first
        .ok(
            "cycle/save",
            save_body(&current, json!({ "GD1.a": 10, "GD1.b": 10 })),
        )
        .await;

    // Assert
    assert_eq!(retry["result"]["total"], json!(20));
    assert_eq!(
        retry["version"],
        json!(current["version"].as_i64().unwrap() + 1)
    );
}

// ---------------------------------------------------------------------------------------------
// Roles and scope

#[tokio::test]
async fn an_officer_cannot_return_approve_unlock_or_decide() {
    // Arrange: the officer's own submitted dossier
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let household = app.household_in_commune(COMMUNE_A).await;
    let dossier = submitted_household(&app, &officer, household, 100).await;
    let version = evaluation(&officer, dossier.evaluation).await["version"].clone();
    let commune = app.unit_id(COMMUNE_A).await;
    let comments = json!([{ "criterion_code": "GD1", "body": "Tự trả lại" }]);

    // Act
    let approve = step(
        &officer,
        dossier.evaluation,
        &version,
        "Approve",
        json!([]),
        "",
    )
    .await;
    let give_back = step(
        &officer,
        dossier.evaluation,
        &version,
        "Return",
        comments,
        "",
    )
    .await;
    let unlock = step(
        &officer,
        dossier.evaluation,
        &version,
        "Unlock",
        json!([]),
        "Tự mở khoá lại",
    )
    .await;
    let decide = officer
        .post_fn(
            "cycle/decide",
            decision(
                "household",
                "1/QĐ-UBND",
                "UBND xã Trà Bình",
                commune,
                &[dossier.registration],
                &[],
            ),
        )
        .await;

    // Assert
    assert_forbidden(approve.0, &approve.1, "approve");
    assert_forbidden(give_back.0, &give_back.1, "return");
    assert_forbidden(unlock.0, &unlock.1, "unlock");
    assert_forbidden(decide.0, &decide.1, "decide");
    assert_eq!(state_of(&app, dossier.registration).await, "submitted");
}

#[tokio::test]
async fn a_reviewer_of_one_commune_cannot_act_on_another_communes_dossiers() {
    // Arrange: a submitted and an approved dossier of commune B, a submitted one of commune A
    let app = spawn_app().await;
    let reviewer_a = reviewer_of_commune_a(&app).await;
    let district_reviewer = app.client_for("xetduyet").await;
    let officer_a = app.client_for("canbo.trabinh").await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let households_b = households_in_commune(&app, COMMUNE_B, 2).await;
    let submitted_b = submitted_household(&app, &officer_b, households_b[0], 100).await;
    let approved_b =
        approved_household(&app, &officer_b, &district_reviewer, households_b[1], 100).await;
    let own = submitted_household(
        &app,
        &officer_a,
        app.household_in_commune(COMMUNE_A).await,
        100,
    )
    .await;
    let submitted_version = evaluation(&officer_b, submitted_b.evaluation).await["version"].clone();
    let approved_version = evaluation(&officer_b, approved_b.evaluation).await["version"].clone();
    let (commune_a, commune_b) = (app.unit_id(COMMUNE_A).await, app.unit_id(COMMUNE_B).await);
    let comments = json!([{ "criterion_code": "GD1", "body": "Thiếu minh chứng" }]);

    // Act
    let read = reviewer_a
        .post_fn("cycle/evaluation", json!({ "id": submitted_b.evaluation }))
        .await;
    let give_back = step(
        &reviewer_a,
        submitted_b.evaluation,
        &submitted_version,
        "Return",
        comments,
        "",
    )
    .await;
    let approve = step(
        &reviewer_a,
        submitted_b.evaluation,
        &submitted_version,
        "Approve",
        json!([]),
        "",
    )
    .await;
    let unlock = step(
        &reviewer_a,
        approved_b.evaluation,
        &approved_version,
        "Unlock",
        json!([]),
        "Cần chấm lại điểm",
    )
    .await;
    let decide_as_b = reviewer_a
        .post_fn(
            "cycle/decide",
            decision(
                "household",
                "7/QĐ-UBND",
                "UBND thị trấn Trà Xuân",
                commune_b,
                &[approved_b.registration],
                &[],
            ),
        )
        .await;
    let decide_b_as_a = reviewer_a
        .post_fn(
            "cycle/decide",
            decision(
                "household",
                "8/QĐ-UBND",
                "UBND xã Trà Bình",
                commune_a,
                &[approved_b.registration],
                &[],
            ),
        )
        .await;

    // Assert: every attempt is forbidden, without naming B's subject
    assert_forbidden(read.0, &read.1, "read B's evaluation");
    assert_forbidden(give_back.0, &give_back.1, "return");
    assert_forbidden(approve.0, &approve.1, "approve");
    assert_forbidden(unlock.0, &unlock.1, "unlock");
    assert_forbidden(decide_as_b.0, &decide_as_b.1, "decide as B's authority");
    assert_forbidden(
        decide_b_as_a.0,
        &decide_b_as_a.1,
        "decide B's dossier as A's authority",
    );
    assert_eq!(state_of(&app, submitted_b.registration).await, "submitted");
    assert_eq!(state_of(&app, approved_b.registration).await, "approved");
    assert_eq!(count_rows(&app, "decisions").await, 0);

    // Act + Assert: the same reviewer does act on commune A
    let approved = step_ok(&reviewer_a, own.evaluation, "Approve", json!([]), "").await;
    assert_eq!(approved["state"], json!("Approved"));
    reviewer_a
        .ok(
            "cycle/decide",
            decision(
                "household",
                "9/QĐ-UBND",
                "UBND xã Trà Bình",
                commune_a,
                &[own.registration],
                &[],
            ),
        )
        .await;
    assert_eq!(state_of(&app, own.registration).await, "recognised");
}

#[tokio::test]
async fn the_leader_cannot_register_score_step_or_decide() {
    // Arrange: a draft and an approved dossier in the leader's district
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let officer = app.client_for("canbo.trabinh").await;
    let reviewer = app.client_for("xetduyet").await;
    let households = households_in_commune(&app, COMMUNE_A, 3).await;
    let draft = open_dossier(&app, &officer, "household", households[0]).await;
    let approved = approved_household(&app, &officer, &reviewer, households[1], 100).await;
    let draft_view = evaluation(&leader, draft.evaluation).await;
    let approved_version = evaluation(&leader, approved.evaluation).await["version"].clone();
    let commune = app.unit_id(COMMUNE_A).await;
    let registrations_before = count_rows(&app, "registrations").await;

    // Act
    let registering = try_register(&leader, "household", YEAR, &[households[2]]).await;
    let start = leader
        .post_fn(
            "cycle/start",
            json!({ "registration_id": draft.registration }),
        )
        .await;
    let saving = save(&leader, &draft_view, json!({ "GD1.a": 10 })).await;
    let submit = step(
        &leader,
        draft.evaluation,
        &draft_view["version"],
        "Submit",
        json!([]),
        "",
    )
    .await;
    let unlock = step(
        &leader,
        approved.evaluation,
        &approved_version,
        "Unlock",
        json!([]),
        "Lãnh đạo mở khoá",
    )
    .await;
    let decide = leader
        .post_fn(
            "cycle/decide",
            decision(
                "household",
                "2/QĐ-UBND",
                "UBND xã Trà Bình",
                commune,
                &[approved.registration],
                &[],
            ),
        )
        .await;

    // Assert
    assert_forbidden(registering.0, &registering.1, "register");
    assert_forbidden(start.0, &start.1, "start");
    assert_forbidden(saving.0, &saving.1, "save");
    assert_forbidden(submit.0, &submit.1, "submit");
    assert_forbidden(unlock.0, &unlock.1, "unlock");
    assert_forbidden(decide.0, &decide.1, "decide");
    assert_eq!(
        count_rows(&app, "registrations").await,
        registrations_before
    );
    assert_eq!(evaluation(&leader, draft.evaluation).await, draft_view);
    assert_eq!(state_of(&app, approved.registration).await, "approved");
}

#[tokio::test]
async fn an_officer_cannot_register_open_or_save_another_communes_households() {
    // Arrange: commune B's officer opened a dossier of B
    let app = spawn_app().await;
    let officer_a = app.client_for("canbo.trabinh").await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let households_b = households_in_commune(&app, COMMUNE_B, 3).await;
    let household_a = app.household_in_commune(COMMUNE_A).await;
    let dossier_b = open_dossier(&app, &officer_b, "household", households_b[0]).await;
    let registered_b = registration_of(&app, "household", households_b[0], YEAR).await;
    let view_b = evaluation(&officer_b, dossier_b.evaluation).await;
    let registrations_before = count_rows(&app, "registrations").await;

    // Act
    let only_b = try_register(&officer_a, "household", YEAR, &[households_b[1]]).await;
    let mixed = try_register(
        &officer_a,
        "household",
        YEAR,
        &[household_a, households_b[2]],
    )
    .await;
    let start = officer_a
        .post_fn("cycle/start", json!({ "registration_id": registered_b }))
        .await;
    let read = officer_a
        .post_fn("cycle/evaluation", json!({ "id": dossier_b.evaluation }))
        .await;
    let saving = save(&officer_a, &view_b, json!({ "GD1.a": 10 })).await;
    let cancel = officer_a
        .post_fn(
            "cycle/unregister",
            json!({ "registration_id": registered_b }),
        )
        .await;

    // Assert: all refused, and the mixed batch registered nothing at all
    assert_forbidden(only_b.0, &only_b.1, "register B's household");
    assert_forbidden(
        mixed.0,
        &mixed.1,
        "register A's and B's households together",
    );
    assert_forbidden(start.0, &start.1, "open B's evaluation");
    assert_forbidden(read.0, &read.1, "read B's evaluation");
    assert_forbidden(saving.0, &saving.1, "save B's evaluation");
    assert_forbidden(cancel.0, &cancel.1, "cancel B's registration");
    assert_eq!(
        count_rows(&app, "registrations").await,
        registrations_before
    );
    assert_eq!(evaluation(&officer_b, dossier_b.evaluation).await, view_b);
}

// ---------------------------------------------------------------------------------------------
// Registration

#[tokio::test]
async fn bulk_registration_registers_new_subjects_and_skips_the_rest_with_reasons() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let households = households_in_commune(&app, COMMUNE_A, 6).await;
    let inactive = households[5];
    let household = officer
        .ok("households/get", json!({ "id": inactive }))
        .await;
    officer
        .ok(
            "households/set-active",
            json!({ "id": inactive, "version": household["version"], "active": false }),
        )
        .await;
    let unknown = 987_654_321;

    // Act: three at once
    let first = register(&officer, "household", YEAR, &households[0..3]).await;

    // Assert
    assert_eq!(first["registered"], json!(3), "{first}");
    assert!(skipped(&first).is_empty());

    // Act: one already registered, a new one twice, an unknown one, an inactive one
    let second = register(
        &officer,
        "household",
        YEAR,
        &[
            households[0],
            households[3],
            households[3],
            unknown,
            inactive,
        ],
    )
    .await;

    // Assert
    assert_eq!(second["registered"], json!(1), "{second}");
    let reasons = skipped(&second);
    assert_eq!(
        reasons.keys().copied().collect::<Vec<_>>(),
        {
            let mut ids = vec![households[0], unknown, inactive];
            ids.sort_unstable();
            ids
        },
        "{second}"
    );
    assert!(
        reasons[&households[0]].contains("đã đăng ký năm 2026"),
        "{reasons:?}"
    );
    assert!(reasons[&unknown].contains("Không tìm thấy"), "{reasons:?}");
    assert!(
        reasons[&inactive].contains("ngừng hoạt động"),
        "{reasons:?}"
    );
    let stored: Vec<i64> = sqlx::query_scalar(
        "SELECT subject_id FROM registrations WHERE year = $1 AND title_kind = 'household' ORDER BY subject_id",
    )
    .bind(YEAR)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, households[0..4].to_vec());
    let village = sqlx::query_scalar::<_, i64>("SELECT village_id FROM households WHERE id = $1")
        .bind(households[0])
        .fetch_one(&app.db)
        .await
        .unwrap();
    let candidates = officer
        .ok(
            "cycle/candidates",
            json!({ "year": YEAR, "title_kind": "household", "unit_id": village }),
        )
        .await;
    let first_candidate = candidates
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject_id"] == json!(households[0]))
        .unwrap_or_else(|| panic!("{candidates}"));
    assert_eq!(
        first_candidate["registration_id"],
        json!(registration_of(&app, "household", households[0], YEAR).await)
    );

    // Act + Assert: nothing to register
    let (status, body) = try_register(&officer, "household", YEAR, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(invalid_fields(&body), vec!["subject_ids"]);
}

#[tokio::test]
async fn a_registration_can_be_cancelled_only_before_scoring() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let households = households_in_village(&app, VILLAGE_A, 2).await;
    register(&officer, "household", YEAR, &households).await;
    let untouched = registration_of(&app, "household", households[0], YEAR).await;
    let scored = open_dossier_of_registered(&app, &officer, households[1]).await;

    // Act
    officer
        .ok("cycle/unregister", json!({ "registration_id": untouched }))
        .await;
    let (status, body) = officer
        .post_fn("cycle/unregister", json!({ "registration_id": scored }))
        .await;

    // Assert
    assert_bad_request(
        status,
        &body,
        "chưa chấm điểm",
        "cancel a scored registration",
    );
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM registrations ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(left, vec![scored]);
    assert_counters(
        &app,
        &[VILLAGE_A, COMMUNE_A, DISTRICT, PROVINCE],
        &[("draft", 1)],
        "after cancelling",
    )
    .await;
}

/// Opens the evaluation of an already registered household; returns the registration id.
async fn open_dossier_of_registered(app: &TestApp, officer: &Client, household: i64) -> i64 {
    let registration = registration_of(app, "household", household, YEAR).await;
    officer
        .ok("cycle/start", json!({ "registration_id": registration }))
        .await;
    registration
}

#[tokio::test]
async fn a_recognised_community_keeps_its_title_three_years_and_a_household_one() {
    // Arrange: a village community and a household recognised in 2026
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let reviewer = app.client_for("xetduyet").await;
    let village = app.unit_id(VILLAGE_A).await;
    let commune = app.unit_id(COMMUNE_A).await;
    let community = open_dossier(&app, &officer, "village_community", village).await;
    let view = evaluation(&officer, community.evaluation).await;
    assert_eq!(view["set"]["code"], json!("cdht-thon-qd448"));
    officer
        .ok("cycle/save", save_body(&view, full_marks(&view)))
        .await;
    step_ok(&officer, community.evaluation, "Submit", json!([]), "").await;
    step_ok(&reviewer, community.evaluation, "Approve", json!([]), "").await;
    reviewer
        .ok(
            "cycle/decide",
            decision(
                "village_community",
                "30/QĐ-UBND",
                "UBND xã Trà Bình",
                commune,
                &[community.registration],
                &[],
            ),
        )
        .await;
    let household = app.household_in_commune(COMMUNE_A).await;
    let family = approved_household(&app, &officer, &reviewer, household, 100).await;
    reviewer
        .ok(
            "cycle/decide",
            decision(
                "household",
                "31/QĐ-UBND",
                "UBND xã Trà Bình",
                commune,
                &[family.registration],
                &[],
            ),
        )
        .await;

    // Act
    let community_2027 = register(&officer, "village_community", 2027, &[village]).await;
    let household_2027 = register(&officer, "household", 2027, &[household]).await;
    let community_2029 = register(&officer, "village_community", 2029, &[village]).await;

    // Assert: the community holds its title until the end of 2028; the household needs a new one
    assert_eq!(community_2027["registered"], json!(0), "{community_2027}");
    let reasons = skipped(&community_2027);
    assert!(
        reasons[&village].contains("đang trong thời hạn công nhận đến hết năm 2028"),
        "{reasons:?}"
    );
    assert_eq!(household_2027["registered"], json!(1), "{household_2027}");
    assert!(skipped(&household_2027).is_empty());
    assert_eq!(community_2029["registered"], json!(1), "{community_2029}");
}

// ---------------------------------------------------------------------------------------------
// Workflow

#[tokio::test]
async fn an_incomplete_evaluation_cannot_be_submitted() {
    // Arrange: nine of the ten indicators answered, full marks
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let household = app.household_in_commune(COMMUNE_A).await;
    let dossier = open_dossier(&app, &officer, "household", household).await;
    let view = evaluation(&officer, dossier.evaluation).await;
    let mut answers = full_marks(&view);
    answers.as_object_mut().unwrap().remove("GD4.b");
    officer.ok("cycle/save", save_body(&view, answers)).await;
    let saved = evaluation(&officer, dossier.evaluation).await;
    assert_eq!(saved["result"]["complete"], json!(false));

    // Act
    let (status, body) = step(
        &officer,
        dossier.evaluation,
        &saved["version"],
        "Submit",
        json!([]),
        "",
    )
    .await;

    // Assert
    assert_bad_request(status, &body, "Chưa chấm đủ", "submit incomplete");
    assert_eq!(state_of(&app, dossier.registration).await, "draft");
    assert_eq!(evaluation(&officer, dossier.evaluation).await, saved);
}

#[tokio::test]
async fn returning_needs_a_comment_and_the_comments_show_in_the_evaluation() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let reviewer = app.client_for("xetduyet").await;
    let household = app.household_in_commune(COMMUNE_A).await;
    let dossier = submitted_household(&app, &officer, household, 100).await;
    let version = evaluation(&reviewer, dossier.evaluation).await["version"].clone();

    // Act + Assert: no comment, a blank one, one on a criterion that does not exist
    let bad = [
        (json!([]), "ít nhất một tiêu chí"),
        (
            json!([{ "criterion_code": "GD1", "body": "   " }]),
            "ít nhất một tiêu chí",
        ),
        (
            json!([{ "criterion_code": "GD9", "body": "Không rõ" }]),
            "GD9",
        ),
    ];
    for (comments, needle) in bad {
        let (status, body) = step(
            &reviewer,
            dossier.evaluation,
            &version,
            "Return",
            comments.clone(),
            "",
        )
        .await;
        assert_invalid(status, &body, "comments", needle, &comments.to_string());
    }
    assert_eq!(state_of(&app, dossier.registration).await, "submitted");

    // Act: a comment on GD1, a blank one on GD3 (ignored), one on the whole dossier
    let returned = step(
        &reviewer,
        dossier.evaluation,
        &version,
        "Return",
        json!([
            { "criterion_code": "GD1", "body": "Thiếu học bạ của cháu lớn" },
            { "criterion_code": "GD3", "body": "" },
            { "criterion_code": "", "body": "Bổ sung xác nhận của trưởng thôn" },
        ]),
        "",
    )
    .await;

    // Assert: returned, comments visible to the officer, editable again
    assert_eq!(returned.0, StatusCode::OK, "{}", returned.1);
    assert_eq!(returned.1["state"], json!("Returned"));
    let view = evaluation(&officer, dossier.evaluation).await;
    assert_eq!(view["can_edit"], json!(true));
    let comments: BTreeSet<(String, String, String, String)> = view["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["criterion_code"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
                c["body"].as_str().unwrap().to_string(),
                c["author_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let author = "Phạm Minh Đức".to_string();
    assert_eq!(
        comments,
        BTreeSet::from([
            (
                "GD1".into(),
                "return".into(),
                "Thiếu học bạ của cháu lớn".into(),
                author.clone()
            ),
            (
                "".into(),
                "return".into(),
                "Bổ sung xác nhận của trưởng thôn".into(),
                author
            ),
        ])
    );
    let queues = officer.ok("cycle/queues", json!({ "year": YEAR })).await;
    assert_eq!(
        queues["returned"][0]["id"],
        json!(dossier.registration),
        "{queues}"
    );

    // Act: the officer fixes a score and resubmits
    let mut answers = full_marks(&view);
    answers["GD1.c"] = json!(5);
    let saved = officer.ok("cycle/save", save_body(&view, answers)).await;
    assert_eq!(
        saved["state"],
        json!("Returned"),
        "saving keeps it returned"
    );
    let resubmitted = step_ok(&officer, dossier.evaluation, "Submit", json!([]), "").await;

    // Assert: back in the reviewer's queue with the new score
    assert_eq!(resubmitted["state"], json!("Submitted"));
    assert_eq!(resubmitted["result"]["total"], json!(95));
    let queues = reviewer.ok("cycle/queues", json!({ "year": YEAR })).await;
    let to_review: Vec<&Value> = queues["to_review"].as_array().unwrap().iter().collect();
    assert_eq!(to_review.len(), 1, "{queues}");
    assert_eq!(to_review[0]["id"], json!(dossier.registration));
    assert_eq!(to_review[0]["total"], json!(95));
}

#[tokio::test]
async fn approval_locks_and_unlocking_needs_a_reason_and_is_audited() {
    // Arrange: an approved dossier
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let reviewer = app.client_for("xetduyet").await;
    let admin = app.client_for("quantri").await;
    let household = app.household_in_commune(COMMUNE_A).await;
    let dossier = approved_household(&app, &officer, &reviewer, household, 100).await;
    let approved = evaluation(&officer, dossier.evaluation).await;
    assert_eq!(approved["can_edit"], json!(false));

    // Act: the officer tries to change it
    let (save_status, save_answer) = save(&officer, &approved, json!({ "GD1.a": 0 })).await;
    let (submit_status, submit_body) = step(
        &officer,
        dossier.evaluation,
        &approved["version"],
        "Submit",
        json!([]),
        "",
    )
    .await;
    let png = b"\x89PNG\r\n\x1a\nanh".to_vec();
    let (upload_status, upload_body) = officer
        .post_file(
            &format!(
                "/evaluations/{}/attachments?indicator=GD1.a",
                dossier.evaluation
            ),
            "anh.png",
            png,
        )
        .await;

    // Assert: locked
    assert_bad_request(save_status, &save_answer, "Đã duyệt", "save after approval");
    assert_bad_request(
        submit_status,
        &submit_body,
        "Đã duyệt",
        "submit after approval",
    );
    assert_bad_request(
        upload_status,
        &upload_body,
        "đã duyệt",
        "evidence after approval",
    );
    assert_eq!(evaluation(&officer, dossier.evaluation).await, approved);

    // Act + Assert: unlocking without a real reason is refused
    for reason in ["", "   ", "sai"] {
        let (status, body) = step(
            &reviewer,
            dossier.evaluation,
            &approved["version"],
            "Unlock",
            json!([]),
            reason,
        )
        .await;
        assert_invalid(status, &body, "reason", "lý do", reason);
    }
    assert_eq!(state_of(&app, dossier.registration).await, "approved");

    // Act: unlock with a reason
    let reason = "Chấm nhầm tiêu chí GD2, cần chấm lại";
    let unlocked = step_ok(&reviewer, dossier.evaluation, "Unlock", json!([]), reason).await;

    // Assert: back to the officer, the reason kept as a comment and in the audit log
    assert_eq!(unlocked["state"], json!("Returned"));
    let view = evaluation(&officer, dossier.evaluation).await;
    assert_eq!(view["can_edit"], json!(true));
    assert!(
        view["comments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == json!("unlock") && c["body"] == json!(reason)),
        "{}",
        view["comments"]
    );
    let log = admin
        .ok(
            "audit/list",
            json!({ "query": {
                "unit_id": null, "user_id": app.user_id("xetduyet").await, "entity": "evaluation",
                "from": null, "to": null, "page": 1, "per_page": 200,
            } }),
        )
        .await;
    let unlock_entries: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == json!("unlock") && e["entity_id"] == json!(dossier.evaluation))
        .collect();
    assert_eq!(unlock_entries.len(), 1, "{log}");
    assert_eq!(unlock_entries[0]["username"], json!("xetduyet"));
    let after: Value =
        serde_json::from_str(unlock_entries[0]["after_json"].as_str().unwrap()).unwrap();
    assert_eq!(after["reason"], json!(reason));
    assert_eq!(after["state"], json!("returned"));

    // Act + Assert: the officer can save again
    let (status, body) = save(&officer, &view, json!({ "GD2.a": 5 })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

// ---------------------------------------------------------------------------------------------
// Decisions, certificates, verification

#[tokio::test]
async fn a_decision_recognises_approved_passing_dossiers_only() {
    // Arrange: approved at 80 (passes), approved at 50 (fails), submitted only, another approved
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let reviewer = app.client_for("xetduyet").await;
    let households = households_in_commune(&app, COMMUNE_A, 4).await;
    let passing = approved_household(&app, &officer, &reviewer, households[0], 80).await;
    let failing = approved_household(&app, &officer, &reviewer, households[1], 50).await;
    let submitted = submitted_household(&app, &officer, households[2], 100).await;
    let spare = approved_household(&app, &officer, &reviewer, households[3], 90).await;
    let commune = app.unit_id(COMMUNE_A).await;
    let authority = "UBND xã Trà Bình";

    // Act + Assert: a failing dossier cannot be recognised
    let (status, body) = reviewer
        .post_fn(
            "cycle/decide",
            decision(
                "household",
                "12/QĐ-UBND",
                authority,
                commune,
                &[failing.registration],
                &[],
            ),
        )
        .await;
    assert_bad_request(status, &body, "chưa đạt", "recognise a failing dossier");

    // Act + Assert: a dossier not approved cannot be decided
    let (status, body) = reviewer
        .post_fn(
            "cycle/decide",
            decision(
                "household",
                "12/QĐ-UBND",
                authority,
                commune,
                &[submitted.registration],
                &[],
            ),
        )
        .await;
    assert_bad_request(status, &body, "Chờ xét duyệt", "decide a submitted dossier");
    let (status, body) = reviewer
        .post_fn(
            "cycle/decide",
            decision(
                "household",
                "12/QĐ-UBND",
                authority,
                commune,
                &[],
                &[submitted.registration],
            ),
        )
        .await;
    assert_bad_request(status, &body, "Chờ xét duyệt", "refuse a submitted dossier");
    assert_eq!(
        count_rows(&app, "decisions").await,
        0,
        "refused decisions store nothing"
    );
    assert_eq!(state_of(&app, failing.registration).await, "approved");

    // Act: the passing one recognised, the failing one not
    let issued = reviewer
        .ok(
            "cycle/decide",
            decision(
                "household",
                "12/QĐ-UBND",
                authority,
                commune,
                &[passing.registration],
                &[failing.registration],
            ),
        )
        .await;

    // Assert
    assert_eq!(issued["recognised_count"], json!(1), "{issued}");
    assert_eq!(issued["not_recognised_count"], json!(1));
    assert_eq!(issued["number"], json!("12/QĐ-UBND"));
    assert_eq!(state_of(&app, passing.registration).await, "recognised");
    assert_eq!(state_of(&app, failing.registration).await, "not_recognised");
    let recognitions: Vec<(i64, bool, i64, String)> = sqlx::query_as(
        "SELECT registration_id, recognised, valid_to_year, verify_code FROM recognitions ORDER BY registration_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(recognitions.len(), 2);
    for (registration, recognised, valid_to, code) in &recognitions {
        assert_eq!(*recognised, *registration == passing.registration);
        assert_eq!(
            *valid_to,
            i64::from(YEAR),
            "a household title lasts one year"
        );
        assert_eq!(code.len(), 12, "{code}");
        assert!(code.chars().all(|c| CODE_ALPHABET.contains(c)), "{code}");
    }
    assert_ne!(recognitions[0].3, recognitions[1].3);

    // Act + Assert: the same number again from the same authority is refused
    let (status, body) = reviewer
        .post_fn(
            "cycle/decide",
            decision(
                "household",
                "12/QĐ-UBND",
                authority,
                commune,
                &[spare.registration],
                &[],
            ),
        )
        .await;
    assert_invalid(status, &body, "number", "12/QĐ-UBND", "duplicate number");
    assert_eq!(state_of(&app, spare.registration).await, "approved");
    assert_eq!(count_rows(&app, "decisions").await, 1);

    // Act + Assert: a recognised dossier cannot be decided again
    let (status, body) = reviewer
        .post_fn(
            "cycle/decide",
            decision(
                "household",
                "13/QĐ-UBND",
                authority,
                commune,
                &[passing.registration],
                &[],
            ),
        )
        .await;
    assert_bad_request(status, &body, "Đã công nhận", "decide twice");

    // Act + Assert: the same number from another authority is a different decision
    let other = reviewer
        .ok(
            "cycle/decide",
            decision(
                "household",
                "12/QĐ-UBND",
                "Hội Khuyến học xã Trà Bình",
                commune,
                &[spare.registration],
                &[],
            ),
        )
        .await;
    assert_eq!(other["recognised_count"], json!(1));
    let listed = officer.ok("cycle/decisions", json!({ "year": YEAR })).await;
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
}

#[tokio::test]
async fn certificates_are_readable_in_scope_only() {
    // Arrange: one household recognised, one not
    let app = spawn_app().await;
    let officer_a = app.client_for("canbo.trabinh").await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let leader = app.client_for("lanhdao").await;
    let reviewer = app.client_for("xetduyet").await;
    let households = households_in_commune(&app, COMMUNE_A, 2).await;
    let recognised = approved_household(&app, &officer_a, &reviewer, households[0], 100).await;
    let refused = approved_household(&app, &officer_a, &reviewer, households[1], 40).await;
    let commune = app.unit_id(COMMUNE_A).await;
    let issued = reviewer
        .ok(
            "cycle/decide",
            decision(
                "household",
                "20/QĐ-UBND",
                "UBND xã Trà Bình",
                commune,
                &[recognised.registration],
                &[refused.registration],
            ),
        )
        .await;
    let code = verify_code_of(&app, recognised.registration).await;

    // Act
    let for_officer = officer_a
        .ok(
            "cycle/certificate",
            json!({ "registration_id": recognised.registration }),
        )
        .await;
    let for_leader = leader
        .ok(
            "cycle/certificate",
            json!({ "registration_id": recognised.registration }),
        )
        .await;
    let (b_status, b_body) = officer_b
        .post_fn(
            "cycle/certificate",
            json!({ "registration_id": recognised.registration }),
        )
        .await;
    let (none_status, none_body) = officer_a
        .post_fn(
            "cycle/certificate",
            json!({ "registration_id": refused.registration }),
        )
        .await;
    let bulk = officer_a
        .ok("cycle/certificates", json!({ "decision_id": issued["id"] }))
        .await;
    let qr = officer_b.get(&format!("/qr/{code}.svg")).await;

    // Assert
    assert_eq!(for_officer["verify_code"], json!(code));
    assert!(for_officer["verify_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/xac-minh/{code}")));
    assert_eq!(for_officer["decision_number"], json!("20/QĐ-UBND"));
    assert_eq!(for_officer["year"], json!(YEAR));
    assert_eq!(for_officer["valid_to_year"], json!(YEAR));
    assert!(
        for_officer["area"]
            .as_array()
            .unwrap()
            .contains(&json!(COMMUNE_A_NAME)),
        "{for_officer}"
    );
    assert_eq!(for_leader, for_officer);
    assert_forbidden(b_status, &b_body, "officer of another commune");
    assert_eq!(
        none_status,
        StatusCode::NOT_FOUND,
        "no certificate without recognition: {none_body}"
    );
    assert_eq!(bulk.as_array().unwrap().len(), 1, "{bulk}");
    assert_eq!(bulk[0], for_officer);
    assert_eq!(qr.status(), StatusCode::OK);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
}

#[tokio::test]
async fn public_verification_shows_the_recognition_and_nothing_private() {
    // Arrange: a household with a phone, an address and a member, recognised
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let reviewer = app.client_for("xetduyet").await;
    let village = app.unit_id(VILLAGE_A).await;
    let household = officer
        .ok(
            "households/create",
            json!({ "input": {
                "village_id": village,
                "code": "",
                "head_name": "Hồ Văn Công Khai",
                "address": "Tổ 9, đường Riêng Tư",
                "phone": "0912345678",
                "members": [{ "full_name": "Đinh Thị Bí Mật", "birth_year": 1990, "relation": "Vợ" }],
            } }),
        )
        .await;
    let dossier = approved_household(
        &app,
        &officer,
        &reviewer,
        household["id"].as_i64().unwrap(),
        100,
    )
    .await;
    let failing = app.household_in_commune(COMMUNE_A).await;
    let refused = approved_household(&app, &officer, &reviewer, failing, 40).await;
    let commune = app.unit_id(COMMUNE_A).await;
    reviewer
        .ok(
            "cycle/decide",
            decision(
                "household",
                "45/QĐ-UBND",
                "UBND xã Trà Bình",
                commune,
                &[dossier.registration],
                &[refused.registration],
            ),
        )
        .await;
    let code = verify_code_of(&app, dossier.registration).await;
    let refused_code = verify_code_of(&app, refused.registration).await;
    let public = app.client();

    // Act: nobody signed in
    let (status, body) = public.post_fn("verify", json!({ "code": code })).await;
    let (typed_status, typed) = public
        .post_fn(
            "verify",
            json!({ "code": format!(" {} ", code.to_lowercase()) }),
        )
        .await;
    let (wrong_status, wrong) = public
        .post_fn("verify", json!({ "code": "ZZZZ2222ZZZZ" }))
        .await;
    let (refused_status, refused_body) = public
        .post_fn("verify", json!({ "code": refused_code }))
        .await;
    let (cert_status, _) = public
        .post_fn(
            "cycle/certificate",
            json!({ "registration_id": dossier.registration }),
        )
        .await;
    let page = public.get(&format!("/xac-minh/{code}")).await;
    let page_status = page.status();
    let page = page.text().await.unwrap();
    let wrong_page = public.get("/xac-minh/ZZZZ2222ZZZZ").await;
    let wrong_page_status = wrong_page.status();
    let wrong_page = wrong_page.text().await.unwrap();
    let refused_page = public.get(&format!("/xac-minh/{refused_code}")).await;
    let refused_page_status = refused_page.status();
    let refused_page = refused_page.text().await.unwrap();

    // Assert: the subject, commune, title, year and decision, and nothing else
    assert_eq!(status, StatusCode::OK, "{body}");
    let keys: BTreeSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "subject_name",
            "commune",
            "title_kind",
            "year",
            "valid_to_year",
            "recognised",
            "decision_number",
            "decision_date",
            "authority",
        ])
    );
    assert_eq!(body["subject_name"], json!("Hộ Hồ Văn Công Khai"));
    assert_eq!(body["commune"], json!(COMMUNE_A_NAME));
    assert_eq!(body["title_kind"], json!("household"));
    assert_eq!(body["year"], json!(YEAR));
    assert_eq!(body["recognised"], json!(true));
    assert_eq!(body["decision_number"], json!("45/QĐ-UBND"));
    assert_eq!(body["decision_date"], json!("2026-11-20"));
    assert_eq!(body["authority"], json!("UBND xã Trà Bình"));
    let text = body.to_string();
    for private in [
        "0912345678",
        "Riêng Tư",
        "Bí Mật",
        "members",
        "phone",
        "address",
    ] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    assert_eq!(
        typed_status,
        StatusCode::OK,
        "a code typed in lower case still works"
    );
    assert_eq!(typed, body);
    assert_eq!(wrong_status, StatusCode::NOT_FOUND, "{wrong}");
    assert!(error_message(&wrong, "NotFound")
        .unwrap()
        .contains("Mã xác minh"));
    assert_eq!(
        (refused_status, &refused_body),
        (wrong_status, &wrong),
        "a code of a refusal answers like a wrong code"
    );
    assert_eq!(
        cert_status,
        StatusCode::UNAUTHORIZED,
        "certificates need a login"
    );
    // The page the QR code opens, rendered on the server for a phone without the app loaded.
    assert_eq!(page_status, StatusCode::OK);
    assert!(page.contains("Giấy công nhận hợp lệ"), "{page}");
    assert!(page.contains("Hộ Hồ Văn Công Khai"));
    assert!(page.contains("45/QĐ-UBND"));
    for private in ["0912345678", "Riêng Tư", "Bí Mật"] {
        assert!(!page.contains(private), "{private} leaked on the page");
    }
    assert_eq!(wrong_page_status, StatusCode::NOT_FOUND);
    assert!(wrong_page.contains("Không tìm thấy giấy công nhận"));
    assert_eq!(refused_page_status, StatusCode::NOT_FOUND);
    assert!(refused_page.contains("Không tìm thấy giấy công nhận"));
    assert!(
        !refused_page.contains("Giấy công nhận hợp lệ"),
        "a refusal's code proves nothing"
    );
}

// ---------------------------------------------------------------------------------------------
// Rollups

#[tokio::test]
async fn rollup_counters_follow_every_step_at_every_level() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let reviewer = app.client_for("xetduyet").await;
    let admin = app.client_for("quantri").await;
    let village = app.unit_id(VILLAGE_A).await;
    let commune_b = app.unit_id(COMMUNE_B).await;
    let households = households_in_village(&app, VILLAGE_A, 2).await;
    let levels = [VILLAGE_A, COMMUNE_A, DISTRICT, PROVINCE];
    assert_counters(&app, &levels, &[], "at first").await;

    // Act + Assert: each step moves one count, at every level
    register(&officer, "household", YEAR, &households).await;
    assert_counters(&app, &levels, &[("registered", 2)], "registered").await;
    let registration = registration_of(&app, "household", households[0], YEAR).await;
    let id = officer
        .ok("cycle/start", json!({ "registration_id": registration }))
        .await
        .as_i64()
        .unwrap();
    assert_counters(&app, &levels, &[("registered", 1), ("draft", 1)], "started").await;
    let view = evaluation(&officer, id).await;
    officer
        .ok("cycle/save", save_body(&view, full_marks(&view)))
        .await;
    assert_counters(&app, &levels, &[("registered", 1), ("draft", 1)], "saved").await;
    step_ok(&officer, id, "Submit", json!([]), "").await;
    assert_counters(
        &app,
        &levels,
        &[("registered", 1), ("submitted", 1)],
        "submitted",
    )
    .await;
    step_ok(
        &reviewer,
        id,
        "Return",
        json!([{ "criterion_code": "GD2", "body": "Xem lại" }]),
        "",
    )
    .await;
    assert_counters(
        &app,
        &levels,
        &[("registered", 1), ("returned", 1)],
        "returned",
    )
    .await;
    step_ok(&officer, id, "Submit", json!([]), "").await;
    assert_counters(
        &app,
        &levels,
        &[("registered", 1), ("submitted", 1)],
        "resubmitted",
    )
    .await;
    step_ok(&reviewer, id, "Approve", json!([]), "").await;
    assert_counters(
        &app,
        &levels,
        &[("registered", 1), ("approved", 1)],
        "approved",
    )
    .await;
    reviewer
        .ok(
            "cycle/decide",
            decision(
                "household",
                "50/QĐ-UBND",
                "UBND xã Trà Bình",
                app.unit_id(COMMUNE_A).await,
                &[registration],
                &[],
            ),
        )
        .await;
    assert_counters(
        &app,
        &levels,
        &[("registered", 1), ("recognised", 1)],
        "decided",
    )
    .await;
    let other = registration_of(&app, "household", households[1], YEAR).await;
    officer
        .ok("cycle/unregister", json!({ "registration_id": other }))
        .await;
    assert_counters(&app, &levels, &[("recognised", 1)], "cancelled").await;

    // Act: the village moves to commune B
    admin
        .ok(
            "units/move",
            json!({ "id": village, "version": app.unit_version(village).await, "new_parent_id": commune_b }),
        )
        .await;

    // Assert: commune B counts it now, commune A no longer; the rest is unchanged
    assert_counters(
        &app,
        &[VILLAGE_A, COMMUNE_B, DISTRICT, PROVINCE],
        &[("recognised", 1)],
        "moved",
    )
    .await;
    assert_counters(&app, &[COMMUNE_A], &[], "moved, old commune").await;
}

// ---------------------------------------------------------------------------------------------
// Criteria sets

#[tokio::test]
async fn criteria_sets_are_copied_edited_as_drafts_and_frozen_once_published() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let officer = app.client_for("canbo.trabinh").await;
    let shipped: i64 = sqlx::query_scalar(
        "SELECT id FROM criteria_sets WHERE code = 'gdht-qd448' AND version = 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();

    // Act + Assert: only an administrator copies
    let (status, body) = officer.post_fn("sets/copy", json!({ "id": shipped })).await;
    assert_forbidden(status, &body, "officer copies a set");

    // Act: copy
    let draft = admin.ok("sets/copy", json!({ "id": shipped })).await;

    // Assert: a draft one version up
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(draft["status"], json!("draft"), "{draft}");
    assert_eq!(draft["set"]["code"], json!("gdht-qd448"));
    assert_eq!(draft["set"]["version"], json!(2));
    assert_eq!(draft["evaluation_count"], json!(0));

    // Act: save it with a problem (drafts may have them), trying to change its version too
    let mut set = draft["set"].clone();
    set["name"] = json!("Gia đình học tập (bản sửa đổi)");
    set["version"] = json!(7);
    set["rule"]["pass_mark"] = json!(1000);
    let saved = admin
        .ok(
            "sets/save",
            json!({ "id": id, "row_version": draft["row_version"], "set": set }),
        )
        .await;

    // Assert
    assert_eq!(
        saved["set"]["name"],
        json!("Gia đình học tập (bản sửa đổi)")
    );
    assert_eq!(
        saved["set"]["version"],
        json!(2),
        "the version is the draft row's"
    );
    assert_eq!(saved["status"], json!("draft"));

    // Act + Assert: publishing a set with problems is refused
    let (status, body) = admin
        .post_fn(
            "sets/publish",
            json!({ "id": id, "row_version": saved["row_version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let messages: Vec<&str> = body["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"]["vi"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("Điểm đạt 1000")),
        "{messages:?}"
    );
    let still = admin.ok("sets/get", json!({ "id": id })).await;
    assert_eq!(still["status"], json!("draft"));

    // Act: fix and publish
    set["rule"]["pass_mark"] = json!(60);
    let fixed = admin
        .ok(
            "sets/save",
            json!({ "id": id, "row_version": saved["row_version"], "set": set }),
        )
        .await;
    let published = admin
        .ok(
            "sets/publish",
            json!({ "id": id, "row_version": fixed["row_version"] }),
        )
        .await;

    // Assert
    assert_eq!(published["status"], json!("published"));
    assert_eq!(published["set"]["rule"]["pass_mark"], json!(60));

    // Act + Assert: a published set cannot be saved or published again
    set["rule"]["pass_mark"] = json!(50);
    let (status, body) = admin
        .post_fn(
            "sets/save",
            json!({ "id": id, "row_version": published["row_version"], "set": set }),
        )
        .await;
    assert_bad_request(status, &body, "đã ban hành", "save a published set");
    let (status, body) = admin
        .post_fn(
            "sets/publish",
            json!({ "id": id, "row_version": published["row_version"] }),
        )
        .await;
    assert_bad_request(status, &body, "đã được ban hành", "publish twice");

    // Act + Assert: the database itself refuses to rewrite a published definition
    for target in [id, shipped] {
        let before: String =
            sqlx::query_scalar("SELECT definition FROM criteria_sets WHERE id = $1")
                .bind(target)
                .fetch_one(&app.db)
                .await
                .unwrap();
        let update = sqlx::query("UPDATE criteria_sets SET definition = '{}' WHERE id = $1")
            .bind(target)
            .execute(&app.db)
            .await;
        let error = update.expect_err("the trigger refuses the update");
        assert!(error.to_string().contains("immutable"), "{error}");
        let after: String =
            sqlx::query_scalar("SELECT definition FROM criteria_sets WHERE id = $1")
                .bind(target)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(after, before);
    }

    // Act + Assert: copying version 1 again gives version 3
    let again = admin.ok("sets/copy", json!({ "id": shipped })).await;
    assert_eq!(again["set"]["version"], json!(3));
}

#[tokio::test]
async fn an_evaluation_keeps_its_set_version_after_a_newer_one_is_published() {
    // Arrange: an evaluation scored 80/100 with version 1
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let officer = app.client_for("canbo.trabinh").await;
    let households = households_in_commune(&app, COMMUNE_A, 2).await;
    let old = open_dossier(&app, &officer, "household", households[0]).await;
    let view = evaluation(&officer, old.evaluation).await;
    officer
        .ok("cycle/save", save_body(&view, answers_worth(&view, 80)))
        .await;
    let before = evaluation(&officer, old.evaluation).await;

    // Act: version 2 gives GD1.a 20 points and is published
    let draft = admin
        .ok("sets/copy", json!({ "id": before["criteria_set_id"] }))
        .await;
    let mut set = draft["set"].clone();
    assert_eq!(set["criteria"][0]["indicators"][0]["code"], json!("GD1.a"));
    set["criteria"][0]["indicators"][0]["kind"]["max"] = json!(20);
    let saved = admin
        .ok(
            "sets/save",
            json!({ "id": draft["id"], "row_version": draft["row_version"], "set": set }),
        )
        .await;
    admin
        .ok(
            "sets/publish",
            json!({ "id": draft["id"], "row_version": saved["row_version"] }),
        )
        .await;

    // Assert: the old evaluation still reads and scores with version 1
    let after = evaluation(&officer, old.evaluation).await;
    assert_eq!(after, before);
    assert_eq!(after["set"]["version"], json!(1));
    assert_eq!(after["result"]["total"], json!(80));
    assert_eq!(after["result"]["max_total"], json!(100));
    let (status, body) = save(&officer, &after, json!({ "GD1.a": 20 })).await;
    assert_invalid(
        status,
        &body,
        "GD1.a",
        "tối đa 10",
        "20 points under version 1",
    );
    let mut as_new = save_body(&after, json!({ "GD1.a": 20 }));
    as_new["input"]["criteria_set_id"] = draft["id"].clone();
    as_new["input"]["set_version"] = json!(2);
    let (status, body) = officer.post_fn("cycle/save", as_new).await;
    assert_bad_request(
        status,
        &body,
        "phiên bản 1",
        "the new version on the old evaluation",
    );

    // Assert: a new evaluation uses version 2
    let new = open_dossier(&app, &officer, "household", households[1]).await;
    let new_view = evaluation(&officer, new.evaluation).await;
    assert_eq!(new_view["set"]["version"], json!(2));
    assert_eq!(new_view["criteria_set_id"], draft["id"]);
    assert_eq!(new_view["result"]["max_total"], json!(110));
}

// ---------------------------------------------------------------------------------------------
// Evidence files

#[tokio::test]
async fn evidence_files_are_checked_by_content_and_size_and_read_in_scope_only() {
    // Arrange
    let app = spawn_app().await;
    let officer_a = app.client_for("canbo.trabinh").await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let leader = app.client_for("lanhdao").await;
    let household = app.household_in_commune(COMMUNE_A).await;
    let dossier = open_dossier(&app, &officer_a, "household", household).await;
    let url = |indicator: &str| {
        format!(
            "/evaluations/{}/attachments?indicator={indicator}",
            dossier.evaluation
        )
    };
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), b"\0\0\0\rIHDR anh hoc ba"].concat();
    let pdf = b"%PDF-1.4\n% xac nhan cua truong thon\n%%EOF\n".to_vec();

    // Act: a photo and a PDF
    let (png_status, png_saved) = officer_a
        .post_file(&url("GD1.b"), "hoc-ba.png", png.clone())
        .await;
    let (pdf_status, pdf_saved) = officer_a
        .post_file(&url("GD2.a"), "xac-nhan.pdf", pdf)
        .await;

    // Assert
    assert_eq!(png_status, StatusCode::OK, "{png_saved}");
    assert_eq!(png_saved["content_type"], json!("image/png"));
    assert_eq!(png_saved["size_bytes"], json!(png.len()));
    assert_eq!(png_saved["indicator_code"], json!("GD1.b"));
    assert_eq!(pdf_status, StatusCode::OK, "{pdf_saved}");
    assert_eq!(pdf_saved["content_type"], json!("application/pdf"));
    assert_eq!(count_rows(&app, "attachments").await, 2);

    // Act + Assert: text named .png, a file over 10 MB, another commune's officer
    let (status, body) = officer_a
        .post_file(
            &url("GD1.a"),
            "anh.png",
            "Đây là văn bản, không phải ảnh".as_bytes().to_vec(),
        )
        .await;
    assert_bad_request(status, &body, "Chỉ nhận ảnh", "text renamed .png");
    let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
    huge.resize(10 * 1024 * 1024 + 1, 0);
    let (status, body) = officer_a.post_file(&url("GD1.a"), "lon.png", huge).await;
    assert_bad_request(status, &body, "quá lớn", "over 10 MB");
    let (status, body) = officer_b
        .post_file(&url("GD1.a"), "b.png", png.clone())
        .await;
    assert_forbidden(status, &body, "upload to another commune");
    let (status, body) = officer_b
        .post_fn("cycle/attachment-delete", json!({ "id": png_saved["id"] }))
        .await;
    assert_forbidden(status, &body, "delete another commune's evidence");
    assert_eq!(
        count_rows(&app, "attachments").await,
        2,
        "nothing more was stored"
    );

    // Act: downloads
    let path = format!("/attachments/{}", png_saved["id"]);
    let own = officer_a.get(&path).await;
    let reader = leader.get(&path).await;
    let other = officer_b.get(&path).await;
    let anonymous = app.client().get(&path).await;

    // Assert
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(own.headers()["content-type"], "image/png");
    assert_eq!(own.bytes().await.unwrap().to_vec(), png);
    assert_eq!(reader.status(), StatusCode::OK);
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let view = evaluation(&officer_a, dossier.evaluation).await;
    let listed: Vec<(&str, &str)> = view["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["indicator_code"].as_str().unwrap(),
                a["filename"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![("GD1.b", "hoc-ba.png"), ("GD2.a", "xac-nhan.pdf")]
    );
}

#[tokio::test]
async fn household_candidates_come_in_village_order_within_scope_and_stop_at_two_thousand() {
    // Arrange: the demo province holds a little more than 2,000 households; one of a
    // commune's is inactive, one is registered this year.
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let officer = app.client_for("canbo.trabinh").await;
    let province = app.unit_id("51").await;
    let commune = app.unit_id("51-TB-02").await;
    let in_commune = households_in_village(&app, VILLAGE_A, 2).await;
    sqlx::query("UPDATE households SET active = 0 WHERE id = $1")
        .bind(in_commune[1])
        .execute(&app.db)
        .await
        .unwrap();
    register(&officer, "household", YEAR, &in_commune[..1]).await;
    let expected = |path: String| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT h.id FROM households h JOIN org_units v ON v.id = h.village_id
                 WHERE h.active AND v.path LIKE $1 || '%'
                 ORDER BY h.place_key, h.search_key, h.id LIMIT 2000",
            )
            .bind(path)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    async fn candidates(client: &Client, unit: i64) -> Value {
        client
            .ok(
                "cycle/candidates",
                json!({ "year": YEAR, "title_kind": "household", "unit_id": unit }),
            )
            .await
    }

    // Act
    let of_province = candidates(&admin, province).await;
    let of_commune = candidates(&officer, commune).await;

    // Assert
    let ids = |list: &Value| -> Vec<i64> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| c["subject_id"].as_i64().unwrap())
            .collect()
    };
    assert!(
        app.household_count().await > 2000,
        "the cap must be reached"
    );
    assert_eq!(
        ids(&of_province),
        expected(app.unit_path(province).await).await
    );
    assert_eq!(
        ids(&of_commune),
        expected(app.unit_path(commune).await).await
    );
    assert!(
        !ids(&of_commune).contains(&in_commune[1]),
        "inactive left out"
    );
    let registered = of_commune
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject_id"] == json!(in_commune[0]))
        .unwrap();
    assert_eq!(
        registered["registration_id"],
        json!(registration_of(&app, "household", in_commune[0], YEAR).await)
    );
}
