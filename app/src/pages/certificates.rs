//! Certificates and public verification.
use leptos::prelude::*;
#[component]
pub fn CertificatePage() -> impl IntoView { view! { <p>"…"</p> } }
#[component]
pub fn DecisionCertificatesPage() -> impl IntoView { view! { <p>"…"</p> } }
#[component]
pub fn VerifyPage() -> impl IntoView { view! { <p>"…"</p> } }
