//! `/bang-dieu-khien`: the leader's dashboard. The address holds the place
//! (`?unit=…&year=…&kind=…&sort=…&desc=1`), so a link can be shared and the back button works;
//! every control is a link, so the page works before the WebAssembly arrives. Charts are SVG
//! drawn on the server. Once the page is interactive, one event stream per tab keeps the
//! figures live (`ui::live`).

use super::api::find_dashboard;
use super::types::{ChildRow, ChildSort, Dashboard, DashboardQuery, Figures, TrendPoint};
use crate::domain::roles::Permission;
use crate::features::targets::types::TargetKind;
use crate::i18n::{format_int, Lang};
use crate::ui::live::{use_live_updates, LiveIndicator};
use crate::ui::query::{to_query, Lenient};
use crate::ui::{use_lang, ErrorAlert, Guard};
use crate::vietnam_time::this_year;
use leptos::prelude::*;
use leptos::Params;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::{Params, ParamsMap};

/// The page's address.
#[derive(Params, serde::Serialize, Clone, Debug, Default, PartialEq)]
struct DashboardParams {
    #[serde(skip_serializing_if = "Lenient::is_none")]
    unit: Lenient<i64>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    year: Lenient<i32>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    kind: Lenient<String>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    sort: Lenient<String>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    desc: Lenient<u8>,
    #[serde(skip_serializing_if = "Lenient::is_none")]
    today: Lenient<u8>,
}

/// What the address asks for, with defaults: the caller's own area, this year, households,
/// children by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Choice {
    unit: Option<i64>,
    year: i32,
    kind: TargetKind,
    sort: ChildSort,
    desc: bool,
    /// A past year on today's units instead of that year's tree.
    today: bool,
}

impl Choice {
    fn read(params: &ParamsMap) -> Choice {
        let p = DashboardParams::from_map(params).unwrap_or_default();
        Choice {
            unit: p.unit.0.filter(|id| *id > 0),
            year: p
                .year
                .0
                .filter(|y| (2000..=2100).contains(y))
                .unwrap_or_else(this_year),
            kind: p
                .kind
                .0
                .and_then(|k| TargetKind::from_code(&k))
                .unwrap_or(TargetKind::Households),
            sort: p
                .sort
                .0
                .and_then(|s| ChildSort::from_code(&s))
                .unwrap_or_default(),
            desc: p.desc.0 == Some(1),
            today: p.today.0 == Some(1),
        }
    }

    fn href(self) -> String {
        let params = DashboardParams {
            unit: Lenient(self.unit),
            year: Lenient(Some(self.year)),
            kind: Lenient(Some(self.kind.code().to_string())),
            sort: Lenient((self.sort != ChildSort::Name).then(|| self.sort.code().to_string())),
            desc: Lenient(self.desc.then_some(1)),
            today: Lenient(self.today.then_some(1)),
        };
        format!("/bang-dieu-khien?{}", to_query(&params))
    }
}

/// The dashboard's address for a unit (the other pages link here).
pub fn dashboard_href(unit_id: i64) -> String {
    Choice {
        unit: Some(unit_id),
        year: this_year(),
        kind: TargetKind::Households,
        sort: ChildSort::Name,
        desc: false,
        today: false,
    }
    .href()
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let choice = Memo::new(move |_| Choice::read(&query.read()));
    let data = Resource::new(
        move || {
            let c = choice.get();
            DashboardQuery {
                unit_id: c.unit,
                year: c.year,
                today: c.today,
            }
        },
        find_dashboard,
    );
    let live = use_live_updates("/events/dashboard", move || data.refetch());
    view! {
        <Title text=lang.t("Bảng theo dõi", "Dashboard") />
        <h1 class="page-title">{lang.t("Bảng theo dõi xây dựng xã hội học tập", "Learning-society dashboard")}</h1>
        <Guard permission=Permission::ViewDashboard let:_me>
            <LiveIndicator state=live lang=lang />
            <Transition fallback=move || view! { <p class="muted">{lang.t("Đang tải số liệu…", "Loading the figures…")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => dashboard_view(lang, d, choice.get()).into_any(),
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </Guard>
    }
}

fn dashboard_view(lang: Lang, d: Dashboard, c: Choice) -> impl IntoView {
    let trail = d
        .trail
        .iter()
        .enumerate()
        .map(|(n, u)| {
            let last = n + 1 == d.trail.len();
            let href = Choice {
                unit: Some(u.unit_id),
                ..c
            }
            .href();
            view! {
                <li>
                    {if last {
                        view! { <span aria-current="page">{u.name.clone()}</span> }.into_any()
                    } else {
                        view! { <a href=href>{u.name.clone()}</a> }.into_any()
                    }}
                </li>
            }
        })
        .collect_view();
    let years = d
        .years
        .iter()
        .map(|y| {
            let current = (*y == d.year).then_some("page");
            let href = Choice {
                year: *y,
                unit: Some(d.unit_id),
                ..c
            }
            .href();
            view! { <li><a href=href aria-current=current>{y.to_string()}</a></li> }
        })
        .collect_view();
    let here = Choice {
        unit: Some(d.unit_id),
        ..c
    };
    let cards = TargetKind::ALL
        .into_iter()
        .map(|kind| summary_card(lang, kind, d.of(kind), Choice { kind, ..here }))
        .collect_view();
    let funnel_rows = TargetKind::ALL
        .into_iter()
        .filter(|k| !k.titles().is_empty())
        .map(|kind| {
            let f = d.of(kind);
            view! {
                <tr>
                    <th scope="row" data-label=lang.t("Danh hiệu", "Title")>{kind.label(lang)}</th>
                    <td data-label=lang.t("Đăng ký", "Registered")>{format_int(lang, f.funnel.registered)}</td>
                    <td data-label=lang.t("Đã đánh giá", "Evaluated")>{format_int(lang, f.funnel.evaluated)}</td>
                    <td data-label=lang.t("Đã duyệt", "Approved")>{format_int(lang, f.funnel.approved)}</td>
                    <td data-label=lang.t("Được công nhận", "Recognised")>{format_int(lang, f.funnel.recognised)}</td>
                    <td data-label=lang.t("Tổng số", "Total")>{format_int(lang, f.eligible)}</td>
                </tr>
            }
        })
        .collect_view();
    let trend = d
        .trend
        .iter()
        .find(|(k, _)| *k == c.kind)
        .map(|(kind, points)| trend_chart(lang, *kind, points));
    let targets_href = format!("/chi-tieu?unit={}&year={}", d.unit_id, d.year);
    let export_href = format!(
        "/export/dashboard.xlsx?unit_id={}&year={}",
        d.unit_id, d.year
    );
    view! {
        <nav class="breadcrumbs" aria-label=lang.t("Địa bàn", "Area")><ol>{trail}</ol></nav>
        <nav class="year-tabs" aria-label=lang.t("Năm", "Year")><ul>{years}</ul></nav>
        <h2 class="dashboard-unit">{format!("{} — {} {}", d.unit_name, lang.t("năm", "year"), d.year)}</h2>
        {tree_choice(lang, &d, here)}
        {d.denominators_today.then(|| view! {
            <p class="alert alert-info">
                {lang.t(
                    "Năm đã qua: tỷ lệ được tính trên số đối tượng đang hoạt động hiện nay (hệ thống chưa lưu số liệu đầu kỳ của các năm trước).",
                    "A past year: shares are measured against today's active subjects (the system keeps no start-of-year counts of earlier years yet).",
                )}
            </p>
        })}
        <div class="dashboard-cards">{cards}</div>
        <p class="toolbar">
            <a class="btn btn-secondary" href=export_href rel="external" download>{lang.t("Xuất Excel", "Export to Excel")}</a>
            {d.can_set_targets.then(|| view! {
                <a class="btn btn-secondary" href=targets_href>{lang.t("Đặt chỉ tiêu cho đơn vị này", "Set this unit's targets")}</a>
            })}
        </p>
        <section aria-labelledby="funnel-title">
            <h2 id="funnel-title">{lang.t("Các bước của năm", "The year's steps")}</h2>
            <div class="table-wrap">
                <table class="data stack funnel">
                    <caption class="sr-only">{lang.t("Đăng ký → đánh giá → duyệt → công nhận, theo danh hiệu", "Registered → evaluated → approved → recognised, by title")}</caption>
                    <thead><tr>
                        <th scope="col">{lang.t("Danh hiệu", "Title")}</th>
                        <th scope="col">{lang.t("Đăng ký", "Registered")}</th>
                        <th scope="col">{lang.t("Đã đánh giá", "Evaluated")}</th>
                        <th scope="col">{lang.t("Đã duyệt", "Approved")}</th>
                        <th scope="col">{lang.t("Được công nhận", "Recognised")}</th>
                        <th scope="col">{lang.t("Tổng số", "Total")}</th>
                    </tr></thead>
                    <tbody>{funnel_rows}</tbody>
                </table>
            </div>
        </section>
        {children_table(lang, &d, here)}
        {trend}
    }
}

/// For a past year: the choice between that year's tree and today's units, and what the
/// reorganisations did to this unit.
fn tree_choice(lang: Lang, d: &Dashboard, here: Choice) -> impl IntoView {
    let links = |units: &[(crate::features::training::types::UnitLink, i32)]| {
        units
            .iter()
            .enumerate()
            .map(|(n, (u, _))| {
                let href = Choice {
                    unit: Some(u.unit_id),
                    ..here
                }
                .href();
                view! { {(n > 0).then_some(", ")}<a href=href>{u.name.clone()}</a> }
            })
            .collect_view()
    };
    let formed = d.predecessors.first().map(|(_, year)| {
        view! {
            <p class="unit-history">
                {match lang {
                    Lang::Vi => format!("Hình thành năm {year} từ: "),
                    Lang::En => format!("Formed in {year} from: "),
                }}
                {links(&d.predecessors)}
            </p>
        }
    });
    let ended = d.successors.first().map(|(_, year)| {
        view! {
            <p class="unit-history">
                {match lang {
                    Lang::Vi => format!("Từ năm {year} thuộc: "),
                    Lang::En => format!("From {year} part of: "),
                }}
                {links(&d.successors)}
            </p>
        }
    });
    let past = d.year < this_year();
    let toggle = past.then(|| {
        let year_tree = Choice {
            today: false,
            ..here
        }
        .href();
        let today = Choice {
            today: true,
            ..here
        }
        .href();
        let (on_year, on_today) = if d.today {
            (None, Some("page"))
        } else {
            (Some("page"), None)
        };
        view! {
            <nav class="tree-choice" aria-label=lang.t("Cách xem đơn vị", "Units shown as")>
                <ul>
                    <li><a href=year_tree aria-current=on_year>{match lang {
                        Lang::Vi => format!("Theo đơn vị hành chính năm {}", d.year),
                        Lang::En => format!("On the units of {}", d.year),
                    }}</a></li>
                    <li><a href=today aria-current=on_today>{lang.t(
                        "Theo đơn vị hiện nay (cộng số liệu đơn vị cũ vào đơn vị kế thừa)",
                        "On today's units (former units added into their successors)",
                    )}</a></li>
                </ul>
            </nav>
        }
    });
    view! { {toggle}{formed}{ended} }
}

/// One group's card: its bar against the target, the numbers, and the gap in words.
fn summary_card(lang: Lang, kind: TargetKind, f: Figures, detail: Choice) -> impl IntoView {
    let numbers = format!(
        "{} / {} {} ({})",
        format_int(lang, f.achieved()),
        format_int(lang, f.eligible),
        kind.eligible_words(lang),
        f.percent_text(lang),
    );
    let link = if kind == TargetKind::OfficersTrained {
        (
            format!("/tap-huan/tien-do?unit={}", detail.unit.unwrap_or_default()),
            lang.t("Xem tiến độ tập huấn", "See training progress"),
        )
    } else {
        (detail.href(), lang.t("Xem theo đơn vị", "See by unit"))
    };
    let id = format!("card-{}", kind.code());
    let labelled_by = id.clone();
    view! {
        <section class="card dashboard-card" aria-labelledby=labelled_by data-kind=kind.code()>
            <h3 id=id>{kind.label(lang)}</h3>
            {meter(lang, kind, &f)}
            <p class="card-figures" data-figures=kind.code()>{numbers}</p>
            <p><span class=f.standing_class() data-standing=kind.code()>{f.standing_text(lang, kind)}</span></p>
            <p><a href=link.0>{link.1}</a></p>
        </section>
    }
}

/// A progress bar with the target marked, as SVG attributes (the page's policy allows no
/// inline styles), labelled in words.
fn meter(lang: Lang, kind: TargetKind, f: &Figures) -> impl IntoView {
    let filled = f.per_mille().unwrap_or(0).clamp(0, 1000) as f64 / 10.0;
    let label = match f.target {
        Some(t) => format!(
            "{}: {} — {} {t}%",
            kind.label(lang),
            f.percent_text(lang),
            lang.t("chỉ tiêu", "target")
        ),
        None => format!("{}: {}", kind.label(lang), f.percent_text(lang)),
    };
    let class = match f.standing() {
        super::types::Standing::OnTrack => "meter-fill meter-ok",
        _ => "meter-fill",
    };
    view! {
        <svg class="meter" viewBox="0 0 100 12" preserveAspectRatio="none" role="img" aria-label=label data-meter=kind.code() data-value=format!("{filled:.1}")>
            <rect class="meter-track" x="0" y="2" width="100" height="8"></rect>
            <rect class=class x="0" y="2" width=format!("{filled:.1}") height="8"></rect>
            {f.target.map(|t| view! {
                <line class="meter-target" x1=t.to_string() x2=t.to_string() y1="0" y2="12" vector-effect="non-scaling-stroke"></line>
            })}
        </svg>
    }
}

/// The child units for the chosen group: sortable by every column (links), on-track or behind
/// in words, a click on a unit drills down.
fn children_table(lang: Lang, d: &Dashboard, c: Choice) -> impl IntoView {
    if d.children.is_empty() {
        return None;
    }
    let mut rows: Vec<ChildRow> = d.children.clone();
    c.sort.sort(&mut rows, c.kind, c.desc);
    let head = |col: ChildSort, label: &'static str| {
        let active = c.sort == col;
        // A first click sorts numbers from the largest, names from A.
        let desc = if active {
            !c.desc
        } else {
            col != ChildSort::Name
        };
        let href = Choice {
            sort: col,
            desc,
            ..c
        }
        .href();
        let aria = active.then_some(if c.desc { "descending" } else { "ascending" });
        let arrow = if active {
            if c.desc {
                " ↓"
            } else {
                " ↑"
            }
        } else {
            ""
        };
        view! { <th scope="col" aria-sort=aria><a href=href>{label}{arrow}</a></th> }
    };
    let tabs = TargetKind::ALL
        .into_iter()
        .map(|kind| {
            let current = (kind == c.kind).then_some("page");
            view! { <li><a href=Choice { kind, ..c }.href() aria-current=current>{kind.label(lang)}</a></li> }
        })
        .collect_view();
    let training = c.kind == TargetKind::OfficersTrained;
    let body = rows
        .iter()
        .map(|row| {
            let f = row.of(c.kind);
            let href = Choice { unit: Some(row.unit_id), ..c }.href();
            view! {
                <tr data-unit=row.unit_id>
                    <th scope="row" data-label=lang.t("Đơn vị", "Unit")><a href=href>{row.name.clone()}</a></th>
                    {(!training).then(|| view! {
                        <td data-label=lang.t("Đăng ký", "Registered")>{format_int(lang, f.funnel.registered)}</td>
                        <td data-label=lang.t("Đã đánh giá", "Evaluated")>{format_int(lang, f.funnel.evaluated)}</td>
                        <td data-label=lang.t("Đã duyệt", "Approved")>{format_int(lang, f.funnel.approved)}</td>
                    })}
                    <td data-label=if training { lang.t("Đã tập huấn", "Trained") } else { lang.t("Đạt danh hiệu", "Holding the title") }>{format_int(lang, f.achieved())}</td>
                    <td data-label=lang.t("Tổng số", "Total")>{format_int(lang, f.eligible)}</td>
                    <td data-label=lang.t("Tỷ lệ", "Share")>{f.percent_text(lang)}</td>
                    <td data-label=lang.t("Chỉ tiêu", "Target")>{f.target.map_or_else(|| "—".to_string(), |t| format!("{t}%"))}</td>
                    <td data-label=lang.t("So với chỉ tiêu", "Against the target")><span class=f.standing_class()>{f.standing_text(lang, c.kind)}</span></td>
                </tr>
            }
        })
        .collect_view();
    Some(view! {
        <section aria-labelledby="children-title">
            <h2 id="children-title">{lang.t("Theo đơn vị trực thuộc", "By unit below")}</h2>
            <nav class="kind-tabs" aria-label=lang.t("Danh hiệu", "Title")><ul>{tabs}</ul></nav>
            <div class="table-wrap">
                <table class="data stack children">
                    <caption>{format!("{} — {}", c.kind.label(lang), lang.t("bấm tên đơn vị để xem chi tiết, bấm tiêu đề cột để sắp xếp", "click a unit to drill down, a column heading to sort"))}</caption>
                    <thead><tr>
                        {head(ChildSort::Name, lang.t("Đơn vị", "Unit"))}
                        {(!training).then(|| view! {
                            {head(ChildSort::Registered, lang.t("Đăng ký", "Registered"))}
                            {head(ChildSort::Evaluated, lang.t("Đã đánh giá", "Evaluated"))}
                            {head(ChildSort::Approved, lang.t("Đã duyệt", "Approved"))}
                        })}
                        {head(ChildSort::Recognised, if training { lang.t("Đã tập huấn", "Trained") } else { lang.t("Đạt danh hiệu", "Holding the title") })}
                        <th scope="col">{lang.t("Tổng số", "Total")}</th>
                        {head(ChildSort::Percent, lang.t("Tỷ lệ", "Share"))}
                        <th scope="col">{lang.t("Chỉ tiêu", "Target")}</th>
                        {head(ChildSort::Gap, lang.t("So với chỉ tiêu", "Against the target"))}
                    </tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    })
}

/// The group's share by year with its target line, drawn as SVG on the server; the numbers are
/// also in a table below it.
fn trend_chart(lang: Lang, kind: TargetKind, points: &[TrendPoint]) -> impl IntoView {
    const W: f64 = 640.0;
    const H: f64 = 260.0;
    const LEFT: f64 = 48.0;
    const RIGHT: f64 = 16.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = 36.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = points.len();
    let x = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |percent: f64| TOP + plot_h * (100.0 - percent.clamp(0.0, 100.0)) / 100.0;
    let share = |p: &TrendPoint| p.figures.per_mille().unwrap_or(0) as f64 / 10.0;
    let achieved: String = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(share(p))))
        .collect::<Vec<_>>()
        .join(" ");
    let target: String = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.figures
                .target
                .map(|t| format!("{:.1},{:.1}", x(i), y(f64::from(t))))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let grid = [0, 25, 50, 75, 100]
        .into_iter()
        .map(|g| {
            let gy = format!("{:.1}", y(f64::from(g)));
            view! {
                <line class="chart-grid" x1=LEFT.to_string() x2=(W - RIGHT).to_string() y1=gy.clone() y2=gy.clone()></line>
                <text class="chart-label" x=(LEFT - 6.0).to_string() y=gy text-anchor="end" dominant-baseline="middle">{format!("{g}%")}</text>
            }
        })
        .collect_view();
    let marks = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let words = format!(
                "{}: {}{}",
                p.year,
                p.figures.percent_text(lang),
                p.figures
                    .target
                    .map(|t| format!(" ({} {t}%)", lang.t("chỉ tiêu", "target")))
                    .unwrap_or_default()
            );
            view! {
                <circle class="chart-point" cx=format!("{:.1}", x(i)) cy=format!("{:.1}", y(share(p))) r="5"><title>{words}</title></circle>
                <text class="chart-label" x=format!("{:.1}", x(i)) y=(H - 10.0).to_string() text-anchor="middle">{p.year.to_string()}</text>
            }
        })
        .collect_view();
    let rows = points
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">{p.year.to_string()}</th>
                    <td>{format_int(lang, p.figures.achieved())}</td>
                    <td>{format_int(lang, p.figures.funnel.registered)}</td>
                    <td>{p.figures.percent_text(lang)}</td>
                    <td>{p.figures.target.map_or_else(|| "—".to_string(), |t| format!("{t}%"))}</td>
                </tr>
            }
        })
        .collect_view();
    let title = format!("{} — {}", lang.t("Theo năm", "By year"), kind.label(lang));
    view! {
        <section aria-labelledby="trend-title">
            <h2 id="trend-title">{title.clone()}</h2>
            <figure class="trend">
                <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=format!("{title}: {}", lang.t("tỷ lệ đạt danh hiệu (đường liền) và chỉ tiêu (đường nét đứt)", "share holding the title (solid line) and target (dashed line)"))>
                    {grid}
                    {(!target.is_empty()).then(|| view! { <polyline class="chart-target" points=target.clone()></polyline> })}
                    <polyline class="chart-line" points=achieved></polyline>
                    {marks}
                </svg>
                <figcaption>
                    <span class="legend legend-line">{lang.t("Tỷ lệ đạt danh hiệu", "Share holding the title")}</span>
                    <span class="legend legend-target">{lang.t("Chỉ tiêu", "Target")}</span>
                </figcaption>
            </figure>
            <details>
                <summary>{lang.t("Xem số liệu theo năm", "See the figures by year")}</summary>
                <div class="table-wrap">
                    <table class="data">
                        <thead><tr>
                            <th scope="col">{lang.t("Năm", "Year")}</th>
                            <th scope="col">{lang.t("Đạt danh hiệu", "Holding the title")}</th>
                            <th scope="col">{lang.t("Đăng ký", "Registered")}</th>
                            <th scope="col">{lang.t("Tỷ lệ", "Share")}</th>
                            <th scope="col">{lang.t("Chỉ tiêu", "Target")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
