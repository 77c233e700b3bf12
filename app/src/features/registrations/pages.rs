//! Registration for a title (tick the subjects of a unit, register them in one go, print the
//! list); the work queues ("Việc cần làm") of officers and reviewers are in [`queues`].
//!
//! The registration page keeps its filters (year, title, unit) in the URL query string, so a
//! reload, the back button or a shared link shows the same list.

use super::api::{list_candidates, list_registrations, register, unregister};
use super::types::{Candidate, RegisterInput, RegisterOutcome, RegistrationQuery, RegistrationRow};
use crate::domain::criteria::{SubjectKind, TitleKind};
use crate::domain::listing::Page;
use crate::domain::roles::Permission;
use crate::domain::workflow::CycleState;
use crate::error::AppError;
use crate::features::evaluations::api::start_evaluation;
use crate::i18n::{format_int, Lang};
use crate::ui::query::{to_query, CycleChoice, CycleParams};
use crate::ui::state_badge;
use crate::ui::{use_lang, ErrorAlert, Guard, UnitSelect};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use std::collections::{BTreeMap, BTreeSet};

mod queues;
pub use queues::QueuePage;

const BASE: &str = "/dang-ky";

/// Registrations shown at once; a commune has far fewer per title and year.
const REGISTRATIONS_PER_PAGE: i64 = 500;

// ---------------------------------------------------------------------------------------------
// Small pieces shared with the work queues

/// "62 / 100 · đạt" once an evaluation has been scored; a dash before.
pub(super) fn score_text(row: &RegistrationRow, lang: Lang) -> String {
    match (row.total, row.max_total) {
        (Some(total), Some(max)) if row.state != CycleState::Registered => {
            let verdict = match row.meets_rule {
                Some(true) => lang.t(" · đạt", " · meets"),
                Some(false) => lang.t(" · chưa đạt", " · not yet"),
                None => "",
            };
            format!("{total} / {max}{verdict}")
        }
        _ => "—".to_string(),
    }
}

/// Opens a registration's evaluation: a plain link when it exists, otherwise (for officers) a
/// button that creates it first.
#[component]
pub(super) fn OpenEvaluation(
    registration_id: i64,
    evaluation_id: Option<i64>,
    state: CycleState,
    can_evaluate: bool,
    /// A label in place of the default "Chấm điểm" / "Xem phiếu".
    label: Option<&'static str>,
    /// The subject, read out by screen readers after the label.
    subject: String,
) -> impl IntoView {
    let lang = use_lang();
    let label = label.unwrap_or(if can_evaluate && state.is_editable() {
        lang.t("Chấm điểm", "Score")
    } else {
        lang.t("Xem phiếu", "Open")
    });
    match evaluation_id {
        Some(id) => view! {
            <a class="btn btn-small btn-secondary" href=format!("/danh-gia/{id}")>
                {label}<span class="sr-only">{format!(" — {subject}")}</span>
            </a>
        }
        .into_any(),
        None if can_evaluate => view! { <StartButton registration_id label subject /> }.into_any(),
        None => view! { <span class="muted">{lang.t("Chưa chấm", "Not scored")}</span> }.into_any(),
    }
}

/// Creates the evaluation of a registration, then opens it.
#[component]
fn StartButton(registration_id: i64, label: &'static str, subject: String) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let start = Action::new(|id: &i64| start_evaluation(*id));
    let result = start.value();
    let pending = start.pending();
    Effect::new(move |_| {
        if let Some(Ok(evaluation_id)) = result.get() {
            navigate(&format!("/danh-gia/{evaluation_id}"), Default::default());
        }
    });
    view! {
        <button
            class="btn btn-small btn-primary"
            type="button"
            disabled=move || pending.get()
            on:click=move |_| {
                start.dispatch(registration_id);
            }
        >
            {move || if pending.get() { lang.t("Đang mở…", "Opening…") } else { label }}
            <span class="sr-only">{format!(" — {subject}")}</span>
        </button>
        {move || match result.get() {
            Some(Err(e)) => Some(view! { <ErrorAlert error=e /> }),
            _ => None,
        }}
    }
}

/// Opens the browser's print dialog (the print style sheet hides the controls).
fn print_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

// ---------------------------------------------------------------------------------------------
// Registration page

/// What the registration page shows: one title, one year, one unit (0 = the whole scope).
#[derive(Clone, Debug, PartialEq, Eq)]
struct RegFilter {
    year: i32,
    kind: TitleKind,
    unit: i64,
}

impl RegFilter {
    /// Reads `?year=2026&title=household&unit=12`; anything missing or unreadable gets a default.
    fn from_params(params: &ParamsMap) -> Self {
        let CycleChoice { year, kind, unit } = CycleParams::read(params);
        RegFilter { year, kind, unit }
    }

    fn query_string(&self) -> String {
        to_query(&CycleParams::of(CycleChoice {
            year: self.year,
            kind: self.kind,
            unit: self.unit,
        }))
    }

    fn registration_query(&self) -> RegistrationQuery {
        RegistrationQuery {
            title_kind: Some(self.kind),
            unit_id: (self.unit > 0).then_some(self.unit),
            per_page: REGISTRATIONS_PER_PAGE,
            ..RegistrationQuery::of_year(self.year)
        }
    }
}

/// Which unit to pick for a title, in words.
fn unit_hint(kind: TitleKind, lang: Lang) -> &'static str {
    match kind.subject_kind() {
        SubjectKind::Household => lang.t(
            "Chọn thôn, tổ dân phố (hoặc cả xã) để xem các hộ gia đình.",
            "Choose a village (or a whole commune) to list its households.",
        ),
        SubjectKind::Clan => lang.t(
            "Chọn xã để xem các dòng họ của xã.",
            "Choose a commune to list its clans.",
        ),
        SubjectKind::Village => lang.t(
            "Chọn xã để xem các thôn, tổ dân phố của xã.",
            "Choose a commune to list its villages.",
        ),
        SubjectKind::Commune => lang.t(
            "Chọn huyện (hoặc xã) để xem các xã, phường.",
            "Choose a district (or a commune) to list its communes.",
        ),
        SubjectKind::Organisation => lang.t(
            "Chọn đơn vị quản lý để xem các cơ quan, trường học, doanh nghiệp.",
            "Choose the managing unit to list its organisations.",
        ),
    }
}

type CandidatesResource = Resource<Result<Option<Vec<Candidate>>, AppError>>;
type RegistrationsResource = Resource<Result<Page<RegistrationRow>, AppError>>;

/// `/dang-ky`: register subjects for a title and year, and see (and print) who is registered.
#[component]
pub fn RegistrationPage() -> impl IntoView {
    crate::ui::provide_unit_options(&[(None, false)]);
    let lang = use_lang();
    let params = use_query_map();
    let filter = Memo::new(move |_| RegFilter::from_params(&params.read()));
    // No unit chosen: no candidate list (a whole district would be thousands of households).
    let candidates: CandidatesResource = Resource::new(
        move || filter.get(),
        |f| async move {
            if f.unit > 0 {
                list_candidates(f.year, f.kind, f.unit).await.map(Some)
            } else {
                crate::ui::settled(Ok(None)).await
            }
        },
    );
    let registrations: RegistrationsResource = Resource::new(
        move || filter.get(),
        |f| list_registrations(f.registration_query()),
    );
    view! {
        <Title text=lang.t("Đăng ký danh hiệu", "Title registration") />
        <h1 class="page-title">{lang.t("Đăng ký danh hiệu", "Title registration")}</h1>
        <Guard permission=Permission::ReadRegistry let:me>
            <FilterBar filter />
            {me.can(Permission::Evaluate).then(|| view! { <CandidatePicker filter candidates registrations /> })}
            <RegistrationList filter registrations candidates can_evaluate=me.can(Permission::Evaluate) />
        </Guard>
    }
}

/// Year, title and unit. Every change goes into the URL; the lists follow the URL.
#[component]
fn FilterBar(filter: Memo<RegFilter>) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let initial = filter.get_untracked();
    let year = RwSignal::new(initial.year.to_string());
    let kind = RwSignal::new(initial.kind);
    let unit = RwSignal::new(initial.unit);

    // URL → controls, for the back and forward buttons.
    Effect::new(move |_| {
        let f = filter.get();
        if year.get_untracked() != f.year.to_string() {
            year.set(f.year.to_string());
        }
        if kind.get_untracked() != f.kind {
            kind.set(f.kind);
        }
        if unit.get_untracked() != f.unit {
            unit.set(f.unit);
        }
    });
    // Controls → URL. An unreadable year keeps the current one.
    let apply = move || {
        let current = filter.get_untracked();
        let next = RegFilter {
            year: year
                .get_untracked()
                .trim()
                .parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .unwrap_or(current.year),
            kind: kind.get_untracked(),
            unit: unit.get_untracked(),
        };
        if next != current {
            navigate(
                &format!("{BASE}?{}", next.query_string()),
                Default::default(),
            );
        }
    };
    // The unit picker only sets its signal; follow it.
    let apply_unit = apply.clone();
    Effect::new(move |previous: Option<i64>| {
        let chosen = unit.get();
        if previous.is_some_and(|p| p != chosen) {
            apply_unit();
        }
        chosen
    });
    let apply_year = apply.clone();
    let apply_kind = apply.clone();

    let kinds = TitleKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <option value=k.code() selected=move || kind.get() == k>{k.label(lang)}</option>
            }
        })
        .collect_view();
    view! {
        // A real GET form: without JavaScript it still works; with it, the router navigates.
        <form
            class="toolbar no-print"
            method="get"
            action=BASE
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                apply();
            }
        >
            <div class="field">
                <label for="year">{lang.t("Năm", "Year")}</label>
                <input
                    id="year"
                    name="year"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    size="6"
                    value=year.get_untracked()
                    bind:value=year
                    on:change=move |_| apply_year()
                />
            </div>
            <div class="field">
                <label for="title">{lang.t("Danh hiệu", "Title")}</label>
                <select
                    id="title"
                    name="title"
                    on:change=move |ev| {
                        if let Some(k) = TitleKind::from_code(&event_target_value(&ev)) {
                            kind.set(k);
                        }
                        apply_kind();
                    }
                >
                    {kinds}
                </select>
            </div>
            <div class="field">
                <label for="unit">{lang.t("Địa bàn", "Area")}</label>
                <UnitSelect
                    id="unit"
                    level=None
                    writable=false
                    value=unit
                    empty_label=lang.t("— Tất cả trong phạm vi —", "— All in my area —")
                />
                <p class="hint">{move || unit_hint(kind.get(), lang)}</p>
            </div>
            <button class="btn btn-secondary" type="submit">{lang.t("Xem", "Show")}</button>
        </form>
    }
}

/// The subjects of the chosen unit with tick boxes, and the button that registers the ticked
/// ones.
#[component]
fn CandidatePicker(
    filter: Memo<RegFilter>,
    candidates: CandidatesResource,
    registrations: RegistrationsResource,
) -> impl IntoView {
    let lang = use_lang();
    let selected: RwSignal<BTreeSet<i64>> = RwSignal::new(BTreeSet::new());
    // The outcome of the last registration, with the names of the subjects sent (the server
    // answers with ids).
    let outcome: RwSignal<Option<(RegisterOutcome, BTreeMap<i64, String>)>> = RwSignal::new(None);
    let sent_names: StoredValue<BTreeMap<i64, String>> = StoredValue::new(BTreeMap::new());
    let save = Action::new(|input: &RegisterInput| register(input.clone()));
    let result = save.value();
    let pending = save.pending();

    // Another list: forget the ticks and the last outcome.
    Effect::new(move |_| {
        filter.track();
        selected.set(BTreeSet::new());
        outcome.set(None);
    });
    Effect::new(move |_| {
        if let Some(Ok(done)) = result.get() {
            outcome.set(Some((done, sent_names.get_value())));
            selected.set(BTreeSet::new());
            candidates.refetch();
            registrations.refetch();
        }
    });

    view! {
        <section class="card no-print" aria-labelledby="candidates-title">
            <h2 id="candidates-title">
                {move || {
                    let f = filter.get();
                    format!(
                        "{} — {} {}",
                        lang.t("Chọn đối tượng đăng ký", "Choose subjects to register"),
                        f.kind.label(lang),
                        f.year,
                    )
                }}
            </h2>
            {move || match result.get() {
                Some(Err(e)) => Some(view! { <ErrorAlert error=e /> }),
                _ => None,
            }}
            {move || outcome.get().map(|(done, names)| view! { <OutcomeAlert done names /> })}
            <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match candidates.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(None) => view! {
                            <p class="alert alert-info">
                                {lang.t(
                                    "Hãy chọn địa bàn ở trên để xem danh sách đối tượng có thể đăng ký.",
                                    "Choose an area above to list the subjects that can be registered.",
                                )}
                            </p>
                        }
                            .into_any(),
                        Ok(Some(list)) if list.is_empty() => view! {
                            <p class="alert alert-info">
                                {lang.t(
                                    "Địa bàn này không có đối tượng nào cho danh hiệu đã chọn.",
                                    "This area has no subject for the chosen title.",
                                )}
                            </p>
                        }
                            .into_any(),
                        Ok(Some(list)) => {
                            let kind = filter.get_untracked().kind;
                            let year = filter.get_untracked().year;
                            view! { <CandidateTable list kind year selected save sent_names pending /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// "Đã đăng ký 5." and every skipped subject with the server's reason.
#[component]
fn OutcomeAlert(done: RegisterOutcome, names: BTreeMap<i64, String>) -> impl IntoView {
    let lang = use_lang();
    let skipped = done
        .skipped
        .iter()
        .map(|(id, reason)| {
            let name = names.get(id).cloned().unwrap_or_else(|| format!("#{id}"));
            view! {
                <li>
                    <strong>{name}</strong>
                    ": "
                    {reason.get(lang).to_string()}
                </li>
            }
        })
        .collect_view();
    let class = if done.skipped.is_empty() {
        "alert alert-success"
    } else {
        "alert alert-warning"
    };
    view! {
        <div class=class role="status">
            <p>
                <strong>
                    {format!(
                        "{} {}.",
                        lang.t("Đã đăng ký", "Registered"),
                        format_int(lang, done.registered as i64),
                    )}
                </strong>
                {(!done.skipped.is_empty())
                    .then(|| {
                        format!(
                            " {} {}:",
                            format_int(lang, done.skipped.len() as i64),
                            lang.t("đối tượng không đăng ký được", "could not be registered"),
                        )
                    })}
            </p>
            {(!done.skipped.is_empty()).then(|| view! { <ul>{skipped}</ul> })}
        </div>
    }
}

/// The tick-box table of candidates, with "select all not yet registered" and "Register".
#[component]
fn CandidateTable(
    list: Vec<Candidate>,
    kind: TitleKind,
    year: i32,
    selected: RwSignal<BTreeSet<i64>>,
    save: Action<RegisterInput, Result<RegisterOutcome, AppError>>,
    sent_names: StoredValue<BTreeMap<i64, String>>,
    pending: Memo<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let open: Vec<i64> = list
        .iter()
        .filter(|c| c.registration_id.is_none())
        .map(|c| c.subject_id)
        .collect();
    let open_count = open.len();
    let names: BTreeMap<i64, String> = list
        .iter()
        .map(|c| (c.subject_id, c.name.clone()))
        .collect();
    let subject_label = kind.subject_kind().label(lang);
    let rows = list
        .into_iter()
        .map(|c| {
            let id = c.subject_id;
            let box_id = format!("cand-{id}");
            let registered = c.registration_id.is_some();
            view! {
                <tr>
                    <td data-label="">
                        <input
                            type="checkbox"
                            id=box_id.clone()
                            disabled=registered
                            checked=registered
                            prop:checked=move || registered || selected.with(|s| s.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| {
                                    if on {
                                        s.insert(id);
                                    } else {
                                        s.remove(&id);
                                    }
                                });
                            }
                        />
                    </td>
                    <td data-label=subject_label>
                        <label for=box_id>{c.name}</label>
                    </td>
                    <td data-label=lang.t("Thuộc", "In")>{c.unit_name}</td>
                    <td data-label=lang.t("Tình trạng", "Status")>
                        {if registered {
                            view! { <span class="badge badge-ok">{lang.t("Đã đăng ký", "Registered")}</span> }.into_any()
                        } else {
                            view! { <span class="badge badge-muted">{lang.t("Chưa đăng ký", "Not registered")}</span> }.into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let select_all = move |_| selected.set(open.iter().copied().collect());
    let submit = move |_| {
        let ids: Vec<i64> = selected.get_untracked().into_iter().collect();
        if ids.is_empty() {
            return;
        }
        sent_names.set_value(names.clone());
        save.dispatch(RegisterInput {
            year,
            title_kind: kind,
            subject_ids: ids,
        });
    };
    view! {
        <div class="form-actions mb">
            <button class="btn btn-secondary" type="button" disabled=open_count == 0 on:click=select_all>
                {format!(
                    "{} ({})",
                    lang.t("Chọn tất cả chưa đăng ký", "Select all not yet registered"),
                    format_int(lang, open_count as i64),
                )}
            </button>
            <button
                class="btn btn-link"
                type="button"
                disabled=move || selected.with(|s| s.is_empty())
                on:click=move |_| selected.set(BTreeSet::new())
            >
                {lang.t("Bỏ chọn", "Clear selection")}
            </button>
        </div>
        <div class="table-wrap">
            <table class="data stack cycle-list" id="candidates">
                <thead>
                    <tr>
                        <th><span class="sr-only">{lang.t("Chọn", "Select")}</span></th>
                        <th>{subject_label}</th>
                        <th>{lang.t("Thuộc", "In")}</th>
                        <th>{lang.t("Tình trạng", "Status")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <div class="form-actions">
            <button
                class="btn btn-primary"
                type="button"
                id="register-selected"
                disabled=move || pending.get() || selected.with(|s| s.is_empty())
                on:click=submit
            >
                {move || {
                    if pending.get() {
                        lang.t("Đang đăng ký…", "Registering…").to_string()
                    } else {
                        format!(
                            "{} {} {}",
                            lang.t("Đăng ký", "Register"),
                            format_int(lang, selected.with(|s| s.len()) as i64),
                            lang.t("đối tượng đã chọn", "selected"),
                        )
                    }
                }}
            </button>
        </div>
    }
}

/// The registrations of the chosen title, year and unit, printable.
#[component]
fn RegistrationList(
    filter: Memo<RegFilter>,
    registrations: RegistrationsResource,
    candidates: CandidatesResource,
    can_evaluate: bool,
) -> impl IntoView {
    let lang = use_lang();
    let cancel = Action::new(|id: &i64| unregister(*id));
    let cancelled = cancel.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = cancelled.get() {
            registrations.refetch();
            candidates.refetch();
        }
    });
    view! {
        <section class="card" aria-labelledby="registrations-title">
            <div class="form-actions no-print">
                <button class="btn btn-secondary" type="button" on:click=move |_| print_page()>
                    {lang.t("In danh sách", "Print the list")}
                </button>
            </div>
            <h2 id="registrations-title">
                {move || {
                    let f = filter.get();
                    format!(
                        "{} \"{}\" {} {}",
                        lang.t("Danh sách đăng ký danh hiệu", "Registrations for"),
                        f.kind.label(lang),
                        lang.t("năm", "in"),
                        f.year,
                    )
                }}
            </h2>
            {move || match cancelled.get() {
                Some(Err(e)) => Some(view! { <ErrorAlert error=e /> }),
                _ => None,
            }}
            <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match registrations.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(page) if page.items.is_empty() => view! {
                            <p class="alert alert-info">
                                {lang.t("Chưa có hồ sơ đăng ký nào.", "No registration yet.")}
                            </p>
                        }
                            .into_any(),
                        Ok(page) => view! { <RegistrationTable page can_evaluate cancel /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RegistrationTable(
    page: Page<RegistrationRow>,
    can_evaluate: bool,
    cancel: Action<i64, Result<(), AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let shown = page.items.len() as i64;
    let rows = page
        .items
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let score = score_text(&r, lang);
            // Only a registration nobody has started scoring can be cancelled (the server checks).
            let cancellable =
                can_evaluate && r.state == CycleState::Registered && r.evaluation_id.is_none();
            let id = r.id;
            let name = r.subject_name.clone();
            view! {
                <tr>
                    <td data-label=lang.t("STT", "No.") class="right">{i + 1}</td>
                    <td data-label=lang.t("Đối tượng", "Subject")>{r.subject_name.clone()}</td>
                    <td data-label=lang.t("Địa bàn", "Area")>{r.unit_name.clone()}</td>
                    <td data-label=lang.t("Trạng thái", "Status")>{state_badge(r.state, lang)}</td>
                    <td data-label=lang.t("Điểm", "Score")>{score}</td>
                    <td data-label="" class="no-print">
                        <div class="row-actions">
                            <OpenEvaluation
                                registration_id=r.id
                                evaluation_id=r.evaluation_id
                                state=r.state
                                can_evaluate
                                label=None
                                subject=name.clone()
                            />
                            {cancellable.then(|| view! {
                                <button
                                    class="btn btn-small btn-danger"
                                    type="button"
                                    disabled=move || cancel.pending().get()
                                    on:click=move |_| {
                                        cancel.dispatch(id);
                                    }
                                >
                                    {lang.t("Huỷ", "Cancel")}
                                    <span class="sr-only">{format!(" — {name}")}</span>
                                </button>
                            })}
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p>
            {format!("{}: {}", lang.t("Tổng số", "Total"), format_int(lang, page.total))}
            {(page.total > shown).then(|| format!(
                " ({} {})",
                lang.t("đang hiện", "showing"),
                format_int(lang, shown),
            ))}
        </p>
        <div class="table-wrap">
            <table class="data stack cycle-list" id="registrations">
                <thead>
                    <tr>
                        <th class="right">{lang.t("STT", "No.")}</th>
                        <th>{lang.t("Đối tượng", "Subject")}</th>
                        <th>{lang.t("Địa bàn", "Area")}</th>
                        <th>{lang.t("Trạng thái", "Status")}</th>
                        <th>{lang.t("Điểm", "Score")}</th>
                        <th class="no-print"><span class="sr-only">{lang.t("Thao tác", "Actions")}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
