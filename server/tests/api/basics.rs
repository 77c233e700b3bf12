//! Server basics: health check, security headers, body limit, unknown pages, language switch.

use crate::helpers::{list_query, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The nonce in a `script-src ... 'nonce-…'` policy.
fn nonce_of(policy: &str) -> Option<String> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let end = policy[start..].find('\'')? + start;
    Some(policy[start..end].to_string())
}

#[tokio::test]
async fn health_check_reports_the_database_ok() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let res = app.client().get("/health").await;

    // Assert
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "content-security-policy").contains("default-src 'none'"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({ "status": "ok", "database": "ok" }));
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_a_fresh_nonce() {
    // Arrange
    let app = spawn_app().await;
    let client = app.client();

    // Act
    let first = client.get("/dang-nhap").await;
    let second = client.get("/dang-nhap").await;

    // Assert
    assert_eq!(first.status(), StatusCode::OK);
    assert!(header(&first, "content-type").starts_with("text/html"));
    assert_eq!(header(&first, "x-content-type-options"), "nosniff");
    assert_eq!(header(&first, "x-frame-options"), "DENY");
    let policy = header(&first, "content-security-policy");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let nonce = nonce_of(&policy).unwrap_or_else(|| panic!("no nonce in {policy}"));
    assert!(
        nonce.len() >= 16,
        "a nonce long enough not to be guessed: {nonce}"
    );
    let second_nonce = nonce_of(&header(&second, "content-security-policy")).unwrap();
    assert_ne!(nonce, second_nonce, "every response gets its own nonce");
    let html = first.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the inline scripts carry the policy's nonce"
    );
}

#[tokio::test]
async fn a_request_body_over_the_limit_is_refused() {
    // Arrange: a 1 MB limit and a 2 MB body
    let app = spawn_app_with(|config| config.max_upload_mb = 1).await;
    let officer = app.client_for("canbo.trabinh").await;
    let before = app.household_count().await;
    let big = vec![b'a'; 2 * 1024 * 1024];

    // Act
    let (upload_status, _) = officer.upload("households", "lon.csv", big.clone()).await;
    let api = officer
        .http
        .post(format!("{}/api/households/list", app.address))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(big)
        .send()
        .await
        .unwrap()
        .status();

    // Assert
    assert_eq!(upload_status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(api, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.household_count().await, before);
    let (status, _) = officer
        .post_fn("households/list", json!({ "query": list_query(json!({})) }))
        .await;
    assert_eq!(status, StatusCode::OK, "small requests still work");
}

#[tokio::test]
async fn an_unknown_page_is_not_found() {
    // Arrange
    let app = spawn_app().await;
    let client = app.client();

    // Act
    let page = client.get("/khong-co-trang-nay").await;
    let export = client.get("/export/khong-co.xlsx").await;

    // Assert
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("Không tìm thấy trang"));
    assert_eq!(export.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_never_redirects_off_site() {
    // Arrange
    let app = spawn_app().await;
    let client = app.client();

    // Act
    let local = client.get("/lang/en?next=/ho-gia-dinh").await;
    let off_site = client.get("/lang/en?next=//evil.example/").await;

    // Assert
    assert!(local.status().is_redirection());
    assert_eq!(header(&local, "location"), "/ho-gia-dinh");
    assert!(header(&local, "set-cookie").starts_with("lang=en"));
    assert!(off_site.status().is_redirection());
    assert_eq!(header(&off_site, "location"), "/");
}

#[tokio::test]
async fn the_page_hands_its_user_to_the_browser() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;

    // Act
    let signed_in = officer.get("/ho-gia-dinh").await.text().await.unwrap();
    let signed_out = app.client().get("/").await.text().await.unwrap();

    // Assert
    let block = |html: &str| {
        let start = html
            .find(r#"<script id="kh-session" type="application/json">"#)
            .unwrap_or_else(|| {
                panic!(
                    "no session data block in: {}",
                    &html[..html.len().min(3000)]
                )
            });
        let rest = &html[start..];
        rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()].to_string()
    };
    let user: Value = serde_json::from_str(&block(&signed_in)).unwrap();
    assert_eq!(user["Ok"]["username"], json!("canbo.trabinh"));
    assert!(
        user["Ok"].get("password_hash").is_none(),
        "no secrets in the page"
    );
    let nobody: Value = serde_json::from_str(&block(&signed_out)).unwrap();
    assert_eq!(nobody, json!({ "Ok": null }));
}

#[tokio::test]
async fn pages_send_visitors_to_sign_in_and_refuse_the_wrong_role() {
    // Arrange
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;

    // Act
    let signed_out = app.client().get_page("/ho-gia-dinh/moi").await;
    let wrong_role = leader.get_page("/nguoi-dung").await;
    let wrong_role_status = wrong_role.status();
    let wrong_role = wrong_role.text().await.unwrap();

    // Assert: a browser without JavaScript follows the redirect too
    assert_eq!(signed_out.status(), StatusCode::FOUND);
    assert_eq!(
        header(&signed_out, "location"),
        "/dang-nhap?next=%2Fho-gia-dinh%2Fmoi"
    );
    assert_eq!(wrong_role_status, StatusCode::OK);
    assert!(wrong_role.contains("Không có quyền"), "{wrong_role}");
    assert!(
        !wrong_role.contains("canbo.trabinh"),
        "no user list for a leader"
    );
}
