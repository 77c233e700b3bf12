//! Org unit tree.
use leptos::prelude::*;
#[component]
pub fn OrgUnitsPage() -> impl IntoView { view! { <p>"TODO"</p> } }
