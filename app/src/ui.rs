//! Reusable pieces of the interface: language and user context, guards, error and field
//! messages, pager, unit picker, the cycle state badge, small formatting helpers, and the one
//! file upload with progress ([`upload_file`], browser only).

pub mod live;
pub mod query;
#[cfg(feature = "hydrate")]
mod upload;
#[cfg(feature = "hydrate")]
pub use upload::{take_picked_file, upload_file};

use crate::domain::listing::ListQuery;
use crate::domain::org::OrgLevel;
use crate::domain::registry::RegistryRecord;
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::workflow::CycleState;
use crate::error::AppError;
use crate::features::org_units::api::{list_unit_filter, list_unit_options};
use crate::features::org_units::types::{
    UnitFilterChoices, UnitFilterQuery, UnitOption, UnitOptionsQuery,
};
use crate::i18n::Lang;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;
use leptos_router::params::ParamsMap;
use query::{to_query, ListParams};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The signed-in user, loaded once per page load and shared through context.
/// The signed-in user of this page (`Ok(None)` when signed out). It is fixed for the life of the
/// page, because signing in and out load a new page, so it is a plain value known before
/// anything renders: on the server from the request (`backend::session::PageSession`), in the
/// browser from the page's [`PAGE_USER_ELEMENT`] data block. Waiting for it inside the render
/// would make everything below it be created after an await, in an order that varies between
/// requests, and the browser could then not match the page's data to its own.
#[derive(Clone, Debug)]
pub struct PageUser(pub Result<Option<SessionUser>, AppError>);

/// The id of the `<script type="application/json">` block that hands the page's user to the
/// browser.
pub const PAGE_USER_ELEMENT: &str = "kh-session";

/// The signed-in user of this page, as provided by `App`.
pub fn use_page_user() -> Result<Option<SessionUser>, AppError> {
    use_context::<PageUser>()
        .map(|user| user.0)
        .unwrap_or(Ok(None))
}

/// Finds this page's user: the request's session on the server, the page's data block in the
/// browser.
pub fn detect_page_user() -> Result<Option<SessionUser>, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::backend::session::page_session()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .get_element_by_id(PAGE_USER_ELEMENT)
            .and_then(|element| element.text_content())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or(Ok(None))
    }
}

/// The interface language of this page.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Renders `children` with the signed-in user when they hold `permission`; otherwise sends them
/// to sign in, to change their password, or shows a clear "not allowed" message.
#[component]
pub fn Guard<F, V>(permission: Permission, children: F) -> impl IntoView
where
    F: Fn(SessionUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let location = use_location();
    match use_page_user() {
        Ok(Some(me)) if me.must_change_password => {
            view! { <Redirect path="/doi-mat-khau" /> }.into_any()
        }
        Ok(Some(me)) if me.can(permission) => children(me).into_view().into_any(),
        Ok(Some(_)) => view! { <ErrorAlert error=AppError::forbidden() /> }.into_any(),
        Ok(None) | Err(AppError::Unauthenticated) => {
            let next = format!(
                "/dang-nhap?{}",
                query::pair("next", &location.pathname.get_untracked()),
            );
            view! { <Redirect path=next /> }.into_any()
        }
        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
    }
}

/// A red alert box with an error's message in the page language.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    let lang = use_lang();
    let title = match &error {
        AppError::Forbidden(_) => lang.t("Không có quyền", "Not allowed"),
        AppError::NotFound(_) => lang.t("Không tìm thấy", "Not found"),
        AppError::Conflict { .. } => lang.t("Dữ liệu đã thay đổi", "Data has changed"),
        _ => lang.t("Có lỗi", "Error"),
    };
    view! {
        <div class="alert alert-error" role="alert">
            <strong>{title}": "</strong>
            {error.message(lang)}
        </div>
    }
}

/// The validation message for `field` from the last failed save, shown under the input.
pub fn field_error(errors: Signal<Option<AppError>>, field: impl Into<String>) -> impl IntoView {
    let lang = use_lang();
    let field: String = field.into();
    move || {
        let field = field.clone();
        errors
            .get()
            .and_then(|e| e.field_message(&field, lang))
            .map(|m| view! { <p class="field-error" role="alert" id=format!("{field}-error")>{m}</p> })
    }
}

/// The CSS class of a field wrapper: `field invalid` when it has an error.
pub fn field_class(
    errors: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> &'static str {
    let lang = use_lang();
    move || {
        if errors
            .get()
            .and_then(|e| e.field_message(field, lang))
            .is_some()
        {
            "field invalid"
        } else {
            "field"
        }
    }
}

/// Page links for a list. `href(page)` builds the link of a page.
#[component]
pub fn Pager(
    page: i64,
    page_count: i64,
    total: i64,
    href: Arc<dyn Fn(i64) -> String + Send + Sync>,
    /// `total` is only a lower bound (a search over a very large list): say "more than".
    #[prop(optional)]
    more: bool,
) -> impl IntoView {
    let lang = use_lang();
    let mut pages: Vec<i64> = vec![1, page - 2, page - 1, page, page + 1, page + 2, page_count]
        .into_iter()
        .filter(|p| *p >= 1 && *p <= page_count)
        .collect();
    pages.dedup();
    pages.sort_unstable();
    pages.dedup();
    let mut items = Vec::new();
    let mut last = 0;
    for p in pages {
        if p > last + 1 {
            items.push(view! { <span>"…"</span> }.into_any());
        }
        last = p;
        if p == page {
            items.push(view! { <span class="current" aria-current="page">{p}</span> }.into_any());
        } else {
            items.push(
                view! {
                    <a href=href(p) aria-label=format!("{} {p}", lang.t("Trang", "Page"))>
                        {p}
                    </a>
                }
                .into_any(),
            );
        }
    }
    view! {
        <nav class="pager" aria-label=lang.t("Phân trang", "Pages")>
            {items}
            <span class="pager-info">
                {if more {
                    format!(
                        "{} {} {} · {} {page}",
                        lang.t("Hơn", "More than"),
                        crate::i18n::format_int(lang, total - 1),
                        lang.t("bản ghi", "records"),
                        lang.t("trang", "page"),
                    )
                } else {
                    format!(
                        "{} {} · {} {page}/{page_count}",
                        crate::i18n::format_int(lang, total),
                        lang.t("bản ghi", "records"),
                        lang.t("trang", "page"),
                    )
                }}
            </span>
        </nav>
    }
}

/// Reads a list query from the URL query string.
pub fn list_query_from(params: &ParamsMap) -> ListQuery {
    ListParams::read(params)
}

/// The query string (without `?`) that reproduces a list query; defaults are left out.
pub fn list_query_string(q: &ListQuery) -> String {
    to_query(&ListParams::of(q))
}

/// A sortable column header link: clicking sorts by `key`, clicking again reverses.
pub fn sort_header(
    base: &'static str,
    q: &ListQuery,
    key: &'static str,
    label: &'static str,
) -> impl IntoView {
    let active = q.sort == key || (q.sort.is_empty() && key.is_empty());
    let next = ListQuery {
        sort: key.to_string(),
        desc: active && !q.desc,
        page: 1,
        ..q.clone()
    };
    let class = match (active, q.desc) {
        (true, false) => "sort sort-asc",
        (true, true) => "sort sort-desc",
        _ => "sort",
    };
    let aria = active.then_some(if q.desc { "descending" } else { "ascending" });
    view! {
        <th aria-sort=aria>
            <a class=class href=format!("{base}?{}", list_query_string(&next))>{label}</a>
        </th>
    }
}

/// Loads the units of a level within the caller's scope, for pickers.
pub fn unit_options_resource(
    level: Option<OrgLevel>,
    writable: bool,
) -> Resource<Result<Vec<UnitOption>, AppError>> {
    Resource::new(
        move || (),
        move |_| {
            list_unit_options(UnitOptionsQuery {
                level,
                writable,
                q: String::new(),
            })
        },
    )
}

/// The unit lists of one page, created when the page starts (see [`provide_unit_options`]).
#[derive(Clone, Copy)]
struct PageUnitOptions(StoredValue<Vec<(UnitOptionsKind, UnitOptionsResource)>>);

/// Which list: units of one level (or all), and whether only those the user may write in.
pub type UnitOptionsKind = (Option<OrgLevel>, bool);

type UnitOptionsResource = Resource<Result<Vec<UnitOption>, AppError>>;

/// Creates, at the top of a page, the unit lists its [`UnitSelect`]s will show, one per kind,
/// shared by every select of that kind. A select that finds no list here makes its own, but
/// then inside whatever suspense it sits in: the server may build that part of the page more
/// than once, querying again each time, and a page full of them (one per user card) once hung
/// the render. Nothing is created for a signed-out visitor, whom the page sends away anyway.
pub fn provide_unit_options(kinds: &[UnitOptionsKind]) {
    if !matches!(use_page_user(), Ok(Some(_))) {
        return;
    }
    let lists = kinds
        .iter()
        .map(|&(level, writable)| ((level, writable), unit_options_resource(level, writable)))
        .collect();
    provide_context(PageUnitOptions(StoredValue::new(lists)));
}

/// Whether this page's user holds `permission` anywhere.
pub fn page_user_can(permission: Permission) -> bool {
    use_page_user()
        .ok()
        .flatten()
        .is_some_and(|user| user.can(permission))
}

/// The page's shared list of this kind, or a new one.
fn unit_options_for(level: Option<OrgLevel>, writable: bool) -> UnitOptionsResource {
    use_context::<PageUnitOptions>()
        .and_then(|lists| {
            lists.0.with_value(|lists| {
                lists
                    .iter()
                    .find(|(kind, _)| *kind == (level, writable))
                    .map(|(_, list)| *list)
            })
        })
        .unwrap_or_else(|| unit_options_resource(level, writable))
}

/// A `<select>` of org units grouped by their parent. `value` holds the chosen id (0 = none).
#[component]
pub fn UnitSelect(
    /// The `id` and `name` of the select element.
    #[prop(into)]
    id: String,
    level: Option<OrgLevel>,
    writable: bool,
    value: RwSignal<i64>,
    /// The text of the empty choice.
    empty_label: &'static str,
    #[prop(optional)] invalid: Option<Signal<bool>>,
    /// Leave out units of this level (e.g. villages when choosing a managing unit).
    #[prop(optional)]
    exclude_level: Option<OrgLevel>,
) -> impl IntoView {
    let lang = use_lang();
    let options = unit_options_for(level, writable);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Đang tải danh sách…", "Loading list…")}</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                let list = options.await.unwrap_or_default();
                let mut groups: Vec<(String, Vec<UnitOption>)> = Vec::new();
                for o in list.into_iter().filter(|o| Some(o.level) != exclude_level) {
                    match groups.last_mut() {
                        Some((parent, items)) if *parent == o.parent_name => items.push(o),
                        _ => groups.push((o.parent_name.clone(), vec![o])),
                    }
                }
                let groups_view = groups
                    .into_iter()
                    .map(|(parent, items)| {
                        let opts = items
                            .into_iter()
                            .map(|o| {
                                let id = o.id;
                                view! {
                                    <option value=id.to_string() selected=move || value.get() == id>
                                        {o.name}
                                    </option>
                                }
                            })
                            .collect_view();
                        view! { <optgroup label=parent>{opts}</optgroup> }
                    })
                    .collect_view();
                view! {
                    <select
                        id=id.clone()
                        name=id.clone()
                        aria-invalid=move || invalid.map(|s| s.get()).unwrap_or(false).then_some("true")
                        on:change=move |ev| value.set(event_target_value(&ev).parse().unwrap_or(0))
                    >
                        <option value="0" selected=move || value.get() == 0>{empty_label}</option>
                        {groups_view}
                    </select>
                }
            })}}
        </Suspense>
    }
}

/// The choices of a list page's "Địa bàn" filter, loaded again when the chosen unit changes.
pub type UnitFilterResource = Resource<Result<UnitFilterChoices, AppError>>;

/// Creates, at the top of a list page (not inside a suspense, see [`provide_unit_options`]), the
/// filter choices around the unit the page's query has chosen.
pub fn unit_filter_resource(
    chosen: impl Fn() -> Option<i64> + Send + Sync + 'static,
    deepest: Option<OrgLevel>,
) -> UnitFilterResource {
    Resource::new(chosen, move |unit_id| {
        list_unit_filter(UnitFilterQuery { unit_id, deepest })
    })
}

/// The "Địa bàn" `<select name="unit">` of a list filter: everything in scope, the units from the
/// scope down to the chosen one, and the units one level below it. Choosing a unit and searching
/// offers the next level, so the page stays small however large the scope (a province has
/// thousands of villages; listing them all once made every list page 300 KB).
#[component]
pub fn UnitFilter(
    choices: UnitFilterResource,
    /// The unit the page's query has chosen.
    chosen: Option<i64>,
    /// The text of the "no filter" choice.
    all_label: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let chosen = chosen.unwrap_or(0);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Đang tải danh sách…", "Loading list…")}</p> }>
            {move || Suspend::new(async move {
                let UnitFilterChoices { path, below, more } = choices.await.unwrap_or_default();
                let within = match path.last() {
                    Some(unit) => format!("{} {}", lang.t("Trong", "Within"), unit.name),
                    None => lang.t("Trong phạm vi", "In my area").to_string(),
                };
                let path = path
                    .into_iter()
                    .enumerate()
                    .map(|(depth, u)| {
                        // Non-breaking spaces: browsers drop leading ordinary spaces in options.
                        let label = format!("{}{}", "\u{a0}\u{a0}".repeat(depth), u.name);
                        view! { <option value=u.id.to_string() selected=u.id == chosen>{label}</option> }
                    })
                    .collect_view();
                let below = (!below.is_empty()).then(|| {
                    let items = below
                        .into_iter()
                        .map(|u| view! { <option value=u.id.to_string() selected=u.id == chosen>{u.name}</option> })
                        .collect_view();
                    view! {
                        <optgroup label=within>
                            {items}
                            {more.then(|| view! {
                                <option disabled>{lang.t("… còn nữa (chỉ hiện 500 đơn vị đầu)", "… more (only the first 500 are shown)")}</option>
                            })}
                        </optgroup>
                    }
                });
                view! {
                    <select id="unit" name="unit">
                        <option value="0" selected=chosen == 0>{all_label}</option>
                        {path}
                        {below}
                    </select>
                }
            })}
        </Suspense>
    }
}

/// Navigates the whole page (used after sign-in so every part reloads with the new session).
pub fn hard_navigate(_to: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().assign(_to);
    }
}

/// The list-page toolbar: search box, unit filter, "show inactive", export and extra buttons.
#[component]
pub fn ListToolbar(
    /// The list page address, e.g. `/ho-gia-dinh`.
    base: &'static str,
    /// The export address, e.g. `/export/households.xlsx`.
    export: &'static str,
    query: ListQuery,
    /// The "Địa bàn" filter's choices (see [`unit_filter_resource`]).
    units: UnitFilterResource,
    search_label: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let lang = use_lang();
    let export_href = format!(
        "{export}?{}&lang={}",
        list_query_string(&ListQuery {
            page: 1,
            ..query.clone()
        }),
        lang.tag()
    );
    view! {
        <leptos_router::components::Form method="GET" action=base attr:class="toolbar" attr:role="search">
            <div class="field">
                <label for="q">{search_label}</label>
                <input id="q" name="q" type="search" value=query.q.clone() />
            </div>
            <div class="field">
                <label for="unit">{lang.t("Địa bàn", "Area")}</label>
                <UnitFilter choices=units chosen=query.unit_id all_label=lang.t("Tất cả trong phạm vi", "All in my area") />
            </div>
            <label class="checkbox">
                <input type="checkbox" name="all" value="1" checked=query.include_inactive />
                {lang.t("Gồm cả bản ghi ngừng hoạt động", "Include inactive")}
            </label>
            <input type="hidden" name="sort" value=query.sort.clone() />
            <input type="hidden" name="desc" value=if query.desc { "1" } else { "0" } />
            <button class="btn btn-primary" type="submit">{lang.t("Tìm", "Search")}</button>
            <div class="toolbar-spacer"></div>
            <a class="btn btn-secondary" href=export_href rel="external" download>
                {lang.t("Xuất Excel", "Export to Excel")}
            </a>
            {children.map(|c| c())}
        </leptos_router::components::Form>
    }
}

/// Returns `value` after yielding once to the runtime on the server. A resource whose future
/// finishes without ever waiting is not sent to the browser with the page (Leptos 0.8 lists it
/// as pending and never resolves it), so the browser would wait forever and hydration would
/// fail. Resources that can answer at once (a "new record" form, an empty search) go through
/// this.
pub async fn settled<T>(value: T) -> T {
    #[cfg(feature = "ssr")]
    tokio::task::yield_now().await;
    value
}

/// A server call's future as the registry forms hold it (boxed so create and update, two
/// different server functions, fit one action).
type RecordCall<T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send>>;

/// The save action of a registry edit form: `create` when the form has no record yet, otherwise
/// `update(id, version, input)` with the version the form last saw, so a save over someone
/// else's newer change gets a conflict instead of overwriting it.
pub fn record_save_action<I, T, Fc, Fu>(
    id: Option<i64>,
    version: RwSignal<i64>,
    create: impl Fn(I) -> Fc + Send + Sync + 'static,
    update: impl Fn(i64, i64, I) -> Fu + Send + Sync + 'static,
) -> Action<I, Result<T, AppError>>
where
    I: Clone + Send + Sync + 'static,
    T: RegistryRecord,
    Fc: Future<Output = Result<T, AppError>> + Send + 'static,
    Fu: Future<Output = Result<T, AppError>> + Send + 'static,
{
    Action::new(move |input: &I| -> RecordCall<T> {
        let input = input.clone();
        match id {
            Some(id) => Box::pin(update(id, version.get_untracked(), input)),
            None => Box::pin(create(input)),
        }
    })
}

/// The deactivate / reactivate switch of a registry edit form. On success the form takes the
/// record's new version and state; `outcome` hears whether the switch worked.
pub fn active_switch_action<T, F>(
    id: Option<i64>,
    version: RwSignal<i64>,
    active: RwSignal<bool>,
    set_active: impl Fn(i64, i64, bool) -> F + Send + Sync + 'static,
    outcome: impl Fn(Result<(), AppError>) + 'static,
) -> Action<bool, Result<T, AppError>>
where
    T: RegistryRecord,
    F: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let switch =
        Action::new(move |to: &bool| set_active(id.unwrap_or(0), version.get_untracked(), *to));
    Effect::new(move |_| match switch.value().get() {
        Some(Ok(record)) => {
            version.set(record.version());
            active.set(record.is_active());
            outcome(Ok(()));
        }
        Some(Err(e)) => outcome(Err(e)),
        None => {}
    });
    switch
}

/// The buttons under a registry edit form: save (disabled while a save is on its way) and, for
/// a record that already exists, deactivate or reactivate it.
#[component]
pub fn RecordFormActions<T>(
    save_pending: Signal<bool>,
    exists: bool,
    active: RwSignal<bool>,
    switch: Action<bool, Result<T, AppError>>,
) -> impl IntoView
where
    T: RegistryRecord,
{
    let lang = use_lang();
    view! {
        <div class="form-actions">
            <button class="btn btn-primary" type="submit" disabled=move || save_pending.get()>
                {move || if save_pending.get() { lang.t("Đang lưu…", "Saving…") } else { lang.t("Lưu", "Save") }}
            </button>
            <Show when=move || exists>
                {move || if active.get() {
                    view! {
                        <button class="btn btn-danger" type="button" on:click=move |_| { switch.dispatch(false); }>
                            {lang.t("Ngừng hoạt động", "Deactivate")}
                        </button>
                    }
                        .into_any()
                } else {
                    view! {
                        <button class="btn btn-secondary" type="button" on:click=move |_| { switch.dispatch(true); }>
                            {lang.t("Hoạt động trở lại", "Reactivate")}
                        </button>
                    }
                        .into_any()
                }}
            </Show>
        </div>
    }
}

/// The page around a registry edit form: it needs [`Permission::ReadRegistry`], loads the record
/// named by the route's `:id` (none on a "new" route), shows a load error under `title`
/// (Vietnamese, English) with a link back to `back_href`, and hands the record and whether the
/// caller may write to `form`.
#[component]
pub fn RecordFormPage<T, L, Fut, F, V>(
    title: (&'static str, &'static str),
    back_href: &'static str,
    load: L,
    form: F,
) -> impl IntoView
where
    T: RegistryRecord + serde::Serialize + serde::de::DeserializeOwned,
    L: Fn(i64) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    F: Fn(Option<T>, bool) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let lang = use_lang();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let existing = Resource::new(
        move || id.get(),
        move |id| async move {
            match id {
                Some(id) => load(id).await.map(Some),
                // Nothing to load; nobody waits for this (see below).
                None => Ok(None),
            }
        },
    );
    view! {
        <Guard permission=Permission::ReadRegistry let:me>
            {
                let can_write = me.can(Permission::WriteRegistry);
                // A new record's form is drawn at once, without a suspense: there is nothing to
                // wait for, and a suspense around a value that is ready at once is where Leptos'
                // server rendering now and then never finished.
                move || match id.get() {
                    None => form(None, can_write).into_view().into_any(),
                    Some(_) => view! {
                        <Suspense fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                            {move || Suspend::new(async move {
                                match existing.await {
                                    Err(e) => view! {
                                        <h1 class="page-title">{lang.t(title.0, title.1)}</h1>
                                        <ErrorAlert error=e />
                                        <p><a href=back_href>{lang.t("← Về danh sách", "← Back to the list")}</a></p>
                                    }
                                        .into_any(),
                                    Ok(record) => form(record, can_write).into_view().into_any(),
                                }
                            })}
                        </Suspense>
                    }
                        .into_any(),
                }
            }
        </Guard>
    }
}

/// A coloured badge with a cycle state's name.
pub fn state_badge(state: CycleState, lang: Lang) -> impl IntoView {
    let class = match state {
        CycleState::Registered => "badge badge-muted",
        CycleState::Draft | CycleState::Submitted => "badge badge-info",
        CycleState::Returned => "badge badge-warn",
        CycleState::Approved | CycleState::Recognised => "badge badge-ok",
        CycleState::NotRecognised => "badge badge-muted",
    };
    view! { <span class=class>{state.label(lang)}</span> }
}
