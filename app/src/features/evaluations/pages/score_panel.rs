//! The live score panel: the total, the verdict against the set's rule and the breakdown by
//! criterion, recomputed in the browser with the server's own scoring function.

use super::{Conflict, Form};
use crate::domain::criteria::{Grade, ResultRule};
use crate::domain::scoring::{ScoreResult, Verdict};
use crate::error::AppError;
use crate::ui::use_lang;
use leptos::prelude::*;

pub(super) fn verdict_class(result: &ScoreResult) -> &'static str {
    if result.recognised {
        "verdict verdict-pass"
    } else if matches!(result.verdict, Verdict::Grade(g) if g != Grade::KhongDat) {
        "verdict verdict-grade"
    } else {
        "verdict verdict-fail"
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
pub(super) fn ScorePanel(
    form: Form,
    rule: ResultRule,
    saving: Memo<bool>,
    saved_edit: RwSignal<u64>,
    saved_at: RwSignal<Option<String>>,
    save_error: RwSignal<Option<AppError>>,
    conflict: RwSignal<Option<Conflict>>,
    save_now: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let rule = StoredValue::new(rule);
    let is_levels = rule.with_value(|r| matches!(r, ResultRule::Levels { .. }));
    let is_pass_mark = rule.with_value(|r| matches!(r, ResultRule::PassMark { .. }));
    let indicator_count = form.set.with_value(|s| s.indicator_count());
    // Level sets have no points: count the indicators met instead.
    let total = move || {
        form.live.with(|r| match r {
            Some(r) if is_levels => r.criteria.iter().map(|c| c.passed).sum::<u32>().to_string(),
            Some(r) => r.total.to_string(),
            None => "—".to_string(),
        })
    };
    let out_of = move || {
        if is_levels {
            format!("/ {indicator_count} {}", lang.t("chỉ số đạt", "met"))
        } else {
            let max = form
                .live
                .with(|r| r.as_ref().map(|r| r.max_total).unwrap_or(0));
            format!("/ {max} {}", lang.t("điểm", "points"))
        }
    };
    let verdict = move || {
        form.live.with(|r| match r {
            Some(r) => (
                verdict_class(r),
                rule.with_value(|rule| r.verdict.label_for(rule, lang)),
            ),
            None => ("verdict", String::new()),
        })
    };
    let invalid_count =
        move || form.parsed.with(|p| p.unreadable.len()) + form.problems.with(|list| list.len());
    let status = move || {
        if saving.get() {
            lang.t("Đang lưu…", "Saving…").to_string()
        } else if conflict.with(Option::is_some) {
            lang.t(
                "Chưa lưu — dữ liệu đã thay đổi trên máy chủ",
                "Not saved — changed on the server",
            )
            .to_string()
        } else if form.edits.get() != saved_edit.get() {
            if save_error.with(Option::is_some) {
                lang.t("Chưa lưu — có lỗi", "Not saved — see the error")
                    .to_string()
            } else {
                lang.t("Chưa lưu", "Not saved").to_string()
            }
        } else if let Some(at) = saved_at.get() {
            format!("{} {at}", lang.t("Đã lưu lúc", "Saved at"))
        } else {
            String::new()
        }
    };
    view! {
        <aside class="score-panel" aria-labelledby="score-title">
            <h2 id="score-title">
                {if form.can_edit {
                    lang.t("Điểm tạm tính", "Live score")
                } else {
                    lang.t("Kết quả chấm điểm", "Score")
                }}
            </h2>
            <p class="score-total">
                <span class="points" id="live-total">{total}</span>
                " "
                <span class="muted">{out_of}</span>
            </p>
            <p>
                <span id="live-verdict" class=move || verdict().0>{move || verdict().1}</span>
            </p>
            {(!is_pass_mark).then(|| view! {
                <p>
                    {move || if form.live.with(|r| r.as_ref().is_some_and(|r| r.recognised)) {
                        lang.t("✓ Đủ điều kiện công nhận", "✓ Meets the title")
                    } else {
                        lang.t("✗ Chưa đủ điều kiện công nhận", "✗ Does not meet the title yet")
                    }}
                </p>
            })}
            {move || (invalid_count() > 0).then(|| view! {
                <p class="field-error">
                    {format!(
                        "{} {}",
                        invalid_count(),
                        lang.t("ô chưa hợp lệ, chưa được tính.", "invalid field(s), not counted."),
                    )}
                </p>
            })}
            {form.can_edit.then(|| view! {
                <p class="save-status" role="status" aria-live="polite">{status}</p>
                <button
                    class="btn btn-small btn-primary no-print"
                    type="button"
                    disabled=move || saving.get()
                    on:click=move |_| save_now()
                >
                    {lang.t("Lưu", "Save")}
                </button>
            })}
            <div class="score-wide">
                <ScoreBreakdown form indicator_count />
            </div>
            <details class="score-narrow">
                <summary>{lang.t("Chi tiết điểm và lý do", "Breakdown and reasons")}</summary>
                <ScoreBreakdown form indicator_count />
            </details>
        </aside>
    }
}

/// Points per criterion, indicators answered, and what holds the verdict back.
#[component]
pub(super) fn ScoreBreakdown(form: Form, indicator_count: usize) -> impl IntoView {
    let lang = use_lang();
    let names: Vec<(String, String)> = form.set.with_value(|s| {
        s.criteria
            .iter()
            .map(|c| (c.code.clone(), c.display_name(lang).to_string()))
            .collect()
    });
    view! {
        {move || form.live.with(|r| r.as_ref().map(|r| {
            let answered: u32 = r.criteria.iter().map(|c| c.answered).sum();
            let rows = r
                .criteria
                .iter()
                .map(|c| {
                    let name = names
                        .iter()
                        .find(|(code, _)| *code == c.code)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default();
                    let figure = if c.max > 0 {
                        format!("{}/{}", c.points, c.max)
                    } else {
                        format!("{}/{}", c.passed, c.indicator_count)
                    };
                    view! {
                        <li>
                            {format!("{} {name}: ", c.code)}
                            <strong>{figure}</strong>
                            {(!c.meets_minimum).then(|| view! {
                                " "
                                <span class="field-error">{lang.t("dưới mức tối thiểu", "below the minimum")}</span>
                            })}
                        </li>
                    }
                })
                .collect_view();
            let reasons = r
                .reasons
                .iter()
                .map(|m| view! { <li>{m.get(lang).to_string()}</li> })
                .collect_view();
            view! {
                <p class="hint">
                    {format!("{} {answered}/{indicator_count} {}", lang.t("Đã chấm", "Answered"), lang.t("chỉ số", "indicators"))}
                </p>
                <ul class="criterion-points">{rows}</ul>
                {(!r.reasons.is_empty()).then(|| view! {
                    <h3>{lang.t("Lý do", "Reasons")}</h3>
                    <ul class="reasons">{reasons}</ul>
                })}
            }
        }))}
    }
}
