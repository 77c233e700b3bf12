//! In-person sessions (hội nghị tập huấn): `/tap-huan/hoi-nghi` lists them and records a new
//! one; `/tap-huan/hoi-nghi/:session` edits it, adds delegates (picked from the unit's users or
//! pasted from a spreadsheet) and marks who came; `…/ky-ten` is the printable sign-in sheet.

use super::super::api::{
    add_attendees, find_session, import_attendees, list_attendee_choices, list_session_modules,
    list_sessions, remove_attendee, save_session, set_attendance,
};
use super::super::types::{
    lesson_href, session_href, sign_in_sheet_href, Attendee, ImportedAttendees, SessionDetail,
    SessionInput, SessionModule,
};
use super::{failed, loading, route_number};
use crate::domain::org::OrgLevel;
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::ui::{
    field_class, field_error, hard_navigate, provide_unit_options, use_lang, ErrorAlert, Guard,
    UnitSelect,
};
use crate::vietnam_time::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/tap-huan/hoi-nghi`: the sessions in the caller's scope, and the form of a new one.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let lang = use_lang();
    provide_unit_options(&[(None, true)]);
    let sessions = Resource::new(|| (), |_| list_sessions());
    let modules = Resource::new(|| (), |_| list_session_modules());
    view! {
        <Title text=lang.t("Hội nghị tập huấn", "Training sessions") />
        <h1 class="page-title">{lang.t("Hội nghị tập huấn", "Training sessions")}</h1>
        <Guard permission=Permission::ManageTraining let:_me>
            <p class="lead">{lang.t(
                "Ghi lại mỗi hội nghị tập huấn trực tiếp một lần: đại biểu có tài khoản được điểm danh có mặt sẽ được tính là đã hoàn thành các học phần của hội nghị.",
                "Record each in-person session once: delegates with an account who are marked present count as having completed the session's modules.",
            )}</p>
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p>{lang.t("Chưa có hội nghị nào.", "No session yet.")}</p> }.into_any(),
                        Ok(list) => {
                            let rows = list.into_iter().map(|s| view! {
                                <tr>
                                    <td data-label=lang.t("Ngày", "Date")>{format_date(s.held_on)}</td>
                                    <th scope="row" data-label=lang.t("Hội nghị", "Session")><a href=session_href(s.session_id)>{s.title}</a></th>
                                    <td data-label=lang.t("Địa điểm", "Place")>{s.place}</td>
                                    <td data-label=lang.t("Đơn vị tổ chức", "Organised by")>{s.unit_name}</td>
                                    <td data-label=lang.t("Có mặt / đại biểu", "Present / delegates")>{format!("{}/{}", s.attended, s.attendees)}</td>
                                </tr>
                            }).collect_view();
                            view! {
                                <div class="table-wrap">
                                    <table class="data stack" id="session-list">
                                        <caption>{lang.t("Các hội nghị, mới nhất trước", "Sessions, newest first")}</caption>
                                        <thead><tr>
                                            <th scope="col">{lang.t("Ngày", "Date")}</th>
                                            <th scope="col">{lang.t("Hội nghị", "Session")}</th>
                                            <th scope="col">{lang.t("Địa điểm", "Place")}</th>
                                            <th scope="col">{lang.t("Đơn vị tổ chức", "Organised by")}</th>
                                            <th scope="col">{lang.t("Có mặt / đại biểu", "Present / delegates")}</th>
                                        </tr></thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match modules.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(modules) => view! {
                            <section class="card">
                                <h2>{lang.t("Ghi hội nghị mới", "Record a new session")}</h2>
                                <SessionForm start=None modules on_saved=Callback::new(|d: SessionDetail| hard_navigate(&session_href(d.session_id))) />
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Guard>
    }
}

/// The form of a session: new (`start` `None`) or an edit.
#[component]
fn SessionForm(
    start: Option<SessionInput>,
    modules: Vec<SessionModule>,
    on_saved: Callback<SessionDetail>,
) -> impl IntoView {
    let lang = use_lang();
    let start = start.unwrap_or(SessionInput {
        session_id: None,
        version: 0,
        title: String::new(),
        held_on: crate::vietnam_time::today().to_string(),
        place: String::new(),
        unit_id: None,
        agenda: String::new(),
        module_ids: vec![],
    });
    let form = RwSignal::new(start.clone());
    let unit = RwSignal::new(start.unit_id.unwrap_or(0));
    let save = Action::new(move |input: &SessionInput| save_session(input.clone()));
    let errors = Signal::derive(move || save.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(d)) = save.value().get() {
            form.set(d.input());
            on_saved.run(d);
        }
    });
    let prefix = if start.session_id.is_some() {
        "edit"
    } else {
        "new"
    };
    let id = move |name: &str| format!("{prefix}-session-{name}");
    let text = move |name: &'static str,
                     label: &'static str,
                     value: String,
                     write: fn(&mut SessionInput, String)| {
        view! {
            <div class=field_class(errors, name)>
                <label for=id(name)>{label}</label>
                <input id=id(name) type="text" maxlength="200" value=value
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| write(f, v)); } />
                {field_error(errors, name)}
            </div>
        }
    };
    let checks = modules
        .into_iter()
        .map(|m| {
            let chosen = start.module_ids.contains(&m.module_id);
            let module_id = m.module_id;
            view! {
                <label class="checkbox">
                    <input type="checkbox" checked=chosen on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        form.update(|f| {
                            f.module_ids.retain(|&id| id != module_id);
                            if on { f.module_ids.push(module_id); }
                        });
                    } />
                    {m.title}
                </label>
            }
        })
        .collect_view();
    view! {
        <form on:submit=move |ev| {
            ev.prevent_default();
            let mut input = form.get_untracked();
            input.unit_id = Some(unit.get_untracked()).filter(|&u| u > 0);
            save.dispatch(input);
        }>
            {text("title", lang.t("Tên hội nghị", "Title"), start.title.clone(), |f, v| f.title = v)}
            <div class="field-row">
                <div class=field_class(errors, "held_on")>
                    <label for=id("held_on")>{lang.t("Ngày tổ chức", "Date")}</label>
                    <input id=id("held_on") type="date" value=start.held_on.clone()
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.held_on = v); } />
                    {field_error(errors, "held_on")}
                </div>
                {text("place", lang.t("Địa điểm", "Place"), start.place.clone(), |f, v| f.place = v)}
            </div>
            <div class=field_class(errors, "unit_id")>
                <label for=id("unit_id")>{lang.t("Đơn vị tổ chức", "Organising unit")}</label>
                <UnitSelect id=id("unit_id") level=None writable=true value=unit
                    empty_label=lang.t("— Chọn đơn vị —", "— Choose a unit —") exclude_level=OrgLevel::Village />
                {field_error(errors, "unit_id")}
            </div>
            <div class=field_class(errors, "agenda")>
                <label for=id("agenda")>{lang.t("Chương trình, tài liệu", "Agenda and material")}</label>
                <textarea id=id("agenda") rows="4"
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.agenda = v); }>{start.agenda.clone()}</textarea>
                {field_error(errors, "agenda")}
            </div>
            <fieldset class=field_class(errors, "module_ids")>
                <legend>{lang.t("Học phần được tập huấn (dự đủ được tính là hoàn thành)", "Modules taught (attending counts as completing them)")}</legend>
                {checks}
                {field_error(errors, "module_ids")}
            </fieldset>
            {move || errors.get().filter(|e| !matches!(e, AppError::Validation(_))).map(|e| view! { <ErrorAlert error=e /> })}
            <button class="btn btn-primary" type="submit" disabled=move || save.pending().get()>
                {if prefix == "new" { lang.t("Ghi hội nghị", "Record the session") } else { lang.t("Lưu thay đổi", "Save changes") }}
            </button>
        </form>
    }
}

/// `/tap-huan/hoi-nghi/:session`: the session, its delegates and their attendance.
#[component]
pub fn SessionPage() -> impl IntoView {
    let lang = use_lang();
    provide_unit_options(&[(None, true)]);
    let session_id = route_number("session");
    let data = Resource::new(
        move || session_id.get(),
        |id| async move {
            let id =
                id.ok_or_else(|| AppError::not_found("hội nghị tập huấn", "Training session"))?;
            Ok::<_, AppError>((find_session(id).await?, list_session_modules().await?))
        },
    );
    view! {
        <Title text=lang.t("Hội nghị tập huấn", "Training session") />
        <Guard permission=Permission::ManageTraining let:_me>
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => failed(lang, lang.t("Hội nghị tập huấn", "Training session"), e).into_any(),
                        Ok((detail, modules)) => view! { <SessionView detail modules /> }.into_any(),
                    }
                })}
            </Suspense>
        </Guard>
    }
}

#[component]
fn SessionView(detail: SessionDetail, modules: Vec<SessionModule>) -> impl IntoView {
    let lang = use_lang();
    let session_id = detail.session_id;
    let current = RwSignal::new(detail.clone());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let changed = move |result: Option<Result<SessionDetail, AppError>>| match result {
        Some(Ok(d)) => {
            current.set(d);
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    };
    let attendance = Action::new(move |(ids, on): &(Vec<i64>, bool)| {
        set_attendance(session_id, ids.clone(), *on)
    });
    Effect::new(move |_| changed(attendance.value().get()));
    let removing = Action::new(move |id: &i64| remove_attendee(session_id, *id));
    Effect::new(move |_| changed(removing.value().get()));
    let adding = Action::new(move |ids: &Vec<i64>| add_attendees(session_id, ids.clone()));
    Effect::new(move |_| changed(adding.value().get()));
    let pasted = RwSignal::new(String::new());
    let importing = Action::new(move |text: &String| import_attendees(session_id, text.clone()));
    // What an import (pasted or from a file) did: how many were added, which lines were not
    // and why. Signals are written with `try_`: a file's upload may end after the page is gone.
    let imported = move |result: Result<ImportedAttendees, AppError>, pasting: bool| match result {
        Ok(done) => {
            let refused = done
                .refused
                .iter()
                .map(|r| {
                    format!(
                        "{} {}: {}",
                        lang.t("dòng", "line"),
                        r.line,
                        if lang == crate::i18n::Lang::Vi {
                            &r.vi
                        } else {
                            &r.en
                        }
                    )
                })
                .collect::<Vec<_>>();
            let _ = notice.try_set(Some(format!(
                "{} {} {}.{}",
                lang.t("Đã thêm", "Added"),
                done.added,
                lang.t("đại biểu", "delegates"),
                if refused.is_empty() {
                    String::new()
                } else {
                    format!(
                        " {} {}",
                        lang.t("Không thêm:", "Not added:"),
                        refused.join("; ")
                    )
                }
            )));
            if pasting && done.refused.is_empty() {
                let _ = pasted.try_set(String::new());
            }
            let _ = current.try_set(done.detail);
            let _ = error.try_set(None);
        }
        Err(e) => {
            let _ = error.try_set(Some(e));
        }
    };
    Effect::new(move |_| {
        if let Some(result) = importing.value().get() {
            imported(result, true);
        }
    });
    let progress: RwSignal<Option<f64>> = RwSignal::new(None);
    let on_file = move |_ev: leptos::ev::Event| {
        error.set(None);
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = crate::ui::take_picked_file(&_ev) else {
                return;
            };
            progress.set(Some(0.0));
            crate::ui::upload_file(
                &super::super::types::attendee_upload_href(session_id),
                file,
                progress,
                move |result| {
                    let _ = progress.try_set(None);
                    imported(result, false);
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = imported;
    };
    let query = RwSignal::new(String::new());
    let choices = Resource::new(
        move || query.get(),
        move |q| list_attendee_choices(session_id, q),
    );

    let row = move |a: Attendee, n: usize| {
        let id = a.attendee_id;
        let label = format!("{}: {}", lang.t("Có mặt", "Present"), a.full_name);
        let remove_label = format!(
            "{} {}",
            lang.t("Bỏ khỏi danh sách:", "Remove from the list:"),
            a.full_name
        );
        view! {
            <tr>
                <td data-label=lang.t("STT", "No.")>{n + 1}</td>
                <th scope="row" data-label=lang.t("Họ và tên", "Name")>
                    {a.full_name.clone()}
                    {a.user_id.is_none().then(|| view! { <br /><span class="muted">{lang.t("chưa có tài khoản", "no account")}</span> })}
                </th>
                <td data-label=lang.t("Đơn vị", "Unit")>{a.unit_name.clone()}</td>
                <td data-label=lang.t("Chức vụ", "Position")>{a.position.clone()}</td>
                <td data-label=lang.t("Có mặt", "Present")>
                    <label class="checkbox">
                        <input type="checkbox" checked=a.attended aria-label=label disabled=move || attendance.pending().get()
                            on:change=move |ev| { attendance.dispatch((vec![id], event_target_checked(&ev))); } />
                        {if a.attended { lang.t("Có mặt", "Present") } else { lang.t("Chưa", "Not yet") }}
                    </label>
                </td>
                <td data-label=lang.t("Thao tác", "Actions")>
                    <button class="btn btn-small btn-secondary" type="button" aria-label=remove_label
                        on:click=move |_| { removing.dispatch(id); }>{lang.t("Bỏ", "Remove")}</button>
                </td>
            </tr>
        }
    };
    view! {
        <h1 class="page-title">{move || current.with(|d| d.title.clone())}</h1>
        <p class="lead">{move || current.with(|d| format!(
            "{} · {} · {}. {} {}/{}.",
            format_date(d.held_on), d.place, d.unit_name,
            lang.t("Có mặt:", "Present:"), d.attended(), d.attendees.len(),
        ))}</p>
        {move || {
            let modules = current.with(|d| d.modules.clone());
            (!modules.is_empty()).then(|| view! {
                <p>
                    <strong>{lang.t("Tài liệu, học phần được tập huấn: ", "Material, the modules taught: ")}</strong>
                    {modules.into_iter().enumerate().map(|(n, m)| view! {
                        {(n > 0).then_some(" · ")}
                        <a href=lesson_href(m.module_id, 1)>{m.title}</a>
                    }).collect_view()}
                </p>
            })
        }}
        {move || current.with(|d| (!d.agenda.is_empty()).then(|| view! { <p class="comment-body">{d.agenda.clone()}</p> }))}
        <p class="toolbar">
            <a class="btn btn-secondary" href=sign_in_sheet_href(session_id)>{lang.t("In danh sách ký tên", "Print the sign-in sheet")}</a>
            <a class="btn btn-secondary" href="/tap-huan/hoi-nghi">{lang.t("← Các hội nghị", "← All sessions")}</a>
        </p>
        {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
        {move || notice.get().map(|n| view! { <p class="alert alert-success" role="status">{n}</p> })}
        <section aria-labelledby="attendees-heading">
            <h2 id="attendees-heading">{lang.t("Đại biểu và điểm danh", "Delegates and attendance")}</h2>
            {move || {
                let d = current.get();
                let all: Vec<i64> = d.attendees.iter().filter(|a| !a.attended).map(|a| a.attendee_id).collect();
                let rows = d.attendees.into_iter().enumerate().map(|(n, a)| row(a, n)).collect_view();
                view! {
                    <button class="btn btn-secondary" type="button" disabled=all.is_empty()
                        on:click=move |_| { attendance.dispatch((all.clone(), true)); }>
                        {lang.t("Đánh dấu tất cả có mặt", "Mark everyone present")}
                    </button>
                    <div class="table-wrap">
                        <table class="data stack" id="attendee-list">
                            <caption>{lang.t("Danh sách đại biểu", "Delegates")}</caption>
                            <thead><tr>
                                <th scope="col">{lang.t("STT", "No.")}</th>
                                <th scope="col">{lang.t("Họ và tên", "Name")}</th>
                                <th scope="col">{lang.t("Đơn vị", "Unit")}</th>
                                <th scope="col">{lang.t("Chức vụ", "Position")}</th>
                                <th scope="col">{lang.t("Có mặt", "Present")}</th>
                                <th scope="col">{lang.t("Thao tác", "Actions")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            }}
        </section>
        <section class="card" aria-labelledby="pick-heading">
            <h2 id="pick-heading">{lang.t("Chọn người dùng của đơn vị", "Pick users of the unit")}</h2>
            <div class="field">
                <label for="attendee-search">{lang.t("Tìm theo tên", "Search by name")}</label>
                <input id="attendee-search" type="search" prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev)) />
            </div>
            <Transition fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match choices.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{lang.t("Không còn ai để chọn.", "Nobody left to pick.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain-list" id="attendee-choices">
                                {list.into_iter().map(|c| {
                                    let label = format!("{} {}", lang.t("Thêm", "Add"), c.full_name);
                                    let user_id = c.user_id;
                                    view! {
                                        <li>
                                            {format!("{} — {} ", c.full_name, c.unit_name)}
                                            <button class="btn btn-small btn-secondary" type="button" aria-label=label
                                                on:click=move |_| { adding.dispatch(vec![user_id]); }>{lang.t("Thêm", "Add")}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="paste-heading">
            <h2 id="paste-heading">{lang.t("Nhập danh sách đại biểu chưa có tài khoản", "Import delegates without an account")}</h2>
            <form on:submit=move |ev| { ev.prevent_default(); importing.dispatch(pasted.get_untracked()); }>
                <div class="field">
                    <label for="attendee-paste">{lang.t(
                        "Dán từ Excel: mỗi dòng một người, các cột Họ và tên, Đơn vị, Chức vụ",
                        "Paste from Excel: one person per line, columns Name, Unit, Position",
                    )}</label>
                    <textarea id="attendee-paste" rows="6" prop:value=move || pasted.get()
                        on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                </div>
                <button class="btn btn-primary" type="submit" disabled=move || importing.pending().get() || pasted.with(|p| p.trim().is_empty())>
                    {lang.t("Thêm vào danh sách", "Add to the list")}
                </button>
            </form>
            <div class="field mt">
                <label for="attendee-file">{lang.t("Hoặc chọn tệp Excel (.xlsx) hay CSV có các cột Họ và tên, Đơn vị, Chức vụ", "Or choose an Excel (.xlsx) or CSV file with the columns Name, Unit, Position")}</label>
                <input id="attendee-file" type="file" accept=".xlsx,.csv,text/csv"
                    disabled=move || progress.get().is_some() on:change=on_file />
            </div>
            {move || progress.get().map(|p| view! {
                <label for="attendee-progress">{format!("{} {:.0}%", lang.t("Đang tải lên", "Uploading"), p * 100.0)}</label>
                <progress id="attendee-progress" class="upload-progress" max="1" value=p></progress>
            })}
        </section>
        <section class="card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">{lang.t("Thông tin hội nghị", "Session details")}</h2>
            <SessionForm start=Some(detail.input()) modules on_saved=Callback::new(move |d: SessionDetail| current.set(d)) />
        </section>
    }
}

/// `/tap-huan/hoi-nghi/:session/ky-ten`: the sign-in sheet, for A4 paper, with blank lines
/// for delegates who come without being listed.
#[component]
pub fn SignInSheetPage() -> impl IntoView {
    let lang = use_lang();
    let session_id = route_number("session");
    let data = Resource::new(
        move || session_id.get(),
        |id| async move {
            match id {
                Some(id) => find_session(id).await,
                None => Err(AppError::not_found("hội nghị tập huấn", "Training session")),
            }
        },
    );
    view! {
        <Title text=lang.t("Danh sách ký tên", "Sign-in sheet") />
        <Guard permission=Permission::ManageTraining let:_me>
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => failed(lang, lang.t("Danh sách ký tên", "Sign-in sheet"), e).into_any(),
                        Ok(d) => {
                            let listed = d.attendees.len();
                            let rows = d.attendees.iter().enumerate().map(|(n, a)| view! {
                                <tr><td>{n + 1}</td><td>{a.full_name.clone()}</td><td>{a.unit_name.clone()}</td><td>{a.position.clone()}</td><td></td></tr>
                            }).collect_view();
                            let blanks = (listed..listed + 10).map(|n| view! {
                                <tr class="blank"><td>{n + 1}</td><td></td><td></td><td></td><td></td></tr>
                            }).collect_view();
                            view! {
                                <article class="print-sheet">
                                    <p class="print-unit">{d.unit_name.clone()}</p>
                                    <h1>{lang.t("DANH SÁCH ĐẠI BIỂU KÝ TÊN", "DELEGATES' SIGN-IN SHEET")}</h1>
                                    <p class="print-title">{d.title.clone()}</p>
                                    <p>{format!("{} {} · {} {}", lang.t("Ngày:", "Date:"), format_date(d.held_on), lang.t("Địa điểm:", "Place:"), d.place)}</p>
                                    <table class="sign-in-sheet">
                                        <caption class="sr-only">{lang.t("Danh sách ký tên", "Sign-in sheet")}</caption>
                                        <thead><tr>
                                            <th scope="col">{lang.t("STT", "No.")}</th>
                                            <th scope="col">{lang.t("Họ và tên", "Name")}</th>
                                            <th scope="col">{lang.t("Đơn vị", "Unit")}</th>
                                            <th scope="col">{lang.t("Chức vụ", "Position")}</th>
                                            <th scope="col">{lang.t("Ký tên", "Signature")}</th>
                                        </tr></thead>
                                        <tbody>{rows}{blanks}</tbody>
                                    </table>
                                    <p class="no-print"><a href=session_href(d.session_id)>{lang.t("← Quay lại hội nghị", "← Back to the session")}</a></p>
                                </article>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Guard>
    }
}
