//! Criteria sets.
use leptos::prelude::*;
#[component]
pub fn CriteriaListPage() -> impl IntoView { view! { <p>"…"</p> } }
#[component]
pub fn CriteriaSetPage() -> impl IntoView { view! { <p>"…"</p> } }
#[component]
pub fn ScoringSelfCheckPage() -> impl IntoView { view! { <p>"…"</p> } }
