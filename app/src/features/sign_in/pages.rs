//! Sign-in and password change.

use crate::domain::redirect::next_or_home;
use crate::error::AppError;
use crate::features::sign_in::api::{change_password, Login};
use crate::features::sign_in::types::PasswordChange;
use crate::ui::{field_class, field_error, hard_navigate, use_lang, use_page_user, ErrorAlert};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in form. It works as a plain HTML form too, before the WebAssembly has loaded.
#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    // Only a path on this site may be the target (see `domain::redirect`).
    let next = move || next_or_home(query.read().get("next").as_deref());
    let login = ServerAction::<Login>::new();
    Effect::new(move |_| {
        if let Some(Ok(me)) = login.value().get() {
            let target = if me.must_change_password {
                "/doi-mat-khau".to_string()
            } else {
                next()
            };
            hard_navigate(&target);
        }
    });
    view! {
        <Title text=lang.t("Đăng nhập", "Sign in") />
        <div class="login-page">
            <div class="card">
                <h1 class="page-title">{lang.t("Đăng nhập", "Sign in")}</h1>
                {use_page_user().ok().flatten().map(|me| {
                    view! {
                        <div class="alert alert-info">
                            {format!("{} {}. ", lang.t("Bạn đang đăng nhập là", "You are signed in as"), me.full_name)}
                            // Where the sign-in was meant to lead (also after a sign-in without
                            // JavaScript, which comes back to this page).
                            <a id="continue" href=next()>{lang.t("Tiếp tục", "Continue")}</a>
                        </div>
                    }
                })}
                {move || match login.value().get() {
                    Some(Err(e)) => Some(view! { <ErrorAlert error=e /> }),
                    _ => None,
                }}
                <ActionForm action=login attr:class="form">
                    <div class="field">
                        <label for="username">{lang.t("Tên đăng nhập", "Username")}</label>
                        <input
                            id="username"
                            name="username"
                            type="text"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                        />
                    </div>
                    <div class="field">
                        <label for="password">{lang.t("Mật khẩu", "Password")}</label>
                        <input id="password" name="password" type="password" autocomplete="current-password" required />
                    </div>
                    <div class="form-actions">
                        <button class="btn btn-primary" type="submit" disabled=move || login.pending().get()>
                            {move || {
                                if login.pending().get() {
                                    lang.t("Đang đăng nhập…", "Signing in…")
                                } else {
                                    lang.t("Đăng nhập", "Sign in")
                                }
                            }}
                        </button>
                    </div>
                </ActionForm>
            </div>
        </div>
    }
}

/// Change the signed-in user's password (required after an administrator set it).
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let lang = use_lang();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let save = Action::new(|input: &PasswordChange| change_password(input.clone()));
    let errors = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let done = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <Title text=lang.t("Đổi mật khẩu", "Change password") />
        <h1 class="page-title">{lang.t("Đổi mật khẩu", "Change password")}</h1>
        {match use_page_user().ok().flatten() {
            None => view! { <leptos_router::components::Redirect path="/dang-nhap?next=/doi-mat-khau" /> }.into_any(),
            Some(me) => {
                view! {
                    <Show when=move || me.must_change_password>
                        <div class="alert alert-warning">
                            {lang.t(
                                "Mật khẩu của bạn do quản trị viên đặt. Hãy đổi mật khẩu mới để tiếp tục.",
                                "Your password was set by an administrator. Choose a new one to continue.",
                            )}
                        </div>
                    </Show>
                }
                    .into_any()
            }
        }}
        <Show when=done>
            <div class="alert alert-success" role="status">
                {lang.t("Đã đổi mật khẩu. ", "Password changed. ")}
                <a href="/" rel="external">{lang.t("Về trang chủ", "Go to the home page")}</a>
            </div>
        </Show>
        {move || match save.value().get() {
            Some(Err(e)) if !matches!(e, AppError::Validation(_)) => Some(view! { <ErrorAlert error=e /> }),
            _ => None,
        }}
        <form
            class="form card"
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(PasswordChange { current: current.get(), new: new.get(), confirm: confirm.get() });
            }
        >
            <div class=field_class(errors, "current")>
                <label for="current">{lang.t("Mật khẩu hiện tại", "Current password")}</label>
                <input id="current" type="password" autocomplete="current-password" value=current.get_untracked() bind:value=current required />
                {field_error(errors, "current")}
            </div>
            <div class=field_class(errors, "new")>
                <label for="new">{lang.t("Mật khẩu mới", "New password")}</label>
                <input id="new" type="password" autocomplete="new-password" value=new.get_untracked() bind:value=new required />
                <p class="hint">{lang.t("Ít nhất 10 ký tự, không chứa tên đăng nhập.", "At least 10 characters, not containing the username.")}</p>
                {field_error(errors, "new")}
            </div>
            <div class=field_class(errors, "confirm")>
                <label for="confirm">{lang.t("Nhập lại mật khẩu mới", "Repeat the new password")}</label>
                <input id="confirm" type="password" autocomplete="new-password" value=confirm.get_untracked() bind:value=confirm required />
                {field_error(errors, "confirm")}
            </div>
            <div class="form-actions">
                <button class="btn btn-primary" type="submit" disabled=move || save.pending().get()>
                    {lang.t("Lưu mật khẩu mới", "Save new password")}
                </button>
            </div>
        </form>
    }
}
