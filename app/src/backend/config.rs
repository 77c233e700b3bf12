//! Configuration, read once from the environment at start-up. Every variable has a default that
//! makes a local run work with no set-up; `.env.example` lists them all. A value that is set but
//! cannot be read (a number that is not one, a switch that is neither on nor off) stops the
//! start with a message naming the variable, rather than silently running with the default.

use std::net::IpAddr;

/// Runtime configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// `KH_DATABASE_URL`: SQLite file URL (WAL mode). Default `sqlite://data/khuyenhoc.db`.
    pub database_url: String,
    /// `KH_DEMO`: load the demo data and demo accounts on first start. Default false.
    pub demo: bool,
    /// `KH_SECURE_COOKIES`: mark cookies `Secure` and send `Strict-Transport-Security` (set when
    /// served over HTTPS). Default false.
    pub secure_cookies: bool,
    /// `KH_SESSION_IDLE_MINUTES`: a session ends after this many minutes without a request
    /// (sliding: each request moves the deadline). Default 120.
    pub session_idle_minutes: i64,
    /// `KH_SESSION_MAX_HOURS`: a session ends this many hours after sign-in, however active.
    /// Default 12.
    pub session_max_hours: i64,
    /// `KH_MAX_UPLOAD_MB`: largest accepted request body (imports, attachments). Default 50
    /// (a 200,000-row household CSV is about 25 MB).
    pub max_upload_mb: usize,
    /// `KH_PUBLIC_URL`: the address printed in certificate QR codes; its origin is also
    /// accepted as the `Origin` of a form or script posting to the server. Default the bind
    /// address.
    pub public_url: String,
    /// `KH_BOOTSTRAP_ADMIN_PASSWORD`: outside demo mode, creates user `admin` with this password
    /// (to be changed at first login) when the database has no users. Unset by default.
    pub bootstrap_admin_password: Option<String>,
    /// `KH_LOG_FORMAT`: `text` (default) or `json`.
    pub log_json: bool,
    /// `KH_TRUST_PROXY`: take the client address from `X-Forwarded-For` (set only behind a
    /// reverse proxy). Default false.
    pub trust_proxy: bool,
    /// `KH_TRUSTED_PROXIES`: comma-separated addresses of the reverse proxies, skipped when
    /// reading `X-Forwarded-For` from the right. Default `127.0.0.1,::1`.
    pub trusted_proxies: Vec<IpAddr>,
    /// `KH_LOGIN_MAX_FAILURES`: failed logins per account within 15 minutes before it is
    /// locked for 15 minutes. Default 5.
    pub login_max_failures: i64,
    /// `KH_LOGIN_QUEUE`: sign-in attempts (and password checks) in progress at once, waiting or
    /// verifying; more are answered 503 at once. Default 64.
    pub login_queue: usize,
    /// `KH_IMPORT_RETENTION_DAYS`: an uploaded import file that was never committed is deleted
    /// this many days after upload (it holds personal data). A committed one is emptied at
    /// once. Default 7.
    pub import_retention_days: i64,
    /// `KH_TRAINING_GATES_SCORING`: a user must have completed the training module on scoring
    /// ("Chấm điểm các danh hiệu") before submitting or approving evaluations. Default true.
    pub training_gates_scoring: bool,
}

/// A configuration value that could not be read; the message names the variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Reads variables through `get` (the process environment in [`Config::from_env`], a map in
/// tests).
struct Source<F: Fn(&str) -> Option<String>>(F);

impl<F: Fn(&str) -> Option<String>> Source<F> {
    fn var(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn flag(&self, name: &str) -> Result<bool, ConfigError> {
        self.flag_or(name, false)
    }

    /// A switch that is `default` when unset.
    fn flag_or(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        match self.var(name).map(|v| v.to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if matches!(v.as_str(), "1" | "true" | "yes" | "on") => Ok(true),
            Some(v) if matches!(v.as_str(), "0" | "false" | "no" | "off") => Ok(false),
            Some(v) => Err(ConfigError(format!(
                "{name}={v:?} is not a switch: use true or false"
            ))),
        }
    }

    /// A positive whole number, or `default` when unset.
    fn positive<T>(&self, name: &str, default: T) -> Result<T, ConfigError>
    where
        T: std::str::FromStr + PartialOrd + Default,
    {
        match self.var(name) {
            None => Ok(default),
            Some(v) => match v.parse::<T>() {
                Ok(n) if n > T::default() => Ok(n),
                _ => Err(ConfigError(format!(
                    "{name}={v:?} is not a positive whole number"
                ))),
            },
        }
    }

    fn addresses(&self, name: &str, default: &[IpAddr]) -> Result<Vec<IpAddr>, ConfigError> {
        match self.var(name) {
            None => Ok(default.to_vec()),
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse::<IpAddr>()
                        .map_err(|_| ConfigError(format!("{name}: {a:?} is not an IP address")))
                })
                .collect(),
        }
    }

    fn config(&self, site_addr: &str) -> Result<Config, ConfigError> {
        if self.var("KH_SESSION_HOURS").is_some() {
            return Err(ConfigError(
                "KH_SESSION_HOURS was replaced by KH_SESSION_MAX_HOURS (absolute limit) and \
                 KH_SESSION_IDLE_MINUTES (idle timeout): see .env.example"
                    .into(),
            ));
        }
        let log_json = match self.var("KH_LOG_FORMAT").map(|v| v.to_ascii_lowercase()) {
            None => false,
            Some(v) if v == "text" => false,
            Some(v) if v == "json" => true,
            Some(v) => {
                return Err(ConfigError(format!(
                    "KH_LOG_FORMAT={v:?}: use text or json"
                )))
            }
        };
        Ok(Config {
            database_url: self
                .var("KH_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/khuyenhoc.db".to_string()),
            demo: self.flag("KH_DEMO")?,
            secure_cookies: self.flag("KH_SECURE_COOKIES")?,
            session_idle_minutes: self.positive("KH_SESSION_IDLE_MINUTES", 120)?,
            session_max_hours: self.positive("KH_SESSION_MAX_HOURS", 12)?,
            max_upload_mb: self.positive("KH_MAX_UPLOAD_MB", 50)?,
            public_url: self
                .var("KH_PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{site_addr}")),
            bootstrap_admin_password: self.var("KH_BOOTSTRAP_ADMIN_PASSWORD"),
            log_json,
            trust_proxy: self.flag("KH_TRUST_PROXY")?,
            trusted_proxies: self.addresses(
                "KH_TRUSTED_PROXIES",
                &[
                    IpAddr::from([127, 0, 0, 1]),
                    IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]),
                ],
            )?,
            login_max_failures: self.positive("KH_LOGIN_MAX_FAILURES", 5)?,
            login_queue: self.positive("KH_LOGIN_QUEUE", 64)?,
            import_retention_days: self.positive("KH_IMPORT_RETENTION_DAYS", 7)?,
            training_gates_scoring: self.flag_or("KH_TRAINING_GATES_SCORING", true)?,
        })
    }
}

impl Config {
    /// Reads the configuration from the environment. `site_addr` is the address the server
    /// listens on, used for the default public URL. Fails, naming the variable, when a value
    /// is set but cannot be read.
    pub fn from_env(site_addr: &str) -> Result<Config, ConfigError> {
        Source(|name: &str| std::env::var(name).ok()).config(site_addr)
    }

    /// How long sessions last.
    pub fn session_limits(&self) -> crate::backend::session::SessionLimits {
        crate::backend::session::SessionLimits {
            idle: chrono::Duration::minutes(self.session_idle_minutes),
            max: chrono::Duration::hours(self.session_max_hours),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Source(move |name: &str| map.get(name).cloned()).config("127.0.0.1:3000")
    }

    #[test]
    fn no_variables_give_the_documented_defaults() {
        let config = read(&[]).unwrap();
        assert_eq!(config.session_idle_minutes, 120);
        assert_eq!(config.session_max_hours, 12);
        assert_eq!(config.login_max_failures, 5);
        assert_eq!(config.login_queue, 64);
        assert_eq!(config.import_retention_days, 7);
        assert!(
            config.training_gates_scoring,
            "training gates scoring unless switched off"
        );
        assert!(!config.trust_proxy && !config.secure_cookies && !config.demo);
        assert_eq!(config.trusted_proxies.len(), 2);
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
    }

    #[test]
    fn set_values_are_read() {
        let config = read(&[
            ("KH_SESSION_IDLE_MINUTES", "30"),
            ("KH_SESSION_MAX_HOURS", " 8 "),
            ("KH_TRUST_PROXY", "on"),
            ("KH_TRUSTED_PROXIES", "10.0.0.5, fd00::1"),
            ("KH_DEMO", "false"),
        ])
        .unwrap();
        assert_eq!(config.session_idle_minutes, 30);
        assert_eq!(config.session_max_hours, 8);
        assert!(config.trust_proxy);
        assert_eq!(
            config.trusted_proxies,
            vec![
                "10.0.0.5".parse::<IpAddr>().unwrap(),
                "fd00::1".parse::<IpAddr>().unwrap()
            ]
        );
    }

    #[test]
    fn malformed_values_stop_the_start_naming_the_variable() {
        for (name, value) in [
            ("KH_SESSION_IDLE_MINUTES", "2h"),
            ("KH_SESSION_IDLE_MINUTES", "0"),
            ("KH_SESSION_MAX_HOURS", "-1"),
            ("KH_MAX_UPLOAD_MB", "lots"),
            ("KH_LOGIN_MAX_FAILURES", "5.5"),
            ("KH_LOGIN_QUEUE", "x"),
            ("KH_IMPORT_RETENTION_DAYS", "0"),
            ("KH_SECURE_COOKIES", "maybe"),
            ("KH_TRUST_PROXY", "ye"),
            ("KH_TRUSTED_PROXIES", "10.0.0.0/8"),
            ("KH_LOG_FORMAT", "xml"),
            ("KH_SESSION_HOURS", "12"),
        ] {
            let err = read(&[(name, value)]).unwrap_err();
            assert!(err.0.contains(name), "{name}={value}: {err}");
        }
    }
}
