//! Spreadsheet imports. The file itself is uploaded to `POST /import/upload` (a plain route, so
//! the browser can show upload progress); these functions preview and commit it.

use crate::domain::import::{ImportField, ImportKind, ImportOutcome, ImportPreview};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::backend::session::as_caller_with;
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;
#[cfg(feature = "ssr")]
use crate::features::imports::store as imports;
#[cfg(feature = "ssr")]
use crate::vietnam_time::this_year;

/// The permission an import of `kind` needs.
#[cfg(feature = "ssr")]
pub(crate) fn import_permission(kind: ImportKind) -> Permission {
    match kind {
        ImportKind::Households => Permission::WriteRegistry,
        ImportKind::OrgUnits => Permission::ManageOrgUnits,
    }
}

/// Checks every row of an uploaded file under `mapping`; writes nothing.
#[server(prefix = "/api", endpoint = "import/preview", input = Json)]
pub async fn preview_import(
    batch_id: i64,
    kind: ImportKind,
    mapping: Vec<Option<ImportField>>,
) -> Result<ImportPreview, AppError> {
    as_caller_with(import_permission(kind), |state, user| async move {
        match kind {
            ImportKind::Households => {
                imports::preview_households(&state.db, &user, batch_id, &mapping, this_year()).await
            }
            ImportKind::OrgUnits => {
                imports::preview_units(&state.db, &user, batch_id, &mapping).await
            }
        }
    })
    .await
}

/// Writes every row of an uploaded file, in one transaction; refuses if any row has an error.
#[server(prefix = "/api", endpoint = "import/commit", input = Json)]
pub async fn commit_import(
    batch_id: i64,
    kind: ImportKind,
    mapping: Vec<Option<ImportField>>,
) -> Result<ImportOutcome, AppError> {
    as_caller_with(import_permission(kind), |state, user| async move {
        match kind {
            ImportKind::Households => {
                imports::commit_households(&state.db, &user, batch_id, &mapping, this_year()).await
            }
            ImportKind::OrgUnits => {
                imports::commit_units(&state.db, &user, batch_id, &mapping).await
            }
        }
    })
    .await
}
