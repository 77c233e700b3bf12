//! A module's attached documents as trainees see them under a lesson, and a file's size in
//! words (the editor's document list shows it too).

use super::super::types::{document_href, ModuleDocument};
use crate::ui::use_lang;
use leptos::prelude::*;

/// The module's attached documents, with what each is and its size, to open or save.
#[component]
pub(in crate::features::training) fn Documents(documents: Vec<ModuleDocument>) -> impl IntoView {
    let lang = use_lang();
    (!documents.is_empty()).then(|| {
        view! {
            <section class="lesson-documents">
                <h2>{lang.t("Tài liệu kèm theo", "Attached documents")}</h2>
                <ul class="file-list">
                    {documents.into_iter().map(|d| view! {
                        <li>
                            <a href=document_href(d.document_id) rel="external">{d.filename.clone()}</a>
                            <span class="muted">{format!(" ({}, {})", d.kind, size_text(d.size_bytes))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// A file's size in words: KB below one megabyte, MB above.
pub(in crate::features::training) fn size_text(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    }
}
