//! The yearly report's server functions: a unit's report for a year, and saving one of its
//! narrative sections.

use super::types::{Narrative, NarrativeInput, Report, ReportQuery};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::session::as_caller_with;
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// The report of a unit and year (default unit: the caller's own area), within the caller's
/// dashboard scope: everyone who sees the unit's dashboard reads its report.
#[server(prefix = "/api", endpoint = "reports/find", input = Json)]
pub async fn find_report(query: ReportQuery) -> Result<Report, AppError> {
    as_caller_with(Permission::ViewDashboard, |state, user| async move {
        store::find(&state.db, &user, query).await
    })
    .await
}

/// Saves one narrative section of a unit's report (officers and administrators of the unit or
/// above), naming the version the editor saw: 409 with the current text when it changed since.
#[server(prefix = "/api", endpoint = "reports/narrative/save", input = Json)]
pub async fn save_narrative(input: NarrativeInput) -> Result<Narrative, AppError> {
    as_caller_with(Permission::EditReports, |state, user| async move {
        store::save_narrative(&state.db, &user, input).await
    })
    .await
}
