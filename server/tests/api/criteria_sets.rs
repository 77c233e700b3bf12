//! Versioned criteria sets: copied and edited as drafts, frozen once published, and an
//! evaluation keeps the set version it was scored with after a newer one is published.

use crate::cycle_support::{
    answers_worth, assert_bad_request, assert_invalid, evaluation, households_in_commune,
    open_dossier, save, save_body, COMMUNE_A,
};
use crate::helpers::{assert_forbidden, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn criteria_sets_are_copied_edited_as_drafts_and_frozen_once_published() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let officer = app.client_for("canbo.trabinh").await;
    let shipped: i64 = sqlx::query_scalar(
        "SELECT id FROM criteria_sets WHERE code = 'gdht-qd448' AND version = 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();

    // Act + Assert: only an administrator copies
    let (status, body) = officer.post_fn("sets/copy", json!({ "id": shipped })).await;
    assert_forbidden(status, &body, "officer copies a set");

    // Act: copy
    let draft = admin.ok("sets/copy", json!({ "id": shipped })).await;

    // Assert: a draft one version up
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(draft["status"], json!("draft"), "{draft}");
    assert_eq!(draft["set"]["code"], json!("gdht-qd448"));
    assert_eq!(draft["set"]["version"], json!(2));
    assert_eq!(draft["evaluation_count"], json!(0));

    // Act: save it with a problem (drafts may have them), trying to change its version too
    let mut set = draft["set"].clone();
    set["name"] = json!("Gia đình học tập (bản sửa đổi)");
    set["version"] = json!(7);
    set["rule"]["pass_mark"] = json!(1000);
    let saved = admin
        .ok(
            "sets/save",
            json!({ "id": id, "row_version": draft["row_version"], "set": set }),
        )
        .await;

    // Assert
    assert_eq!(
        saved["set"]["name"],
        json!("Gia đình học tập (bản sửa đổi)")
    );
    assert_eq!(
        saved["set"]["version"],
        json!(2),
        "the version is the draft row's"
    );
    assert_eq!(saved["status"], json!("draft"));

    // Act + Assert: publishing a set with problems is refused
    let (status, body) = admin
        .post_fn(
            "sets/publish",
            json!({ "id": id, "row_version": saved["row_version"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let messages: Vec<&str> = body["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"]["vi"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("Điểm đạt 1000")),
        "{messages:?}"
    );
    let still = admin.ok("sets/get", json!({ "id": id })).await;
    assert_eq!(still["status"], json!("draft"));

    // Act: fix and publish
    set["rule"]["pass_mark"] = json!(60);
    let fixed = admin
        .ok(
            "sets/save",
            json!({ "id": id, "row_version": saved["row_version"], "set": set }),
        )
        .await;
    let published = admin
        .ok(
            "sets/publish",
            json!({ "id": id, "row_version": fixed["row_version"] }),
        )
        .await;

    // Assert
    assert_eq!(published["status"], json!("published"));
    assert_eq!(published["set"]["rule"]["pass_mark"], json!(60));

    // Act + Assert: a published set cannot be saved or published again
    set["rule"]["pass_mark"] = json!(50);
    let (status, body) = admin
        .post_fn(
            "sets/save",
            json!({ "id": id, "row_version": published["row_version"], "set": set }),
        )
        .await;
    assert_bad_request(status, &body, "đã ban hành", "save a published set");
    let (status, body) = admin
        .post_fn(
            "sets/publish",
            json!({ "id": id, "row_version": published["row_version"] }),
        )
        .await;
    assert_bad_request(status, &body, "đã được ban hành", "publish twice");

    // Act + Assert: the database itself refuses to rewrite a published definition
    for target in [id, shipped] {
        let before: String =
            sqlx::query_scalar("SELECT definition FROM criteria_sets WHERE id = $1")
                .bind(target)
                .fetch_one(&app.db)
                .await
                .unwrap();
        let update = sqlx::query("UPDATE criteria_sets SET definition = '{}' WHERE id = $1")
            .bind(target)
            .execute(&app.db)
            .await;
        let error = update.expect_err("the trigger refuses the update");
        assert!(error.to_string().contains("immutable"), "{error}");
        let after: String =
            sqlx::query_scalar("SELECT definition FROM criteria_sets WHERE id = $1")
                .bind(target)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(after, before);
    }

    // Act + Assert: copying version 1 again gives version 3
    let again = admin.ok("sets/copy", json!({ "id": shipped })).await;
    assert_eq!(again["set"]["version"], json!(3));
}

#[tokio::test]
async fn an_evaluation_keeps_its_set_version_after_a_newer_one_is_published() {
    // Arrange: an evaluation scored 80/100 with version 1
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let officer = app.client_for("canbo.trabinh").await;
    let households = households_in_commune(&app, COMMUNE_A, 2).await;
    let old = open_dossier(&app, &officer, "household", households[0]).await;
    let view = evaluation(&officer, old.evaluation).await;
    officer
        .ok("cycle/save", save_body(&view, answers_worth(&view, 80)))
        .await;
    let before = evaluation(&officer, old.evaluation).await;

    // Act: version 2 gives GD1.a 20 points and is published
    let draft = admin
        .ok("sets/copy", json!({ "id": before["criteria_set_id"] }))
        .await;
    let mut set = draft["set"].clone();
    assert_eq!(set["criteria"][0]["indicators"][0]["code"], json!("GD1.a"));
    set["criteria"][0]["indicators"][0]["kind"]["max"] = json!(20);
    let saved = admin
        .ok(
            "sets/save",
            json!({ "id": draft["id"], "row_version": draft["row_version"], "set": set }),
        )
        .await;
    admin
        .ok(
            "sets/publish",
            json!({ "id": draft["id"], "row_version": saved["row_version"] }),
        )
        .await;

    // Assert: the old evaluation still reads and scores with version 1
    let after = evaluation(&officer, old.evaluation).await;
    assert_eq!(after, before);
    assert_eq!(after["set"]["version"], json!(1));
    assert_eq!(after["result"]["total"], json!(80));
    assert_eq!(after["result"]["max_total"], json!(100));
    let (status, body) = save(&officer, &after, json!({ "GD1.a": 20 })).await;
    assert_invalid(
        status,
        &body,
        "GD1.a",
        "tối đa 10",
        "20 points under version 1",
    );
    let mut as_new = save_body(&after, json!({ "GD1.a": 20 }));
    as_new["input"]["criteria_set_id"] = draft["id"].clone();
    as_new["input"]["set_version"] = json!(2);
    let (status, body) = officer.post_fn("cycle/save", as_new).await;
    assert_bad_request(
        status,
        &body,
        "phiên bản 1",
        "the new version on the old evaluation",
    );

    // Assert: a new evaluation uses version 2
    let new = open_dossier(&app, &officer, "household", households[1]).await;
    let new_view = evaluation(&officer, new.evaluation).await;
    assert_eq!(new_view["set"]["version"], json!(2));
    assert_eq!(new_view["criteria_set_id"], draft["id"]);
    assert_eq!(new_view["result"]["max_total"], json!(110));
}
