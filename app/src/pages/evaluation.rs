//! The evaluation form.
use leptos::prelude::*;
#[component]
pub fn EvaluationPage() -> impl IntoView { view! { <p>"…"</p> } }
