//! One narrative section of the report: read-only paragraphs for those who read the report;
//! for those who may write it, a text area with a character count, saved over the version it
//! last saw. A save that meets someone else's newer text shows that text and lets the officer
//! take it or keep their own. The saved text is also rendered as paragraphs for print, where
//! the text area is hidden.

use super::super::api::save_narrative;
use super::super::types::{paragraphs, Narrative, NarrativeInput, MAX_BODY_CHARS};
use crate::error::AppError;
use crate::i18n::{format_int, Lang};
use crate::ui::{use_lang, ErrorAlert};
use leptos::prelude::*;

/// The text as paragraphs (escaped: a text node each, single line breaks kept by CSS).
fn paragraphs_view(lang: Lang, body: &str) -> AnyView {
    if body.trim().is_empty() {
        return view! { <p class="muted narrative-empty">{lang.t("Chưa có nội dung.", "Not written yet.")}</p> }
            .into_any();
    }
    paragraphs(body)
        .into_iter()
        .map(|p| view! { <p class="narrative-paragraph">{p.to_string()}</p> })
        .collect_view()
        .into_any()
}

/// Who saved the section last, and when.
fn updated_text(lang: Lang, n: &Narrative) -> Option<String> {
    let at = crate::vietnam_time::format(n.updated_at?);
    let who = n.updated_by.clone().unwrap_or_default();
    Some(match lang {
        Lang::Vi => format!("Cập nhật lần cuối: {at} — {who}"),
        Lang::En => format!("Last updated: {at} — {who}"),
    })
}

/// A section's text: editable when `can_edit`, otherwise read-only.
#[component]
pub fn NarrativeBlock(
    unit_id: i64,
    year: i32,
    narrative: Narrative,
    can_edit: bool,
) -> impl IntoView {
    let lang = use_lang();
    if !can_edit {
        let updated = updated_text(lang, &narrative);
        return view! {
            <div class="narrative" data-section=narrative.section.code()>
                {paragraphs_view(lang, &narrative.body)}
                {updated.map(|u| view! { <p class="hint no-print">{u}</p> })}
            </div>
        }
        .into_any();
    }
    view! { <NarrativeEditor unit_id=unit_id year=year narrative=narrative /> }.into_any()
}

#[component]
fn NarrativeEditor(unit_id: i64, year: i32, narrative: Narrative) -> impl IntoView {
    let lang = use_lang();
    let section = narrative.section;
    let code = section.code();
    let field_id = format!("narrative-{code}");
    let hint_id = format!("{field_id}-hint");
    let error_id = format!("{field_id}-error");
    let initial = narrative.body.clone();
    let text = RwSignal::new(narrative.body.clone());
    // What the server holds as far as this page knows: its version is the one a save claims.
    let stored = RwSignal::new(narrative);
    let conflict = RwSignal::new(None::<Narrative>);
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let save = Action::new(move |input: &NarrativeInput| save_narrative(input.clone()));
    Effect::new(move |_| {
        let Some(result) = save.value().get() else {
            return;
        };
        match result {
            Ok(n) => {
                text.set(n.body.clone());
                stored.set(n);
                conflict.set(None);
                error.set(None);
                saved.set(true);
            }
            Err(AppError::Conflict { current, .. }) => {
                let current: Option<Narrative> =
                    current.and_then(|c| serde_json::from_str(&c).ok());
                conflict.set(Some(current.unwrap_or_else(|| Narrative::empty(section))));
                error.set(None);
                saved.set(false);
            }
            Err(e) => {
                error.set(Some(e));
                saved.set(false);
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        save.dispatch(NarrativeInput {
            unit_id,
            year,
            section,
            body: text.get_untracked(),
            version: stored.with_untracked(|n| n.version),
        });
    };
    let count = move || text.with(|t| t.chars().count());
    let count_text = move || {
        let n = count();
        let words = match lang {
            Lang::Vi => format!(
                "{} / {} ký tự",
                format_int(lang, n as i64),
                format_int(lang, MAX_BODY_CHARS as i64)
            ),
            Lang::En => format!(
                "{} / {} characters",
                format_int(lang, n as i64),
                format_int(lang, MAX_BODY_CHARS as i64)
            ),
        };
        if n > MAX_BODY_CHARS {
            format!("{words} — {}", lang.t("quá giới hạn", "over the limit"))
        } else {
            words
        }
    };
    let field_message = move || {
        error
            .get()
            .and_then(|e| e.field_message("body", lang))
            .map(|m| view! { <p class="field-error" role="alert" id=error_id.clone()>{m}</p> })
    };
    let other_error = move || {
        error
            .get()
            .filter(|e| e.field_message("body", lang).is_none())
            .map(|e| view! { <ErrorAlert error=e /> })
    };
    let take_theirs = move |_: leptos::ev::MouseEvent| {
        if let Some(current) = conflict.get_untracked() {
            text.set(current.body.clone());
            stored.set(current);
        }
        conflict.set(None);
    };
    let keep_mine = move |_: leptos::ev::MouseEvent| {
        if let Some(current) = conflict.get_untracked() {
            stored.set(current);
        }
        conflict.set(None);
    };
    let conflict_view = move || {
        conflict.get().map(|current| {
            let who = updated_text(lang, &current).unwrap_or_default();
            view! {
                <div class="alert alert-warning" role="alert">
                    <p><strong>{lang.t("Mục này vừa được người khác cập nhật.", "Someone else has just updated this section.")}</strong>" "{who}</p>
                    <p>{lang.t("Nội dung đang lưu:", "The text saved now:")}</p>
                    <blockquote class="narrative narrative-current">{paragraphs_view(lang, &current.body)}</blockquote>
                    <div class="toolbar">
                        <button type="button" class="btn btn-secondary" on:click=take_theirs>{lang.t("Dùng nội dung đang lưu", "Use the saved text")}</button>
                        <button type="button" class="btn btn-secondary" on:click=keep_mine>{lang.t("Giữ nội dung của tôi (bấm Lưu để ghi đè)", "Keep mine (then Save to overwrite)")}</button>
                    </div>
                </div>
            }
        })
    };
    let described_by = format!("{hint_id} {field_id}-count");
    let count_id = format!("{field_id}-count");
    let label_id = field_id.clone();
    view! {
        // Before the WebAssembly arrives a submit only reloads this report (the text is not sent).
        <form class="narrative-form no-print" method="get" action="/bao-cao" data-section=code on:submit=on_submit>
            <input type="hidden" name="unit" value=unit_id.to_string() />
            <input type="hidden" name="year" value=year.to_string() />
            <div class="field">
                <label for=label_id>{match lang {
                    Lang::Vi => format!("Nội dung mục {}", section.number()),
                    Lang::En => format!("Text of section {}", section.number()),
                }}</label>
                <p class="hint" id=hint_id>{section.hint(lang)}" "{lang.t("Để một dòng trống giữa hai đoạn.", "Leave a blank line between paragraphs.")}</p>
                <textarea
                    id=field_id
                    rows="8"
                    aria-describedby=described_by
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        saved.set(false);
                    }
                >{initial}</textarea>
                <p class=move || { if count() > MAX_BODY_CHARS { "hint narrative-count over" } else { "hint narrative-count" } } id=count_id>{count_text}</p>
                {field_message}
            </div>
            {other_error}
            {conflict_view}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{lang.t("Lưu mục này", "Save this section")}</button>
                <span class="saved-note" role="status">{move || saved.get().then(|| lang.t("Đã lưu.", "Saved."))}</span>
                {move || stored.with(|n| updated_text(lang, n)).map(|u| view! { <span class="hint">{u}</span> })}
            </div>
        </form>
        // What prints: the text as last saved.
        <div class="narrative print-only" data-section=code>
            {move || stored.with(|n| paragraphs_view(lang, &n.body))}
        </div>
    }
}
