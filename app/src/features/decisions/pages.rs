//! Recognition decisions (`/quyet-dinh`): the approved dossiers waiting for a decision, the form
//! that issues one decision covering many of them, and the decisions of the year with links to
//! print their certificates.
//!
//! Anyone who may read the registry sees the list of decisions; only reviewers (who hold
//! `Permission::Review`) get the issuing form. The browser checks the form first for instant
//! feedback; the server checks everything again (approved, same year and title, inside the
//! authority's area, recognised ones meet the rule, and not scored or submitted by the
//! reviewer themself) and its messages are shown as they come. A dossier the reviewer scored or
//! submitted is listed with its choices disabled and the reason (four eyes).

use super::api::{issue_decision, list_decisions};
use super::types::{DecisionInput, DecisionView};
use crate::domain::criteria::TitleKind;
use crate::domain::org::OrgLevel;
use crate::domain::roles::Permission;
use crate::domain::workflow::{four_eyes_refusal, Transition};
use crate::error::{AppError, FieldError};
use crate::features::org_units::types::UnitOption;
use crate::features::registrations::api::list_queues;
use crate::features::registrations::types::{Queues, RegistrationRow};
use crate::i18n::Lang;
use crate::ui::query::{CycleChoice, CycleParams};
use crate::ui::{
    field_class, field_error, unit_options_resource, use_lang, ErrorAlert, Guard, UnitSelect,
};
use crate::vietnam_time::format_date;
use crate::vietnam_time::this_year;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use std::collections::HashMap;

const BASE: &str = "/quyet-dinh";

/// The list filters, read from the address (`?year=2026&title=household`) so a filtered view
/// survives a reload and can be shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Filters {
    year: i32,
    kind: TitleKind,
}

impl Filters {
    fn from_query(params: &ParamsMap) -> Self {
        let CycleChoice { year, kind, .. } = CycleParams::read(params);
        Filters { year, kind }
    }
}

/// What the reviewer decides for one approved dossier in this decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    Recognise,
    NotRecognise,
    /// Left for a later decision.
    Skip,
}

impl Choice {
    /// Dossiers that meet the rule are proposed for recognition, the others for refusal; the
    /// server refuses to recognise one that does not meet the rule anyway. A dossier the
    /// reviewer scored or submitted (`own`) is left out: someone else must decide it.
    fn default_for(row: &RegistrationRow, own: bool) -> Self {
        if own {
            Choice::Skip
        } else if row.meets_rule == Some(true) {
            Choice::Recognise
        } else {
            Choice::NotRecognise
        }
    }

    fn code(self) -> &'static str {
        match self {
            Choice::Recognise => "recognise",
            Choice::NotRecognise => "not",
            Choice::Skip => "skip",
        }
    }
}

/// The issuing authority proposed for a unit: "Xã Trà Bình" → "UBND xã Trà Bình" (official
/// documents write the level word in lower case after "UBND").
fn authority_for(unit_name: &str) -> String {
    let name = unit_name.trim();
    for level in [
        "Thành phố ",
        "Thị trấn ",
        "Thị xã ",
        "Phường ",
        "Huyện ",
        "Quận ",
        "Tỉnh ",
        "Xã ",
    ] {
        if let Some(rest) = name.strip_prefix(level) {
            return format!("UBND {}{rest}", level.to_lowercase());
        }
    }
    format!("UBND {name}")
}

/// Decisions page: filters, the issuing form (reviewers) and the decisions of the year.
#[component]
pub fn DecisionsPage() -> impl IntoView {
    crate::ui::provide_unit_options(&[(None, false)]);
    let lang = use_lang();
    let query = use_query_map();
    let filters = Memo::new(move |_| Filters::from_query(&query.read()));
    // Bumped after a decision is issued so the queue and the list reload.
    let changes = RwSignal::new(0u32);
    let queues = Resource::new(
        move || (filters.get().year, changes.get()),
        |(year, _)| list_queues(year),
    );
    let decisions = Resource::new(
        move || (filters.get().year, changes.get()),
        |(year, _)| list_decisions(year),
    );
    // The names of the units the issuing-unit picker offers, to propose the authority's name.
    let units = unit_options_resource(None, false);
    view! {
        <Title text=lang.t("Quyết định công nhận", "Recognition decisions") />
        <h1 class="page-title">{lang.t("Quyết định công nhận", "Recognition decisions")}</h1>
        <Guard permission=Permission::ReadRegistry let:me>
            {
                let can_issue = me.can(Permission::Review);
                // The reviewer's own unit is the usual issuing authority.
                let home = me
                    .assignments
                    .iter()
                    .find(|a| a.role.grants(Permission::Review))
                    .map(|a| (a.unit_id, a.unit_name.clone()));
                view! {
                    {move || view! { <FilterBar filters=filters.get() /> }}
                    {can_issue.then(|| view! { <IssueForm filters queues units changes home=home.clone() /> })}
                    <DecisionList filters decisions />
                }
            }
        </Guard>
    }
}

/// Year and title filters (a GET form, so the address holds them).
#[component]
fn FilterBar(filters: Filters) -> impl IntoView {
    let lang = use_lang();
    let this_year = this_year();
    // A few years back for late decisions, one ahead for early planning; the chosen year is
    // always offered even when it lies outside that window.
    let mut years: Vec<i32> = ((this_year - 4)..=(this_year + 1)).rev().collect();
    if !years.contains(&filters.year) {
        years.push(filters.year);
    }
    let year_options = years
        .into_iter()
        .map(|y| view! { <option value=y.to_string() selected=y == filters.year>{y}</option> })
        .collect_view();
    let kind_options = TitleKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.code() selected=k == filters.kind>{k.label(lang)}</option> })
        .collect_view();
    view! {
        <Form method="GET" action=BASE attr:class="toolbar" attr:role="search">
            <div class="field">
                <label for="filter-year">{lang.t("Năm", "Year")}</label>
                <select id="filter-year" name="year">{year_options}</select>
            </div>
            <div class="field">
                <label for="filter-title">{lang.t("Danh hiệu", "Title")}</label>
                <select id="filter-title" name="title">{kind_options}</select>
            </div>
            <button class="btn btn-primary" type="submit">{lang.t("Xem", "Show")}</button>
        </Form>
    }
}

/// What the issuing form last did.
#[derive(Clone, Debug, PartialEq)]
enum IssueState {
    Idle,
    Issued(DecisionView),
    Failed(AppError),
}

/// The form that issues one decision over the approved dossiers of the chosen year and title.
#[component]
fn IssueForm(
    filters: Memo<Filters>,
    queues: Resource<Result<Queues, AppError>>,
    units: Resource<Result<Vec<UnitOption>, AppError>>,
    changes: RwSignal<u32>,
    /// The reviewer's own unit (id, name): the default issuing unit.
    home: Option<(i64, String)>,
) -> impl IntoView {
    let lang = use_lang();
    let (home_id, home_name) = home.unwrap_or((0, String::new()));
    let proposed = if home_name.is_empty() {
        String::new()
    } else {
        authority_for(&home_name)
    };
    let number = RwSignal::new(String::new());
    let date = RwSignal::new(crate::vietnam_time::today().format("%Y-%m-%d").to_string());
    let unit = RwSignal::new(home_id);
    let authority = RwSignal::new(proposed.clone());
    let signer = RwSignal::new(String::new());
    // Only the choices the reviewer changed; the others follow `Choice::default_for`.
    let choices: RwSignal<HashMap<i64, Choice>> = RwSignal::new(HashMap::new());
    let state = RwSignal::new(IssueState::Idle);
    let errors = Signal::derive(move || match state.get() {
        IssueState::Failed(e) => Some(e),
        _ => None,
    });

    // Propose "UBND <unit>" when the issuing unit changes, unless the reviewer has typed an
    // authority of their own (then their text stays).
    let last_proposed = StoredValue::new(proposed);
    Effect::new(move |_| {
        let id = unit.get();
        let name = units
            .get()
            .and_then(|r| r.ok())
            .and_then(|list| list.into_iter().find(|u| u.id == id))
            .map(|u| u.name);
        if let Some(name) = name {
            let next = authority_for(&name);
            let current = authority.get_untracked();
            if current.trim().is_empty() || current == last_proposed.get_value() {
                authority.set(next.clone());
            }
            last_proposed.set_value(next);
        }
    });

    let issue = Action::new(|input: &DecisionInput| issue_decision(input.clone()));
    Effect::new(move |_| match issue.value().get() {
        Some(Ok(decision)) => {
            state.set(IssueState::Issued(decision));
            choices.set(HashMap::new());
            // A decision number is used once; clearing it prevents issuing the same one twice.
            number.set(String::new());
            changes.update(|c| *c += 1);
        }
        Some(Err(e)) => state.set(IssueState::Failed(e)),
        None => {}
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let f = filters.get_untracked();
        let (to_decide, contributed) = queues
            .get_untracked()
            .and_then(|r| r.ok())
            .map(|q| (q.to_decide, q.contributed))
            .unwrap_or_default();
        let rows: Vec<RegistrationRow> = to_decide
            .into_iter()
            .filter(|r| r.title_kind == f.kind)
            .collect();
        let picked = choices.get_untracked();
        let mut recognised = Vec::new();
        let mut not_recognised = Vec::new();
        for row in &rows {
            match picked
                .get(&row.id)
                .copied()
                .unwrap_or(Choice::default_for(row, contributed.contains(&row.id)))
            {
                Choice::Recognise => recognised.push(row.id),
                Choice::NotRecognise => not_recognised.push(row.id),
                Choice::Skip => {}
            }
        }
        // The same required-field rules as the server, checked here for instant feedback.
        let mut problems = Vec::new();
        if number.get_untracked().trim().is_empty() {
            problems.push(FieldError::new(
                "number",
                "Vui lòng nhập số quyết định.",
                "Please enter the decision number.",
            ));
        }
        let decision_date =
            chrono::NaiveDate::parse_from_str(date.get_untracked().trim(), "%Y-%m-%d");
        if decision_date.is_err() {
            problems.push(FieldError::new(
                "decision_date",
                "Vui lòng chọn ngày ký quyết định.",
                "Please choose the date of the decision.",
            ));
        }
        if unit.get_untracked() <= 0 {
            problems.push(FieldError::new(
                "unit_id",
                "Vui lòng chọn đơn vị ban hành.",
                "Please choose the issuing unit.",
            ));
        }
        if authority.get_untracked().trim().is_empty() {
            problems.push(FieldError::new(
                "authority",
                "Vui lòng nhập cơ quan ban hành.",
                "Please enter the issuing authority.",
            ));
        }
        if signer.get_untracked().trim().is_empty() {
            problems.push(FieldError::new(
                "signer",
                "Vui lòng nhập người ký.",
                "Please enter the signer.",
            ));
        }
        if recognised.is_empty() && not_recognised.is_empty() {
            problems.push(FieldError::new(
                "recognised",
                "Hãy chọn ít nhất một hồ sơ đã duyệt.",
                "Choose at least one approved dossier.",
            ));
        }
        match decision_date {
            Ok(decision_date) if problems.is_empty() => {
                state.set(IssueState::Idle);
                issue.dispatch(DecisionInput {
                    number: number.get_untracked(),
                    decision_date,
                    authority: authority.get_untracked(),
                    signer: signer.get_untracked(),
                    year: f.year,
                    title_kind: f.kind,
                    unit_id: unit.get_untracked(),
                    recognised,
                    not_recognised,
                });
            }
            _ => state.set(IssueState::Failed(AppError::Validation(problems))),
        }
    };

    view! {
        <section class="card mb" aria-labelledby="issue-heading">
            <h2 id="issue-heading">
                {move || {
                    let f = filters.get();
                    format!(
                        "{} — {} {} {}",
                        lang.t("Ban hành quyết định", "Issue a decision"),
                        f.kind.label(lang),
                        lang.t("năm", "of"),
                        f.year,
                    )
                }}
            </h2>
            {move || match state.get() {
                IssueState::Issued(d) => Some(view! { <IssuedNotice decision=d /> }),
                _ => None,
            }}
            <form on:submit=submit novalidate>
                <h3>{lang.t("Hồ sơ đã duyệt, chờ quyết định", "Approved dossiers waiting for a decision")}</h3>
                <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                    {move || Suspend::new(async move {
                        let f = filters.get();
                        match queues.await {
                            Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                            Ok(q) => {
                                let rows: Vec<RegistrationRow> = q
                                    .to_decide
                                    .into_iter()
                                    .filter(|r| r.title_kind == f.kind)
                                    .collect();
                                if rows.is_empty() {
                                    view! {
                                        <p class="alert alert-info">
                                            {lang.t(
                                                "Không có hồ sơ đã duyệt nào đang chờ quyết định cho danh hiệu và năm này.",
                                                "No approved dossier is waiting for a decision for this title and year.",
                                            )}
                                        </p>
                                    }
                                        .into_any()
                                } else {
                                    let contributed = q.contributed;
                                    view! { <ChoiceTable rows contributed choices /> }.into_any()
                                }
                            }
                        }
                    })}
                </Transition>
                {field_error(errors, "recognised")}
                <div class="field-row">
                    <div class=field_class(errors, "number")>
                        <label for="decision-number">{lang.t("Số quyết định", "Decision number")}" *"</label>
                        <input
                            id="decision-number"
                            name="number"
                            type="text"
                            autocomplete="off"
                            placeholder="125/QĐ-UBND"
                            value=number.get_untracked()
                            bind:value=number
                        />
                        {field_error(errors, "number")}
                    </div>
                    <div class=field_class(errors, "decision_date")>
                        <label for="decision-date">{lang.t("Ngày ký", "Date signed")}" *"</label>
                        <input id="decision-date" name="decision_date" type="date" value=date.get_untracked() bind:value=date />
                        {field_error(errors, "decision_date")}
                    </div>
                </div>
                <div class=field_class(errors, "unit_id")>
                    <label for="decision-unit">{lang.t("Đơn vị ban hành", "Issuing unit")}" *"</label>
                    <UnitSelect
                        id="decision-unit"
                        level=None
                        writable=false
                        value=unit
                        exclude_level=OrgLevel::Village
                        empty_label=lang.t("— Chọn đơn vị —", "— Choose a unit —")
                    />
                    <p class="hint">
                        {lang.t(
                            "Các hồ sơ trong quyết định phải thuộc địa bàn của đơn vị này.",
                            "The dossiers in the decision must lie within this unit's area.",
                        )}
                    </p>
                    {field_error(errors, "unit_id")}
                </div>
                <div class="field-row">
                    <div class=field_class(errors, "authority")>
                        <label for="decision-authority">{lang.t("Cơ quan ban hành", "Issuing authority")}" *"</label>
                        <input
                            id="decision-authority"
                            name="authority"
                            type="text"
                            placeholder="UBND xã Trà Bình"
                            value=authority.get_untracked()
                            bind:value=authority
                        />
                        {field_error(errors, "authority")}
                    </div>
                    <div class=field_class(errors, "signer")>
                        <label for="decision-signer">{lang.t("Người ký", "Signed by")}" *"</label>
                        <input
                            id="decision-signer"
                            name="signer"
                            type="text"
                            autocomplete="off"
                            placeholder=lang.t("Họ tên người ký", "Signer's full name")
                            value=signer.get_untracked()
                            bind:value=signer
                        />
                        {field_error(errors, "signer")}
                    </div>
                </div>
                {move || match state.get() {
                    IssueState::Failed(e) => Some(view! { <ErrorAlert error=e /> }),
                    _ => None,
                }}
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" id="issue-decision" disabled=move || issue.pending().get()>
                        {move || if issue.pending().get() {
                            lang.t("Đang ban hành…", "Issuing…")
                        } else {
                            lang.t("Ban hành quyết định", "Issue the decision")
                        }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// The approved dossiers, each with its score and a three-way choice.
#[component]
fn ChoiceTable(
    rows: Vec<RegistrationRow>,
    /// Registrations the reviewer scored or submitted: they cannot be decided by them.
    contributed: Vec<i64>,
    choices: RwSignal<HashMap<i64, Choice>>,
) -> impl IntoView {
    let lang = use_lang();
    let defaults: Vec<(i64, Choice)> = rows
        .iter()
        .map(|r| (r.id, Choice::default_for(r, contributed.contains(&r.id))))
        .collect();
    // Live counts under the table, so the reviewer sees what the decision will contain.
    let summary = move || {
        let picked = choices.get();
        let (mut yes, mut no, mut later) = (0, 0, 0);
        for (id, default) in &defaults {
            match picked.get(id).copied().unwrap_or(*default) {
                Choice::Recognise => yes += 1,
                Choice::NotRecognise => no += 1,
                Choice::Skip => later += 1,
            }
        }
        format!(
            "{} {yes} · {} {no} · {} {later}",
            lang.t("Công nhận:", "Recognise:"),
            lang.t("Không công nhận:", "Not recognise:"),
            lang.t("Để quyết định sau:", "Left for later:"),
        )
    };
    let body = rows
        .into_iter()
        .map(|row| {
            let own = contributed.contains(&row.id);
            view! { <ChoiceRow row own choices /> }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data stack" id="decision-rows">
                <thead>
                    <tr>
                        <th>{lang.t("Đối tượng", "Subject")}</th>
                        <th>{lang.t("Địa bàn", "Area")}</th>
                        <th class="right">{lang.t("Điểm", "Score")}</th>
                        <th>{lang.t("Kết quả", "Result")}</th>
                        <th>{lang.t("Quyết định", "Decision")}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        <p class="decision-summary" aria-live="polite">{summary}</p>
    }
}

/// One approved dossier with its choice.
#[component]
fn ChoiceRow(
    row: RegistrationRow,
    /// The reviewer scored or submitted this dossier (four eyes: someone else decides it).
    own: bool,
    choices: RwSignal<HashMap<i64, Choice>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = row.id;
    let default = Choice::default_for(&row, own);
    let meets = row.meets_rule == Some(true);
    let current = move || choices.with(|m| m.get(&id).copied()).unwrap_or(default);
    let score = match (row.total, row.max_total) {
        (Some(t), Some(m)) => format!("{t}/{m}"),
        (Some(t), None) => t.to_string(),
        _ => "—".to_string(),
    };
    let result = match row.meets_rule {
        Some(true) => {
            view! { <span class="badge badge-ok">{lang.t("Đạt", "Meets the rule")}</span> }
                .into_any()
        }
        Some(false) => {
            view! { <span class="badge badge-warn">{lang.t("Chưa đạt", "Does not meet")}</span> }
                .into_any()
        }
        None => {
            view! { <span class="badge badge-muted">{lang.t("Chưa có điểm", "Not scored")}</span> }
                .into_any()
        }
    };
    let subject = match row.evaluation_id {
        Some(eid) => {
            view! { <a href=format!("/danh-gia/{eid}")>{row.subject_name.clone()}</a> }.into_any()
        }
        None => view! { <span>{row.subject_name.clone()}</span> }.into_any(),
    };
    let radio = move |choice: Choice, label: &'static str, disabled: bool| {
        view! {
            <label class="checkbox">
                <input
                    type="radio"
                    name=format!("choice-{id}")
                    value=choice.code()
                    // The attribute renders the default on the server; the property follows later
                    // changes in the browser.
                    checked=default == choice
                    prop:checked=move || current() == choice
                    disabled=disabled
                    on:change=move |_| choices.update(|m| {
                        m.insert(id, choice);
                    })
                />
                {label}
            </label>
        }
    };
    let group_label = format!(
        "{} — {}",
        lang.t("Quyết định cho", "Decision for"),
        row.subject_name
    );
    view! {
        <tr>
            <td data-label=lang.t("Đối tượng", "Subject")>{subject}</td>
            <td data-label=lang.t("Địa bàn", "Area")>{row.unit_name.clone()}</td>
            <td data-label=lang.t("Điểm", "Score") class="right nowrap">{score}</td>
            <td data-label=lang.t("Kết quả", "Result")>{result}</td>
            <td data-label=lang.t("Quyết định", "Decision") class="choice-cell">
                <div class="choice-group" role="radiogroup" aria-label=group_label>
                    {radio(Choice::Recognise, lang.t("Công nhận", "Recognise"), !meets || own)}
                    {radio(Choice::NotRecognise, lang.t("Không công nhận", "Not recognise"), own)}
                    {radio(Choice::Skip, lang.t("Không đưa vào quyết định này", "Not in this decision"), false)}
                </div>
                {own.then(|| view! {
                    <p class="hint four-eyes">{four_eyes_refusal(Transition::Recognise, lang)}</p>
                })}
            </td>
        </tr>
    }
}

/// The success message after issuing, with the way to the certificates.
#[component]
fn IssuedNotice(decision: DecisionView) -> impl IntoView {
    let lang = use_lang();
    let text = match lang {
        Lang::Vi => format!(
            "Đã ban hành Quyết định số {} ngày {} của {}: công nhận {}, không công nhận {}.",
            decision.number,
            format_date(decision.decision_date),
            decision.authority,
            decision.recognised_count,
            decision.not_recognised_count
        ),
        Lang::En => format!(
            "Decision No. {} of {} by {} issued: {} recognised, {} not recognised.",
            decision.number,
            format_date(decision.decision_date),
            decision.authority,
            decision.recognised_count,
            decision.not_recognised_count
        ),
    };
    let print = (decision.recognised_count > 0).then(|| {
        view! {
            <p>
                <a class="btn btn-primary" id="print-issued" href=format!("{BASE}/{}/chung-nhan", decision.id)>
                    {lang.t("In giấy công nhận", "Print the certificates")}
                </a>
            </p>
        }
    });
    view! {
        <div class="alert alert-success" role="status" id="decision-issued">
            <p>{text}</p>
            {print}
        </div>
    }
}

/// The decisions of the year (all titles), newest first, with links to their certificates.
#[component]
fn DecisionList(
    filters: Memo<Filters>,
    decisions: Resource<Result<Vec<DecisionView>, AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section aria-labelledby="decisions-heading">
            <h2 id="decisions-heading">
                {move || format!("{} {}", lang.t("Các quyết định năm", "Decisions of"), filters.get().year)}
            </h2>
            <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match decisions.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="alert alert-info">{lang.t("Chưa có quyết định nào trong năm này.", "No decision this year yet.")}</p>
                        }
                            .into_any(),
                        Ok(list) => {
                            let rows = list
                                .into_iter()
                                .map(|d| {
                                    let certs = (d.recognised_count > 0).then(|| {
                                        view! {
                                            <a class="nowrap" href=format!("{BASE}/{}/chung-nhan", d.id)>
                                                {format!("{} ({})", lang.t("In giấy công nhận", "Print certificates"), d.recognised_count)}
                                            </a>
                                        }
                                    });
                                    view! {
                                        <tr>
                                            <td data-label=lang.t("Số quyết định", "Number") class="nowrap"><strong>{d.number.clone()}</strong></td>
                                            <td data-label=lang.t("Ngày", "Date") class="nowrap">{format_date(d.decision_date)}</td>
                                            <td data-label=lang.t("Cơ quan ban hành", "Authority")>{d.authority.clone()}</td>
                                            <td data-label=lang.t("Danh hiệu", "Title")>{d.title_kind.label(lang)}</td>
                                            <td data-label=lang.t("Công nhận", "Recognised") class="right">{d.recognised_count}</td>
                                            <td data-label=lang.t("Không công nhận", "Not recognised") class="right">{d.not_recognised_count}</td>
                                            <td data-label=lang.t("Người ký", "Signed by")>{d.signer.clone()}</td>
                                            <td data-label="">{certs}</td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                <div class="table-wrap">
                                    <table class="data stack" id="decision-list">
                                        <thead>
                                            <tr>
                                                <th>{lang.t("Số quyết định", "Number")}</th>
                                                <th>{lang.t("Ngày", "Date")}</th>
                                                <th>{lang.t("Cơ quan ban hành", "Authority")}</th>
                                                <th>{lang.t("Danh hiệu", "Title")}</th>
                                                <th class="right">{lang.t("Công nhận", "Recognised")}</th>
                                                <th class="right">{lang.t("Không công nhận", "Not recognised")}</th>
                                                <th>{lang.t("Người ký", "Signed by")}</th>
                                                <th><span class="sr-only">{lang.t("Giấy công nhận", "Certificates")}</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_lowercases_the_level_word() {
        assert_eq!(authority_for("Xã Trà Bình"), "UBND xã Trà Bình");
        assert_eq!(authority_for("Huyện Trà Bồng"), "UBND huyện Trà Bồng");
        assert_eq!(authority_for("Trà Bình"), "UBND Trà Bình");
    }
}
