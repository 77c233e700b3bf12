//! Sign-in, sign-out, the current user, and password change.

use super::types::PasswordChange;
use crate::domain::roles::SessionUser;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::backend::error::with_status;
#[cfg(feature = "ssr")]
use crate::backend::passwords;
#[cfg(feature = "ssr")]
use crate::backend::session as sa;
#[cfg(feature = "ssr")]
use crate::backend::state::AppState;
#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, AuditEntity};

/// Signs in with a username and password and sets the session cookie.
/// Repeated failures lock the account (and the client address) for 15 minutes (429); when the
/// server is already checking as many passwords as it may, the answer is 503 at once.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<SessionUser, AppError> {
    with_status(
        async move {
            let state = AppState::current()?;
            let headers = sa::request_headers();
            let ip = sa::client_ip(&headers, &state.config);
            let username = username.trim().to_lowercase();
            if username.is_empty() || password.is_empty() {
                return Err(AppError::Validation(vec![crate::error::FieldError::new(
                    "",
                    "Vui lòng nhập tên đăng nhập và mật khẩu.",
                    "Please enter your username and password.",
                )]));
            }
            let Some(user_id) = sa::check_credentials(&state, &username, &password, &ip).await?
            else {
                tracing::info!(%username, %ip, "failed login");
                return Err(AppError::Validation(vec![crate::error::FieldError::new(
                    "",
                    "Tên đăng nhập hoặc mật khẩu không đúng.",
                    "Wrong username or password.",
                )]));
            };
            let token =
                sa::create_session(&state.db, user_id, state.config.session_limits()).await?;
            let cookie = sa::session_cookie(
                &token,
                state.config.session_max_hours,
                state.config.secure_cookies,
            );
            if let (Some(options), Ok(value)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                axum::http::HeaderValue::from_str(&cookie),
            ) {
                options.append_header(axum::http::header::SET_COOKIE, value);
            }
            tracing::info!(%username, user_id, "login");
            sa::load_session_user(&state.db, user_id)
                .await?
                .ok_or(AppError::Unauthenticated)
        }
        .await,
    )
}

/// Signs out: deletes the server-side session and clears the cookie.
#[server(prefix = "/api", endpoint = "logout", input = Json)]
pub async fn logout() -> Result<(), AppError> {
    with_status(
        async move {
            let state = AppState::current()?;
            if let Some(token) = sa::token_from_headers(&sa::request_headers()) {
                sa::delete_session(&state.db, &token).await?;
            }
            if let (Some(options), Ok(value)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                axum::http::HeaderValue::from_str(&sa::clear_session_cookie(
                    state.config.secure_cookies,
                )),
            ) {
                options.append_header(axum::http::header::SET_COOKIE, value);
            }
            Ok(())
        }
        .await,
    )
}

/// The signed-in user, or `None` (also for a user who must still change their password: the
/// pages need it to send them to the change-password form).
#[server(prefix = "/api", endpoint = "me", input = Json)]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    with_status(
        async move {
            let state = AppState::current()?;
            sa::user_from_headers(&state, &sa::request_headers()).await
        }
        .await,
    )
}

/// Changes the signed-in user's password; other sessions of the user are signed out. The one
/// server function open to a user who must change their password. The current password is
/// checked like a sign-in: a wrong one counts as a failed login of the account (and the client
/// address), and past the limit the answer is 429.
#[server(prefix = "/api", endpoint = "password", input = Json)]
pub async fn change_password(input: PasswordChange) -> Result<(), AppError> {
    with_status(
        async move {
            use crate::error::FieldError;
            let (state, user) = sa::session_caller().await?;
            let mut errors = Vec::new();
            if input.new != input.confirm {
                errors.push(FieldError::new("confirm", "Mật khẩu nhập lại không khớp.", "The passwords do not match."));
            }
            if let Err(m) = passwords::check_new_password(&input.new, &user.username) {
                errors.push(FieldError { field: "new".into(), message: m });
            }
            if input.new == input.current {
                errors.push(FieldError::new(
                    "new",
                    "Mật khẩu mới phải khác mật khẩu hiện tại.",
                    "The new password must differ from the current one.",
                ));
            }
            let ip = sa::client_ip(&sa::request_headers(), &state.config);
            if sa::check_credentials(&state, &user.username, &input.current, &ip).await?.is_none() {
                errors.insert(0, FieldError::new("current", "Mật khẩu hiện tại không đúng.", "The current password is wrong."));
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            let hash = passwords::hash_password_blocking(input.new).await?;
            let mut tx = crate::backend::db::begin_write(&state.db).await?;
            sqlx::query("UPDATE users SET password_hash = $1, must_change_password = FALSE, updated_at = $2, version = version + 1 WHERE id = $3")
                .bind(hash)
                .bind(crate::backend::db::now())
                .bind(user.id)
                .execute(&mut *tx)
                .await?;
            crate::backend::audit::record(
                &mut tx,
                &user,
                crate::backend::audit::Change {
                    action: AuditAction::Password,
                    entity: AuditEntity::User,
                    entity_id: Some(user.id),
                    unit_path: user.assignments.first().map(|a| a.unit_path.as_str()).unwrap_or("/"),
                    summary: user.username.clone(),
                },
                None::<&()>,
                None::<&()>,
            )
            .await?;
            tx.commit().await?;
            if let Some(token) = sa::token_from_headers(&sa::request_headers()) {
                sa::delete_other_sessions(&state.db, user.id, &token).await?;
            }
            Ok(())
        }
        .await,
    )
}
