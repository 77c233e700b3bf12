//! The reorganisation form on a unit's page: some of its sub-units end and one unit takes their
//! area over from a year on: another sub-unit (a merge; add the new one first) or the unit
//! itself (a dissolved level: their own sub-units move up to it). The server checks everything
//! again (`org_units::store::history::record`).

use crate::domain::org::OrgUnit;
use crate::error::AppError;
use crate::features::org_units::api::record_succession;
use crate::features::org_units::types::SuccessionInput;
use crate::ui::{use_lang, ErrorAlert};
use crate::vietnam_time::this_year;
use leptos::prelude::*;

#[component]
pub fn SuccessionForm(
    unit: OrgUnit,
    children: Vec<OrgUnit>,
    changes: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let active: Vec<OrgUnit> = children.into_iter().filter(|c| c.active).collect();
    let ending: RwSignal<Vec<i64>> = RwSignal::new(Vec::new());
    let successor = RwSignal::new(0i64);
    let year = RwSignal::new(this_year().to_string());
    let basis = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let record = Action::new(move |input: &SuccessionInput| record_succession(input.clone()));
    Effect::new(move |_| {
        if let Some(result) = record.value().get() {
            match result {
                Ok(()) => {
                    error.set(None);
                    notice.set(Some(
                        lang.t(
                            "Đã ghi nhận việc sắp xếp đơn vị.",
                            "The reorganisation is recorded.",
                        )
                        .to_string(),
                    ));
                    changes.update(|c| *c += 1);
                }
                Err(e) => {
                    notice.set(None);
                    error.set(Some(e));
                }
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(y) = year.get_untracked().trim().parse::<i32>() else {
            error.set(Some(AppError::field(
                "year",
                "Năm có hiệu lực phải là một số, ví dụ 2025.",
                "The year must be a number, e.g. 2025.",
            )));
            return;
        };
        record.dispatch(SuccessionInput {
            year: y,
            predecessor_ids: ending.get_untracked(),
            successor_id: successor.get_untracked(),
            basis: basis.get_untracked(),
        });
    };
    let checkboxes = active
        .iter()
        .map(|c| {
            let id = c.id;
            let input_id = format!("ending-{id}");
            let label_for = input_id.clone();
            view! {
                <li>
                    <label class="checkbox" for=label_for>
                        <input id=input_id type="checkbox"
                            prop:checked=move || ending.with(|e| e.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ending.update(|e| {
                                    e.retain(|x| *x != id);
                                    if on { e.push(id) }
                                });
                            } />
                        {c.name.clone()}
                    </label>
                </li>
            }
        })
        .collect_view();
    let here_label = match lang {
        crate::i18n::Lang::Vi => format!(
            "{} (giải thể cấp đã chọn; đơn vị trực thuộc của chúng chuyển về đây)",
            unit.name
        ),
        crate::i18n::Lang::En => format!(
            "{} (dissolve the chosen level; their sub-units move here)",
            unit.name
        ),
    };
    let here_id = unit.id;
    let options = active
        .iter()
        .map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> })
        .collect_view();
    view! {
        <form class="form card" on:submit=on_submit aria-labelledby="succession-title">
            <h3 id="succession-title">{lang.t("Sáp nhập, giải thể đơn vị trực thuộc", "Merge or dissolve sub-units")}</h3>
            <p class="hint">{lang.t(
                "Số liệu các năm trước vẫn giữ theo đơn vị cũ; bảng theo dõi có thể xem theo đơn vị hiện nay. Đơn vị mới sau sáp nhập cần được thêm trước.",
                "Earlier years keep their figures on the old units; the dashboard can show them on today's units. Add the new unit of a merge first.",
            )}</p>
            <fieldset>
                <legend>{lang.t("Các đơn vị ngừng hoạt động", "Units that end")}</legend>
                <ul class="plain-list">{checkboxes}</ul>
            </fieldset>
            <div class="field">
                <label for="successor">{lang.t("Đơn vị kế thừa", "Successor")}</label>
                <select id="successor" on:change=move |ev| {
                    successor.set(event_target_value(&ev).parse().unwrap_or(0))
                }>
                    <option value="0">{lang.t("— Chọn —", "— Choose —")}</option>
                    {options}
                    <option value=here_id.to_string()>{here_label}</option>
                </select>
            </div>
            <div class="field">
                <label for="succession-year">{lang.t("Có hiệu lực từ năm", "In force from the year")}</label>
                <input id="succession-year" type="text" inputmode="numeric" maxlength="4" size="5" bind:value=year />
            </div>
            <div class="field">
                <label for="succession-basis">{lang.t("Căn cứ (số nghị quyết, quyết định)", "Legal basis (resolution, decision)")}</label>
                <input id="succession-basis" type="text" maxlength="300" bind:value=basis />
            </div>
            {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
            <button class="btn btn-danger" type="submit" disabled=move || record.pending().get()>{lang.t("Ghi nhận", "Record")}</button>
        </form>
    }
}
