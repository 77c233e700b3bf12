//! Hardening of user administration, the org-unit tree and the registry (issue 7): an
//! administrator manages only accounts wholly inside their scope, unit codes are unique in any
//! letter case, unit changes use optimistic versions, the unit import checks scope again at
//! commit, a moved household takes its open dossiers along, and names are cleaned of invisible
//! characters and formula starts.

use crate::cycle_support::assert_rollups_match_registrations;
use crate::helpers::{assert_forbidden, household_input, invalid_fields, spawn_app, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const COMMUNE_A: &str = "51-TB-02";
const COMMUNE_B: &str = "51-TB-01";
const VILLAGE_A1: &str = "51-TB-02-01";
const VILLAGE_A2: &str = "51-TB-02-02";
async fn assignment_ids(app: &TestApp, username: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT ra.id FROM role_assignments ra JOIN users u ON u.id = ra.user_id
         WHERE u.username = $1 ORDER BY ra.id",
    )
    .bind(username)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_commune_administrator_cannot_manage_an_account_that_also_works_elsewhere() {
    // Arrange: an administrator of commune A; officer canbo.trabinh works in A and, from now
    // on, in commune B too.
    let app = spawn_app().await;
    let commune_admin = app.new_user("quantri.trabinh", "Admin", COMMUNE_A).await;
    let root = app.client_for("quantri").await;
    let officer = app.user_id("canbo.trabinh").await;
    root.ok(
        "users/assign",
        json!({ "user_id": officer, "role": "Officer", "unit_id": app.unit_id(COMMUNE_B).await }),
    )
    .await;
    let first_assignment = assignment_ids(&app, "canbo.trabinh").await[0];

    // Act: every management step on that account
    let attempts = [
        (
            "reset",
            commune_admin
                .post_fn(
                    "users/reset-password",
                    json!({ "user_id": officer, "password": "mat-khau-moi-12345" }),
                )
                .await,
        ),
        (
            "lock",
            commune_admin
                .post_fn(
                    "users/set-active",
                    json!({ "user_id": officer, "active": false }),
                )
                .await,
        ),
        (
            "assign",
            commune_admin
                .post_fn(
                    "users/assign",
                    json!({ "user_id": officer, "role": "Admin", "unit_id": app.unit_id(VILLAGE_A1).await }),
                )
                .await,
        ),
        (
            "unassign",
            commune_admin
                .post_fn(
                    "users/unassign",
                    json!({ "assignment_id": first_assignment }),
                )
                .await,
        ),
    ];

    // Assert: all refused, nothing changed
    for (what, (status, body)) in &attempts {
        assert_forbidden(*status, body, what);
    }
    assert_eq!(assignment_ids(&app, "canbo.trabinh").await.len(), 2);
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
        .bind(officer)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(active);
}

#[tokio::test]
async fn a_commune_administrator_manages_an_account_wholly_inside_the_commune() {
    // Arrange
    let app = spawn_app().await;
    let commune_admin = app.new_user("quantri.trabinh", "Admin", COMMUNE_A).await;
    let officer = app.user_id("canbo.trabinh").await;

    // Act
    let (status, body) = commune_admin
        .post_fn(
            "users/assign",
            json!({ "user_id": officer, "role": "Reviewer", "unit_id": app.unit_id(VILLAGE_A1).await }),
        )
        .await;
    let (lock_status, lock_body) = commune_admin
        .post_fn(
            "users/set-active",
            json!({ "user_id": officer, "active": false }),
        )
        .await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(lock_status, StatusCode::OK, "{lock_body}");
}

#[tokio::test]
async fn an_account_without_assignments_is_managed_only_by_a_root_administrator() {
    // Arrange: an account whose only role is removed by the province administrator
    let app = spawn_app().await;
    let commune_admin = app.new_user("quantri.trabinh", "Admin", COMMUNE_A).await;
    app.new_user("mocoi", "Officer", COMMUNE_A).await;
    let orphan = app.user_id("mocoi").await;
    let root = app.client_for("quantri").await;
    for id in assignment_ids(&app, "mocoi").await {
        root.ok("users/unassign", json!({ "assignment_id": id }))
            .await;
    }

    // Act
    let (status, body) = commune_admin
        .post_fn(
            "users/assign",
            json!({ "user_id": orphan, "role": "Officer", "unit_id": app.unit_id(VILLAGE_A1).await }),
        )
        .await;
    let listed = commune_admin
        .ok("users/list", json!({ "q": "mocoi" }))
        .await;
    let (root_status, root_body) = root
        .post_fn(
            "users/assign",
            json!({ "user_id": orphan, "role": "Officer", "unit_id": app.unit_id(VILLAGE_A1).await }),
        )
        .await;

    // Assert
    assert_forbidden(
        status,
        &body,
        "a commune administrator adopts an orphan account",
    );
    assert_eq!(
        listed,
        json!([]),
        "nor does the commune administrator see it"
    );
    assert_eq!(root_status, StatusCode::OK, "{root_body}");
}

#[tokio::test]
async fn unit_codes_are_unique_in_any_letter_case() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let commune = app.unit_id(COMMUNE_A).await;

    // Act: the code of an existing village, in lower case
    let (status, body) = admin
        .post_fn(
            "units/create",
            json!({ "input": { "parent_id": commune, "level": "Village", "code": "51-tb-02-01", "name": "Thôn Trùng Mã" } }),
        )
        .await;
    // and a rename of another village to it
    let other = app.unit_id(VILLAGE_A2).await;
    let (rename_status, rename_body) = admin
        .post_fn(
            "units/rename",
            json!({ "id": other, "version": app.unit_version(other).await, "code": "51-Tb-02-01", "name": "Thôn Hai" }),
        )
        .await;

    // Assert
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(invalid_fields(&body), vec!["code"]);
    assert_eq!(
        rename_status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{rename_body}"
    );
    assert_eq!(invalid_fields(&rename_body), vec!["code"]);
    let same: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE lower(code) = '51-tb-02-01'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(same, 1);
}

#[tokio::test]
async fn unit_changes_made_on_a_stale_version_get_a_conflict() {
    // Arrange: two administrators load the same village
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let village = app.unit_id(VILLAGE_A2).await;
    let seen = app.unit_version(village).await;
    admin
        .ok(
            "units/rename",
            json!({ "id": village, "version": seen, "code": "51-TB-02-02", "name": "Thôn Tên Mới" }),
        )
        .await;

    // Act: the second one acts on what they saw before the rename
    let renamed = admin
        .post_fn(
            "units/rename",
            json!({ "id": village, "version": seen, "code": "51-TB-02-02", "name": "Thôn Tên Cũ" }),
        )
        .await;
    let moved = admin
        .post_fn(
            "units/move",
            json!({ "id": village, "version": seen, "new_parent_id": app.unit_id(COMMUNE_B).await }),
        )
        .await;
    let switched = admin
        .post_fn(
            "units/set-active",
            json!({ "id": village, "version": seen, "active": false }),
        )
        .await;

    // Assert: three conflicts carrying the current unit; the first change stands
    for (what, (status, body)) in [("rename", renamed), ("move", moved), ("switch", switched)] {
        assert_eq!(status, StatusCode::CONFLICT, "{what}: {body}");
        let current: Value =
            serde_json::from_str(body["Conflict"]["current"].as_str().unwrap()).unwrap();
        assert_eq!(current["name"], json!("Thôn Tên Mới"), "{what}");
    }
    let (name, parent, active): (String, i64, bool) =
        sqlx::query_as("SELECT name, parent_id, active FROM org_units WHERE id = $1")
            .bind(village)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(name, "Thôn Tên Mới");
    assert_eq!(parent, app.unit_id(COMMUNE_A).await);
    assert!(active);
}

#[tokio::test]
async fn the_unit_import_checks_a_parent_listed_unchanged_in_the_file_against_scope() {
    // Arrange: a commune-A administrator's file lists commune B exactly as it is (so that row
    // changes nothing) and a new village under it. Commune B is outside their scope.
    let app = spawn_app().await;
    let commune_admin = app.new_user("quantri.trabinh", "Admin", COMMUNE_A).await;
    let commune_b: (String, String) =
        sqlx::query_as("SELECT code, name FROM org_units WHERE code = $1")
            .bind(COMMUNE_B)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let csv = format!(
        "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\n{},{},Xã,51-TB\n51-TB-01-78,Thôn Lén,Thôn,{}\n",
        commune_b.0, commune_b.1, commune_b.0
    );
    let (status, upload) = commune_admin
        .upload("org_units", "don-vi.csv", csv.into_bytes())
        .await;
    assert_eq!(status, StatusCode::OK, "{upload}");
    let call = json!({ "batch_id": upload["batch_id"], "kind": "OrgUnits", "mapping": upload["suggested"] });

    // Act
    let preview = commune_admin.ok("import/preview", call.clone()).await;
    let (commit_status, commit_body) = commune_admin.post_fn("import/commit", call).await;

    // Assert: the preview already refuses the new village's row (its parent is found in the
    // database, where the commit would find it, and is out of scope), without naming the
    // unit; the commit refuses; nothing is created
    let errors = preview["errors"].as_array().cloned().unwrap_or_default();
    let village_row = errors
        .iter()
        .find(|e| e["row"] == json!(3))
        .unwrap_or_else(|| panic!("row 3 must be refused: {preview}"));
    let message = village_row["message"]["vi"].as_str().unwrap_or_default();
    assert!(
        !message.contains(&commune_b.1),
        "the message must not name a unit outside the caller's scope: {message}"
    );
    assert_ne!(commit_status, StatusCode::OK, "{commit_body}");
    let created: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE code = $1")
        .bind("51-TB-01-78")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(created, 0);
}

#[tokio::test]
async fn a_household_that_moves_village_takes_its_open_registration_and_counts_along() {
    // Arrange: a new household of village A1, registered for this year's title
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let a1 = app.unit_id(VILLAGE_A1).await;
    let a2 = app.unit_id(VILLAGE_A2).await;
    let created = officer
        .ok(
            "households/create",
            json!({ "input": household_input(a1, "Hồ Văn Chuyển", "Thôn 1") }),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    officer
        .ok(
            "cycle/register",
            json!({ "input": { "year": 2026, "title_kind": "household", "subject_ids": [id] } }),
        )
        .await;

    // Act: the family moves to village A2
    officer
        .ok(
            "households/update",
            json!({ "id": id, "version": created["version"], "input": household_input(a2, "Hồ Văn Chuyển", "Thôn 1") }),
        )
        .await;

    // Assert: the registration and every counter followed it
    let unit: i64 = sqlx::query_scalar(
        "SELECT unit_id FROM registrations WHERE subject_kind = 'household' AND subject_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(unit, a2);
    let count_at = |unit: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COALESCE(SUM(count), 0) FROM rollups WHERE unit_id = $1 AND year = 2026 AND title_kind = 'household'",
            )
            .bind(unit)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let registered_in = |unit: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM registrations WHERE unit_id = $1 AND year = 2026 AND title_kind = 'household'",
            )
            .bind(unit)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    assert_eq!(count_at(a1).await, registered_in(a1).await);
    assert_eq!(count_at(a2).await, registered_in(a2).await);
    assert_rollups_match_registrations(&app, "after the household moved").await;
}

#[tokio::test]
async fn names_lose_invisible_characters_and_cannot_start_a_formula() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id(VILLAGE_A1).await;

    // Act
    let cleaned = officer
        .ok(
            "households/create",
            json!({ "input": household_input(village, "Hồ\u{200B} Văn\u{202E} Ẩn\u{0007}", "Thôn 1") }),
        )
        .await;
    let formula = officer
        .post_fn(
            "households/create",
            json!({ "input": household_input(village, "=HYPERLINK(\"http://x\",\"Bấm\")", "Thôn 1") }),
        )
        .await;
    let no_letter = officer
        .post_fn(
            "households/create",
            json!({ "input": household_input(village, "...", "Thôn 1") }),
        )
        .await;

    // Assert
    assert_eq!(cleaned["head_name"], json!("Hồ Văn Ẩn"));
    for (what, (status, body)) in [("formula", formula), ("no letter", no_letter)] {
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_eq!(invalid_fields(&body), vec!["head_name"], "{what}");
    }
}
