//! Registration (bulk, printable list) and the work queues.
use leptos::prelude::*;
#[component]
pub fn RegistrationPage() -> impl IntoView { view! { <p>"…"</p> } }
#[component]
pub fn QueuePage() -> impl IntoView { view! { <p>"…"</p> } }
