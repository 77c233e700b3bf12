//! The test harness: one demo-data template database per test binary, a fresh copy of it for
//! every test, the real server started in-process on a free port, and HTTP clients that sign in
//! as the demo users.
//!
//! Loading the demo data hashes six argon2 passwords and inserts about 2,000 households, which is
//! slow in a debug build; copying the finished template with `VACUUM INTO` takes milliseconds.

use app::backend::config::Config;
use app::backend::demo::DEMO_PASSWORD;
use khuyenhoc_server::Application;
use leptos::config::LeptosOptions;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Connection, SqlitePool};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

/// A running server on its own database.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// A pool on the same database file, to arrange data and check what the server stored.
    pub db: SqlitePool,
    // Dropping the sender stops the server; the directory (and database) goes with the test.
    _shutdown: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

/// Starts the server on a fresh copy of the demo database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the server on a fresh copy of the demo database, with `tweak` applied to the
/// configuration first.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let template = template_db();
    let dir = tempfile::tempdir().expect("a temporary directory for the test database");
    let db_path = dir.path().join("test.db");
    copy_database(template, &db_path).await;

    let mut config = test_config(&db_path);
    tweak(&mut config);
    let app = Application::build(config, leptos_options())
        .await
        .expect("the application starts");
    assert!(
        !app.demo_loaded,
        "the copy already holds the demo data: it must not be loaded again"
    );
    let address = format!("http://{}", app.addr);
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let db = open_pool(&db_path).await;
    TestApp {
        address,
        db,
        _shutdown: shutdown,
        _dir: dir,
    }
}

fn test_config(db_path: &Path) -> Config {
    Config {
        database_url: format!("sqlite://{}", db_path.display()),
        demo: true,
        secure_cookies: false,
        session_idle_minutes: 120,
        session_max_hours: 12,
        max_upload_mb: 20,
        public_url: "http://127.0.0.1".into(),
        bootstrap_admin_password: None,
        log_json: false,
        trust_proxy: false,
        trusted_proxies: vec![[127, 0, 0, 1].into()],
        login_max_failures: 5,
        login_queue: 64,
        import_retention_days: 7,
        training_gates_scoring: true,
    }
}

fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("khuyen-hoc")
        .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"))
        .site_pkg_dir("pkg")
        .site_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .build()
}

async fn open_pool(path: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .expect("a valid database URL")
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("the test can open the database")
}

/// The demo template: built once per test binary, on its own thread and runtime so that no
/// test's runtime owns its connections.
fn template_db() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        std::thread::spawn(build_template)
            .join()
            .expect("the demo template database builds")
    })
}

fn build_template() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-tests");
    std::fs::create_dir_all(&dir).expect("the test directory exists");
    remove_stale_templates(&dir);
    let path = dir.join(format!("template-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the template");
    runtime.block_on(async {
        let started = std::time::Instant::now();
        let state = khuyenhoc_server::build_state(test_config(&path), leptos_options())
            .await
            .expect("the template database opens");
        let loaded = app::backend::demo::load_if_empty(&state.db)
            .await
            .expect("the demo data loads");
        assert!(loaded, "the template starts empty");
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&state.db)
            .await
            .expect("checkpoint");
        state.db.close().await;
        eprintln!("demo template built in {:.1?}", started.elapsed());
    });
    path
}

/// Deletes templates left by earlier runs whose process has ended (Linux only: elsewhere they
/// stay in `target/tmp`).
fn remove_stale_templates(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let pid = name
            .strip_prefix("template-")
            .and_then(|rest| rest.split('.').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Copies the template into a new file: a consistent snapshot, whatever else reads it.
async fn copy_database(template: &Path, target: &Path) {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", template.display()))
        .expect("a valid template URL")
        .read_only(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("the template opens");
    sqlx::query("VACUUM INTO $1")
        .bind(target.display().to_string())
        .execute(&mut conn)
        .await
        .expect("the template copies");
    conn.close().await.expect("the template closes");
}

/// An HTTP client with its own cookie jar: one per signed-in user.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl TestApp {
    /// A client that is not signed in.
    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            base: self.address.clone(),
        }
    }

    /// A client signed in as a demo user.
    pub async fn client_for(&self, username: &str) -> Client {
        self.client_with_password(username, DEMO_PASSWORD).await
    }

    /// A client signed in with the given password (the sign-in must succeed).
    pub async fn client_with_password(&self, username: &str, password: &str) -> Client {
        let client = self.client();
        let res = client.login(username, password).await;
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "{username} signs in: {body}");
        client
    }

    /// The id of the org unit with `code`.
    pub async fn unit_id(&self, code: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM org_units WHERE code = $1")
            .bind(code)
            .fetch_one(&self.db)
            .await
            .unwrap_or_else(|e| panic!("unit {code}: {e}"))
    }

    /// The materialised path of the org unit with `id`.
    pub async fn unit_path(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT path FROM org_units WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db)
            .await
            .unwrap_or_else(|e| panic!("unit {id}: {e}"))
    }

    /// The stored optimistic-locking version of the org unit with `id` (what a page would send).
    pub async fn unit_version(&self, id: i64) -> i64 {
        sqlx::query_scalar("SELECT version FROM org_units WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db)
            .await
            .unwrap_or_else(|e| panic!("unit {id}: {e}"))
    }

    /// Creates an account with one role at the unit with `unit_code` (through the real server
    /// function, as the province administrator) and signs it in with its own password (a new
    /// account must change its temporary one first).
    pub async fn new_user(&self, username: &str, role: &str, unit_code: &str) -> Client {
        let admin = self.client_for("quantri").await;
        let unit = self.unit_id(unit_code).await;
        let temporary = "Tam-thoi-2026";
        admin
            .ok(
                "users/create",
                json!({ "input": {
                    "username": username,
                    "full_name": "Người Thử Nghiệm",
                    "password": temporary,
                    "role": role,
                    "unit_id": unit,
                } }),
            )
            .await;
        self.sign_in_new(username, temporary).await
    }

    /// Signs in an account created with `temporary` and sets its own password.
    pub async fn sign_in_new(&self, username: &str, temporary: &str) -> Client {
        let client = self.client_with_password(username, temporary).await;
        client
            .ok(
                "password",
                json!({ "input": { "current": temporary, "new": "Mat-khau-rieng-2026", "confirm": "Mat-khau-rieng-2026" } }),
            )
            .await;
        client
    }

    /// Marks `username` as having completed every training module (as the demo's trained
    /// officers have), so an account a test creates may submit and approve evaluations.
    pub async fn complete_training(&self, username: &str) {
        sqlx::query(
            "INSERT INTO training_completions (user_id, module_id, version_id, completed_at, verify_code)
             SELECT u.id, v.module_id, v.id, $2, 'TEST' || u.id || '-' || v.module_id
             FROM users u, training_module_versions v WHERE u.username = $1 AND v.status = 'published'",
        )
        .bind(username)
        .bind(chrono::Utc::now())
        .execute(&self.db)
        .await
        .unwrap_or_else(|e| panic!("training of {username}: {e}"));
    }

    /// The id of a user.
    pub async fn user_id(&self, username: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(&self.db)
            .await
            .unwrap_or_else(|e| panic!("user {username}: {e}"))
    }

    /// The first active household (by id) in a village of the commune with `commune_code`.
    pub async fn household_in_commune(&self, commune_code: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT h.id FROM households h JOIN org_units v ON v.id = h.village_id
             JOIN org_units c ON c.id = v.parent_id
             WHERE c.code = $1 AND h.active ORDER BY h.id LIMIT 1",
        )
        .bind(commune_code)
        .fetch_one(&self.db)
        .await
        .unwrap_or_else(|e| panic!("a household in {commune_code}: {e}"))
    }

    /// The first active clan of the commune with `commune_code`.
    pub async fn clan_in_commune(&self, commune_code: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT k.id FROM clans k JOIN org_units c ON c.id = k.commune_id
             WHERE c.code = $1 AND k.active ORDER BY k.id LIMIT 1",
        )
        .bind(commune_code)
        .fetch_one(&self.db)
        .await
        .unwrap_or_else(|e| panic!("a clan in {commune_code}: {e}"))
    }

    /// The first active organisation managed by the unit with `unit_code`.
    pub async fn organisation_of(&self, unit_code: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT o.id FROM organisations o JOIN org_units u ON u.id = o.managing_unit_id
             WHERE u.code = $1 AND o.active ORDER BY o.id LIMIT 1",
        )
        .bind(unit_code)
        .fetch_one(&self.db)
        .await
        .unwrap_or_else(|e| panic!("an organisation of {unit_code}: {e}"))
    }

    /// Every household in the database, active or not.
    pub async fn household_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM households")
            .fetch_one(&self.db)
            .await
            .expect("households can be counted")
    }

    /// Asserts that the registry counters (`unit_counts`) equal a fresh count of the active
    /// households, clans and organisations under every unit.
    pub async fn assert_counts_match(&self, when: &str) {
        let mut expected: std::collections::BTreeMap<(i64, String), i64> = Default::default();
        for (entity, sql) in [
            ("household", "SELECT u.path FROM households h JOIN org_units u ON u.id = h.village_id WHERE h.active"),
            ("clan", "SELECT u.path FROM clans k JOIN org_units u ON u.id = k.commune_id WHERE k.active"),
            ("organisation", "SELECT u.path FROM organisations o JOIN org_units u ON u.id = o.managing_unit_id WHERE o.active"),
        ] {
            let paths: Vec<String> = sqlx::query_scalar(sql).fetch_all(&self.db).await.unwrap();
            for path in paths {
                for unit in path.split('/').filter(|s| !s.is_empty()) {
                    *expected
                        .entry((unit.parse().unwrap(), entity.to_string()))
                        .or_default() += 1;
                }
            }
        }
        let stored: Vec<(i64, String, i64)> =
            sqlx::query_as("SELECT unit_id, entity, active FROM unit_counts WHERE active <> 0")
                .fetch_all(&self.db)
                .await
                .unwrap();
        let actual: std::collections::BTreeMap<_, _> =
            stored.into_iter().map(|(u, e, n)| ((u, e), n)).collect();
        assert_eq!(
            actual, expected,
            "{when}: the counters disagree with the registry"
        );
    }

    /// Households (active or not) in the subtree of the unit with `code`.
    pub async fn household_count_under(&self, code: &str) -> i64 {
        let path = self.unit_path(self.unit_id(code).await).await;
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM households h JOIN org_units v ON v.id = h.village_id
             WHERE v.path LIKE $1 || '%'",
        )
        .bind(path)
        .fetch_one(&self.db)
        .await
        .expect("households can be counted")
    }
}

impl Client {
    /// `POST /api/login` as a plain form, the way the sign-in page posts it.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/api/login", self.base))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .expect("the login request is sent")
    }

    /// Calls the server function at `/api/<path>` with a JSON body; returns the status and the
    /// JSON answer (`Value::String` when the answer is not JSON).
    pub async fn post_fn(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .post(format!("{}/api/{path}", self.base))
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /api/{path}: {e}"));
        read_json(res).await
    }

    /// Calls a server function that must succeed, and returns its answer.
    pub async fn ok(&self, path: &str, body: Value) -> Value {
        let (status, value) = self.post_fn(path, body).await;
        assert_eq!(status, StatusCode::OK, "POST /api/{path} failed: {value}");
        value
    }

    /// `GET <path>` on the server.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// `GET path` as a browser asks for a page (`Accept: text/html`), redirects not followed.
    pub async fn get_page(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::ACCEPT, "text/html,application/xhtml+xml")
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// `POST /import/upload?kind=<kind>` with the file as multipart field `file`.
    pub async fn upload(&self, kind: &str, filename: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        self.post_file(&format!("/import/upload?kind={kind}"), filename, bytes)
            .await
    }

    /// `POST <path>` (path and query) with the file as multipart field `file`; returns the
    /// status and the JSON answer.
    pub async fn post_file(
        &self,
        path: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("upload {filename} to {path}: {e}"));
        read_json(res).await
    }

    /// Every row of a registry list (`households/list`, `clans/list`, `organisations/list`)
    /// for a query, following the pages; also returns the reported total.
    pub async fn list_all(&self, path: &str, query: Value) -> (Vec<Value>, i64) {
        let mut rows = Vec::new();
        let mut page = 1;
        loop {
            let mut q = query.clone();
            q["page"] = json!(page);
            q["per_page"] = json!(200);
            let body = self.ok(path, json!({ "query": q })).await;
            let items = body["items"].as_array().cloned().unwrap_or_default();
            let total = body["total"].as_i64().expect("a page has a total");
            let done = items.is_empty() || rows.len() + items.len() >= total as usize;
            rows.extend(items);
            if done {
                return (rows, total);
            }
            page += 1;
            assert!(page < 1000, "{path} never ends");
        }
    }
}

async fn read_json(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// A list query: the defaults of `ListQuery` with `overrides` applied.
pub fn list_query(overrides: Value) -> Value {
    let mut query = json!({
        "unit_id": null,
        "q": "",
        "sort": "",
        "desc": false,
        "page": 1,
        "per_page": 25,
        "include_inactive": false,
    });
    if let (Some(target), Some(changes)) = (query.as_object_mut(), overrides.as_object()) {
        for (key, value) in changes {
            target.insert(key.clone(), value.clone());
        }
    }
    query
}

/// The Vietnamese message of a `Forbidden`, `NotFound`, `BadRequest` or `TooManyAttempts`
/// error body, or `None` when the body is another variant.
pub fn error_message(body: &Value, variant: &str) -> Option<String> {
    body.get(variant)?.get("vi")?.as_str().map(str::to_string)
}

/// Asserts that a call was refused as out of scope: 403 with a Vietnamese message.
#[track_caller]
pub fn assert_forbidden(status: StatusCode, body: &Value, what: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body}");
    let message = error_message(body, "Forbidden")
        .unwrap_or_else(|| panic!("{what}: not a Forbidden error: {body}"));
    assert!(
        message.contains("quyền"),
        "{what}: the message should explain the missing permission in Vietnamese: {message}"
    );
}

/// The field names of a `Validation` error body.
pub fn invalid_fields(body: &Value) -> Vec<String> {
    body.get("Validation")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Folds text the way a user expects search to: no accents, no case, `đ` as `d`. Written here
/// independently of the code under test.
pub fn fold(text: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A valid household input for a village.
pub fn household_input(village_id: i64, head_name: &str, address: &str) -> Value {
    json!({
        "village_id": village_id,
        "code": "",
        "head_name": head_name,
        "address": address,
        "phone": "",
        "members": [],
    })
}

/// An .xlsx workbook whose first sheet holds `rows` as text cells (the first row is the header).
pub fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet
                .write_string(r as u32, c as u16, value)
                .expect("a cell is written");
        }
    }
    book.save_to_buffer().expect("the workbook is saved")
}

/// Turns string slices into the owned rows [`xlsx`] takes.
pub fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Reads the first sheet of an .xlsx workbook as text rows.
pub fn read_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .expect("the export is a valid .xlsx workbook");
    let range = book
        .worksheet_range_at(0)
        .expect("the workbook has a sheet")
        .expect("the sheet reads");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}
