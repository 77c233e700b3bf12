//! The Khuyến Học server: builds the axum application (Leptos pages, server functions, plain
//! routes, static files, middleware) and runs it with graceful shutdown.
//!
//! Tests start it exactly as `main` does, on port 0 with their own database: see
//! [`Application::build`].

#![recursion_limit = "512"]

use app::backend::config::Config;
use app::backend::{db, demo, AppState};
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// A bound, ready-to-run server.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    /// Closed at shutdown, so open dashboard streams end instead of holding the server up.
    changes: app::backend::changes::ChangeFeed,
    /// The address it listens on (useful when the port was 0).
    pub addr: SocketAddr,
    /// Whether demo data was loaded by this start.
    pub demo_loaded: bool,
}

/// Opens the database, loads demo data or the bootstrap administrator as configured, and
/// returns the shared state.
pub async fn build_state(
    config: Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, String> {
    let pool = db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open database {}: {e}", config.database_url))?;
    let added = app::features::criteria_sets::store::seed(&pool)
        .await
        .map_err(|e| format!("cannot store the shipped criteria sets: {e:?}"))?;
    if added > 0 {
        tracing::info!(added, "stored the criteria sets shipped with this version");
    }
    let added = app::features::training::store::seed::seed(&pool)
        .await
        .map_err(|e| format!("cannot store the shipped training modules: {e:?}"))?;
    if added > 0 {
        tracing::info!(
            added,
            "stored the training modules shipped with this version"
        );
    }
    spawn_import_purge(pool.clone(), config.import_retention_days);
    Ok(AppState {
        changes: app::backend::changes::ChangeFeed::start(pool.clone()),
        leptos_options,
        db: pool,
        login_gate: Arc::new(app::backend::throttle::LoginGate::new(config.login_queue)),
        config: Arc::new(config),
    })
}

/// Deletes import files that were never committed once they are `days` old: at start, then
/// every hour (personal data is not kept longer than needed).
fn spawn_import_purge(pool: app::backend::db::Pool, days: i64) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match app::features::imports::store::purge_stale(&pool, days).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, days, "removed stale import files"),
                Err(e) => tracing::warn!(error = ?e, "could not remove stale import files"),
            }
            if pool.is_closed() {
                break;
            }
        }
    });
}

/// How long a page or server function may take before it is answered 503.
fn deadline_for(path: &str) -> Duration {
    if path.starts_with("/api/import/") {
        Duration::from_secs(300)
    } else {
        Duration::from_secs(30)
    }
}

async fn answer_within_deadline(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let deadline = deadline_for(request.uri().path());
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::response::IntoResponse::into_response(StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// The full router for a state: pages, server functions, plain routes, static files, middleware.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    let max_body = state.config.max_upload_mb * 1024 * 1024;
    let config = state.config.clone();
    let security_headers = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let mut router = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                leptos::nonce::provide_nonce();
            },
            move || shell(options.clone()),
        )
        // Pages and server functions answer in well under a second. One that has not answered
        // in 30 s never will (Leptos' server rendering very rarely stalls, see ARCHITECTURE.md):
        // answer 503 so the browser can retry instead of waiting forever. An import's preview
        // and commit get 5 minutes (a 200,000-row file into a province-sized registry takes
        // tens of seconds; a cut-off commit would roll back and never succeed). Uploads and
        // downloads (the plain routes merged below) may legitimately take longer on a slow line.
        .layer(axum::middleware::from_fn(answer_within_deadline))
        .merge(app::backend::http::routes())
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            app::backend::session::attach_page_session,
        ))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            config.clone(),
            refuse_cross_site_writes,
        ));
    if config.secure_cookies {
        // Served over HTTPS (that is what Secure cookies mean): tell browsers never to use
        // plain HTTP for this site again, so a network attacker cannot strip the TLS.
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
        // Responses that set no policy of their own (JSON, files) get a strict one.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(axum::middleware::from_fn(malformed_requests_are_400))
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(TraceLayer::new_for_http())
}

impl Application {
    /// Opens the database, prepares data, and binds `leptos_options.site_addr` (port 0 picks a
    /// free port).
    pub async fn build(
        config: Config,
        leptos_options: LeptosOptions,
    ) -> Result<Application, String> {
        let addr = leptos_options.site_addr;
        let state = build_state(config, leptos_options).await?;
        let mut demo_loaded = false;
        if state.config.demo {
            demo_loaded = demo::load_if_empty(&state.db)
                .await
                .map_err(|e| format!("cannot load demo data: {e:?}"))?;
        } else if let Some(password) = &state.config.bootstrap_admin_password {
            if demo::bootstrap_admin(&state.db, password)
                .await
                .map_err(|e| format!("cannot create the bootstrap administrator: {e:?}"))?
            {
                tracing::warn!("created user `admin` from KH_BOOTSTRAP_ADMIN_PASSWORD; change the password at first login");
            }
        }
        // The denominators of the year as it began (the first start in a year takes them).
        let mut tx = db::begin_write(&state.db)
            .await
            .map_err(|e| format!("cannot open the database: {e}"))?;
        if app::backend::snapshots::ensure(&mut tx, app::vietnam_time::this_year())
            .await
            .map_err(|e| format!("cannot take this year's snapshot: {e:?}"))?
        {
            tracing::info!("took this year's start-of-year denominators");
        }
        tx.commit()
            .await
            .map_err(|e| format!("cannot take this year's snapshot: {e}"))?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        Ok(Application {
            listener,
            changes: state.changes.clone(),
            router: router(state),
            addr,
            demo_loaded,
        })
    }

    /// Serves until `shutdown` completes, then stops accepting and finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let changes = self.changes.clone();
        let shutdown = async move {
            shutdown.await;
            changes.close();
        };
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// The server-function framework answers every error it raises itself (an argument that cannot
/// be decoded, say) with status 500. Our error type already names those `BadRequest`; give them
/// the 400 they deserve so clients and monitoring can tell a bad request from a server fault.
async fn malformed_requests_are_400(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Server-function error bodies are small JSON documents.
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(bytes) => bytes,
        Err(_) => return axum::response::Response::from_parts(parts, axum::body::Body::empty()),
    };
    if bytes.starts_with(b"{\"BadRequest\"") {
        parts.status = axum::http::StatusCode::BAD_REQUEST;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Refuses state-changing requests (POST, PUT, PATCH, DELETE) that another site made the
/// browser send, and server-function calls that are not JSON.
///
/// - `Sec-Fetch-Site: cross-site` or `same-site` → 403. `same-origin` and `none` (typed in,
///   bookmarks) pass. A sibling subdomain is refused too: it is another application, and the
///   `SameSite=Lax` session cookie would travel with its requests.
/// - An `Origin` that is neither the request's own host nor `KH_PUBLIC_URL`'s (nor, behind a
///   trusted proxy, `X-Forwarded-Host`) → 403; `Origin: null` (sandboxed frames, `data:` pages)
///   is refused. Browsers that send neither header are old enough not to send `SameSite`
///   cookies either way; the checks below still hold for them.
/// - A server function under `/api/` other than `login` (a plain form, so that signing in
///   works without JavaScript) must have `Content-Type: application/json` → else 415. A
///   cross-site HTML form cannot send that type, and a script on another site cannot send it
///   without a CORS preflight, which this server never grants.
async fn refuse_cross_site_writes(
    axum::extract::State(config): axum::extract::State<Arc<Config>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match write_refusal(&request, &config) {
        Some(refusal) => refusal,
        None => next.run(request).await,
    }
}

fn write_refusal(
    request: &axum::extract::Request,
    config: &Config,
) -> Option<axum::response::Response> {
    use axum::http::Method;
    use axum::response::IntoResponse;
    let method = request.method();
    if ![Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(method) {
        return None;
    }
    let headers = request.headers();
    let cross_site = || {
        let refusal = app::error::AppError::Forbidden(app::i18n::Msg::new(
            "Yêu cầu bị từ chối vì không được gửi từ trang của hệ thống.",
            "The request was refused because it was not sent from this site's pages.",
        ));
        Some(refusal.into_response())
    };
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase());
    if matches!(fetch_site.as_deref(), Some("cross-site" | "same-site")) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site write (Sec-Fetch-Site)");
        return cross_site();
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().ok().and_then(authority_of_url);
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(normalise_host)
            .or_else(|| {
                request
                    .uri()
                    .authority()
                    .map(|a| normalise_host(a.as_str()))
            });
        let forwarded_host = headers
            .get("x-forwarded-host")
            .and_then(|v| v.to_str().ok())
            .filter(|_| config.trust_proxy)
            .map(normalise_host);
        let allowed = origin.is_some_and(|origin| {
            Some(&origin) == host.as_ref()
                || Some(&origin) == authority_of_url(&config.public_url).as_ref()
                || Some(&origin) == forwarded_host.as_ref()
        });
        if !allowed {
            tracing::warn!(path = %request.uri().path(), "refused a cross-site write (Origin)");
            return cross_site();
        }
    }
    let path = request.uri().path();
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if path.starts_with("/api/") && path != "/api/login" && !is_json {
        let refusal = app::error::AppError::BadRequest(app::i18n::Msg::new(
            "Yêu cầu phải gửi dữ liệu dạng JSON.",
            "The request must send JSON.",
        ));
        return Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, axum::Json(refusal)).into_response());
    }
    None
}

/// `host[:port]` of an absolute URL (`https://example.org:8443/path`), lower case, without the
/// scheme's default port; `None` when it is not one (`null`, a relative path).
fn authority_of_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    Some(
        authority
            .strip_suffix(default_port)
            .unwrap_or(&authority)
            .to_string(),
    )
}

/// A `Host` header value, lower case, without a default port (the scheme is not known here).
fn normalise_host(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    host.strip_suffix(":80")
        .or_else(|| host.strip_suffix(":443"))
        .unwrap_or(&host)
        .to_string()
}
