//! Registration for a title: bulk registration with reasons for what is skipped, cancelling
//! before scoring, how long a recognised title lasts, and the household candidates to register.

use crate::cycle_support::{
    approved_household, assert_bad_request, assert_counters, decision, evaluation, full_marks,
    households_in_commune, households_in_village, open_dossier, open_dossier_of_registered,
    register, registration_of, save_body, skipped, step_ok, try_register, COMMUNE_A, DISTRICT,
    PROVINCE, VILLAGE_A, YEAR,
};
use crate::helpers::{invalid_fields, spawn_app, Client};
use reqwest::StatusCode;
use serde_json::{json, Value};

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
    let left: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM registrations WHERE year = 2026 ORDER BY id")
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
