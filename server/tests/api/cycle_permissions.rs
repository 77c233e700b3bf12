//! Who may drive the title cycle: an officer cannot review or decide, a reviewer of one commune
//! cannot act on another's dossiers, the leader only reads, and an officer cannot touch another
//! commune's households.

use crate::cycle_support::{
    approved_household, count_this_year, decision, evaluation, households_in_commune, open_dossier,
    registration_of, reviewer_of_commune_a, save, state_of, step, step_ok, submitted_household,
    try_register, COMMUNE_A, COMMUNE_B, YEAR,
};
use crate::helpers::{assert_forbidden, spawn_app};
use serde_json::json;

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
    assert_eq!(count_this_year(&app, "decisions").await, 0);

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
    let registrations_before = count_this_year(&app, "registrations").await;

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
        count_this_year(&app, "registrations").await,
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
    let registrations_before = count_this_year(&app, "registrations").await;

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
        count_this_year(&app, "registrations").await,
        registrations_before
    );
    assert_eq!(evaluation(&officer_b, dossier_b.evaluation).await, view_b);
}
