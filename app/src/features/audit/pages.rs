//! The audit log for administrators: every change with who, when, what, before and after.

use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::roles::Permission;
use crate::features::audit::api::list_audit;
use crate::features::audit::types::AuditQuery;
use crate::ui::query::{to_query, Lenient};
use crate::ui::{use_lang, ErrorAlert, Guard, Pager, UnitFilter};
use crate::vietnam_time;
use leptos::prelude::*;
use leptos::Params;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::{Params, ParamsMap};
use std::sync::Arc;

/// The words for a stored code, or the code itself if this build does not know it.
fn entity_label(code: &str, lang: crate::i18n::Lang) -> String {
    AuditEntity::from_code(code).map_or_else(|| code.to_string(), |e| e.label(lang).to_string())
}

fn action_label(code: &str, lang: crate::i18n::Lang) -> String {
    AuditAction::from_code(code).map_or_else(|| code.to_string(), |a| a.label(lang).to_string())
}

/// The address's query string for `q` (without `?`); the first page is left out.
fn audit_query_string(q: &AuditQuery) -> String {
    to_query(&AuditParams {
        unit: Lenient(q.unit_id),
        user: Lenient(q.user_id),
        entity: Lenient(Some(q.entity.clone()).filter(|e| !e.is_empty())),
        from: Lenient(q.from),
        to: Lenient(q.to),
        page: Lenient(Some(q.page).filter(|p| *p > 1)),
    })
}

/// The audit page's address: `?unit=…&user=…&entity=…&from=2026-01-31&to=…&page=…` (the filter
/// form sends its empty date fields too: they read as "not given").
#[derive(Params, serde::Serialize, Clone, Debug, Default, PartialEq)]
struct AuditParams {
    #[serde(skip_serializing_if = "Lenient::is_none")]
    unit: Lenient<i64>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    user: Lenient<i64>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    entity: Lenient<String>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    from: Lenient<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    to: Lenient<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    page: Lenient<i64>,
}

impl AuditParams {
    fn read(params: &ParamsMap) -> AuditQuery {
        let p = AuditParams::from_map(params).unwrap_or_default();
        AuditQuery {
            unit_id: p.unit.0.filter(|v| *v > 0),
            user_id: p.user.0,
            entity: p.entity.0.unwrap_or_default(),
            from: p.from.0,
            to: p.to.0,
            page: p.page.0.unwrap_or(1).max(1),
            per_page: 50,
        }
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_query_map();
    let query = Memo::new(move |_| AuditParams::read(&params.read()));
    let data = Resource::new(move || query.get(), list_audit);
    let units = crate::ui::unit_filter_resource(move || query.get().unit_id, None);
    view! {
        <Title text=lang.t("Nhật ký thay đổi", "Audit log") />
        <h1 class="page-title">{lang.t("Nhật ký thay đổi", "Audit log")}</h1>
        <Guard permission=Permission::ReadAudit let:_me>
            {move || {
                let q = query.get();
                let entities = std::iter::once("")
                    .chain(AuditEntity::ALL.iter().map(|e| e.code()))
                    .collect::<Vec<_>>();
                view! {
                    <leptos_router::components::Form method="GET" action="/nhat-ky" attr:class="toolbar">
                        <div class="field">
                            <label for="unit">{lang.t("Địa bàn", "Area")}</label>
                            <UnitFilter choices=units chosen=q.unit_id all_label=lang.t("Tất cả", "All") />
                        </div>
                        <div class="field">
                            <label for="entity">{lang.t("Đối tượng", "Record type")}</label>
                            <select id="entity" name="entity">
                                {entities.into_iter().map(|e| view! {
                                    <option value=e selected=q.entity == e>{if e.is_empty() { lang.t("Tất cả", "All").to_string() } else { entity_label(e, lang) }}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="from">{lang.t("Từ ngày", "From")}</label>
                            <input id="from" name="from" type="date" value=q.from.map(|d| d.to_string()).unwrap_or_default() />
                        </div>
                        <div class="field">
                            <label for="to">{lang.t("Đến ngày", "To")}</label>
                            <input id="to" name="to" type="date" value=q.to.map(|d| d.to_string()).unwrap_or_default() />
                        </div>
                        {q.user_id.map(|u| view! { <input type="hidden" name="user" value=u.to_string() /> })}
                        <button class="btn btn-primary" type="submit">{lang.t("Lọc", "Filter")}</button>
                        <div class="toolbar-spacer"></div>
                        <a class="btn btn-secondary" rel="external" download
                            href=format!("/export/audit.xlsx?{}", q.unit_id.map(|u| format!("unit_id={u}")).unwrap_or_default())>
                            {lang.t("Xuất Excel", "Export to Excel")}
                        </a>
                    </leptos_router::components::Form>
                }
            }}
            <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    let q = query.get();
                    match data.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(page) if page.items.is_empty() => view! { <p class="alert alert-info">{lang.t("Chưa có thay đổi nào khớp bộ lọc.", "No change matches the filter.")}</p> }.into_any(),
                        Ok(page) => {
                            let rows = page.items.iter().map(|e| {
                                let user_q = AuditQuery { user_id: None, page: 1, ..q.clone() };
                                view! {
                                    <tr>
                                        <td data-label=lang.t("Thời điểm", "When") class="nowrap">{vietnam_time::format(e.at)}</td>
                                        <td data-label=lang.t("Người thực hiện", "Who")>
                                            <a href=format!("/nhat-ky?{}&user={}", audit_query_string(&user_q), e.user_id.unwrap_or(0))>{e.username.clone()}</a>
                                        </td>
                                        <td data-label=lang.t("Thao tác", "Action")>{action_label(&e.action, lang)}</td>
                                        <td data-label=lang.t("Đối tượng", "Record")>{format!("{}{}", entity_label(&e.entity, lang), e.entity_id.map(|i| format!(" #{i}")).unwrap_or_default())}</td>
                                        <td data-label=lang.t("Nội dung", "Summary")>
                                            {e.summary.clone()}
                                            {(e.before_json.is_some() || e.after_json.is_some()).then(|| view! {
                                                <details class="json">
                                                    <summary>{lang.t("Trước / sau", "Before / after")}</summary>
                                                    {e.before_json.clone().map(|b| view! { <p><strong>{lang.t("Trước:", "Before:")}</strong></p><pre>{pretty(&b)}</pre> })}
                                                    {e.after_json.clone().map(|a| view! { <p><strong>{lang.t("Sau:", "After:")}</strong></p><pre>{pretty(&a)}</pre> })}
                                                </details>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view();
                            let hq = q.clone();
                            let href: Arc<dyn Fn(i64) -> String + Send + Sync> = Arc::new(move |p| format!("/nhat-ky?{}", audit_query_string(&AuditQuery { page: p, ..hq.clone() })));
                            view! {
                                <div class="table-wrap">
                                    <table class="data stack" id="audit-table">
                                        <thead><tr>
                                            <th>{lang.t("Thời điểm", "When")}</th>
                                            <th>{lang.t("Người thực hiện", "Who")}</th>
                                            <th>{lang.t("Thao tác", "Action")}</th>
                                            <th>{lang.t("Đối tượng", "Record")}</th>
                                            <th>{lang.t("Nội dung", "Summary")}</th>
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
        </Guard>
    }
}

fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json.to_string())
}
