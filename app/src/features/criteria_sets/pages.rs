//! Criteria sets: the list, one set (read-only when published; an editor for drafts), copying a
//! set into a new version, publishing, and the scoring self-check that compares the browser's
//! (WebAssembly) results with the server's (native) results on the same fixtures.
//!
//! Every set shows the unit that issued it ("Đơn vị ban hành"): national for the product's
//! sets, or a province or district whose subtree it covers. Only administrators whose scope
//! covers that unit get the editor and the publish button; the server checks the same.

use super::api::{
    copy_set, find_set, list_owner_choices, list_sets, publish_set, scoring_fixture_digest,
    update_set,
};
use super::types::{OwnerChoice, StoredSet};
use crate::domain::criteria::{
    validate_set, CriteriaSet, Criterion, GradeBand, Indicator, IndicatorKind, ResultRule,
    SetStatus, Verification,
};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::ui::{use_lang, ErrorAlert, Guard};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The issuing unit's name, or "national" for the product's sets.
fn owner_label(owner_name: Option<&str>, lang: Lang) -> String {
    owner_name
        .map(str::to_string)
        .unwrap_or_else(|| lang.t("Toàn quốc", "National").to_string())
}

/// The badge for a verification, with its source or note as a tooltip and for screen readers.
fn verification_badge(v: &Verification, lang: Lang) -> impl IntoView {
    let class = if v.is_verified() {
        "badge badge-info"
    } else {
        "unverified"
    };
    view! { <span class=class title=v.detail().to_string()>{v.label(lang)}</span> }
}

#[component]
pub fn CriteriaListPage() -> impl IntoView {
    let lang = use_lang();
    let sets = Resource::new(|| (), |_| list_sets());
    view! {
        <Title text=lang.t("Bộ tiêu chí", "Criteria sets") />
        <h1 class="page-title">{lang.t("Bộ tiêu chí đánh giá", "Criteria sets")}</h1>
        <Guard permission=Permission::ReadRegistry let:_me>
            <p>
                {lang.t(
                    "Mỗi danh hiệu được chấm theo một bộ tiêu chí có phiên bản. Bộ đã ban hành không sửa được; muốn thay đổi, hãy sao chép thành phiên bản mới. Các con số chưa đối chiếu với văn bản gốc được đánh dấu rõ.",
                    "Each title is scored with a versioned criteria set. Published sets cannot change; to change one, copy it into a new version. Numbers not checked against the original text are clearly marked.",
                )}
                " "
                <a href="/kiem-tra-cham-diem">{lang.t("Kiểm tra bộ chấm điểm trên trình duyệt", "Check the scoring engine in this browser")}</a>
            </p>
            <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match sets.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(list) => {
                            let rows = list
                                .into_iter()
                                .map(|s| {
                                    view! {
                                        <tr>
                                            <td data-label=lang.t("Danh hiệu", "Title")>{s.title_kind.label(lang)}</td>
                                            <td data-label=lang.t("Bộ tiêu chí", "Set")>
                                                <a href=format!("/tieu-chi/{}", s.id)>{format!("{} — {} {}", s.name, lang.t("phiên bản", "version"), s.version)}</a>
                                                <br />
                                                <span class="muted">{s.source_document.clone()}</span>
                                            </td>
                                            <td data-label=lang.t("Đơn vị ban hành", "Issued by")>{owner_label(s.owner_name.as_deref(), lang)}</td>
                                            <td data-label=lang.t("Năm áp dụng", "Years")>
                                                {format!("{}–{}", s.valid_from_year, s.valid_to_year.map(|y| y.to_string()).unwrap_or_default())}
                                            </td>
                                            <td data-label=lang.t("Trạng thái", "Status")>
                                                <span class=match s.status {
                                                    SetStatus::Published => "badge badge-ok",
                                                    SetStatus::Draft => "badge badge-warn",
                                                    SetStatus::Retired => "badge badge-muted",
                                                }>{s.status.label(lang)}</span>
                                                {s.has_unverified.then(|| view! { " " <span class="unverified">{lang.t("có phần chưa đối chiếu", "partly unverified")}</span> })}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                <div class="table-wrap">
                                    <table class="data stack">
                                        <thead><tr>
                                            <th>{lang.t("Danh hiệu", "Title")}</th>
                                            <th>{lang.t("Bộ tiêu chí", "Set")}</th>
                                            <th>{lang.t("Đơn vị ban hành", "Issued by")}</th>
                                            <th>{lang.t("Năm áp dụng", "Years")}</th>
                                            <th>{lang.t("Trạng thái", "Status")}</th>
                                        </tr></thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </Guard>
    }
}

#[component]
pub fn CriteriaSetPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let stored = Resource::new(move || id.get(), find_set);
    // Created at the top, and only for administrators (a plain value known before rendering),
    // so the server and the browser number the page's resources alike.
    let owners = crate::ui::page_user_can(Permission::ManageCriteria)
        .then(|| Resource::new(|| (), |_| list_owner_choices()));
    view! {
        <Title text=lang.t("Bộ tiêu chí", "Criteria set") />
        <p><a href="/tieu-chi">{lang.t("← Các bộ tiêu chí", "← Criteria sets")}</a></p>
        <Guard permission=Permission::ReadRegistry let:me>
            {
                let can_manage = me.can(Permission::ManageCriteria);
                view! {
                    <Suspense fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                        {move || Suspend::new(async move {
                            let choices = match owners {
                                Some(owners) => owners.await.unwrap_or_default(),
                                None => Vec::new(),
                            };
                            match stored.await {
                                Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                Ok(s) if s.status == SetStatus::Draft && s.can_manage => view! { <SetEditor stored=s /> }.into_any(),
                                Ok(s) => {
                                    let can_copy = can_manage && !choices.is_empty();
                                    view! { <SetView stored=s can_manage=can_copy choices /> }.into_any()
                                }
                            }
                        })}
                    </Suspense>
                }
            }
        </Guard>
    }
}

fn rule_summary(rule: &ResultRule, lang: Lang) -> String {
    match rule {
        ResultRule::PassMark { pass_mark, .. } => format!(
            "{} {pass_mark}",
            lang.t("Đạt khi tổng điểm từ", "Recognised from a total of")
        ),
        ResultRule::GradeBands {
            bands,
            recognised_from,
            ..
        } => {
            let bands = bands
                .iter()
                .map(|b| format!("{} ≥ {}", b.grade.label(lang), b.min_total))
                .collect::<Vec<_>>()
                .join("; ");
            format!(
                "{bands}; {} {}",
                lang.t("công nhận từ loại", "recognised from"),
                recognised_from.label(lang)
            )
        }
        ResultRule::Levels { level_names, .. } => {
            let names = level_names
                .iter()
                .enumerate()
                .map(|(i, m)| format!("{} {}: {}", lang.t("mức", "level"), i + 1, m.get(lang)))
                .collect::<Vec<_>>()
                .join("; ");
            format!(
                "{} {names}",
                lang.t(
                    "Xếp theo mức độ (đạt mọi chỉ tiêu của mức).",
                    "By level (every indicator of the level met)."
                )
            )
        }
    }
}

/// A published (or retired) set, read-only, with "copy into a new version" for administrators,
/// who choose which unit issues the copy among `choices` (their own unit first when it may).
#[component]
fn SetView(stored: StoredSet, can_manage: bool, choices: Vec<OwnerChoice>) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let copy = Action::new(move |(id, owner): &(i64, Option<i64>)| copy_set(*id, *owner));
    // Default: the administrator's own assignment unit when it may issue sets, else the first.
    let own_units: Vec<i64> = crate::ui::use_page_user()
        .ok()
        .flatten()
        .map(|u| {
            u.assignments
                .iter()
                .filter(|a| a.role.grants(Permission::ManageCriteria))
                .map(|a| a.unit_id)
                .collect()
        })
        .unwrap_or_default();
    let default_owner = choices
        .iter()
        .find(|c| c.unit_id.is_some_and(|id| own_units.contains(&id)))
        .or(choices.first())
        .map(|c| c.unit_id);
    let owner = RwSignal::new(default_owner.flatten());
    let owner_options = choices
        .iter()
        .map(|c| {
            let value = c.unit_id.map(|id| id.to_string()).unwrap_or_default();
            let selected = c.unit_id == default_owner.flatten();
            // The national choice reads in the page's language; units by their own name.
            let name = match c.unit_id {
                None => owner_label(None, lang),
                Some(_) => c.name.clone(),
            };
            view! { <option value=value selected=selected>{name}</option> }
        })
        .collect_view();
    Effect::new(move |_| {
        if let Some(Ok(new)) = copy.value().get() {
            navigate(&format!("/tieu-chi/{}", new.id), Default::default());
        }
    });
    let set = stored.set.clone();
    let id = stored.id;
    let criteria = set
        .criteria
        .iter()
        .map(|c| {
            let indicators = c
                .indicators
                .iter()
                .map(|i| {
                    view! {
                        <tr>
                            <td data-label=lang.t("Mã", "Code") class="nowrap">{i.code.clone()}</td>
                            <td data-label=lang.t("Chỉ số", "Indicator")>
                                {i.display_text(lang).to_string()}
                                {(!i.evidence.is_empty()).then(|| view! { <br /><span class="muted">{format!("{} {}", lang.t("Minh chứng:", "Evidence:"), i.evidence)}</span> })}
                            </td>
                            <td data-label=lang.t("Điểm", "Points") class="right">
                                {match i.kind { IndicatorKind::Points { max } => max.to_string(), IndicatorKind::PassFail => lang.t("Đạt/không", "Met/not").to_string() }}
                                {i.level.map(|l| format!(" ({} {l})", lang.t("mức", "level")))}
                            </td>
                            <td data-label=lang.t("Nguồn", "Source")>{verification_badge(&i.verification, lang)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="criterion">
                    <h3>
                        {format!("{}. {} ", c.code, c.display_name(lang))}
                        {(c.max_points() > 0).then(|| format!("({} {})", c.max_points(), lang.t("điểm", "points")))}
                        " " {verification_badge(&c.verification, lang)}
                        {c.min_points.map(|m| view! { " " <span class="badge badge-info">{format!("{} {m}", lang.t("tối thiểu", "minimum"))}</span> })}
                    </h3>
                    <div class="table-wrap">
                        <table class="data stack"><tbody>{indicators}</tbody></table>
                    </div>
                </section>
            }
        })
        .collect_view();
    view! {
        <h1 class="page-title">{format!("{} — {} {}", set.display_name(lang), lang.t("phiên bản", "version"), set.version)}</h1>
        <div class="card">
            <p><strong>{lang.t("Đơn vị ban hành: ", "Issued by: ")}</strong><span id="set-owner">{owner_label(stored.owner_name.as_deref(), lang)}</span></p>
            <p><strong>{lang.t("Văn bản nguồn: ", "Source document: ")}</strong>{set.source_document.clone()}</p>
            <p><strong>{lang.t("Danh hiệu: ", "Title: ")}</strong>{set.title_kind.label(lang)}
                " · " <strong>{lang.t("Năm áp dụng: ", "Years: ")}</strong>
                {format!("{}–{}", set.valid_from_year, set.valid_to_year.map(|y| y.to_string()).unwrap_or_default())}
                " · " <strong>{lang.t("Trạng thái: ", "Status: ")}</strong>{stored.status.label(lang)}
                " · " {format!("{} {}", stored.evaluation_count, lang.t("phiếu đã chấm theo bộ này", "evaluations use it"))}
            </p>
            <p><strong>{lang.t("Cách xếp kết quả: ", "Result rule: ")}</strong>{rule_summary(&set.rule, lang)}" " {verification_badge(set.rule.verification(), lang)}</p>
            {set.has_unverified().then(|| view! {
                <div class="alert alert-warning">{lang.t(
                    "Bộ tiêu chí này có phần chưa đối chiếu văn bản gốc (đánh dấu màu vàng). Hãy kiểm tra với văn bản chính thức trước khi dùng kết quả.",
                    "Parts of this set are not checked against the original text (marked in amber). Check them against the official text before relying on results.",
                )}</div>
            })}
            {(!set.notes.is_empty()).then(|| view! { <details><summary>{lang.t("Ghi chú", "Notes")}</summary><p>{set.notes.clone()}</p></details> })}
            {can_manage.then(move || view! {
                <div class="field">
                    <label for="copy-owner">{lang.t("Đơn vị ban hành phiên bản mới", "Unit issuing the new version")}</label>
                    <select id="copy-owner" on:change=move |ev| owner.set(event_target_value(&ev).parse().ok())>
                        {owner_options}
                    </select>
                    <p class="hint">{lang.t(
                        "Bộ tiêu chí của tỉnh hoặc huyện chỉ áp dụng cho các đơn vị thuộc tỉnh, huyện đó; nơi khác vẫn dùng bộ của cấp trên.",
                        "A province's or district's set applies only to the units under it; elsewhere the set of the level above still applies.",
                    )}</p>
                </div>
                <div class="form-actions">
                    <button class="btn btn-secondary" type="button" on:click=move |_| { copy.dispatch((id, owner.get_untracked())); }>
                        {lang.t("Sao chép thành phiên bản mới để sửa", "Copy into a new version to edit")}
                    </button>
                </div>
            })}
            {move || match copy.value().get() { Some(Err(e)) => Some(view! { <ErrorAlert error=e /> }), _ => None }}
        </div>
        {criteria}
    }
}

/// A text input bound to one field of the draft through `write`.
fn text_field(
    id: String,
    label: &'static str,
    value: String,
    write: impl Fn(&mut CriteriaSet, String) + Send + Sync + 'static,
    draft: RwSignal<CriteriaSet>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type="text" value=value on:input=move |ev| {
                let v = event_target_value(&ev);
                draft.update(|d| write(d, v));
            } />
        </div>
    }
}

/// Verification editor: a "sourced" checkbox and the source (or the missing-part note).
fn verification_field(
    id: String,
    value: Verification,
    write: impl Fn(&mut CriteriaSet) -> Option<&mut Verification> + Send + Sync + Copy + 'static,
    draft: RwSignal<CriteriaSet>,
) -> impl IntoView {
    let lang = use_lang();
    let confirmed = value.is_verified();
    let detail = value.detail().to_string();
    view! {
        <div class="field">
            <label class="checkbox">
                <input type="checkbox" checked=confirmed on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    draft.update(|d| if let Some(v) = write(d) {
                        let text = v.detail().to_string();
                        *v = if on { Verification::confirmed(text) } else { Verification::unverified(text) };
                    });
                } />
                {lang.t("Đã có nguồn trích dẫn", "Sourced")}
            </label>
            <label for=id.clone() class="sr-only">{lang.t("Nguồn hoặc ghi chú", "Source or note")}</label>
            <input id=id type="text" placeholder=lang.t("Nguồn (văn bản, điều khoản) hoặc phần còn thiếu", "Source (document, article) or what is missing")
                value=detail on:input=move |ev| {
                    let text = event_target_value(&ev);
                    draft.update(|d| if let Some(v) = write(d) {
                        *v = if v.is_verified() { Verification::confirmed(text) } else { Verification::unverified(text) };
                    });
                } />
        </div>
    }
}

/// The editor of a draft set. The structure (criteria and indicators) re-renders only when it
/// changes shape, so typing never loses focus; the problems list and totals update live.
#[component]
fn SetEditor(stored: StoredSet) -> impl IntoView {
    let lang = use_lang();
    let id = stored.id;
    let owner_name = owner_label(stored.owner_name.as_deref(), lang);
    let draft = RwSignal::new(stored.set.clone());
    let row_version = RwSignal::new(stored.row_version);
    let shape = RwSignal::new(0u32);
    let dirty = RwSignal::new(false);
    let message: RwSignal<Option<Result<&'static str, AppError>>> = RwSignal::new(None);
    Effect::new(move |prev: Option<()>| {
        draft.track();
        if prev.is_some() {
            dirty.set(true);
        }
    });
    let save = Action::new(move |set: &CriteriaSet| {
        update_set(id, row_version.get_untracked(), set.clone())
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(s)) => {
            row_version.set(s.row_version);
            dirty.set(false);
            message.set(Some(Ok(lang.t("Đã lưu bản nháp.", "Draft saved."))));
        }
        Some(Err(e)) => message.set(Some(Err(e))),
        None => {}
    });
    let publish = Action::new(move |_: &()| publish_set(id, row_version.get_untracked()));
    Effect::new(move |_| match publish.value().get() {
        Some(Ok(_)) => crate::ui::hard_navigate(&format!("/tieu-chi/{id}")),
        Some(Err(e)) => message.set(Some(Err(e))),
        None => {}
    });
    let problems = Memo::new(move |_| validate_set(&draft.get()));
    let reshape = move |f: Box<dyn FnOnce(&mut CriteriaSet)>| {
        draft.update(|d| f(d));
        shape.update(|s| *s += 1);
    };

    let structure = move || {
        shape.track();
        let set = draft.get_untracked();
        let criteria = set.criteria.iter().enumerate().map(|(ci, c)| {
            let indicators = c.indicators.iter().enumerate().map(|(ii, ind)| {
                let base = format!("c{ci}-i{ii}");
                let is_points = matches!(ind.kind, IndicatorKind::Points { .. });
                view! {
                    <fieldset class="indicator">
                        <legend>{format!("{} {}", lang.t("Chỉ số", "Indicator"), ind.code)}</legend>
                        <div class="field-row">
                            {text_field(format!("{base}-code"), lang.t("Mã", "Code"), ind.code.clone(),
                                move |d, v| if let Some(x) = d.criteria.get_mut(ci).and_then(|c| c.indicators.get_mut(ii)) { x.code = v }, draft)}
                            <div class="field">
                                <label for=format!("{base}-max")>{lang.t("Điểm tối đa (để trống: đạt/không đạt)", "Max points (empty: met/not met)")}</label>
                                <input id=format!("{base}-max") type="number" min="0" inputmode="numeric"
                                    value=if let IndicatorKind::Points { max } = ind.kind { max.to_string() } else { String::new() }
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        draft.update(|d| if let Some(x) = d.criteria.get_mut(ci).and_then(|c| c.indicators.get_mut(ii)) {
                                            x.kind = match v.trim().parse::<u32>() { Ok(max) => IndicatorKind::Points { max }, Err(_) => IndicatorKind::PassFail };
                                        });
                                    } />
                            </div>
                            <div class="field">
                                <label for=format!("{base}-level")>{lang.t("Mức (quy tắc mức độ)", "Level (level rules)")}</label>
                                <input id=format!("{base}-level") type="number" min="1" max="9" inputmode="numeric"
                                    value=ind.level.map(|l| l.to_string()).unwrap_or_default()
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        draft.update(|d| if let Some(x) = d.criteria.get_mut(ci).and_then(|c| c.indicators.get_mut(ii)) { x.level = v.trim().parse().ok() });
                                    } />
                            </div>
                        </div>
                        {text_field(format!("{base}-text"), lang.t("Nội dung", "Requirement"), ind.text.clone(),
                            move |d, v| if let Some(x) = d.criteria.get_mut(ci).and_then(|c| c.indicators.get_mut(ii)) { x.text = v }, draft)}
                        {text_field(format!("{base}-evidence"), lang.t("Minh chứng cần có", "Evidence needed"), ind.evidence.clone(),
                            move |d, v| if let Some(x) = d.criteria.get_mut(ci).and_then(|c| c.indicators.get_mut(ii)) { x.evidence = v }, draft)}
                        {verification_field(format!("{base}-source"), ind.verification.clone(),
                            move |d| d.criteria.get_mut(ci).and_then(|c| c.indicators.get_mut(ii)).map(|x| &mut x.verification), draft)}
                        <span class="muted">{if is_points { "" } else { lang.t("Chỉ số đạt/không đạt", "Met / not met indicator") }}</span>
                        <button class="btn btn-small btn-secondary" type="button" on:click=move |_| reshape(Box::new(move |d| {
                            if let Some(c) = d.criteria.get_mut(ci) { if ii < c.indicators.len() { c.indicators.remove(ii); } }
                        }))>{lang.t("Xoá chỉ số", "Remove indicator")}</button>
                    </fieldset>
                }
            }).collect_view();
            let base = format!("c{ci}");
            view! {
                <section class="criterion">
                    <h3>{format!("{} {}", lang.t("Tiêu chí", "Criterion"), c.code)}</h3>
                    <div class="field-row">
                        {text_field(format!("{base}-code"), lang.t("Mã", "Code"), c.code.clone(),
                            move |d, v| if let Some(x) = d.criteria.get_mut(ci) { x.code = v }, draft)}
                        {text_field(format!("{base}-name"), lang.t("Tên tiêu chí", "Name"), c.name.clone(),
                            move |d, v| if let Some(x) = d.criteria.get_mut(ci) { x.name = v }, draft)}
                        <div class="field">
                            <label for=format!("{base}-min")>{lang.t("Điểm tối thiểu (nếu có)", "Minimum points (if any)")}</label>
                            <input id=format!("{base}-min") type="number" min="0" inputmode="numeric"
                                value=c.min_points.map(|m| m.to_string()).unwrap_or_default()
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    draft.update(|d| if let Some(x) = d.criteria.get_mut(ci) { x.min_points = v.trim().parse().ok() });
                                } />
                        </div>
                    </div>
                    {verification_field(format!("{base}-source"), c.verification.clone(),
                        move |d| d.criteria.get_mut(ci).map(|x| &mut x.verification), draft)}
                    {indicators}
                    <div class="form-actions">
                        <button class="btn btn-small btn-secondary" type="button" on:click=move |_| reshape(Box::new(move |d| {
                            if let Some(c) = d.criteria.get_mut(ci) {
                                let n = c.indicators.len() + 1;
                                let kind = match d.rule { ResultRule::Levels { .. } => IndicatorKind::PassFail, _ => IndicatorKind::Points { max: 10 } };
                                let level = matches!(d.rule, ResultRule::Levels { .. }).then_some(1);
                                c.indicators.push(Indicator {
                                    code: format!("{}.{n}", c.code), text: String::new(), text_en: String::new(), kind,
                                    evidence: String::new(), verification: Verification::unverified("Chưa nhập nguồn"), level,
                                });
                            }
                        }))>{lang.t("+ Thêm chỉ số", "+ Add indicator")}</button>
                        <button class="btn btn-small btn-danger" type="button" on:click=move |_| reshape(Box::new(move |d| {
                            if ci < d.criteria.len() { d.criteria.remove(ci); }
                        }))>{lang.t("Xoá tiêu chí", "Remove criterion")}</button>
                    </div>
                </section>
            }
        }).collect_view();
        let rule_editor = match set.rule.clone() {
            ResultRule::PassMark { pass_mark, .. } => view! {
                <div class="field">
                    <label for="rule-pass">{lang.t("Điểm đạt (tổng điểm tối thiểu)", "Pass mark (least total)")}</label>
                    <input id="rule-pass" type="number" min="0" value=pass_mark.to_string() on:input=move |ev| {
                        let v = event_target_value(&ev).trim().parse().unwrap_or(0);
                        draft.update(|d| if let ResultRule::PassMark { pass_mark, .. } = &mut d.rule { *pass_mark = v });
                    } />
                </div>
            }.into_any(),
            ResultRule::GradeBands { bands, .. } => {
                let inputs = bands.iter().enumerate().map(|(bi, b): (usize, &GradeBand)| view! {
                    <div class="field">
                        <label for=format!("band-{bi}")>{format!("{} {}", lang.t("Loại", "Grade"), b.grade.label(lang))}" ≥"</label>
                        <input id=format!("band-{bi}") type="number" min="0" value=b.min_total.to_string() on:input=move |ev| {
                            let v = event_target_value(&ev).trim().parse().unwrap_or(0);
                            draft.update(|d| if let ResultRule::GradeBands { bands, .. } = &mut d.rule { if let Some(b) = bands.get_mut(bi) { b.min_total = v } });
                        } />
                    </div>
                }).collect_view();
                view! { <div class="field-row">{inputs}</div> }.into_any()
            }
            ResultRule::Levels { .. } => view! {
                <p class="muted">{lang.t("Mức k đạt khi mọi chỉ tiêu có mức ≤ k đều đạt.", "Level k is reached when every indicator with level ≤ k is met.")}</p>
            }.into_any(),
        };
        view! {
            <div class="card">
                <h2>{lang.t("Thông tin chung", "General")}</h2>
                {text_field("set-name".into(), lang.t("Tên bộ tiêu chí", "Name"), set.name.clone(), |d, v| d.name = v, draft)}
                {text_field("set-source".into(), lang.t("Văn bản nguồn", "Source document"), set.source_document.clone(), |d, v| d.source_document = v, draft)}
                <div class="field-row">
                    <div class="field">
                        <label for="set-from">{lang.t("Áp dụng từ năm", "From year")}</label>
                        <input id="set-from" type="number" value=set.valid_from_year.to_string() on:input=move |ev| {
                            let v = event_target_value(&ev).trim().parse().unwrap_or(0);
                            draft.update(|d| d.valid_from_year = v);
                        } />
                    </div>
                    <div class="field">
                        <label for="set-to">{lang.t("Đến năm (để trống nếu chưa rõ)", "To year (empty if open)")}</label>
                        <input id="set-to" type="number" value=set.valid_to_year.map(|y| y.to_string()).unwrap_or_default() on:input=move |ev| {
                            let v = event_target_value(&ev).trim().parse().ok();
                            draft.update(|d| d.valid_to_year = v);
                        } />
                    </div>
                </div>
                <h3>{format!("{}: {}", lang.t("Cách xếp kết quả", "Result rule"), set.rule.kind_label(lang))}</h3>
                {rule_editor}
                {verification_field("rule-source".into(), set.rule.verification().clone(), |d| Some(match &mut d.rule {
                    ResultRule::PassMark { verification, .. } | ResultRule::GradeBands { verification, .. } | ResultRule::Levels { verification, .. } => verification,
                }), draft)}
            </div>
            {criteria}
        }
    };

    let add_criterion = move |_| {
        reshape(Box::new(|d: &mut CriteriaSet| {
            let n = d.criteria.len() + 1;
            d.criteria.push(Criterion {
                code: format!("TC{n}"),
                name: String::new(),
                name_en: String::new(),
                indicators: vec![],
                min_points: None,
                verification: Verification::unverified("Chưa nhập nguồn"),
            });
        }))
    };
    view! {
        <h1 class="page-title">{move || format!("{} — {} {} ({})", draft.with(|d| d.name.clone()), lang.t("phiên bản", "version"), draft.with(|d| d.version), lang.t("bản nháp", "draft"))}</h1>
        <p><strong>{lang.t("Đơn vị ban hành: ", "Issued by: ")}</strong><span id="set-owner">{owner_name}</span></p>
        <div class="score-layout">
            <div>
                {structure}
                <button class="btn btn-secondary mt" type="button" on:click=add_criterion>{lang.t("+ Thêm tiêu chí", "+ Add criterion")}</button>
            </div>
            <aside class="score-panel">
                <p><strong>{lang.t("Tổng điểm tối đa: ", "Maximum total: ")}</strong>{move || draft.with(|d| d.max_total())}</p>
                {move || {
                    let list = problems.get();
                    if list.is_empty() {
                        view! { <p class="verdict verdict-pass" id="set-problems">{lang.t("Không có lỗi: có thể ban hành.", "No problems: ready to publish.")}</p> }.into_any()
                    } else {
                        let items = list.iter().map(|p| view! { <li>{p.message.get(lang).to_string()}</li> }).collect_view();
                        view! {
                            <div id="set-problems">
                                <p class="verdict verdict-fail">{format!("{} {}", list.len(), lang.t("lỗi cần sửa trước khi ban hành", "problems to fix before publishing"))}</p>
                                <ul>{items}</ul>
                            </div>
                        }.into_any()
                    }
                }}
                {move || message.get().map(|m| match m {
                    Ok(text) => view! { <p class="alert alert-success" role="status">{text}</p> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                })}
                <div class="form-actions">
                    <button class="btn btn-primary" type="button" disabled=move || save.pending().get()
                        on:click=move |_| { save.dispatch(draft.get_untracked()); }>
                        {move || if dirty.get() { lang.t("Lưu bản nháp *", "Save draft *") } else { lang.t("Lưu bản nháp", "Save draft") }}
                    </button>
                    <button class="btn btn-secondary" type="button"
                        disabled=move || dirty.get() || !problems.get().is_empty() || publish.pending().get()
                        on:click=move |_| { publish.dispatch(()); }>
                        {lang.t("Ban hành", "Publish")}
                    </button>
                </div>
                <p class="muted">{lang.t("Ban hành xong thì không sửa được nữa.", "Once published, the set cannot change.")}</p>
            </aside>
        </div>
    }
}

/// Scores the shared fixtures here, in the browser's WebAssembly, and compares the result with
/// the server's native result for the same fixtures.
#[component]
pub fn ScoringSelfCheckPage() -> impl IntoView {
    let lang = use_lang();
    let native = Resource::new(|| (), |_| scoring_fixture_digest());
    let browser: RwSignal<Option<(String, Vec<String>)>> = RwSignal::new(None);
    // Effects run only in the browser: this digest is computed by the WebAssembly build.
    Effect::new(move |_| {
        browser.set(Some((
            crate::domain::fixtures::fixture_digest(),
            crate::domain::fixtures::failing_fixtures(),
        )));
    });
    view! {
        <Title text=lang.t("Kiểm tra bộ chấm điểm", "Scoring self-check") />
        <h1 class="page-title">{lang.t("Kiểm tra bộ chấm điểm", "Scoring engine self-check")}</h1>
        <p>{lang.t(
            "Trang này chấm cùng một bộ ví dụ hai lần: trên máy chủ và ngay trong trình duyệt này. Hai kết quả phải giống hệt nhau.",
            "This page scores the same examples twice: on the server and in this browser. Both results must be identical.",
        )}</p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let server = native.await;
                view! {
                    {move || match (&server, browser.get()) {
                        (Err(e), _) => view! { <ErrorAlert error=e.clone() /> }.into_any(),
                        (Ok(_), None) => view! { <p class="loading" id="selfcheck-status">{lang.t("Đang chấm trong trình duyệt…", "Scoring in the browser…")}</p> }.into_any(),
                        (Ok(server), Some((mine, failing))) => {
                            let same = *server == mine;
                            let lines = mine.lines().count();
                            view! {
                                <p id="selfcheck-status" class=if same && failing.is_empty() { "verdict verdict-pass" } else { "verdict verdict-fail" }>
                                    {if same && failing.is_empty() {
                                        format!("{} ({lines} {})", lang.t("Khớp hoàn toàn", "Identical"), lang.t("ví dụ", "examples"))
                                    } else {
                                        lang.t("KHÔNG khớp — hãy báo cho quản trị hệ thống", "MISMATCH — report it to the administrator").to_string()
                                    }}
                                </p>
                                {(!failing.is_empty()).then(|| view! { <ul>{failing.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ul> })}
                                <div class="grid">
                                    <div class="card"><h2>{lang.t("Máy chủ", "Server")}</h2><pre id="digest-server">{server.clone()}</pre></div>
                                    <div class="card"><h2>{lang.t("Trình duyệt (WebAssembly)", "Browser (WebAssembly)")}</h2><pre id="digest-browser">{mine}</pre></div>
                                </div>
                            }.into_any()
                        }
                    }}
                }
            })}
        </Suspense>
    }
}
