//! The HTML shell, the app component with its routes, and the navigation shown by role.

use crate::domain::roles::{Permission, SessionUser};
use crate::features::sign_in::api::logout;
use crate::features::{
    audit, certificates, clans, criteria_sets, dashboards, decisions, evaluations, home,
    households, imports, org_units, organisations, registrations, reports, sign_in, targets,
    training, users,
};
use crate::i18n::Lang;
use crate::ui::{detect_page_user, use_lang, use_page_user, PageUser, PAGE_USER_ELEMENT};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_location;
use leptos_router::path;
use leptos_router::SsrMode;

/// The language of the current request (server) or page (browser).
fn detect_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        crate::backend::cookies::lang_of(&crate::backend::session::request_headers())
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .map(|tag| Lang::from_tag(&tag))
            .unwrap_or_default()
    }
}

/// Sets the Content-Security-Policy of a rendered page. Inline scripts (the hydration loader and
/// resource data) carry a per-response nonce; WebAssembly needs `wasm-unsafe-eval`.
#[cfg(feature = "ssr")]
fn set_security_policy() {
    use axum::http::{header, HeaderValue};
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&policy),
    ) {
        options.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_security_policy();
    let lang = detect_lang();
    // The page's user for the browser, which starts from the same value as the server. `<` is
    // escaped so no text in it can close the script element.
    let page_user = serde_json::to_string(&detect_page_user())
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c");
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <HydrationScripts options />
                <MetaTags />
                <script id=PAGE_USER_ELEMENT type="application/json" inner_html=page_user></script>
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: context (language, current user), shell layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = detect_lang();
    provide_context(lang);
    provide_context(PageUser(detect_page_user()));

    view! {
        <Stylesheet id="leptos" href="/pkg/khuyen-hoc.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title formatter=|text: String| {
            if text.is_empty() { "Khuyến Học".to_string() } else { format!("{text} · Khuyến Học") }
        } />
        <Router>
            <div class="app">
                <a class="skip-link" href="#noi-dung">
                    {lang.t("Bỏ qua, đến nội dung chính", "Skip to main content")}
                </a>
                <TopBar />
                // Every page is rendered whole before it is sent (`SsrMode::Async`): the HTML
                // is complete without JavaScript (slow or old phones still see the page), and
                // the data of nested suspense boundaries reaches the browser before hydration.
                <main class="content" id="noi-dung" tabindex="-1">
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=path!("/") view=home::pages::HomePage ssr=SsrMode::Async />
                        <Route path=path!("/dang-nhap") view=sign_in::pages::LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/doi-mat-khau") view=sign_in::pages::ChangePasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/don-vi") view=org_units::pages::OrgUnitsPage ssr=SsrMode::Async />
                        <Route path=path!("/don-vi/nhap") view=imports::pages::OrgUnitImportPage ssr=SsrMode::Async />
                        <Route path=path!("/ho-gia-dinh") view=households::pages::HouseholdListPage ssr=SsrMode::Async />
                        <Route path=path!("/ho-gia-dinh/nhap") view=imports::pages::HouseholdImportPage ssr=SsrMode::Async />
                        <Route path=path!("/ho-gia-dinh/:id") view=households::pages::HouseholdFormPage ssr=SsrMode::Async />
                        <Route path=path!("/dong-ho") view=clans::pages::ClanListPage ssr=SsrMode::Async />
                        <Route path=path!("/dong-ho/:id") view=clans::pages::ClanFormPage ssr=SsrMode::Async />
                        <Route path=path!("/co-quan-don-vi") view=organisations::pages::OrganisationListPage ssr=SsrMode::Async />
                        <Route path=path!("/co-quan-don-vi/:id") view=organisations::pages::OrganisationFormPage ssr=SsrMode::Async />
                        <Route path=path!("/nguoi-dung") view=users::pages::UsersPage ssr=SsrMode::Async />
                        <Route path=path!("/nhat-ky") view=audit::pages::AuditPage ssr=SsrMode::Async />
                        <Route path=path!("/dang-ky") view=registrations::pages::RegistrationPage ssr=SsrMode::Async />
                        <Route path=path!("/viec-can-lam") view=registrations::pages::QueuePage ssr=SsrMode::Async />
                        <Route path=path!("/danh-gia/:id") view=evaluations::pages::EvaluationPage ssr=SsrMode::Async />
                        <Route path=path!("/tieu-chi") view=criteria_sets::pages::CriteriaListPage ssr=SsrMode::Async />
                        <Route path=path!("/tieu-chi/:id") view=criteria_sets::pages::CriteriaSetPage ssr=SsrMode::Async />
                        <Route path=path!("/kiem-tra-cham-diem") view=criteria_sets::pages::ScoringSelfCheckPage ssr=SsrMode::Async />
                        <Route path=path!("/quyet-dinh") view=decisions::pages::DecisionsPage ssr=SsrMode::Async />
                        <Route path=path!("/quyet-dinh/:id/chung-nhan") view=certificates::pages::DecisionCertificatesPage ssr=SsrMode::Async />
                        <Route path=path!("/chung-nhan/:id") view=certificates::pages::CertificatePage ssr=SsrMode::Async />
                        <Route path=path!("/xac-minh/:code") view=certificates::pages::VerifyPage ssr=SsrMode::Async />
                        <Route path=path!("/bang-dieu-khien") view=dashboards::pages::DashboardPage ssr=SsrMode::Async />
                        <Route path=path!("/chi-tieu") view=targets::pages::TargetsPage ssr=SsrMode::Async />
                        <Route path=path!("/bao-cao") view=reports::pages::ReportPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan") view=training::pages::TrainingPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/tien-do") view=training::pages::TrainingProgressPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/quan-ly") view=training::pages::ModuleAdminPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/quan-ly/:module") view=training::pages::ModuleEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/hoi-nghi") view=training::pages::SessionsPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/hoi-nghi/:session") view=training::pages::SessionPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/hoi-nghi/:session/ky-ten") view=training::pages::SignInSheetPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/:module/bai/:position") view=training::pages::LessonPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/:module/bai/:position/ban-in") view=training::pages::LessonPrintPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/:module/kiem-tra") view=training::pages::QuizPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/ket-qua/:attempt") view=training::pages::ResultPage ssr=SsrMode::Async />
                        <Route path=path!("/tap-huan/:module/chung-nhan") view=training::pages::TrainingCertificatePage ssr=SsrMode::Async />
                    </Routes>
                </main>
                <footer class="footer">
                    {lang.t(
                        "Khuyến Học — nền tảng xây dựng xã hội học tập. Dữ liệu mẫu là dữ liệu minh hoạ.",
                        "Khuyến Học — a learning-society platform. Demo data is illustrative.",
                    )}
                </footer>
            </div>
        </Router>
    }
}

/// One entry of the main navigation, shown to users holding any of `any_of`.
struct NavItem {
    href: &'static str,
    vi: &'static str,
    en: &'static str,
    any_of: &'static [Permission],
}

#[rustfmt::skip]
const NAV: &[NavItem] = &[
    NavItem { href: "/bang-dieu-khien", vi: "Bảng theo dõi", en: "Dashboard", any_of: &[Permission::ViewDashboard] },
    NavItem { href: "/bao-cao", vi: "Báo cáo năm", en: "Yearly report", any_of: &[Permission::ViewDashboard] },
    NavItem { href: "/viec-can-lam", vi: "Việc cần làm", en: "To do", any_of: &[Permission::Evaluate, Permission::Review] },
    NavItem { href: "/dang-ky", vi: "Đăng ký danh hiệu", en: "Registration", any_of: &[Permission::Evaluate, Permission::Review, Permission::ViewDashboard] },
    NavItem { href: "/quyet-dinh", vi: "Quyết định công nhận", en: "Decisions", any_of: &[Permission::Review, Permission::ViewDashboard] },
    NavItem { href: "/ho-gia-dinh", vi: "Hộ gia đình", en: "Households", any_of: &[Permission::ReadRegistry] },
    NavItem { href: "/dong-ho", vi: "Dòng họ", en: "Clans", any_of: &[Permission::ReadRegistry] },
    NavItem { href: "/co-quan-don-vi", vi: "Cơ quan, đơn vị", en: "Organisations", any_of: &[Permission::ReadRegistry] },
    NavItem { href: "/don-vi", vi: "Địa bàn", en: "Areas", any_of: &[Permission::ReadRegistry] },
    NavItem { href: "/tieu-chi", vi: "Bộ tiêu chí", en: "Criteria", any_of: &[Permission::ManageCriteria, Permission::Review] },
    NavItem { href: "/tap-huan", vi: "Tập huấn", en: "Training", any_of: &[Permission::Train] },
    NavItem { href: "/tap-huan/tien-do", vi: "Tiến độ tập huấn", en: "Training progress", any_of: &[Permission::ViewDashboard] },
    NavItem { href: "/tap-huan/hoi-nghi", vi: "Hội nghị tập huấn", en: "Training sessions", any_of: &[Permission::ManageTraining] },
    NavItem { href: "/tap-huan/quan-ly", vi: "Soạn học phần", en: "Edit modules", any_of: &[Permission::ManageTraining] },
    NavItem { href: "/chi-tieu", vi: "Chỉ tiêu", en: "Targets", any_of: &[Permission::SetTargets] },
    NavItem { href: "/nguoi-dung", vi: "Người dùng", en: "Users", any_of: &[Permission::ManageUsers] },
    NavItem { href: "/nhat-ky", vi: "Nhật ký", en: "Audit log", any_of: &[Permission::ReadAudit] },
];

/// The top bar: brand, navigation by role, user box and language switch.
#[component]
fn TopBar() -> impl IntoView {
    let lang = use_lang();
    let me: Option<SessionUser> = use_page_user().ok().flatten();
    let location = use_location();
    // The menu is rendered open so it shows without JavaScript; on a narrow screen the browser
    // folds it behind its "Menu" button once the app is interactive.
    let menu = NodeRef::<leptos::html::Details>::new();
    Effect::new(move |_| {
        // Also after each navigation, so a tapped link does not leave the menu covering the page.
        location.pathname.track();
        if let Some(details) = menu.get() {
            let narrow = window()
                .inner_width()
                .ok()
                .and_then(|w| w.as_f64())
                .is_some_and(|w| w < 800.0);
            if narrow {
                details.set_open(false);
            }
        }
    });
    let lang_href = move |target: Lang| {
        let here = format!("{}{}", location.pathname.get(), location.search.get());
        format!(
            "/lang/{}?{}",
            target.tag(),
            crate::ui::query::pair("next", &here)
        )
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Khuyến Học"</a>
            <details class="navmenu" open node_ref=menu>
                <summary>{lang.t("☰ Danh mục", "☰ Menu")}</summary>
                <nav class="mainnav" aria-label=lang.t("Danh mục chính", "Main menu")>
                    {
                        let items = NAV
                            .iter()
                            .filter(|item| me.as_ref().is_some_and(|u| item.any_of.iter().any(|p| u.can(*p))))
                            .map(|item| {
                                view! {
                                    <li>
                                        <A href=item.href>{lang.t(item.vi, item.en)}</A>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! { <ul>{items}</ul> }
                    }
                </nav>
            </details>
            <div class="userbox">
                {match me.clone() {
                    Some(me) => {
                        let roles = me
                            .assignments
                            .iter()
                            .map(|a| format!("{} — {}", a.role.label(lang), a.unit_name))
                            .collect::<Vec<_>>()
                            .join("; ");
                        view! {
                            <span>{me.full_name.clone()}</span>
                            " "
                            <span class="role">{roles}</span>
                            " "
                            <a href="/doi-mat-khau">{lang.t("Đổi mật khẩu", "Change password")}</a>
                            " "
                            <LogoutButton />
                        }
                            .into_any()
                    }
                    None => view! { <a href="/dang-nhap">{lang.t("Đăng nhập", "Sign in")}</a> }.into_any(),
                }}
            </div>
            <div class="lang-switch">
                <a
                    href=move || lang_href(Lang::Vi)
                    aria-current=move || (lang == Lang::Vi).then_some("true")
                    hreflang="vi"
                    rel="external"
                >
                    "Tiếng Việt"
                </a>
                " · "
                <a
                    href=move || lang_href(Lang::En)
                    aria-current=move || (lang == Lang::En).then_some("true")
                    hreflang="en"
                    rel="external"
                >
                    "English"
                </a>
            </div>
        </header>
    }
}

/// Signs out and reloads the sign-in page.
#[component]
fn LogoutButton() -> impl IntoView {
    let lang = use_lang();
    let action = Action::new(|_: &()| logout());
    Effect::new(move |_| {
        if action.value().get().is_some() {
            #[cfg(feature = "hydrate")]
            {
                let _ = window().location().assign("/dang-nhap");
            }
        }
    });
    view! {
        <button class="btn-link" type="button" on:click=move |_| { action.dispatch(()); }>
            {lang.t("Đăng xuất", "Sign out")}
        </button>
    }
}

/// Shown for any address that matches no page.
#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=lang.t("Không tìm thấy trang", "Page not found") />
        <h1 class="page-title">{lang.t("Không tìm thấy trang", "Page not found")}</h1>
        <p>
            {lang.t("Địa chỉ này không tồn tại. ", "This address does not exist. ")}
            <a href="/">{lang.t("Về trang chủ", "Go to the home page")}</a>
        </p>
    }
}
