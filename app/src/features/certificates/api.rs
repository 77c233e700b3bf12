//! The certificates' server functions: one certificate, a decision's certificates, and the
//! public verification of a code (no sign-in).

use super::types::{CertificateView, PublicRecognition};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::error::with_status;
#[cfg(feature = "ssr")]
use crate::backend::session::as_caller_with;
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// The certificate of one recognised registration.
#[server(prefix = "/api", endpoint = "cycle/certificate", input = Json)]
pub async fn find_certificate(registration_id: i64) -> Result<CertificateView, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        store::find(&state, &user, registration_id).await
    })
    .await
}

/// All certificates of one decision (bulk printing).
#[server(prefix = "/api", endpoint = "cycle/certificates", input = Json)]
pub async fn list_certificates(decision_id: i64) -> Result<Vec<CertificateView>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        store::list(&state, &user, decision_id).await
    })
    .await
}

/// Public: what a certificate's verification code stands for. No login needed.
#[server(prefix = "/api", endpoint = "verify", input = Json)]
pub async fn verify(code: String) -> Result<PublicRecognition, AppError> {
    with_status(
        async move {
            let state = crate::backend::AppState::current()?;
            store::verify(&state.db, &code).await
        }
        .await,
    )
}
