//! The rollup counters follow every step of the cycle at every level of the unit tree, and a
//! moved village takes its counts along.

use crate::cycle_support::{
    assert_counters, decision, evaluation, full_marks, households_in_village, register,
    registration_of, save_body, step_ok, COMMUNE_A, COMMUNE_B, DISTRICT, PROVINCE, VILLAGE_A, YEAR,
};
use crate::helpers::spawn_app;
use serde_json::json;

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
