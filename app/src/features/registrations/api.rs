//! The registrations' server functions: the candidates of a unit, register many at once,
//! unregister, list, and the signed-in user's work queues.

use super::types::{
    Candidate, Queues, RegisterInput, RegisterOutcome, RegistrationQuery, RegistrationRow,
};
use crate::domain::criteria::TitleKind;
use crate::domain::listing::Page;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::scope;
#[cfg(feature = "ssr")]
use crate::backend::session::{as_caller, as_caller_with};
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// Subjects of a title within an org unit (e.g. the households of a village), with whether each
/// is already registered for `year`.
#[server(prefix = "/api", endpoint = "cycle/candidates", input = Json)]
pub async fn list_candidates(
    year: i32,
    title_kind: TitleKind,
    unit_id: i64,
) -> Result<Vec<Candidate>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let scopes =
            scope::list_scopes(&state.db, &user, Permission::ReadRegistry, Some(unit_id)).await?;
        store::list_candidates(&state.db, &scopes, year, title_kind).await
    })
    .await
}

/// Registers many subjects for a title and year at once.
#[server(prefix = "/api", endpoint = "cycle/register", input = Json)]
pub async fn register(input: RegisterInput) -> Result<RegisterOutcome, AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        store::register(&state.db, &user, input).await
    })
    .await
}

/// Cancels a registration that has not been scored yet.
#[server(prefix = "/api", endpoint = "cycle/unregister", input = Json)]
pub async fn unregister(registration_id: i64) -> Result<(), AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        store::unregister(&state.db, &user, registration_id).await
    })
    .await
}

/// Registrations within the caller's scope.
#[server(prefix = "/api", endpoint = "cycle/registrations", input = Json)]
pub async fn list_registrations(
    query: RegistrationQuery,
) -> Result<Page<RegistrationRow>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let scopes =
            scope::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id).await?;
        store::list(&state.db, &scopes, &query).await
    })
    .await
}

/// What waits for the signed-in user.
#[server(prefix = "/api", endpoint = "cycle/queues", input = Json)]
pub async fn list_queues(year: i32) -> Result<Queues, AppError> {
    as_caller(|state, user| async move { store::list_queues(&state.db, &user, year).await }).await
}
