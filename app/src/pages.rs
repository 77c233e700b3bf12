//! One module per route.

pub mod audit;
pub mod home;
pub mod imports;
pub mod login;
pub mod org_units;

use crate::components::use_lang;
use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any address that matches no page.
#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=lang.t("Không tìm thấy trang", "Page not found") />
        <h1 class="page-title">{lang.t("Không tìm thấy trang", "Page not found")}</h1>
        <p>
            {lang.t("Địa chỉ này không tồn tại. ", "This address does not exist. ")}
            <a href="/">{lang.t("Về trang chủ", "Go to the home page")}</a>
        </p>
    }
}
