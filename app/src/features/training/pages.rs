//! Training's pages: the trainee's modules (`/tap-huan`), a lesson and its print view
//! (`/tap-huan/:module/bai/:position`, `…/ban-in`), the quiz (`/tap-huan/:module/kiem-tra`)
//! an attempt's result (`/tap-huan/ket-qua/:attempt`) and the certificate of a completed module
//! (`/tap-huan/:module/chung-nhan`, [`certificate`]); leaders' progress view is [`progress`]
//! (`/tap-huan/tien-do`); administrators' module editor is [`editor`] (`/tap-huan/quan-ly`)
//! and in-person sessions [`sessions`] (`/tap-huan/hoi-nghi`).
//!
//! Everything but answering a quiz reads fully before the WebAssembly arrives: lessons are
//! rendered to HTML on the server. The quiz saves each answer as it is chosen, so a reload or a
//! dropped connection resumes the same attempt; the countdown only shows the server's clock,
//! which is what decides.

mod certificate;
mod documents;
mod editor;
mod progress;
mod sessions;
pub use certificate::TrainingCertificatePage;
use documents::{size_text, Documents};
pub use editor::{ModuleAdminPage, ModuleEditorPage};
pub use progress::TrainingProgressPage;
pub use sessions::{SessionPage, SessionsPage, SignInSheetPage};

use super::api::{
    find_lesson, find_quiz, find_result, list_modules, save_answer, start_attempt, submit_attempt,
};
use super::types::{
    certificate_href, lesson_href, quiz_href, AnswerInput, AttemptResult, AttemptView, LessonView,
    ModuleCard, QuizIntro, QuizQuestion,
};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::ui::{hard_navigate, use_lang, ErrorAlert, Guard};
use crate::vietnam_time::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

/// A number in the route, or `None`.
pub(super) fn route_number(name: &'static str) -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).and_then(|v| v.parse::<i64>().ok()))
}

/// A page that could not load: its title, why, and the way back to the modules.
pub(super) fn failed(lang: Lang, title: &'static str, error: AppError) -> impl IntoView {
    view! {
        <h1 class="page-title">{title}</h1>
        <ErrorAlert error />
        <p><a href="/tap-huan">{lang.t("← Tập huấn", "← Training")}</a></p>
    }
}

pub(super) fn loading(lang: Lang) -> impl IntoView {
    view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }
}

/// `/tap-huan`: the caller's modules, their progress and the next step of each.
#[component]
pub fn TrainingPage() -> impl IntoView {
    let lang = use_lang();
    let modules = Resource::new(|| (), |_| list_modules());
    view! {
        <Title text=lang.t("Tập huấn", "Training") />
        <h1 class="page-title">{lang.t("Tập huấn", "Training")}</h1>
        <Guard permission=Permission::Train let:_me>
            <p class="lead">
                {lang.t(
                    "Đọc từng bài theo thứ tự, rồi làm bài kiểm tra của học phần. Hệ thống ghi nhớ bài bạn đang đọc và từng câu trả lời, nên có thể dừng và học tiếp bất cứ lúc nào.",
                    "Read the lessons in order, then take the module's quiz. Your place and every answer are saved, so you can stop and go on at any time.",
                )}
            </p>
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match modules.await {
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p>{lang.t("Chưa có học phần nào được phát hành.", "No module has been published yet.")}</p>
                        }
                            .into_any(),
                        Ok(list) => view! {
                            <ol class="module-list">
                                {list.into_iter().map(|card| view! { <ModuleCardView card /> }).collect_view()}
                            </ol>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
        </Guard>
    }
}

#[component]
fn ModuleCardView(card: ModuleCard) -> impl IntoView {
    let lang = use_lang();
    let status = card.status(lang);
    let (action_href, action_label) = card.next_link(lang);
    let progress_label = format!(
        "{}: {}",
        lang.t("Tiến độ đọc", "Reading progress"),
        card.title
    );
    view! {
        <li class="card module-card">
            <h2>{card.title.clone()}</h2>
            <p>{card.summary.clone()}</p>
            <p class="muted">
                {format!(
                    "{} {} · {} {} {}",
                    card.lesson_count,
                    lang.t("bài", "lessons"),
                    lang.t("khoảng", "about"),
                    card.reading_minutes,
                    lang.t("phút đọc", "minutes of reading"),
                )}
                {card.gates_scoring.then(|| view! {
                    " · "
                    <strong>{lang.t("Bắt buộc trước khi chấm điểm hồ sơ", "Required before scoring dossiers")}</strong>
                })}
            </p>
            <progress max=card.lesson_count.max(1) value=card.lessons_read aria-label=progress_label></progress>
            <p>{status}</p>
            {card.best_percent.map(|p| view! {
                <p class="muted">{format!("{} {p}%", lang.t("Kết quả kiểm tra cao nhất:", "Best quiz result:"))}</p>
            })}
            <p class="toolbar">
                <a class="btn btn-primary" href=action_href>{action_label}</a>
                {card.completed_at.is_some().then(|| view! {
                    <a class="btn btn-secondary" href=lesson_href(card.module_id, 1)>{lang.t("Xem lại bài học", "Review the lessons")}</a>
                })}
            </p>
        </li>
    }
}

/// `/tap-huan/:module/bai/:position`: one lesson, its module's table of contents, and the way
/// on (next lesson, or the quiz after the last one).
#[component]
pub fn LessonPage() -> impl IntoView {
    lesson_page(false)
}

/// `…/ban-in`: the lesson alone, laid out for A4 paper.
#[component]
pub fn LessonPrintPage() -> impl IntoView {
    lesson_page(true)
}

fn lesson_page(print: bool) -> impl IntoView {
    let lang = use_lang();
    let module = route_number("module");
    let position = route_number("position");
    let lesson = Resource::new(
        move || (module.get(), position.get()),
        |(module, position)| async move {
            match (module, position.and_then(|p| u32::try_from(p).ok())) {
                (Some(m), Some(p)) => find_lesson(m, p).await,
                _ => crate::ui::settled(Err(AppError::not_found("bài học", "Lesson"))).await,
            }
        },
    );
    view! {
        <Guard permission=Permission::Train let:_me>
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match lesson.await {
                        Err(e) => view! {
                            <Title text=lang.t("Bài học", "Lesson") />
                            {failed(lang, lang.t("Bài học", "Lesson"), e)}
                        }
                            .into_any(),
                        Ok(l) if print => view! { <LessonPrint lesson=l /> }.into_any(),
                        Ok(l) => view! { <LessonRead lesson=l /> }.into_any(),
                    }
                })}
            </Suspense>
        </Guard>
    }
}

#[component]
fn LessonRead(lesson: LessonView) -> impl IntoView {
    let lang = use_lang();
    let m = lesson.module_id;
    let count = lesson.lessons.len() as u32;
    let prev = (lesson.position > 1).then(|| lesson_href(m, lesson.position - 1));
    let next = if lesson.position < count {
        (
            lesson_href(m, lesson.position + 1),
            lang.t("Bài tiếp theo →", "Next lesson →"),
        )
    } else {
        (
            quiz_href(m),
            lang.t("Làm bài kiểm tra →", "Take the quiz →"),
        )
    };
    let here = lesson.position;
    let toc = lesson
        .lessons
        .iter()
        .map(|l| {
            let current = (l.position == here).then_some("page");
            let mark = if l.read { "✓ " } else { "" };
            view! {
                <li>
                    <a href=lesson_href(m, l.position) aria-current=current>
                        {format!("{mark}{}. {}", l.position, l.title)}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=lesson.title.clone() />
        <p class="breadcrumb">
            <a href="/tap-huan">{lang.t("Tập huấn", "Training")}</a>
            " › "
            <span>{lesson.module_title.clone()}</span>
        </p>
        <div class="lesson-layout">
            <details class="lesson-toc" open>
                <summary>{lang.t("Các bài của học phần", "Lessons of this module")}</summary>
                <nav aria-label=lang.t("Các bài của học phần", "Lessons of this module")>
                    <ol>{toc}</ol>
                </nav>
            </details>
            <article class="lesson">
                <h1 class="page-title">{lesson.title.clone()}</h1>
                <p class="muted">
                    {format!(
                        "{} {}/{} · {} {} {}",
                        lang.t("Bài", "Lesson"),
                        lesson.position,
                        count,
                        lang.t("khoảng", "about"),
                        lesson.reading_minutes,
                        lang.t("phút đọc", "minutes"),
                    )}
                    " · "
                    <a href=format!("{}/ban-in", lesson_href(m, lesson.position))>
                        {lang.t("Bản in (A4)", "Print view (A4)")}
                    </a>
                </p>
                <div class="lesson-body" inner_html=lesson.html.clone()></div>
                <nav class="toolbar mt" aria-label=lang.t("Chuyển bài", "Lesson navigation")>
                    {prev.map(|href| view! { <a class="btn btn-secondary" href=href>{lang.t("← Bài trước", "← Previous lesson")}</a> })}
                    <a class="btn btn-primary" href=next.0>{next.1}</a>
                </nav>
                <Documents documents=lesson.documents.clone() />
                <Sources sources=lesson.sources.clone() />
            </article>
        </div>
    }
}

#[component]
fn Sources(sources: Vec<String>) -> impl IntoView {
    let lang = use_lang();
    (!sources.is_empty()).then(|| {
        view! {
            <section class="lesson-sources">
                <h2>{lang.t("Tài liệu tham khảo của học phần", "The module's sources")}</h2>
                <ul>{sources.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
            </section>
        }
    })
}

/// The lesson for paper: title, module, text and sources; no navigation (hidden when printed).
#[component]
fn LessonPrint(lesson: LessonView) -> impl IntoView {
    let lang = use_lang();
    let back = lesson_href(lesson.module_id, lesson.position);
    view! {
        <Title text=format!("{} — {}", lesson.title, lang.t("bản in", "print")) />
        <div class="toolbar no-print mb">
            <a class="btn btn-secondary" href=back>{lang.t("← Về bài học", "← Back to the lesson")}</a>
            <span class="muted">{lang.t("Dùng lệnh In của trình duyệt (Ctrl+P) để in hoặc lưu thành PDF.", "Use the browser's Print (Ctrl+P) to print or save as PDF.")}</span>
        </div>
        <article class="lesson lesson-print">
            <p class="muted">{format!("{} — {} {}", lesson.module_title, lang.t("Bài", "Lesson"), lesson.position)}</p>
            <h1>{lesson.title.clone()}</h1>
            <div class="lesson-body" inner_html=lesson.html.clone()></div>
            <Sources sources=lesson.sources.clone() />
        </article>
    }
}

/// `/tap-huan/:module/kiem-tra`: the quiz's rules and earlier attempts; the open attempt, or a
/// button that starts one.
#[component]
pub fn QuizPage() -> impl IntoView {
    let lang = use_lang();
    let module = route_number("module");
    let intro = Resource::new(
        move || module.get(),
        |module| async move {
            match module {
                Some(m) => find_quiz(m).await,
                None => {
                    crate::ui::settled(Err(AppError::not_found("học phần", "Training module")))
                        .await
                }
            }
        },
    );
    view! {
        <Title text=lang.t("Bài kiểm tra", "Quiz") />
        <Guard permission=Permission::Train let:_me>
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match intro.await {
                        Err(e) => view! {
                            {failed(lang, lang.t("Bài kiểm tra", "Quiz"), e)}
                        }
                            .into_any(),
                        Ok(intro) => view! { <Quiz intro /> }.into_any(),
                    }
                })}
            </Suspense>
        </Guard>
    }
}

fn rules_text(lang: Lang, intro: &QuizIntro) -> String {
    let mut parts = vec![format!(
        "{} {} {} · {} {}%",
        intro.questions_per_attempt,
        lang.t("câu hỏi", "questions"),
        lang.t("rút ngẫu nhiên", "drawn at random"),
        lang.t("điểm đạt", "pass mark"),
        intro.pass_percent
    )];
    if let Some(limit) = intro.attempt_limit {
        parts.push(format!(
            "{} {}/{limit}",
            lang.t("đã làm", "attempts used"),
            intro.attempts.len()
        ));
    }
    if let Some(minutes) = intro.time_limit_minutes {
        parts.push(format!(
            "{} {minutes} {}",
            lang.t("thời gian", "time limit"),
            lang.t("phút", "minutes")
        ));
    }
    parts.join(" · ")
}

#[component]
fn Quiz(intro: QuizIntro) -> impl IntoView {
    let lang = use_lang();
    let module_id = intro.module_id;
    let attempt: RwSignal<Option<AttemptView>> = RwSignal::new(None);
    let start = Action::new(move |_: &()| start_attempt(module_id));
    let start_error = Signal::derive(move || start.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(view)) = start.value().get() {
            attempt.set(Some(view));
        }
    });
    let resume = intro.open_attempt.is_some();
    if resume {
        // The open attempt is loaded in the browser (the page itself never carries questions
        // that the server has not handed to this trainee's attempt).
        Effect::new(move |_| {
            start.dispatch(());
        });
    }
    let history = intro
        .attempts
        .iter()
        .filter(|a| a.submitted_at.is_some())
        .map(|a| {
            let result = match (a.percent, a.passed) {
                (Some(p), Some(true)) => format!("{p}% — {}", lang.t("Đạt", "Passed")),
                (Some(p), _) => format!("{p}% — {}", lang.t("Chưa đạt", "Not passed")),
                _ => String::new(),
            };
            view! {
                <tr>
                    <td>{format(a.started_at)}</td>
                    <td>{result}</td>
                    <td><a href=format!("/tap-huan/ket-qua/{}", a.attempt_id)>{lang.t("Xem lời giải", "See the answers")}</a></td>
                </tr>
            }
        })
        .collect_view();
    let has_history = intro.attempts.iter().any(|a| a.submitted_at.is_some());
    let rules = rules_text(lang, &intro);
    let can_start = intro.can_start;
    let completed = intro.completed_at;
    view! {
        <p class="breadcrumb">
            <a href="/tap-huan">{lang.t("Tập huấn", "Training")}</a>
            " › "
            <span>{intro.module_title.clone()}</span>
        </p>
        <h1 class="page-title">{format!("{}: {}", lang.t("Bài kiểm tra", "Quiz"), intro.module_title)}</h1>
        <p class="lead">{rules}</p>
        {move || match attempt.get() {
            Some(view) => view! { <AttemptForm attempt=view /> }.into_any(),
            None => view! {
                {completed.map(|at| view! {
                    <div class="alert alert-success">
                        {format!("{} {}", lang.t("Bạn đã hoàn thành học phần này lúc", "You completed this module on"), format(at))}
                    </div>
                })}
                {start_error.get().map(|e| view! { <ErrorAlert error=e /> })}
                {(can_start || resume).then(|| view! {
                    <p>
                        {lang.t(
                            "Mỗi câu trả lời được lưu ngay khi bạn chọn. Nếu mất mạng hoặc đóng trang, hãy mở lại trang này để làm tiếp.",
                            "Each answer is saved as soon as you choose it. If the connection drops or you close the page, open this page again to go on.",
                        )}
                    </p>
                    <button class="btn btn-primary" type="button" disabled=move || start.pending().get()
                        on:click=move |_| { start.dispatch(()); }>
                        {if resume { lang.t("Làm tiếp bài đang làm", "Resume the attempt") } else { lang.t("Bắt đầu làm bài", "Start the quiz") }}
                    </button>
                })}
            }
                .into_any(),
        }}
        <Show when=move || has_history>
            <h2>{lang.t("Các lần đã làm", "Earlier attempts")}</h2>
        </Show>
        {has_history.then(|| view! {
            <div class="table-wrap"><table class="data">
                <thead><tr>
                    <th scope="col">{lang.t("Bắt đầu lúc", "Started")}</th>
                    <th scope="col">{lang.t("Kết quả", "Result")}</th>
                    <th scope="col">{lang.t("Lời giải", "Answers")}</th>
                </tr></thead>
                <tbody>{history}</tbody>
            </table></div>
        })}
    }
}

/// Minutes and seconds, "12:05".
fn clock(seconds: i64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// An open attempt: one fieldset per question; every change is saved at once. Answers whose
/// save failed (a dropped connection) are kept and sent again before the attempt is submitted.
#[component]
fn AttemptForm(attempt: AttemptView) -> impl IntoView {
    let lang = use_lang();
    let attempt_id = attempt.attempt_id;
    let total = attempt.questions.len();
    let seconds_left = RwSignal::new(attempt.seconds_left);
    let unsaved: RwSignal<BTreeMap<i64, Vec<u32>>> = RwSignal::new(BTreeMap::new());
    let answered = RwSignal::new(
        attempt
            .questions
            .iter()
            .filter(|q| !q.chosen.is_empty())
            .count(),
    );
    let submit = Action::new(move |_: &()| {
        let pending = unsaved.get_untracked();
        async move {
            for (question_id, chosen) in pending {
                // Time-up and other refusals are the server's to decide: submit goes on.
                let _ = save_answer(AnswerInput {
                    attempt_id,
                    question_id,
                    chosen,
                })
                .await;
            }
            submit_attempt(attempt_id).await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(result)) = submit.value().get() {
            hard_navigate(&format!("/tap-huan/ket-qua/{}", result.attempt_id));
        }
    });
    // The countdown shows the server's remaining time; at zero the attempt is submitted (the
    // server would grade it at its deadline anyway).
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if seconds_left.get_untracked().is_some() {
            if let Ok(handle) = set_interval_with_handle(
                move || {
                    let left = seconds_left.get_untracked().unwrap_or(0);
                    if left <= 1 {
                        seconds_left.set(Some(0));
                        if !submit.pending().get_untracked()
                            && submit.value().get_untracked().is_none()
                        {
                            submit.dispatch(());
                        }
                    } else {
                        seconds_left.set(Some(left - 1));
                    }
                },
                std::time::Duration::from_secs(1),
            ) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    let questions = attempt
        .questions
        .into_iter()
        .enumerate()
        .map(|(n, q)| view! { <QuestionField number=n + 1 question=q attempt_id unsaved answered seconds_left /> })
        .collect_view();
    view! {
        <div class="quiz-status" >
            <span>{move || format!("{} {}/{total}", lang.t("Đã trả lời", "Answered"), answered.get())}</span>
            {move || seconds_left.get().map(|s| view! {
                " · "
                <span role="timer">{format!("{} {}", lang.t("Còn lại", "Time left"), clock(s))}</span>
            })}
        </div>
        <form class="quiz" on:submit=move |ev| { ev.prevent_default(); submit.dispatch(()); }>
            {questions}
            {move || submit.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert error=e /> })}
            <button class="btn btn-primary" type="submit" disabled=move || submit.pending().get()>
                {move || if submit.pending().get() { lang.t("Đang nộp bài…", "Submitting…") } else { lang.t("Nộp bài", "Submit") }}
            </button>
        </form>
    }
}

#[component]
fn QuestionField(
    number: usize,
    question: QuizQuestion,
    attempt_id: i64,
    unsaved: RwSignal<BTreeMap<i64, Vec<u32>>>,
    answered: RwSignal<usize>,
    seconds_left: RwSignal<Option<i64>>,
) -> impl IntoView {
    let lang = use_lang();
    let question_id = question.question_id;
    let chosen = RwSignal::new(question.chosen.clone());
    let save = Action::new(move |chosen: &Vec<u32>| {
        save_answer(AnswerInput {
            attempt_id,
            question_id,
            chosen: chosen.clone(),
        })
    });
    // One save per question at a time, the newest choice queued behind it: two saves in
    // flight could reach the server in either order and leave the older choice stored.
    let queued: StoredValue<Option<Vec<u32>>> = StoredValue::new(None);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            answered.set(saved.answered as usize);
            if saved.seconds_left.is_some() {
                seconds_left.set(saved.seconds_left);
            }
            match queued.try_update_value(Option::take).flatten() {
                Some(next) => {
                    save.dispatch(next);
                }
                None => unsaved.update(|u| {
                    u.remove(&question_id);
                }),
            }
        }
        Some(Err(AppError::Conflict { .. })) => {
            // Time is up or the attempt was submitted elsewhere: its result is what is left.
            hard_navigate(&format!("/tap-huan/ket-qua/{attempt_id}"));
        }
        Some(Err(_)) => {
            // Kept in `unsaved`, sent again on the next choice or at submit.
            if let Some(next) = queued.try_update_value(Option::take).flatten() {
                save.dispatch(next);
            }
        }
        None => {}
    });
    let pick = move |shown: u32, multiple: bool| {
        chosen.update(|c| {
            if multiple {
                if let Some(i) = c.iter().position(|x| *x == shown) {
                    c.remove(i);
                } else {
                    c.push(shown);
                    c.sort_unstable();
                }
            } else {
                *c = vec![shown];
            }
        });
        let now = chosen.get_untracked();
        unsaved.update(|u| {
            u.insert(question_id, now.clone());
        });
        if save.pending().get_untracked() {
            queued.set_value(Some(now));
        } else {
            save.dispatch(now);
        }
    };
    let multiple = question.multiple;
    let name = format!("q{question_id}");
    let options = question
        .options
        .into_iter()
        .map(|o| {
            let shown = o.shown;
            let kind = if multiple { "checkbox" } else { "radio" };
            view! {
                <label class="quiz-option">
                    <input type=kind name=name.clone() value=shown.to_string()
                        prop:checked=move || chosen.get().contains(&shown)
                        on:change=move |_| pick(shown, multiple) />
                    <span>{o.text}</span>
                </label>
            }
        })
        .collect_view();
    let state = move || {
        if save.pending().get() {
            lang.t("Đang lưu…", "Saving…").to_string()
        } else if unsaved.get().contains_key(&question_id) {
            lang.t(
                "Chưa lưu được (mất kết nối?). Câu trả lời sẽ được gửi lại khi nộp bài.",
                "Not saved (connection lost?). It will be sent again on submit.",
            )
            .to_string()
        } else if !chosen.get().is_empty() {
            lang.t("Đã lưu", "Saved").to_string()
        } else {
            String::new()
        }
    };
    view! {
        <fieldset class="card quiz-question">
            <legend>{format!("{} {number}. {}", lang.t("Câu", "Question"), question.prompt)}</legend>
            {multiple.then(|| view! { <p class="muted">{lang.t("Có thể chọn nhiều phương án.", "You may choose several options.")}</p> })}
            {options}
            <p class="save-state" aria-live="polite">{state}</p>
        </fieldset>
    }
}

/// `/tap-huan/ket-qua/:attempt`: a submitted attempt with the key and the explanation of
/// every question.
#[component]
pub fn ResultPage() -> impl IntoView {
    let lang = use_lang();
    let attempt = route_number("attempt");
    let result = Resource::new(
        move || attempt.get(),
        |attempt| async move {
            match attempt {
                Some(a) => find_result(a).await,
                None => {
                    crate::ui::settled(Err(AppError::not_found("lượt làm bài", "Attempt"))).await
                }
            }
        },
    );
    view! {
        <Title text=lang.t("Kết quả kiểm tra", "Quiz result") />
        <Guard permission=Permission::Train let:_me>
            <Suspense fallback=move || loading(lang)>
                {move || Suspend::new(async move {
                    match result.await {
                        Err(e) => view! {
                            {failed(lang, lang.t("Kết quả kiểm tra", "Quiz result"), e)}
                        }
                            .into_any(),
                        Ok(r) => view! { <ResultView result=r /> }.into_any(),
                    }
                })}
            </Suspense>
        </Guard>
    }
}

#[component]
fn ResultView(result: AttemptResult) -> impl IntoView {
    let lang = use_lang();
    let verdict = if result.passed {
        lang.t(
            "Đạt — bạn đã hoàn thành học phần.",
            "Passed — you have completed the module.",
        )
    } else {
        lang.t("Chưa đạt.", "Not passed.")
    };
    let again = match (result.passed, result.attempts_left) {
        (true, _) => Some(view! {
            <p><a class="btn btn-primary" href=certificate_href(result.module_id)>{lang.t("Xem và in chứng nhận", "See and print the certificate")}</a></p>
        }.into_any()),
        (false, Some(0)) => Some(view! {
            <p>{lang.t("Bạn đã dùng hết lượt làm bài. Hãy liên hệ cán bộ quản trị.", "No attempt is left. Please contact your administrator.")}</p>
        }.into_any()),
        (false, left) => Some(view! {
            <p>
                {left.map(|n| format!("{} {n}. ", lang.t("Số lượt còn lại:", "Attempts left:")))}
                <a class="btn btn-primary" href=quiz_href(result.module_id)>{lang.t("Làm lại bài kiểm tra", "Retake the quiz")}</a>
                " "
                <a class="btn btn-secondary" href=lesson_href(result.module_id, 1)>{lang.t("Đọc lại bài học", "Read the lessons again")}</a>
            </p>
        }.into_any()),
    };
    let items = result
        .items
        .into_iter()
        .enumerate()
        .map(|(n, q)| {
            let mark = if q.answered_correctly { lang.t("✓ Đúng", "✓ Right") } else { lang.t("✗ Chưa đúng", "✗ Wrong") };
            let options = q
                .options
                .into_iter()
                .map(|o| {
                    let mut notes = Vec::new();
                    if o.correct {
                        notes.push(lang.t("đáp án đúng", "correct answer"));
                    }
                    if o.chosen {
                        notes.push(lang.t("bạn đã chọn", "your choice"));
                    }
                    let class = if o.correct { "result-option correct" } else if o.chosen { "result-option wrong" } else { "result-option" };
                    view! {
                        <li class=class>
                            {o.text}
                            {(!notes.is_empty()).then(|| view! { <strong>{format!(" ({})", notes.join(", "))}</strong> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="card quiz-question">
                    <h3>{format!("{} {}. {}", lang.t("Câu", "Question"), n + 1, q.prompt)}</h3>
                    <p><strong>{mark}</strong></p>
                    <ul>{options}</ul>
                    <p class="explanation"><strong>{lang.t("Giải thích: ", "Explanation: ")}</strong>{q.explanation}</p>
                </section>
            }
        })
        .collect_view();
    let alert = if result.passed {
        "alert alert-success"
    } else {
        "alert alert-warning"
    };
    view! {
        <p class="breadcrumb">
            <a href="/tap-huan">{lang.t("Tập huấn", "Training")}</a>
            " › "
            <a href=quiz_href(result.module_id)>{result.module_title.clone()}</a>
        </p>
        <h1 class="page-title">{lang.t("Kết quả kiểm tra", "Quiz result")}</h1>
        <div class=alert role="status">
            <p class="result-score">
                {format!(
                    "{} {}/{} {} ({}%; {} {}%). ",
                    lang.t("Đúng", "Right:"),
                    result.correct,
                    result.questions,
                    lang.t("câu", "questions"),
                    result.percent,
                    lang.t("điểm đạt", "pass mark"),
                    result.pass_percent
                )}
                <strong>{verdict}</strong>
            </p>
            {result.timed_out.then(|| view! {
                <p>{lang.t("Bài được nộp tự động khi hết giờ, với các câu trả lời đã lưu.", "Submitted automatically when time ran out, with the answers saved.")}</p>
            })}
        </div>
        {again}
        <h2>{lang.t("Lời giải từng câu", "Each question explained")}</h2>
        {items}
        <p><a href="/tap-huan">{lang.t("← Về trang tập huấn", "← Back to training")}</a></p>
    }
}
