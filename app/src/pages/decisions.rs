//! Recognition decisions.
use leptos::prelude::*;
#[component]
pub fn DecisionsPage() -> impl IntoView { view! { <p>"…"</p> } }
