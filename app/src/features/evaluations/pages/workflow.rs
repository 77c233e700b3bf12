//! The workflow buttons of the evaluation form: submit, return with comments, approve and
//! unlock with a reason, each offered only to whom the cycle and the four-eyes rule allow.

use super::Form;
use crate::domain::workflow::{four_eyes_refusal, CycleState, Transition};
use crate::error::AppError;
use crate::features::evaluations::types::CriterionComment;
use crate::ui::{use_lang, ErrorAlert};
use leptos::prelude::*;

#[component]
#[allow(clippy::too_many_arguments)]
pub(super) fn Workflow(
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
