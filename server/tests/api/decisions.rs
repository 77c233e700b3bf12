//! Recognition decisions: only approved, passing dossiers are recognised, once, under a decision
//! number unique to its authority.

use crate::cycle_support::{
    approved_household, assert_bad_request, assert_invalid, count_this_year, decision,
    households_in_commune, state_of, submitted_household, CODE_ALPHABET, COMMUNE_A, YEAR,
};
use crate::helpers::spawn_app;
use serde_json::json;

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
        count_this_year(&app, "decisions").await,
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
        "SELECT registration_id, recognised, valid_to_year, verify_code FROM recognitions WHERE valid_from_year = 2026 ORDER BY registration_id",
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
    assert_eq!(count_this_year(&app, "decisions").await, 1);

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
