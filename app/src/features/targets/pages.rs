//! `/chi-tieu?unit=…&year=…`: a unit's targets for a year. Each group shows the unit's own
//! percent, or the one it inherits and from which unit; administrators change them, leaders
//! read them.

use super::api::{find_targets, save_targets};
use super::types::{
    targets_sheet_href, ImportedTargets, TargetKind, TargetRow, TargetsInput, UnitTargets,
};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::ui::query::{to_query, Lenient};
use crate::ui::{use_lang, ErrorAlert, Guard};
use crate::vietnam_time::this_year;
use leptos::prelude::*;
use leptos::Params;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::Params;

#[derive(Params, serde::Serialize, Clone, Debug, Default, PartialEq)]
struct TargetsParams {
    #[serde(skip_serializing_if = "Lenient::is_none")]
    unit: Lenient<i64>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    year: Lenient<i32>,
}

fn targets_href(unit: i64, year: i32) -> String {
    format!(
        "/chi-tieu?{}",
        to_query(&TargetsParams {
            unit: Lenient(Some(unit)),
            year: Lenient(Some(year)),
        })
    )
}

fn inherited_text(lang: Lang, row: &TargetRow) -> String {
    match &row.inherited {
        Some(t) => match lang {
            Lang::Vi => format!("Theo cấp trên: {}% ({})", t.percent, t.unit_name),
            Lang::En => format!("From above: {}% ({})", t.percent, t.unit_name),
        },
        None => lang.t("Cấp trên chưa đặt", "Not set above").to_string(),
    }
}

#[component]
pub fn TargetsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let place = Memo::new(move |_| {
        let p = TargetsParams::from_map(&query.read()).unwrap_or_default();
        (
            p.unit.0.filter(|id| *id > 0),
            p.year
                .0
                .filter(|y| (2000..=2100).contains(y))
                .unwrap_or_else(this_year),
        )
    });
    let data = Resource::new(move || place.get(), |(unit, year)| find_targets(unit, year));
    // What the last uploaded file did: kept here, above the form its import reloads.
    let imported: RwSignal<Option<ImportedTargets>> = RwSignal::new(None);
    Effect::new(move |_| {
        place.track();
        imported.set(None);
    });
    view! {
        <Title text=lang.t("Chỉ tiêu", "Targets") />
        <h1 class="page-title">{lang.t("Chỉ tiêu xây dựng xã hội học tập", "Learning-society targets")}</h1>
        <Guard permission=Permission::ViewDashboard let:_me>
            <Transition fallback=move || view! { <p class="muted">{lang.t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(t) => {
                            let (unit_id, year, can_edit) = (t.unit_id, t.year, t.can_edit);
                            view! {
                                <TargetsForm targets=t />
                                <TargetsFile unit_id year can_edit imported on_imported=Callback::new(move |_| data.refetch()) />
                            }
                            .into_any()
                        }
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </Guard>
    }
}

#[component]
fn TargetsForm(targets: UnitTargets) -> impl IntoView {
    let lang = use_lang();
    let (unit_id, year, can_edit) = (targets.unit_id, targets.year, targets.can_edit);
    // One text field per group: empty means "take the parent's".
    let fields: Vec<(TargetKind, RwSignal<String>)> = targets
        .rows
        .iter()
        .map(|r| {
            (
                r.kind,
                RwSignal::new(r.own.map(|p| p.to_string()).unwrap_or_default()),
            )
        })
        .collect();
    let (rows, set_rows) = signal(targets.rows.clone());
    let (error, set_error) = signal(None::<AppError>);
    let (saved, set_saved) = signal(false);
    let save = Action::new(move |input: &TargetsInput| save_targets(input.clone()));
    let fields_for_submit = fields.clone();
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(t) => {
                    set_rows.set(t.rows);
                    set_error.set(None);
                    set_saved.set(true);
                }
                Err(e) => {
                    set_error.set(Some(e));
                    set_saved.set(false);
                }
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut percents = Vec::new();
        for (kind, value) in &fields_for_submit {
            let text = value.get_untracked();
            let text = text.trim().trim_end_matches('%').trim();
            if text.is_empty() {
                percents.push((*kind, None));
                continue;
            }
            match text.parse::<u8>() {
                Ok(p) if p <= 100 => percents.push((*kind, Some(p))),
                _ => {
                    set_error.set(Some(AppError::field(
                        kind.code(),
                        format!("{}: chỉ tiêu là một số từ 0 đến 100.", kind.label(Lang::Vi)),
                        format!(
                            "{}: a target is a number from 0 to 100.",
                            kind.label(Lang::En)
                        ),
                    )));
                    return;
                }
            }
        }
        set_saved.set(false);
        save.dispatch(TargetsInput {
            unit_id,
            year,
            percents,
        });
    };
    let inputs = fields
        .into_iter()
        .map(|(kind, value)| {
            let id = format!("target-{}", kind.code());
            let hint_id = format!("{id}-hint");
            let hint = move || {
                rows.get()
                    .iter()
                    .find(|r| r.kind == kind)
                    .map(|r| inherited_text(lang, r))
                    .unwrap_or_default()
            };
            view! {
                <div class="field">
                    <label for=id.clone()>{kind.label(lang)}</label>
                    <div class="input-suffix">
                        <input
                            id=id
                            name=kind.code()
                            type="text"
                            inputmode="numeric"
                            maxlength="3"
                            size="4"
                            aria-describedby=hint_id.clone()
                            disabled=!can_edit
                            prop:value=move || value.get()
                            on:input=move |ev| value.set(event_target_value(&ev))
                        />
                        <span aria-hidden="true">"%"</span>
                    </div>
                    <p class="hint" id=hint_id>{hint}</p>
                </div>
            }
        })
        .collect_view();
    let children = targets
        .children
        .iter()
        .map(|(id, name)| view! { <li><a href=targets_href(*id, year)>{name.clone()}</a></li> })
        .collect_view();
    view! {
        <h2>{format!("{} — {} {}", targets.unit_name, lang.t("năm", "year"), year)}</h2>
        <form method="get" action="/chi-tieu" class="toolbar mb">
            <input type="hidden" name="unit" value=unit_id.to_string() />
            <label for="targets-year">{lang.t("Năm", "Year")}</label>
            <input id="targets-year" name="year" type="number" min="2000" max="2100" value=year.to_string() />
            <button type="submit" class="btn btn-secondary">{lang.t("Xem năm này", "Show this year")}</button>
            <a class="btn btn-secondary" href=crate::features::dashboards::pages::dashboard_href(unit_id)>{lang.t("Về bảng theo dõi", "Back to the dashboard")}</a>
        </form>
        <p class="muted">
            {lang.t(
                "Chỉ tiêu là tỷ lệ phần trăm số đối tượng đang hoạt động của đơn vị được công nhận danh hiệu trong năm (với cán bộ: đã hoàn thành tập huấn). Để trống để dùng chỉ tiêu của cấp trên.",
                "A target is the percentage of the unit's active subjects recognised in the year (for officers: trained). Leave it empty to use the unit above's.",
            )}
        </p>
        <form class="card" on:submit=on_submit>
            {inputs}
            {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
            {move || saved.get().then(|| view! { <p class="alert alert-success" role="status">{lang.t("Đã lưu chỉ tiêu.", "Targets saved.")}</p> })}
            {can_edit.then(|| view! {
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{lang.t("Lưu chỉ tiêu", "Save targets")}</button>
                </div>
            })}
            {(!can_edit).then(|| view! { <p class="muted">{lang.t("Bạn chỉ được xem chỉ tiêu; quản trị của đơn vị mới được thay đổi.", "You may read these targets; the unit's administrators change them.")}</p> })}
        </form>
        {(!targets.children.is_empty()).then(|| view! {
            <section aria-labelledby="targets-children">
                <h2 id="targets-children">{lang.t("Chỉ tiêu của đơn vị trực thuộc", "Targets of the units below")}</h2>
                <ul class="link-list">{children}</ul>
            </section>
        })}
    }
}

/// The targets sheet of the unit and its children: download it, fill it in, upload it (all
/// rows are saved, or none with the rows to fix).
#[component]
fn TargetsFile(
    unit_id: i64,
    year: i32,
    can_edit: bool,
    imported: RwSignal<Option<ImportedTargets>>,
    on_imported: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let error = RwSignal::new(None::<AppError>);
    let done = imported;
    let progress: RwSignal<Option<f64>> = RwSignal::new(None);
    let on_file = move |_ev: leptos::ev::Event| {
        error.set(None);
        done.set(None);
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = crate::ui::take_picked_file(&_ev) else {
                return;
            };
            progress.set(Some(0.0));
            crate::ui::upload_file(
                super::types::TARGETS_UPLOAD_HREF,
                file,
                progress,
                move |result: Result<ImportedTargets, AppError>| {
                    let _ = progress.try_set(None);
                    match result {
                        Ok(imported) => {
                            let _ = done.try_set(Some(imported));
                            on_imported.run(());
                        }
                        Err(e) => {
                            let _ = error.try_set(Some(e));
                        }
                    }
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = on_imported;
    };
    view! {
        <section class="card" aria-labelledby="targets-file">
            <h2 id="targets-file">{lang.t("Chỉ tiêu bằng tệp Excel", "Targets in an Excel file")}</h2>
            <p>
                <a class="btn btn-secondary" href=targets_sheet_href(unit_id, year) rel="external" download>
                    {lang.t("Tải bảng chỉ tiêu của đơn vị và các đơn vị trực thuộc", "Download the targets of this unit and the units below")}
                </a>
            </p>
            {can_edit.then(|| view! {
                <div class="field">
                    <label for="targets-upload">{lang.t("Tải lên bảng đã điền (.xlsx hoặc CSV)", "Upload the filled-in sheet (.xlsx or CSV)")}</label>
                    <input id="targets-upload" type="file" accept=".xlsx,.csv,text/csv" aria-describedby="targets-upload-hint"
                        disabled=move || progress.get().is_some() on:change=on_file />
                    <p class="hint" id="targets-upload-hint">{lang.t(
                        "Mỗi dòng một đơn vị và một năm. Ô để trống: giữ nguyên; \"-\": bỏ chỉ tiêu riêng (dùng của cấp trên); số từ 0 đến 100: đặt chỉ tiêu. Nếu có dòng sai, không dòng nào được lưu.",
                        "One row per unit and year. An empty cell keeps the target; \"-\" removes the unit's own; a number from 0 to 100 sets it. If a row is wrong, no row is saved.",
                    )}</p>
                </div>
            })}
            {move || progress.get().map(|p| view! {
                <label for="targets-progress">{format!("{} {:.0}%", lang.t("Đang tải lên", "Uploading"), p * 100.0)}</label>
                <progress id="targets-progress" class="upload-progress" max="1" value=p></progress>
            })}
            {move || error.get().map(|e| match e {
                // A file's problems are listed row by row.
                AppError::Validation(problems) => view! {
                    <div class="alert alert-error" role="alert">
                        <strong>{lang.t("Chưa nhập được tệp:", "The file was not imported:")}</strong>
                        <ul>{problems.into_iter().map(|p| view! { <li>{p.message.get(lang).to_string()}</li> }).collect_view()}</ul>
                    </div>
                }.into_any(),
                other => view! { <ErrorAlert error=other /> }.into_any(),
            })}
            {move || done.get().map(|d| view! {
                <p class="alert alert-success" role="status">{match lang {
                    Lang::Vi => format!("Đã đọc {} dòng; chỉ tiêu của {} dòng đã thay đổi.", d.rows, d.changed),
                    Lang::En => format!("{} rows read; {} changed a unit's targets.", d.rows, d.changed),
                }}</p>
            })}
        </section>
    }
}
