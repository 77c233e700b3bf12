//! Passwords: argon2id hashes and the rules a new password must meet.

use crate::backend::error::internal;
use crate::domain::text::search_key;
use crate::error::AppResult;
use crate::i18n::Msg;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Hashes a password with argon2id (default parameters, random salt). CPU-heavy: call it from
/// `spawn_blocking`.
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(internal)
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash_password`] off the async runtime.
pub async fn hash_password_blocking(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(internal)?
}

/// Rules for a new password; returns the problem in both languages.
pub fn check_new_password(password: &str, username: &str) -> Result<(), Msg> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Msg::new(
            format!("Mật khẩu phải có ít nhất {MIN_PASSWORD_LEN} ký tự."),
            format!("A password needs at least {MIN_PASSWORD_LEN} characters."),
        ));
    }
    if search_key(password).contains(&search_key(username)) {
        return Err(Msg::new(
            "Mật khẩu không được chứa tên đăng nhập.",
            "A password must not contain the username.",
        ));
    }
    Ok(())
}
