//! User administration: accounts and their role assignments, within the administrator's scope.

use super::api::{
    add_assignment, create_user, list_users, remove_assignment, reset_password, set_user_active,
};
use super::types::{NewUser, UserRow};
use crate::domain::roles::{Permission, Role};
use crate::error::AppError;
use crate::ui::{field_class, field_error, use_lang, ErrorAlert, Guard, UnitSelect};
use leptos::prelude::*;
use leptos_meta::Title;

fn role_select(value: RwSignal<Role>, id: impl Into<String>) -> impl IntoView {
    let id: String = id.into();
    let lang = use_lang();
    view! {
        <select id=id on:change=move |ev| {
            if let Some(r) = Role::from_code(&event_target_value(&ev)) { value.set(r) }
        }>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.code() selected=move || value.get() == r>{r.label(lang)}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    crate::ui::provide_unit_options(&[(None, false)]);
    let lang = use_lang();
    let search = RwSignal::new(String::new());
    let changes = RwSignal::new(0u32);
    let users = Resource::new(
        move || (search.get(), changes.get()),
        |(q, _)| list_users(q),
    );
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    view! {
        <Title text=lang.t("Người dùng", "Users") />
        <h1 class="page-title">{lang.t("Người dùng và phân quyền", "Users and roles")}</h1>
        <Guard permission=Permission::ManageUsers let:me>
            {
                let my_id = me.id;
                view! {
                    {move || notice.get().map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
                    {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
                    <NewUserForm changes notice />
                    <div class="toolbar mt">
                        <div class="field">
                            <label for="user-search">{lang.t("Tìm người dùng", "Find a user")}</label>
                            <input id="user-search" type="search" on:change=move |ev| search.set(event_target_value(&ev)) />
                        </div>
                        <div class="toolbar-spacer"></div>
                        <a class="btn btn-secondary" href="/export/users.xlsx" rel="external" download>{lang.t("Xuất Excel", "Export to Excel")}</a>
                    </div>
                    <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                        {move || Suspend::new(async move {
                            match users.await {
                                Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                Ok(list) => {
                                    let rows = list.into_iter().map(|u| view! { <UserCard user=u changes notice error my_id /> }).collect_view();
                                    view! { <div class="mt">{rows}</div> }.into_any()
                                }
                            }
                        })}
                    </Transition>
                }
            }
        </Guard>
    }
}

#[component]
fn NewUserForm(changes: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let lang = use_lang();
    let username = RwSignal::new(String::new());
    let full_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Officer);
    let unit = RwSignal::new(0i64);
    let create = Action::new(|input: &NewUser| create_user(input.clone()));
    let errors = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(u)) = create.value().get() {
            notice.set(Some(format!(
                "{} {}",
                lang.t("Đã tạo tài khoản", "Account created:"),
                u.username
            )));
            username.set(String::new());
            full_name.set(String::new());
            password.set(String::new());
            changes.update(|c| *c += 1);
        }
    });
    view! {
        <details class="card">
            <summary>{lang.t("+ Tạo tài khoản mới", "+ Create an account")}</summary>
            {move || match create.value().get() {
                Some(Err(e)) if !matches!(e, AppError::Validation(_)) => Some(view! { <ErrorAlert error=e /> }),
                _ => None,
            }}
            <form class="form" on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(NewUser { username: username.get(), full_name: full_name.get(), password: password.get(), role: role.get(), unit_id: unit.get() });
            }>
                <div class="field-row">
                    <div class=field_class(errors, "username")>
                        <label for="nu-username">{lang.t("Tên đăng nhập", "Username")}</label>
                        <input id="nu-username" type="text" autocapitalize="none" value=username.get_untracked() bind:value=username />
                        {field_error(errors, "username")}
                    </div>
                    <div class=field_class(errors, "full_name")>
                        <label for="nu-name">{lang.t("Họ tên", "Full name")}</label>
                        <input id="nu-name" type="text" value=full_name.get_untracked() bind:value=full_name />
                        {field_error(errors, "full_name")}
                    </div>
                </div>
                <div class=field_class(errors, "password")>
                    <label for="nu-password">{lang.t("Mật khẩu ban đầu (người dùng phải đổi khi đăng nhập lần đầu)", "Initial password (must be changed at first sign-in)")}</label>
                    <input id="nu-password" type="text" autocomplete="off" value=password.get_untracked() bind:value=password />
                    {field_error(errors, "password")}
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="nu-role">{lang.t("Vai trò", "Role")}</label>
                        {role_select(role, "nu-role")}
                    </div>
                    <div class=field_class(errors, "unit_id")>
                        <label for="nu-unit">{lang.t("Phạm vi (đơn vị)", "Scope (unit)")}</label>
                        <UnitSelect id="nu-unit" level=None writable=false value=unit empty_label=lang.t("— Chọn đơn vị —", "— Choose a unit —") />
                        {field_error(errors, "unit_id")}
                    </div>
                </div>
                <button class="btn btn-primary" type="submit" disabled=move || create.pending().get()>{lang.t("Tạo tài khoản", "Create account")}</button>
            </form>
        </details>
    }
}

#[component]
fn UserCard(
    user: UserRow,
    changes: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<AppError>>,
    my_id: i64,
) -> impl IntoView {
    let lang = use_lang();
    let user_id = user.id;
    let finish = move |r: Result<String, AppError>| match r {
        Ok(msg) => {
            error.set(None);
            notice.set(Some(msg));
            changes.update(|c| *c += 1);
        }
        Err(e) => {
            notice.set(None);
            error.set(Some(e));
        }
    };
    let unassign = Action::new(move |id: &i64| {
        let id = *id;
        async move {
            remove_assignment(id)
                .await
                .map(|_| lang.t("Đã gỡ vai trò.", "Role removed.").to_string())
        }
    });
    Effect::new(move |_| {
        if let Some(r) = unassign.value().get() {
            finish(r)
        }
    });
    let new_role = RwSignal::new(Role::Officer);
    let new_unit = RwSignal::new(0i64);
    let assign = Action::new(move |(role, unit): &(Role, i64)| {
        let (role, unit) = (*role, *unit);
        async move {
            add_assignment(user_id, role, unit)
                .await
                .map(|_| lang.t("Đã thêm vai trò.", "Role added.").to_string())
        }
    });
    Effect::new(move |_| {
        if let Some(r) = assign.value().get() {
            finish(r)
        }
    });
    let toggle = Action::new(move |to: &bool| {
        let to = *to;
        async move {
            set_user_active(user_id, to).await.map(|_| {
                lang.t("Đã cập nhật tài khoản.", "Account updated.")
                    .to_string()
            })
        }
    });
    Effect::new(move |_| {
        if let Some(r) = toggle.value().get() {
            finish(r)
        }
    });
    let temp_password = RwSignal::new(String::new());
    let reset = Action::new(move |p: &String| {
        let p = p.clone();
        async move {
            reset_password(user_id, p).await.map(|_| {
                lang.t("Đã đặt mật khẩu tạm.", "Temporary password set.")
                    .to_string()
            })
        }
    });
    Effect::new(move |_| {
        if let Some(r) = reset.value().get() {
            finish(r)
        }
    });
    let assignments = user.assignments.iter().map(|a| {
        let aid = a.id;
        view! {
            <li>
                {format!("{} — {} ", a.role.label(lang), a.unit_name)}
                <button class="btn btn-small btn-secondary" type="button" on:click=move |_| { unassign.dispatch(aid); }>{lang.t("Gỡ", "Remove")}</button>
            </li>
        }
    }).collect_view();
    let active = user.active;
    let is_me = user.id == my_id;
    view! {
        <section class="card mb">
            <h3>
                {format!("{} ({}) ", user.full_name, user.username)}
                {if active { view! { <span class="badge badge-ok">{lang.t("Đang hoạt động", "Active")}</span> }.into_any() }
                 else { view! { <span class="badge badge-muted">{lang.t("Đã khoá", "Locked")}</span> }.into_any() }}
                {user.must_change_password.then(|| view! { " " <span class="badge badge-warn">{lang.t("Chờ đổi mật khẩu", "Must change password")}</span> })}
            </h3>
            <ul>{assignments}</ul>
            <details>
                <summary>{lang.t("Thêm vai trò, khoá tài khoản, đặt lại mật khẩu", "Add a role, lock, reset password")}</summary>
                <div class="grid">
                    <form class="form" on:submit=move |ev| { ev.prevent_default(); assign.dispatch((new_role.get(), new_unit.get())); }>
                        <div class="field">
                            <label for=format!("role-{user_id}")>{lang.t("Vai trò", "Role")}</label>
                            {role_select(new_role, format!("role-{user_id}"))}
                        </div>
                        <div class="field">
                            <label for=format!("unit-{user_id}")>{lang.t("Tại đơn vị", "At unit")}</label>
                            <UnitSelect id=format!("unit-{user_id}") level=None writable=false value=new_unit empty_label=lang.t("— Chọn đơn vị —", "— Choose a unit —") />
                        </div>
                        <button class="btn btn-secondary" type="submit">{lang.t("Thêm vai trò", "Add role")}</button>
                    </form>
                    <form class="form" on:submit=move |ev| { ev.prevent_default(); reset.dispatch(temp_password.get()); }>
                        <div class="field">
                            <label for=format!("pw-{user_id}")>{lang.t("Mật khẩu tạm mới", "New temporary password")}</label>
                            <input id=format!("pw-{user_id}") type="text" autocomplete="off" value=temp_password.get_untracked() bind:value=temp_password />
                        </div>
                        <button class="btn btn-secondary" type="submit">{lang.t("Đặt lại mật khẩu", "Reset password")}</button>
                    </form>
                    <div>
                        <Show when=move || !is_me>
                            {if active {
                                view! { <button class="btn btn-danger" type="button" on:click=move |_| { toggle.dispatch(false); }>{lang.t("Khoá tài khoản", "Lock account")}</button> }.into_any()
                            } else {
                                view! { <button class="btn btn-secondary" type="button" on:click=move |_| { toggle.dispatch(true); }>{lang.t("Mở khoá", "Unlock")}</button> }.into_any()
                            }}
                        </Show>
                    </div>
                </div>
            </details>
        </section>
    }
}
