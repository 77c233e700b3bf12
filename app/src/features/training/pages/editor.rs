//! The module editor, for administrators of the whole system: `/tap-huan/quan-ly` lists the
//! modules in the trainee's order (move up and down, start a new one) and
//! `/tap-huan/quan-ly/:module` edits a module's draft: its settings, lessons (Markdown) and
//! question bank, with what still stops it from being published listed live. Publishing makes
//! the draft the version trainees read; completions already earned stay with their version.

use super::super::api::{
    create_module, discard_module_draft, find_module_draft, list_managed_modules, move_module,
    preview_lesson, publish_module_draft, remove_module_document, update_module_draft,
};
use super::super::types::{
    document_href, editor_href, DraftLesson, ManagedModule, ModuleDocument, ModuleDraft,
    MoveDirection,
};
use super::{failed, loading, route_number};
use crate::domain::roles::Permission;
use crate::domain::training::{KeyedOption, KeyedQuestion};
use crate::error::AppError;
use crate::ui::{hard_navigate, use_lang, ErrorAlert, Guard};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/tap-huan/quan-ly`: every module, its versions, its place, and a new one.
#[component]
pub fn ModuleAdminPage() -> impl IntoView {
    let lang = use_lang();
    let modules = Resource::new(|| (), |_| list_managed_modules());
    let list: RwSignal<Option<Vec<ManagedModule>>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let moving = Action::new(move |(id, dir): &(i64, MoveDirection)| move_module(*id, *dir));
    Effect::new(move |_| match moving.value().get() {
        Some(Ok(l)) => {
            list.set(Some(l));
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let title = RwSignal::new(String::new());
    let create = Action::new(move |t: &String| create_module(t.clone()));
    Effect::new(move |_| match create.value().get() {
        Some(Ok(d)) => hard_navigate(&editor_href(d.module_id)),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let table = move |rows: Vec<ManagedModule>| {
        let count = rows.len();
        let body = rows
            .into_iter()
            .enumerate()
            .map(|(n, m)| {
                let id = m.module_id;
                let versions = match (m.published_version, m.draft_version) {
                    (Some(p), Some(d)) => format!("{} {p} · {} {d}", lang.t("phát hành: bản", "published: v"), lang.t("nháp: bản", "draft: v")),
                    (Some(p), None) => format!("{} {p}", lang.t("phát hành: bản", "published: v")),
                    (None, Some(d)) => format!("{} {d} ({})", lang.t("nháp: bản", "draft: v"), lang.t("học viên chưa thấy", "not visible to trainees")),
                    (None, None) => "—".to_string(),
                };
                let up_label = format!("{}: {}", lang.t("Lên trên", "Move up"), m.title);
                let down_label = format!("{}: {}", lang.t("Xuống dưới", "Move down"), m.title);
                view! {
                    <tr>
                        <td data-label=lang.t("Thứ tự", "Order")>{n + 1}</td>
                        <th scope="row" data-label=lang.t("Học phần", "Module")>
                            {m.title.clone()}
                            {m.gates_scoring.then(|| view! { <br /><span class="muted">{lang.t("Bắt buộc trước khi chấm điểm", "Required before scoring")}</span> })}
                        </th>
                        <td data-label=lang.t("Phiên bản", "Versions")>{versions}</td>
                        <td data-label=lang.t("Đã hoàn thành", "Completed by")>{m.completions}</td>
                        <td data-label=lang.t("Thao tác", "Actions") class="toolbar">
                            <a class="btn btn-small btn-secondary" href=editor_href(id)>
                                {if m.draft_version.is_some() { lang.t("Sửa bản nháp", "Edit the draft") } else { lang.t("Sửa", "Edit") }}
                            </a>
                            <button class="btn btn-small btn-secondary" type="button" aria-label=up_label disabled=n == 0
                                on:click=move |_| { moving.dispatch((id, MoveDirection::Up)); }>"↑"</button>
                            <button class="btn btn-small btn-secondary" type="button" aria-label=down_label disabled=n + 1 == count
                                on:click=move |_| { moving.dispatch((id, MoveDirection::Down)); }>"↓"</button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="data stack" id="module-admin-list">
                    <caption>{lang.t("Các học phần, theo thứ tự học viên thấy", "The modules, in the order trainees see them")}</caption>
                    <thead><tr>
                        <th scope="col">{lang.t("Thứ tự", "Order")}</th>
                        <th scope="col">{lang.t("Học phần", "Module")}</th>
                        <th scope="col">{lang.t("Phiên bản", "Versions")}</th>
                        <th scope="col">{lang.t("Đã hoàn thành", "Completed by")}</th>
                        <th scope="col">{lang.t("Thao tác", "Actions")}</th>
                    </tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        }
    };
    view! {
        <Title text=lang.t("Soạn học phần tập huấn", "Training modules") />
        <h1 class="page-title">{lang.t("Soạn học phần tập huấn", "Training modules")}</h1>
        <Guard permission=Permission::ManageTraining let:_me>
            <p class="lead">
                {lang.t(
                    "Sửa một học phần đã phát hành sẽ tạo bản nháp mới; học viên vẫn học bản cũ cho đến khi bản nháp được phát hành. Kết quả hoàn thành đã có không bị ảnh hưởng.",
                    "Editing a published module makes a new draft; trainees keep the old version until the draft is published. Completions already earned are kept.",
                )}
            </p>
            {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match modules.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(first) => view! { {move || table(list.get().unwrap_or_else(|| first.clone()))} }.into_any(),
                    }
                })}
            </Suspense>
            <form class="card" on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(title.get_untracked());
            }>
                <h2>{lang.t("Học phần mới", "New module")}</h2>
                <div class="field">
                    <label for="new-module-title">{lang.t("Tên học phần", "Title")}</label>
                    <input id="new-module-title" type="text" maxlength="200" required
                        prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                </div>
                <button class="btn btn-primary" type="submit" disabled=move || create.pending().get()>
                    {lang.t("Tạo bản nháp", "Create a draft")}
                </button>
            </form>
        </Guard>
    }
}

/// `/tap-huan/quan-ly/:module`: the editor of a module's draft.
#[component]
pub fn ModuleEditorPage() -> impl IntoView {
    let lang = use_lang();
    let module_id = route_number("module");
    let draft = Resource::new(
        move || module_id.get(),
        |id| async move {
            match id {
                Some(id) => find_module_draft(id).await,
                None => Err(AppError::not_found("học phần", "Training module")),
            }
        },
    );
    view! {
        <Title text=lang.t("Sửa học phần", "Edit a module") />
        <Guard permission=Permission::ManageTraining let:_me>
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match draft.await {
                        Err(e) => failed(lang, lang.t("Sửa học phần", "Edit a module"), e).into_any(),
                        Ok(d) => view! { <DraftEditor stored=d /> }.into_any(),
                    }
                })}
            </Suspense>
        </Guard>
    }
}

/// A text input or text area bound to one field of the draft.
fn text_input(
    id: String,
    label: String,
    value: String,
    multiline: Option<u32>,
    write: impl Fn(&mut ModuleDraft, String) + Send + Sync + 'static,
    draft: RwSignal<ModuleDraft>,
) -> impl IntoView {
    let on_input = move |ev| {
        let v = event_target_value(&ev);
        draft.update(|d| write(d, v));
    };
    let input = match multiline {
        Some(rows) => {
            view! { <textarea id=id.clone() rows=rows on:input=on_input>{value}</textarea> }
                .into_any()
        }
        None => {
            view! { <input id=id.clone() type="text" value=value on:input=on_input /> }.into_any()
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
        </div>
    }
}

/// A number input for an optional setting: empty means "no limit".
fn number_input(
    id: &'static str,
    label: &'static str,
    value: Option<u32>,
    write: impl Fn(&mut ModuleDraft, Option<u32>) + Send + Sync + 'static,
    draft: RwSignal<ModuleDraft>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="number" min="0" inputmode="numeric" value=value.map(|v| v.to_string()).unwrap_or_default()
                on:input=move |ev| {
                    let v = event_target_value(&ev).trim().parse::<u32>().ok();
                    draft.update(|d| write(d, v));
                } />
        </div>
    }
}

/// Moves item `at` of `items` one place in `direction`, when there is a place to move to.
fn shift<T>(items: &mut [T], at: usize, direction: MoveDirection) {
    let other = match direction {
        MoveDirection::Up => at.checked_sub(1),
        MoveDirection::Down => (at + 1 < items.len()).then_some(at + 1),
    };
    if let Some(other) = other {
        items.swap(at, other);
    }
}

#[component]
fn DraftEditor(stored: ModuleDraft) -> impl IntoView {
    let lang = use_lang();
    let module_id = stored.module_id;
    let draft = RwSignal::new(stored);
    // The structure re-renders only when it changes shape, so typing never loses focus.
    let shape = RwSignal::new(0u32);
    let dirty = RwSignal::new(false);
    let message: RwSignal<Option<Result<&'static str, AppError>>> = RwSignal::new(None);
    Effect::new(move |prev: Option<()>| {
        draft.track();
        if prev.is_some() {
            dirty.set(true);
        }
    });
    let save = Action::new(move |d: &ModuleDraft| update_module_draft(d.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            draft.set(saved);
            shape.update(|s| *s += 1);
            dirty.set(false);
            message.set(Some(Ok(lang.t("Đã lưu bản nháp.", "Draft saved."))));
        }
        Some(Err(e)) => message.set(Some(Err(e))),
        None => {}
    });
    let publish = Action::new(move |revision: &i64| publish_module_draft(module_id, *revision));
    Effect::new(move |_| match publish.value().get() {
        Some(Ok(_)) => hard_navigate("/tap-huan/quan-ly"),
        Some(Err(e)) => message.set(Some(Err(e))),
        None => {}
    });
    let discard = Action::new(move |revision: &i64| discard_module_draft(module_id, *revision));
    Effect::new(move |_| match discard.value().get() {
        Some(Ok(_)) => hard_navigate("/tap-huan/quan-ly"),
        Some(Err(e)) => message.set(Some(Err(e))),
        None => {}
    });
    let problems = Memo::new(move |_| draft.with(|d| d.publish_problems()));
    let documents = RwSignal::new(draft.with_untracked(|d| d.documents.clone()));
    let stored = Signal::derive(move || draft.with(|d| d.stored));
    // The lesson shown rendered, by its place, and its HTML from the server's renderer.
    let preview: RwSignal<Option<(usize, Result<String, AppError>)>> = RwSignal::new(None);
    let previewing = Action::new(move |(at, body): &(usize, String)| {
        let (at, body) = (*at, body.clone());
        async move { (at, preview_lesson(body).await) }
    });
    Effect::new(move |_| {
        if let Some(result) = previewing.value().get() {
            preview.set(Some(result));
        }
    });
    let reshape = move |f: Box<dyn FnOnce(&mut ModuleDraft)>| {
        draft.update(|d| f(d));
        shape.update(|s| *s += 1);
    };

    let structure = move || {
        shape.track();
        let d = draft.get_untracked();
        let s = d.settings;
        let lessons = d.lessons.iter().enumerate().map(|(li, lesson)| {
            let heading = format!("{} {}", lang.t("Bài", "Lesson"), li + 1);
            view! {
                <fieldset class="card lesson-editor">
                    <legend>{heading.clone()}</legend>
                    {text_input(format!("lesson-{li}-title"), format!("{heading}: {}", lang.t("tên bài", "title")), lesson.title.clone(), None,
                        move |d, v| if let Some(l) = d.lessons.get_mut(li) { l.title = v }, draft)}
                    {text_input(format!("lesson-{li}-body"), format!("{heading}: {}", lang.t("nội dung (Markdown)", "body (Markdown)")), lesson.body_md.clone(), Some(14),
                        move |d, v| if let Some(l) = d.lessons.get_mut(li) { l.body_md = v }, draft)}
                    <div class="form-actions">
                        <button class="btn btn-small btn-secondary" type="button" on:click=move |_| reshape(Box::new(move |d| shift(&mut d.lessons, li, MoveDirection::Up)))>
                            {format!("↑ {heading}")}
                        </button>
                        <button class="btn btn-small btn-secondary" type="button" on:click=move |_| reshape(Box::new(move |d| shift(&mut d.lessons, li, MoveDirection::Down)))>
                            {format!("↓ {heading}")}
                        </button>
                        <button class="btn btn-small btn-danger" type="button" on:click=move |_| reshape(Box::new(move |d| { if li < d.lessons.len() { d.lessons.remove(li); } }))>
                            {format!("{} {}", lang.t("Xoá", "Remove"), heading.to_lowercase())}
                        </button>
                        <button class="btn btn-small btn-secondary" type="button" disabled=move || previewing.pending().get()
                            on:click=move |_| {
                                let body = draft.with_untracked(|d| d.lessons.get(li).map(|l| l.body_md.clone()).unwrap_or_default());
                                previewing.dispatch((li, body));
                            }>
                            {format!("{} {}", lang.t("Xem trước", "Preview"), heading.to_lowercase())}
                        </button>
                    </div>
                    {move || preview.get().filter(|(at, _)| *at == li).map(|(_, shown)| match shown {
                        Ok(html) => view! {
                            <div class="lesson-preview" role="region" aria-label=format!("{} {}", lang.t("Xem trước", "Preview of"), heading.to_lowercase())>
                                <div class="lesson-body" inner_html=html></div>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                    })}
                </fieldset>
            }
        }).collect_view();
        let questions = d.questions.iter().enumerate().map(|(qi, q)| {
            let heading = format!("{} {}", lang.t("Câu", "Question"), qi + 1);
            let options = q.options.iter().enumerate().map(|(oi, o)| {
                let id = format!("q{qi}-o{oi}");
                let option_label = format!("{heading}, {} {}", lang.t("phương án", "option"), oi + 1);
                view! {
                    <div class="field-row option-editor">
                        <div class="field">
                            <label for=id.clone()>{option_label.clone()}</label>
                            <input id=id type="text" value=o.text.clone() on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| if let Some(o) = d.questions.get_mut(qi).and_then(|q| q.options.get_mut(oi)) { o.text = v });
                            } />
                        </div>
                        <label class="checkbox">
                            <input type="checkbox" checked=o.correct on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| if let Some(o) = d.questions.get_mut(qi).and_then(|q| q.options.get_mut(oi)) { o.correct = on });
                            } />
                            {format!("{}: {}", option_label, lang.t("đúng", "correct"))}
                        </label>
                        <button class="btn btn-small btn-secondary" type="button" on:click=move |_| reshape(Box::new(move |d| {
                            if let Some(q) = d.questions.get_mut(qi) { if oi < q.options.len() { q.options.remove(oi); } }
                        }))>{format!("{} {}", lang.t("Bỏ", "Remove"), option_label)}</button>
                    </div>
                }
            }).collect_view();
            view! {
                <fieldset class="card question-editor">
                    <legend>{heading.clone()}</legend>
                    {text_input(format!("q{qi}-prompt"), format!("{heading}: {}", lang.t("câu hỏi", "prompt")), q.prompt.clone(), Some(2),
                        move |d, v| if let Some(q) = d.questions.get_mut(qi) { q.prompt = v }, draft)}
                    <label class="checkbox">
                        <input type="checkbox" checked=q.multiple on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| if let Some(q) = d.questions.get_mut(qi) { q.multiple = on });
                        } />
                        {format!("{heading}: {}", lang.t("có thể có nhiều đáp án đúng", "several options may be correct"))}
                    </label>
                    {options}
                    {text_input(format!("q{qi}-explanation"), format!("{heading}: {}", lang.t("giải thích (hiện sau khi nộp bài)", "explanation (shown after submitting)")), q.explanation.clone(), Some(2),
                        move |d, v| if let Some(q) = d.questions.get_mut(qi) { q.explanation = v }, draft)}
                    <div class="form-actions">
                        <button class="btn btn-small btn-secondary" type="button" on:click=move |_| reshape(Box::new(move |d| {
                            if let Some(q) = d.questions.get_mut(qi) { q.options.push(KeyedOption { text: String::new(), correct: false }); }
                        }))>{format!("+ {} {}", lang.t("Phương án cho", "Option for"), heading.to_lowercase())}</button>
                        <button class="btn btn-small btn-danger" type="button" on:click=move |_| reshape(Box::new(move |d| {
                            if qi < d.questions.len() { d.questions.remove(qi); }
                        }))>{format!("{} {}", lang.t("Xoá", "Remove"), heading.to_lowercase())}</button>
                    </div>
                </fieldset>
            }
        }).collect_view();
        view! {
            <section class="card">
                <h2>{lang.t("Thông tin chung", "General")}</h2>
                {text_input("module-title".into(), lang.t("Tên học phần", "Title").into(), d.title.clone(), None, |d, v| d.title = v, draft)}
                {text_input("module-summary".into(), lang.t("Giới thiệu ngắn", "Summary").into(), d.summary.clone(), Some(3), |d, v| d.summary = v, draft)}
                {text_input("module-sources".into(), lang.t("Văn bản trích dẫn (mỗi dòng một văn bản)", "Documents cited (one per line)").into(),
                    d.sources.join("\n"), Some(4), |d, v| d.sources = v.lines().map(str::to_string).collect(), draft)}
                <div class="field-row">
                    {number_input("module-pass", lang.t("Điểm đạt (%)", "Pass mark (%)"), Some(s.pass_percent), |d, v| d.settings.pass_percent = v.unwrap_or(0), draft)}
                    {number_input("module-questions", lang.t("Số câu mỗi lượt", "Questions per attempt"), Some(s.questions_per_attempt), |d, v| d.settings.questions_per_attempt = v.unwrap_or(0), draft)}
                    {number_input("module-attempts", lang.t("Số lượt tối đa (trống: không giới hạn)", "Attempts (empty: no limit)"), s.attempt_limit, |d, v| d.settings.attempt_limit = v, draft)}
                    {number_input("module-minutes", lang.t("Thời gian mỗi lượt, phút (trống: không giới hạn)", "Minutes per attempt (empty: no limit)"), s.time_limit_minutes, |d, v| d.settings.time_limit_minutes = v, draft)}
                </div>
            </section>
            <h2>{format!("{} ({})", lang.t("Bài học", "Lessons"), d.lessons.len())}</h2>
            <p class="muted">{lang.t(
                "Viết bằng Markdown: # tiêu đề, **chữ đậm**, danh sách bắt đầu bằng -, bảng. Mã lệnh, tập lệnh và liên kết javascript: bị loại bỏ khi hiển thị.",
                "Write in Markdown: # headings, **bold**, lists starting with -, tables. Scripts and javascript: links are removed when shown.",
            )}</p>
            {lessons}
            <button class="btn btn-secondary" type="button" on:click=move |_| reshape(Box::new(|d| d.lessons.push(DraftLesson::default())))>
                {lang.t("+ Thêm bài học", "+ Add a lesson")}
            </button>
            <h2>{format!("{} ({})", lang.t("Ngân hàng câu hỏi", "Question bank"), d.questions.len())}</h2>
            {questions}
            <button class="btn btn-secondary" type="button" on:click=move |_| reshape(Box::new(|d| d.questions.push(KeyedQuestion {
                prompt: String::new(),
                multiple: false,
                options: vec![KeyedOption { text: String::new(), correct: true }, KeyedOption { text: String::new(), correct: false }],
                explanation: String::new(),
            })))>
                {lang.t("+ Thêm câu hỏi", "+ Add a question")}
            </button>
        }
    };

    view! {
        <h1 class="page-title">{move || draft.with(|d| format!("{} — {} {} ({})", d.title, lang.t("phiên bản", "version"), d.version, lang.t("bản nháp", "draft")))}</h1>
        <p>
            {move || draft.with(|d| match d.published_version {
                Some(v) => format!("{} {v}. {}", lang.t("Học viên đang học phiên bản", "Trainees read version"), lang.t("Bản nháp này chỉ quản trị viên thấy.", "Only administrators see this draft.")),
                None => lang.t("Học phần chưa phát hành: học viên chưa thấy.", "Not published yet: trainees do not see it.").to_string(),
            })}
            " "<a href="/tap-huan/quan-ly">{lang.t("← Danh sách học phần", "← All modules")}</a>
        </p>
        <div class="score-layout">
            <div>
                {structure}
                <DraftDocuments module_id documents stored />
            </div>
            <aside class="score-panel">
                {move || {
                    let list = problems.get();
                    if list.is_empty() {
                        view! { <p class="verdict verdict-pass" id="draft-problems">{lang.t("Không có lỗi: có thể phát hành.", "No problems: ready to publish.")}</p> }.into_any()
                    } else {
                        let items = list.iter().map(|p| view! { <li>{p.get(lang).to_string()}</li> }).collect_view();
                        view! {
                            <div id="draft-problems">
                                <p class="verdict verdict-fail">{format!("{} {}", list.len(), lang.t("điểm cần sửa trước khi phát hành", "things to fix before publishing"))}</p>
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
                    <button class="btn btn-primary" type="button" id="save-draft" disabled=move || save.pending().get()
                        on:click=move |_| { save.dispatch(draft.get_untracked()); }>
                        {move || if dirty.get() { lang.t("Lưu bản nháp *", "Save draft *") } else { lang.t("Lưu bản nháp", "Save draft") }}
                    </button>
                    <button class="btn btn-secondary" type="button" id="publish-draft"
                        disabled=move || dirty.get() || !draft.with(|d| d.stored) || !problems.get().is_empty() || publish.pending().get()
                        on:click=move |_| { publish.dispatch(draft.with_untracked(|d| d.revision)); }>
                        {lang.t("Phát hành", "Publish")}
                    </button>
                    <button class="btn btn-danger" type="button" disabled=move || !draft.with(|d| d.stored) || discard.pending().get()
                        on:click=move |_| { discard.dispatch(draft.with_untracked(|d| d.revision)); }>
                        {lang.t("Bỏ bản nháp", "Discard the draft")}
                    </button>
                </div>
                <p class="muted">{lang.t("Lưu trước khi phát hành. Phát hành xong, học viên học phiên bản mới; kết quả đã có vẫn giữ nguyên.", "Save before publishing. Once published, trainees read the new version; results already earned stay.")}</p>
            </aside>
        </div>
    }
}

/// The draft's attached documents: each with a remove button, and an upload (PDF or office
/// file, checked for size here and for content on the server). A draft must be stored first.
#[component]
fn DraftDocuments(
    module_id: i64,
    documents: RwSignal<Vec<ModuleDocument>>,
    stored: Signal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let progress: RwSignal<Option<f64>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let remove = Action::new(move |id: &i64| remove_module_document(module_id, *id));
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(list)) => documents.set(list),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let on_file = move |_ev: leptos::ev::Event| {
        error.set(None);
        #[cfg(feature = "hydrate")]
        {
            use super::super::types::{document_upload_href, MAX_DOCUMENT_BYTES};
            let Some(file) = crate::ui::take_picked_file(&_ev) else {
                return;
            };
            if file.size() > MAX_DOCUMENT_BYTES as f64 {
                error.set(Some(AppError::bad_request(
                    "Tệp quá lớn: tối đa 15 MB.",
                    "The file is too large: at most 15 MB.",
                )));
                return;
            }
            progress.set(Some(0.0));
            crate::ui::upload_file(
                &document_upload_href(module_id),
                file,
                progress,
                move |result: Result<Vec<ModuleDocument>, AppError>| {
                    let _ = progress.try_set(None);
                    match result {
                        Ok(list) => {
                            let _ = documents.try_set(list);
                        }
                        Err(e) => {
                            let _ = error.try_set(Some(e));
                        }
                    }
                },
            );
        }
    };
    view! {
        <section class="card" aria-labelledby="documents-heading">
            <h2 id="documents-heading">{lang.t("Tài liệu kèm theo", "Attached documents")}</h2>
            <ul class="file-list" id="draft-documents">
                {move || documents.get().into_iter().map(|d| {
                    let id = d.document_id;
                    view! {
                        <li>
                            <a href=document_href(id) rel="external">{d.filename.clone()}</a>
                            <span class="muted">{format!(" ({}, {}) ", d.kind, super::size_text(d.size_bytes))}</span>
                            <button class="btn btn-small btn-link" type="button" disabled=move || remove.pending().get()
                                on:click=move |_| { remove.dispatch(id); }>
                                {lang.t("Gỡ tệp", "Remove file")}<span class="sr-only">{format!(" {}", d.filename)}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="field">
                <label for="document-file">{lang.t("Thêm tài liệu (PDF, Word, Excel, PowerPoint, OpenDocument)", "Add a document (PDF, Word, Excel, PowerPoint, OpenDocument)")}</label>
                <input id="document-file" type="file"
                    accept="application/pdf,.pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp"
                    disabled=move || progress.get().is_some() || !stored.get()
                    on:change=on_file />
                <p class="hint">{move || if stored.get() {
                    lang.t("Tối đa 15 MB mỗi tệp. Hệ thống kiểm tra nội dung tệp, không dựa vào tên tệp; tệp có macro bị từ chối.", "At most 15 MB a file. The content is checked, not the name; files with macros are refused.")
                } else {
                    lang.t("Lưu bản nháp trước, rồi đính kèm tài liệu.", "Save the draft first, then attach documents.")
                }}</p>
            </div>
            {move || progress.get().map(|p| view! {
                <label for="document-progress">{format!("{} {:.0}%", lang.t("Đang tải lên", "Uploading"), p * 100.0)}</label>
                <progress id="document-progress" class="upload-progress" max="1" value=p></progress>
            })}
            {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
        </section>
    }
}
