//! Users.
use leptos::prelude::*;
#[component]
pub fn UsersPage() -> impl IntoView { view! { <p>"TODO"</p> } }
