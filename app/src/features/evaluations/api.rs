//! The evaluations' server functions: start, find, update (the server scores again from the
//! raw answers), the review steps, and removing an evidence file. Evidence is uploaded through
//! the plain HTTP route `/attachments` (see `crate::backend::http`).

use super::types::{EvaluationInput, EvaluationSaved, EvaluationView, StepInput};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::session::{as_caller, as_caller_with};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// Opens (creating if needed) the evaluation of a registration; returns its id.
#[server(prefix = "/api", endpoint = "cycle/start", input = Json)]
pub async fn start_evaluation(registration_id: i64) -> Result<i64, AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        store::start(&state.db, &user, registration_id).await
    })
    .await
}

/// The evaluation form's data.
#[server(prefix = "/api", endpoint = "cycle/evaluation", input = Json)]
pub async fn find_evaluation(id: i64) -> Result<EvaluationView, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        store::find(&state.db, &user, id).await
    })
    .await
}

/// Saves answers and evidence notes. The server scores again and ignores `client_total`.
#[server(prefix = "/api", endpoint = "cycle/save", input = Json)]
pub async fn update_evaluation(input: EvaluationInput) -> Result<EvaluationSaved, AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        store::update(&state.db, &user, input).await
    })
    .await
}

/// Submits, returns (with comments), approves or unlocks (with a reason) an evaluation.
#[server(prefix = "/api", endpoint = "cycle/step", input = Json)]
pub async fn step_evaluation(input: StepInput) -> Result<EvaluationSaved, AppError> {
    as_caller(|state, user| async move {
        store::step(&state.db, &user, input, state.config.training_gates_scoring).await
    })
    .await
}

/// Removes an evidence file (only while the evaluation can be edited).
#[server(prefix = "/api", endpoint = "cycle/attachment-delete", input = Json)]
pub async fn delete_attachment(id: i64) -> Result<(), AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        store::evidence::delete_attachment(&state.db, &user, id).await
    })
    .await
}
