//! `/bao-cao?unit=…&year=…`: the yearly report of a unit, as it goes to the level above by
//! 15/12. The address holds the unit and year, and the unit and year pickers are links and a
//! plain form, so the whole report reads (and prints) before the WebAssembly arrives. The page
//! is its own print view: `@media print` (style/main.css, section 26) sets A4, hides the
//! navigation and the buttons and keeps table rows whole; the signature block closes it.
//! The narrative sections are edited in place (pages/narrative.rs).

mod narrative;

use super::api::find_report;
use super::types::{has_registrations, met_text, Report, ReportQuery, ReportSection};
use crate::domain::roles::Permission;
use crate::features::dashboards::types::{ChildRow, Figures};
use crate::features::targets::types::TargetKind;
use crate::i18n::{format_int, Lang};
use crate::ui::query::{to_query, Lenient};
use crate::ui::{use_lang, ErrorAlert, Guard};
use crate::vietnam_time::this_year;
use leptos::prelude::*;
use leptos::Params;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::Params;
use narrative::NarrativeBlock;

/// The page's address.
#[derive(Params, serde::Serialize, Clone, Debug, Default, PartialEq)]
struct ReportParams {
    #[serde(skip_serializing_if = "Lenient::is_none")]
    unit: Lenient<i64>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    year: Lenient<i32>,
}

/// The report's address for a unit and year (other pages may link here).
pub fn report_href(unit_id: i64, year: i32) -> String {
    format!(
        "/bao-cao?{}",
        to_query(&ReportParams {
            unit: Lenient(Some(unit_id)),
            year: Lenient(Some(year)),
        })
    )
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let choice = Memo::new(move |_| {
        let p = ReportParams::from_map(&query.read()).unwrap_or_default();
        ReportQuery {
            unit_id: p.unit.0.filter(|id| *id > 0),
            year: p
                .year
                .0
                .filter(|y| (2000..=2100).contains(y))
                .unwrap_or_else(this_year),
        }
    });
    let data = Resource::new(move || choice.get(), find_report);
    let fallback_title = move || {
        view! { <h1 class="page-title">{lang.t("Báo cáo năm", "Yearly report")}</h1> }
    };
    view! {
        <Title text=lang.t("Báo cáo năm", "Yearly report") />
        <Guard permission=Permission::ViewDashboard let:_me>
            <Transition fallback=move || view! { {fallback_title()} <p class="muted">{lang.t("Đang tải báo cáo…", "Loading the report…")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(r) => report_view(lang, r).into_any(),
                        Err(e) => view! { {fallback_title()} <ErrorAlert error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </Guard>
    }
}

/// Opens the browser's print dialog (only once the page is interactive; Ctrl+P works always).
fn print_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

fn report_view(lang: Lang, r: Report) -> impl IntoView {
    let (unit_id, year) = (r.unit_id, r.year);
    let trail = r
        .trail
        .iter()
        .enumerate()
        .map(|(n, u)| {
            let last = n + 1 == r.trail.len();
            view! {
                <li>
                    {if last {
                        view! { <span aria-current="page">{u.name.clone()}</span> }.into_any()
                    } else {
                        view! { <a href=report_href(u.unit_id, year)>{u.name.clone()}</a> }.into_any()
                    }}
                </li>
            }
        })
        .collect_view();
    let years = r
        .years
        .iter()
        .map(|y| {
            let current = (*y == year).then_some("page");
            view! { <li><a href=report_href(unit_id, *y) aria-current=current>{y.to_string()}</a></li> }
        })
        .collect_view();
    let export_href = format!("/export/report.xlsx?unit_id={unit_id}&year={year}");
    let dashboard_href = crate::features::dashboards::pages::dashboard_href(unit_id);
    let sections = r
        .narratives
        .iter()
        .cloned()
        .map(|n| {
            let section = n.section;
            let heading_id = format!("muc-{}", section.code());
            let labelled_by = heading_id.clone();
            let figures = (section == ReportSection::Results).then(|| figures_view(lang, &r));
            view! {
                <section class="report-section" aria-labelledby=labelled_by>
                    <h2 id=heading_id>{section.heading(lang)}</h2>
                    {figures}
                    <NarrativeBlock unit_id=unit_id year=year narrative=n can_edit=r.can_edit />
                </section>
            }
        })
        .collect_view();
    let unit_upper = r.unit_name.to_uppercase();
    view! {
        <article class="report">
            <div class="no-print">
                <nav class="breadcrumbs" aria-label=lang.t("Địa bàn", "Area")><ol>{trail}</ol></nav>
                <nav class="year-tabs" aria-label=lang.t("Năm báo cáo", "Report year")><ul>{years}</ul></nav>
                <form method="get" action="/bao-cao" class="toolbar report-year">
                    <input type="hidden" name="unit" value=unit_id.to_string() />
                    <div class="field">
                        <label for="report-year">{lang.t("Năm báo cáo", "Report year")}</label>
                        <input id="report-year" name="year" type="number" min="2000" max="2100" value=year.to_string() />
                    </div>
                    <button type="submit" class="btn btn-secondary">{lang.t("Xem năm này", "Show this year")}</button>
                </form>
                <p class="toolbar">
                    <button type="button" class="btn btn-primary" id="report-print" on:click=move |_| print_page()>
                        {lang.t("In / Lưu PDF", "Print / Save as PDF")}
                    </button>
                    <a class="btn btn-secondary" href=export_href rel="external" download>{lang.t("Xuất Excel", "Export to Excel")}</a>
                    <a class="btn btn-secondary" href=dashboard_href>{lang.t("Xem bảng theo dõi", "See the dashboard")}</a>
                </p>
                <p class="hint">{lang.t(
                    "Nút In cần trang đã tải xong; lệnh In của trình duyệt (Ctrl+P) luôn dùng được. Bản in khổ A4, không có thanh điều hướng và các nút.",
                    "The Print button needs the page fully loaded; the browser's Print (Ctrl+P) always works. The print is A4, without the navigation and buttons.",
                )}</p>
            </div>
            <header class="report-letterhead">
                <div class="report-issuer">
                    <p class="report-issuer-name">{unit_upper}</p>
                    <p>{lang.t("Số: ……/BC", "No.: ……/BC")}</p>
                </div>
                <div class="report-motto">
                    <p class="report-motto-nation">{lang.t("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIETNAM")}</p>
                    <p class="report-motto-words">{lang.t("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness")}</p>
                </div>
            </header>
            <h1 class="report-title">
                {match lang {
                    Lang::Vi => format!("Báo cáo kết quả xây dựng xã hội học tập năm {year}"),
                    Lang::En => format!("Learning-society report for {year}"),
                }}
                <span class="report-unit">{r.unit_name.clone()}</span>
            </h1>
            <p class="report-source"><small>{lang.t(
                "Gửi cấp trên trước ngày 15/12 hằng năm (Công văn số 6782/BGDĐT-GDTX ngày 29/12/2015 của Bộ Giáo dục và Đào tạo). Chưa tìm thấy mẫu báo cáo chính thức cấp quốc gia; các chỉ số theo các báo cáo địa phương đã công bố: số đăng ký, số được công nhận, tổng số, tỉ lệ. Số tái đăng ký, tái công nhận chưa được hệ thống tách riêng.",
                "Due at the level above by 15 December each year (Ministry of Education and Training letter 6782/BGDĐT-GDTX of 29/12/2015). No official national form has been found; the figures follow published local reports: registered, recognised, total, share. Re-registrations and re-recognitions are not counted separately yet.",
            )}</small></p>
            {r.denominators_today.then(|| view! {
                <p class="alert alert-info">{lang.t(
                    "Năm đã qua: tỉ lệ được tính trên số đối tượng đang hoạt động hiện nay (hệ thống chưa lưu số liệu đầu kỳ của các năm trước).",
                    "A past year: shares are measured against today's active subjects (the system keeps no start-of-year counts of earlier years yet).",
                )}</p>
            })}
            {sections}
            <footer class="report-signatures">
                <p class="report-signature-date">{lang.t("…, ngày … tháng … năm …", "…, date …")}</p>
                <div class="report-signature">
                    <p class="report-signature-role">{lang.t("Người lập báo cáo", "Prepared by")}</p>
                    <p class="report-signature-note">{lang.t("(Ký, ghi rõ họ tên)", "(Signature and full name)")}</p>
                </div>
                <div class="report-signature">
                    <p class="report-signature-role">{lang.t("Thủ trưởng đơn vị", "Head of the unit")}</p>
                    <p class="report-signature-note">{lang.t("(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name and seal)")}</p>
                </div>
            </footer>
        </article>
    }
}

/// A count and what it counts: "1.234 hộ".
fn total_text(lang: Lang, kind: TargetKind, f: &Figures) -> String {
    format!("{} {}", format_int(lang, f.eligible), kind.noun(lang))
}

fn target_text(f: &Figures) -> String {
    f.target
        .map_or_else(|| "—".to_string(), |t| format!("{t}%"))
}

/// Section 2's tables: the unit's figures per title, officers trained, then the same for each
/// unit below (one table per title, each unit's name linking to its own report).
fn figures_view(lang: Lang, r: &Report) -> impl IntoView {
    let titles = TargetKind::ALL
        .into_iter()
        .filter(|k| has_registrations(*k))
        .map(|kind| {
            let f = r.of(kind);
            view! {
                <tr data-kind=kind.code()>
                    <th scope="row" data-label=lang.t("Danh hiệu", "Title")>{kind.label(lang)}</th>
                    <td data-label=lang.t("Số đăng ký", "Registered")>{format_int(lang, f.funnel.registered)}</td>
                    <td data-label=lang.t("Số được công nhận", "Recognised")>{format_int(lang, f.funnel.recognised)}</td>
                    <td data-label=lang.t("Đang giữ danh hiệu", "Holding the title")>{format_int(lang, f.holding)}</td>
                    <td data-label=lang.t("Tổng số", "Total")>{total_text(lang, kind, &f)}</td>
                    <td data-label=lang.t("Tỉ lệ", "Share")>{f.percent_text(lang)}</td>
                    <td data-label=lang.t("Chỉ tiêu", "Target")>{target_text(&f)}</td>
                    <td data-label=lang.t("Đánh giá", "Against the target")>{met_text(lang, kind, &f)}</td>
                </tr>
            }
        })
        .collect_view();
    let officers = r.of(TargetKind::OfficersTrained);
    let children = (!r.children.is_empty()).then(|| {
        let tables = TargetKind::ALL
            .into_iter()
            .map(|kind| children_table(lang, kind, &r.children, r.year))
            .collect_view();
        view! {
            <h3>{lang.t("Kết quả theo đơn vị trực thuộc", "By unit below")}</h3>
            {tables}
        }
    });
    view! {
        <h3>{format!("{} {}", lang.t("Kết quả của", "Results of"), r.unit_name)}</h3>
        <p class="hint">{lang.t(
            "Số đăng ký và số được công nhận là của năm báo cáo; đang giữ danh hiệu gồm cả các danh hiệu 3 năm còn hiệu lực; tỉ lệ = đang giữ danh hiệu ÷ tổng số.",
            "Registered and recognised are the report year's; holding includes three-year titles still valid; share = holding ÷ total.",
        )}</p>
        <div class="table-wrap">
            <table class="data stack report-figures">
                <caption>{lang.t("Các danh hiệu học tập", "Learning titles")}</caption>
                <thead><tr>
                    <th scope="col">{lang.t("Danh hiệu", "Title")}</th>
                    <th scope="col">{lang.t("Số đăng ký", "Registered")}</th>
                    <th scope="col">{lang.t("Số được công nhận", "Recognised")}</th>
                    <th scope="col">{lang.t("Đang giữ danh hiệu", "Holding the title")}</th>
                    <th scope="col">{lang.t("Tổng số", "Total")}</th>
                    <th scope="col">{lang.t("Tỉ lệ", "Share")}</th>
                    <th scope="col">{lang.t("Chỉ tiêu", "Target")}</th>
                    <th scope="col">{lang.t("Đánh giá", "Against the target")}</th>
                </tr></thead>
                <tbody>{titles}</tbody>
            </table>
        </div>
        <div class="table-wrap">
            <table class="data stack report-training">
                <caption>{lang.t("Tập huấn cán bộ khuyến học", "Training of officers")}</caption>
                <thead><tr>
                    <th scope="col">{lang.t("Đơn vị", "Unit")}</th>
                    <th scope="col">{lang.t("Tổng số cán bộ", "Officers")}</th>
                    <th scope="col">{lang.t("Đã được tập huấn", "Trained")}</th>
                    <th scope="col">{lang.t("Tỉ lệ", "Share")}</th>
                    <th scope="col">{lang.t("Chỉ tiêu", "Target")}</th>
                    <th scope="col">{lang.t("Đánh giá", "Against the target")}</th>
                </tr></thead>
                <tbody>
                    <tr data-kind=TargetKind::OfficersTrained.code()>
                        <th scope="row" data-label=lang.t("Đơn vị", "Unit")>{r.unit_name.clone()}</th>
                        <td data-label=lang.t("Tổng số cán bộ", "Officers")>{format_int(lang, officers.eligible)}</td>
                        <td data-label=lang.t("Đã được tập huấn", "Trained")>{format_int(lang, officers.holding)}</td>
                        <td data-label=lang.t("Tỉ lệ", "Share")>{officers.percent_text(lang)}</td>
                        <td data-label=lang.t("Chỉ tiêu", "Target")>{target_text(&officers)}</td>
                        <td data-label=lang.t("Đánh giá", "Against the target")>{met_text(lang, TargetKind::OfficersTrained, &officers)}</td>
                    </tr>
                </tbody>
            </table>
        </div>
        {children}
    }
}

/// One group's figures for each unit below.
fn children_table(lang: Lang, kind: TargetKind, children: &[ChildRow], year: i32) -> impl IntoView {
    let titled = has_registrations(kind);
    let rows = children
        .iter()
        .map(|child| {
            let f = child.of(kind);
            view! {
                <tr data-unit=child.unit_id>
                    <th scope="row" data-label=lang.t("Đơn vị", "Unit")><a href=report_href(child.unit_id, year)>{child.name.clone()}</a></th>
                    {titled.then(|| view! {
                        <td data-label=lang.t("Số đăng ký", "Registered")>{format_int(lang, f.funnel.registered)}</td>
                        <td data-label=lang.t("Số được công nhận", "Recognised")>{format_int(lang, f.funnel.recognised)}</td>
                    })}
                    <td data-label=if titled { lang.t("Đang giữ danh hiệu", "Holding the title") } else { lang.t("Đã được tập huấn", "Trained") }>{format_int(lang, f.holding)}</td>
                    <td data-label=lang.t("Tổng số", "Total")>{total_text(lang, kind, &f)}</td>
                    <td data-label=lang.t("Tỉ lệ", "Share")>{f.percent_text(lang)}</td>
                    <td data-label=lang.t("Chỉ tiêu", "Target")>{target_text(&f)}</td>
                    <td data-label=lang.t("Đánh giá", "Against the target")>{met_text(lang, kind, &f)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data stack report-children" data-kind=kind.code()>
                <caption>{kind.label(lang)}</caption>
                <thead><tr>
                    <th scope="col">{lang.t("Đơn vị", "Unit")}</th>
                    {titled.then(|| view! {
                        <th scope="col">{lang.t("Số đăng ký", "Registered")}</th>
                        <th scope="col">{lang.t("Số được công nhận", "Recognised")}</th>
                    })}
                    <th scope="col">{if titled { lang.t("Đang giữ danh hiệu", "Holding the title") } else { lang.t("Đã được tập huấn", "Trained") }}</th>
                    <th scope="col">{lang.t("Tổng số", "Total")}</th>
                    <th scope="col">{lang.t("Tỉ lệ", "Share")}</th>
                    <th scope="col">{lang.t("Chỉ tiêu", "Target")}</th>
                    <th scope="col">{lang.t("Đánh giá", "Against the target")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
