//! The leaders' dashboard and the targets: figures equal to a recount of the rows, each
//! leader sees their own scope only, targets are inherited and set only by administrators, and
//! the live event stream tells a tab of changes in its scope, never of another's.

use crate::cycle_support::{COMMUNE_A, COMMUNE_B, DISTRICT, VILLAGE_A};
use crate::helpers::{
    assert_forbidden, household_input, invalid_fields, spawn_app, Client, TestApp,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

const PAST_YEAR: i64 = 2025;
/// The groups in the order the dashboard lists them.
const HOUSEHOLDS: usize = 0;
const VILLAGES: usize = 2;

async fn dashboard(client: &Client, unit_id: Option<i64>, year: i64) -> (StatusCode, Value) {
    client
        .post_fn(
            "dashboard",
            json!({ "query": { "unit_id": unit_id, "year": year } }),
        )
        .await
}

async fn scalar(app: &TestApp, sql: &str, code: &str, year: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(code)
        .bind(year)
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Households of the unit with `code`, counted from the rows: (active, recognised in `year`).
async fn households_recount(app: &TestApp, code: &str, year: i64) -> (i64, i64) {
    let active = scalar(
        app,
        "SELECT COUNT(*) FROM households h JOIN org_units v ON v.id = h.village_id
         JOIN org_units u ON u.code = $1 WHERE h.active AND substr(v.path, 1, length(u.path)) = u.path AND $2 = $2",
        code,
        year,
    )
    .await;
    let recognised = scalar(
        app,
        "SELECT COUNT(*) FROM registrations r JOIN org_units v ON v.id = r.unit_id
         JOIN org_units u ON u.code = $1
         WHERE r.title_kind = 'household' AND r.state = 'recognised' AND r.year = $2
           AND substr(v.path, 1, length(u.path)) = u.path",
        code,
        year,
    )
    .await;
    (active, recognised)
}

fn figures(group: &Value) -> (i64, i64, Option<i64>) {
    (
        group["eligible"].as_i64().unwrap(),
        group["holding"].as_i64().unwrap(),
        group["target"].as_i64(),
    )
}

#[tokio::test]
async fn the_district_dashboard_equals_a_recount_of_the_rows() {
    // Arrange
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;

    // Act: the leader's own area (the district), last year
    let (status, d) = dashboard(&leader, None, PAST_YEAR).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["unit_id"], app.unit_id(DISTRICT).await);
    let (active, recognised) = households_recount(&app, DISTRICT, PAST_YEAR).await;
    assert!(
        recognised > 0,
        "the demo's history recognised households in {PAST_YEAR}"
    );
    assert_eq!(
        figures(&d["figures"][HOUSEHOLDS]),
        (active, recognised, Some(65)),
        "the district's households against its 2025 target"
    );
    let children = d["children"].as_array().unwrap();
    assert_eq!(children.len(), 16, "the district's communes");
    for child in children {
        let code: String = sqlx::query_scalar("SELECT code FROM org_units WHERE id = $1")
            .bind(child["unit_id"].as_i64().unwrap())
            .fetch_one(&app.db)
            .await
            .unwrap();
        let (active, recognised) = households_recount(&app, &code, PAST_YEAR).await;
        assert_eq!(
            figures(&child["figures"][HOUSEHOLDS]),
            (active, recognised, Some(65)),
            "commune {code} inherits the district's target"
        );
        let villages = scalar(
            &app,
            "SELECT COUNT(*) FROM org_units v JOIN org_units u ON u.code = $1
             WHERE v.level = 'thon' AND v.active AND substr(v.path, 1, length(u.path)) = u.path AND $2 = $2",
            &code,
            PAST_YEAR,
        )
        .await;
        assert_eq!(
            child["figures"][VILLAGES]["eligible"], villages,
            "villages of {code}"
        );
    }
    // Three-year titles count the years their recognition runs through.
    let villages_holding = scalar(
        &app,
        "SELECT COUNT(*) FROM registrations r JOIN org_units u ON u.code = $1
         WHERE r.title_kind = 'village_community' AND r.state = 'recognised' AND r.year BETWEEN $2 - 2 AND $2",
        DISTRICT,
        PAST_YEAR,
    )
    .await;
    assert!(villages_holding > 0);
    assert_eq!(d["figures"][VILLAGES]["holding"], villages_holding);
    // The trend covers the demo's five years.
    let years: Vec<i64> = d["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    for year in 2021..=2025 {
        assert!(years.contains(&year), "{year} in {years:?}");
    }
}

#[tokio::test]
async fn a_commune_leader_sees_only_their_commune() {
    // Arrange
    let app = spawn_app().await;
    let leader = app.new_user("lanhdao.trabinh", "Leader", COMMUNE_A).await;
    let commune_a = app.unit_id(COMMUNE_A).await;
    let commune_b = app.unit_id(COMMUNE_B).await;
    let district = app.unit_id(DISTRICT).await;

    // Act + Assert
    let (status, own) = dashboard(&leader, None, PAST_YEAR).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["unit_id"], commune_a, "their own area by default");
    let trail: Vec<i64> = own["trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_i64().unwrap())
        .collect();
    assert_eq!(trail, [commune_a], "the way up stops at their scope");
    for (unit, what) in [
        (commune_b, "another commune"),
        (district, "the district above"),
    ] {
        let (status, body) = dashboard(&leader, Some(unit), PAST_YEAR).await;
        assert_forbidden(status, &body, what);
    }
    let village = app.unit_id(VILLAGE_A).await;
    let (status, body) = dashboard(&leader, Some(village), PAST_YEAR).await;
    assert_eq!(status, StatusCode::OK, "down to the village: {body}");
    assert!(body["children"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn targets_are_inherited_and_only_administrators_set_them() {
    // Arrange
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let admin = app.client_for("quantri").await;
    let commune_admin = app.new_user("quantri.trabinh", "Admin", COMMUNE_A).await;
    let commune = app.unit_id(COMMUNE_A).await;
    let district = app.unit_id(DISTRICT).await;
    let save = |unit: i64, households: Value| json!({ "input": { "unit_id": unit, "year": 2026, "percents": [["Households", households]] } });

    // Act + Assert: a leader reads but cannot set
    let read = leader
        .ok("targets/find", json!({ "unit_id": commune, "year": 2026 }))
        .await;
    assert_eq!(read["rows"][HOUSEHOLDS]["own"], Value::Null);
    assert_eq!(read["rows"][HOUSEHOLDS]["inherited"]["percent"], 70);
    assert_eq!(
        read["rows"][HOUSEHOLDS]["inherited"]["unit_name"],
        "Huyện Trà Bồng"
    );
    assert_eq!(read["can_edit"], false);
    let (status, body) = leader
        .post_fn("targets/save", save(commune, json!(90)))
        .await;
    assert_forbidden(status, &body, "a leader setting a target");
    // A commune's administrator sets the commune's, not the district's
    let (status, body) = commune_admin
        .post_fn("targets/save", save(district, json!(10)))
        .await;
    assert_forbidden(
        status,
        &body,
        "a commune administrator setting the district's target",
    );
    let own = commune_admin
        .ok("targets/save", save(commune, json!(80)))
        .await;
    assert_eq!(own["rows"][HOUSEHOLDS]["own"], 80);
    let (_, d) = dashboard(&leader, Some(commune), 2026).await;
    assert_eq!(
        d["figures"][HOUSEHOLDS]["target"], 80,
        "the dashboard measures against it"
    );
    // Out of range is refused with the group named
    let (status, body) = admin
        .post_fn("targets/save", save(commune, json!(101)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(invalid_fields(&body), ["households"]);
    // Clearing it takes the district's again, and the audit log holds both changes
    let cleared = admin.ok("targets/save", save(commune, Value::Null)).await;
    assert_eq!(cleared["rows"][HOUSEHOLDS]["own"], Value::Null);
    let entries: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'target' AND entity_id = $1",
    )
    .bind(commune)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(entries, 2);
}

/// Reads server-sent events from `/events/dashboard` as (event, data) pairs.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(client: &Client) -> Stream {
        let response = client.get("/events/dashboard").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next named event within `wait`, or `None`.
    async fn next(&mut self, wait: Duration) -> Option<(String, String)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
                };
                if let Some(event) = field("event:") {
                    return Some((event, field("data:").unwrap_or_default()));
                }
                continue; // a keep-alive comment
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?;
            let bytes = chunk.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
}

#[tokio::test]
async fn the_event_stream_tells_of_changes_in_scope_only() {
    // Arrange: a leader of commune A with their dashboard's stream open
    let app = spawn_app().await;
    let leader = app.new_user("lanhdao.trabinh", "Leader", COMMUNE_A).await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let officer_a = app.client_for("canbo.trabinh").await;
    let village_a = app.unit_id(VILLAGE_A).await;
    let village_b = app.unit_id("51-TB-01-01").await;
    let mut stream = Stream::open(&leader).await;
    assert_eq!(
        stream
            .next(Duration::from_secs(5))
            .await
            .map(|(e, _)| e)
            .as_deref(),
        Some("live"),
        "the stream greets first"
    );

    // Act + Assert: a household added in commune B is not the leader's news
    officer_b
        .ok(
            "households/create",
            json!({ "input": household_input(village_b, "Trần Văn Bê", "Tổ 1") }),
        )
        .await;
    assert_eq!(
        stream.next(Duration::from_millis(1500)).await,
        None,
        "nothing from commune B"
    );
    // one in commune A is, within a second or so
    let started = std::time::Instant::now();
    officer_a
        .ok(
            "households/create",
            json!({ "input": household_input(village_a, "Hồ Văn A", "Thôn 1") }),
        )
        .await;
    let event = stream.next(Duration::from_secs(3)).await;
    assert_eq!(
        event.map(|(e, _)| e).as_deref(),
        Some("change"),
        "commune A's change arrives"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    // Signed out: no stream
    let (status, _) = (app.client().get("/events/dashboard").await.status(), ());
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A trainee has no dashboard
    let trainee = app.client_for("hocvien").await;
    assert_eq!(
        trainee.get("/events/dashboard").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_year_outside_the_range_is_refused_clearly() {
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let (status, body) = dashboard(&leader, None, 1800).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(invalid_fields(&body), ["year"]);
    let (status, body) = dashboard(&leader, Some(999_999), 2026).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn the_dashboard_exports_its_tables_within_scope() {
    // Arrange
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let leader_a = app.new_user("lanhdao.trabinh", "Leader", COMMUNE_A).await;
    let district = app.unit_id(DISTRICT).await;
    let commune_b = app.unit_id(COMMUNE_B).await;

    // Act
    let res = leader
        .get(&format!(
            "/export/dashboard.xlsx?unit_id={district}&year={PAST_YEAR}"
        ))
        .await;

    // Assert: the district's groups, then six rows per commune
    assert_eq!(res.status(), StatusCode::OK);
    let rows = crate::helpers::read_xlsx(&res.bytes().await.unwrap());
    assert_eq!(
        rows.len(),
        1 + 6 + 16 * 6,
        "header, the district, its communes"
    );
    let (active, recognised) = households_recount(&app, DISTRICT, PAST_YEAR).await;
    assert_eq!(rows[1][0], "Huyện Trà Bồng");
    assert_eq!(rows[1][1], "Gia đình học tập");
    assert_eq!(rows[1][6], recognised.to_string());
    assert_eq!(rows[1][7], active.to_string());
    assert_eq!(rows[1][9], "65%");
    // Another commune's figures are not a commune leader's to export
    let res = leader_a
        .get(&format!(
            "/export/dashboard.xlsx?unit_id={commune_b}&year={PAST_YEAR}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
