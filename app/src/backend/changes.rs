//! What changed, for the live dashboards: every change a dashboard shows (a registration's
//! state, a recognition, a completed training, a household added or switched off, a target)
//! notes the unit it happened at in `dashboard_changes`, inside its own transaction. So a note
//! exists only once its change has committed, whoever made it (a page, an import, another
//! server on the same database).
//!
//! One task per server ([`ChangeFeed::start`]) reads the new notes a few times a second, only
//! while some dashboard is open, and broadcasts each batch of unit paths. Each open event stream
//! ([`events`]) passes on only what lies in its user's scope, and tells a client that fell
//! behind to read a fresh snapshot instead of silently dropping what it missed.

use crate::backend::db::{self, Conn, Db, Pool};
use crate::domain::org::path_is_within;
use crate::error::AppResult;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use sqlx::QueryBuilder;
use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// How often the task looks for new notes while a dashboard is open.
const POLL: Duration = Duration::from_millis(200);
/// Batches a stream may fall behind before it is told to read a snapshot.
const BACKLOG: usize = 64;
/// Notes older than this are deleted (no stream needs them: a reconnecting one reads a
/// snapshot).
const KEEP: Duration = Duration::from_secs(600);
/// A stream ends after this long and the browser reconnects: the reconnection checks the
/// session again (a user signed out elsewhere stops receiving).
const STREAM_LIFETIME: Duration = Duration::from_secs(600);

/// Notes that the figures of the unit at `unit_path` changed. Call inside the change's
/// transaction.
pub async fn note(conn: &mut Conn, unit_path: &str) -> AppResult<()> {
    note_many(conn, std::iter::once(unit_path)).await
}

/// Notes several units at once (an import touches many villages): one row per distinct unit.
pub async fn note_many<'a>(
    conn: &mut Conn,
    unit_paths: impl IntoIterator<Item = &'a str>,
) -> AppResult<()> {
    let paths: BTreeSet<&str> = unit_paths.into_iter().collect();
    let paths: Vec<&str> = paths.into_iter().collect();
    let at = db::now();
    for chunk in paths.chunks(400) {
        let mut qb: QueryBuilder<Db> =
            QueryBuilder::new("INSERT INTO dashboard_changes (unit_path, at) ");
        qb.push_values(chunk, |mut row, path| {
            row.push_bind(*path).push_bind(at);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Notes the units where `user_id` holds a role (their training counts there).
pub async fn note_user(conn: &mut Conn, user_id: i64) -> AppResult<()> {
    note_selected(
        conn,
        "SELECT o.path AS path FROM role_assignments r JOIN org_units o ON o.id = r.org_unit_id WHERE r.user_id = $1",
        user_id,
    )
    .await
}

/// Notes every unit path `select` gives for `id` (one column named `path`; `$1` is `id`): for a change
/// whose units are found by a query, such as a session's delegates.
pub async fn note_selected(conn: &mut Conn, select: &str, id: i64) -> AppResult<()> {
    sqlx::query(&format!(
        "INSERT INTO dashboard_changes (unit_path, at) SELECT DISTINCT path, $2 FROM ({select})"
    ))
    .bind(id)
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One batch of committed changes: the units whose figures changed, and the id of the last
/// note read.
#[derive(Clone, Debug)]
pub struct Changed {
    pub seq: i64,
    pub paths: Arc<[String]>,
}

impl Changed {
    /// Whether a user whose dashboard scope is `scopes` should hear of it: a change inside the
    /// scope, or at a unit above it (a district's targets apply to its communes).
    pub fn concerns(&self, scopes: &[String]) -> bool {
        self.paths.iter().any(|path| {
            scopes
                .iter()
                .any(|scope| path_is_within(path, scope) || path_is_within(scope, path))
        })
    }
}

/// The server's one reader of `dashboard_changes` and the broadcast the event streams listen
/// to. Cloning shares it.
#[derive(Clone)]
pub struct ChangeFeed {
    sender: broadcast::Sender<Changed>,
    closing: watch::Sender<bool>,
}

impl ChangeFeed {
    /// Starts the reader task on `pool`. It stops when the feed is closed or the pool is.
    pub fn start(pool: Pool) -> ChangeFeed {
        let (sender, _) = broadcast::channel(BACKLOG);
        let (closing, _) = watch::channel(false);
        let feed = ChangeFeed { sender, closing };
        let task = feed.clone();
        tokio::spawn(async move { task.read_notes(pool).await });
        feed
    }

    /// A receiver of every batch from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.sender.subscribe()
    }

    /// Ends every open stream (at shutdown, so the server does not wait for them).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// How many event streams are open.
    pub fn listeners(&self) -> usize {
        self.sender.receiver_count()
    }

    async fn read_notes(self, pool: Pool) {
        let mut closing = self.closing.subscribe();
        let mut tick = tokio::time::interval(POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        // The newest note already told (or passed while nobody listened).
        let mut last: Option<i64> = None;
        let mut since_prune = Duration::ZERO;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = closing.changed() => break,
            }
            if pool.is_closed() || *closing.borrow() {
                break;
            }
            since_prune += POLL;
            if since_prune >= Duration::from_secs(60) {
                since_prune = Duration::ZERO;
                let cutoff = db::now() - chrono::Duration::from_std(KEEP).unwrap_or_default();
                if let Err(e) = sqlx::query("DELETE FROM dashboard_changes WHERE at < $1")
                    .bind(cutoff)
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(error = %e, "could not prune dashboard change notes");
                }
            }
            // While nobody listens, only the newest note's id is followed (one indexed read),
            // so a stream that opens next hears of everything from about now on.
            if self.sender.receiver_count() == 0 || last.is_none() {
                match sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM dashboard_changes")
                    .fetch_one(&pool)
                    .await
                {
                    Ok(id) => last = Some(id.unwrap_or(0)),
                    Err(e) => tracing::warn!(error = %e, "could not read dashboard change notes"),
                }
                continue;
            }
            let from = last.unwrap_or(0);
            let rows: Vec<(i64, String)> = match sqlx::query_as(
                "SELECT id, unit_path FROM dashboard_changes WHERE id > $1 ORDER BY id LIMIT 5000",
            )
            .bind(from)
            .fetch_all(&pool)
            .await
            {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read dashboard change notes");
                    continue;
                }
            };
            let Some(seq) = rows.last().map(|(id, _)| *id) else {
                continue;
            };
            last = Some(seq);
            let paths: BTreeSet<String> = rows.into_iter().map(|(_, p)| p).collect();
            // No receiver left between the check and now is fine: the batch is dropped.
            let _ = self.sender.send(Changed {
                seq,
                paths: paths.into_iter().collect(),
            });
        }
    }
}

/// What one event stream sends next.
enum Next {
    Send(Event),
    Skip,
    End,
}

/// The event stream of one dashboard tab, for a user whose dashboard scope is `scopes`:
///
/// - `live` at once (the page shows "trực tiếp" and reads a snapshot if it had lost the
///   stream);
/// - `change` with the batch's number whenever something in the scope committed;
/// - `resync` when the stream fell behind and missed batches (read a snapshot);
/// - nothing about other scopes, ever.
///
/// It ends at shutdown and after [`STREAM_LIFETIME`]; the browser reconnects by itself.
pub fn events(
    feed: &ChangeFeed,
    scopes: Vec<String>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = feed.subscribe();
    let closing = feed.closing.subscribe();
    let deadline = tokio::time::Instant::now() + STREAM_LIFETIME;
    let hello = Event::default()
        .event("live")
        .data("0")
        .retry(Duration::from_secs(2));
    let state = (receiver, closing, scopes, Some(hello));
    let stream = futures_util::stream::unfold(
        state,
        move |(mut receiver, mut closing, scopes, hello)| async move {
            if let Some(hello) = hello {
                return Some((Ok(hello), (receiver, closing, scopes, None)));
            }
            loop {
                if *closing.borrow() {
                    return None;
                }
                let next = tokio::select! {
                    received = receiver.recv() => match received {
                        Ok(batch) if batch.concerns(&scopes) => {
                            Next::Send(Event::default().event("change").data(batch.seq.to_string()))
                        }
                        Ok(_) => Next::Skip,
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            Next::Send(Event::default().event("resync").data("0"))
                        }
                        Err(broadcast::error::RecvError::Closed) => Next::End,
                    },
                    _ = closing.changed() => Next::End,
                    _ = tokio::time::sleep_until(deadline) => Next::End,
                };
                match next {
                    Next::Send(event) => {
                        return Some((Ok(event), (receiver, closing, scopes, None)))
                    }
                    Next::Skip => continue,
                    Next::End => return None,
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(paths: &[&str]) -> Changed {
        Changed {
            seq: 1,
            paths: paths.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn a_change_concerns_the_scopes_above_it_and_below_it_only() {
        let commune_a = vec!["/1/2/3/".to_string()];
        assert!(batch(&["/1/2/3/9/"]).concerns(&commune_a));
        assert!(
            batch(&["/1/2/"]).concerns(&commune_a),
            "the district's targets"
        );
        assert!(!batch(&["/1/2/4/10/"]).concerns(&commune_a), "commune B");
        assert!(
            !batch(&["/1/2/30/"]).concerns(&commune_a),
            "a prefix of digits is not a parent"
        );
    }
}
