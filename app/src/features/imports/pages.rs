//! Spreadsheet import wizard (households, org-unit tree): upload with a progress bar, map
//! columns, dry run with a preview and row errors, then commit all rows or none.

use crate::domain::import::{
    check_mapping, ImportField, ImportKind, ImportOutcome, ImportPreview, UploadedFile,
};
use crate::domain::roles::Permission;
use crate::error::AppError;
use crate::features::imports::api::{commit_import, preview_import};
use crate::i18n::format_int;
#[cfg(feature = "hydrate")]
use crate::ui::upload_file;
use crate::ui::{use_lang, ErrorAlert, Guard};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HouseholdImportPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=lang.t("Nhập danh sách hộ", "Import households") />
        <p><a href="/ho-gia-dinh">{lang.t("← Danh sách hộ", "← Household list")}</a></p>
        <h1 class="page-title">{lang.t("Nhập danh sách hộ gia đình từ Excel hoặc CSV", "Import households from Excel or CSV")}</h1>
        <Guard permission=Permission::WriteRegistry let:_me>
            <p>
                {lang.t(
                    "Mỗi dòng là một hộ. Cột bắt buộc: mã thôn / tổ dân phố và họ tên chủ hộ. Có thể thêm mã hộ, địa chỉ, điện thoại và các thành viên (ngăn cách bởi dấu chấm phẩy, có thể ghi năm sinh trong ngoặc).",
                    "One household per row. Required columns: village code and head of household. Optional: household code, address, phone and members (separated by semicolons, birth year in brackets).",
                )}
                " "
                <a href="/import/template/households.xlsx" rel="external" download>{lang.t("Tải tệp mẫu", "Download a template")}</a>
            </p>
            <ImportWizard kind=ImportKind::Households done_href="/ho-gia-dinh?sort=updated&desc=1" />
        </Guard>
    }
}

#[component]
pub fn OrgUnitImportPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=lang.t("Nhập cây đơn vị", "Import the unit tree") />
        <p><a href="/don-vi">{lang.t("← Địa bàn", "← Areas")}</a></p>
        <h1 class="page-title">{lang.t("Nhập cây đơn vị hành chính", "Import the administrative tree")}</h1>
        <Guard permission=Permission::ManageOrgUnits let:_me>
            <p>
                {lang.t(
                    "Các cột: mã đơn vị, tên đơn vị, cấp (Tỉnh, Huyện, Xã, Thôn…) và mã đơn vị cấp trên. Đơn vị đã có cùng mã sẽ được đổi tên nếu tên khác.",
                    "Columns: unit code, name, level (province, district, commune, village) and parent code. Existing codes are renamed when the name differs.",
                )}
                " "
                <a href="/import/template/org_units.xlsx" rel="external" download>{lang.t("Tải tệp mẫu", "Download a template")}</a>
            </p>
            <ImportWizard kind=ImportKind::OrgUnits done_href="/don-vi" />
        </Guard>
    }
}

#[component]
fn ImportWizard(kind: ImportKind, done_href: &'static str) -> impl IntoView {
    let lang = use_lang();
    let uploaded: RwSignal<Option<UploadedFile>> = RwSignal::new(None);
    let mapping: RwSignal<Vec<Option<ImportField>>> = RwSignal::new(vec![]);
    let preview: RwSignal<Option<ImportPreview>> = RwSignal::new(None);
    let outcome: RwSignal<Option<ImportOutcome>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let progress: RwSignal<Option<f64>> = RwSignal::new(None);

    let on_file = move |_ev: leptos::ev::Event| {
        uploaded.set(None);
        preview.set(None);
        outcome.set(None);
        error.set(None);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = _ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                progress.set(Some(0.0));
                let url = format!("/import/upload?kind={}", kind.code());
                upload_file(
                    &url,
                    file,
                    progress,
                    move |result: Result<UploadedFile, AppError>| {
                        progress.set(None);
                        match result {
                            Ok(up) => {
                                mapping.set(up.suggested.clone());
                                uploaded.set(Some(up));
                            }
                            Err(e) => error.set(Some(e)),
                        }
                    },
                );
            }
        }
    };
    let check = Action::new(move |(batch, mapping): &(i64, Vec<Option<ImportField>>)| {
        preview_import(*batch, kind, mapping.clone())
    });
    Effect::new(move |_| match check.value().get() {
        Some(Ok(p)) => {
            error.set(None);
            preview.set(Some(p));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let commit = Action::new(move |(batch, mapping): &(i64, Vec<Option<ImportField>>)| {
        commit_import(*batch, kind, mapping.clone())
    });
    Effect::new(move |_| match commit.value().get() {
        Some(Ok(o)) => {
            error.set(None);
            outcome.set(Some(o));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let mapping_problem = move || {
        check_mapping(kind, &mapping.get())
            .err()
            .map(|m| m.get(lang).to_string())
    };

    view! {
        <div class="card">
            <h2>{lang.t("1. Chọn tệp", "1. Choose a file")}</h2>
            <div class="field">
                <label for="import-file">{lang.t("Tệp Excel (.xlsx) hoặc CSV", "Excel (.xlsx) or CSV file")}</label>
                <input id="import-file" type="file" accept=".xlsx,.csv" on:change=on_file />
            </div>
            {move || progress.get().map(|p| view! {
                <label for="upload-progress">{format!("{} {:.0}%", lang.t("Đang tải lên", "Uploading"), p * 100.0)}</label>
                <progress id="upload-progress" class="upload-progress" max="1" value=p></progress>
            })}
        </div>
        {move || error.get().map(|e| view! { <ErrorAlert error=e /> })}
        {move || uploaded.get().map(|up| {
            let headers = up.headers.clone();
            let fields = kind.fields();
            let selects = headers.iter().enumerate().map(|(i, h)| {
                let sample: Vec<String> = up.sample.iter().take(3).map(|r| r.get(i).cloned().unwrap_or_default()).collect();
                view! {
                    <tr>
                        <td data-label=lang.t("Cột trong tệp", "File column")><strong>{h.clone()}</strong></td>
                        <td data-label=lang.t("Ví dụ", "Sample") class="muted">{sample.join(" · ")}</td>
                        <td data-label=lang.t("Dùng làm", "Use as")>
                            <select aria-label=format!("{} {h}", lang.t("Dùng cột", "Use column")) on:change=move |ev| {
                                let v = event_target_value(&ev);
                                mapping.update(|m| {
                                    if m.len() <= i { m.resize(i + 1, None) }
                                    m[i] = ImportField::from_code(&v);
                                });
                                preview.set(None);
                            }>
                                <option value="" selected=move || mapping.get().get(i).copied().flatten().is_none()>{lang.t("— Bỏ qua —", "— Ignore —")}</option>
                                {fields.iter().map(|f| {
                                    let f = *f;
                                    view! {
                                        <option value=f.code() selected=move || mapping.get().get(i).copied().flatten() == Some(f)>
                                            {format!("{}{}", f.label(lang), if f.required() { " *" } else { "" })}
                                        </option>
                                    }
                                }).collect_view()}
                            </select>
                        </td>
                    </tr>
                }
            }).collect_view();
            let batch = up.batch_id;
            view! {
                <div class="card mt">
                    <h2>{lang.t("2. Ghép cột", "2. Match the columns")}</h2>
                    <p>{format!("{}: {} · {} {}", lang.t("Tệp", "File"), up.filename, format_int(lang, up.row_count as i64), lang.t("dòng dữ liệu", "data rows"))}</p>
                    <div class="table-wrap">
                        <table class="data stack">
                            <thead><tr>
                                <th>{lang.t("Cột trong tệp", "File column")}</th>
                                <th>{lang.t("Ví dụ", "Sample")}</th>
                                <th>{lang.t("Dùng làm", "Use as")}</th>
                            </tr></thead>
                            <tbody>{selects}</tbody>
                        </table>
                    </div>
                    {move || mapping_problem().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    <div class="form-actions">
                        <button class="btn btn-primary" type="button"
                            disabled=move || mapping_problem().is_some() || check.pending().get()
                            on:click=move |_| { check.dispatch((batch, mapping.get())); }>
                            {move || if check.pending().get() { lang.t("Đang kiểm tra…", "Checking…") } else { lang.t("Kiểm tra (chạy thử, chưa ghi gì)", "Check (dry run, nothing is saved)") }}
                        </button>
                    </div>
                </div>
            }
        })}
        {move || preview.get().map(|p| {
            let batch = uploaded.get().map(|u| u.batch_id).unwrap_or(0);
            let ok = p.error_count == 0;
            let error_rows = p.errors.iter().map(|e| view! {
                <tr>
                    <td data-label=lang.t("Dòng", "Row") class="right">{e.row}</td>
                    <td data-label=lang.t("Cột", "Column")>{e.column.clone()}</td>
                    <td data-label=lang.t("Lỗi", "Problem")>{e.message.get(lang).to_string()}</td>
                </tr>
            }).collect_view();
            let headers = p.preview_headers.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view();
            let preview_rows = p.preview.iter().map(|r| {
                let cells = r.iter().zip(p.preview_headers.iter()).map(|(c, h)| view! { <td data-label=h.clone()>{c.clone()}</td> }).collect_view();
                view! { <tr>{cells}</tr> }
            }).collect_view();
            view! {
                <div class="card mt">
                    <h2>{lang.t("3. Kết quả kiểm tra", "3. Check result")}</h2>
                    <p>
                        {format!("{} {} / {} {}. ",
                            format_int(lang, p.valid_rows as i64), lang.t("dòng hợp lệ", "valid rows"),
                            format_int(lang, p.total_rows as i64), lang.t("dòng", "rows"))}
                        {(!ok).then(|| view! { <strong class="field-error">{format!("{} {}", format_int(lang, p.error_count as i64), lang.t("lỗi — chưa thể nhập. Hãy sửa tệp rồi tải lên lại.", "errors — nothing can be imported yet. Fix the file and upload it again."))}</strong> })}
                    </p>
                    {(!ok).then(|| view! {
                        <div class="table-wrap">
                            <table class="data stack" id="import-errors">
                                <thead><tr><th>{lang.t("Dòng", "Row")}</th><th>{lang.t("Cột", "Column")}</th><th>{lang.t("Lỗi", "Problem")}</th></tr></thead>
                                <tbody>{error_rows}</tbody>
                            </table>
                        </div>
                    })}
                    {(!p.preview.is_empty()).then(|| view! {
                        <h3>{lang.t("Xem trước", "Preview")}</h3>
                        <div class="table-wrap">
                            <table class="data stack"><thead><tr>{headers}</tr></thead><tbody>{preview_rows}</tbody></table>
                        </div>
                    })}
                    <Show when=move || ok && outcome.get().is_none()>
                        <div class="form-actions">
                            <button class="btn btn-primary" type="button" disabled=move || commit.pending().get()
                                on:click=move |_| { commit.dispatch((batch, mapping.get())); }>
                                {move || if commit.pending().get() {
                                    lang.t("Đang nhập…", "Importing…").to_string()
                                } else {
                                    format!("{} {} {}", lang.t("Nhập", "Import"), format_int(lang, p.valid_rows as i64), lang.t("dòng", "rows"))
                                }}
                            </button>
                        </div>
                    </Show>
                </div>
            }
        })}
        {move || outcome.get().map(|o| view! {
            <div class="alert alert-success mt" role="status">
                {format!("{} {} {}. ", lang.t("Đã nhập", "Imported"), format_int(lang, o.inserted as i64), lang.t("dòng", "rows"))}
                <a href=done_href>{lang.t("Xem danh sách", "See the list")}</a>
            </div>
        })}
    }
}
