//! Evidence for one indicator: the note, the files already attached, and the upload (checked
//! for type and size in the browser first; the server checks again).

use super::{dom_id, Form};
use crate::error::AppError;
use crate::features::evaluations::api::delete_attachment;
#[cfg(feature = "hydrate")]
use crate::features::evaluations::types::AttachmentView;
#[cfg(feature = "hydrate")]
use crate::ui::upload_file;
use crate::ui::{use_lang, ErrorAlert};
use leptos::prelude::*;

/// Largest evidence file; mirrors the server's limit so a 30 MB photo is refused before it
/// crawls over a slow connection. The server checks again.
#[cfg(feature = "hydrate")]
const MAX_EVIDENCE_BYTES: f64 = 10.0 * 1024.0 * 1024.0;

#[component]
pub(super) fn Evidence(code: String, form: Form) -> impl IntoView {
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
pub(super) fn FileList(code: String, form: Form) -> impl IntoView {
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
pub(super) fn FileUpload(code: String, file_id: String, form: Form) -> impl IntoView {
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
            let Some(file) = crate::ui::take_picked_file(&_ev) else {
                return;
            };
            if file.size() > MAX_EVIDENCE_BYTES {
                error.set(Some(AppError::bad_request(
                    "Tệp quá lớn: tối đa 10 MB. Hãy chụp ảnh nhỏ hơn hoặc chia tệp PDF.",
                    "The file is too large: at most 10 MB.",
                )));
                return;
            }
            progress.set(Some(0.0));
            let url = format!(
                "/evaluations/{}/attachments?{}",
                form.id,
                crate::ui::query::pair("indicator", &code)
            );
            upload_file(
                &url,
                file,
                progress,
                move |result: Result<AttachmentView, AppError>| {
                    let _ = progress.try_set(None);
                    match result {
                        Ok(added) => {
                            let _ = form.attachments.try_update(|list| list.push(added));
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
