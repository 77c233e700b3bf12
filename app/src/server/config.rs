//! Configuration, read once from the environment at start-up. Every variable has a default that
//! makes a local run work with no set-up; `.env.example` lists them all.

use std::path::PathBuf;

/// Runtime configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// `KH_DATABASE_URL`: SQLite file URL (WAL mode). Default `sqlite://data/khuyenhoc.db`.
    pub database_url: String,
    /// `KH_DEMO`: load the demo data and demo accounts on first start. Default false.
    pub demo: bool,
    /// `KH_SECURE_COOKIES`: mark cookies `Secure` (set when served over HTTPS). Default false.
    pub secure_cookies: bool,
    /// `KH_SESSION_HOURS`: how long a login lasts without activity. Default 12.
    pub session_hours: i64,
    /// `KH_MAX_UPLOAD_MB`: largest accepted request body (imports, attachments). Default 20.
    pub max_upload_mb: usize,
    /// `KH_PUBLIC_URL`: the address printed in certificate QR codes. Default the bind address.
    pub public_url: String,
    /// `KH_DATA_DIR`: where uploaded evidence files are kept. Default `data`.
    pub data_dir: PathBuf,
    /// `KH_BOOTSTRAP_ADMIN_PASSWORD`: outside demo mode, creates user `admin` with this password
    /// (to be changed at first login) when the database has no users. Unset by default.
    pub bootstrap_admin_password: Option<String>,
    /// `KH_LOG_FORMAT`: `text` (default) or `json`.
    pub log_json: bool,
    /// `KH_TRUST_PROXY`: take the client address from `X-Forwarded-For` (set only behind a
    /// reverse proxy that overwrites that header). Default false.
    pub trust_proxy: bool,
    /// `KH_LOGIN_MAX_FAILURES`: failed logins per account within 15 minutes before it is
    /// locked for 15 minutes. Default 5.
    pub login_max_failures: i64,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &str) -> bool {
    var(name)
        .map(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        })
        .unwrap_or(false)
}

impl Config {
    /// Reads the configuration from the environment. `site_addr` is the address the server
    /// listens on, used for the default public URL.
    pub fn from_env(site_addr: &str) -> Config {
        Config {
            database_url: var("KH_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/khuyenhoc.db".to_string()),
            demo: flag("KH_DEMO"),
            secure_cookies: flag("KH_SECURE_COOKIES"),
            session_hours: var("KH_SESSION_HOURS")
                .and_then(|v| v.parse().ok())
                .filter(|h| *h > 0)
                .unwrap_or(12),
            max_upload_mb: var("KH_MAX_UPLOAD_MB")
                .and_then(|v| v.parse().ok())
                .filter(|m| *m > 0)
                .unwrap_or(20),
            public_url: var("KH_PUBLIC_URL").unwrap_or_else(|| format!("http://{site_addr}")),
            data_dir: var("KH_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("data")),
            bootstrap_admin_password: var("KH_BOOTSTRAP_ADMIN_PASSWORD"),
            log_json: var("KH_LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            trust_proxy: flag("KH_TRUST_PROXY"),
            login_max_failures: var("KH_LOGIN_MAX_FAILURES")
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(5),
        }
    }
}
