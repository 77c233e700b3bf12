//! Hardening of sign-in and sessions: throttling that cannot be raced, the password-change
//! requirement on every endpoint, idle and absolute session limits, HSTS, safe redirect
//! targets, and refusal of cross-site writes.

use crate::helpers::{
    error_message, invalid_fields, list_query, spawn_app, spawn_app_with, TestApp,
};
use app::backend::demo::DEMO_PASSWORD;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Sends all `attempts` (username, password) sign-ins at once, each from its own client, and
/// counts the answers by status.
async fn parallel_logins(app: &TestApp, attempts: Vec<(String, String)>) -> BTreeMap<u16, usize> {
    let mut tasks = tokio::task::JoinSet::new();
    for (username, password) in attempts {
        let client = app.client();
        tasks.spawn(async move { client.login(&username, &password).await.status().as_u16() });
    }
    let mut counts = BTreeMap::new();
    while let Some(status) = tasks.join_next().await {
        *counts.entry(status.unwrap()).or_insert(0) += 1;
    }
    counts
}

fn count(counts: &BTreeMap<u16, usize>, status: u16) -> usize {
    counts.get(&status).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_parallel_wrong_passwords_for_one_account_get_at_most_the_limit_of_answers() {
    // Arrange
    let app = spawn_app().await;
    let attempts = (0..40)
        .map(|_| ("canbo.trabinh".to_string(), "sai-mat-khau".to_string()))
        .collect();

    // Act
    let counts = parallel_logins(&app, attempts).await;

    // Assert
    let wrong = count(&counts, 422);
    assert!(
        wrong <= 5,
        "at most login_max_failures (5) answers: {counts:?}"
    );
    assert!(wrong >= 1, "the first attempts are answered: {counts:?}");
    assert_eq!(
        count(&counts, 429),
        40 - wrong,
        "the rest are refused: {counts:?}"
    );
    let right = app.client().login("canbo.trabinh", DEMO_PASSWORD).await;
    assert_eq!(
        right.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the account is locked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_parallel_failures_from_one_address_get_at_most_thirty_answers() {
    // Arrange: forty different accounts, each far below its own limit
    let app = spawn_app().await;
    let attempts = (0..40)
        .map(|i| (format!("khong.co.ai.{i}"), "sai-mat-khau".to_string()))
        .collect();

    // Act
    let counts = parallel_logins(&app, attempts).await;

    // Assert
    let wrong = count(&counts, 422);
    assert!(wrong <= 30, "at most 30 answers per address: {counts:?}");
    assert_eq!(
        count(&counts, 429),
        40 - wrong,
        "the rest are refused: {counts:?}"
    );
    let other = app.client().login("canbo.traxuan", DEMO_PASSWORD).await;
    assert_eq!(
        other.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the address is locked for every account"
    );
}

#[tokio::test]
async fn the_current_password_check_of_a_password_change_locks_after_the_limit() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let change = |current: &str| json!({ "input": { "current": current, "new": "Mat-khau-moi-2026", "confirm": "Mat-khau-moi-2026" } });
    for attempt in 1..=5 {
        let (status, body) = officer.post_fn("password", change("sai-mat-khau")).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {attempt}: {body}"
        );
        assert_eq!(invalid_fields(&body), vec!["current"]);
    }

    // Act
    let (status, body) = officer.post_fn("password", change(DEMO_PASSWORD)).await;

    // Assert
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(error_message(&body, "TooManyAttempts").is_some(), "{body}");
    let (status, _) = officer
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await;
    assert_eq!(status, StatusCode::OK, "the session itself goes on");
    let login = app.client().login("canbo.trabinh", DEMO_PASSWORD).await;
    assert_eq!(
        login.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "and sign-ins are locked too"
    );
}

#[tokio::test]
async fn a_user_who_must_change_the_password_may_do_nothing_else() {
    // Arrange
    let app = spawn_app().await;
    sqlx::query("UPDATE users SET must_change_password = TRUE WHERE username = 'canbo.trabinh'")
        .execute(&app.db)
        .await
        .unwrap();
    let officer = app.client_for("canbo.trabinh").await;
    let must_change = |status: StatusCode, body: &Value, what: &str| {
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body}");
        let message = error_message(body, "Forbidden").unwrap_or_default();
        assert!(message.contains("đổi mật khẩu"), "{what}: {body}");
    };

    // Act + Assert: a server function behind `as_caller`, an export, an upload
    let (status, body) = officer.post_fn("sets/list", json!({})).await;
    must_change(status, &body, "sets/list");
    let export = officer.get("/export/households.xlsx").await;
    let status = export.status();
    let body: Value = export.json().await.unwrap_or(Value::Null);
    must_change(status, &body, "export");
    let (status, body) = officer
        .upload("households", "ho.csv", b"Ma thon,Ho ten chu ho\n".to_vec())
        .await;
    must_change(status, &body, "upload");

    // Still allowed: reading one's own session, and changing the password
    let me = officer.ok("me", json!({})).await;
    assert_eq!(me["must_change_password"], json!(true));
    officer
        .ok(
            "password",
            json!({ "input": { "current": DEMO_PASSWORD, "new": "Mat-khau-rieng-2026", "confirm": "Mat-khau-rieng-2026" } }),
        )
        .await;
    let (status, body) = officer.post_fn("sets/list", json!({})).await;
    assert_eq!(status, StatusCode::OK, "after the change: {body}");
}

async fn session_times(app: &TestApp, username: &str) -> (DateTime<Utc>, DateTime<Utc>) {
    sqlx::query_as(
        "SELECT s.created_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE u.username = $1",
    )
    .bind(username)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn set_session_times(
    app: &TestApp,
    username: &str,
    created: DateTime<Utc>,
    expires: DateTime<Utc>,
) {
    sqlx::query(
        "UPDATE sessions SET created_at = $1, expires_at = $2
         WHERE user_id = (SELECT id FROM users WHERE username = $3)",
    )
    .bind(created)
    .bind(expires)
    .bind(username)
    .execute(&app.db)
    .await
    .unwrap();
}

async fn list_status(client: &crate::helpers::Client) -> StatusCode {
    client
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await
        .0
}

#[tokio::test]
async fn an_active_session_slides_its_idle_deadline_and_an_idle_one_ends() {
    // Arrange: most of the 120-minute idle window has passed
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let now = Utc::now();
    set_session_times(
        &app,
        "canbo.trabinh",
        now - Duration::minutes(115),
        now + Duration::minutes(5),
    )
    .await;

    // Act
    let active = list_status(&officer).await;

    // Assert
    assert_eq!(active, StatusCode::OK);
    let (_, expires) = session_times(&app, "canbo.trabinh").await;
    assert!(
        expires > Utc::now() + Duration::minutes(115),
        "a request moves the idle deadline: {expires}"
    );

    // Act: no request for longer than the idle timeout
    let now = Utc::now();
    set_session_times(
        &app,
        "canbo.trabinh",
        now - Duration::minutes(130),
        now - Duration::seconds(1),
    )
    .await;
    let idle = list_status(&officer).await;

    // Assert
    assert_eq!(idle, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_session_ends_at_the_absolute_limit_however_active() {
    // Arrange: signed in 12 hours and a minute ago, active a moment ago
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let now = Utc::now();
    set_session_times(
        &app,
        "canbo.trabinh",
        now - Duration::hours(12) - Duration::minutes(1),
        now + Duration::minutes(100),
    )
    .await;

    // Act
    let status = list_status(&officer).await;

    // Assert
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn session_lifetimes_follow_the_configuration() {
    // Arrange
    let app = spawn_app_with(|c| {
        c.session_idle_minutes = 30;
        c.session_max_hours = 2;
    })
    .await;

    // Act
    let res = app.client().login("canbo.trabinh", DEMO_PASSWORD).await;

    // Assert
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kh_session="))
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("Max-Age=7200"),
        "the cookie lasts the absolute limit: {cookie}"
    );
    let (created, expires) = session_times(&app, "canbo.trabinh").await;
    let idle = expires - created;
    assert!(
        idle > Duration::minutes(29) && idle <= Duration::minutes(30),
        "the first deadline is the idle timeout: {idle}"
    );
}

#[tokio::test]
async fn hsts_is_sent_only_with_secure_cookies() {
    // Arrange
    let plain = spawn_app().await;
    let secure = spawn_app_with(|c| c.secure_cookies = true).await;

    // Act
    let without = plain.client().get("/health").await;
    let with = secure.client().get("/dang-nhap").await;

    // Assert
    assert!(without.headers().get("strict-transport-security").is_none());
    assert_eq!(
        with.headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000; includeSubDomains")
    );
}

#[tokio::test]
async fn the_language_switch_redirects_only_within_the_site() {
    // Arrange
    let app = spawn_app().await;
    let client = app.client();

    for (next, expected) in [
        ("/%09/example.org", "/"),
        ("/%0D%0A/example.org", "/"),
        ("//example.org", "/"),
        ("/%5Cexample.org", "/"),
        ("https%3A%2F%2Fexample.org", "/"),
        ("javascript:alert(1)", "/"),
        ("/%252F%252Fexample.org", "/"),
        ("/ho-gia-dinh%3Fq%3Dabc", "/ho-gia-dinh?q=abc"),
    ] {
        // Act
        let res = client.get(&format!("/lang/vi?next={next}")).await;

        // Assert
        assert!(res.status().is_redirection(), "{next}: {}", res.status());
        let location = res.headers().get("location").and_then(|v| v.to_str().ok());
        assert_eq!(location, Some(expected), "next={next}");
    }
}

#[tokio::test]
async fn the_sign_in_page_continues_only_to_a_path_of_the_site() {
    // Arrange: signed in, so the page offers to continue to `next`
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;

    for (next, expected) in [
        ("/ho-gia-dinh", "href=\"/ho-gia-dinh\""),
        ("/%09/example.org", "href=\"/\""),
        ("//example.org", "href=\"/\""),
        ("/%5Cexample.org", "href=\"/\""),
        ("https://example.org", "href=\"/\""),
    ] {
        // Act
        let page = officer.get_page(&format!("/dang-nhap?next={next}")).await;

        // Assert
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        let link = html
            .split("id=\"continue\"")
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .unwrap_or_else(|| panic!("next={next}: no continue link in the page"));
        assert!(link.contains(expected), "next={next}: {link}");
        assert!(!link.contains("example.org"), "next={next}: {link}");
    }
}

#[tokio::test]
async fn writes_from_another_site_are_refused() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let call = |headers: &[(&'static str, &str)]| {
        let mut request = officer
            .http
            .post(format!("{}/api/households/list", officer.base))
            .json(&json!({ "query": list_query(json!({})) }));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        async move {
            let res = request.send().await.unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let own_origin = app.address.clone();

    // Act
    let (cross_origin, cross_origin_body) = call(&[("origin", "https://evil.example")]).await;
    let (null_origin, _) = call(&[("origin", "null")]).await;
    let (cross_site, _) = call(&[("sec-fetch-site", "cross-site")]).await;
    let (same_site, _) = call(&[("sec-fetch-site", "same-site")]).await;
    let (same_origin, _) = call(&[
        ("origin", own_origin.as_str()),
        ("sec-fetch-site", "same-origin"),
    ])
    .await;
    let (plain, _) = call(&[]).await;
    let login = officer
        .http
        .post(format!("{}/api/login", officer.base))
        .header("origin", "https://evil.example")
        .form(&[("username", "canbo.trabinh"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap()
        .status();
    let upload = officer
        .http
        .post(format!("{}/import/upload?kind=households", officer.base))
        .header("sec-fetch-site", "cross-site")
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"a,b\n".to_vec()).file_name("ho.csv"),
        ))
        .send()
        .await
        .unwrap()
        .status();

    // Assert
    assert_eq!(cross_origin, StatusCode::FORBIDDEN, "{cross_origin_body}");
    let message = error_message(&cross_origin_body, "Forbidden").unwrap_or_default();
    assert!(
        message.contains("từ chối"),
        "a Vietnamese reason: {cross_origin_body}"
    );
    assert_eq!(null_origin, StatusCode::FORBIDDEN);
    assert_eq!(cross_site, StatusCode::FORBIDDEN);
    assert_eq!(same_site, StatusCode::FORBIDDEN);
    assert_eq!(login, StatusCode::FORBIDDEN, "the sign-in form too");
    assert_eq!(upload, StatusCode::FORBIDDEN, "the plain routes too");
    assert_eq!(same_origin, StatusCode::OK, "the site's own pages");
    assert_eq!(plain, StatusCode::OK, "clients that send neither header");
}

#[tokio::test]
async fn server_functions_take_only_json_except_the_sign_in_form() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;

    // Act
    let form = officer
        .http
        .post(format!("{}/api/logout", officer.base))
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap()
        .status();
    let text = officer
        .http
        .post(format!("{}/api/households/list", officer.base))
        .header("content-type", "text/plain")
        .body(json!({ "query": list_query(json!({})) }).to_string())
        .send()
        .await
        .unwrap()
        .status();
    let json_with_charset = officer
        .http
        .post(format!("{}/api/households/list", officer.base))
        .header("content-type", "application/json; charset=utf-8")
        .body(json!({ "query": list_query(json!({})) }).to_string())
        .send()
        .await
        .unwrap()
        .status();
    let sign_in_form = app
        .client()
        .login("canbo.traxuan", DEMO_PASSWORD)
        .await
        .status();

    // Assert
    assert_eq!(form, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(text, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json_with_charset, StatusCode::OK);
    assert_eq!(sign_in_form, StatusCode::OK);
    assert_eq!(
        list_status(&officer).await,
        StatusCode::OK,
        "the normal JSON call"
    );
}
