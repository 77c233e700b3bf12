//! Clan (dòng họ) list and form: name, commune, representative and member households.

use super::api::{create_clan, find_clan, list_clans, set_clan_active, update_clan};
use crate::domain::listing::ListQuery;
use crate::domain::org::OrgLevel;
use crate::domain::registry::{Clan, ClanInput, HouseholdRef};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::features::households::api::list_households;
use crate::ui::{
    active_switch_action, field_class, field_error, list_query_from, list_query_string,
    record_save_action, sort_header, use_lang, ErrorAlert, Guard, ListToolbar, Pager,
    RecordFormActions, RecordFormPage, UnitSelect,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::sync::Arc;

const BASE: &str = "/dong-ho";

#[component]
pub fn ClanListPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_query_map();
    let query = Memo::new(move |_| list_query_from(&params.read()));
    let units =
        crate::ui::unit_filter_resource(move || query.get().unit_id, Some(OrgLevel::Commune));
    let data = Resource::new(move || query.get(), list_clans);
    view! {
        <Title text=lang.t("Dòng họ", "Clans") />
        <h1 class="page-title">{lang.t("Dòng họ", "Clans")}</h1>
        <Guard permission=Permission::ReadRegistry let:me>
            {
                let can_write = me.can(Permission::WriteRegistry);
                view! {
                    {move || view! {
                        <ListToolbar
                            base=BASE
                            export="/export/clans.xlsx"
                            query=query.get()
                            units=units
                            search_label=lang.t("Tìm theo tên dòng họ, người đại diện", "Search clan or representative")
                        >
                            <Show when=move || can_write>
                                <a class="btn btn-primary" href="/dong-ho/moi">{lang.t("+ Thêm dòng họ", "+ Add")}</a>
                            </Show>
                        </ListToolbar>
                    }}
                    <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                        {move || Suspend::new(async move {
                            let q = query.get();
                            match data.await {
                                Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                Ok(page) if page.items.is_empty() => view! {
                                    <p class="alert alert-info">{lang.t("Không có dòng họ nào khớp điều kiện tìm.", "No clan matches.")}</p>
                                }.into_any(),
                                Ok(page) => {
                                    let rows = page.items.iter().map(|c| view! {
                                        <tr class=if c.active { "" } else { "inactive" }>
                                            <td data-label=lang.t("Dòng họ", "Clan")><a href=format!("{BASE}/{}", c.id)>{c.name.clone()}</a></td>
                                            <td data-label=lang.t("Người đại diện", "Representative")>{c.representative.clone()}</td>
                                            <td data-label=lang.t("Xã", "Commune")>{c.commune_name.clone()}</td>
                                            <td data-label=lang.t("Số hộ", "Households") class="right">{c.household_count}</td>
                                            <td data-label=lang.t("Điện thoại", "Phone")>{c.phone.clone()}</td>
                                        </tr>
                                    }).collect_view();
                                    let hq = q.clone();
                                    let href: Arc<dyn Fn(i64) -> String + Send + Sync> =
                                        Arc::new(move |p| format!("{BASE}?{}", list_query_string(&ListQuery { page: p, ..hq.clone() })));
                                    view! {
                                        <div class="table-wrap">
                                            <table class="data stack">
                                                <thead><tr>
                                                    {sort_header(BASE, &q, "", lang.t("Dòng họ", "Clan"))}
                                                    <th>{lang.t("Người đại diện", "Representative")}</th>
                                                    {sort_header(BASE, &q, "commune", lang.t("Xã", "Commune"))}
                                                    {sort_header(BASE, &q, "households", lang.t("Số hộ", "Households"))}
                                                    <th>{lang.t("Điện thoại", "Phone")}</th>
                                                </tr></thead>
                                                <tbody>{rows}</tbody>
                                            </table>
                                        </div>
                                        <Pager page=page.page page_count=page.page_count() total=page.total href=href />
                                    }.into_any()
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
pub fn ClanFormPage() -> impl IntoView {
    crate::ui::provide_unit_options(&[(
        Some(OrgLevel::Commune),
        crate::ui::page_user_can(Permission::WriteRegistry),
    )]);
    view! {
        <RecordFormPage title=("Dòng họ", "Clan") back_href=BASE load=find_clan
            form=|record, can_write| view! { <ClanForm clan=record can_write /> } />
    }
}

#[component]
fn ClanForm(clan: Option<Clan>, can_write: bool) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let query = use_query_map();
    let id = clan.as_ref().map(|c| c.id);
    let version = RwSignal::new(clan.as_ref().map(|c| c.version).unwrap_or(0));
    let active = RwSignal::new(clan.as_ref().map(|c| c.active).unwrap_or(true));
    let commune_id = RwSignal::new(clan.as_ref().map(|c| c.commune_id).unwrap_or(0));
    let name = RwSignal::new(clan.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let representative = RwSignal::new(
        clan.as_ref()
            .map(|c| c.representative.clone())
            .unwrap_or_default(),
    );
    let phone = RwSignal::new(clan.as_ref().map(|c| c.phone.clone()).unwrap_or_default());
    let members: RwSignal<Vec<HouseholdRef>> = RwSignal::new(
        clan.as_ref()
            .map(|c| c.households.clone())
            .unwrap_or_default(),
    );
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let saved = RwSignal::new(query.read_untracked().get("saved").is_some());
    let errors = Signal::derive(move || error.get());

    let save = record_save_action(id, version, create_clan, update_clan);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(c)) => {
            if id.is_none() {
                navigate(&format!("{BASE}/{}?saved=1", c.id), Default::default());
            } else {
                version.set(c.version);
                members.set(c.households);
                error.set(None);
                saved.set(true);
            }
        }
        Some(Err(e)) => {
            saved.set(false);
            error.set(Some(e));
        }
        None => {}
    });
    let switch =
        active_switch_action(
            id,
            version,
            active,
            set_clan_active,
            move |outcome| match outcome {
                Ok(()) => saved.set(true),
                Err(e) => error.set(Some(e)),
            },
        );

    // Household search within the chosen commune, to add members.
    let search = RwSignal::new(String::new());
    let found = Resource::new(
        move || (commune_id.get(), search.get()),
        |(commune, q)| async move {
            if commune <= 0 || q.trim().chars().count() < 2 {
                return crate::ui::settled(Ok(vec![])).await;
            }
            list_households(ListQuery {
                unit_id: Some(commune),
                q,
                per_page: 10,
                ..Default::default()
            })
            .await
            .map(|p| p.items)
        },
    );

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ClanInput {
            commune_id: commune_id.get(),
            name: name.get(),
            representative: representative.get(),
            phone: phone.get(),
            household_ids: members.get().iter().map(|h| h.id).collect(),
        };
        match input.validate() {
            Err(e) => error.set(Some(AppError::Validation(e))),
            Ok(valid) => {
                error.set(None);
                save.dispatch(valid);
            }
        }
    };
    let title = if id.is_some() {
        lang.t("Dòng họ", "Clan")
    } else {
        lang.t("Thêm dòng họ", "Add a clan")
    };
    view! {
        <Title text=title />
        <p><a href=BASE>{lang.t("← Danh sách dòng họ", "← Clan list")}</a></p>
        <h1 class="page-title">{move || if id.is_some() { name.get() } else { title.to_string() }}</h1>
        <Show when=move || saved.get()>
            <div class="alert alert-success" role="status">{lang.t("Đã lưu.", "Saved.")}</div>
        </Show>
        {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
        <form class="form card" on:submit=submit novalidate>
            <fieldset disabled=!can_write>
                <div class=field_class(errors, "commune_id")>
                    <label for="commune_id">{lang.t("Xã / thị trấn", "Commune")}" *"</label>
                    <UnitSelect id="commune_id" level=Some(OrgLevel::Commune) writable=can_write value=commune_id
                        empty_label=lang.t("— Chọn xã —", "— Choose a commune —") />
                    {field_error(errors, "commune_id")}
                </div>
                <div class="field-row">
                    <div class=field_class(errors, "name")>
                        <label for="name">{lang.t("Tên dòng họ", "Clan name")}" *"</label>
                        <input id="name" type="text" value=name.get_untracked() bind:value=name />
                        {field_error(errors, "name")}
                    </div>
                    <div class=field_class(errors, "representative")>
                        <label for="representative">{lang.t("Người đại diện (trưởng họ)", "Representative")}" *"</label>
                        <input id="representative" type="text" value=representative.get_untracked() bind:value=representative />
                        {field_error(errors, "representative")}
                    </div>
                </div>
                <div class=field_class(errors, "phone")>
                    <label for="phone">{lang.t("Điện thoại", "Phone")}</label>
                    <input id="phone" type="tel" value=phone.get_untracked() bind:value=phone />
                    {field_error(errors, "phone")}
                </div>
                <fieldset>
                    <legend>{move || format!("{} ({})", lang.t("Các hộ thành viên", "Member households"), members.get().len())}</legend>
                    {field_error(errors, "household_ids")}
                    <ul class="tree">
                        <For each=move || members.get() key=|h| h.id let:h>
                            {
                                let hid = h.id;
                                view! {
                                    <li>
                                        {format!("{} — {}", h.head_name, h.village_name)}" "
                                        <button type="button" class="btn btn-small btn-secondary"
                                            on:click=move |_| members.update(|m| m.retain(|x| x.id != hid))>
                                            {lang.t("Bỏ", "Remove")}
                                        </button>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                    <div class="field">
                        <label for="household-search">{lang.t("Thêm hộ: gõ tên chủ hộ (trong xã đã chọn)", "Add a household: type the head's name (in the chosen commune)")}</label>
                        <input id="household-search" type="search" autocomplete="off"
                            on:input=move |ev| search.set(event_target_value(&ev)) />
                    </div>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = found.await.unwrap_or_default();
                            let rows = list.into_iter().map(|h| {
                                let r = HouseholdRef { id: h.id, head_name: h.head_name.clone(), village_name: h.village_name.clone() };
                                let already = move || members.get().iter().any(|m| m.id == r.id);
                                let r2 = r.clone();
                                view! {
                                    <li>
                                        {format!("{} — {}", h.head_name, h.village_name)}" "
                                        <button type="button" class="btn btn-small btn-secondary" disabled=already
                                            on:click=move |_| members.update(|m| m.push(r2.clone()))>
                                            {lang.t("Thêm", "Add")}
                                        </button>
                                    </li>
                                }
                            }).collect_view();
                            view! { <ul class="tree">{rows}</ul> }
                        })}
                    </Transition>
                </fieldset>
                <RecordFormActions save_pending=save.pending().into() exists=id.is_some() active switch />
            </fieldset>
        </form>
    }
}
