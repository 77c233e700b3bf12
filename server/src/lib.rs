//! The Khuyến Học server: builds the axum application (Leptos pages, server functions, plain
//! routes, static files, middleware) and runs it with graceful shutdown.
//!
//! Tests start it exactly as `main` does, on port 0 with their own database: see
//! [`Application::build`].

#![recursion_limit = "512"]

use app::server::config::Config;
use app::server::{db, demo, AppState};
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
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// A bound, ready-to-run server.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
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
    let added = app::server::cycle::seed_criteria_sets(&pool)
        .await
        .map_err(|e| format!("cannot store the shipped criteria sets: {e:?}"))?;
    if added > 0 {
        tracing::info!(added, "stored the criteria sets shipped with this version");
    }
    Ok(AppState {
        leptos_options,
        db: pool,
        config: Arc::new(config),
    })
}

/// The full router for a state: pages, server functions, plain routes, static files, middleware.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    let max_body = state.config.max_upload_mb * 1024 * 1024;
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
        // answer 503 so the browser can retry instead of waiting forever. Uploads and downloads
        // (the plain routes merged below) may legitimately take longer on a slow line.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .merge(app::server::http::routes())
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            app::server::auth::attach_page_session,
        ))
        .with_state(state);
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
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        Ok(Application {
            listener,
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
