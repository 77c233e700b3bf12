//! The evaluation form's body: one section per criterion with its indicators, the inputs for
//! points, grades and pass/fail, reviewers' comments, and the read-only notices.

use super::evidence::Evidence;
use super::{dom_id, Form};
use crate::domain::criteria::{Criterion, Indicator, IndicatorKind};
use crate::domain::workflow::CycleState;
use crate::features::evaluations::types::CommentView;
use crate::i18n::Lang;
use crate::ui::use_lang;
use crate::vietnam_time;
use leptos::prelude::*;

#[component]
pub(super) fn CriterionSection(
    criterion: Criterion,
    form: Form,
    comments: Vec<CommentView>,
    reviewing: bool,
) -> impl IntoView {
    let lang = use_lang();
    let code = criterion.code.clone();
    let heading_id = format!("tc-{}", dom_id(&code));
    let labelled_by = heading_id.clone();
    let max = criterion.max_points();
    let count = criterion.indicators.len();
    let score_code = code.clone();
    // Points sets show points; level sets (pass/fail, no points) show indicators met.
    let score_text = Memo::new(move |_| {
        let (points, passed, meets) = form.live.with(|r| {
            r.as_ref()
                .and_then(|r| r.criterion(&score_code))
                .map(|s| (s.points, s.passed, s.meets_minimum))
                .unwrap_or((0, 0, true))
        });
        let text = if max > 0 {
            format!("{points}/{max} {}", lang.t("điểm", "points"))
        } else {
            format!("{passed}/{count} {}", lang.t("chỉ số đạt", "met"))
        };
        (text, meets)
    });
    let unverified = criterion.has_unverified().then(|| {
        let note = if criterion.verification.is_verified() {
            lang.t(
                "Điểm của một số chỉ số chưa được xác nhận.",
                "Some indicators' points are not confirmed.",
            )
            .to_string()
        } else {
            criterion.verification.detail().to_string()
        };
        unverified_badge(&note, lang)
    });
    let minimum = criterion.min_points.map(|min| {
        format!(
            "{} {min} {}",
            lang.t("Tối thiểu", "At least"),
            lang.t("điểm", "points")
        )
    });
    let indicators = criterion
        .indicators
        .iter()
        .map(|i| view! { <IndicatorRow indicator=i.clone() form /> })
        .collect_view();
    let comment_boxes = comments
        .into_iter()
        .map(|c| view! { <CommentBox comment=c /> })
        .collect_view();
    view! {
        <section class="criterion" aria-labelledby=labelled_by>
            <h3 id=heading_id>
                {format!("{}. {} ", code, criterion.display_name(lang))}
                <span class="muted nowrap">{move || format!("({})", score_text.get().0)}</span>
                " "
                {unverified}
            </h3>
            {minimum.map(|m| view! {
                <p class="hint">
                    {m}
                    {move || (!score_text.get().1).then(|| view! {
                        " — "
                        <strong class="field-error">{lang.t("chưa đạt mức tối thiểu", "below the minimum")}</strong>
                    })}
                </p>
            })}
            {comment_boxes}
            {indicators}
            {reviewing.then(|| view! { <ReviewerComment code=code.clone() form /> })}
        </section>
    }
}

/// The reviewer's comment box under a criterion (`id="comment-GD1"`).
#[component]
pub(super) fn ReviewerComment(code: String, form: Form) -> impl IntoView {
    let lang = use_lang();
    let id = format!("comment-{}", dom_id(&code));
    let label = format!(
        "{} {code} {}",
        lang.t("Nhận xét cho tiêu chí", "Comment on criterion"),
        lang.t(
            "(ghi khi cần trả lại để sửa)",
            "(write one to return it for changes)"
        ),
    );
    view! {
        <div class="field no-print">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                rows="3"
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    form.review_comments.update(|m| {
                        m.insert(code.clone(), text);
                    });
                }
            ></textarea>
        </div>
    }
}

#[component]
pub(super) fn IndicatorRow(indicator: Indicator, form: Form) -> impl IntoView {
    let lang = use_lang();
    let code = indicator.code.clone();
    let dom = dom_id(&code);
    let input_id = format!("ind-{dom}");
    let text_id = format!("text-{dom}");
    let message = {
        let code = code.clone();
        Memo::new(move |_| form.message(&code, lang))
    };
    let unverified = (!indicator.verification.is_verified())
        .then(|| unverified_badge(indicator.verification.detail(), lang));
    let level = indicator.level.map(|l| {
        view! { <span class="badge badge-info">{format!("{} {l}", lang.t("Mức", "Level"))}</span> }
    });
    let evidence_hint = (!indicator.evidence.trim().is_empty()).then(|| {
        view! {
            <p class="hint">
                <strong>{lang.t("Minh chứng: ", "Evidence: ")}</strong>
                {indicator.evidence.clone()}
            </p>
        }
    });
    let control = match indicator.kind {
        IndicatorKind::Points { max } => {
            let input_id = input_id.clone();
            view! { <PointsInput code=code.clone() input_id max form message /> }.into_any()
        }
        IndicatorKind::PassFail => {
            let (input_id, text_id) = (input_id.clone(), text_id.clone());
            view! { <PassFailInput code=code.clone() input_id text_id form /> }.into_any()
        }
    };
    // The requirement labels the points field; a tick box has its own "Đạt" label.
    let requirement = format!("{} {}", code, indicator.display_text(lang));
    let text = match indicator.kind {
        IndicatorKind::Points { .. } => {
            view! { <label for=input_id class="field-label">{requirement}</label> }.into_any()
        }
        IndicatorKind::PassFail => {
            view! { <p id=text_id class="field-label">{requirement}</p> }.into_any()
        }
    };
    view! {
        <div class="indicator" id=format!("chi-so-{dom}")>
            <div>
                {text}
                {level}
                " "
                {unverified}
                {evidence_hint}
            </div>
            {control}
            <Evidence code form />
        </div>
    }
}

/// A points field 0..=max, with its error underneath.
#[component]
pub(super) fn PointsInput(
    code: String,
    input_id: String,
    max: u32,
    form: Form,
    message: Memo<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let error_id = format!("{input_id}-error");
    let max_id = format!("{input_id}-max");
    let initial = form
        .raw
        .with_untracked(|r| r.get(&code).cloned().unwrap_or_default());
    let shown = code.clone();
    let (max_span_id, error_p_id) = (max_id.clone(), error_id.clone());
    view! {
        <div class=move || if message.get().is_some() { "field invalid" } else { "field" }>
            <input
                id=input_id
                type="text"
                inputmode="numeric"
                pattern="[0-9]*"
                autocomplete="off"
                size="4"
                value=initial
                prop:value=move || {
                    form.epoch.track();
                    form.raw.with_untracked(|r| r.get(&shown).cloned().unwrap_or_default())
                }
                disabled=!form.can_edit
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=move || {
                    if message.get().is_some() { format!("{max_id} {error_id}") } else { max_id.clone() }
                }
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    form.raw.update(|r| {
                        r.insert(code.clone(), text);
                    });
                    form.touch(&code);
                }
            />
            <span class="max" id=max_span_id>
                {format!("/ {max} {}", lang.t("điểm", "points"))}
            </span>
            {move || message.get().map(|m| view! {
                <p class="field-error" role="alert" id=error_p_id.clone()>{m}</p>
            })}
        </div>
    }
}

/// A "met" tick box.
#[component]
pub(super) fn PassFailInput(
    code: String,
    input_id: String,
    text_id: String,
    form: Form,
) -> impl IntoView {
    let lang = use_lang();
    let initial = form
        .ticks
        .with_untracked(|t| t.get(&code).copied().unwrap_or(false));
    let shown = code.clone();
    let label_for = input_id.clone();
    view! {
        <label class="checkbox" for=label_for>
            <input
                type="checkbox"
                id=input_id
                aria-describedby=text_id
                checked=initial
                prop:checked=move || {
                    form.epoch.track();
                    form.ticks.with_untracked(|t| t.get(&shown).copied().unwrap_or(false))
                }
                disabled=!form.can_edit
                on:change=move |ev| {
                    let met = event_target_checked(&ev);
                    form.ticks.update(|t| {
                        t.insert(code.clone(), met);
                    });
                    form.touch(&code);
                }
            />
            {lang.t("Đạt", "Met")}
        </label>
    }
}

/// Why the inputs are disabled.
#[component]
pub(super) fn ReadOnlyNotice(state: CycleState, reviewing: bool) -> impl IntoView {
    let lang = use_lang();
    let text = if reviewing {
        lang.t(
            "Bạn đang xét duyệt hồ sơ này. Nếu cần sửa, ghi nhận xét vào ô dưới tiêu chí liên quan rồi bấm \"Trả lại\"; nếu đạt yêu cầu, bấm \"Duyệt\".",
            "You are reviewing this dossier. To ask for changes, write a comment under the criterion concerned and press \"Return\"; otherwise press \"Approve\".",
        )
        .to_string()
    } else {
        format!(
            "{} \"{}\": {}",
            lang.t("Hồ sơ đang ở trạng thái", "The dossier is"),
            state.label(lang),
            lang.t("chỉ xem, không sửa được.", "read only."),
        )
    };
    view! { <p class="alert alert-info">{text}</p> }
}

/// A reviewer's comment (returned dossiers) or an unlock reason.
#[component]
pub(super) fn CommentBox(comment: CommentView) -> impl IntoView {
    let lang = use_lang();
    let heading = if comment.kind == "unlock" {
        lang.t("Lý do mở khoá", "Reason for unlocking")
    } else {
        lang.t("Nhận xét của người xét duyệt", "Reviewer's comment")
    };
    view! {
        <div class="comment-box" role="note">
            <p>
                <strong>{heading}</strong>
                {format!(" — {}, {}", comment.author_name, vietnam_time::format(comment.created_at))}
            </p>
            <p class="comment-body">{comment.body}</p>
        </div>
    }
}

/// The badge for anything not confirmed from the official text.
pub(super) fn unverified_badge(note: &str, lang: Lang) -> impl IntoView {
    view! {
        <span class="unverified" title=note.to_string()>
            {lang.t("chưa đối chiếu văn bản gốc", "not checked against the original text")}
        </span>
    }
}
