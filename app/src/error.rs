//! The error that crosses the wire from server functions to the browser.
//!
//! Every variant is safe to show a user: internals (SQL text, file paths) are logged on the
//! server and replaced by a generic message before they get here. The HTTP status of a failed
//! server function follows the variant (401, 403, 404, 409, 422, 429, 400, 503, 500) so scripts and
//! tests can tell failures apart without parsing text.

use crate::i18n::{Lang, Msg};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A validation failure tied to one input field (or to a row and column of an import).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field name, e.g. `head_name`, or `members.2.full_name`.
    pub field: String,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, vi: impl Into<String>, en: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: Msg::new(vi, en),
        }
    }
}

/// Errors a user can see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Bạn cần đăng nhập để tiếp tục.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(Msg),
    #[error("{0}")]
    NotFound(Msg),
    /// Someone else saved first. `current` carries the stored record (as JSON) so the form can
    /// show the current values instead of silently overwriting them.
    #[error("{message}")]
    Conflict {
        message: Msg,
        current: Option<String>,
    },
    #[error("Dữ liệu chưa hợp lệ.")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(Msg),
    #[error("{0}")]
    TooManyAttempts(Msg),
    /// The server is at its limit for this kind of work now (password checks, reading uploaded
    /// files); answered at once with `Retry-After`, the request may be repeated shortly.
    #[error("{0}")]
    Unavailable(Msg),
    /// Something failed on the server; the details are in the server log under `reference`.
    #[error("Máy chủ gặp sự cố. Vui lòng thử lại sau.")]
    Internal { reference: String },
    /// The request did not reach the server function (network down, bad encoding).
    #[error("Không kết nối được máy chủ: {0}")]
    Transport(String),
}

impl AppError {
    pub fn forbidden() -> Self {
        AppError::Forbidden(Msg::new(
            "Bạn không có quyền thực hiện thao tác này trong phạm vi đơn vị của mình.",
            "You are not allowed to do this within your organisation unit.",
        ))
    }

    pub fn not_found(what_vi: &str, what_en: &str) -> Self {
        AppError::NotFound(Msg::new(
            format!("Không tìm thấy {what_vi}."),
            format!("{what_en} not found."),
        ))
    }

    pub fn bad_request(vi: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::BadRequest(Msg::new(vi, en))
    }

    pub fn field(field: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, vi, en)])
    }

    pub fn conflict(current: Option<String>) -> Self {
        AppError::Conflict {
            message: Msg::new(
                "Bản ghi vừa được người khác cập nhật. Hãy xem giá trị hiện tại rồi lưu lại.",
                "Someone else has just updated this record. Review the current values and save again.",
            ),
            current,
        }
    }

    /// The HTTP status code this error is sent with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict { .. } => 409,
            AppError::Validation(_) => 422,
            AppError::BadRequest(_) => 400,
            AppError::TooManyAttempts(_) => 429,
            AppError::Unavailable(_) => 503,
            AppError::Internal { .. } | AppError::Transport(_) => 500,
        }
    }

    /// The message to show, in the reader's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Unauthenticated => lang
                .t(
                    "Bạn cần đăng nhập để tiếp tục.",
                    "Please sign in to continue.",
                )
                .to_string(),
            AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::BadRequest(m)
            | AppError::TooManyAttempts(m)
            | AppError::Unavailable(m) => m.get(lang).to_string(),
            AppError::Conflict { message, .. } => message.get(lang).to_string(),
            AppError::Validation(errors) => match errors.as_slice() {
                [only] if only.field.is_empty() => only.message.get(lang).to_string(),
                _ => lang
                    .t(
                        "Dữ liệu chưa hợp lệ. Vui lòng sửa các ô được đánh dấu.",
                        "Some fields need correcting. Please check the marked fields.",
                    )
                    .to_string(),
            },
            AppError::Internal { reference } => format!(
                "{} ({reference})",
                lang.t(
                    "Máy chủ gặp sự cố. Vui lòng thử lại sau. Mã tra cứu",
                    "The server ran into a problem. Please try again later. Reference"
                )
            ),
            AppError::Transport(detail) => format!(
                "{} {detail}",
                lang.t(
                    "Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.",
                    "Could not reach the server. Check the connection and try again."
                )
            ),
        }
    }

    /// The validation message for one field, if there is one.
    pub fn field_message(&self, field: &str, lang: Lang) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.get(lang).to_string()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server these mean the request's arguments could not be read: the caller's
            // fault (400), not a server failure.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
                if cfg!(feature = "ssr") =>
            {
                AppError::BadRequest(Msg::new(
                    "Yêu cầu gửi lên không hợp lệ (thiếu hoặc sai dữ liệu).",
                    "The request was malformed (missing or wrong data).",
                ))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// Shorthand for results of server functions and domain checks.
pub type AppResult<T> = Result<T, AppError>;
