//! The work queues ("Việc cần làm") at `/viec-can-lam`: what waits for the signed-in user this
//! year: dossiers to score and returned ones where they evaluate, to review and to decide where
//! they review.

use super::{score_text, OpenEvaluation};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::features::registrations::api::list_queues;
use crate::features::registrations::types::{Queues, RegistrationRow};
use crate::i18n::Lang;
use crate::ui::{state_badge, use_lang, ErrorAlert, Guard};
use crate::vietnam_time::this_year;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/viec-can-lam`: what waits for the signed-in user this year, by role.
#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = use_lang();
    let year = this_year();
    let queues = Resource::new(move || year, list_queues);
    view! {
        <Title text=lang.t("Việc cần làm", "To do") />
        <h1 class="page-title">{format!("{} — {} {year}", lang.t("Việc cần làm", "To do"), lang.t("năm", "year"))}</h1>
        <Guard permission=Permission::ReadRegistry let:me>
            {
                let can_evaluate = me.can(Permission::Evaluate);
                let can_review = me.can(Permission::Review);
                view! { <QueueSections queues can_evaluate can_review /> }
            }
        </Guard>
    }
}

#[component]
fn QueueSections(
    queues: Resource<Result<Queues, AppError>>,
    can_evaluate: bool,
    can_review: bool,
) -> impl IntoView {
    let lang = use_lang();
    if !can_evaluate && !can_review {
        return view! {
            <p class="alert alert-info">
                {lang.t(
                    "Tài khoản của bạn không có việc chấm điểm hay xét duyệt.",
                    "Your account has no scoring or review work.",
                )}
            </p>
        }
        .into_any();
    }
    view! {
        <Transition fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match queues.await {
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                    Ok(q) => view! {
                        {can_evaluate.then(|| view! {
                            <QueueSection
                                id="can-cham-diem"
                                title=lang.t("Cần chấm điểm", "To score")
                                hint=lang.t(
                                    "Hồ sơ đã đăng ký hoặc đang chấm dở.",
                                    "Registered, or scoring in progress.",
                                )
                                rows=q.to_score.clone()
                                can_evaluate
                                action_label=None
                            />
                            <QueueSection
                                id="bi-tra-lai"
                                title=lang.t("Bị trả lại", "Returned")
                                hint=lang.t(
                                    "Người xét duyệt đã trả lại kèm nhận xét. Hãy sửa rồi gửi duyệt lại.",
                                    "A reviewer sent these back with comments. Fix them and submit again.",
                                )
                                rows=q.returned.clone()
                                can_evaluate
                                action_label=Some(lang.t("Sửa và gửi lại", "Fix and resubmit"))
                            />
                        })}
                        {can_review.then(|| view! {
                            <QueueSection
                                id="cho-xet-duyet"
                                title=lang.t("Chờ xét duyệt", "Awaiting review")
                                hint=lang.t(
                                    "Hồ sơ đã gửi duyệt: duyệt hoặc trả lại kèm nhận xét.",
                                    "Submitted: approve, or return with comments.",
                                )
                                rows={q.to_review.iter().filter(|r| !q.contributed.contains(&r.id)).cloned().collect::<Vec<_>>()}
                                can_evaluate=false
                                action_label=Some(lang.t("Xét duyệt", "Review"))
                            />
                            {
                                // Four eyes: the dossiers this user scored or submitted wait for
                                // another reviewer, so they are not in the user's review queue.
                                let own = q.to_review.iter().filter(|r| q.contributed.contains(&r.id)).count();
                                (own > 0).then(|| view! {
                                    <p class="hint" id="own-dossiers">
                                        {match lang {
                                            Lang::Vi => format!("{own} hồ sơ do chính bạn chấm điểm hoặc nộp đang chờ một người xét duyệt khác."),
                                            Lang::En => format!("{own} dossier(s) you scored or submitted are waiting for another reviewer."),
                                        }}
                                    </p>
                                })
                            }
                            <QueueSection
                                id="cho-quyet-dinh"
                                title=lang.t("Chờ quyết định", "Awaiting decision")
                                hint=lang.t(
                                    "Hồ sơ đã duyệt, chờ quyết định công nhận.",
                                    "Approved, waiting for the recognition decision.",
                                )
                                rows=q.to_decide.clone()
                                can_evaluate=false
                                action_label=Some(lang.t("Xem phiếu", "Open"))
                            />
                            {(!q.to_decide.is_empty()).then(|| view! {
                                <p class="no-print">
                                    <a class="btn btn-primary" href="/quyet-dinh">
                                        {lang.t("Lập quyết định công nhận", "Issue a recognition decision")}
                                    </a>
                                </p>
                            })}
                        })}
                    }
                        .into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// One queue: a heading with its count, and its registrations (or "nothing here").
#[component]
fn QueueSection(
    id: &'static str,
    title: &'static str,
    hint: &'static str,
    rows: Vec<RegistrationRow>,
    can_evaluate: bool,
    action_label: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    let count = rows.len();
    let heading_id = format!("{id}-title");
    let labelled_by = heading_id.clone();
    let body = if rows.is_empty() {
        view! { <p class="muted">{lang.t("Không có hồ sơ nào.", "Nothing here.")}</p> }.into_any()
    } else {
        let items = rows
            .into_iter()
            .map(|r| {
                let score = score_text(&r, lang);
                view! {
                    <tr>
                        <td data-label=lang.t("Đối tượng", "Subject")>
                            <strong>{r.subject_name.clone()}</strong>
                        </td>
                        <td data-label=lang.t("Địa bàn", "Area")>{r.unit_name.clone()}</td>
                        <td data-label=lang.t("Danh hiệu", "Title")>{r.title_kind.label(lang)}</td>
                        <td data-label=lang.t("Trạng thái", "Status")>{state_badge(r.state, lang)}</td>
                        <td data-label=lang.t("Điểm", "Score")>{score}</td>
                        <td data-label="">
                            <OpenEvaluation
                                registration_id=r.id
                                evaluation_id=r.evaluation_id
                                state=r.state
                                can_evaluate
                                label=action_label
                                subject=r.subject_name.clone()
                            />
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="data stack cycle-list">
                    <thead>
                        <tr>
                            <th>{lang.t("Đối tượng", "Subject")}</th>
                            <th>{lang.t("Địa bàn", "Area")}</th>
                            <th>{lang.t("Danh hiệu", "Title")}</th>
                            <th>{lang.t("Trạng thái", "Status")}</th>
                            <th>{lang.t("Điểm", "Score")}</th>
                            <th><span class="sr-only">{lang.t("Mở", "Open")}</span></th>
                        </tr>
                    </thead>
                    <tbody>{items}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card" id=id aria-labelledby=labelled_by>
            <h2 id=heading_id>
                {title}
                " "
                <span class={if count > 0 { "badge badge-warn" } else { "badge badge-muted" }}>{count}</span>
            </h2>
            <p class="hint">{hint}</p>
            {body}
        </section>
    }
}
