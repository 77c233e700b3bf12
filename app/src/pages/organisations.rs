//! Organisation list and form.
use leptos::prelude::*;
#[component]
pub fn OrganisationListPage() -> impl IntoView { view! { <p>"TODO"</p> } }
#[component]
pub fn OrganisationFormPage() -> impl IntoView { view! { <p>"TODO"</p> } }
