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
        // 32 MB of page cache per connection instead of 2 MB, so a large list or a unit
        // import does not spill and re-read pages. Pages are cached only as they are used; an
        // import of households gets more on a connection of its own (`bulk_write_connection`).
        .pragma("cache_size", "-32768");
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

/// A connection of its own for one bulk write (an import of up to 200,000 rows), taken out of
/// the pool for good: it is closed when dropped, so the settings below never reach another
/// request, even if the import is cancelled half-way.
///
/// - Foreign keys are not checked by the engine on it. With them on, every multi-row `INSERT`
///   may have to undo itself alone, so SQLite copies each already-written page the statement
///   touches to a statement journal first: for 100,000 households that was 778,000 writes to a
///   temporary file and more than half the time of the rows. A bulk write checks its
///   references itself, inside its write transaction (see `imports::households`), and uses
///   `INSERT OR FAIL`, so that unique and NOT NULL checks stop the statement without needing
///   that journal either; the caller then rolls the whole transaction back.
/// - A page cache of [`BULK_CACHE_MB`]: a 200,000-row file dirties some 150 MB of table and
///   index pages; with the usual 32 MB they spill to the log mid-way and are read back.
///
/// - No checkpoint at its commit. A commit that leaves more than 1,000 pages in the log copies
///   them into the database file before `COMMIT` returns; for a bulk write that is some
///   200 MB, and the officer would wait for it although the rows are already safe in the log.
///   Call [`checkpoint_and_close`] after answering.
///
/// Start its transaction with [`begin_write_on`].
pub async fn bulk_write_connection(pool: &Pool) -> Result<Conn, sqlx::Error> {
    let mut conn = pool.acquire().await?.detach();
    for pragma in ["PRAGMA foreign_keys = OFF", "PRAGMA wal_autocheckpoint = 0"] {
        sqlx::query(pragma).execute(&mut conn).await?;
    }
    set_cache_mb(&mut conn, BULK_CACHE_MB).await?;
    Ok(conn)
}

/// Copies the log of a [`bulk_write_connection`]'s commit into the database file, in the
/// background, then closes the connection. Readers and writers go on meanwhile (a passive
/// checkpoint waits for no one); had it not run, the next commit elsewhere would do it.
pub fn checkpoint_and_close(mut conn: Conn) {
    tokio::spawn(async move {
        use sqlx::Connection;
        let started = std::time::Instant::now();
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut conn)
            .await
        {
            tracing::warn!(error = %e, "checkpoint after a bulk write failed");
        }
        tracing::debug!(
            checkpoint_ms = started.elapsed().as_millis() as u64,
            "checkpoint after a bulk write"
        );
        conn.close().await.ok();
    });
}

/// The page cache of a [`bulk_write_connection`], in MB (pages are allocated only as used).
pub const BULK_CACHE_MB: i64 = 256;

/// [`begin_write`] on a connection of one's own (a [`bulk_write_connection`]).
pub async fn begin_write_on(conn: &mut Conn) -> Result<sqlx::Transaction<'_, Db>, sqlx::Error> {
    use sqlx::Connection;
    conn.begin_with("BEGIN IMMEDIATE").await
}

/// Runs one statement per chunk (a bulk write), building the next while the database runs the
/// current one: the values are bound on the async side and the statement runs on the
/// connection's own thread, so on two cores the two overlap instead of taking turns.
pub async fn execute_chunks<'a, T: 'a>(
    conn: &mut Conn,
    mut chunks: impl Iterator<Item = &'a [T]>,
    build: impl Fn(&'a [T]) -> sqlx::QueryBuilder<'a, Db>,
) -> Result<(), sqlx::Error> {
    let Some(first) = chunks.next() else {
        return Ok(());
    };
    let mut current = build(first);
    loop {
        let next_chunk = chunks.next();
        let (done, next) = tokio::join!(current.build().execute(&mut *conn), async {
            next_chunk.map(&build)
        });
        done?;
        match next {
            Some(next) => current = next,
            None => return Ok(()),
        }
    }
}

/// Changes the page cache of one connection (a bulk-write connection's, which is never pooled).
async fn set_cache_mb(conn: &mut Conn, mb: i64) -> Result<(), sqlx::Error> {
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

/// Appends `ORDER BY` the comma-separated `columns`, each in the one direction (a list page's
/// sort).
pub fn push_order(qb: &mut sqlx::QueryBuilder<'_, Db>, columns: &str, desc: bool) {
    let dir = if desc { " DESC" } else { " ASC" };
    qb.push(" ORDER BY ");
    for (i, col) in columns.split(", ").enumerate() {
        if i > 0 {
            qb.push(", ");
        }
        qb.push(col).push(dir);
    }
}
