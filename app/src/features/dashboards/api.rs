//! The dashboard's server function.

use super::types::{Dashboard, DashboardQuery};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::session::as_caller_with;
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// The dashboard of a unit and year, within the caller's dashboard scope.
#[server(prefix = "/api", endpoint = "dashboard", input = Json)]
pub async fn find_dashboard(query: DashboardQuery) -> Result<Dashboard, AppError> {
    as_caller_with(Permission::ViewDashboard, |state, user| async move {
        store::find(&state.db, &user, query).await
    })
    .await
}
