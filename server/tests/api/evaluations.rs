//! The evaluation form and its review workflow: the server's score is the only score, answers
//! that do not fit the set, concurrent saves, submitting, returning with comments, approval locks
//! and unlocking, and evidence files.

use crate::cycle_support::{
    approved_household, assert_bad_request, assert_invalid, count_rows, evaluation, full_marks,
    open_dossier, save, save_body, state_of, step, step_ok, stored_evaluation, submitted_household,
    COMMUNE_A, YEAR,
};
use crate::helpers::{assert_forbidden, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

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
