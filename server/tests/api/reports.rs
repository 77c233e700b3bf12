//! The yearly report: its figures are the dashboard's for the same unit and year, its
//! narrative sections save, reload and refuse a stale version or an over-long text, only
//! officers and administrators of the unit write them, nobody outside the unit's scope reads
//! them, and the .xlsx export holds the figures and the text.

use crate::cycle_support::{COMMUNE_A, COMMUNE_A_NAME, COMMUNE_B, DISTRICT};
use crate::helpers::{assert_forbidden, invalid_fields, spawn_app, Client};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PAST_YEAR: i64 = 2025;
const YEAR: i64 = 2026;

async fn report(client: &Client, unit_id: Option<i64>, year: i64) -> (StatusCode, Value) {
    client
        .post_fn(
            "reports/find",
            json!({ "query": { "unit_id": unit_id, "year": year } }),
        )
        .await
}

async fn save(
    client: &Client,
    unit_id: i64,
    section: &str,
    body: &str,
    version: i64,
) -> (StatusCode, Value) {
    client
        .post_fn(
            "reports/narrative/save",
            json!({ "input": { "unit_id": unit_id, "year": YEAR, "section": section, "body": body, "version": version } }),
        )
        .await
}

/// The stored section `code` of a report's answer.
fn section<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["narratives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["section"] == code)
        .unwrap_or_else(|| panic!("section {code} in {report}"))
}

#[tokio::test]
async fn the_report_holds_the_dashboards_figures_for_the_same_unit_and_year() {
    // Arrange
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let district = app.unit_id(DISTRICT).await;
    let commune = app.unit_id(COMMUNE_A).await;

    for (unit, what) in [(district, "the district"), (commune, "a commune")] {
        // Act
        let (status, r) = report(&leader, Some(unit), PAST_YEAR).await;
        let d = leader
            .ok(
                "dashboard",
                json!({ "query": { "unit_id": unit, "year": PAST_YEAR } }),
            )
            .await;

        // Assert
        assert_eq!(status, StatusCode::OK, "{what}: {r}");
        assert_eq!(r["unit_id"], unit);
        assert_eq!(r["unit_name"], d["unit_name"]);
        assert_eq!(r["figures"], d["figures"], "{what}: the unit's figures");
        assert_eq!(r["children"], d["children"], "{what}: the units below");
        assert_eq!(r["years"], d["years"]);
        assert_eq!(r["denominators_today"], d["denominators_today"]);
        assert!(
            r["figures"][0]["funnel"]["registered"].as_i64().unwrap() > 0,
            "{what}: the demo registered households in {PAST_YEAR}"
        );
        assert_eq!(r["narratives"].as_array().unwrap().len(), 5);
        assert_eq!(r["can_edit"], false, "a leader reads the report");
    }
    // The caller's own area by default
    let (_, own) = report(&leader, None, PAST_YEAR).await;
    assert_eq!(own["unit_id"], district);
}

#[tokio::test]
async fn a_narrative_saves_reloads_and_a_stale_version_gets_the_current_text() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let commune = app.unit_id(COMMUNE_A).await;
    let (_, before) = report(&officer, Some(commune), YEAR).await;
    assert_eq!(before["can_edit"], true);
    assert_eq!(section(&before, "Direction")["version"], 0);

    // Act: a first text (typed with Windows line breaks and decomposed accents)
    let typed =
        "Đảng ủy đã ban hành Kế hoạch số 12.\r\n\r\n\r\nUBND xã phối hợp với Hội Khuyến học."
            .replace('ễ', "e\u{0302}\u{0303}");
    let first = officer.ok("reports/narrative/save", json!({ "input": { "unit_id": commune, "year": YEAR, "section": "Direction", "body": typed, "version": 0 } })).await;

    // Assert: stored clean, one blank line between the paragraphs, at version 1
    let stored = "Đảng ủy đã ban hành Kế hoạch số 12.\n\nUBND xã phối hợp với Hội Khuyến học.";
    assert_eq!(first["body"], stored);
    assert_eq!(first["version"], 1);
    assert_eq!(first["updated_by"], "Hồ Thị Hoa");
    let (_, reloaded) = report(&officer, Some(commune), YEAR).await;
    assert_eq!(section(&reloaded, "Direction")["body"], stored);
    assert_eq!(section(&reloaded, "Direction")["version"], 1);
    assert_eq!(
        section(&reloaded, "Results")["version"],
        0,
        "others untouched"
    );
    // The page shows it, escaped
    let page = officer
        .get_page(&format!("/bao-cao?unit={commune}&year={YEAR}"))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Báo cáo kết quả xây dựng xã hội học tập năm 2026"));
    assert!(html.contains("UBND xã phối hợp với Hội Khuyến học."));

    // A second save over version 1
    let (status, second) = save(&officer, commune, "Direction", "Bản thứ hai <b>đậm</b>.", 1).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["version"], 2);
    // A save over version 1 again, from a page that did not see the second: 409 with it
    let (status, stale) = save(&officer, commune, "Direction", "Bản cũ.", 1).await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    let current: Value =
        serde_json::from_str(stale["Conflict"]["current"].as_str().unwrap()).unwrap();
    assert_eq!(current["body"], "Bản thứ hai <b>đậm</b>.");
    assert_eq!(current["version"], 2);
    // A first save of a section someone else has written meanwhile is stale too
    let (status, _) = save(&officer, commune, "Direction", "Mới.", 0).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Markup is text: the page escapes it
    let html = officer
        .get_page(&format!("/bao-cao?unit={commune}&year={YEAR}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Bản thứ hai &lt;b&gt;đậm&lt;/b&gt;."),
        "escaped"
    );
    assert!(!html.contains("<b>đậm</b>.</p>"));
    // Two changes, two audit entries, with the text before and after
    let entries: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT action, before_json FROM audit_log WHERE entity = 'report' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0].0, "create");
    assert_eq!(entries[1].0, "update");
    assert!(entries[1].1.as_deref().unwrap().contains("Kế hoạch số 12"));
}

#[tokio::test]
async fn an_over_long_narrative_is_refused_with_a_vietnamese_message() {
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let commune = app.unit_id(COMMUNE_A).await;

    let (status, body) = save(&officer, commune, "Results", &"Kết quả. ".repeat(1_200), 0).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(invalid_fields(&body), ["body"]);
    let message = body["Validation"][0]["message"]["vi"].as_str().unwrap();
    assert!(
        message.contains("quá giới hạn 10.000 ký tự"),
        "the limit in Vietnamese: {message}"
    );
    let (_, r) = report(&officer, Some(commune), YEAR).await;
    assert_eq!(section(&r, "Results")["version"], 0, "nothing stored");
}

#[tokio::test]
async fn leaders_and_reviewers_read_and_another_communes_officer_neither_reads_nor_writes() {
    // Arrange
    let app = spawn_app().await;
    let officer_a = app.client_for("canbo.trabinh").await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let leader = app.client_for("lanhdao").await;
    let reviewer = app.client_for("xetduyet").await;
    let trainee = app.client_for("hocvien").await;
    let commune_a = app.unit_id(COMMUNE_A).await;
    let commune_b = app.unit_id(COMMUNE_B).await;
    let district = app.unit_id(DISTRICT).await;
    officer_a
        .ok("reports/narrative/save", json!({ "input": { "unit_id": commune_a, "year": YEAR, "section": "NextSteps", "body": "Phấn đấu 70% hộ đạt Gia đình học tập.", "version": 0 } }))
        .await;

    // Act + Assert: the leader and the reviewer read commune A's report, they do not write it
    for (client, who) in [(&leader, "a leader"), (&reviewer, "a reviewer")] {
        let (status, r) = report(client, Some(commune_a), YEAR).await;
        assert_eq!(status, StatusCode::OK, "{who}: {r}");
        assert_eq!(
            section(&r, "NextSteps")["body"],
            "Phấn đấu 70% hộ đạt Gia đình học tập."
        );
        assert_eq!(r["can_edit"], false, "{who}");
        let (status, body) = save(client, commune_a, "NextSteps", "Sửa.", 1).await;
        assert_forbidden(status, &body, &format!("{who} writing the report"));
    }
    // Commune B's officer can neither read nor write commune A's
    let (status, body) = report(&officer_b, Some(commune_a), YEAR).await;
    assert_forbidden(status, &body, "another commune's officer reading");
    let (status, body) = save(&officer_b, commune_a, "NextSteps", "Sửa.", 1).await;
    assert_forbidden(status, &body, "another commune's officer writing");
    // even with a text too long to save: the scope comes first
    let (status, body) = save(&officer_b, commune_a, "NextSteps", &"x".repeat(20_000), 1).await;
    assert_forbidden(
        status,
        &body,
        "another commune's officer writing a long text",
    );
    // nor the district's, above them
    let (status, body) = save(&officer_a, district, "NextSteps", "Sửa.", 0).await;
    assert_forbidden(
        status,
        &body,
        "a commune officer writing the district's report",
    );
    // but their own
    let (status, own) = report(&officer_b, Some(commune_b), YEAR).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["can_edit"], true);
    // A trainee has no report
    let (status, body) = report(&trainee, None, YEAR).await;
    assert_forbidden(status, &body, "a trainee");
    // Signed out
    let (status, _) = report(&app.client(), Some(commune_a), YEAR).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Every sheet of a workbook by name, each as rows of cell texts.
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

#[tokio::test]
async fn the_report_exports_its_figures_and_narrative_within_scope() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let officer_b = app.client_for("canbo.traxuan").await;
    let commune = app.unit_id(COMMUNE_A).await;
    let d = officer
        .ok(
            "dashboard",
            json!({ "query": { "unit_id": commune, "year": PAST_YEAR } }),
        )
        .await;
    officer
        .ok("reports/narrative/save", json!({ "input": { "unit_id": commune, "year": PAST_YEAR, "section": "Participation", "body": "=1+1 là chữ, không phải công thức.", "version": 0 } }))
        .await;

    // Act
    let res = officer
        .get(&format!(
            "/export/report.xlsx?unit_id={commune}&year={PAST_YEAR}"
        ))
        .await;

    // Assert
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("bao-cao-nam-2025.xlsx"));
    let book = sheets(&res.bytes().await.unwrap());
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Số liệu", "Đơn vị trực thuộc", "Nội dung báo cáo"]);
    let figures = &book[0].1;
    assert!(figures[0][0].contains(COMMUNE_A_NAME), "{:?}", figures[0]);
    let line = |rows: &[Vec<String>], label: &str| -> Vec<String> {
        rows.iter()
            .find(|r| r.first().map(String::as_str) == Some(label))
            .unwrap_or_else(|| panic!("a line for {label}"))
            .clone()
    };
    let households = line(figures, "Gia đình học tập");
    let f = &d["figures"][0];
    assert!(f["funnel"]["registered"].as_i64().unwrap() > 0);
    assert_eq!(households[1], f["funnel"]["registered"].to_string());
    assert_eq!(households[2], f["funnel"]["recognised"].to_string());
    assert_eq!(households[3], f["holding"].to_string());
    assert_eq!(households[4], f["eligible"].to_string());
    assert_eq!(households[7], f["target"].to_string());
    let officers = line(figures, "Cán bộ khuyến học được tập huấn");
    let t = &d["figures"][5];
    assert_eq!(officers[1], "", "officers are not registered");
    assert_eq!(officers[3], t["holding"].to_string());
    assert_eq!(officers[4], t["eligible"].to_string());
    // The villages, six lines each, with the dashboard's numbers
    let below = &book[1].1;
    let children = d["children"].as_array().unwrap();
    assert_eq!(below.len(), 1 + children.len() * 6);
    assert_eq!(below[1][0], children[0]["name"].as_str().unwrap());
    assert_eq!(
        below[1][4],
        children[0]["figures"][0]["holding"].to_string()
    );
    // The narrative, as text
    let narrative = &book[2].1;
    assert_eq!(narrative.len(), 1 + 5);
    assert_eq!(narrative[3][0], "3. Đánh giá sự tham gia");
    assert_eq!(narrative[3][1], "=1+1 là chữ, không phải công thức.");
    assert_eq!(narrative[3][3], "Hồ Thị Hoa");

    // Another commune's officer may not export it
    let res = officer_b
        .get(&format!(
            "/export/report.xlsx?unit_id={commune}&year={PAST_YEAR}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
