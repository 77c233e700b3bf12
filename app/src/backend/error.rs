//! How server-side failures become user-safe errors: database and I/O errors are logged with a
//! short reference and replaced by [`AppError::Internal`]; nothing internal reaches the browser.

use crate::error::AppError;

/// A short random reference printed in the log and shown to the user, to find one in the other.
pub fn new_reference() -> String {
    use rand::Rng;
    let n: u32 = rand::thread_rng().gen();
    format!("{n:08x}")
}

/// Logs `err` and returns the generic internal error.
pub fn internal(err: impl std::fmt::Display) -> AppError {
    let reference = new_reference();
    tracing::error!(%reference, error = %err, "internal error");
    AppError::Internal { reference }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        internal(err)
    }
}

/// Sets the HTTP status of the current server-function response to match its error (with a
/// `Retry-After` on 429 and 503, so scripts and proxies know when to try again). When the
/// function runs inside a page render (server-side rendering calls it directly), the page's own
/// status is left alone: the page shows the error instead.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    let is_api_call = leptos::prelude::use_context::<axum::http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with("/api/"));
    if let (Err(err), true) = (&result, is_api_call) {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = axum::http::StatusCode::from_u16(err.status()) {
                options.set_status(status);
            }
            if let Some(seconds) = retry_after_seconds(err) {
                options.insert_header(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(seconds),
                );
            }
        }
    }
    result
}

/// How long a client should wait before retrying after `err`, when that is known: a busy
/// server clears within seconds, a login lock after its window (15 minutes).
pub fn retry_after_seconds(err: &AppError) -> Option<u64> {
    match err {
        AppError::Unavailable(_) => Some(2),
        AppError::TooManyAttempts(_) => Some(15 * 60),
        _ => None,
    }
}
