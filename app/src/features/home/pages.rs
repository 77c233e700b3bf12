//! The home page: who you are, what lies in your area, and where to go next.

use crate::domain::roles::Permission;
use crate::features::org_units::api::scope_summary;
use crate::features::training::api::list_modules;
use crate::i18n::format_int;
use crate::ui::{use_lang, use_page_user, ErrorAlert};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    // Created here, not inside the suspense, so server and browser create it in the same order.
    let summary = Resource::new(|| (), |_| scope_summary());
    let trains = use_page_user()
        .ok()
        .flatten()
        .is_some_and(|me| me.can(Permission::Train));
    let training = Resource::new(
        || (),
        move |_| async move {
            if trains {
                list_modules().await
            } else {
                crate::ui::settled(Ok(Vec::new())).await
            }
        },
    );
    view! {
        <Title text=lang.t("Trang chủ", "Home") />
        {match use_page_user() {
            Ok(Some(me)) => {
                let can_read = me.can(Permission::ReadRegistry);
                let can_write = me.can(Permission::WriteRegistry);
                let in_cycle = me.can(Permission::Evaluate) || me.can(Permission::Review);
                let views_dashboard = me.can(Permission::ViewDashboard);
                view! {
                    <h1 class="page-title">
                        {format!("{} {}", lang.t("Xin chào,", "Hello,"), me.full_name)}
                    </h1>
                    <p class="muted">
                        {me
                            .assignments
                            .iter()
                            .map(|a| format!("{} — {}", a.role.label(lang), a.unit_name))
                            .collect::<Vec<_>>()
                            .join(" · ")}
                    </p>
                    <Show when=move || me.must_change_password>
                        <div class="alert alert-warning">
                            <a href="/doi-mat-khau">
                                {lang.t("Hãy đổi mật khẩu trước khi làm việc.", "Please change your password first.")}
                            </a>
                        </div>
                    </Show>
                    <Show when=move || views_dashboard>
                        <p>
                            <a class="btn btn-primary" href="/bang-dieu-khien">
                                {lang.t("Bảng theo dõi tiến độ so với chỉ tiêu", "Dashboard: progress against targets")}
                            </a>
                        </p>
                    </Show>
                    <Show when=move || in_cycle>
                        <div class="toolbar mb">
                            <a class="btn btn-primary" href="/viec-can-lam">{lang.t("Việc cần làm", "To do")}</a>
                            <a class="btn btn-secondary" href="/dang-ky">{lang.t("Đăng ký danh hiệu", "Register for titles")}</a>
                        </div>
                    </Show>
                    <Show when=move || trains>
                        <section class="home-training" aria-labelledby="home-training-title">
                            <h2 id="home-training-title">{lang.t("Tập huấn của tôi", "My training")}</h2>
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    match training.await {
                                        Ok(cards) => view! {
                                            <ul class="home-modules">
                                                {cards.into_iter().map(|card| {
                                                    let (href, label) = card.next_link(lang);
                                                    view! {
                                                        <li class="card">
                                                            <strong>{card.title.clone()}</strong>
                                                            <span class="muted">{card.status(lang)}</span>
                                                            <a class="btn btn-secondary" href=href>{label}</a>
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }
                                            .into_any(),
                                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                    }
                                })}
                            </Suspense>
                        </section>
                    </Show>
                    <Show when=move || can_read>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                match summary.await {
                                    Ok(s) => {
                                        let stat = |n: i64, vi: &'static str, en: &'static str, href: &'static str| {
                                            view! {
                                                <a class="stat card" href=href>
                                                    <span class="stat-value">{format_int(lang, n)}</span>
                                                    <span class="stat-label">{lang.t(vi, en)}</span>
                                                </a>
                                            }
                                        };
                                        view! {
                                            <div class="grid">
                                                {stat(s.households, "hộ gia đình", "households", "/ho-gia-dinh")}
                                                {stat(s.clans, "dòng họ", "clans", "/dong-ho")}
                                                {stat(s.organisations, "cơ quan, đơn vị", "organisations", "/co-quan-don-vi")}
                                                {stat(s.villages, "thôn, tổ dân phố", "villages", "/don-vi")}
                                                {stat(s.communes, "xã, thị trấn", "communes", "/don-vi")}
                                            </div>
                                        }
                                            .into_any()
                                    }
                                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </Show>
                    <Show when=move || can_write>
                        <div class="toolbar mt">
                            <a class="btn btn-primary" href="/ho-gia-dinh/moi">{lang.t("+ Thêm hộ gia đình", "+ Add a household")}</a>
                            <a class="btn btn-secondary" href="/ho-gia-dinh/nhap">{lang.t("Nhập danh sách hộ từ Excel", "Import households from Excel")}</a>
                        </div>
                    </Show>
                }
                    .into_any()
            }
            _ => view! {
                <h1 class="page-title">"Khuyến Học"</h1>
                <p>
                    {lang.t(
                        "Nền tảng giúp cán bộ khuyến học đăng ký, đánh giá và công nhận các danh hiệu Gia đình học tập, Dòng họ học tập, Cộng đồng học tập và Đơn vị học tập.",
                        "A platform for study-promotion officers to register, evaluate and recognise learning families, clans, communities and units.",
                    )}
                </p>
                <p><a class="btn btn-primary" href="/dang-nhap">{lang.t("Đăng nhập", "Sign in")}</a></p>
            }
                .into_any(),
        }}
    }
}
