//! The evaluation form ("phiếu đánh giá") at `/danh-gia/:id`: criteria on the left, a sticky
//! panel with the live score on the right (a compact bar at the bottom on phones).
//!
//! The live score is computed in the browser by `domain::scoring::score`, the very function the
//! server runs when it stores a save, so what the officer sees is what gets stored. Answers are
//! saved automatically two seconds after the last change (and with the "Lưu" button), with an
//! optimistic version check: a conflicting save shows the server's values and never overwrites
//! them silently. Every change is also kept in `localStorage` until the server has it, so a
//! dropped rural connection loses nothing.
//!
//! Reviewers use the same page: return with per-criterion comments, approve, or unlock.

use crate::api::cycle::{
    delete_attachment, get_evaluation, save_evaluation, step_evaluation, AttachmentView,
    CommentView, CriterionComment, EvaluationInput, EvaluationSaved, EvaluationView, StepInput,
};
use crate::components::{use_lang, ErrorAlert, Guard};
use crate::domain::auth::Permission;
use crate::domain::criteria::{
    Answer, Answers, CriteriaSet, Criterion, Grade, Indicator, IndicatorKind, ResultRule,
};
use crate::domain::scoring::{check_answers, score, AnswerError, ScoreResult, Verdict};
use crate::domain::workflow::{four_eyes_refusal, CycleState, Transition};
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, Msg};
use crate::pages::cycle::state_badge;
use crate::vietnam_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use local_draft::LocalDraft;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Quiet time after the last change before the draft is saved.
const AUTOSAVE_DELAY: Duration = Duration::from_secs(2);

/// Largest evidence file; mirrors the server's limit so a 30 MB photo is refused before it
/// crawls over a slow connection. The server checks again.
#[cfg(feature = "hydrate")]
const MAX_EVIDENCE_BYTES: f64 = 10.0 * 1024.0 * 1024.0;

/// An element id from an indicator or criterion code: `GD1.a` → `GD1-a`.
fn dom_id(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The local time as HH:MM, for "Đã lưu lúc 10:42" (browser only; saves never run on the server).
fn clock_now() -> String {
    #[cfg(feature = "hydrate")]
    {
        let now = js_sys::Date::new_0();
        format!("{:02}:{:02}", now.get_hours(), now.get_minutes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

// ---------------------------------------------------------------------------------------------
// Page

/// What a form asks of the page around it: load the evaluation again, and show a message that
/// survives that reload (the form itself is rebuilt). The message names the state it announces,
/// so it only shows next to a form that is in that state.
#[derive(Clone, Copy)]
struct PageCtl {
    reload: RwSignal<u64>,
    flash: RwSignal<Option<(CycleState, Msg)>>,
}

/// `/danh-gia/:id`.
#[component]
pub fn EvaluationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let ctl = PageCtl {
        reload: RwSignal::new(0),
        flash: RwSignal::new(None),
    };
    let data = Resource::new(
        move || (id.get(), ctl.reload.get()),
        |(id, _)| get_evaluation(id),
    );
    view! {
        <Title text=lang.t("Phiếu đánh giá", "Evaluation") />
        <Guard permission=Permission::ReadRegistry let:_me>
            <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải phiếu…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! {
                            <h1 class="page-title">{lang.t("Phiếu đánh giá", "Evaluation")}</h1>
                            <ErrorAlert error=e />
                            <p><a href="/viec-can-lam">{lang.t("← Việc cần làm", "← To do")}</a></p>
                        }
                            .into_any(),
                        Ok(view) => view! { <EvaluationForm view ctl /> }.into_any(),
                    }
                })}
            </Transition>
        </Guard>
    }
}

// ---------------------------------------------------------------------------------------------
// Form state

/// The answers as typed: points as text (so "1x" can be pointed out), pass/fail as ticks.
#[derive(Clone, Debug, Default, PartialEq)]
struct Parsed {
    answers: Answers,
    /// Points fields whose text is not a whole number, with the message to show.
    unreadable: BTreeMap<String, Msg>,
}

/// Reads the typed text into answers. An empty points field is "not answered yet".
fn parse_inputs(
    set: &CriteriaSet,
    raw: &BTreeMap<String, String>,
    ticks: &BTreeMap<String, bool>,
) -> Parsed {
    let mut out = Parsed::default();
    for ind in set.indicators() {
        match ind.kind {
            IndicatorKind::Points { max } => {
                let text = raw.get(&ind.code).map(|t| t.trim()).unwrap_or("");
                if text.is_empty() {
                    continue;
                }
                match text.parse::<u32>() {
                    Ok(p) if text.bytes().all(|b| b.is_ascii_digit()) => {
                        out.answers.insert(ind.code.clone(), Answer::Points(p));
                    }
                    _ => {
                        out.unreadable.insert(
                            ind.code.clone(),
                            Msg::new(
                                format!(
                                    "Chỉ số {}: hãy nhập một số nguyên từ 0 đến {max}.",
                                    ind.code
                                ),
                                format!(
                                    "Indicator {}: enter a whole number from 0 to {max}.",
                                    ind.code
                                ),
                            ),
                        );
                    }
                }
            }
            IndicatorKind::PassFail => {
                if let Some(met) = ticks.get(&ind.code) {
                    out.answers.insert(ind.code.clone(), Answer::Pass(*met));
                }
            }
        }
    }
    out
}

/// The form's inputs for `answers`. When `fill` is set, unanswered pass/fail indicators become
/// "not met": a tick box always shows an answer, so the form must hold one too (otherwise an
/// unticked box would silently count as "unanswered" and block submission).
fn inputs_from(
    set: &CriteriaSet,
    answers: &Answers,
    fill: bool,
) -> (BTreeMap<String, String>, BTreeMap<String, bool>) {
    let mut raw = BTreeMap::new();
    let mut ticks = BTreeMap::new();
    for ind in set.indicators() {
        match (ind.kind, answers.get(&ind.code)) {
            (IndicatorKind::Points { .. }, Some(Answer::Points(p))) => {
                raw.insert(ind.code.clone(), p.to_string());
            }
            (IndicatorKind::PassFail, Some(Answer::Pass(met))) => {
                ticks.insert(ind.code.clone(), *met);
            }
            (IndicatorKind::PassFail, None) if fill => {
                ticks.insert(ind.code.clone(), false);
            }
            _ => {}
        }
    }
    (raw, ticks)
}

/// Everything the parts of the form share. All fields are reactive handles, so it is `Copy`.
#[derive(Clone, Copy)]
struct Form {
    id: i64,
    criteria_set_id: i64,
    set_version: u32,
    can_edit: bool,
    set: StoredValue<CriteriaSet>,
    raw: RwSignal<BTreeMap<String, String>>,
    ticks: RwSignal<BTreeMap<String, bool>>,
    notes: RwSignal<BTreeMap<String, String>>,
    parsed: Memo<Parsed>,
    /// Answers the scoring engine rejects (above the maximum).
    problems: Memo<Vec<AnswerError>>,
    /// The live score of every acceptable answer.
    live: Memo<Option<ScoreResult>>,
    /// Field errors from the server's last refusal, cleared field by field as they are edited.
    server_errors: RwSignal<Vec<FieldError>>,
    attachments: RwSignal<Vec<AttachmentView>>,
    version: RwSignal<i64>,
    /// Counts changes; autosave compares it with the count the last save covered.
    edits: RwSignal<u64>,
    /// Bumped when values are replaced from outside (restoring a local copy), so the inputs,
    /// which are not re-rendered while typing, pick up the new values.
    epoch: RwSignal<u64>,
    /// Reviewer comments by criterion code ("" = on the whole dossier).
    review_comments: RwSignal<BTreeMap<String, String>>,
}

impl Form {
    fn new(view: &EvaluationView) -> Self {
        let (raw, ticks) = inputs_from(&view.set, &view.answers, view.can_edit);
        let set = StoredValue::new(view.set.clone());
        let raw = RwSignal::new(raw);
        let ticks = RwSignal::new(ticks);
        let parsed = Memo::new(move |_| {
            let raw = raw.read();
            let ticks = ticks.read();
            set.with_value(|s| parse_inputs(s, &raw, &ticks))
        });
        let problems =
            Memo::new(move |_| parsed.with(|p| set.with_value(|s| check_answers(s, &p.answers))));
        // Score what can be scored: a rejected answer is left out (and marked at its field)
        // rather than blanking the whole panel while the officer corrects one number.
        let live = Memo::new(move |_| {
            let rejected: BTreeSet<String> =
                problems.with(|list| list.iter().map(|e| e.indicator.clone()).collect());
            let acceptable: Answers = parsed.with(|p| {
                p.answers
                    .iter()
                    .filter(|(code, _)| !rejected.contains(*code))
                    .map(|(code, a)| (code.clone(), *a))
                    .collect()
            });
            set.with_value(|s| score(s, &acceptable).ok())
        });
        Form {
            id: view.id,
            criteria_set_id: view.criteria_set_id,
            set_version: view.set.version,
            can_edit: view.can_edit,
            set,
            raw,
            ticks,
            notes: RwSignal::new(view.notes.clone()),
            parsed,
            problems,
            live,
            server_errors: RwSignal::new(Vec::new()),
            attachments: RwSignal::new(view.attachments.clone()),
            version: RwSignal::new(view.version),
            edits: RwSignal::new(0),
            epoch: RwSignal::new(0),
            review_comments: RwSignal::new(BTreeMap::new()),
        }
    }

    /// Records a change to `code`: autosave will follow, and a copy is kept on this device.
    fn touch(self, code: &str) {
        self.server_errors
            .update(|list| list.retain(|e| e.field != code));
        self.edits.update(|n| *n += 1);
        self.keep_local_copy();
    }

    fn keep_local_copy(self) {
        local_draft::save(
            self.id,
            &LocalDraft {
                version: self.version.get_untracked(),
                answers: self.parsed.with_untracked(|p| p.answers.clone()),
                notes: self.notes.get_untracked(),
            },
        );
    }

    /// Replaces every value (restoring a local copy).
    fn load(self, answers: &Answers, notes: &BTreeMap<String, String>) {
        let (raw, ticks) = self
            .set
            .with_value(|s| inputs_from(s, answers, self.can_edit));
        self.raw.set(raw);
        self.ticks.set(ticks);
        self.notes.set(notes.clone());
        self.epoch.update(|n| *n += 1);
        self.touch("");
    }

    /// The message to show under an indicator's field: unreadable text first, then the scoring
    /// engine's objection, then the server's.
    fn message(self, code: &str, lang: Lang) -> Option<String> {
        self.parsed
            .with(|p| p.unreadable.get(code).map(|m| m.get(lang).to_string()))
            .or_else(|| {
                self.problems.with(|list| {
                    list.iter()
                        .find(|e| e.indicator == code)
                        .map(|e| e.message.get(lang).to_string())
                })
            })
            .or_else(|| {
                self.server_errors.with(|list| {
                    list.iter()
                        .find(|e| e.field == code)
                        .map(|e| e.message.get(lang).to_string())
                })
            })
    }

    fn has_field_errors(self) -> bool {
        self.parsed.with_untracked(|p| !p.unreadable.is_empty())
            || self.problems.with_untracked(|list| !list.is_empty())
    }

    /// What a save sends, or `None` while a field is invalid (the server would refuse it).
    fn input(self) -> Option<EvaluationInput> {
        if self.has_field_errors() {
            return None;
        }
        Some(EvaluationInput {
            id: self.id,
            version: self.version.get_untracked(),
            criteria_set_id: self.criteria_set_id,
            set_version: self.set_version,
            answers: self.parsed.with_untracked(|p| p.answers.clone()),
            notes: self.notes.get_untracked(),
            client_total: self.live.with_untracked(|r| r.as_ref().map(|r| r.total)),
        })
    }
}

/// A workflow step, optionally saving the answers first (submitting always sends what is on
/// screen, never an older stored copy).
#[derive(Clone, Debug)]
struct StepRequest {
    save_first: Option<EvaluationInput>,
    version: i64,
    transition: Transition,
    comments: Vec<CriterionComment>,
    reason: String,
}

/// The save (if any) and the step's result.
type StepOutcome = (Option<EvaluationSaved>, Result<EvaluationSaved, AppError>);

async fn run_step(id: i64, req: StepRequest) -> StepOutcome {
    let mut version = req.version;
    let mut saved = None;
    if let Some(input) = req.save_first {
        match save_evaluation(input).await {
            Ok(s) => {
                version = s.version;
                saved = Some(s);
            }
            Err(e) => return (None, Err(e)),
        }
    }
    let result = step_evaluation(StepInput {
        id,
        version,
        transition: req.transition,
        comments: req.comments,
        reason: req.reason,
    })
    .await;
    (saved, result)
}

/// What the page says after a step succeeded.
fn step_done_message(transition: Transition) -> Msg {
    match transition {
        Transition::Submit => Msg::new(
            "Đã gửi duyệt. Hồ sơ đang chờ hội đồng xét duyệt.",
            "Submitted. The dossier now awaits review.",
        ),
        Transition::Return => Msg::new(
            "Đã trả lại hồ sơ cho cán bộ chấm điểm, kèm nhận xét.",
            "Returned to the officer with your comments.",
        ),
        Transition::Approve => Msg::new(
            "Đã duyệt. Hồ sơ chờ quyết định công nhận.",
            "Approved. The dossier awaits the recognition decision.",
        ),
        _ => Msg::new(
            "Đã mở khoá. Hồ sơ trở lại cho cán bộ chấm điểm.",
            "Unlocked. The dossier is back with the officer.",
        ),
    }
}

/// A conflicting save: the server's current evaluation, when it could be read.
#[derive(Clone, Debug, PartialEq)]
struct Conflict {
    current: Option<Box<EvaluationView>>,
}

// ---------------------------------------------------------------------------------------------
// The form

#[component]
fn EvaluationForm(view: EvaluationView, ctl: PageCtl) -> impl IntoView {
    let lang = use_lang();
    let form = Form::new(&view);
    let reg = view.registration.clone();
    let state = RwSignal::new(reg.state);
    // Four eyes: whoever scored or submitted the dossier reviews nothing of it (the server
    // refuses too); the page says why instead of showing the buttons.
    let reviewing = view.can_review && !view.is_contributor && reg.state == CycleState::Submitted;
    let self_review = view.can_review
        && view.is_contributor
        && matches!(reg.state, CycleState::Submitted | CycleState::Approved);
    let unlockable = view.can_review && reg.state == CycleState::Approved;

    let saved_edit = RwSignal::new(0u64);
    let sent_edit = StoredValue::new(0u64);
    let sent_version = StoredValue::new(view.version);
    let sent_transition = StoredValue::new(Transition::Submit);
    let saved_at: RwSignal<Option<String>> = RwSignal::new(None);
    let save_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let step_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let conflict: RwSignal<Option<Conflict>> = RwSignal::new(None);
    let offer: RwSignal<Option<LocalDraft>> = RwSignal::new(None);

    let save = Action::new(|input: &EvaluationInput| save_evaluation(input.clone()));
    let saving = save.pending();
    let save_result = save.value();
    let step = Action::new(move |req: &StepRequest| run_step(form.id, req.clone()));
    let stepping = step.pending();
    let step_result = step.value();

    let on_saved = move |saved: &EvaluationSaved| {
        local_draft::remove(form.id, sent_version.get_value());
        form.version.set(saved.version);
        state.set(saved.state);
        saved_edit.set(sent_edit.get_value());
        saved_at.set(Some(clock_now()));
        form.server_errors.set(Vec::new());
        save_error.set(None);
        // Changes made while the save travelled are kept under the new version.
        if form.edits.get_untracked() != sent_edit.get_value() {
            form.keep_local_copy();
        }
    };
    let on_failed = move |e: AppError, target: RwSignal<Option<AppError>>| {
        match &e {
            AppError::Conflict { current, .. } => conflict.set(Some(Conflict {
                current: current
                    .as_deref()
                    .and_then(|json| serde_json::from_str::<EvaluationView>(json).ok())
                    .map(Box::new),
            })),
            AppError::Validation(fields) => form.server_errors.set(fields.clone()),
            _ => {}
        }
        target.set(Some(e));
    };
    Effect::new(move |_| match save_result.get() {
        Some(Ok(saved)) => on_saved(&saved),
        Some(Err(e)) => on_failed(e, save_error),
        None => {}
    });
    Effect::new(move |_| {
        let Some((saved, result)) = step_result.get() else {
            return;
        };
        if let Some(s) = &saved {
            on_saved(s);
        }
        match result {
            Ok(done) => {
                local_draft::clear(form.id);
                // Show the new state at once; the reload then brings comments and buttons.
                state.set(done.state);
                form.version.set(done.version);
                let message = step_done_message(sent_transition.get_value());
                ctl.flash.set(Some((done.state, message)));
                ctl.reload.update(|n| *n += 1);
            }
            Err(e) => on_failed(e, step_error),
        }
    });

    // Saves now unless a save or step is under way, a conflict waits for the user, or a field
    // is invalid. Returns whether a save was sent.
    let dispatch_save = move || -> bool {
        if saving.get_untracked()
            || stepping.get_untracked()
            || conflict.with_untracked(Option::is_some)
        {
            return false;
        }
        let Some(input) = form.input() else {
            return false;
        };
        sent_edit.set_value(form.edits.get_untracked());
        sent_version.set_value(input.version);
        save.dispatch(input);
        true
    };
    let save_now = move || {
        if form.has_field_errors() {
            save_error.set(Some(AppError::bad_request(
                "Hãy sửa các ô báo lỗi trước khi lưu.",
                "Correct the marked fields before saving.",
            )));
        } else {
            dispatch_save();
        }
    };

    if form.can_edit {
        autosave(form, saved_edit, saving, stepping, dispatch_save);
        // Offer a copy kept on this device when it differs from what the server has.
        let on_screen = form.parsed.with_untracked(|p| p.answers.clone());
        let server_notes = view.notes.clone();
        Effect::new(move |_| {
            if let Some(draft) = local_draft::find(form.id) {
                if draft.answers != on_screen || draft.notes != server_notes {
                    offer.set(Some(draft));
                } else {
                    local_draft::clear(form.id);
                }
            }
        });
    }

    let dispatch_step =
        move |transition: Transition, comments: Vec<CriterionComment>, reason: String| {
            if stepping.get_untracked() || saving.get_untracked() {
                return;
            }
            step_error.set(None);
            ctl.flash.set(None);
            let save_first = if transition == Transition::Submit {
                match form.input() {
                    Some(input) => {
                        sent_edit.set_value(form.edits.get_untracked());
                        sent_version.set_value(input.version);
                        Some(input)
                    }
                    None => {
                        step_error.set(Some(AppError::bad_request(
                            "Hãy sửa các ô báo lỗi trước khi gửi duyệt.",
                            "Correct the marked fields before submitting.",
                        )));
                        return;
                    }
                }
            } else {
                None
            };
            sent_transition.set_value(transition);
            step.dispatch(StepRequest {
                save_first,
                version: form.version.get_untracked(),
                transition,
                comments,
                reason,
            });
        };

    let set = view.set.clone();
    let title = format!(
        "{}: {}",
        lang.t("Phiếu đánh giá", "Evaluation"),
        reg.subject_name
    );
    let back_to_list = format!(
        "/dang-ky?year={}&title={}&unit={}",
        reg.year,
        reg.title_kind.code(),
        reg.unit_id
    );
    let general: Vec<CommentView> = view
        .comments
        .iter()
        .filter(|c| c.criterion_code.is_empty())
        .cloned()
        .collect();
    let sections = set
        .criteria
        .iter()
        .map(|c| {
            let comments: Vec<CommentView> = view
                .comments
                .iter()
                .filter(|k| k.criterion_code == c.code)
                .cloned()
                .collect();
            view! { <CriterionSection criterion=c.clone() form comments reviewing /> }
        })
        .collect_view();
    let recognised = reg.state == CycleState::Recognised;
    let reg_id = reg.id;

    view! {
        <Title text=title.clone() />
        <nav class="breadcrumbs no-print" aria-label=lang.t("Vị trí", "Breadcrumbs")>
            <ol>
                <li><a href="/viec-can-lam">{lang.t("Việc cần làm", "To do")}</a></li>
                <li><a href=back_to_list>{lang.t("Đăng ký danh hiệu", "Registration")}</a></li>
                <li aria-current="page">{lang.t("Phiếu đánh giá", "Evaluation")}</li>
            </ol>
        </nav>
        <h1 class="page-title">{title}</h1>
        <p>
            {reg.title_kind.label(lang)}
            {format!(" · {} {} · {} · ", lang.t("năm", "year"), reg.year, reg.unit_name)}
            {move || state_badge(state.get(), lang)}
        </p>
        <p class="hint">
            {format!(
                "{}: {} ({} {}) — {}",
                lang.t("Bộ tiêu chí", "Criteria set"),
                set.display_name(lang),
                lang.t("phiên bản", "version"),
                set.version,
                set.source_document,
            )}
        </p>
        {move || {
            ctl.flash
                .get()
                .filter(|(announced, _)| *announced == state.get())
                .map(|(_, m)| view! {
                    <div class="alert alert-success" role="status">{m.get(lang).to_string()}</div>
                })
        }}
        {set.has_unverified().then(|| view! {
            <div class="alert alert-warning" role="note">
                {lang.t(
                    "Bộ tiêu chí này có phần chưa đối chiếu với văn bản gốc (các mục có nhãn \"chưa đối chiếu văn bản gốc\"). Điểm tạm tính vẫn theo đúng bộ tiêu chí đã ban hành trong hệ thống.",
                    "Parts of this criteria set are not yet checked against the original text (marked \"not checked against the original text\"). The live score still follows the set as published here.",
                )}
            </div>
        })}
        {recognised.then(|| view! {
            <p class="alert alert-success">
                {lang.t("Hồ sơ đã được công nhận. ", "This dossier has been recognised. ")}
                <a href=format!("/chung-nhan/{reg_id}")>{lang.t("Xem giấy công nhận", "See the certificate")}</a>
            </p>
        })}
        {(!form.can_edit).then(|| view! { <ReadOnlyNotice state=reg.state reviewing /> })}
        {general.into_iter().map(|c| view! { <CommentBox comment=c /> }).collect_view()}
        {move || offer.get().map(|draft| view! { <RestoreOffer draft form offer /> })}
        {move || conflict.get().map(|c| view! { <ConflictAlert conflict=c form ctl on_keep_mine=move || {
            conflict.set(None);
            save_error.set(None);
            dispatch_save();
        } /> })}
        {move || save_error.get().filter(|e| !matches!(e, AppError::Conflict { .. })).map(|e| view! {
            <div id="loi-luu"><ErrorAlert error=e /></div>
        })}
        <div class="score-layout">
            <div class="criteria">{sections}</div>
            <ScorePanel form rule=set.rule.clone() saving saved_edit saved_at save_error conflict save_now />
        </div>
        <Workflow form state reviewing self_review unlockable stepping step_error dispatch_step />
    }
}

/// Saves ~2 s after the last change. Each change restarts the wait; a wait that ends while a
/// save is under way waits again.
fn autosave(
    form: Form,
    saved_edit: RwSignal<u64>,
    saving: Memo<bool>,
    stepping: Memo<bool>,
    dispatch_save: impl Fn() -> bool + Copy + 'static,
) {
    let timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
    let retry = RwSignal::new(0u32);
    Effect::new(move |_| {
        let edit = form.edits.get();
        retry.track();
        if edit == saved_edit.get_untracked() {
            return;
        }
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                // The form may have been replaced (reload) while we waited.
                let Some(now) = form.edits.try_get_untracked() else {
                    return;
                };
                if now != edit || saved_edit.try_get_untracked() == Some(edit) {
                    return;
                }
                if saving.get_untracked() || stepping.get_untracked() {
                    let _ = retry.try_update(|n| *n += 1);
                    return;
                }
                dispatch_save();
            },
            AUTOSAVE_DELAY,
        )
        .ok();
        timer.set_value(handle);
    });
    on_cleanup(move || {
        if let Some(Some(handle)) = timer.try_get_value() {
            handle.clear();
        }
    });
}

/// Why the inputs are disabled.
#[component]
fn ReadOnlyNotice(state: CycleState, reviewing: bool) -> impl IntoView {
    let lang = use_lang();
    let text = if reviewing {
        lang.t(
            "Bạn đang xét duyệt hồ sơ này. Nếu cần sửa, ghi nhận xét vào ô dưới tiêu chí liên quan rồi bấm \"Trả lại\"; nếu đạt yêu cầu, bấm \"Duyệt\".",
            "You are reviewing this dossier. To ask for changes, write a comment under the criterion concerned and press \"Return\"; otherwise press \"Approve\".",
        )
        .to_string()
    } else {
        format!(
            "{} \"{}\": {}",
            lang.t("Hồ sơ đang ở trạng thái", "The dossier is"),
            state.label(lang),
            lang.t("chỉ xem, không sửa được.", "read only."),
        )
    };
    view! { <p class="alert alert-info">{text}</p> }
}

/// A reviewer's comment (returned dossiers) or an unlock reason.
#[component]
fn CommentBox(comment: CommentView) -> impl IntoView {
    let lang = use_lang();
    let heading = if comment.kind == "unlock" {
        lang.t("Lý do mở khoá", "Reason for unlocking")
    } else {
        lang.t("Nhận xét của người xét duyệt", "Reviewer's comment")
    };
    view! {
        <div class="comment-box" role="note">
            <p>
                <strong>{heading}</strong>
                {format!(" — {}, {}", comment.author_name, vietnam_time::format(comment.created_at))}
            </p>
            <p class="comment-body">{comment.body}</p>
        </div>
    }
}

/// The badge for anything not confirmed from the official text.
fn unverified_badge(note: &str, lang: Lang) -> impl IntoView {
    view! {
        <span class="unverified" title=note.to_string()>
            {lang.t("chưa đối chiếu văn bản gốc", "not checked against the original text")}
        </span>
    }
}

// ---------------------------------------------------------------------------------------------
// Criteria and indicators

#[component]
fn CriterionSection(
    criterion: Criterion,
    form: Form,
    comments: Vec<CommentView>,
    reviewing: bool,
) -> impl IntoView {
    let lang = use_lang();
    let code = criterion.code.clone();
    let heading_id = format!("tc-{}", dom_id(&code));
    let labelled_by = heading_id.clone();
    let max = criterion.max_points();
    let count = criterion.indicators.len();
    let score_code = code.clone();
    // Points sets show points; level sets (pass/fail, no points) show indicators met.
    let score_text = Memo::new(move |_| {
        let (points, passed, meets) = form.live.with(|r| {
            r.as_ref()
                .and_then(|r| r.criterion(&score_code))
                .map(|s| (s.points, s.passed, s.meets_minimum))
                .unwrap_or((0, 0, true))
        });
        let text = if max > 0 {
            format!("{points}/{max} {}", lang.t("điểm", "points"))
        } else {
            format!("{passed}/{count} {}", lang.t("chỉ số đạt", "met"))
        };
        (text, meets)
    });
    let unverified = criterion.has_unverified().then(|| {
        let note = if criterion.verification.is_verified() {
            lang.t(
                "Điểm của một số chỉ số chưa được xác nhận.",
                "Some indicators' points are not confirmed.",
            )
            .to_string()
        } else {
            criterion.verification.detail().to_string()
        };
        unverified_badge(&note, lang)
    });
    let minimum = criterion.min_points.map(|min| {
        format!(
            "{} {min} {}",
            lang.t("Tối thiểu", "At least"),
            lang.t("điểm", "points")
        )
    });
    let indicators = criterion
        .indicators
        .iter()
        .map(|i| view! { <IndicatorRow indicator=i.clone() form /> })
        .collect_view();
    let comment_boxes = comments
        .into_iter()
        .map(|c| view! { <CommentBox comment=c /> })
        .collect_view();
    view! {
        <section class="criterion" aria-labelledby=labelled_by>
            <h3 id=heading_id>
                {format!("{}. {} ", code, criterion.display_name(lang))}
                <span class="muted nowrap">{move || format!("({})", score_text.get().0)}</span>
                " "
                {unverified}
            </h3>
            {minimum.map(|m| view! {
                <p class="hint">
                    {m}
                    {move || (!score_text.get().1).then(|| view! {
                        " — "
                        <strong class="field-error">{lang.t("chưa đạt mức tối thiểu", "below the minimum")}</strong>
                    })}
                </p>
            })}
            {comment_boxes}
            {indicators}
            {reviewing.then(|| view! { <ReviewerComment code=code.clone() form /> })}
        </section>
    }
}

/// The reviewer's comment box under a criterion (`id="comment-GD1"`).
#[component]
fn ReviewerComment(code: String, form: Form) -> impl IntoView {
    let lang = use_lang();
    let id = format!("comment-{}", dom_id(&code));
    let label = format!(
        "{} {code} {}",
        lang.t("Nhận xét cho tiêu chí", "Comment on criterion"),
        lang.t(
            "(ghi khi cần trả lại để sửa)",
            "(write one to return it for changes)"
        ),
    );
    view! {
        <div class="field no-print">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                rows="3"
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    form.review_comments.update(|m| {
                        m.insert(code.clone(), text);
                    });
                }
            ></textarea>
        </div>
    }
}

#[component]
fn IndicatorRow(indicator: Indicator, form: Form) -> impl IntoView {
    let lang = use_lang();
    let code = indicator.code.clone();
    let dom = dom_id(&code);
    let input_id = format!("ind-{dom}");
    let text_id = format!("text-{dom}");
    let message = {
        let code = code.clone();
        Memo::new(move |_| form.message(&code, lang))
    };
    let unverified = (!indicator.verification.is_verified())
        .then(|| unverified_badge(indicator.verification.detail(), lang));
    let level = indicator.level.map(|l| {
        view! { <span class="badge badge-info">{format!("{} {l}", lang.t("Mức", "Level"))}</span> }
    });
    let evidence_hint = (!indicator.evidence.trim().is_empty()).then(|| {
        view! {
            <p class="hint">
                <strong>{lang.t("Minh chứng: ", "Evidence: ")}</strong>
                {indicator.evidence.clone()}
            </p>
        }
    });
    let control = match indicator.kind {
        IndicatorKind::Points { max } => {
            let input_id = input_id.clone();
            view! { <PointsInput code=code.clone() input_id max form message /> }.into_any()
        }
        IndicatorKind::PassFail => {
            let (input_id, text_id) = (input_id.clone(), text_id.clone());
            view! { <PassFailInput code=code.clone() input_id text_id form /> }.into_any()
        }
    };
    // The requirement labels the points field; a tick box has its own "Đạt" label.
    let requirement = format!("{} {}", code, indicator.display_text(lang));
    let text = match indicator.kind {
        IndicatorKind::Points { .. } => {
            view! { <label for=input_id class="field-label">{requirement}</label> }.into_any()
        }
        IndicatorKind::PassFail => {
            view! { <p id=text_id class="field-label">{requirement}</p> }.into_any()
        }
    };
    view! {
        <div class="indicator" id=format!("chi-so-{dom}")>
            <div>
                {text}
                {level}
                " "
                {unverified}
                {evidence_hint}
            </div>
            {control}
            <Evidence code form />
        </div>
    }
}

/// A points field 0..=max, with its error underneath.
#[component]
fn PointsInput(
    code: String,
    input_id: String,
    max: u32,
    form: Form,
    message: Memo<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let error_id = format!("{input_id}-error");
    let max_id = format!("{input_id}-max");
    let initial = form
        .raw
        .with_untracked(|r| r.get(&code).cloned().unwrap_or_default());
    let shown = code.clone();
    let (max_span_id, error_p_id) = (max_id.clone(), error_id.clone());
    view! {
        <div class=move || if message.get().is_some() { "field invalid" } else { "field" }>
            <input
                id=input_id
                type="text"
                inputmode="numeric"
                pattern="[0-9]*"
                autocomplete="off"
                size="4"
                value=initial
                prop:value=move || {
                    form.epoch.track();
                    form.raw.with_untracked(|r| r.get(&shown).cloned().unwrap_or_default())
                }
                disabled=!form.can_edit
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=move || {
                    if message.get().is_some() { format!("{max_id} {error_id}") } else { max_id.clone() }
                }
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    form.raw.update(|r| {
                        r.insert(code.clone(), text);
                    });
                    form.touch(&code);
                }
            />
            <span class="max" id=max_span_id>
                {format!("/ {max} {}", lang.t("điểm", "points"))}
            </span>
            {move || message.get().map(|m| view! {
                <p class="field-error" role="alert" id=error_p_id.clone()>{m}</p>
            })}
        </div>
    }
}

/// A "met" tick box.
#[component]
fn PassFailInput(code: String, input_id: String, text_id: String, form: Form) -> impl IntoView {
    let lang = use_lang();
    let initial = form
        .ticks
        .with_untracked(|t| t.get(&code).copied().unwrap_or(false));
    let shown = code.clone();
    let label_for = input_id.clone();
    view! {
        <label class="checkbox" for=label_for>
            <input
                type="checkbox"
                id=input_id
                aria-describedby=text_id
                checked=initial
                prop:checked=move || {
                    form.epoch.track();
                    form.ticks.with_untracked(|t| t.get(&shown).copied().unwrap_or(false))
                }
                disabled=!form.can_edit
                on:change=move |ev| {
                    let met = event_target_checked(&ev);
                    form.ticks.update(|t| {
                        t.insert(code.clone(), met);
                    });
                    form.touch(&code);
                }
            />
            {lang.t("Đạt", "Met")}
        </label>
    }
}

// ---------------------------------------------------------------------------------------------
// Evidence: note and files

#[component]
fn Evidence(code: String, form: Form) -> impl IntoView {
    let lang = use_lang();
    let dom = dom_id(&code);
    let note_id = format!("note-{dom}");
    let file_id = format!("file-{dom}");
    let initial_note = form
        .notes
        .with_untracked(|n| n.get(&code).cloned().unwrap_or_default());
    // Open when there is something to see, so reviewers do not miss evidence.
    let open = !initial_note.trim().is_empty()
        || form
            .attachments
            .with_untracked(|list| list.iter().any(|a| a.indicator_code == code));
    let summary = {
        let code = code.clone();
        move || {
            let files = form
                .attachments
                .with(|list| list.iter().filter(|a| a.indicator_code == code).count());
            let noted = form
                .notes
                .with(|n| n.get(&code).is_some_and(|t| !t.trim().is_empty()));
            let mut parts = vec![lang.t("Minh chứng", "Evidence").to_string()];
            if files > 0 {
                parts.push(format!("{files} {}", lang.t("tệp", "file(s)")));
            }
            if noted {
                parts.push(lang.t("có ghi chú", "with a note").to_string());
            }
            parts.join(" · ")
        }
    };
    let shown = code.clone();
    let note_code = code.clone();
    view! {
        <details class="evidence" open=open>
            <summary>{summary}</summary>
            <div class="field">
                <label for=note_id.clone()>{lang.t("Ghi chú minh chứng", "Evidence note")}</label>
                <textarea
                    id=note_id
                    rows="2"
                    readonly=!form.can_edit
                    prop:value=move || {
                        form.epoch.track();
                        form.notes.with_untracked(|n| n.get(&shown).cloned().unwrap_or_default())
                    }
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        form.notes.update(|n| {
                            n.insert(note_code.clone(), text);
                        });
                        form.touch(&note_code);
                    }
                >
                    {initial_note}
                </textarea>
            </div>
            <FileList code=code.clone() form />
            {form.can_edit.then(|| view! { <FileUpload code file_id form /> })}
        </details>
    }
}

/// The evidence files of one indicator, each with a remove button while editable.
#[component]
fn FileList(code: String, form: Form) -> impl IntoView {
    let lang = use_lang();
    let remove = Action::new(|id: &i64| {
        let id = *id;
        async move { delete_attachment(id).await.map(|()| id) }
    });
    let removed = remove.value();
    Effect::new(move |_| {
        if let Some(Ok(id)) = removed.get() {
            form.attachments.update(|list| list.retain(|a| a.id != id));
        }
    });
    let files = move || {
        form.attachments.with(|list| {
            list.iter()
                .filter(|a| a.indicator_code == code)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ul class="file-list">
            {move || files()
                .into_iter()
                .map(|a| {
                    let id = a.id;
                    let size = format!("{:.0} KB", (a.size_bytes as f64 / 1024.0).ceil());
                    view! {
                        <li>
                            <a href=format!("/attachments/{id}") rel="external" target="_blank">{a.filename.clone()}</a>
                            " "
                            <span class="muted">{format!("({size})")}</span>
                            {form.can_edit.then(|| view! {
                                " "
                                <button
                                    class="btn btn-small btn-link"
                                    type="button"
                                    disabled=move || remove.pending().get()
                                    on:click=move |_| {
                                        remove.dispatch(id);
                                    }
                                >
                                    {lang.t("Xoá tệp", "Remove file")}
                                    <span class="sr-only">{format!(" {}", a.filename)}</span>
                                </button>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {move || match removed.get() {
            Some(Err(e)) => Some(view! { <ErrorAlert error=e /> }),
            _ => None,
        }}
    }
}

/// Picks a photo or PDF and uploads it with a progress bar.
#[component]
fn FileUpload(code: String, file_id: String, form: Form) -> impl IntoView {
    let lang = use_lang();
    let progress: RwSignal<Option<f64>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let progress_id = format!("{file_id}-progress");
    // Only the browser uploads; the server renders the picker alone.
    #[cfg(not(feature = "hydrate"))]
    let _ = (&code, form);
    let on_file = move |_ev: leptos::ev::Event| {
        error.set(None);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = _ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            // Clear the picker so the same file can be chosen again after a failure.
            input.set_value("");
            if file.size() > MAX_EVIDENCE_BYTES {
                error.set(Some(AppError::bad_request(
                    "Tệp quá lớn: tối đa 10 MB. Hãy chụp ảnh nhỏ hơn hoặc chia tệp PDF.",
                    "The file is too large: at most 10 MB.",
                )));
                return;
            }
            progress.set(Some(0.0));
            upload_evidence(form.id, &code, file, progress, move |result| {
                let _ = progress.try_set(None);
                match result {
                    Ok(added) => {
                        let _ = form.attachments.try_update(|list| list.push(added));
                    }
                    Err(e) => {
                        let _ = error.try_set(Some(e));
                    }
                }
            });
        }
    };
    view! {
        <div class="field">
            <label for=file_id.clone()>{lang.t("Thêm ảnh hoặc tệp PDF", "Add a photo or PDF")}</label>
            <input
                id=file_id
                type="file"
                accept="image/jpeg,image/png,image/webp,application/pdf"
                disabled=move || progress.get().is_some()
                on:change=on_file
            />
            <p class="hint">{lang.t("Ảnh JPG, PNG, WebP hoặc PDF, tối đa 10 MB.", "JPG, PNG, WebP or PDF, at most 10 MB.")}</p>
        </div>
        {move || progress.get().map(|p| view! {
            <label for=progress_id.clone()>{format!("{} {:.0}%", lang.t("Đang tải lên", "Uploading"), p * 100.0)}</label>
            <progress id=progress_id.clone() class="upload-progress" max="1" value=p></progress>
        })}
        {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
    }
}

/// Sends one evidence file with XMLHttpRequest, which (unlike fetch) reports upload progress.
#[cfg(feature = "hydrate")]
fn upload_evidence(
    evaluation_id: i64,
    indicator: &str,
    file: web_sys::File,
    progress: RwSignal<Option<f64>>,
    done: impl Fn(Result<AttachmentView, AppError>) + 'static,
) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let fail = |msg: &str| Err(AppError::Transport(msg.to_string()));
    let (Ok(form), Ok(xhr)) = (web_sys::FormData::new(), web_sys::XmlHttpRequest::new()) else {
        done(fail("XMLHttpRequest"));
        return;
    };
    let url = format!(
        "/evaluations/{evaluation_id}/attachments?indicator={}",
        crate::app::urlencode(indicator)
    );
    if form
        .append_with_blob_and_filename("file", &file, &file.name())
        .is_err()
        || xhr.open("POST", &url).is_err()
    {
        done(fail("form"));
        return;
    }
    let done = std::rc::Rc::new(done);
    if let Ok(upload) = xhr.upload() {
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    let _ = progress.try_set(Some(ev.loaded() / ev.total()));
                }
            });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let xhr_for_load = xhr.clone();
    let done_load = done.clone();
    let on_load = Closure::<dyn FnMut()>::new(move || {
        let status = xhr_for_load.status().unwrap_or(0);
        let body = xhr_for_load
            .response_text()
            .ok()
            .flatten()
            .unwrap_or_default();
        // A refusal carries the server's AppError (with its Vietnamese message) as JSON.
        let result = if (200..300).contains(&status) {
            serde_json::from_str::<AttachmentView>(&body)
                .map_err(|e| AppError::Transport(e.to_string()))
        } else {
            Err(serde_json::from_str::<AppError>(&body)
                .unwrap_or_else(|_| AppError::Transport(format!("HTTP {status}"))))
        };
        done_load(result);
    });
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    let done_error = done.clone();
    let on_error =
        Closure::<dyn FnMut()>::new(move || done_error(Err(AppError::Transport("network".into()))));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    if xhr.send_with_opt_form_data(Some(&form)).is_err() {
        done(fail("send"));
    }
}

// ---------------------------------------------------------------------------------------------
// Live score panel

fn verdict_class(result: &ScoreResult) -> &'static str {
    if result.recognised {
        "verdict verdict-pass"
    } else if matches!(result.verdict, Verdict::Grade(g) if g != Grade::KhongDat) {
        "verdict verdict-grade"
    } else {
        "verdict verdict-fail"
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn ScorePanel(
    form: Form,
    rule: ResultRule,
    saving: Memo<bool>,
    saved_edit: RwSignal<u64>,
    saved_at: RwSignal<Option<String>>,
    save_error: RwSignal<Option<AppError>>,
    conflict: RwSignal<Option<Conflict>>,
    save_now: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let rule = StoredValue::new(rule);
    let is_levels = rule.with_value(|r| matches!(r, ResultRule::Levels { .. }));
    let is_pass_mark = rule.with_value(|r| matches!(r, ResultRule::PassMark { .. }));
    let indicator_count = form.set.with_value(|s| s.indicator_count());
    // Level sets have no points: count the indicators met instead.
    let total = move || {
        form.live.with(|r| match r {
            Some(r) if is_levels => r.criteria.iter().map(|c| c.passed).sum::<u32>().to_string(),
            Some(r) => r.total.to_string(),
            None => "—".to_string(),
        })
    };
    let out_of = move || {
        if is_levels {
            format!("/ {indicator_count} {}", lang.t("chỉ số đạt", "met"))
        } else {
            let max = form
                .live
                .with(|r| r.as_ref().map(|r| r.max_total).unwrap_or(0));
            format!("/ {max} {}", lang.t("điểm", "points"))
        }
    };
    let verdict = move || {
        form.live.with(|r| match r {
            Some(r) => (
                verdict_class(r),
                rule.with_value(|rule| r.verdict.label_for(rule, lang)),
            ),
            None => ("verdict", String::new()),
        })
    };
    let invalid_count =
        move || form.parsed.with(|p| p.unreadable.len()) + form.problems.with(|list| list.len());
    let status = move || {
        if saving.get() {
            lang.t("Đang lưu…", "Saving…").to_string()
        } else if conflict.with(Option::is_some) {
            lang.t(
                "Chưa lưu — dữ liệu đã thay đổi trên máy chủ",
                "Not saved — changed on the server",
            )
            .to_string()
        } else if form.edits.get() != saved_edit.get() {
            if save_error.with(Option::is_some) {
                lang.t("Chưa lưu — có lỗi", "Not saved — see the error")
                    .to_string()
            } else {
                lang.t("Chưa lưu", "Not saved").to_string()
            }
        } else if let Some(at) = saved_at.get() {
            format!("{} {at}", lang.t("Đã lưu lúc", "Saved at"))
        } else {
            String::new()
        }
    };
    view! {
        <aside class="score-panel" aria-labelledby="score-title">
            <h2 id="score-title">
                {if form.can_edit {
                    lang.t("Điểm tạm tính", "Live score")
                } else {
                    lang.t("Kết quả chấm điểm", "Score")
                }}
            </h2>
            <p class="score-total">
                <span class="points" id="live-total">{total}</span>
                " "
                <span class="muted">{out_of}</span>
            </p>
            <p>
                <span id="live-verdict" class=move || verdict().0>{move || verdict().1}</span>
            </p>
            {(!is_pass_mark).then(|| view! {
                <p>
                    {move || if form.live.with(|r| r.as_ref().is_some_and(|r| r.recognised)) {
                        lang.t("✓ Đủ điều kiện công nhận", "✓ Meets the title")
                    } else {
                        lang.t("✗ Chưa đủ điều kiện công nhận", "✗ Does not meet the title yet")
                    }}
                </p>
            })}
            {move || (invalid_count() > 0).then(|| view! {
                <p class="field-error">
                    {format!(
                        "{} {}",
                        invalid_count(),
                        lang.t("ô chưa hợp lệ, chưa được tính.", "invalid field(s), not counted."),
                    )}
                </p>
            })}
            {form.can_edit.then(|| view! {
                <p class="save-status" role="status" aria-live="polite">{status}</p>
                <button
                    class="btn btn-small btn-primary no-print"
                    type="button"
                    disabled=move || saving.get()
                    on:click=move |_| save_now()
                >
                    {lang.t("Lưu", "Save")}
                </button>
            })}
            <div class="score-wide">
                <ScoreBreakdown form indicator_count />
            </div>
            <details class="score-narrow">
                <summary>{lang.t("Chi tiết điểm và lý do", "Breakdown and reasons")}</summary>
                <ScoreBreakdown form indicator_count />
            </details>
        </aside>
    }
}

/// Points per criterion, indicators answered, and what holds the verdict back.
#[component]
fn ScoreBreakdown(form: Form, indicator_count: usize) -> impl IntoView {
    let lang = use_lang();
    let names: Vec<(String, String)> = form.set.with_value(|s| {
        s.criteria
            .iter()
            .map(|c| (c.code.clone(), c.display_name(lang).to_string()))
            .collect()
    });
    view! {
        {move || form.live.with(|r| r.as_ref().map(|r| {
            let answered: u32 = r.criteria.iter().map(|c| c.answered).sum();
            let rows = r
                .criteria
                .iter()
                .map(|c| {
                    let name = names
                        .iter()
                        .find(|(code, _)| *code == c.code)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default();
                    let figure = if c.max > 0 {
                        format!("{}/{}", c.points, c.max)
                    } else {
                        format!("{}/{}", c.passed, c.indicator_count)
                    };
                    view! {
                        <li>
                            {format!("{} {name}: ", c.code)}
                            <strong>{figure}</strong>
                            {(!c.meets_minimum).then(|| view! {
                                " "
                                <span class="field-error">{lang.t("dưới mức tối thiểu", "below the minimum")}</span>
                            })}
                        </li>
                    }
                })
                .collect_view();
            let reasons = r
                .reasons
                .iter()
                .map(|m| view! { <li>{m.get(lang).to_string()}</li> })
                .collect_view();
            view! {
                <p class="hint">
                    {format!("{} {answered}/{indicator_count} {}", lang.t("Đã chấm", "Answered"), lang.t("chỉ số", "indicators"))}
                </p>
                <ul class="criterion-points">{rows}</ul>
                {(!r.reasons.is_empty()).then(|| view! {
                    <h3>{lang.t("Lý do", "Reasons")}</h3>
                    <ul class="reasons">{reasons}</ul>
                })}
            }
        }))}
    }
}

// ---------------------------------------------------------------------------------------------
// Local copy, conflict

/// Offers to put back answers kept on this device that the server does not have.
#[component]
fn RestoreOffer(
    draft: LocalDraft,
    form: Form,
    offer: RwSignal<Option<LocalDraft>>,
) -> impl IntoView {
    let lang = use_lang();
    let older = draft.version != form.version.get_untracked();
    let answered = draft.answers.len();
    view! {
        <div class="alert alert-warning" role="status" id="ban-luu-tam">
            <p>
                {format!(
                    "{} ({answered} {}).",
                    lang.t(
                        "Máy này còn giữ một bản chấm chưa được lưu lên máy chủ",
                        "This device holds answers that never reached the server",
                    ),
                    lang.t("chỉ số đã chấm", "indicators answered"),
                )}
                {older.then(|| lang.t(
                    " Bản này soạn trên phiên bản cũ hơn: nếu khôi phục rồi lưu, giá trị hiện có trên máy chủ sẽ bị thay.",
                    " It was written against an older version: restoring and saving replaces the server's current values.",
                ))}
            </p>
            <div class="form-actions">
                <button class="btn btn-primary" type="button" on:click={
                    let draft = draft.clone();
                    move |_| {
                        form.load(&draft.answers, &draft.notes);
                        offer.set(None);
                    }
                }>
                    {lang.t("Khôi phục bản chưa lưu", "Restore the unsaved answers")}
                </button>
                <button class="btn btn-secondary" type="button" on:click=move |_| {
                    local_draft::clear(form.id);
                    offer.set(None);
                }>
                    {lang.t("Bỏ bản này", "Discard them")}
                </button>
            </div>
        </div>
    }
}

/// An answer in words.
fn answer_text(answer: Option<&Answer>, lang: Lang) -> String {
    match answer {
        Some(Answer::Points(p)) => p.to_string(),
        Some(Answer::Pass(true)) => lang.t("Đạt", "Met").to_string(),
        Some(Answer::Pass(false)) => lang.t("Chưa đạt", "Not met").to_string(),
        None => "—".to_string(),
    }
}

/// Someone saved first: show what the server holds and let the user choose.
#[component]
fn ConflictAlert(
    conflict: Conflict,
    form: Form,
    ctl: PageCtl,
    on_keep_mine: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let mine = form.parsed.with_untracked(|p| p.answers.clone());
    let details = conflict.current.as_ref().map(|current| {
        let codes: BTreeSet<&String> = current.answers.keys().chain(mine.keys()).collect();
        let differences = codes
            .into_iter()
            .filter(|code| current.answers.get(*code) != mine.get(*code))
            .map(|code| {
                view! {
                    <li>
                        <strong>{code.clone()}</strong>
                        {format!(
                            ": {} {} — {} {}",
                            lang.t("máy chủ", "server"),
                            answer_text(current.answers.get(code), lang),
                            lang.t("máy này", "this device"),
                            answer_text(mine.get(code), lang),
                        )}
                    </li>
                }
            })
            .collect_view();
        view! {
            <p>
                {format!(
                    "{} {}): {} {}/{} — {}.",
                    lang.t("Giá trị hiện tại trên máy chủ (phiên bản", "Current values on the server (version"),
                    current.version,
                    lang.t("tổng", "total"),
                    current.result.total,
                    current.result.max_total,
                    current.result.verdict.label_for(&current.set.rule, lang),
                )}
            </p>
            <ul>{differences}</ul>
        }
    });
    let server_version = conflict.current.as_ref().map(|c| c.version);
    view! {
        <div class="alert alert-warning" role="alert" id="xung-dot">
            <p>
                <strong>
                    {lang.t(
                        "Phiếu này vừa được lưu từ nơi khác, nên bản của bạn chưa được lưu.",
                        "This evaluation was just saved elsewhere, so yours was not saved.",
                    )}
                </strong>
            </p>
            {details}
            <div class="form-actions">
                <button class="btn btn-primary" type="button" on:click=move |_| {
                    local_draft::clear(form.id);
                    ctl.reload.update(|n| *n += 1);
                }>
                    {lang.t("Dùng giá trị trên máy chủ", "Use the server's values")}
                </button>
                {server_version.map(|v| view! {
                    <button class="btn btn-secondary" type="button" on:click=move |_| {
                        form.version.set(v);
                        on_keep_mine();
                    }>
                        {lang.t("Giữ giá trị của tôi, ghi đè lên máy chủ", "Keep mine and overwrite the server")}
                    </button>
                })}
            </div>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Workflow buttons

#[component]
#[allow(clippy::too_many_arguments)]
fn Workflow(
    form: Form,
    state: RwSignal<CycleState>,
    reviewing: bool,
    /// The caller could review but scored or submitted this dossier.
    self_review: bool,
    unlockable: bool,
    stepping: Memo<bool>,
    step_error: RwSignal<Option<AppError>>,
    dispatch_step: impl Fn(Transition, Vec<CriterionComment>, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let reason = RwSignal::new(String::new());
    let field_message = move |field: &'static str| {
        move || {
            step_error
                .get()
                .and_then(|e| e.field_message(field, lang))
                .map(|m| view! { <p class="field-error" role="alert">{m}</p> })
        }
    };
    let general_error = move || {
        step_error
            .get()
            .filter(|e| {
                e.field_message("comments", lang).is_none()
                    && e.field_message("reason", lang).is_none()
            })
            .map(|e| view! { <ErrorAlert error=e /> })
    };
    let submit = move |_| dispatch_step(Transition::Submit, Vec::new(), String::new());
    let approve = move |_| dispatch_step(Transition::Approve, Vec::new(), String::new());
    let send_back = move |_| {
        let comments: Vec<CriterionComment> = form
            .review_comments
            .get_untracked()
            .into_iter()
            .filter(|(_, body)| !body.trim().is_empty())
            .map(|(criterion_code, body)| CriterionComment {
                criterion_code,
                body,
            })
            .collect();
        if comments.is_empty() {
            step_error.set(Some(AppError::field(
                "comments",
                "Hãy ghi nhận xét cho ít nhất một tiêu chí cần sửa.",
                "Write a comment on at least one criterion to fix.",
            )));
            return;
        }
        dispatch_step(Transition::Return, comments, String::new());
    };
    let unlock = move |_| {
        let text = reason.get_untracked();
        if text.trim().chars().count() < 5 {
            step_error.set(Some(AppError::field(
                "reason",
                "Hãy ghi rõ lý do mở khoá (ít nhất 5 ký tự).",
                "Give the reason for unlocking (at least 5 characters).",
            )));
            return;
        }
        dispatch_step(Transition::Unlock, Vec::new(), text);
    };
    // Writing answers the "write at least one comment" / "give a reason" messages.
    let clear_error_of = move |field: &'static str| {
        if step_error.with_untracked(|e| {
            e.as_ref()
                .is_some_and(|e| e.field_message(field, lang).is_some())
        }) {
            step_error.set(None);
        }
    };
    Effect::new(move |_| {
        form.review_comments.track();
        clear_error_of("comments");
    });
    let nothing_to_do = !form.can_edit && !reviewing && !unlockable && !self_review;
    view! {
        <section class="card no-print mt" aria-labelledby="workflow-title">
            <h2 id="workflow-title">{lang.t("Xử lý hồ sơ", "Next step")}</h2>
            {general_error}
            {form.can_edit.then(|| view! {
                <p class="hint">
                    {move || if state.get() == CycleState::Returned {
                        lang.t(
                            "Sửa theo nhận xét của người xét duyệt, rồi bấm \"Gửi duyệt\" để gửi lại.",
                            "Make the changes the reviewer asked for, then press \"Submit\" again.",
                        )
                    } else {
                        lang.t(
                            "Khi đã chấm đủ tất cả các chỉ số, bấm \"Gửi duyệt\". Sau khi gửi, phiếu không sửa được nữa trừ khi bị trả lại.",
                            "Once every indicator is scored, press \"Submit\". After that the form is locked unless it is returned.",
                        )
                    }}
                </p>
                <div class="form-actions">
                    <button class="btn btn-primary" type="button" disabled=move || stepping.get() on:click=submit>
                        {move || if stepping.get() { lang.t("Đang gửi…", "Submitting…") } else { lang.t("Gửi duyệt", "Submit for review") }}
                    </button>
                </div>
            })}
            {reviewing.then(|| view! {
                <div class="field">
                    <label for="comment-general">{lang.t("Nhận xét chung (không bắt buộc)", "General comment (optional)")}</label>
                    <textarea id="comment-general" rows="3" on:input=move |ev| {
                        let text = event_target_value(&ev);
                        form.review_comments.update(|m| {
                            m.insert(String::new(), text);
                        });
                    }></textarea>
                </div>
                {field_message("comments")}
                <div class="form-actions">
                    <button class="btn btn-primary" type="button" disabled=move || stepping.get() on:click=approve>
                        {lang.t("Duyệt", "Approve")}
                    </button>
                    <button class="btn btn-danger" type="button" disabled=move || stepping.get() on:click=send_back>
                        {lang.t("Trả lại", "Return")}
                    </button>
                </div>
            })}
            {self_review.then(|| view! {
                <p class="alert alert-warning" id="four-eyes" role="note">
                    {four_eyes_refusal(
                        if state.get_untracked() == CycleState::Approved { Transition::Recognise } else { Transition::Approve },
                        lang,
                    )}
                </p>
            })}
            {unlockable.then(|| view! {
                <div class="field">
                    <label for="unlock-reason">{lang.t("Lý do mở khoá", "Reason for unlocking")}" *"</label>
                    <textarea id="unlock-reason" rows="3" on:input=move |ev| {
                        reason.set(event_target_value(&ev));
                        clear_error_of("reason");
                    }></textarea>
                    {field_message("reason")}
                </div>
                <div class="form-actions">
                    <button class="btn btn-secondary" type="button" disabled=move || stepping.get() on:click=unlock>
                        {lang.t("Mở khoá", "Unlock")}
                    </button>
                </div>
            })}
            {nothing_to_do.then(|| view! {
                <p class="muted">{lang.t("Bạn không có thao tác nào với hồ sơ ở trạng thái này.", "There is nothing for you to do at this stage.")}</p>
            })}
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Local copy in the browser

/// Unsaved answers kept in `localStorage` under `kh-danh-gia-{id}-v{version}` until the server
/// has them. Without a browser (server rendering) every call does nothing.
mod local_draft {
    use crate::domain::criteria::Answers;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// What is kept: the answers and notes, and the version they were written against.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct LocalDraft {
        pub version: i64,
        pub answers: Answers,
        pub notes: BTreeMap<String, String>,
    }

    #[cfg(feature = "hydrate")]
    fn prefix(id: i64) -> String {
        format!("kh-danh-gia-{id}-v")
    }

    #[cfg(feature = "hydrate")]
    fn storage() -> Option<web_sys::Storage> {
        leptos::prelude::window().local_storage().ok().flatten()
    }

    /// The keys of every copy of evaluation `id` (one normally; older ones are dropped).
    #[cfg(feature = "hydrate")]
    fn keys(storage: &web_sys::Storage, id: i64) -> Vec<String> {
        let prefix = prefix(id);
        let count = storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|k| k.starts_with(&prefix))
            .collect()
    }

    /// Keeps `draft`, replacing any other copy of the same evaluation.
    pub fn save(_id: i64, _draft: &LocalDraft) {
        #[cfg(feature = "hydrate")]
        if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(_draft)) {
            let key = format!("{}{}", prefix(_id), _draft.version);
            for old in keys(&storage, _id).into_iter().filter(|k| *k != key) {
                let _ = storage.remove_item(&old);
            }
            // A full storage only loses the safety copy; the save itself still goes ahead.
            let _ = storage.set_item(&key, &json);
        }
    }

    /// Drops the copy written against `version`.
    pub fn remove(_id: i64, _version: i64) {
        #[cfg(feature = "hydrate")]
        if let Some(storage) = storage() {
            let _ = storage.remove_item(&format!("{}{}", prefix(_id), _version));
        }
    }

    /// Drops every copy of evaluation `id`.
    pub fn clear(_id: i64) {
        #[cfg(feature = "hydrate")]
        if let Some(storage) = storage() {
            for key in keys(&storage, _id) {
                let _ = storage.remove_item(&key);
            }
        }
    }

    /// The newest readable copy of evaluation `id`.
    pub fn find(_id: i64) -> Option<LocalDraft> {
        #[cfg(feature = "hydrate")]
        {
            let storage = storage()?;
            keys(&storage, _id)
                .into_iter()
                .filter_map(|k| storage.get_item(&k).ok().flatten())
                .filter_map(|json| serde_json::from_str::<LocalDraft>(&json).ok())
                .max_by_key(|d| d.version)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            None
        }
    }
}
