//! The certificate of a completed module (`/tap-huan/:module/chung-nhan`), A4 like the title
//! certificates (the same print styles, `style/main.css` sections 18 and 20), with the QR code
//! of its public verification address.

use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::features::training::api::find_certificate;
use crate::features::training::types::TrainingCertificate;
use crate::ui::{use_lang, ErrorAlert, Guard};
use crate::vietnam_time::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/tap-huan/:module/chung-nhan`: the caller's own certificate of a module.
#[component]
pub fn TrainingCertificatePage() -> impl IntoView {
    let lang = use_lang();
    let module = super::route_number("module");
    let cert = Resource::new(
        move || module.get(),
        |module| async move {
            match module {
                Some(m) => find_certificate(m).await,
                None => {
                    crate::ui::settled(Err(AppError::not_found(
                        "chứng nhận hoàn thành",
                        "Certificate of completion",
                    )))
                    .await
                }
            }
        },
    );
    view! {
        <Title text=lang.t("Chứng nhận hoàn thành tập huấn", "Training certificate") />
        <h1 class="page-title">{lang.t("Chứng nhận hoàn thành tập huấn", "Certificate of completed training")}</h1>
        <Guard permission=Permission::Train let:_me>
            <Suspense fallback=move || super::loading(lang)>
                {move || Suspend::new(async move {
                    match cert.await {
                        Err(e) => view! {
                            <ErrorAlert error=e />
                            <p><a href="/tap-huan">{lang.t("← Tập huấn", "← Training")}</a></p>
                        }
                            .into_any(),
                        Ok(cert) => view! {
                            <div class="toolbar no-print">
                                <span class="muted">{lang.t("Dùng lệnh In của trình duyệt (Ctrl+P) để in hoặc lưu thành PDF.", "Use the browser's Print (Ctrl+P) to print or save as PDF.")}</span>
                                <a class="btn btn-secondary" href="/tap-huan">{lang.t("← Tập huấn", "← Training")}</a>
                            </div>
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

#[component]
fn Certificate(cert: TrainingCertificate) -> impl IntoView {
    let lang = use_lang();
    let qr_src = format!("/qr/{}.svg", cert.verify_code);
    let qr_alt = format!(
        "{} {}",
        lang.t(
            "Mã QR để xác minh chứng nhận, mã",
            "QR code to verify this certificate, code"
        ),
        cert.verify_code
    );
    view! {
        <article class="certificate" aria-label=format!("{} — {}", lang.t("Chứng nhận", "Certificate"), cert.full_name)>
            <p class="cert-national">{lang.t("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM")}</p>
            <p class="cert-motto">{lang.t("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness")}</p>
            <p class="cert-authority">{cert.issuing_unit.to_uppercase()}</p>
            <h2 class="cert-title">{lang.t("Chứng nhận", "Certificate")}</h2>
            <p class="cert-kind">{lang.t("HOÀN THÀNH HỌC PHẦN TẬP HUẤN", "OF A COMPLETED TRAINING MODULE")}</p>
            <p class="cert-lead">{lang.t("Chứng nhận", "This certifies that")}</p>
            <p class="cert-subject">{cert.full_name.clone()}</p>
            <div class="cert-meta">
                <p>{lang.t("đã hoàn thành học phần", "has completed the module")}</p>
                <p><strong>{cert.module_title.clone()}</strong></p>
                <p>{format!("{} {}", lang.t("Ngày hoàn thành:", "Completed on:"), format_date(cert.completed_on))}</p>
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
