//! Training progress for leaders and administrators (`/tap-huan/tien-do?unit=…`): officers
//! trained against the 100% target, completions and quiz results, for a unit and its child
//! units; a click drills down, the breadcrumb goes back, the address holds the place, and the
//! table exports to .xlsx. An open page reads the figures again every few seconds.

use crate::domain::roles::Permission;
use crate::features::training::api::find_progress;
use crate::features::training::types::{ProgressRow, OFFICERS_TRAINED_TARGET_PERCENT};
use crate::i18n::Lang;
use crate::ui::query::{to_query, Lenient};
use crate::ui::{use_lang, ErrorAlert, Guard};
use leptos::prelude::*;
use leptos::Params;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::Params;

/// Seconds between two reads of an open progress page.
#[cfg(feature = "hydrate")]
const REFRESH_SECONDS: u64 = 10;

/// The page's address: `?unit=…` (absent: the caller's own area).
#[derive(Params, serde::Serialize, Clone, Debug, Default, PartialEq)]
struct ProgressParams {
    #[serde(skip_serializing_if = "Lenient::is_none")]
    unit: Lenient<i64>,
}

fn progress_href(unit_id: i64) -> String {
    format!(
        "/tap-huan/tien-do?{}",
        to_query(&ProgressParams {
            unit: Lenient(Some(unit_id))
        })
    )
}

fn percent_text(lang: Lang, row: &ProgressRow) -> String {
    match row.trained_percent() {
        Some(p) => format!("{p}%"),
        None => lang.t("chưa có cán bộ", "no officers").to_string(),
    }
}

/// On track or behind, in words (not colour alone), with the gap to the target.
fn standing(lang: Lang, row: &ProgressRow) -> (&'static str, String) {
    let target = OFFICERS_TRAINED_TARGET_PERCENT;
    match row.trained_percent() {
        None => ("muted", "—".to_string()),
        Some(p) if p >= target => (
            "badge badge-ok",
            lang.t("Đạt chỉ tiêu", "On target").to_string(),
        ),
        Some(_) => {
            // Officers still to train to reach the target (100%: all of them).
            let needed = (row.officers * target)
                .div_ceil(100)
                .saturating_sub(row.trained);
            (
                "badge badge-warn",
                match lang {
                    Lang::Vi => format!("Cần thêm {needed} cán bộ"),
                    Lang::En => format!("{needed} more officers needed"),
                },
            )
        }
    }
}

/// `/tap-huan/tien-do`: the unit's training progress and its child units'.
#[component]
pub fn TrainingProgressPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let unit = Memo::new(move |_| {
        ProgressParams::from_map(&query.read())
            .unwrap_or_default()
            .unit
            .0
            .filter(|id| *id > 0)
    });
    // Read again every few seconds while the page is open, so a completion shows without a
    // reload. (The dashboards will push changes over server-sent events instead.)
    let tick = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_secs(REFRESH_SECONDS),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let data = Resource::new(
        move || (unit.get(), tick.get()),
        |(unit, _)| find_progress(unit),
    );
    view! {
        <Title text=lang.t("Tiến độ tập huấn", "Training progress") />
        <h1 class="page-title">{lang.t("Tiến độ tập huấn", "Training progress")}</h1>
        <Guard permission=Permission::ViewDashboard let:_me>
            <Transition fallback=move || super::loading(lang)>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(p) => {
                            let trail = p
                                .trail
                                .iter()
                                .enumerate()
                                .map(|(n, u)| {
                                    let last = n + 1 == p.trail.len();
                                    view! {
                                        {(n > 0).then_some(" › ")}
                                        {if last {
                                            view! { <span aria-current="page">{u.name.clone()}</span> }.into_any()
                                        } else {
                                            view! { <a href=progress_href(u.unit_id)>{u.name.clone()}</a> }.into_any()
                                        }}
                                    }
                                })
                                .collect_view();
                            let total = p.total.clone();
                            let (class, words) = standing(lang, &total);
                            let rows = p
                                .rows
                                .iter()
                                .map(|row| {
                                    let (class, words) = standing(lang, row);
                                    let name = if row.has_children {
                                        view! { <a href=progress_href(row.unit_id)>{row.name.clone()}</a> }.into_any()
                                    } else {
                                        view! { <span>{row.name.clone()}</span> }.into_any()
                                    };
                                    view! {
                                        <tr>
                                            <th scope="row" data-label=lang.t("Đơn vị", "Unit")>{name}</th>
                                            <td data-label=lang.t("Cán bộ", "Officers")>{row.officers}</td>
                                            <td data-label=lang.t("Đã tập huấn", "Trained")>{row.trained}</td>
                                            <td data-label=lang.t("Tỷ lệ", "Share")>{percent_text(lang, row)}</td>
                                            <td data-label=lang.t("So với chỉ tiêu", "Against the target")><span class=class>{words}</span></td>
                                            <td data-label=lang.t("Học phần hoàn thành", "Modules completed")>{row.completions}</td>
                                            <td data-label=lang.t("Điểm kiểm tra TB", "Average quiz result")>
                                                {row.average_percent.map_or_else(|| "—".to_string(), |a| format!("{a}% ({} {})", row.attempts, lang.t("lượt", "attempts")))}
                                            </td>
                                            <td data-label=lang.t("Dự hội nghị", "Attended in person")>{row.attended}</td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            let export = format!("/export/training-progress.xlsx?unit_id={}", p.unit_id);
                            view! {
                                <nav class="breadcrumb" aria-label=lang.t("Địa bàn", "Area")>{trail}</nav>
                                <section class="card" aria-labelledby="progress-total">
                                    <h2 id="progress-total">{p.unit_name.clone()}</h2>
                                    <p class="lead">
                                        {format!(
                                            "{} {}/{} {} ({}) — {} {}%. ",
                                            lang.t("Cán bộ đã tập huấn:", "Officers trained:"),
                                            total.trained,
                                            total.officers,
                                            lang.t("người", "people"),
                                            percent_text(lang, &total),
                                            lang.t("chỉ tiêu", "target"),
                                            OFFICERS_TRAINED_TARGET_PERCENT,
                                        )}
                                        <span class=class>{words}</span>
                                    </p>
                                    <progress
                                        max=total.officers.max(1)
                                        value=total.trained
                                        aria-label=lang.t("Tỷ lệ cán bộ đã tập huấn", "Share of officers trained")
                                    ></progress>
                                    <p class="muted">
                                        {format!(
                                            "{} {} {}. {}",
                                            lang.t("Đã tập huấn: hoàn thành đủ", "Trained: completed all"),
                                            p.modules,
                                            lang.t("học phần", "modules"),
                                            lang.t(
                                                "Cán bộ: tài khoản có vai trò cán bộ khuyến học hoặc xét duyệt.",
                                                "Officers: accounts holding the officer or reviewer role.",
                                            ),
                                        )}
                                    </p>
                                    <p>{format!(
                                        "{} {} {}.",
                                        lang.t("Dự hội nghị tập huấn trực tiếp:", "Attended in-person sessions:"),
                                        total.attended,
                                        lang.t("lượt đại biểu", "delegate attendances"),
                                    )}</p>
                                    <p><a class="btn btn-secondary" href=export rel="external" download>{lang.t("Xuất Excel", "Export to Excel")}</a></p>
                                </section>
                                {(!p.rows.is_empty()).then(|| view! {
                                    <div class="table-wrap">
                                        <table class="data stack">
                                            <caption>{lang.t("Theo đơn vị trực thuộc", "By unit below")}</caption>
                                            <thead><tr>
                                                <th scope="col">{lang.t("Đơn vị", "Unit")}</th>
                                                <th scope="col">{lang.t("Cán bộ", "Officers")}</th>
                                                <th scope="col">{lang.t("Đã tập huấn", "Trained")}</th>
                                                <th scope="col">{lang.t("Tỷ lệ", "Share")}</th>
                                                <th scope="col">{lang.t("So với chỉ tiêu", "Against the target")}</th>
                                                <th scope="col">{lang.t("Học phần hoàn thành", "Modules completed")}</th>
                                                <th scope="col">{lang.t("Điểm kiểm tra TB", "Average quiz result")}</th>
                                                <th scope="col">{lang.t("Dự hội nghị", "Attended in person")}</th>
                                            </tr></thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    </div>
                                })}
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </Guard>
    }
}
