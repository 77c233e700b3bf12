//! Helpers the title-cycle test files share: the demo units the tests use, arranging
//! registrations and dossiers, driving the evaluation form and the review steps, decisions, and
//! the rollup checks, written independently of the code under test.

use crate::helpers::{error_message, invalid_fields, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The year the tests register for.
pub(crate) const YEAR: i32 = 2026;
/// Xã Trà Bình, the commune of `canbo.trabinh`.
pub(crate) const COMMUNE_A: &str = "51-TB-02";
pub(crate) const COMMUNE_A_NAME: &str = "Xã Trà Bình";
/// Thị trấn Trà Xuân, the commune of `canbo.traxuan`.
pub(crate) const COMMUNE_B: &str = "51-TB-01";
/// A village of Xã Trà Bình.
pub(crate) const VILLAGE_A: &str = "51-TB-02-01";
/// Huyện Trà Bồng, where `xetduyet` reviews and `lanhdao` reads.
pub(crate) const DISTRICT: &str = "51-TB";
/// Tỉnh Quảng Ngãi.
pub(crate) const PROVINCE: &str = "51";
/// The letters of a verification code (no 0/O, 1/I).
pub(crate) const CODE_ALPHABET: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

// ---------------------------------------------------------------------------------------------
// Arrange helpers

/// A registration and its evaluation.
pub(crate) struct Dossier {
    pub(crate) registration: i64,
    pub(crate) evaluation: i64,
}

/// The first `n` active households of a commune, by id.
pub(crate) async fn households_in_commune(app: &TestApp, commune_code: &str, n: i64) -> Vec<i64> {
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
pub(crate) async fn households_in_village(app: &TestApp, village_code: &str, n: i64) -> Vec<i64> {
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
pub(crate) async fn try_register(
    client: &Client,
    kind: &str,
    year: i32,
    ids: &[i64],
) -> (StatusCode, Value) {
    client
        .post_fn(
            "cycle/register",
            json!({ "input": { "year": year, "title_kind": kind, "subject_ids": ids } }),
        )
        .await
}

/// `cycle/register` that must succeed; returns the outcome.
pub(crate) async fn register(client: &Client, kind: &str, year: i32, ids: &[i64]) -> Value {
    let (status, body) = try_register(client, kind, year, ids).await;
    assert_eq!(status, StatusCode::OK, "register {ids:?}: {body}");
    body
}

/// The subject ids a registration outcome skipped, with the Vietnamese reasons.
pub(crate) fn skipped(outcome: &Value) -> BTreeMap<i64, String> {
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
pub(crate) async fn registration_of(app: &TestApp, kind: &str, subject_id: i64, year: i32) -> i64 {
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

/// Rows of `table` (registrations or decisions) of the `YEAR` cycle: what the tests wrote (the
/// demo data holds earlier years).
pub(crate) async fn count_this_year(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE year = $1"))
        .bind(YEAR)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// How many rows a table holds.
pub(crate) async fn count_rows(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The stored state code of a registration.
pub(crate) async fn state_of(app: &TestApp, registration: i64) -> String {
    sqlx::query_scalar("SELECT state FROM registrations WHERE id = $1")
        .bind(registration)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Registers one subject for `YEAR` and opens its evaluation.
pub(crate) async fn open_dossier(
    app: &TestApp,
    officer: &Client,
    kind: &str,
    subject: i64,
) -> Dossier {
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

/// Opens the evaluation of an already registered household; returns the registration id.
pub(crate) async fn open_dossier_of_registered(
    app: &TestApp,
    officer: &Client,
    household: i64,
) -> i64 {
    let registration = registration_of(app, "household", household, YEAR).await;
    officer
        .ok("cycle/start", json!({ "registration_id": registration }))
        .await;
    registration
}

/// The evaluation form's data.
pub(crate) async fn evaluation(client: &Client, id: i64) -> Value {
    client.ok("cycle/evaluation", json!({ "id": id })).await
}

/// The body of a save of `answers` from a form loaded as `view`.
pub(crate) fn save_body(view: &Value, answers: Value) -> Value {
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
pub(crate) async fn save(client: &Client, view: &Value, answers: Value) -> (StatusCode, Value) {
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
pub(crate) fn answers_worth(view: &Value, total: u64) -> Value {
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
pub(crate) fn full_marks(view: &Value) -> Value {
    let total = indicators(view).iter().filter_map(|(_, max)| *max).sum();
    answers_worth(view, total)
}

/// `cycle/step` with an explicit version.
pub(crate) async fn step(
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
pub(crate) async fn step_ok(
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
pub(crate) async fn submitted_household(
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
pub(crate) async fn approved_household(
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
pub(crate) fn decision(
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
pub(crate) async fn verify_code_of(app: &TestApp, registration: i64) -> String {
    sqlx::query_scalar("SELECT verify_code FROM recognitions WHERE registration_id = $1")
        .bind(registration)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A reviewer scoped to commune A, created by the administrator, signed in with their own
/// password (a new account must change its temporary one before anything else).
pub(crate) async fn reviewer_of_commune_a(app: &TestApp) -> Client {
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
    app.complete_training("xetduyet.trabinh").await;
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
pub(crate) fn assert_bad_request(status: StatusCode, body: &Value, needle: &str, what: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    let message = error_message(body, "BadRequest")
        .unwrap_or_else(|| panic!("{what}: not a BadRequest: {body}"));
    assert!(message.contains(needle), "{what}: {message}");
}

/// Asserts a 422 on `field` whose Vietnamese message contains `needle`.
#[track_caller]
pub(crate) fn assert_invalid(
    status: StatusCode,
    body: &Value,
    field: &str,
    needle: &str,
    what: &str,
) {
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
pub(crate) async fn stored_evaluation(app: &TestApp, id: i64) -> (String, i64, i64) {
    sqlx::query_as("SELECT answers, total, version FROM evaluations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Rollup helpers, written independently of the code under test

/// Asserts that the non-zero counters are exactly what the registrations add up to, counting
/// each registration at its unit and every ancestor the unit had in the registration's year
/// (where a reorganisation moved it since, `org_unit_paths` holds the path it had).
pub(crate) async fn assert_rollups_match_registrations(app: &TestApp, when: &str) {
    let registrations: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT COALESCE((SELECT p.path FROM org_unit_paths p WHERE p.unit_id = u.id AND p.until_year >= r.year
                          ORDER BY p.until_year LIMIT 1), u.path),
                r.year, r.title_kind, r.state FROM registrations r
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
pub(crate) async fn assert_counters(
    app: &TestApp,
    units: &[&str],
    expected: &[(&str, i64)],
    when: &str,
) {
    let expected: BTreeMap<String, i64> = expected
        .iter()
        .map(|(state, n)| (state.to_string(), *n))
        .collect();
    for unit in units {
        assert_eq!(counters_at(app, unit).await, expected, "{when}, at {unit}");
    }
    assert_rollups_match_registrations(app, when).await;
}
