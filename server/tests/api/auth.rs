//! Sign-in, throttling, the session cookie, sign-out and passwords.

use crate::helpers::{error_message, invalid_fields, list_query, spawn_app};
use app::backend::demo::DEMO_PASSWORD;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn login_answer(app: &crate::helpers::TestApp, user: &str, pw: &str) -> (StatusCode, Value) {
    let res = app.client().login(user, pw).await;
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_wrong_password_gets_the_same_generic_message_as_an_unknown_user() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (status, wrong_password) = login_answer(&app, "canbo.trabinh", "sai-mat-khau").await;
    let (unknown_status, unknown_user) = login_answer(&app, "khong.ai.ca", "sai-mat-khau").await;

    // Assert
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong_password}");
    assert_eq!(unknown_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong_password, unknown_user,
        "the answer must not reveal which usernames exist"
    );
    let message = wrong_password["Validation"][0]["message"]["vi"]
        .as_str()
        .unwrap();
    assert!(message.contains("không đúng"), "{message}");
    assert_eq!(invalid_fields(&wrong_password), vec![""]);
}

#[tokio::test]
async fn five_failures_lock_the_account_even_for_the_right_password() {
    // Arrange
    let app = spawn_app().await;
    for attempt in 1..=5 {
        let (status, body) = login_answer(&app, "canbo.trabinh", "sai-mat-khau").await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {attempt}: {body}"
        );
    }

    // Act
    let (status, body) = login_answer(&app, "canbo.trabinh", DEMO_PASSWORD).await;

    // Assert
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let message = error_message(&body, "TooManyAttempts").expect("a TooManyAttempts error");
    assert!(message.contains("15 phút"), "{message}");
    let (other_user, _) = login_answer(&app, "canbo.traxuan", DEMO_PASSWORD).await;
    assert_eq!(other_user, StatusCode::OK, "other accounts are not locked");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let res = app.client().login("canbo.trabinh", DEMO_PASSWORD).await;

    // Assert
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kh_session="))
        .expect("the login sets kh_session")
        .to_string();
    let attributes: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attributes.contains(&"httponly".to_string()), "{cookie}");
    assert!(attributes.contains(&"samesite=lax".to_string()), "{cookie}");
    assert!(attributes.contains(&"path=/".to_string()), "{cookie}");
    let token = cookie
        .trim_start_matches("kh_session=")
        .split(';')
        .next()
        .unwrap();
    assert_eq!(token.len(), 64, "a 256-bit token in hex: {cookie}");
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["username"], json!("canbo.trabinh"));
}

#[tokio::test]
async fn calls_without_a_session_are_unauthenticated() {
    // Arrange
    let app = spawn_app().await;
    let anonymous = app.client();

    // Act
    let (status, body) = anonymous
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await;
    let (me_status, me) = anonymous.post_fn("me", json!({})).await;

    // Assert
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body, json!("Unauthenticated"));
    assert_eq!(me_status, StatusCode::OK);
    assert_eq!(me, Value::Null);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    // Arrange
    let app = spawn_app().await;
    let res = app.client().login("canbo.trabinh", DEMO_PASSWORD).await;
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kh_session="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    // A client that sends the cookie by hand, so the server cannot end the session by
    // clearing it in the browser.
    let replay = |path: &'static str| {
        let cookie = cookie.clone();
        let address = app.address.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{address}/api/{path}"))
                .header(reqwest::header::COOKIE, cookie)
                .json(&json!({ "query": list_query(json!({})) }))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(replay("households/list").await.status(), StatusCode::OK);

    // Act
    let logout = replay("logout").await;

    // Assert
    assert_eq!(logout.status(), StatusCode::OK);
    let cleared = logout
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("kh_session=;") && c.contains("Max-Age=0"));
    assert!(cleared, "the cookie is cleared");
    let after = replay("households/list").await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_changed_password_replaces_the_old_one() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let other_session = app.client_for("canbo.trabinh").await;
    let new_password = "Mat-khau-moi-2026";

    // Act: invalid changes first
    let (mismatch, mismatch_body) = officer
        .post_fn(
            "password",
            json!({ "input": { "current": DEMO_PASSWORD, "new": new_password, "confirm": "khac" } }),
        )
        .await;
    let (wrong_current, wrong_current_body) = officer
        .post_fn(
            "password",
            json!({ "input": { "current": "sai", "new": new_password, "confirm": new_password } }),
        )
        .await;
    let (too_short, too_short_body) = officer
        .post_fn(
            "password",
            json!({ "input": { "current": DEMO_PASSWORD, "new": "ngan", "confirm": "ngan" } }),
        )
        .await;

    // Assert
    assert_eq!(mismatch, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid_fields(&mismatch_body), vec!["confirm"]);
    assert_eq!(wrong_current, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid_fields(&wrong_current_body), vec!["current"]);
    assert_eq!(too_short, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid_fields(&too_short_body), vec!["new"]);
    let (status, _) = login_answer(&app, "canbo.trabinh", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "the password is unchanged so far");

    // Act: a valid change
    officer
        .ok(
            "password",
            json!({ "input": { "current": DEMO_PASSWORD, "new": new_password, "confirm": new_password } }),
        )
        .await;

    // Assert
    let (old, _) = login_answer(&app, "canbo.trabinh", DEMO_PASSWORD).await;
    assert_eq!(
        old,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old password fails"
    );
    let (new, _) = login_answer(&app, "canbo.trabinh", new_password).await;
    assert_eq!(new, StatusCode::OK, "the new password works");
    let (still_in, _) = officer
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await;
    assert_eq!(
        still_in,
        StatusCode::OK,
        "the session that changed it stays"
    );
    let (signed_out, _) = other_session
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await;
    assert_eq!(
        signed_out,
        StatusCode::UNAUTHORIZED,
        "other sessions are signed out"
    );
}

#[tokio::test]
async fn a_user_created_by_an_administrator_must_change_the_password_first() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let commune = app.unit_id("51-TB-02").await;
    let temporary = "Tam-thoi-2026";
    let created = admin
        .ok(
            "users/create",
            json!({ "input": {
                "username": "canbo.moi",
                "full_name": "Hồ Thị Mới",
                "password": temporary,
                "role": "Officer",
                "unit_id": commune,
            } }),
        )
        .await;
    assert_eq!(created["must_change_password"], json!(true));
    let newcomer = app.client_with_password("canbo.moi", temporary).await;

    // Act
    let (status, body) = newcomer
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await;
    let export = newcomer.get("/export/households.xlsx").await.status();

    // Assert
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let message = error_message(&body, "Forbidden").unwrap();
    assert!(message.contains("đổi mật khẩu"), "{message}");
    assert_eq!(export, StatusCode::FORBIDDEN);

    // Act: change it
    newcomer
        .ok(
            "password",
            json!({ "input": { "current": temporary, "new": "Mat-khau-rieng-2026", "confirm": "Mat-khau-rieng-2026" } }),
        )
        .await;

    // Assert
    let (status, body) = newcomer
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["total"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let officer_id = app.user_id("canbo.trabinh").await;

    // Act: the session outlives its expiry
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE user_id = $2")
        .bind(chrono::Utc::now() - chrono::Duration::minutes(1))
        .bind(officer_id)
        .execute(&app.db)
        .await
        .unwrap();
    let (status, body) = officer
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await;

    // Assert
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn a_locked_account_is_signed_out_and_cannot_sign_in() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let officer = app.client_for("canbo.trabinh").await;
    let officer_id = app.user_id("canbo.trabinh").await;

    // Act
    let locked = admin
        .ok(
            "users/set-active",
            json!({ "user_id": officer_id, "active": false }),
        )
        .await;

    // Assert
    assert_eq!(locked["active"], json!(false));
    let (status, _) = officer
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the open session ended");
    let (status, _) = login_answer(&app, "canbo.trabinh", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no new sign-in");
}
