//! Household list (search, filter, sort, page, export) and the household form (create, edit,
//! deactivate), with instant checks in the browser and the server's checks as the authority.

use super::api::{
    create_household, find_household, list_households, set_household_active, update_household,
};
use crate::domain::org::OrgLevel;
use crate::domain::registry::{Household, HouseholdInput, Member};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::ui::{
    active_switch_action, field_class, field_error, list_query_from, list_query_string,
    record_save_action, sort_header, use_lang, ErrorAlert, Guard, ListToolbar, Pager,
    RecordFormActions, RecordFormPage, UnitSelect,
};
use crate::vietnam_time::this_year;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::sync::Arc;

const BASE: &str = "/ho-gia-dinh";

#[component]
pub fn HouseholdListPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_query_map();
    let query = Memo::new(move |_| list_query_from(&params.read()));
    let units = crate::ui::unit_filter_resource(move || query.get().unit_id, None);
    let data = Resource::new(move || query.get(), list_households);
    view! {
        <Title text=lang.t("Hộ gia đình", "Households") />
        <h1 class="page-title">{lang.t("Hộ gia đình", "Households")}</h1>
        <Guard permission=Permission::ReadRegistry let:me>
            {
                let can_write = me.can(Permission::WriteRegistry);
                view! {
                    {move || {
                        view! {
                            <ListToolbar
                                base=BASE
                                export="/export/households.xlsx"
                                query=query.get()
                                units=units
                                search_label=lang.t("Tìm theo tên, mã hộ, địa chỉ", "Search name, code, address")
                            >
                                <Show when=move || can_write>
                                    <a class="btn btn-secondary" href="/ho-gia-dinh/nhap">{lang.t("Nhập từ Excel", "Import")}</a>
                                    <a class="btn btn-primary" href="/ho-gia-dinh/moi">{lang.t("+ Thêm hộ", "+ Add")}</a>
                                </Show>
                            </ListToolbar>
                        }
                    }}
                    <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                        {move || Suspend::new(async move {
                            let q = query.get();
                            match data.await {
                                Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                Ok(page) if page.items.is_empty() => view! {
                                    <p class="alert alert-info">{lang.t("Không có hộ nào khớp điều kiện tìm.", "No household matches.")}</p>
                                }
                                    .into_any(),
                                Ok(page) => {
                                    let rows = page
                                        .items
                                        .iter()
                                        .map(|h| {
                                            let class = if h.active { "" } else { "inactive" };
                                            view! {
                                                <tr class=class>
                                                    <td data-label=lang.t("Mã hộ", "Code") class="nowrap">{h.code.clone()}</td>
                                                    <td data-label=lang.t("Chủ hộ", "Head")>
                                                        <a href=format!("{BASE}/{}", h.id)>{h.head_name.clone()}</a>
                                                    </td>
                                                    <td data-label=lang.t("Thôn, xã", "Village")>
                                                        {format!("{}, {}", h.village_name, h.commune_name)}
                                                    </td>
                                                    <td data-label=lang.t("Nhân khẩu", "Members") class="right">{h.member_count}</td>
                                                    <td data-label=lang.t("Điện thoại", "Phone") class="nowrap">{h.phone.clone()}</td>
                                                    <td data-label=lang.t("Trạng thái", "Status")>
                                                        {if h.active {
                                                            view! { <span class="badge badge-ok">{lang.t("Hoạt động", "Active")}</span> }
                                                        } else {
                                                            view! { <span class="badge badge-muted">{lang.t("Ngừng", "Inactive")}</span> }
                                                        }}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view();
                                    let href_q = q.clone();
                                    let href: Arc<dyn Fn(i64) -> String + Send + Sync> = Arc::new(move |p| {
                                        format!("{BASE}?{}", list_query_string(&crate::domain::listing::ListQuery { page: p, ..href_q.clone() }))
                                    });
                                    view! {
                                        <div class="table-wrap">
                                            <table class="data stack">
                                                <thead>
                                                    <tr>
                                                        {sort_header(BASE, &q, "code", lang.t("Mã hộ", "Code"))}
                                                        {sort_header(BASE, &q, "", lang.t("Chủ hộ", "Head of household"))}
                                                        {sort_header(BASE, &q, "village", lang.t("Thôn, xã", "Village"))}
                                                        {sort_header(BASE, &q, "members", lang.t("Nhân khẩu", "Members"))}
                                                        <th>{lang.t("Điện thoại", "Phone")}</th>
                                                        <th>{lang.t("Trạng thái", "Status")}</th>
                                                    </tr>
                                                </thead>
                                                <tbody>{rows}</tbody>
                                            </table>
                                        </div>
                                        <Pager page=page.page page_count=page.page_count() total=page.total more=page.more href=href />
                                    }
                                        .into_any()
                                }
                            }
                        })}
                    </Transition>
                }
            }
        </Guard>
    }
}

/// A member row in the form, with a stable key for the list.
#[derive(Clone, Debug, PartialEq)]
struct MemberDraft {
    key: u32,
    full_name: String,
    birth_year: String,
    relation: String,
}

/// The form state of a household.
#[derive(Clone, Copy)]
struct HouseholdDraft {
    village_id: RwSignal<i64>,
    code: RwSignal<String>,
    head_name: RwSignal<String>,
    address: RwSignal<String>,
    phone: RwSignal<String>,
    members: RwSignal<Vec<MemberDraft>>,
    next_key: RwSignal<u32>,
}

impl HouseholdDraft {
    fn new() -> Self {
        HouseholdDraft {
            village_id: RwSignal::new(0),
            code: RwSignal::new(String::new()),
            head_name: RwSignal::new(String::new()),
            address: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            members: RwSignal::new(Vec::new()),
            next_key: RwSignal::new(0),
        }
    }

    fn load(&self, h: &Household) {
        self.village_id.set(h.village_id);
        self.code.set(h.code.clone());
        self.head_name.set(h.head_name.clone());
        self.address.set(h.address.clone());
        self.phone.set(h.phone.clone());
        let members: Vec<MemberDraft> = h
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| MemberDraft {
                key: i as u32,
                full_name: m.full_name.clone(),
                birth_year: m.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                relation: m.relation.clone(),
            })
            .collect();
        self.next_key.set(members.len() as u32);
        self.members.set(members);
    }

    /// The input to send; an unreadable birth year is reported as a field error.
    fn input(&self) -> Result<HouseholdInput, AppError> {
        let mut errors = Vec::new();
        let members = self
            .members
            .get()
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let birth_year = if m.birth_year.trim().is_empty() {
                    None
                } else {
                    match m.birth_year.trim().parse::<i32>() {
                        Ok(y) => Some(y),
                        Err(_) => {
                            errors.push(crate::error::FieldError::new(
                                format!("members.{i}.birth_year"),
                                "Năm sinh phải là số, ví dụ 1985.",
                                "Birth year must be a number, e.g. 1985.",
                            ));
                            None
                        }
                    }
                };
                Member {
                    full_name: m.full_name.clone(),
                    birth_year,
                    relation: m.relation.clone(),
                }
            })
            .collect();
        let input = HouseholdInput {
            village_id: self.village_id.get(),
            code: self.code.get(),
            head_name: self.head_name.get(),
            address: self.address.get(),
            phone: self.phone.get(),
            members,
        };
        match input.validate(this_year()) {
            Ok(valid) if errors.is_empty() => Ok(valid),
            Ok(_) => Err(AppError::Validation(errors)),
            Err(mut more) => {
                more.extend(errors);
                Err(AppError::Validation(more))
            }
        }
    }
}

/// What the form last did.
#[derive(Clone, Debug, PartialEq)]
enum SaveState {
    Idle,
    Saved,
    Failed(AppError),
}

#[component]
pub fn HouseholdFormPage() -> impl IntoView {
    crate::ui::provide_unit_options(&[(
        Some(OrgLevel::Village),
        crate::ui::page_user_can(Permission::WriteRegistry),
    )]);
    view! {
        <RecordFormPage title=("Hộ gia đình", "Household") back_href=BASE load=find_household
            form=|record, can_write| view! { <HouseholdForm household=record can_write /> } />
    }
}

#[component]
fn HouseholdForm(household: Option<Household>, can_write: bool) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let query = use_query_map();
    let draft = HouseholdDraft::new();
    let id = household.as_ref().map(|h| h.id);
    let version = RwSignal::new(household.as_ref().map(|h| h.version).unwrap_or(0));
    let active = RwSignal::new(household.as_ref().map(|h| h.active).unwrap_or(true));
    if let Some(h) = &household {
        draft.load(h);
    }
    let state = RwSignal::new(if query.read_untracked().get("saved").is_some() {
        SaveState::Saved
    } else {
        SaveState::Idle
    });
    let errors = Signal::derive(move || match state.get() {
        SaveState::Failed(e) => Some(e),
        _ => None,
    });
    let conflict: RwSignal<Option<Household>> = RwSignal::new(None);

    let save = record_save_action(id, version, create_household, update_household);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            if id.is_none() {
                navigate(&format!("{BASE}/{}?saved=1", saved.id), Default::default());
            } else {
                version.set(saved.version);
                draft.load(&saved);
                conflict.set(None);
                state.set(SaveState::Saved);
            }
        }
        Some(Err(e)) => {
            if let AppError::Conflict {
                current: Some(json),
                ..
            } = &e
            {
                conflict.set(serde_json::from_str::<Household>(json).ok());
            }
            state.set(SaveState::Failed(e));
        }
        None => {}
    });
    let switch =
        active_switch_action(
            id,
            version,
            active,
            set_household_active,
            move |outcome| match outcome {
                Ok(()) => state.set(SaveState::Saved),
                Err(e) => state.set(SaveState::Failed(e)),
            },
        );

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.input() {
            // Instant feedback: the same rules the server applies, run here first.
            Err(e) => state.set(SaveState::Failed(e)),
            Ok(input) => {
                state.set(SaveState::Idle);
                save.dispatch(input);
            }
        }
    };
    let add_member = move |_| {
        let key = draft.next_key.get();
        draft.next_key.set(key + 1);
        draft.members.update(|m| {
            m.push(MemberDraft {
                key,
                full_name: String::new(),
                birth_year: String::new(),
                relation: String::new(),
            })
        });
    };
    let title = if id.is_some() {
        lang.t("Hộ gia đình", "Household")
    } else {
        lang.t("Thêm hộ gia đình", "Add a household")
    };
    let readonly = !can_write;

    view! {
        <Title text=title />
        <p><a href=BASE>{lang.t("← Danh sách hộ", "← Household list")}</a></p>
        <h1 class="page-title">
            {move || if id.is_some() { format!("{}: {}", title, draft.head_name.get()) } else { title.to_string() }}
        </h1>
        {move || match state.get() {
            SaveState::Saved => Some(view! {
                <div class="alert alert-success" role="status">{lang.t("Đã lưu.", "Saved.")}</div>
            }.into_any()),
            SaveState::Failed(e) => Some(view! { <ErrorAlert error=e /> }.into_any()),
            SaveState::Idle => None,
        }}
        {move || conflict.get().map(|current| {
            let current_for_load = current.clone();
            view! {
                <div class="alert alert-warning">
                    <p>
                        {lang.t("Giá trị hiện tại trên máy chủ: ", "Current values on the server: ")}
                        <strong>{current.head_name.clone()}</strong>
                        {format!(" — {}, {}", current.address, current.phone)}
                    </p>
                    <button class="btn btn-secondary" type="button" on:click=move |_| {
                        draft.load(&current_for_load);
                        version.set(current_for_load.version);
                        conflict.set(None);
                        state.set(SaveState::Idle);
                    }>
                        {lang.t("Dùng giá trị hiện tại", "Use the current values")}
                    </button>
                </div>
            }
        })}
        <form class="form card" on:submit=submit novalidate>
            <fieldset disabled=readonly>
                <div class=field_class(errors, "village_id")>
                    <label for="village_id">{lang.t("Thôn / tổ dân phố", "Village")}" *"</label>
                    <UnitSelect
                        id="village_id"
                        level=Some(OrgLevel::Village)
                        writable=can_write
                        value=draft.village_id
                        empty_label=lang.t("— Chọn thôn / tổ dân phố —", "— Choose a village —")
                    />
                    {field_error(errors, "village_id")}
                </div>
                <div class="field-row">
                    <div class=field_class(errors, "head_name")>
                        <label for="head_name">{lang.t("Họ tên chủ hộ", "Head of household")}" *"</label>
                        <input id="head_name" name="head_name" type="text" autocomplete="off" value=draft.head_name.get_untracked() bind:value=draft.head_name />
                        {field_error(errors, "head_name")}
                    </div>
                    <div class=field_class(errors, "code")>
                        <label for="code">{lang.t("Mã hộ (nếu có)", "Household code (optional)")}</label>
                        <input id="code" name="code" type="text" autocomplete="off" value=draft.code.get_untracked() bind:value=draft.code />
                        {field_error(errors, "code")}
                    </div>
                </div>
                <div class="field-row">
                    <div class=field_class(errors, "address")>
                        <label for="address">{lang.t("Địa chỉ", "Address")}</label>
                        <input id="address" name="address" type="text" value=draft.address.get_untracked() bind:value=draft.address />
                        {field_error(errors, "address")}
                    </div>
                    <div class=field_class(errors, "phone")>
                        <label for="phone">{lang.t("Điện thoại", "Phone")}</label>
                        <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="off" value=draft.phone.get_untracked() bind:value=draft.phone />
                        {field_error(errors, "phone")}
                    </div>
                </div>
                <fieldset>
                    <legend>{lang.t("Các thành viên khác trong hộ", "Other members of the household")}</legend>
                    {field_error(errors, "members")}
                    // Scrolls sideways on a phone: focusable, so the keyboard can scroll it too.
                    <div class="table-wrap" tabindex="0" role="region" aria-label=lang.t("Bảng thành viên trong hộ", "Table of household members")>
                        <table class="members">
                            <thead>
                                <tr>
                                    <th>{lang.t("Họ tên", "Full name")}</th>
                                    <th>{lang.t("Năm sinh", "Birth year")}</th>
                                    <th>{lang.t("Quan hệ với chủ hộ", "Relation to head")}</th>
                                    <th><span class="sr-only">{lang.t("Xoá", "Remove")}</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                <For
                                    each={move || draft.members.get().into_iter().enumerate().collect::<Vec<_>>()}
                                    key={|(i, m): &(usize, MemberDraft)| (*i, m.key)}
                                    children=move |(i, m)| {
                                        let key = m.key;
                                        let set = move |f: fn(&mut MemberDraft, String), value: String| {
                                            draft.members.update(|list| {
                                                if let Some(x) = list.iter_mut().find(|x| x.key == key) {
                                                    f(x, value)
                                                }
                                            })
                                        };
                                        let name_field = format!("members.{i}.full_name");
                                        let year_field = format!("members.{i}.birth_year");
                                        view! {
                                            <tr>
                                                <td>
                                                    <input
                                                        type="text"
                                                        aria-label=lang.t("Họ tên thành viên", "Member's name")
                                                        value=m.full_name.clone()
                                                        on:input=move |ev| set(|x, v| x.full_name = v, event_target_value(&ev))
                                                    />
                                                    {field_error(errors, name_field)}
                                                </td>
                                                <td>
                                                    <input
                                                        type="text"
                                                        inputmode="numeric"
                                                        size="6"
                                                        aria-label=lang.t("Năm sinh", "Birth year")
                                                        value=m.birth_year.clone()
                                                        on:input=move |ev| set(|x, v| x.birth_year = v, event_target_value(&ev))
                                                    />
                                                    {field_error(errors, year_field)}
                                                </td>
                                                <td>
                                                    <input
                                                        type="text"
                                                        aria-label=lang.t("Quan hệ với chủ hộ", "Relation to head")
                                                        value=m.relation.clone()
                                                        on:input=move |ev| set(|x, v| x.relation = v, event_target_value(&ev))
                                                    />
                                                </td>
                                                <td>
                                                    <button
                                                        class="btn btn-small btn-secondary"
                                                        type="button"
                                                        on:click=move |_| draft.members.update(|l| l.retain(|x| x.key != key))
                                                    >
                                                        {lang.t("Xoá", "Remove")}
                                                    </button>
                                                </td>
                                            </tr>
                                        }
                                    }
                                />
                            </tbody>
                        </table>
                    </div>
                    <button class="btn btn-secondary btn-small" type="button" on:click=add_member>
                        {lang.t("+ Thêm thành viên", "+ Add a member")}
                    </button>
                </fieldset>
                <RecordFormActions save_pending=save.pending().into() exists=id.is_some() active switch />
            </fieldset>
        </form>
        <Show when=move || !active.get()>
            <p class="alert alert-info">{lang.t("Hộ này đang ở trạng thái ngừng hoạt động.", "This household is inactive.")}</p>
        </Show>
    }
}
