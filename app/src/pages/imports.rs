//! Imports.
use leptos::prelude::*;
#[component]
pub fn OrgUnitImportPage() -> impl IntoView { view! { <p>"TODO"</p> } }
#[component]
pub fn HouseholdImportPage() -> impl IntoView { view! { <p>"TODO"</p> } }
