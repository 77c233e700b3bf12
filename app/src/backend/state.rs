//! The one piece of shared state: passed to axum handlers and provided to server functions
//! through Leptos context. Tests build their own.

use crate::backend::config::Config;
use crate::backend::db::Pool;
use crate::backend::throttle::LoginGate;
use crate::error::{AppError, AppResult};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Pool,
    pub config: Arc<Config>,
    /// The bound on concurrent password checks (one per process: it bounds this process's
    /// memory).
    pub login_gate: Arc<LoginGate>,
    /// What changed, for the dashboards' live event streams (one reader per process).
    pub changes: crate::backend::changes::ChangeFeed,
}

impl AppState {
    /// The state inside a server function.
    pub fn current() -> AppResult<AppState> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            AppError::Internal {
                reference: "state".into(),
            }
        })
    }
}
