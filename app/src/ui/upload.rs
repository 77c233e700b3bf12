//! The one file upload of the browser: XMLHttpRequest, because fetch cannot report upload
//! progress, and an officer on a rural connection must see a large spreadsheet or photo move.
//! Used by the import wizard and the evaluation form's evidence files.

use crate::error::AppError;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The file just picked in the `<input type="file">` that fired `ev`, with the picker cleared so
/// the same file can be chosen again after a failure.
pub fn take_picked_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())?;
    let file = input.files().and_then(|files| files.get(0))?;
    input.set_value("");
    Some(file)
}

/// Posts `file` as the multipart field `file` to `url`, writes the share sent so far (0 to 1)
/// into `progress`, and calls `done` once: with the answer's JSON as `T` on success, with the
/// server's `AppError` (and its Vietnamese message) on a refusal, or with a transport error
/// when the request could not be made or the connection dropped. `progress` and `done` may
/// outlive the component that started the upload, so signals are written with `try_`.
pub fn upload_file<T: DeserializeOwned + 'static>(
    url: &str,
    file: web_sys::File,
    progress: RwSignal<Option<f64>>,
    done: impl Fn(Result<T, AppError>) + 'static,
) {
    let fail = |msg: &str| Err(AppError::Transport(msg.to_string()));
    let (Ok(form), Ok(xhr)) = (web_sys::FormData::new(), web_sys::XmlHttpRequest::new()) else {
        done(fail("XMLHttpRequest"));
        return;
    };
    if form
        .append_with_blob_and_filename("file", &file, &file.name())
        .is_err()
        || xhr.open("POST", url).is_err()
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
        let result = if (200..300).contains(&status) {
            serde_json::from_str::<T>(&body).map_err(|e| AppError::Transport(e.to_string()))
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
