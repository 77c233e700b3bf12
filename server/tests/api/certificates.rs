//! Certificates, readable in scope only, and the public verification page, which shows the
//! recognition and nothing private.

use crate::cycle_support::{
    approved_household, decision, households_in_commune, verify_code_of, COMMUNE_A, COMMUNE_A_NAME,
    VILLAGE_A, YEAR,
};
use crate::helpers::{assert_forbidden, error_message, spawn_app};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

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
