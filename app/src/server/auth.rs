//! Passwords (argon2id), server-side sessions, login throttling, and finding the caller of a
//! request.
//!
//! The session cookie holds a random 256-bit token; the database keeps only its SHA-256, so a
//! copy of the database cannot be replayed as a login. Cookies are `HttpOnly` and
//! `SameSite=Lax` (cross-site POSTs carry no session, which is what protects the server
//! functions from cross-site request forgery), and `Secure` when configured.

use crate::domain::auth::{Assignment, Permission, Role, SessionUser};
use crate::domain::text::search_key;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::server::db::{self, Pool};
use crate::server::error::internal;
use crate::server::state::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::http::{header, HeaderMap};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "kh_session";
/// Window in which failed logins are counted, and how long a lock lasts.
const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// Failed logins from one client address within the window before it is refused.
const MAX_FAILURES_PER_IP: i64 = 30;
/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Hashes a password with argon2id (default parameters, random salt). CPU-heavy: call it from
/// `spawn_blocking`.
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(internal)
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash_password`] off the async runtime.
pub async fn hash_password_blocking(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(internal)?
}

/// Rules for a new password; returns the problem in both languages.
pub fn check_new_password(password: &str, username: &str) -> Result<(), Msg> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Msg::new(
            format!("Mật khẩu phải có ít nhất {MIN_PASSWORD_LEN} ký tự."),
            format!("A password needs at least {MIN_PASSWORD_LEN} characters."),
        ));
    }
    if search_key(password).contains(&search_key(username)) {
        return Err(Msg::new(
            "Mật khẩu không được chứa tên đăng nhập.",
            "A password must not contain the username.",
        ));
    }
    Ok(())
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Creates a session for `user_id` and returns the cookie token.
pub async fn create_session(pool: &Pool, user_id: i64, hours: i64) -> AppResult<String> {
    let token = new_token();
    let now = db::now();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now)
        .bind(now + Duration::hours(hours))
        .execute(pool)
        .await?;
    // Expired sessions are cleaned up here rather than by a timer: logins are frequent enough.
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(pool)
        .await?;
    Ok(token)
}

/// Deletes the session behind `token`.
pub async fn delete_session(pool: &Pool, token: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes every session of a user except `keep_token` (after a password change).
pub async fn delete_other_sessions(pool: &Pool, user_id: i64, keep_token: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(token_hash(keep_token))
        .execute(pool)
        .await?;
    Ok(())
}

/// The `Set-Cookie` value that stores `token`.
pub fn session_cookie(token: &str, hours: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        hours * 3600,
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session token sent with a request, if any.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    full_name: String,
    must_change_password: bool,
}

#[derive(sqlx::FromRow)]
struct AssignmentRow {
    id: i64,
    role: String,
    org_unit_id: i64,
    path: String,
    name: String,
}

/// Loads a user and their assignments (active users only).
pub async fn load_session_user(pool: &Pool, user_id: i64) -> AppResult<Option<SessionUser>> {
    let Some(user) = sqlx::query_as::<_, UserRow>(
        "SELECT id, username, full_name, must_change_password FROM users WHERE id = $1 AND active",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let rows = sqlx::query_as::<_, AssignmentRow>(
        "SELECT ra.id, ra.role, ra.org_unit_id, ou.path, ou.name
         FROM role_assignments ra JOIN org_units ou ON ou.id = ra.org_unit_id
         WHERE ra.user_id = $1 ORDER BY ra.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let assignments = rows
        .into_iter()
        .filter_map(|r| {
            Role::from_code(&r.role).map(|role| Assignment {
                id: r.id,
                role,
                unit_id: r.org_unit_id,
                unit_path: r.path,
                unit_name: r.name,
            })
        })
        .collect();
    Ok(Some(SessionUser {
        id: user.id,
        username: user.username,
        full_name: user.full_name,
        must_change_password: user.must_change_password,
        assignments,
    }))
}

/// The signed-in user behind a session token, if the session is live.
pub async fn user_for_token(pool: &Pool, token: &str) -> AppResult<Option<SessionUser>> {
    let user_id: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(db::now())
    .fetch_optional(pool)
    .await?;
    match user_id {
        Some(id) => load_session_user(pool, id).await,
        None => Ok(None),
    }
}

/// The signed-in user behind a request's headers, if any.
pub async fn user_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> AppResult<Option<SessionUser>> {
    match token_from_headers(headers) {
        Some(token) => user_for_token(&state.db, &token).await,
        None => Ok(None),
    }
}

/// The signed-in user of a page request, looked up before the page is rendered. Pages need
/// the user synchronously: if they waited for it inside the render, everything below would be
/// created after an await, in an order that varies from request to request, and the browser
/// could not match the page's data to its own (a hydration failure). `app::shell` also writes
/// it into the page so the browser starts with the same value.
#[derive(Clone, Debug)]
pub struct PageSession(pub AppResult<Option<SessionUser>>);

/// Middleware: attaches [`PageSession`] to requests for pages (not to server functions, which
/// look the caller up themselves, nor to files).
pub async fn attach_page_session(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    let is_page = request.method() == axum::http::Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !last_segment.contains('.');
    if is_page {
        let user = user_from_headers(&state, request.headers()).await;
        request.extensions_mut().insert(PageSession(user));
    }
    next.run(request).await
}

/// The [`PageSession`] of the page being rendered (signed out when there is none).
pub fn page_session() -> AppResult<Option<SessionUser>> {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageSession>().cloned())
        .map(|session| session.0)
        .unwrap_or(Ok(None))
}

/// Request headers inside a server function (or during server rendering).
pub fn request_headers() -> HeaderMap {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .map(|p| p.headers)
        .unwrap_or_default()
}

/// Inside a server function: the state and the signed-in user, or `Unauthenticated`.
pub async fn caller() -> AppResult<(AppState, SessionUser)> {
    let state = AppState::current()?;
    match user_from_headers(&state, &request_headers()).await? {
        Some(user) => Ok((state, user)),
        None => Err(AppError::Unauthenticated),
    }
}

/// Inside a server function: the state and the signed-in user holding `permission` somewhere.
pub async fn caller_with(permission: Permission) -> AppResult<(AppState, SessionUser)> {
    let (state, user) = caller().await?;
    if user.must_change_password {
        return Err(AppError::Forbidden(Msg::new(
            "Bạn cần đổi mật khẩu trước khi tiếp tục.",
            "Please change your password before continuing.",
        )));
    }
    if user.can(permission) {
        Ok((state, user))
    } else {
        Err(AppError::forbidden())
    }
}

/// The body of a server function that any signed-in user may call: runs `body` with the state
/// and the caller, and gives the HTTP response the status of its error (401, 403, 409, …).
pub async fn as_caller<T, Fut>(body: impl FnOnce(AppState, SessionUser) -> Fut) -> AppResult<T>
where
    Fut: std::future::Future<Output = AppResult<T>>,
{
    let result = match caller().await {
        Ok((state, user)) => body(state, user).await,
        Err(e) => Err(e),
    };
    crate::server::error::with_status(result)
}

/// The body of a server function that needs `permission` somewhere in the caller's scopes (the
/// unit-level check is the body's job): like [`as_caller`], after [`caller_with`].
pub async fn as_caller_with<T, Fut>(
    permission: Permission,
    body: impl FnOnce(AppState, SessionUser) -> Fut,
) -> AppResult<T>
where
    Fut: std::future::Future<Output = AppResult<T>>,
{
    let result = match caller_with(permission).await {
        Ok((state, user)) => body(state, user).await,
        Err(e) => Err(e),
    };
    crate::server::error::with_status(result)
}

/// Fails with `Forbidden` unless `user` holds `permission` at the unit with `path`.
pub fn require_at(user: &SessionUser, permission: Permission, path: &str) -> AppResult<()> {
    if user.can_at(permission, path) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// The client address of the current request: the socket address, or — only when the server
/// is configured to sit behind a trusted reverse proxy (`KH_TRUST_PROXY`) — the first
/// `X-Forwarded-For` entry. Trusting that header from anyone would let a client dodge the
/// per-address login limit by inventing addresses.
pub fn client_ip(headers: &HeaderMap, trust_proxy: bool) -> String {
    if let Some(forwarded) = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .filter(|_| trust_proxy)
    {
        return forwarded.trim().to_string();
    }
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Refuses a login attempt when the account or the client address failed too often recently.
pub async fn check_throttle(
    pool: &Pool,
    username: &str,
    ip: &str,
    max_failures: i64,
) -> AppResult<()> {
    let since: DateTime<Utc> = db::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let by_user: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_failures WHERE username_key = $1 AND at > $2",
    )
    .bind(search_key(username))
    .bind(since)
    .fetch_one(pool)
    .await?;
    let by_ip: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE client_ip = $1 AND at > $2")
            .bind(ip)
            .bind(since)
            .fetch_one(pool)
            .await?;
    if by_user >= max_failures || by_ip >= MAX_FAILURES_PER_IP {
        return Err(AppError::TooManyAttempts(Msg::new(
            format!(
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {THROTTLE_WINDOW_MINUTES} phút."
            ),
            format!(
                "Too many failed sign-ins. Please try again in {THROTTLE_WINDOW_MINUTES} minutes."
            ),
        )));
    }
    Ok(())
}

/// Records a failed login.
pub async fn record_failure(pool: &Pool, username: &str, ip: &str) -> AppResult<()> {
    sqlx::query("INSERT INTO login_failures (username_key, client_ip, at) VALUES ($1, $2, $3)")
        .bind(search_key(username))
        .bind(ip)
        .bind(db::now())
        .execute(pool)
        .await?;
    Ok(())
}

/// Clears the failures of an account after a successful login.
pub async fn clear_failures(pool: &Pool, username: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE username_key = $1")
        .bind(search_key(username))
        .execute(pool)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Credentials {
    id: i64,
    password_hash: String,
}

/// Checks a username and password; returns the user id when they match an active account.
/// A wrong password and an unknown user take the same time and give the same answer.
pub async fn verify_login(pool: &Pool, username: &str, password: &str) -> AppResult<Option<i64>> {
    let row = sqlx::query_as::<_, Credentials>(
        "SELECT id, password_hash FROM users WHERE username = $1 AND active",
    )
    .bind(username.trim().to_lowercase())
    .fetch_optional(pool)
    .await?;
    // Verify against a fixed hash when the user is unknown so timing does not reveal usernames.
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password("không-phải-mật-khẩu-thật").unwrap_or_default());
    let hash = match &row {
        Some(r) => r.password_hash.clone(),
        None => DUMMY.clone(),
    };
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(internal)?;
    Ok(row.filter(|_| ok).map(|r| r.id))
}
