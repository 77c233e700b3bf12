//! Organisation units (cơ quan, trường học, doanh nghiệp): list and form.

use super::api::{
    create_organisation, find_organisation, list_organisations, set_organisation_active,
    update_organisation,
};
use crate::domain::listing::ListQuery;
use crate::domain::org::OrgLevel;
use crate::domain::registry::{Organisation, OrganisationInput, OrganisationKind};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::ui::{
    active_switch_action, field_class, field_error, list_query_from, list_query_string,
    record_save_action, sort_header, use_lang, ErrorAlert, Guard, ListToolbar, Pager,
    RecordFormActions, RecordFormPage, UnitSelect,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::sync::Arc;

const BASE: &str = "/co-quan-don-vi";

#[component]
pub fn OrganisationListPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_query_map();
    let query = Memo::new(move |_| list_query_from(&params.read()));
    let units = crate::ui::unit_filter_resource(move || query.get().unit_id, None);
    let data = Resource::new(move || query.get(), list_organisations);
    view! {
        <Title text=lang.t("Cơ quan, đơn vị", "Organisations") />
        <h1 class="page-title">{lang.t("Cơ quan, trường học, doanh nghiệp", "Agencies, schools, enterprises")}</h1>
        <Guard permission=Permission::ReadRegistry let:me>
            {
                let can_write = me.can(Permission::WriteRegistry);
                view! {
                    {move || view! {
                        <ListToolbar base=BASE export="/export/organisations.xlsx" query=query.get() units=units
                            search_label=lang.t("Tìm theo tên, thủ trưởng, địa chỉ", "Search name, head, address")>
                            <Show when=move || can_write>
                                <a class="btn btn-primary" href="/co-quan-don-vi/moi">{lang.t("+ Thêm đơn vị", "+ Add")}</a>
                            </Show>
                        </ListToolbar>
                    }}
                    <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                        {move || Suspend::new(async move {
                            let q = query.get();
                            match data.await {
                                Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                Ok(page) if page.items.is_empty() => view! {
                                    <p class="alert alert-info">{lang.t("Không có đơn vị nào khớp điều kiện tìm.", "No unit matches.")}</p>
                                }.into_any(),
                                Ok(page) => {
                                    let rows = page.items.iter().map(|o| view! {
                                        <tr class=if o.active { "" } else { "inactive" }>
                                            <td data-label=lang.t("Tên đơn vị", "Name")><a href=format!("{BASE}/{}", o.id)>{o.name.clone()}</a></td>
                                            <td data-label=lang.t("Loại", "Kind")>{o.kind.label(lang)}</td>
                                            <td data-label=lang.t("Đơn vị quản lý", "Managed by")>{o.managing_unit_name.clone()}</td>
                                            <td data-label=lang.t("Thủ trưởng", "Head")>{o.head_name.clone()}</td>
                                        </tr>
                                    }).collect_view();
                                    let hq = q.clone();
                                    let href: Arc<dyn Fn(i64) -> String + Send + Sync> =
                                        Arc::new(move |p| format!("{BASE}?{}", list_query_string(&ListQuery { page: p, ..hq.clone() })));
                                    view! {
                                        <div class="table-wrap">
                                            <table class="data stack">
                                                <thead><tr>
                                                    {sort_header(BASE, &q, "", lang.t("Tên đơn vị", "Name"))}
                                                    {sort_header(BASE, &q, "kind", lang.t("Loại", "Kind"))}
                                                    {sort_header(BASE, &q, "unit", lang.t("Đơn vị quản lý", "Managed by"))}
                                                    <th>{lang.t("Thủ trưởng", "Head")}</th>
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
pub fn OrganisationFormPage() -> impl IntoView {
    crate::ui::provide_unit_options(&[(None, crate::ui::page_user_can(Permission::WriteRegistry))]);
    view! {
        <RecordFormPage title=("Đơn vị", "Unit") back_href=BASE load=find_organisation
            form=|record, can_write| view! { <OrganisationForm org=record can_write /> } />
    }
}

#[component]
fn OrganisationForm(org: Option<Organisation>, can_write: bool) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let query = use_query_map();
    let id = org.as_ref().map(|o| o.id);
    let version = RwSignal::new(org.as_ref().map(|o| o.version).unwrap_or(0));
    let active = RwSignal::new(org.as_ref().map(|o| o.active).unwrap_or(true));
    let name = RwSignal::new(org.as_ref().map(|o| o.name.clone()).unwrap_or_default());
    let kind = RwSignal::new(
        org.as_ref()
            .map(|o| o.kind)
            .unwrap_or(OrganisationKind::School),
    );
    let unit = RwSignal::new(org.as_ref().map(|o| o.managing_unit_id).unwrap_or(0));
    let head = RwSignal::new(
        org.as_ref()
            .map(|o| o.head_name.clone())
            .unwrap_or_default(),
    );
    let address = RwSignal::new(org.as_ref().map(|o| o.address.clone()).unwrap_or_default());
    let phone = RwSignal::new(org.as_ref().map(|o| o.phone.clone()).unwrap_or_default());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let saved = RwSignal::new(query.read_untracked().get("saved").is_some());
    let errors = Signal::derive(move || error.get());
    let save = record_save_action(id, version, create_organisation, update_organisation);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(o)) => {
            if id.is_none() {
                navigate(&format!("{BASE}/{}?saved=1", o.id), Default::default());
            } else {
                version.set(o.version);
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
    let switch = active_switch_action(
        id,
        version,
        active,
        set_organisation_active,
        move |outcome| match outcome {
            Ok(()) => saved.set(true),
            Err(e) => error.set(Some(e)),
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = OrganisationInput {
            name: name.get(),
            kind: kind.get(),
            managing_unit_id: unit.get(),
            head_name: head.get(),
            address: address.get(),
            phone: phone.get(),
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
        lang.t("Đơn vị", "Unit")
    } else {
        lang.t("Thêm cơ quan, đơn vị", "Add an organisation")
    };
    view! {
        <Title text=title />
        <p><a href=BASE>{lang.t("← Danh sách đơn vị", "← Organisation list")}</a></p>
        <h1 class="page-title">{move || if id.is_some() { name.get() } else { title.to_string() }}</h1>
        <Show when=move || saved.get()>
            <div class="alert alert-success" role="status">{lang.t("Đã lưu.", "Saved.")}</div>
        </Show>
        {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
        <form class="form card" on:submit=submit novalidate>
            <fieldset disabled=!can_write>
                <div class=field_class(errors, "name")>
                    <label for="name">{lang.t("Tên đơn vị", "Name")}" *"</label>
                    <input id="name" type="text" value=name.get_untracked() bind:value=name />
                    {field_error(errors, "name")}
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="kind">{lang.t("Loại", "Kind")}</label>
                        <select id="kind" on:change=move |ev| {
                            if let Some(k) = OrganisationKind::from_code(&event_target_value(&ev)) { kind.set(k) }
                        }>
                            {OrganisationKind::ALL.into_iter().map(|k| view! {
                                <option value=k.code() selected=move || kind.get() == k>{k.label(lang)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class=field_class(errors, "managing_unit_id")>
                        <label for="managing_unit_id">{lang.t("Đơn vị quản lý", "Managed by")}" *"</label>
                        <UnitSelect id="managing_unit_id" level=None writable=can_write value=unit exclude_level=OrgLevel::Village
                            empty_label=lang.t("— Chọn xã, huyện hoặc tỉnh —", "— Choose commune, district or province —") />
                        {field_error(errors, "managing_unit_id")}
                    </div>
                </div>
                <div class="field-row">
                    <div class=field_class(errors, "head_name")>
                        <label for="head_name">{lang.t("Thủ trưởng đơn vị", "Head")}</label>
                        <input id="head_name" type="text" value=head.get_untracked() bind:value=head />
                        {field_error(errors, "head_name")}
                    </div>
                    <div class=field_class(errors, "phone")>
                        <label for="phone">{lang.t("Điện thoại", "Phone")}</label>
                        <input id="phone" type="tel" value=phone.get_untracked() bind:value=phone />
                        {field_error(errors, "phone")}
                    </div>
                </div>
                <div class=field_class(errors, "address")>
                    <label for="address">{lang.t("Địa chỉ", "Address")}</label>
                    <input id="address" type="text" value=address.get_untracked() bind:value=address />
                    {field_error(errors, "address")}
                </div>
                <RecordFormActions save_pending=save.pending().into() exists=id.is_some() active switch />
            </fieldset>
        </form>
    }
}
