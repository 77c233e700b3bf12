//! The storage layer's entry points: connecting, migrating and starting write transactions.
//!
//! All SQL in the code base uses `$N` placeholders and `RETURNING`, which SQLite and PostgreSQL
//! both accept, and no engine-specific functions except where this module wraps them. The
//! engine is chosen here, through these aliases; see docs/ARCHITECTURE.md for how PostgreSQL is
//! added.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// The database engine in use.
pub type Db = sqlx::Sqlite;
/// A connection pool.
pub type Pool = sqlx::SqlitePool;
/// An open transaction.
pub type Tx = sqlx::Transaction<'static, Db>;
/// A single connection; a `&mut Tx` derefs to one (`&mut *tx`).
pub type Conn = sqlx::SqliteConnection;

/// Opens (creating if missing) the database in WAL mode with foreign keys on, and runs the
/// migrations.
///
/// `synchronous=FULL`: every commit is synced to disk before it is acknowledged, so a save the
/// user saw succeed survives a power cut. With `NORMAL` (the WAL default) the last commits
/// before a power cut may be lost — the database stays intact, but an officer's "đã lưu" would
/// be a lie. The cost is one extra fsync per commit; `bench/durability` prints it.
pub async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        // A writer waits for the write lock instead of failing: a 200,000-row import holds it
        // for a few seconds (`bench/import` prints how long).
        .busy_timeout(Duration::from_secs(20))
        .foreign_keys(true)
        // 32 MB of page cache per connection instead of 2 MB: a 100,000-row import then
        // writes its index pages once instead of spilling and re-reading them (half its time
        // under the write lock, `bench/import`). Pages are cached only as they are used.
        .pragma("cache_size", "-32768"); // CACHE_MB
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
    Ok(pool)
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a transaction that reads and then writes would otherwise fail with
/// "database is locked" under contention instead of waiting its turn.
pub async fn begin_write(pool: &Pool) -> Result<Tx, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// The page cache of every connection, in MB (set when it connects).
pub const CACHE_MB: i64 = 32;

/// Changes the page cache of one connection (a bulk write raises it for its transaction).
pub async fn set_cache_mb(conn: &mut Conn, mb: i64) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("PRAGMA cache_size = -{}", mb * 1024))
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether `err` is a violation of the unique index named `constraint`.
pub fn is_unique_violation(err: &sqlx::Error, constraint: &str) -> bool {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            // SQLite reports the columns, PostgreSQL the index name: accept either.
            db.constraint() == Some(constraint)
                || db.message().contains(constraint_columns(constraint))
        }
        _ => false,
    }
}

/// The columns of each unique index, as SQLite names them in its messages.
fn constraint_columns(constraint: &str) -> &'static str {
    match constraint {
        "org_units_code_key" => "org_units.code",
        // An index on an expression is named in SQLite's message by the index's own name.
        "org_units_code_ci_key" => "org_units_code_ci_key",
        "users_username_key" => "users.username",
        "households_code_key" => "households.village_id, households.code",
        "households_dup_key" => "households.dup_key",
        "role_assignments_unique_key" => "role_assignments.user_id",
        _ => "\u{0}",
    }
}

/// The current time, the one clock every write uses.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
