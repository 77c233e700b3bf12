//! Passwords (argon2id), server-side sessions, finding the caller of a request and its client
//! address; login throttling and the bound on password checks are in [`throttle`].
//!
//! The session cookie holds a random 256-bit token; the database keeps only its SHA-256, so a
//! copy of the database cannot be replayed as a login. Cookies are `HttpOnly` and
//! `SameSite=Lax` (cross-site POSTs carry no session; the server also refuses cross-site
//! writes, see `server/src/lib.rs`), and `Secure` when configured. A session ends after an idle
//! timeout that each request slides forward, and at the latest an absolute time after sign-in
//! ([`SessionLimits`]).

use crate::backend::config::Config;
use crate::backend::cookies;
use crate::backend::db::{self, Pool};
use crate::backend::state::AppState;
use crate::domain::roles::{Assignment, Permission, Role, SessionUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use argon2::password_hash::rand_core::OsRng;
use axum::http::HeaderMap;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "kh_session";

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// How long sessions last (from `KH_SESSION_IDLE_MINUTES` and `KH_SESSION_MAX_HOURS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLimits {
    /// A session without a request for this long has ended.
    pub idle: Duration,
    /// A session has ended this long after sign-in, however active.
    pub max: Duration,
}

impl SessionLimits {
    /// How far the idle deadline must have fallen behind before a request moves it. Moving it
    /// on every request would turn every page view into a database write (and SQLite has one
    /// writer at a time); moving it at most once a minute (sooner for a very short idle
    /// timeout) costs one write per active session per minute and loses at most that minute.
    fn slide_after(&self) -> Duration {
        (self.idle / 10).min(Duration::minutes(1))
    }

    /// The idle deadline of a session created at `created_at`, as of `now`: never past the
    /// absolute limit.
    fn deadline(&self, created_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        (now + self.idle).min(created_at + self.max)
    }
}

/// Creates a session for `user_id` and returns the cookie token.
pub async fn create_session(pool: &Pool, user_id: i64, limits: SessionLimits) -> AppResult<String> {
    let token = new_token();
    let now = db::now();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now)
        .bind(limits.deadline(now, now))
        .execute(pool)
        .await?;
    // Ended sessions are cleaned up here rather than by a timer: logins are frequent enough.
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR created_at < $2")
        .bind(now)
        .bind(now - limits.max)
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

/// The `Set-Cookie` value that stores `token` for `hours` (the absolute limit: the idle timeout
/// is the server's to enforce).
pub fn session_cookie(token: &str, hours: i64, secure: bool) -> String {
    cookies::write(
        SESSION_COOKIE,
        token.to_string(),
        hours * 3600,
        true,
        secure,
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    cookies::write(SESSION_COOKIE, String::new(), 0, true, secure)
}

/// The session token sent with a request, if any (and if it has a token's shape).
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    cookies::read(headers, SESSION_COOKIE)
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

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: i64,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// The signed-in user behind a session token, if the session is live: within its idle
/// deadline and within the absolute limit since sign-in. Slides the idle deadline forward
/// (see [`SessionLimits::slide_after`] for how often).
pub async fn user_for_token(
    pool: &Pool,
    token: &str,
    limits: SessionLimits,
) -> AppResult<Option<SessionUser>> {
    let now = db::now();
    let hash = token_hash(token);
    let Some(session) = sqlx::query_as::<_, SessionRow>(
        "SELECT user_id, created_at, expires_at FROM sessions
         WHERE token_hash = $1 AND expires_at > $2 AND created_at > $3",
    )
    .bind(&hash)
    .bind(now)
    .bind(now - limits.max)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let deadline = limits.deadline(session.created_at, now);
    if deadline - session.expires_at > limits.slide_after() {
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
            .bind(deadline)
            .bind(&hash)
            .execute(pool)
            .await?;
    }
    load_session_user(pool, session.user_id).await
}

/// The signed-in user behind a request's headers, if any.
pub async fn user_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> AppResult<Option<SessionUser>> {
    match token_from_headers(headers) {
        Some(token) => user_for_token(&state.db, &token, state.config.session_limits()).await,
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

/// The refusal for a user who must change their password before anything else.
pub fn password_change_required() -> AppError {
    AppError::Forbidden(Msg::new(
        "Bạn cần đổi mật khẩu trước khi tiếp tục.",
        "Please change your password before continuing.",
    ))
}

/// `user`, unless they must change their password first (`Forbidden`). Every server function
/// and plain route goes through this, through [`caller`] or the plain routes' own check;
/// only changing the password, signing out and reading one's own session do not.
pub fn require_password_changed(user: SessionUser) -> AppResult<SessionUser> {
    if user.must_change_password {
        Err(password_change_required())
    } else {
        Ok(user)
    }
}

/// Inside a server function: the state and the signed-in user, even one who must still change
/// their password. Only for changing it.
pub async fn session_caller() -> AppResult<(AppState, SessionUser)> {
    let state = AppState::current()?;
    match user_from_headers(&state, &request_headers()).await? {
        Some(user) => Ok((state, user)),
        None => Err(AppError::Unauthenticated),
    }
}

/// Inside a server function: the state and the signed-in user, or `Unauthenticated`; a user
/// who must change their password first is refused (`Forbidden`).
async fn caller() -> AppResult<(AppState, SessionUser)> {
    let (state, user) = session_caller().await?;
    Ok((state, require_password_changed(user)?))
}

/// Inside a server function: the state and the signed-in user holding `permission` somewhere.
async fn caller_with(permission: Permission) -> AppResult<(AppState, SessionUser)> {
    let (state, user) = caller().await?;
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
    crate::backend::error::with_status(result)
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
    crate::backend::error::with_status(result)
}

/// Fails with `Forbidden` unless `user` holds `permission` at the unit with `path`.
pub fn require_at(user: &SessionUser, permission: Permission, path: &str) -> AppResult<()> {
    if user.can_at(permission, path) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// The client address of the current request (for the per-address login limit). See
/// [`choose_client_ip`] for how `X-Forwarded-For` is read.
pub fn client_ip(headers: &HeaderMap, config: &Config) -> String {
    let socket = leptos::prelude::use_context::<axum::http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
    });
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    choose_client_ip(
        &forwarded.join(","),
        socket,
        config.trust_proxy,
        &config.trusted_proxies,
    )
    .map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

/// The client address from the socket peer and the `X-Forwarded-For` entries.
///
/// Without proxy trust, or when the peer is not one of the trusted proxies (someone reached
/// the server directly), the header is ignored: anyone can write it, and believing it would
/// let a client dodge the per-address limit by inventing addresses. Behind trusted proxies,
/// each proxy appends the address it received the request from, so the entries are read from
/// the right, skipping the trusted proxies; the first other address is the client. Entries to
/// its left were written by the client and are never used; entries that are not addresses are
/// skipped. When every entry is a trusted proxy, the peer address is the answer.
pub fn choose_client_ip(
    forwarded_for: &str,
    socket: Option<IpAddr>,
    trust_proxy: bool,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let normalise = |ip: IpAddr| ip.to_canonical();
    let socket = socket.map(normalise);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| normalise(*t) == ip);
    if !trust_proxy || !socket.is_some_and(is_trusted) {
        return socket;
    }
    forwarded_for
        .rsplit(',')
        .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
        .map(normalise)
        .find(|ip| !is_trusted(*ip))
        .or(socket)
}

#[derive(sqlx::FromRow)]
struct Credentials {
    id: i64,
    password_hash: String,
}

/// Checks a username and password, throttled and bounded ([`throttle`]): takes a place among
/// the password checks (503 at once when there is none), reserves the attempt against the
/// account's and the address's failure limits (429 when over), then verifies. Returns the user
/// id when they match an active account; a wrong password and an unknown user take the same
/// time and give the same answer. A right password clears the account's failures.
pub async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
    ip: &str,
) -> AppResult<Option<i64>> {
    let place = state.login_gate.enter()?;
    let attempt = crate::backend::throttle::reserve_attempt(
        &state.db,
        username,
        ip,
        state.config.login_max_failures,
    )
    .await?;
    let checked = async {
        let row = sqlx::query_as::<_, Credentials>(
            "SELECT id, password_hash FROM users WHERE username = $1 AND active",
        )
        .bind(username.trim().to_lowercase())
        .fetch_optional(&state.db)
        .await?;
        let ok = place
            .verify(
                password.to_string(),
                row.as_ref().map(|r| r.password_hash.clone()),
            )
            .await?;
        Ok::<_, AppError>(row.filter(|_| ok).map(|r| r.id))
    }
    .await;
    match &checked {
        Ok(Some(_)) => crate::backend::throttle::clear_failures(&state.db, username).await?,
        // The reserved attempt stays: it is the recorded failure.
        Ok(None) => {}
        // A fault on our side is not the user's failure.
        Err(_) => crate::backend::throttle::release_attempt(&state.db, attempt).await?,
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies() -> Vec<IpAddr> {
        vec![ip("127.0.0.1"), ip("::1"), ip("10.0.0.5")]
    }

    #[test]
    fn without_proxy_trust_the_header_is_ignored() {
        let chosen = choose_client_ip("203.0.113.9", Some(ip("198.51.100.7")), false, &proxies());
        assert_eq!(chosen, Some(ip("198.51.100.7")));
    }

    #[test]
    fn the_right_most_untrusted_entry_is_the_client() {
        // The client claimed 1.2.3.4; the outer proxy saw 203.0.113.9 and appended it; the
        // inner proxy (10.0.0.5) appended what it saw and connected to us from loopback.
        let chosen = choose_client_ip(
            "1.2.3.4, 203.0.113.9, 10.0.0.5",
            Some(ip("127.0.0.1")),
            true,
            &proxies(),
        );
        assert_eq!(chosen, Some(ip("203.0.113.9")));
    }

    #[test]
    fn a_client_supplied_left_most_entry_cannot_spoof_the_address() {
        for spoof in ["127.0.0.1", "10.0.0.5", "8.8.8.8", "garbage", ""] {
            let header = format!("{spoof}, 203.0.113.9");
            let chosen = choose_client_ip(&header, Some(ip("127.0.0.1")), true, &proxies());
            assert_eq!(chosen, Some(ip("203.0.113.9")), "{header}");
        }
    }

    #[test]
    fn invalid_entries_are_skipped_and_only_proxies_fall_back_to_the_peer() {
        let chosen = choose_client_ip(
            "203.0.113.9, not-an-ip, 10.0.0.5:8080",
            Some(ip("::1")),
            true,
            &proxies(),
        );
        assert_eq!(chosen, Some(ip("203.0.113.9")));
        let only_proxies =
            choose_client_ip("10.0.0.5, 127.0.0.1", Some(ip("::1")), true, &proxies());
        assert_eq!(only_proxies, Some(ip("::1")));
        let empty = choose_client_ip("", Some(ip("127.0.0.1")), true, &proxies());
        assert_eq!(empty, Some(ip("127.0.0.1")));
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_it_sends() {
        let chosen = choose_client_ip("203.0.113.9", Some(ip("198.51.100.7")), true, &proxies());
        assert_eq!(chosen, Some(ip("198.51.100.7")));
    }

    #[test]
    fn ipv4_mapped_addresses_count_as_their_ipv4_form() {
        let chosen = choose_client_ip(
            "::ffff:203.0.113.9, ::ffff:10.0.0.5",
            Some(ip("::ffff:127.0.0.1")),
            true,
            &proxies(),
        );
        assert_eq!(chosen, Some(ip("203.0.113.9")));
    }

    #[test]
    fn the_idle_deadline_never_passes_the_absolute_limit() {
        let limits = SessionLimits {
            idle: Duration::minutes(120),
            max: Duration::hours(12),
        };
        let created = Utc::now();
        assert_eq!(
            limits.deadline(created, created),
            created + Duration::minutes(120)
        );
        let late = created + Duration::hours(11);
        assert_eq!(
            limits.deadline(created, late),
            created + Duration::hours(12)
        );
        assert_eq!(limits.slide_after(), Duration::minutes(1));
        let short = SessionLimits {
            idle: Duration::minutes(1),
            max: Duration::hours(1),
        };
        assert_eq!(short.slide_after(), Duration::seconds(6));
    }
}
