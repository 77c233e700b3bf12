//! Clan list and form.
use leptos::prelude::*;
#[component]
pub fn ClanListPage() -> impl IntoView { view! { <p>"TODO"</p> } }
#[component]
pub fn ClanFormPage() -> impl IntoView { view! { <p>"TODO"</p> } }
