//! The decisions' server functions: issue one, list a year's.

use super::types::{DecisionInput, DecisionView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::session::as_caller_with;
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// Issues one recognition decision covering many approved evaluations.
#[server(prefix = "/api", endpoint = "cycle/decide", input = Json)]
pub async fn issue_decision(input: DecisionInput) -> Result<DecisionView, AppError> {
    as_caller_with(Permission::Review, |state, user| async move {
        store::issue(&state.db, &user, input).await
    })
    .await
}

/// Decisions within the caller's scope, newest first.
#[server(prefix = "/api", endpoint = "cycle/decisions", input = Json)]
pub async fn list_decisions(year: i32) -> Result<Vec<DecisionView>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        store::list(&state.db, &user, year).await
    })
    .await
}
