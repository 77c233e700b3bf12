//! Plain HTTP routes beside the Leptos pages and server functions: the health check, the file
//! upload for imports (a plain route so the browser can report upload progress), the .xlsx
//! exports, and the language switch (a link that works without JavaScript).

use crate::backend::export;
use crate::backend::scope;
use crate::backend::session::user_from_headers;
use crate::backend::state::AppState;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::import::ImportKind;
use crate::domain::listing::ListQuery;
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult};
use crate::features::audit::store as audit_log;
use crate::features::evaluations::store::evidence;
use crate::features::households::store as households;
use crate::features::imports::store as imports;
use crate::features::org_units::store as org_units;
use crate::features::training::store::documents;
use crate::features::{clans, organisations, users};
use crate::i18n::Lang;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

/// The routes of this module, to merge into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/import/upload", post(upload))
        .route("/export/{list}", get(export_list))
        .route("/lang/{tag}", get(switch_language))
        .route("/import/template/{kind}", get(import_template))
        .route("/evaluations/{id}/attachments", post(upload_attachment))
        .route("/attachments/{id}", get(download_attachment))
        .route(
            "/training/modules/{id}/documents",
            post(upload_training_document),
        )
        .route("/tai-lieu-tap-huan/{id}", get(download_training_document))
        .route("/training/sessions/{id}/attendees", post(upload_attendees))
        .route("/targets/import", post(upload_targets))
        .route("/qr/{code}", get(qr_code))
        .route("/events/dashboard", get(dashboard_events))
}

/// `GET /events/dashboard`: the server-sent events of one open dashboard tab (see
/// `backend::changes::events`): only changes within the caller's dashboard scope.
async fn dashboard_events(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match require_user(&state, &headers, Permission::ViewDashboard).await {
        Ok(user) => {
            crate::backend::changes::events(&state.changes, user.scopes(Permission::ViewDashboard))
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self)).into_response()
    }
}

/// `GET /health`: 200 when the database answers, 503 otherwise.
async fn health(State(state): State<AppState>) -> Response {
    match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.db)
        .await
    {
        Ok(_) => (
            StatusCode::OK,
            Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "error", "database": "unavailable"})),
            )
                .into_response()
        }
    }
}

/// The signed-in user holding `permission` somewhere: 401 when signed out, 403 with the
/// change-password message when they must change their password first, 403 without it.
async fn require_user(
    state: &AppState,
    headers: &HeaderMap,
    permission: Permission,
) -> AppResult<SessionUser> {
    let user = user_from_headers(state, headers)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let user = crate::backend::session::require_password_changed(user)?;
    if !user.can(permission) {
        return Err(AppError::forbidden());
    }
    Ok(user)
}

#[derive(Deserialize)]
struct UploadParams {
    kind: String,
}

/// `POST /import/upload?kind=households|org_units` with a multipart field `file`.
async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<UploadParams>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let kind = ImportKind::from_code(&params.kind).ok_or_else(|| {
        AppError::bad_request("Loại dữ liệu nhập không hợp lệ.", "Unknown import kind.")
    })?;
    let user = require_user(
        &state,
        &headers,
        crate::features::imports::api::import_permission(kind),
    )
    .await?;
    let (filename, bytes) = read_file_field(&mut multipart, "tep-nhap").await?;
    let uploaded = imports::store_upload(&state.db, &user, kind, &filename, bytes).await?;
    Ok(Json(uploaded).into_response())
}

/// Reads the multipart field `file`: its file name (or `default_name`) and its bytes. Errors
/// (an interrupted upload, a body over the size limit, no file at all) are user-facing.
async fn read_file_field(
    multipart: &mut Multipart,
    default_name: &str,
) -> Result<(String, Vec<u8>), AppError> {
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        AppError::bad_request(
            format!("Không nhận được tệp: {}", e.body_text()),
            format!("The file did not arrive: {}", e.body_text()),
        )
    })? {
        if field.name() != Some("file") {
            continue;
        }
        let filename = field.file_name().unwrap_or(default_name).to_string();
        let bytes = field.bytes().await.map_err(|e| {
            AppError::bad_request(
                format!("Tệp quá lớn hoặc tải lên bị gián đoạn ({}).", e.body_text()),
                format!(
                    "The file is too large or the upload was interrupted ({}).",
                    e.body_text()
                ),
            )
        })?;
        return Ok((filename, bytes.to_vec()));
    }
    Err(AppError::bad_request(
        "Chưa chọn tệp để tải lên.",
        "No file was sent.",
    ))
}

#[derive(Deserialize, Default)]
struct ExportParams {
    unit_id: Option<i64>,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    desc: bool,
    #[serde(default)]
    include_inactive: bool,
    #[serde(default)]
    lang: String,
    /// The dashboard's year (default: this year).
    year: Option<i32>,
}

/// `GET /export/{households|clans|organisations|users|audit|training-progress|dashboard|report}.xlsx`
/// with the list's filters.
async fn export_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(list): Path<String>,
    Query(p): Query<ExportParams>,
) -> Result<Response, AppError> {
    let lang = if p.lang.is_empty() {
        crate::backend::cookies::lang_of(&headers)
    } else {
        Lang::from_tag(&p.lang)
    };
    let query = ListQuery {
        unit_id: p.unit_id,
        q: p.q.clone(),
        sort: p.sort.clone(),
        desc: p.desc,
        page: 1,
        per_page: export::MAX_EXPORT_ROWS,
        include_inactive: p.include_inactive,
    };
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    let yes_no = |b: bool| {
        if b {
            t("Đang hoạt động", "Active")
        } else {
            t("Ngừng hoạt động", "Inactive")
        }
        .to_string()
    };
    let (name, book) = match list.trim_end_matches(".xlsx") {
        "households" => {
            let user = require_user(&state, &headers, Permission::ReadRegistry).await?;
            let scopes =
                scope::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id)
                    .await?;
            let headers = [
                t("Số", "No."),
                t("Mã hộ", "Code"),
                t("Chủ hộ", "Head of household"),
                t("Thôn / tổ dân phố", "Village"),
                t("Xã", "Commune"),
                t("Địa chỉ", "Address"),
                t("Điện thoại", "Phone"),
                t("Số nhân khẩu", "Members"),
                t("Trạng thái", "Status"),
            ];
            let book = export::StreamedWorkbook::start(t("Hộ gia đình", "Households"), &headers);
            households::export(
                &state.db,
                &scopes,
                &query,
                export::MAX_EXPORT_ROWS,
                &book,
                |h| {
                    vec![
                        h.id.to_string(),
                        h.code,
                        h.head_name,
                        h.village_name,
                        h.commune_name,
                        h.address,
                        h.phone,
                        h.member_count.to_string(),
                        yes_no(h.active),
                    ]
                },
            )
            .await?;
            ("ho-gia-dinh", book)
        }
        "clans" => {
            let user = require_user(&state, &headers, Permission::ReadRegistry).await?;
            let scopes =
                scope::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id)
                    .await?;
            let page = clans::store::list(&state.db, &scopes, &query).await?;
            let rows: Vec<Vec<String>> = page
                .items
                .into_iter()
                .map(|c| {
                    vec![
                        c.id.to_string(),
                        c.name,
                        c.representative,
                        c.phone,
                        c.commune_name,
                        c.household_count.to_string(),
                        yes_no(c.active),
                    ]
                })
                .collect();
            let headers = [
                t("Số", "No."),
                t("Dòng họ", "Clan"),
                t("Người đại diện", "Representative"),
                t("Điện thoại", "Phone"),
                t("Xã", "Commune"),
                t("Số hộ", "Households"),
                t("Trạng thái", "Status"),
            ];
            ("dong-ho", {
                let book = export::StreamedWorkbook::start(t("Dòng họ", "Clans"), &headers);
                book.send_all(rows).await?;
                book
            })
        }
        "organisations" => {
            let user = require_user(&state, &headers, Permission::ReadRegistry).await?;
            let scopes =
                scope::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id)
                    .await?;
            let page = organisations::store::list(&state.db, &scopes, &query).await?;
            let rows: Vec<Vec<String>> = page
                .items
                .into_iter()
                .map(|o| {
                    vec![
                        o.id.to_string(),
                        o.name,
                        o.kind.label(lang).to_string(),
                        o.managing_unit_name,
                        o.head_name,
                        o.address,
                        o.phone,
                        yes_no(o.active),
                    ]
                })
                .collect();
            let headers = [
                t("Số", "No."),
                t("Tên đơn vị", "Name"),
                t("Loại", "Kind"),
                t("Đơn vị quản lý", "Managed by"),
                t("Thủ trưởng", "Head"),
                t("Địa chỉ", "Address"),
                t("Điện thoại", "Phone"),
                t("Trạng thái", "Status"),
            ];
            ("co-quan-don-vi", {
                let book = export::StreamedWorkbook::start(t("Đơn vị", "Units"), &headers);
                book.send_all(rows).await?;
                book
            })
        }
        "training-progress" => {
            let user = require_user(&state, &headers, Permission::ViewDashboard).await?;
            let progress =
                crate::features::training::store::progress::progress(&state.db, &user, p.unit_id)
                    .await?;
            let line = |r: &crate::features::training::types::ProgressRow| {
                vec![
                    r.name.clone(),
                    r.officers.to_string(),
                    r.trained.to_string(),
                    r.trained_percent()
                        .map(|p| format!("{p}%"))
                        .unwrap_or_default(),
                    r.completions.to_string(),
                    r.attempts.to_string(),
                    r.average_percent
                        .map(|p| format!("{p}%"))
                        .unwrap_or_default(),
                    r.attended.to_string(),
                ]
            };
            let mut rows = vec![line(&progress.total)];
            rows.extend(progress.rows.iter().map(line));
            let headers = [
                t("Đơn vị", "Unit"),
                t("Cán bộ", "Officers"),
                t("Đã tập huấn", "Trained"),
                t("Tỷ lệ", "Share"),
                t("Học phần hoàn thành", "Modules completed"),
                t("Lượt kiểm tra", "Quiz attempts"),
                t("Điểm kiểm tra trung bình", "Average quiz result"),
                t("Dự hội nghị tập huấn", "Attended in person"),
            ];
            ("tien-do-tap-huan", {
                let book =
                    export::StreamedWorkbook::start(t("Tiến độ tập huấn", "Training"), &headers);
                book.send_all(rows).await?;
                book
            })
        }
        "dashboard" => {
            let user = require_user(&state, &headers, Permission::ViewDashboard).await?;
            let year = p.year.unwrap_or_else(crate::vietnam_time::this_year);
            let query = crate::features::dashboards::types::DashboardQuery {
                unit_id: p.unit_id,
                year,
                ..Default::default()
            };
            let d = crate::features::dashboards::store::find(&state.db, &user, query).await?;
            let headers = [
                t("Đơn vị", "Unit"),
                t("Danh hiệu", "Title"),
                t("Đăng ký", "Registered"),
                t("Đã đánh giá", "Evaluated"),
                t("Đã duyệt", "Approved"),
                t("Được công nhận trong năm", "Recognised this year"),
                t("Đạt danh hiệu", "Holding the title"),
                t("Tổng số", "Total"),
                t("Tỷ lệ", "Share"),
                t("Chỉ tiêu", "Target"),
                t("So với chỉ tiêu", "Against the target"),
            ];
            use crate::features::targets::types::TargetKind;
            let line =
                |unit: &str, kind: TargetKind, f: &crate::features::dashboards::types::Figures| {
                    vec![
                        unit.to_string(),
                        kind.label(lang).to_string(),
                        f.funnel.registered.to_string(),
                        f.funnel.evaluated.to_string(),
                        f.funnel.approved.to_string(),
                        f.funnel.recognised.to_string(),
                        f.achieved().to_string(),
                        f.eligible.to_string(),
                        f.percent_text(lang),
                        f.target.map(|t| format!("{t}%")).unwrap_or_default(),
                        f.standing_text(lang, kind),
                    ]
                };
            let mut rows = Vec::new();
            for kind in TargetKind::ALL {
                rows.push(line(&d.unit_name, kind, &d.of(kind)));
            }
            for child in &d.children {
                for kind in TargetKind::ALL {
                    rows.push(line(&child.name, kind, &child.of(kind)));
                }
            }
            ("bang-theo-doi", {
                let book =
                    export::StreamedWorkbook::start(t("Bảng theo dõi", "Dashboard"), &headers);
                book.send_all(rows).await?;
                book
            })
        }
        "targets" => {
            let user = require_user(&state, &headers, Permission::ViewDashboard).await?;
            let year = p.year.unwrap_or_else(crate::vietnam_time::this_year);
            let sheet =
                crate::features::targets::store::import::sheet(&state.db, &user, p.unit_id, year)
                    .await?;
            let headings = crate::features::targets::store::import::sheet_headings();
            let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
            ("chi-tieu", {
                let book = export::StreamedWorkbook::start("Chỉ tiêu", &headings);
                book.send_all(sheet).await?;
                book
            })
        }
        "report" => {
            // Three sheets (figures, units below, narrative) of a few hundred cells: in memory.
            let user = require_user(&state, &headers, Permission::ViewDashboard).await?;
            let year = p.year.unwrap_or_else(crate::vietnam_time::this_year);
            let bytes = crate::features::reports::store::workbook::workbook(
                &state.db, &user, p.unit_id, year, lang,
            )
            .await?;
            let disposition = format!("attachment; filename=\"bao-cao-nam-{year}.xlsx\"");
            let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            return Ok((
                [
                    (header::CONTENT_TYPE, xlsx.to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response());
        }
        "users" => {
            let user = require_user(&state, &headers, Permission::ManageUsers).await?;
            let list = users::store::list(&state.db, &user, &p.q).await?;
            let rows: Vec<Vec<String>> = list
                .into_iter()
                .map(|u| {
                    let roles = u
                        .assignments
                        .iter()
                        .map(|a| format!("{} — {}", a.role.label(lang), a.unit_name))
                        .collect::<Vec<_>>()
                        .join("; ");
                    vec![u.username, u.full_name, roles, yes_no(u.active)]
                })
                .collect();
            let headers = [
                t("Tên đăng nhập", "Username"),
                t("Họ tên", "Full name"),
                t("Vai trò", "Roles"),
                t("Trạng thái", "Status"),
            ];
            ("nguoi-dung", {
                let book = export::StreamedWorkbook::start(t("Người dùng", "Users"), &headers);
                book.send_all(rows).await?;
                book
            })
        }
        "audit" => {
            let user = require_user(&state, &headers, Permission::ReadAudit).await?;
            let q = crate::features::audit::types::AuditQuery {
                unit_id: p.unit_id,
                per_page: 200,
                ..Default::default()
            };
            let unit_path = match p.unit_id {
                Some(id) => {
                    let unit = org_units::get(&state.db, id)
                        .await?
                        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
                    crate::backend::session::require_at(&user, Permission::ReadAudit, &unit.path)?;
                    Some(unit.path)
                }
                None => None,
            };
            let page = audit_log::list(&state.db, &user, unit_path.as_deref(), &q).await?;
            let rows: Vec<Vec<String>> = page
                .items
                .into_iter()
                .map(|e| {
                    vec![
                        e.at.to_rfc3339(),
                        e.username,
                        AuditAction::from_code(&e.action)
                            .map_or(e.action, |a| a.label(lang).to_string()),
                        AuditEntity::from_code(&e.entity)
                            .map_or(e.entity, |x| x.label(lang).to_string()),
                        e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
                        e.summary,
                    ]
                })
                .collect();
            let headers = [
                t("Thời điểm (UTC)", "Time (UTC)"),
                t("Người thực hiện", "User"),
                t("Thao tác", "Action"),
                t("Đối tượng", "Entity"),
                t("Số", "Id"),
                t("Nội dung", "Summary"),
            ];
            ("nhat-ky", {
                let book = export::StreamedWorkbook::start(t("Nhật ký", "Audit log"), &headers);
                book.send_all(rows).await?;
                book
            })
        }
        _ => return Err(AppError::not_found("danh sách", "List")),
    };
    let (body, size) = book.finish().await?;
    let disposition = format!("attachment; filename=\"{name}.xlsx\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CONTENT_LENGTH, HeaderValue::from(size)),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
struct LangParams {
    next: Option<String>,
}

/// `GET /lang/{vi|en}?next=/path`: stores the language in a cookie and goes back.
async fn switch_language(Path(tag): Path<String>, Query(p): Query<LangParams>) -> Response {
    let lang = Lang::from_tag(&tag);
    // Only a path on this site: never an open redirect (see `domain::redirect`).
    let next = crate::domain::redirect::next_or_home(p.next.as_deref());
    let cookie = crate::backend::cookies::lang_cookie(lang);
    let mut res = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// `GET /import/template/{households|org_units}.xlsx`: an empty file with the expected headers
/// and one example row.
async fn import_template(Path(kind): Path<String>) -> Result<Response, AppError> {
    let (name, headers, example): (&str, Vec<&str>, Vec<String>) =
        match kind.trim_end_matches(".xlsx") {
            "households" => (
                "mau-nhap-ho",
                vec![
                    "Mã thôn",
                    "Mã hộ",
                    "Họ tên chủ hộ",
                    "Địa chỉ",
                    "Điện thoại",
                    "Thành viên",
                ],
                vec![
                    "51-TB-02-01".into(),
                    "HGD-001".into(),
                    "Hồ Văn Minh".into(),
                    "Thôn 1, xã Trà Bình".into(),
                    "0912345678".into(),
                    "Đinh Thị Lan (1985); Hồ Văn An (2010)".into(),
                ],
            ),
            "org_units" => (
                "mau-nhap-don-vi",
                vec!["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên"],
                vec![
                    "51-TB-02-08".into(),
                    "Thôn 8".into(),
                    "Thôn".into(),
                    "51-TB-02".into(),
                ],
            ),
            _ => return Err(AppError::not_found("mẫu", "Template")),
        };
    let bytes = export::workbook("Mẫu", &headers, &[example])?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}.xlsx\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct AttachmentParams {
    indicator: String,
}

/// `POST /evaluations/{id}/attachments?indicator=CODE` with a multipart field `file`: stores
/// one evidence file (photo or PDF, checked by content, at most 10 MB).
async fn upload_attachment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(params): Query<AttachmentParams>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let user = require_user(&state, &headers, Permission::Evaluate).await?;
    let (filename, bytes) = read_file_field(&mut multipart, "minh-chung").await?;
    let saved =
        evidence::add_attachment(&state.db, &user, id, &params.indicator, &filename, &bytes)
            .await?;
    Ok(Json(saved).into_response())
}

/// `GET /attachments/{id}`: an evidence file, for users who may read its evaluation.
async fn download_attachment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = require_user(&state, &headers, Permission::ReadRegistry).await?;
    let (filename, content_type, bytes) =
        evidence::attachment_content(&state.db, &user, id).await?;
    Ok(file_response(&filename, &content_type, bytes, "inline"))
}

/// A stored file as a response: its content type, an ASCII file name (browsers differ on
/// others), `disposition` ("inline" to open, "attachment" to save), kept privately for an hour.
fn file_response(
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
    disposition: &str,
) -> Response {
    let ascii_name: String = crate::domain::text::search_key(filename)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("{disposition}; filename=\"{ascii_name}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `POST /training/modules/{id}/documents` with a multipart field `file`: attaches a PDF or
/// office file (checked by content) to the module's stored draft.
async fn upload_training_document(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let user = require_user(&state, &headers, Permission::ManageTraining).await?;
    let (filename, bytes) = read_file_field(&mut multipart, "tai-lieu").await?;
    let list = documents::add_document(&state.db, &user, id, &filename, &bytes).await?;
    Ok(Json(list).into_response())
}

/// `POST /training/sessions/{id}/attendees` with a multipart field `file`: adds the delegates
/// of an .xlsx or CSV list (name, unit, position) to a session.
async fn upload_attendees(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let user = require_user(&state, &headers, Permission::ManageTraining).await?;
    let (filename, bytes) = read_file_field(&mut multipart, "danh-sach").await?;
    let done = crate::features::training::store::sessions::import_attendee_file(
        &state.db, &user, id, &filename, bytes,
    )
    .await?;
    Ok(Json(done).into_response())
}

/// `POST /targets/import` with a multipart field `file`: targets from the targets sheet, all
/// rows or none.
async fn upload_targets(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let user = require_user(&state, &headers, Permission::SetTargets).await?;
    let (filename, bytes) = read_file_field(&mut multipart, "chi-tieu.xlsx").await?;
    let done =
        crate::features::targets::store::import::import_file(&state.db, &user, &filename, bytes)
            .await?;
    Ok(Json(done).into_response())
}

/// `GET /tai-lieu-tap-huan/{id}`: a module's document. PDFs open in the browser; office files
/// download, so nothing from them runs inside the site.
async fn download_training_document(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = user_from_headers(&state, &headers)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let user = crate::backend::session::require_password_changed(user)?;
    let (filename, content_type, bytes) = documents::document_content(&state.db, &user, id).await?;
    let disposition = if content_type == "application/pdf" {
        "inline"
    } else {
        "attachment"
    };
    Ok(file_response(&filename, &content_type, bytes, disposition))
}

/// `GET /qr/{code}.svg`: the QR code of a certificate's public verification address.
async fn qr_code(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let code: String = code
        .trim_end_matches(".svg")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(32)
        .collect();
    if code.is_empty() {
        return Err(AppError::not_found("mã", "Code"));
    }
    let url = format!(
        "{}/xac-minh/{code}",
        state.config.public_url.trim_end_matches('/')
    );
    let qr = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(crate::backend::error::internal)?;
    let svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        svg,
    )
        .into_response())
}
