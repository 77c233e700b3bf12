//! Live pages: one server-sent event stream per tab (`/events/dashboard`, see
//! `backend::changes`) and the indicator that says whether the figures are live.
//!
//! The browser's `EventSource` reconnects by itself. The server greets every connection with a
//! `live` event, and the page reads a fresh snapshot on each greeting: after a gap (the line
//! dropped, the server restarted) it never keeps showing numbers from before the gap. `change`
//! and `resync` (the stream fell behind) also read a snapshot.

use crate::i18n::Lang;
use leptos::prelude::*;

/// Where the page's event stream stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveState {
    /// Before the WebAssembly has started, or while the first connection opens.
    Connecting,
    Live,
    /// The connection dropped; the browser is trying again.
    Reconnecting,
    /// The server refused the stream (signed out): only a reload helps.
    Stopped,
}

/// Opens the page's event stream (in the browser; on the server it stays `Connecting`) and
/// calls `refresh` whenever the figures must be read again. Closed when the page goes.
pub fn use_live_updates(
    url: &'static str,
    refresh: impl Fn() + Clone + 'static,
) -> ReadSignal<LiveState> {
    let (state, set_state) = signal(LiveState::Connecting);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| open_stream(url, refresh.clone(), set_state));
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, refresh, set_state);
    state
}

#[cfg(feature = "hydrate")]
fn open_stream(url: &str, refresh: impl Fn() + Clone + 'static, set_state: WriteSignal<LiveState>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    let Ok(source) = EventSource::new(url) else {
        set_state.set(LiveState::Stopped);
        return;
    };
    // Every greeting reads the figures again: the page may have been rendered seconds before the
    // stream opened (a slow line), or the stream was lost for a while.
    let on_live = {
        let refresh = refresh.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            refresh();
            set_state.set(LiveState::Live);
        })
    };
    let on_change = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| refresh());
    let on_error = {
        let source = source.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            set_state.set(if source.ready_state() == EventSource::CLOSED {
                LiveState::Stopped
            } else {
                LiveState::Reconnecting
            });
        })
    };
    let listen = |name: &str, f: &Closure<dyn FnMut(MessageEvent)>| {
        let _ = source.add_event_listener_with_callback(name, f.as_ref().unchecked_ref());
    };
    listen("live", &on_live);
    listen("change", &on_change);
    listen("resync", &on_change);
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The callbacks live as long as the stream; both go with the page.
    let held = send_wrapper::SendWrapper::new((source, on_live, on_change, on_error));
    on_cleanup(move || held.0.close());
}

/// "Trực tiếp" / "Đang kết nối lại…": in words and with a mark, announced politely to screen
/// readers when it changes.
#[component]
pub fn LiveIndicator(state: ReadSignal<LiveState>, lang: Lang) -> impl IntoView {
    let words = move || match state.get() {
        LiveState::Connecting => lang.t("Đang kết nối…", "Connecting…"),
        LiveState::Live => lang.t(
            "Trực tiếp: số liệu tự cập nhật",
            "Live: figures update by themselves",
        ),
        LiveState::Reconnecting => lang.t(
            "Mất kết nối, đang kết nối lại…",
            "Connection lost, reconnecting…",
        ),
        LiveState::Stopped => lang.t(
            "Đã dừng cập nhật. Hãy tải lại trang.",
            "Updates stopped. Please reload the page.",
        ),
    };
    let class = move || match state.get() {
        LiveState::Live => "live live-on",
        LiveState::Connecting => "live",
        LiveState::Reconnecting | LiveState::Stopped => "live live-off",
    };
    view! {
        <p class=class role="status" aria-live="polite" data-live=move || format!("{:?}", state.get()).to_lowercase()>
            <span class="live-dot" aria-hidden="true"></span>
            {words}
        </p>
    }
}
