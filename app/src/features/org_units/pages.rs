//! The org-unit tree: browse level by level with breadcrumbs; administrators add, rename, move,
//! deactivate units and import the tree from a spreadsheet.

use crate::domain::org::{OrgLevel, OrgUnit};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::features::org_units::api::{
    create_unit, find_unit, move_unit, rename_unit, set_unit_active,
};
use crate::features::org_units::types::NewUnitInput;
use crate::ui::{use_lang, ErrorAlert, Guard, UnitSelect};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

mod succession;
use succession::SuccessionForm;

#[component]
pub fn OrgUnitsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let id = Memo::new(move |_| query.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let show_inactive = Memo::new(move |_| query.read().get("all").is_some_and(|v| v == "1"));
    // Bumped after every change so the view reloads.
    let changes = RwSignal::new(0u32);
    // What the last reorganisation did: kept here, above the view the change reloads.
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    Effect::new(move |_| {
        id.track();
        notice.set(None);
    });
    let data = Resource::new(
        move || (id.get(), show_inactive.get(), changes.get()),
        |(id, all, _)| find_unit(id, all),
    );
    view! {
        <Title text=lang.t("Địa bàn", "Areas") />
        <h1 class="page-title">{lang.t("Địa bàn hành chính", "Administrative areas")}</h1>
        <Guard permission=Permission::ReadRegistry let:me>
            {
                let is_admin = me.can(Permission::ManageOrgUnits);
                view! {
                    <Show when=move || is_admin>
                        <div class="toolbar">
                            <a class="btn btn-secondary" href="/don-vi/nhap">{lang.t("Nhập cây đơn vị từ Excel/CSV", "Import the tree from Excel/CSV")}</a>
                        </div>
                    </Show>
                    {move || notice.get().map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
                    <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                Ok(v) => view! { <UnitPanel view=v changes notice show_inactive=show_inactive.get() /> }.into_any(),
                            }
                        })}
                    </Transition>
                }
            }
        </Guard>
    }
}

fn unit_href(id: i64, all: bool) -> String {
    if all {
        format!("/don-vi?id={id}&all=1")
    } else {
        format!("/don-vi?id={id}")
    }
}

#[component]
fn UnitPanel(
    view: crate::features::org_units::types::UnitView,
    changes: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    show_inactive: bool,
) -> impl IntoView {
    let lang = use_lang();
    let crumbs = view
        .ancestors
        .iter()
        .map(|a| view! { <li><a href=unit_href(a.id, show_inactive)>{a.name.clone()}</a></li> })
        .collect_view();
    let current = view.unit.clone();
    let children = view
        .children
        .iter()
        .map(|c| {
            view! {
                <li class=if c.active { "" } else { "inactive" }>
                    <a href=unit_href(c.id, show_inactive)>{c.name.clone()}</a>" "
                    <span class="unit-level">{c.level.label(lang)}</span>" "
                    <span class="unit-code">{c.code.clone()}</span>
                    {(c.child_count > 0).then(|| format!(" · {} {}", c.child_count, lang.t("đơn vị trực thuộc", "sub-units")))}
                    {(!c.active).then(|| view! { " " <span class="badge badge-muted">{lang.t("Ngừng hoạt động", "Inactive")}</span> })}
                    {c.valid_from.map(|y| format!(" · {} {y}", lang.t("từ năm", "from")))}
                    {c.valid_to.map(|y| format!(" · {} {y}", lang.t("đến năm", "until")))}
                </li>
            }
        })
        .collect_view();
    let toggle_href = match &current {
        Some(u) => unit_href(u.id, !show_inactive),
        None => {
            if show_inactive {
                "/don-vi".to_string()
            } else {
                "/don-vi?all=1".to_string()
            }
        }
    };
    view! {
        <nav class="breadcrumbs" aria-label=lang.t("Vị trí", "Location")>
            <ol>
                <li><a href="/don-vi">{lang.t("Phạm vi của tôi", "My areas")}</a></li>
                {crumbs}
                {current.as_ref().map(|u| view! { <li aria-current="page">{u.name.clone()}</li> })}
            </ol>
        </nav>
        {current.as_ref().map(|u| view! {
            <h2>{format!("{} ", u.name)}<span class="unit-level">{u.level.label(lang)}</span>" "<span class="unit-code">{u.code.clone()}</span></h2>
        })}
        <p><a href=toggle_href>{if show_inactive { lang.t("Ẩn đơn vị ngừng hoạt động", "Hide inactive units") } else { lang.t("Hiện cả đơn vị ngừng hoạt động", "Show inactive units") }}</a></p>
        <ul class="tree">{children}</ul>
        {(view.children.is_empty()).then(|| view! { <p class="muted">{lang.t("Không có đơn vị trực thuộc.", "No sub-units.")}</p> })}
        {match (current, view.can_manage) {
            (Some(unit), true) => {
                let has_children = view.children.iter().any(|c| c.active);
                let children = view.children.clone();
                let for_form = unit.clone();
                Some(view! {
                    <UnitAdmin unit changes />
                    {has_children.then(|| view! { <SuccessionForm unit=for_form children changes notice /> })}
                })
            }
            _ => None,
        }}
    }
}

/// Add a child, rename, move, deactivate: for administrators of this unit.
#[component]
fn UnitAdmin(unit: OrgUnit, changes: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let notice: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let done = move |r: Result<OrgUnit, AppError>, msg: &'static str| match r {
        Ok(_) => {
            error.set(None);
            notice.set(Some(msg));
            changes.update(|c| *c += 1);
        }
        Err(e) => {
            notice.set(None);
            error.set(Some(e));
        }
    };
    let child_levels: Vec<OrgLevel> = OrgLevel::ALL
        .into_iter()
        .filter(|l| unit.level.may_contain(*l))
        .collect();
    let new_level = RwSignal::new(child_levels.first().copied().unwrap_or(OrgLevel::Village));
    let new_code = RwSignal::new(String::new());
    let new_name = RwSignal::new(String::new());
    let parent_id = unit.id;
    // The version this page saw: a change made by someone else since gives a conflict message
    // instead of silently undoing theirs.
    let version = unit.version;
    let add = Action::new(move |input: &NewUnitInput| create_unit(input.clone()));
    Effect::new(move |_| {
        if let Some(r) = add.value().get() {
            if r.is_ok() {
                new_code.set(String::new());
                new_name.set(String::new());
            }
            done(r, lang.t("Đã thêm đơn vị.", "Unit added."));
        }
    });
    let rename_code = RwSignal::new(unit.code.clone());
    let rename_name = RwSignal::new(unit.name.clone());
    let rename = Action::new(move |(code, name): &(String, String)| {
        rename_unit(parent_id, version, code.clone(), name.clone())
    });
    Effect::new(move |_| {
        if let Some(r) = rename.value().get() {
            done(r, lang.t("Đã đổi tên.", "Renamed."));
        }
    });
    let active = unit.active;
    let toggle = Action::new(move |to: &bool| set_unit_active(parent_id, version, *to));
    Effect::new(move |_| {
        if let Some(r) = toggle.value().get() {
            done(r, lang.t("Đã cập nhật trạng thái.", "Status updated."));
        }
    });
    let move_to = RwSignal::new(0i64);
    let moving = Action::new(move |to: &i64| move_unit(parent_id, version, *to));
    Effect::new(move |_| {
        if let Some(r) = moving.value().get() {
            done(r, lang.t("Đã chuyển đơn vị.", "Unit moved."));
        }
    });
    let parent_level = match unit.level {
        OrgLevel::Village => Some(OrgLevel::Commune),
        OrgLevel::Commune => None,
        OrgLevel::District => Some(OrgLevel::Province),
        OrgLevel::Province => Some(OrgLevel::Province),
    };
    let can_add = !child_levels.is_empty();
    let can_move = unit.level != OrgLevel::Province;
    view! {
        {move || notice.get().map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
        {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
        <div class="grid mt">
            <Show when=move || can_add>
                <form class="form card" on:submit=move |ev| {
                    ev.prevent_default();
                    add.dispatch(NewUnitInput { parent_id: Some(parent_id), level: new_level.get(), code: new_code.get(), name: new_name.get() });
                }>
                    <h3>{lang.t("Thêm đơn vị trực thuộc", "Add a sub-unit")}</h3>
                    <div class="field">
                        <label for="new-level">{lang.t("Cấp", "Level")}</label>
                        <select id="new-level" on:change=move |ev| {
                            if let Some(l) = OrgLevel::parse(&event_target_value(&ev)) { new_level.set(l) }
                        }>
                            {child_levels.clone().into_iter().map(|l| view! {
                                <option value=l.code() selected=move || new_level.get() == l>{l.label(lang)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="new-code">{lang.t("Mã đơn vị", "Code")}</label>
                        <input id="new-code" type="text" value=new_code.get_untracked() bind:value=new_code required />
                    </div>
                    <div class="field">
                        <label for="new-name">{lang.t("Tên đơn vị", "Name")}</label>
                        <input id="new-name" type="text" value=new_name.get_untracked() bind:value=new_name required />
                    </div>
                    <button class="btn btn-primary" type="submit">{lang.t("Thêm", "Add")}</button>
                </form>
            </Show>
            <form class="form card" on:submit=move |ev| {
                ev.prevent_default();
                rename.dispatch((rename_code.get(), rename_name.get()));
            }>
                <h3>{lang.t("Đổi tên, mã", "Rename")}</h3>
                <div class="field">
                    <label for="rename-code">{lang.t("Mã đơn vị", "Code")}</label>
                    <input id="rename-code" type="text" value=rename_code.get_untracked() bind:value=rename_code />
                </div>
                <div class="field">
                    <label for="rename-name">{lang.t("Tên đơn vị", "Name")}</label>
                    <input id="rename-name" type="text" value=rename_name.get_untracked() bind:value=rename_name />
                </div>
                <button class="btn btn-primary" type="submit">{lang.t("Lưu", "Save")}</button>
            </form>
            <Show when=move || can_move>
                <form class="form card" on:submit=move |ev| {
                    ev.prevent_default();
                    moving.dispatch(move_to.get());
                }>
                    <h3>{lang.t("Chuyển sang đơn vị cấp trên khác", "Move under another parent")}</h3>
                    <div class="field">
                        <label for="move-to">{lang.t("Đơn vị cấp trên mới", "New parent")}</label>
                        <UnitSelect id="move-to" level=parent_level writable=false value=move_to
                            empty_label=lang.t("— Chọn —", "— Choose —") />
                    </div>
                    <button class="btn btn-secondary" type="submit">{lang.t("Chuyển", "Move")}</button>
                </form>
            </Show>
            <div class="card">
                <h3>{lang.t("Trạng thái", "Status")}</h3>
                {if active {
                    view! {
                        <p>{lang.t("Đơn vị đang hoạt động.", "The unit is active.")}</p>
                        <button class="btn btn-danger" type="button" on:click=move |_| { toggle.dispatch(false); }>{lang.t("Ngừng hoạt động", "Deactivate")}</button>
                    }.into_any()
                } else {
                    view! {
                        <p>{lang.t("Đơn vị đã ngừng hoạt động.", "The unit is inactive.")}</p>
                        <button class="btn btn-secondary" type="button" on:click=move |_| { toggle.dispatch(true); }>{lang.t("Hoạt động trở lại", "Reactivate")}</button>
                    }.into_any()
                }}
            </div>
        </div>
    }
}
