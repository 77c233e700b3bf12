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

mod conflict;
mod criteria;
mod evidence;
mod local_draft;
mod score_panel;
mod workflow;

use super::api::{find_evaluation, step_evaluation, update_evaluation};
use super::types::{
    AttachmentView, CommentView, CriterionComment, EvaluationInput, EvaluationSaved,
    EvaluationView, StepInput,
};
use crate::domain::criteria::{Answer, Answers, CriteriaSet, IndicatorKind};
use crate::domain::roles::Permission;
use crate::domain::scoring::{check_answers, score, AnswerError, ScoreResult};
use crate::domain::workflow::{CycleState, Transition};
use crate::error::{AppError, FieldError};
use crate::features::training::api::find_scoring_gate;
use crate::i18n::{Lang, Msg};
use crate::ui::{state_badge, use_lang, ErrorAlert, Guard};
use conflict::{ConflictAlert, RestoreOffer};
use criteria::{CommentBox, CriterionSection, ReadOnlyNotice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use local_draft::LocalDraft;
use score_panel::ScorePanel;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use workflow::Workflow;
/// Quiet time after the last change before the draft is saved.
const AUTOSAVE_DELAY: Duration = Duration::from_secs(2);

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
        |(id, _)| find_evaluation(id),
    );
    // Whether training still stands between this user and submitting or approving.
    let gate = Resource::new(|| (), |_| find_scoring_gate());
    view! {
        <Title text=lang.t("Phiếu đánh giá", "Evaluation") />
        <Guard permission=Permission::ReadRegistry let:_me>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    gate.await.ok().filter(|g| g.blocked).map(|g| {
                        let href = g.module_id.map(|m| format!("/tap-huan/{m}/bai/1")).unwrap_or_else(|| "/tap-huan".into());
                        view! {
                            <div class="alert alert-warning" role="note">
                                <p>
                                    {lang.t(
                                        "Bạn có thể chấm điểm, nhưng chỉ gửi duyệt hoặc phê duyệt được sau khi hoàn thành học phần tập huấn",
                                        "You may score, but you can submit or approve only after completing the training module",
                                    )}
                                    " «" {g.module_title.clone()} "». "
                                    <a href=href>{lang.t("Học ngay", "Study it now")}</a>
                                </p>
                            </div>
                        }
                    })
                })}
            </Suspense>
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
        match update_evaluation(input).await {
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

    let save = Action::new(|input: &EvaluationInput| update_evaluation(input.clone()));
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
