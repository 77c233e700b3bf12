//! Certificates of recognition ("Giấy công nhận") and the public verification page.
//!
//! One [`Certificate`] component draws an A4 certificate; the single page
//! ([`CertificatePage`], by registration) and the bulk page of a decision
//! ([`DecisionCertificatesPage`]) only load data and wrap it with a print toolbar. The print
//! styles (one certificate per A4 page, toolbar and navigation hidden) live in `style/main.css`
//! sections 18, 20 and 21.
//!
//! [`VerifyPage`] is public: whoever scans the QR code on paper reaches it without an account, so
//! it is deliberately not wrapped in `Guard` and shows only what the server's
//! `PublicRecognition` carries (subject, commune, title, year, validity, decision).

use super::api::{find_certificate, list_certificates, verify};
use super::types::{CertificateView, PublicRecognition};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::features::training::api::verify_completion;
use crate::features::training::types::PublicTrainingCompletion;
use crate::i18n::Lang;
use crate::ui::{use_lang, ErrorAlert, Guard};
use crate::vietnam_time::format_date;
use crate::vietnam_time::this_year;
use chrono::Datelike;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The place written before the signing date ("Trà Bình, ngày …"), taken from the authority:
/// "UBND xã Trà Bình" → "Trà Bình". Certificates carry no separate place field, and officials
/// write the locality without its level word, so both prefixes are dropped when present.
fn place_of(authority: &str) -> String {
    let mut rest = authority.trim();
    for prefix in ["UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "] {
        if let Some(r) = strip_prefix_ci(rest, prefix) {
            rest = r.trim_start();
            break;
        }
    }
    for level in [
        "thành phố ",
        "thị trấn ",
        "thị xã ",
        "phường ",
        "huyện ",
        "quận ",
        "tỉnh ",
        "xã ",
        "tp. ",
    ] {
        if let Some(r) = strip_prefix_ci(rest, level) {
            rest = r.trim_start();
            break;
        }
    }
    rest.to_string()
}

/// `s` without `prefix`, compared without regard to case (Unicode lower case, so "Xã" matches
/// "xã").
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let n = prefix.chars().count();
    let head: String = s.chars().take(n).collect();
    if head.to_lowercase() == prefix.to_lowercase() {
        // `head` is a prefix of `s` made of whole characters, so this index is a char boundary.
        s.get(head.len()..)
    } else {
        None
    }
}

/// The signing line under the text: "Trà Bình, ngày 20 tháng 11 năm 2026".
fn signing_line(lang: Lang, authority: &str, date: chrono::NaiveDate) -> String {
    let place = place_of(authority);
    let when = match lang {
        Lang::Vi => format!(
            "ngày {:02} tháng {:02} năm {}",
            date.day(),
            date.month(),
            date.year()
        ),
        Lang::En => format_date(date),
    };
    if place.is_empty() {
        when
    } else {
        format!("{place}, {when}")
    }
}

/// One A4 certificate of recognition. Used by both certificate pages so a single certificate and
/// a bulk print look exactly alike.
#[component]
pub fn Certificate(cert: CertificateView) -> impl IntoView {
    let lang = use_lang();
    // `area` is nearest first and starts with the subject's own unit; for community titles that
    // unit *is* the subject, so it is not repeated under the name.
    let area = cert
        .area
        .iter()
        .filter(|name| **name != cert.subject_name)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let title = format!(
        "{} {}{}",
        cert.title_kind.label(lang).to_uppercase(),
        lang.t("NĂM ", ""),
        cert.year
    );
    let decision = match lang {
        Lang::Vi => format!(
            "Theo Quyết định số {} ngày {}",
            cert.decision_number,
            format_date(cert.decision_date)
        ),
        Lang::En => format!(
            "Under Decision No. {} of {}",
            cert.decision_number,
            format_date(cert.decision_date)
        ),
    };
    let validity = format!(
        "{} {}",
        lang.t("Có giá trị đến hết năm", "Valid until the end of"),
        cert.valid_to_year
    );
    // A verification code is ours (letters and digits only), safe in a path as it is.
    let qr_src = format!("/qr/{}.svg", cert.verify_code);
    let qr_alt = format!(
        "{} {}",
        lang.t(
            "Mã QR để xác minh giấy công nhận, mã",
            "QR code to verify this certificate, code"
        ),
        cert.verify_code
    );
    view! {
        <article class="certificate" aria-label=format!("{} — {}", lang.t("Giấy công nhận", "Certificate"), cert.subject_name)>
            <p class="cert-national">{lang.t("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM")}</p>
            <p class="cert-motto">{lang.t("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness")}</p>
            <p class="cert-authority">{cert.authority.to_uppercase()}</p>
            <h2 class="cert-title">{lang.t("Giấy công nhận", "Certificate of recognition")}</h2>
            <p class="cert-kind">{title}</p>
            <p class="cert-lead">{lang.t("Công nhận", "is awarded to")}</p>
            <p class="cert-subject">{cert.subject_name.clone()}</p>
            <div class="cert-meta">
                {(!area.is_empty()).then(|| view! { <p>{area}</p> })}
                <p>{decision}</p>
                <p><strong>{validity}</strong></p>
            </div>
            <div class="cert-sign">
                <p><em>{signing_line(lang, &cert.authority, cert.decision_date)}</em></p>
                <p><strong>{cert.authority.to_uppercase()}</strong></p>
                <p class="cert-signer"><strong>{cert.signer.clone()}</strong></p>
            </div>
            <img class="cert-qr" src=qr_src alt=qr_alt width="160" height="160" />
            <p class="cert-verify">
                {cert.verify_url.clone()}
                <br />
                {lang.t("Mã xác minh: ", "Verification code: ")}
                <strong>{cert.verify_code.clone()}</strong>
            </p>
        </article>
    }
}

/// The toolbar above certificates (hidden when printing): print, and a way back.
#[component]
fn PrintToolbar(
    print_label: &'static str,
    back_href: String,
    back_label: &'static str,
) -> impl IntoView {
    view! {
        <div class="toolbar no-print">
            <button class="btn btn-primary" type="button" id="print-button" on:click=move |_| print_page()>
                {print_label}
            </button>
            <a class="btn btn-secondary" href=back_href>{back_label}</a>
        </div>
    }
}

/// Opens the browser's print dialog. Only the browser can print; on the server this is a no-op
/// (the button only works once the page is interactive).
fn print_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

/// The id in the route (`:id`), or `None` when it is not a number.
fn route_id() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()))
}

/// The certificate of one recognised registration (`/chung-nhan/:id`, id = registration id).
#[component]
pub fn CertificatePage() -> impl IntoView {
    let lang = use_lang();
    let id = route_id();
    let cert = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => find_certificate(id).await,
                None => {
                    crate::ui::settled(Err(AppError::not_found("giấy công nhận", "Certificate")))
                        .await
                }
            }
        },
    );
    view! {
        <Title text=lang.t("Giấy công nhận", "Certificate") />
        <h1 class="page-title">{lang.t("Giấy công nhận", "Certificate of recognition")}</h1>
        <Guard permission=Permission::ReadRegistry let:_me>
            <Suspense fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match cert.await {
                        Err(e) => view! {
                            <ErrorAlert error=e />
                            <p><a href="/quyet-dinh">{lang.t("← Quyết định công nhận", "← Decisions")}</a></p>
                        }
                            .into_any(),
                        Ok(cert) => view! {
                            <PrintToolbar
                                print_label=lang.t("In giấy công nhận", "Print certificate")
                                back_href="/quyet-dinh".to_string()
                                back_label=lang.t("← Quyết định công nhận", "← Decisions")
                            />
                            <div class="cert-list">
                                <Certificate cert />
                            </div>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
        </Guard>
    }
}

/// Every certificate of one decision, one per printed page (`/quyet-dinh/:id/chung-nhan`).
#[component]
pub fn DecisionCertificatesPage() -> impl IntoView {
    let lang = use_lang();
    let id = route_id();
    let certs = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => list_certificates(id).await,
                None => {
                    crate::ui::settled(Err(AppError::not_found("quyết định", "Decision"))).await
                }
            }
        },
    );
    view! {
        <Title text=lang.t("In giấy công nhận", "Print certificates") />
        <h1 class="page-title">{lang.t("Giấy công nhận theo quyết định", "Certificates of a decision")}</h1>
        <Guard permission=Permission::ReadRegistry let:_me>
            <Suspense fallback=move || view! { <p class="loading">{lang.t("Đang tải…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match certs.await {
                        Err(e) => view! {
                            <ErrorAlert error=e />
                            <p><a href="/quyet-dinh">{lang.t("← Quyết định công nhận", "← Decisions")}</a></p>
                        }
                            .into_any(),
                        Ok(list) => {
                            let summary = format!(
                                "{} {} — {} {}",
                                lang.t("Quyết định số", "Decision No."),
                                list.first().map(|c| c.decision_number.clone()).unwrap_or_default(),
                                list.len(),
                                lang.t("giấy công nhận", "certificates"),
                            );
                            let items = list
                                .into_iter()
                                .map(|cert| {
                                    let single = format!("/chung-nhan/{}", cert.registration_id);
                                    view! {
                                        <p class="no-print cert-single-link">
                                            <a href=single>
                                                {format!("{} {}", lang.t("Mở riêng giấy của", "Open the certificate of"), cert.subject_name)}
                                            </a>
                                        </p>
                                        <Certificate cert />
                                    }
                                })
                                .collect_view();
                            view! {
                                <p class="no-print">{summary}</p>
                                <PrintToolbar
                                    print_label=lang.t("In tất cả", "Print all")
                                    back_href="/quyet-dinh".to_string()
                                    back_label=lang.t("← Quyết định công nhận", "← Decisions")
                                />
                                <div class="cert-list">{items}</div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </Guard>
    }
}

/// Public verification of a certificate's code (`/xac-minh/:code`), reached from the QR code.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = Memo::new(move |_| params.read().get("code").unwrap_or_default());
    // A code is a title certificate's or a training certificate's; the two kinds share the page
    // and the QR address, so the page asks for the title first, then for training.
    let result = Resource::new(
        move || code.get(),
        |code| async move {
            match verify(code.clone()).await {
                Ok(r) if r.recognised => Ok(Verified::Title(r)),
                Ok(_) | Err(AppError::NotFound(_)) => {
                    verify_completion(code).await.map(Verified::Training)
                }
                Err(e) => Err(e),
            }
        },
    );
    view! {
        <Title text=lang.t("Xác minh giấy công nhận", "Verify a certificate") />
        <div class="verify">
            <h1 class="page-title">{lang.t("Xác minh giấy công nhận", "Verify a certificate")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{lang.t("Đang kiểm tra…", "Checking…")}</p> }>
                {move || Suspend::new(async move {
                    // Shown back to the visitor, so kept short whatever was typed into the address.
                    let code: String = code.get().chars().take(40).collect();
                    match result.await {
                        // A decision's "not recognised" entries also have codes, though none is
                        // ever printed; such a code proves nothing, so it reads like a wrong one
                        // and nothing about the subject is shown.
                        Ok(Verified::Title(r)) => view! { <VerifiedResult r /> }.into_any(),
                        Ok(Verified::Training(c)) => view! { <VerifiedTraining c /> }.into_any(),
                        Err(AppError::NotFound(_)) => view! { <NotVerified code /> }.into_any(),
                        Err(e) => view! {
                            <section class="verify-result verify-unknown" aria-labelledby="verify-result">
                                <h2 id="verify-result">{lang.t("Chưa kiểm tra được", "Could not check")}</h2>
                                <ErrorAlert error=e />
                            </section>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
            <VerifyCodeForm />
        </div>
    }
}

/// The result for a genuine certificate: who, where, which title, how long, which decision.
#[component]
fn VerifiedResult(r: PublicRecognition) -> impl IntoView {
    let lang = use_lang();
    // The title lasts to the end of `valid_to_year`; compared with today's year on this device.
    let still_valid = r.valid_to_year >= this_year();
    let validity = format!(
        "{} {}",
        lang.t("Đến hết năm", "Until the end of"),
        r.valid_to_year
    );
    let decision = match lang {
        Lang::Vi => format!(
            "Số {} ngày {} của {}",
            r.decision_number,
            format_date(r.decision_date),
            r.authority
        ),
        Lang::En => format!(
            "No. {} of {}, by {}",
            r.decision_number,
            format_date(r.decision_date),
            r.authority
        ),
    };
    view! {
        <section class="verify-result verify-ok" aria-labelledby="verify-result">
            <h2 id="verify-result">{lang.t("Giấy công nhận hợp lệ", "Valid certificate")}</h2>
            <p class="verify-subject">{r.subject_name.clone()}</p>
            <dl>
                <dt>{lang.t("Xã, phường", "Commune")}</dt>
                <dd>{if r.commune.is_empty() { "—".to_string() } else { r.commune.clone() }}</dd>
                <dt>{lang.t("Danh hiệu", "Title")}</dt>
                <dd>{format!("{} {} {}", r.title_kind.label(lang), lang.t("năm", "of"), r.year)}</dd>
                <dt>{lang.t("Thời hạn", "Validity")}</dt>
                <dd>
                    {validity}
                    " "
                    {if still_valid {
                        view! { <span class="badge badge-ok">{lang.t("Còn hiệu lực", "Still valid")}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-muted">{lang.t("Đã hết hiệu lực", "Expired")}</span> }.into_any()
                    }}
                </dd>
                <dt>{lang.t("Quyết định công nhận", "Recognition decision")}</dt>
                <dd>{decision}</dd>
            </dl>
        </section>
    }
}

/// What a verification code turned out to be.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum Verified {
    Title(PublicRecognition),
    Training(PublicTrainingCompletion),
}

/// The result for a genuine training certificate: who, which module, when, issued by whom.
#[component]
fn VerifiedTraining(c: PublicTrainingCompletion) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="verify-result verify-ok" aria-labelledby="verify-result">
            <h2 id="verify-result">{lang.t("Chứng nhận tập huấn hợp lệ", "Valid training certificate")}</h2>
            <p class="verify-subject">{c.full_name.clone()}</p>
            <dl>
                <dt>{lang.t("Đã hoàn thành học phần", "Completed the module")}</dt>
                <dd>{c.module_title.clone()}</dd>
                <dt>{lang.t("Ngày hoàn thành", "Completed on")}</dt>
                <dd>{format_date(c.completed_on)}</dd>
                <dt>{lang.t("Đơn vị cấp", "Issued by")}</dt>
                <dd>{if c.issuing_unit.is_empty() { "—".to_string() } else { c.issuing_unit.clone() }}</dd>
            </dl>
        </section>
    }
}

/// The result for a code that matches no certificate.
#[component]
fn NotVerified(code: String) -> impl IntoView {
    let lang = use_lang();
    // A wrong code is "not found" for machines too (link checkers, a scanner app's preview).
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="verify-result verify-bad" aria-labelledby="verify-result">
            <h2 id="verify-result">{lang.t("Không tìm thấy giấy công nhận", "Certificate not found")}</h2>
            <p>
                {lang.t("Mã ", "The code ")}
                <strong class="verify-code">{code}</strong>
                {lang.t(
                    " không ứng với giấy công nhận nào. Hãy kiểm tra lại mã in dưới mã QR (12 ký tự) hoặc hỏi cơ quan đã cấp giấy.",
                    " matches no certificate. Check the code printed under the QR code (12 characters) or ask the issuing authority.",
                )}
            </p>
        </section>
    }
}

/// Lets a visitor type the code printed under the QR code instead of scanning it.
#[component]
fn VerifyCodeForm() -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let typed = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The codes use letters and digits only; spaces and dashes people add while copying from
        // paper are dropped (the server does the same).
        let code: String = typed
            .get()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_uppercase();
        if !code.is_empty() {
            typed.set(String::new());
            navigate(&format!("/xac-minh/{code}"), Default::default());
        }
    };
    view! {
        <form class="form verify-form" on:submit=submit>
            <div class="field">
                <label for="verify-code">{lang.t("Kiểm tra mã khác", "Check another code")}</label>
                <input
                    id="verify-code"
                    type="text"
                    autocapitalize="characters"
                    autocomplete="off"
                    spellcheck="false"
                    value=typed.get_untracked()
                    bind:value=typed
                />
            </div>
            <button class="btn btn-secondary" type="submit">{lang.t("Kiểm tra", "Check")}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_drops_authority_and_level_words() {
        assert_eq!(place_of("UBND xã Trà Bình"), "Trà Bình");
        assert_eq!(place_of("UBND Huyện Trà Bồng"), "Trà Bồng");
        assert_eq!(place_of("Ủy ban nhân dân thị trấn Trà Xuân"), "Trà Xuân");
        assert_eq!(place_of("Hội Khuyến học"), "Hội Khuyến học");
    }

    #[test]
    fn signing_line_is_written_out_in_vietnamese() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default();
        assert_eq!(
            signing_line(Lang::Vi, "UBND xã Trà Bình", date),
            "Trà Bình, ngày 05 tháng 03 năm 2026"
        );
        assert_eq!(format_date(date), "05/03/2026");
    }
}
