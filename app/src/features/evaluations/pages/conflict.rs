//! The evaluation form's recovery pieces: the offer to restore answers kept on this device,
//! and the alert that shows the server's values after a conflicting save.

use super::local_draft::{self, LocalDraft};
use super::{Conflict, Form, PageCtl};
use crate::domain::criteria::Answer;
use crate::i18n::Lang;
use crate::ui::use_lang;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Offers to put back answers kept on this device that the server does not have.
#[component]
pub(super) fn RestoreOffer(
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
pub(super) fn answer_text(answer: Option<&Answer>, lang: Lang) -> String {
    match answer {
        Some(Answer::Points(p)) => p.to_string(),
        Some(Answer::Pass(true)) => lang.t("Đạt", "Met").to_string(),
        Some(Answer::Pass(false)) => lang.t("Chưa đạt", "Not met").to_string(),
        None => "—".to_string(),
    }
}

/// Someone saved first: show what the server holds and let the user choose.
#[component]
pub(super) fn ConflictAlert(
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
