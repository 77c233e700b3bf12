//! Org units over time: a past year shown on the tree of its year and on today's units gives
//! the same sums as a recount of the rows, before and after a merge recorded now; the past is
//! not rewritten by a merge; only those who manage every unit involved may record one.

use crate::cycle_support::{COMMUNE_A, COMMUNE_B, DISTRICT, PROVINCE};
use crate::helpers::{assert_forbidden, invalid_fields, spawn_app, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const HOUSEHOLDS: usize = 0;
const CLANS: usize = 1;
const VILLAGES: usize = 2;

async fn dashboard(client: &Client, unit_id: i64, year: i64, today: bool) -> Value {
    let (status, d) = client
        .post_fn(
            "dashboard",
            json!({ "query": { "unit_id": unit_id, "year": year, "today": today } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    d
}

/// The children's names and the figure `field` of group `group`.
fn by_child(d: &Value, group: usize, field: &str) -> BTreeMap<String, i64> {
    d["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let figures = &c["figures"][group];
            let value = match field {
                "registered" => figures["funnel"]["registered"].as_i64(),
                other => figures[other].as_i64(),
            };
            (c["name"].as_str().unwrap().to_string(), value.unwrap())
        })
        .collect()
}

fn registered(d: &Value, group: usize) -> i64 {
    d["figures"][group]["funnel"]["registered"]
        .as_i64()
        .unwrap()
}

async fn count(app: &TestApp, sql: &str, bind: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn id_by_name(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM org_units WHERE name = $1 AND level = 'xa'")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[tokio::test]
async fn a_year_before_the_2020_merge_sums_the_same_on_its_tree_and_on_todays() {
    // Arrange: the demo's history has 2019 on the tree before Nghị quyết 867 (Tây Trà district,
    // Trà Quân and Trà Khê, later Sơn Trà).
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let province = app.unit_id(PROVINCE).await;
    let district = app.unit_id(DISTRICT).await;
    let son_tra = id_by_name(&app, "Xã Sơn Trà").await;
    let tra_quan = id_by_name(&app, "Xã Trà Quân").await;
    let tra_khe = id_by_name(&app, "Xã Trà Khê").await;
    let all_2019 = count(
        &app,
        "SELECT COUNT(*) FROM registrations WHERE year = $1 AND title_kind = 'household'",
        2019,
    )
    .await;
    assert!(all_2019 > 0, "the demo registered households in 2019");

    // Act
    let province_then = dashboard(&admin, province, 2019, false).await;
    let district_then = dashboard(&admin, district, 2019, false).await;
    let district_today = dashboard(&admin, district, 2019, true).await;
    let quan_then = dashboard(&admin, tra_quan, 2019, false).await;
    let khe_then = dashboard(&admin, tra_khe, 2019, false).await;
    let son_tra_today = dashboard(&admin, son_tra, 2019, true).await;
    let son_tra_then = dashboard(&admin, son_tra, 2019, false).await;

    // Assert: the province in 2019 had two districts, whose sums are the province's.
    let districts = by_child(&province_then, HOUSEHOLDS, "registered");
    assert_eq!(
        districts.keys().cloned().collect::<Vec<_>>(),
        vec!["Huyện Trà Bồng".to_string(), "Huyện Tây Trà".to_string()],
        "the tree of 2019"
    );
    assert_eq!(
        districts.values().sum::<i64>(),
        registered(&province_then, HOUSEHOLDS)
    );
    assert_eq!(
        registered(&province_then, HOUSEHOLDS),
        all_2019,
        "a recount of the rows"
    );
    // Trà Bồng in 2019: ten units, Sơn Trà not yet among them.
    let communes_then = by_child(&district_then, HOUSEHOLDS, "registered");
    assert_eq!(communes_then.len(), 10, "{communes_then:?}");
    assert!(!communes_then.contains_key("Xã Sơn Trà"));
    assert_eq!(
        communes_then.values().sum::<i64>(),
        registered(&district_then, HOUSEHOLDS)
    );
    assert_eq!(district_then["today"], false);
    // On today's units: the sixteen communes, and the district holds Tây Trà's area too.
    let communes_today = by_child(&district_today, HOUSEHOLDS, "registered");
    assert_eq!(communes_today.len(), 16, "{communes_today:?}");
    assert_eq!(registered(&district_today, HOUSEHOLDS), all_2019);
    assert_eq!(communes_today.values().sum::<i64>(), all_2019);
    // Sơn Trà on today's units is Trà Quân and Trà Khê together, and a recount of its villages.
    let recount_son_tra = count(
        &app,
        "SELECT COUNT(*) FROM registrations r JOIN org_units v ON v.id = r.unit_id
         WHERE r.year = 2019 AND r.title_kind = 'household' AND v.parent_id = $1",
        son_tra,
    )
    .await;
    assert!(recount_son_tra > 0);
    assert_eq!(registered(&son_tra_today, HOUSEHOLDS), recount_son_tra);
    assert_eq!(
        registered(&quan_then, HOUSEHOLDS) + registered(&khe_then, HOUSEHOLDS),
        recount_son_tra
    );
    assert_eq!(communes_today["Xã Sơn Trà"], recount_son_tra);
    // Asked for on the tree of 2019, Sơn Trà is the area of the two it was formed from.
    assert_eq!(registered(&son_tra_then, HOUSEHOLDS), recount_son_tra);
    assert_eq!(son_tra_then["valid_from"], 2020);
    let formed: Vec<&str> = son_tra_then["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0]["name"].as_str().unwrap())
        .collect();
    assert_eq!(formed.len(), 2);
    assert!(formed.contains(&"Xã Trà Quân") && formed.contains(&"Xã Trà Khê"));
    // The denominators are 2019's own: Trà Quân's villages then.
    assert_eq!(quan_then["denominators_today"], false);
    assert!(quan_then["figures"][VILLAGES]["eligible"].as_i64().unwrap() > 0);
    assert_eq!(
        quan_then["figures"][VILLAGES]["eligible"].as_i64().unwrap()
            + khe_then["figures"][VILLAGES]["eligible"].as_i64().unwrap(),
        son_tra_today["figures"][VILLAGES]["eligible"]
            .as_i64()
            .unwrap()
    );
}

#[tokio::test]
async fn a_merge_recorded_now_leaves_last_year_on_its_tree_and_adds_it_into_the_successor() {
    // Arrange: Trà Bình (A) and Trà Xuân (B) merge into a new commune from this year.
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let district = app.unit_id(DISTRICT).await;
    let a = app.unit_id(COMMUNE_A).await;
    let b = app.unit_id(COMMUNE_B).await;
    let names = |d: &Value| by_child(d, HOUSEHOLDS, "registered");
    let before_2025 = dashboard(&admin, district, 2025, false).await;
    let before_now = dashboard(&admin, district, 2026, false).await;
    let a_2025 = dashboard(&admin, a, 2025, false).await;
    let b_2025 = dashboard(&admin, b, 2025, false).await;
    let a_now = dashboard(&admin, a, 2026, false).await;
    let b_now = dashboard(&admin, b, 2026, false).await;
    let merged = admin
        .ok(
            "units/create",
            json!({ "input": { "parent_id": district, "level": "Commune", "code": "51-TB-90", "name": "Xã Trà Bình Xuân" } }),
        )
        .await;
    let m = merged["id"].as_i64().unwrap();
    let villages_of_a_and_b = count(
        &app,
        "SELECT COUNT(*) FROM org_units WHERE parent_id IN (SELECT id FROM org_units WHERE code IN ('51-TB-01', '51-TB-02')) AND $1 = $1",
        0,
    )
    .await;

    // Act
    admin
        .ok(
            "units/succession",
            json!({ "input": { "year": 2026, "predecessor_ids": [a, b], "successor_id": m, "basis": "Nghị quyết thử nghiệm" } }),
        )
        .await;
    let after_2025 = dashboard(&admin, district, 2025, false).await;
    let after_2025_today = dashboard(&admin, district, 2025, true).await;
    let after_now = dashboard(&admin, district, 2026, false).await;
    let a_2025_after = dashboard(&admin, a, 2025, false).await;
    let m_2025_today = dashboard(&admin, m, 2025, true).await;
    let m_now = dashboard(&admin, m, 2026, false).await;

    // Assert: 2025 on its own tree is exactly as it was.
    assert_eq!(
        names(&after_2025),
        names(&before_2025),
        "2025's communes are unchanged"
    );
    assert_eq!(after_2025["figures"], before_2025["figures"]);
    assert_eq!(
        a_2025_after["figures"], a_2025["figures"],
        "Trà Bình's 2025"
    );
    assert_eq!(
        by_child(&a_2025_after, HOUSEHOLDS, "registered"),
        by_child(&a_2025, HOUSEHOLDS, "registered"),
        "Trà Bình's villages in 2025 are still its own"
    );
    // On today's units 2025 shows the merged commune as the sum of the two.
    let today_2025 = names(&after_2025_today);
    assert!(today_2025.contains_key("Xã Trà Bình Xuân") && !today_2025.contains_key("Xã Trà Bình"));
    assert_eq!(today_2025.len(), 15);
    for (group, field) in [
        (HOUSEHOLDS, "registered"),
        (HOUSEHOLDS, "holding"),
        (HOUSEHOLDS, "eligible"),
        (CLANS, "holding"),
    ] {
        let sum = |d: &Value| match field {
            "registered" => d["figures"][group]["funnel"]["registered"]
                .as_i64()
                .unwrap(),
            f => d["figures"][group][f].as_i64().unwrap(),
        };
        assert_eq!(
            sum(&m_2025_today),
            sum(&a_2025) + sum(&b_2025),
            "{field} of group {group} in 2025"
        );
        assert_eq!(
            by_child(&after_2025_today, group, field)["Xã Trà Bình Xuân"],
            sum(&m_2025_today)
        );
    }
    assert_eq!(
        after_2025_today["figures"][HOUSEHOLDS], before_2025["figures"][HOUSEHOLDS],
        "the district's total is the same on either tree"
    );
    // This year the merged commune holds both communes' villages and households.
    assert_eq!(
        m_now["children"].as_array().unwrap().len() as i64,
        villages_of_a_and_b
    );
    assert_eq!(
        m_now["figures"][HOUSEHOLDS]["eligible"].as_i64().unwrap(),
        a_now["figures"][HOUSEHOLDS]["eligible"].as_i64().unwrap()
            + b_now["figures"][HOUSEHOLDS]["eligible"].as_i64().unwrap()
    );
    assert_eq!(
        after_now["figures"][HOUSEHOLDS],
        before_now["figures"][HOUSEHOLDS]
    );
    let now = names(&after_now);
    assert!(!now.contains_key("Xã Trà Bình") && now.contains_key("Xã Trà Bình Xuân"));
    // The ended communes say where they went; the rollups still equal a recount.
    let a_after = dashboard(&admin, a, 2025, false).await;
    assert_eq!(a_after["valid_to"], 2025);
    assert_eq!(a_after["successors"][0][0]["unit_id"], m);
    crate::cycle_support::assert_rollups_match_registrations(&app, "after the merge").await;
}

#[tokio::test]
async fn only_who_manages_every_unit_records_a_merge_and_bad_ones_are_refused() {
    // Arrange
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let officer = app.client_for("canbo.trabinh").await;
    let admin = app.client_for("quantri").await;
    let district = app.unit_id(DISTRICT).await;
    let a = app.unit_id(COMMUNE_A).await;
    let b = app.unit_id(COMMUNE_B).await;
    let village_of_a = count(
        &app,
        "SELECT MIN(id) FROM org_units WHERE parent_id = $1",
        a,
    )
    .await;
    let input = |preds: Vec<i64>, successor: i64, year: i64| json!({ "input": { "year": year, "predecessor_ids": preds, "successor_id": successor, "basis": "" } });

    // Act + Assert: a leader and a commune officer may not.
    for (who, client) in [("leader", &leader), ("officer", &officer)] {
        let (status, body) = client
            .post_fn("units/succession", input(vec![b], a, 2026))
            .await;
        assert_forbidden(status, &body, who);
    }
    // A successor inside what ends, a unit into a village, a year too far: 422 on the field.
    for (preds, successor, year, field) in [
        (vec![a], village_of_a, 2026, "successor_id"),
        (vec![b], village_of_a, 2026, "successor_id"),
        (vec![a], b, 2030, "year"),
        (vec![], b, 2026, "predecessor_ids"),
        (vec![district, a], b, 2026, "predecessor_ids"),
    ] {
        let (status, body) = admin
            .post_fn("units/succession", input(preds.clone(), successor, year))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{preds:?} → {successor}: {body}"
        );
        assert_eq!(invalid_fields(&body), vec![field], "{body}");
    }
    let ended: i64 = count(
        &app,
        "SELECT COUNT(*) FROM org_units WHERE valid_to IS NOT NULL AND id = $1",
        a,
    )
    .await;
    assert_eq!(ended, 0, "nothing was recorded");
}
