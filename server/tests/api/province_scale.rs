//! A province on one machine (issue 8): imports that stay correct under concurrency and a
//! killed process, import files that are not kept, and registry counters that agree with the
//! registry after every kind of change.

use crate::helpers::{error_message, household_input, spawn_app, spawn_app_with, Client};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const COMMUNE: &str = "51-TB-02";
const HEADER: &str = "Mã thôn,Mã hộ,Họ tên chủ hộ,Địa chỉ,Điện thoại,Thành viên\n";
const SURNAMES: &[&str] = &["Hồ", "Đinh", "Nguyễn", "Trần", "Lê", "Phạm", "Võ"];
const GIVEN: &[&str] = &["An", "Bình", "Cường", "Dũng", "Lan", "Hoa", "Mai", "Thảo"];

/// The codes of the villages of a commune.
async fn village_codes(db: &sqlx::SqlitePool, commune: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT v.code FROM org_units v JOIN org_units c ON c.id = v.parent_id
         WHERE c.code = $1 AND v.level = 'thon' AND v.active ORDER BY v.code",
    )
    .bind(commune)
    .fetch_all(db)
    .await
    .unwrap()
}

/// `rows` distinct households over `villages` as CSV; `tag` keeps files apart.
fn household_csv(villages: &[String], rows: usize, tag: &str) -> Vec<u8> {
    let mut out = String::from(HEADER);
    for i in 0..rows {
        let name = format!(
            "{} Văn {} {}",
            SURNAMES[i % SURNAMES.len()],
            GIVEN[(i / SURNAMES.len()) % GIVEN.len()],
            GIVEN[(i / 56) % GIVEN.len()]
        );
        out.push_str(&format!(
            "{},{tag}{i:06},{name},Số {i} đường {tag},09{:08},Hồ Thị Vợ ({})\n",
            villages[i % villages.len()],
            i % 100_000_000,
            1960 + i % 50
        ));
    }
    out.into_bytes()
}

fn import_call(upload: &Value) -> Value {
    json!({ "batch_id": upload["batch_id"], "kind": "Households", "mapping": upload["suggested"] })
}

async fn upload_ok(client: &Client, name: &str, bytes: Vec<u8>) -> Value {
    let (status, body) = client.upload("households", name, bytes).await;
    assert_eq!(status, StatusCode::OK, "upload of {name}: {body}");
    body
}

#[tokio::test]
async fn two_commits_of_the_same_rows_at_once_insert_them_once() {
    // Arrange: the same file uploaded twice (two batches), as by two officers at once
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let other = app.client_for("canbo.trabinh").await;
    let villages = village_codes(&app.db, COMMUNE).await;
    let file = household_csv(&villages, 400, "D");
    let first = upload_ok(&officer, "ho.csv", file.clone()).await;
    let second = upload_ok(&other, "ho-lan-2.csv", file).await;
    let before = app.household_count().await;

    // Act: both commits at once
    let (a, b) = tokio::join!(
        officer.post_fn("import/commit", import_call(&first)),
        other.post_fn("import/commit", import_call(&second)),
    );

    // Assert: one inserted every row, the other was refused naming the duplicates
    let mut answers = [a, b];
    answers.sort_by_key(|(status, _)| status.as_u16());
    assert_eq!(answers[0].0, StatusCode::OK, "{}", answers[0].1);
    assert_eq!(answers[0].1["inserted"], json!(400));
    assert_eq!(answers[1].0, StatusCode::BAD_REQUEST, "{}", answers[1].1);
    let message = error_message(&answers[1].1, "BadRequest").unwrap();
    assert!(message.contains("400 lỗi"), "{message}");
    assert_eq!(app.household_count().await, before + 400);
    app.assert_counts_match("after two concurrent imports")
        .await;
}

#[tokio::test]
async fn the_database_itself_refuses_a_second_active_household_with_the_same_key() {
    // Arrange: an active household
    let app = spawn_app().await;
    let (village, dup_key): (i64, String) =
        sqlx::query_as("SELECT village_id, dup_key FROM households WHERE active LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();

    // Act: a writer that skipped every check inserts the same key
    let inserted = sqlx::query(
        "INSERT INTO households (village_id, head_name, search_key, dup_key, created_at, updated_at)
         VALUES ($1, 'Bản Sao', 'ban sao', $2, '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')",
    )
    .bind(village)
    .bind(&dup_key)
    .execute(&app.db)
    .await;

    // Assert
    let err = inserted.expect_err("a duplicate active household must be refused");
    assert!(err.to_string().contains("UNIQUE"), "{err}");
}

#[tokio::test]
async fn reactivating_a_household_that_was_entered_again_is_refused_with_a_message() {
    // Arrange: a household, deactivated, then entered again with the same head and address
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let village = app.unit_id("51-TB-02-01").await;
    let input = household_input(village, "Hồ Văn Hai Lần", "Thôn 1, nhà 9");
    let old = officer
        .ok("households/create", json!({ "input": input }))
        .await;
    officer
        .ok(
            "households/set-active",
            json!({ "id": old["id"], "version": old["version"], "active": false }),
        )
        .await;
    officer
        .ok("households/create", json!({ "input": input }))
        .await;

    // Act: the old record is reactivated
    let (status, body) = officer
        .post_fn(
            "households/set-active",
            json!({ "id": old["id"], "version": old["version"].as_i64().unwrap() + 1, "active": true }),
        )
        .await;

    // Assert: a clear refusal, not a server error; the counters are untouched
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = error_message(&body, "BadRequest").unwrap();
    assert!(message.contains("Không mở lại được"), "{message}");
    app.assert_counts_match("after a refused reactivation")
        .await;
}

#[tokio::test]
async fn a_committed_file_is_emptied_and_a_stale_upload_is_deleted() {
    // Arrange: one file committed, one left for ten days, one uploaded today
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let villages = village_codes(&app.db, COMMUNE).await;
    let committed = upload_ok(&officer, "a.csv", household_csv(&villages, 5, "R")).await;
    officer.ok("import/commit", import_call(&committed)).await;
    let stale = upload_ok(&officer, "b.csv", household_csv(&villages, 5, "S")).await;
    let fresh = upload_ok(&officer, "c.csv", household_csv(&villages, 5, "T")).await;
    sqlx::query("UPDATE import_batches SET created_at = $1 WHERE id = $2")
        .bind(chrono::Utc::now() - chrono::Duration::days(10))
        .bind(stale["batch_id"].as_i64())
        .execute(&app.db)
        .await
        .unwrap();
    let size = |id: &Value| {
        let db = app.db.clone();
        let id = id.as_i64();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT length(content) FROM import_batches WHERE id = $1")
                .bind(id)
                .fetch_optional(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        size(&committed["batch_id"]).await,
        Some(0),
        "emptied at commit"
    );

    // Act: the retention rule runs (the server runs it every hour)
    let removed = app::features::imports::store::purge_stale(&app.db, 7)
        .await
        .unwrap();

    // Assert: the stale file is gone, today's is kept and still previews
    assert_eq!(removed, 1);
    assert_eq!(size(&stale["batch_id"]).await, None);
    assert!(size(&fresh["batch_id"]).await.unwrap() > 0);
    let (status, body) = officer.post_fn("import/preview", import_call(&stale)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = officer.post_fn("import/preview", import_call(&fresh)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_file_over_200_000_rows_is_refused_with_its_size_and_the_limit_in_words() {
    // Arrange: a CSV one row over the limit (about 20 MB), and an upload limit that lets it in
    let app = spawn_app_with(|c| c.max_upload_mb = 64).await;
    let officer = app.client_for("canbo.trabinh").await;
    let villages = village_codes(&app.db, COMMUNE).await;
    let file = household_csv(&villages, app::features::imports::store::MAX_ROWS + 1, "Q");
    let households_before = app.household_count().await;
    let batches = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM import_batches")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    let batches_before = batches().await;

    // Act
    let (status, body) = officer.upload("households", "ca-tinh.csv", file).await;

    // Assert: refused with both numbers in Vietnamese notation; nothing is kept
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let text = body.to_string();
    assert!(
        text.contains("Tệp có 200.001 dòng, vượt quá giới hạn 200.000 dòng. Hãy chia nhỏ tệp."),
        "{text}"
    );
    assert_eq!(
        batches().await,
        batches_before,
        "no batch is kept for a refused file"
    );
    assert_eq!(app.household_count().await, households_before);
}

#[tokio::test]
async fn the_counters_follow_every_change_to_the_registry() {
    // Arrange
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let admin = app.client_for("quantri").await;
    app.assert_counts_match("the demo data").await;
    let village_a = app.unit_id("51-TB-02-01").await;
    let village_b = app.unit_id("51-TB-02-02").await;
    let commune = app.unit_id(COMMUNE).await;

    // Act and assert, one change at a time
    let created = officer
        .ok(
            "households/create",
            json!({ "input": household_input(village_a, "Hồ Văn Đếm", "Nhà 1") }),
        )
        .await;
    app.assert_counts_match("a household created").await;
    let moved = officer
        .ok(
            "households/update",
            json!({ "id": created["id"], "version": created["version"],
                    "input": household_input(village_b, "Hồ Văn Đếm", "Nhà 1") }),
        )
        .await;
    app.assert_counts_match("a household moved village").await;
    officer
        .ok(
            "households/set-active",
            json!({ "id": moved["id"], "version": moved["version"], "active": false }),
        )
        .await;
    app.assert_counts_match("a household deactivated").await;
    let clan = officer
        .ok(
            "clans/create",
            json!({ "input": { "commune_id": commune, "name": "Dòng họ Đếm", "representative": "Hồ Văn Đếm", "phone": "", "household_ids": [] } }),
        )
        .await;
    officer
        .ok(
            "clans/set-active",
            json!({ "id": clan["id"], "version": clan["version"], "active": false }),
        )
        .await;
    officer
        .ok(
            "organisations/create",
            json!({ "input": { "name": "Trường Đếm", "kind": "School", "managing_unit_id": commune, "head_name": "", "address": "", "phone": "" } }),
        )
        .await;
    app.assert_counts_match("a clan and an organisation").await;
    let villages = village_codes(&app.db, COMMUNE).await;
    let upload = upload_ok(&officer, "ho.csv", household_csv(&villages, 50, "C")).await;
    officer.ok("import/commit", import_call(&upload)).await;
    app.assert_counts_match("an import").await;
    let other_commune = app.unit_id("51-TB-01").await;
    admin
        .ok(
            "units/move",
            json!({ "id": village_a, "version": app.unit_version(village_a).await, "new_parent_id": other_commune }),
        )
        .await;
    app.assert_counts_match("a village moved to another commune")
        .await;

    // And the home page's summary reads them: the officer's commune, counted directly
    let summary = officer.ok("units/summary", json!({})).await;
    let direct: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM households h JOIN org_units v ON v.id = h.village_id
         JOIN org_units c ON c.id = v.parent_id WHERE c.code = $1 AND h.active",
    )
    .bind(COMMUNE)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(summary["households"], json!(direct), "{summary}");
}

// ---------------------------------------------------------------------------------------------
// kill -9 during a 100,000-row commit, against the real server binary

/// The release (or test-profile) server binary on a database in `dir`.
struct Process {
    child: std::process::Child,
    base: String,
}

impl Process {
    async fn start(dir: &Path) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_khuyenhoc-server"))
            .env("LEPTOS_OUTPUT_NAME", "khuyen-hoc")
            .env(
                "LEPTOS_SITE_ROOT",
                concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"),
            )
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("KH_DEMO", "true")
            .env(
                "KH_DATABASE_URL",
                format!("sqlite://{}", dir.join("kill.db").display()),
            )
            .env("KH_MAX_UPLOAD_MB", "64")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        while http.get(format!("{base}/health")).send().await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the server answers /health"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Process { child, base }
    }

    async fn client(&self, username: &str) -> Client {
        let client = Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: self.base.clone(),
        };
        let res = client
            .login(username, app::backend::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        client
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What "exactly as before" means: every table an import writes to, counted.
async fn snapshot(db: &sqlx::SqlitePool) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for (name, sql) in [
        ("households", "SELECT COUNT(*) FROM households"),
        ("members", "SELECT COUNT(*) FROM household_members"),
        (
            "audit",
            "SELECT COUNT(*) FROM audit_log WHERE action = 'import'",
        ),
        (
            "committed batches",
            "SELECT COUNT(*) FROM import_batches WHERE committed_at IS NOT NULL",
        ),
        (
            "counters",
            "SELECT COALESCE(SUM(active), 0) FROM unit_counts",
        ),
    ] {
        out.push((
            name.to_string(),
            sqlx::query_scalar(sql).fetch_one(db).await.unwrap(),
        ));
    }
    out
}

async fn open(dir: &Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("kill.db").display()))
        .await
        .unwrap()
}

#[tokio::test]
async fn kill_9_during_a_100_000_row_commit_leaves_the_database_as_before() {
    // Arrange: the real binary, a 100,000-row file uploaded
    let dir = tempfile::tempdir().unwrap();
    let mut server = Process::start(dir.path()).await;
    let officer = server.client("canbo.trabinh").await;
    let db = open(dir.path()).await;
    let villages = village_codes(&db, COMMUNE).await;
    let upload = upload_ok(&officer, "tinh.csv", household_csv(&villages, 100_000, "K")).await;
    let before = snapshot(&db).await;
    let wal = dir.path().join("kill.db-wal");
    let wal_size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let wal_at_start = wal_size();

    // Act: commit, and kill the process once the transaction is writing (its pages spill to
    // the write-ahead log long before it commits)
    let commit = tokio::spawn({
        let call = import_call(&upload);
        async move { officer.post_fn("import/commit", call).await }
    });
    let started = Instant::now();
    while wal_size() < wal_at_start + 4 * 1024 * 1024 {
        assert!(
            !commit.is_finished(),
            "the commit finished before it could be killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the commit writes"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.child.kill().expect("kill -9");
    server.child.wait().unwrap();
    let _ = commit.await;
    db.close().await;

    // Assert: after a restart the database is intact and exactly as before
    let server = Process::start(dir.path()).await;
    let db = open(dir.path()).await;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(
        snapshot(&db).await,
        before,
        "nothing of the killed commit remains"
    );

    // And the same upload commits in full afterwards
    let officer = server.client("canbo.trabinh").await;
    let (status, body) = officer.post_fn("import/commit", import_call(&upload)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["inserted"], json!(100_000));
    let households: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM households")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(households, before[0].1 + 100_000);
}

/// (row, Vietnamese message) of each row error of a preview.
fn preview_errors(preview: &Value) -> Vec<(i64, String)> {
    preview["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("not a preview: {preview}"))
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["message"]["vi"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_import_finds_the_registrys_duplicates_whether_the_file_or_the_registry_is_larger() {
    // Arrange: an active household of the commune with a code, and an inactive one with a code.
    // A file of four rows is smaller than the commune's registry (its keys are looked up); the
    // same rows with filler after them outnumber it (its villages are read whole).
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let commune_path = app.unit_path(app.unit_id(COMMUNE).await).await;
    let pick = "SELECT h.id, v.code, h.head_name, h.address, h.code FROM households h
                JOIN org_units v ON v.id = h.village_id
                WHERE v.path LIKE $1 || '%' AND h.active AND h.code <> '' ORDER BY h.id LIMIT 2";
    let picked: Vec<(i64, String, String, String, String)> = sqlx::query_as(pick)
        .bind(&commune_path)
        .fetch_all(&app.db)
        .await
        .unwrap();
    let [(_, v1, head1, address1, _), (inactive_id, v2, _, _, code2)] = &picked[..] else {
        panic!("the demo commune needs two households with codes: {picked:?}");
    };
    sqlx::query("UPDATE households SET active = 0 WHERE id = $1")
        .bind(inactive_id)
        .execute(&app.db)
        .await
        .unwrap();
    let (code1,): (String,) = sqlx::query_as(
        "SELECT code FROM households WHERE active AND code <> '' AND village_id = (SELECT id FROM org_units WHERE code = $1) ORDER BY id DESC LIMIT 1",
    )
    .bind(v1)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let special = format!(
        "{v1},,\"{head1}\",\"{address1}\",,\n\
         {v1},{},Người Mới Một,Số 1 đường Mới,,\n\
         {v2},{code2},Người Mới Hai,Số 2 đường Mới,,\n\
         {v2},,Người Mới Ba,Số 3 đường Mới,,\n",
        code1.to_lowercase(),
    );
    let registered = app.household_count_under(COMMUNE).await as usize;
    let villages = village_codes(&app.db, COMMUNE).await;
    let filler = String::from_utf8(household_csv(&villages, registered + 10, "F")).unwrap();
    let small = format!("{HEADER}{special}");
    let large = format!("{HEADER}{special}{}", &filler[HEADER.len()..]);

    // Act
    let mut answers = Vec::new();
    for (name, file) in [("nho.csv", small), ("lon.csv", large)] {
        let upload = upload_ok(&officer, name, file.into_bytes()).await;
        answers.push(officer.ok("import/preview", import_call(&upload)).await);
    }

    // Assert: both ways name the same three rows for the same reasons.
    for (preview, way) in answers.iter().zip(["keys looked up", "villages read"]) {
        let errors = preview_errors(preview);
        let rows: Vec<i64> = errors.iter().map(|(row, _)| *row).collect();
        assert_eq!(rows, vec![2, 3, 4], "{way}: {errors:?}");
        assert!(
            errors[0].1.contains("đã có trong danh sách"),
            "{way}: {errors:?}"
        );
        assert!(
            errors[1].1.contains("Mã hộ đã được dùng"),
            "{way}: {errors:?}"
        );
        assert!(
            errors[2].1.contains(&format!("hộ số {inactive_id}")),
            "{way}: an inactive household's code is taken too: {errors:?}"
        );
    }
}

#[tokio::test]
async fn the_server_itself_deletes_a_stale_upload_when_it_starts() {
    // Arrange: the real binary; an upload left uncommitted, then aged past the retention
    // (7 days by default) while the server is stopped
    let dir = tempfile::tempdir().unwrap();
    let server = Process::start(dir.path()).await;
    let officer = server.client("canbo.trabinh").await;
    let db = open(dir.path()).await;
    let villages = village_codes(&db, COMMUNE).await;
    let upload = upload_ok(&officer, "de-quen.csv", household_csv(&villages, 5, "P")).await;
    let batch = upload["batch_id"].as_i64();
    drop(server);
    sqlx::query("UPDATE import_batches SET created_at = $1 WHERE id = $2")
        .bind(chrono::Utc::now() - chrono::Duration::days(8))
        .bind(batch)
        .execute(&db)
        .await
        .unwrap();
    let kept = || {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM import_batches WHERE id = $1")
                .bind(batch)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(kept().await, 1);

    // Act: the server starts again; its hourly task runs once at start
    let _server = Process::start(dir.path()).await;

    // Assert: the stale file is gone within seconds, without any request asking for it
    let started = Instant::now();
    while kept().await == 1 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the purge task removes the stale upload"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
