//! Login throttling and the bound on password checks.
//!
//! Two things can go wrong when many password checks arrive at once:
//! - **Races.** If the failure count is read, then the password verified, then a failure
//!   recorded, forty parallel guesses all read "no failures yet" and all get an answer. Here
//!   counting and recording are one step: [`reserve_attempt`] counts the recent failures of the
//!   account and of the client address and, under the limits, inserts a failure row in the same
//!   `BEGIN IMMEDIATE` transaction, *before* the password is checked. A right password deletes
//!   it again; a wrong one leaves it as the recorded failure. So N parallel guesses get at most
//!   the limit of answers and 429 for the rest.
//! - **Memory.** An argon2id verification holds 19 MiB while it runs. [`LoginGate`] lets as
//!   many run at once as there are cores, and keeps a bounded number of attempts waiting;
//!   beyond that an attempt is answered 503 at once, before it touches the database. Each
//!   worker verifies in its own buffer, allocated once and reused: allocating 19 MiB per check
//!   on whichever blocking thread runs it left freed buffers behind in the allocator's
//!   per-thread arenas (measured: 1,000 parallel sign-ins took the process from 215 to 427 MB
//!   with only two checks at a time; with reused buffers see `bench/login`).

use crate::backend::db::{self, Pool};
use crate::backend::error::internal;
use crate::domain::text::search_key;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Window in which failed logins are counted, and how long a lock lasts.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// Failed logins from one client address within the window before it is refused.
pub const MAX_FAILURES_PER_IP: i64 = 30;

/// The bound on password checks: at most `workers` argon2id verifications at once (one per
/// core: more would not finish sooner, only hold more memory) and at most `places` attempts in
/// progress, waiting or verifying.
#[derive(Debug)]
pub struct LoginGate {
    places: Arc<Semaphore>,
    workers: Arc<Workers>,
}

/// The verification workers: a permit per worker and as many reusable argon2 buffers.
#[derive(Debug)]
struct Workers {
    permits: Arc<Semaphore>,
    buffers: std::sync::Mutex<Vec<Vec<argon2::Block>>>,
}

/// A place among the attempts in progress, held until the attempt is answered. Only a holder
/// can verify a password, so no verification escapes the bound.
#[derive(Debug)]
pub struct Place {
    _permit: OwnedSemaphorePermit,
    workers: Arc<Workers>,
}

impl LoginGate {
    /// A gate with one verification worker per core and `places` places in all.
    pub fn new(places: usize) -> LoginGate {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        LoginGate::with_workers(cores, places)
    }

    /// A gate with `workers` verification workers and `places` places (at least one of each;
    /// the places include the workers' own).
    pub fn with_workers(workers: usize, places: usize) -> LoginGate {
        let workers = workers.max(1);
        LoginGate {
            places: Arc::new(Semaphore::new(places.max(workers))),
            workers: Arc::new(Workers {
                permits: Arc::new(Semaphore::new(workers)),
                buffers: std::sync::Mutex::new((0..workers).map(|_| Vec::new()).collect()),
            }),
        }
    }

    /// Takes a place, or fails at once with `Unavailable` (503) when all are taken: a flood
    /// is answered without queueing, without the database and without memory.
    pub fn enter(&self) -> AppResult<Place> {
        match self.places.clone().try_acquire_owned() {
            Ok(permit) => Ok(Place {
                _permit: permit,
                workers: self.workers.clone(),
            }),
            Err(_) => {
                tracing::warn!("password checks saturated: answering 503");
                Err(busy())
            }
        }
    }
}

impl Place {
    /// Checks `password` against the stored `hash` (or, when `hash` is `None`, against a fixed
    /// dummy hash, so an unknown user costs the same time): waits for a worker, then verifies
    /// off the async runtime.
    pub async fn verify(&self, password: String, hash: Option<String>) -> AppResult<bool> {
        let permit = self
            .workers
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(internal)?;
        // One buffer per permit, so holding a permit means one is free.
        let mut buffer = self
            .workers
            .buffers
            .lock()
            .map_err(internal)?
            .pop()
            .unwrap_or_default();
        let (ok, buffer) = tokio::task::spawn_blocking(move || {
            let ok = match hash {
                Some(hash) => verify_in(&password, &hash, &mut buffer),
                None => {
                    // The dummy is computed once, on a worker like every other hash.
                    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
                        crate::backend::passwords::hash_password("không-phải-mật-khẩu-thật")
                            .unwrap_or_default()
                    });
                    // Always false, but only after the same work as a real check.
                    let _ = verify_in(&password, &DUMMY, &mut buffer);
                    false
                }
            };
            (ok, buffer)
        })
        .await
        .map_err(internal)?;
        if let Ok(mut buffers) = self.workers.buffers.lock() {
            buffers.push(buffer);
        }
        drop(permit);
        Ok(ok)
    }
}

/// Verifies `password` against the PHC string `hash` (any argon2 variant and parameters), using
/// `memory` as the working memory (grown when the hash asks for more, then kept).
fn verify_in(password: &str, hash: &str, memory: &mut Vec<argon2::Block>) -> bool {
    use argon2::password_hash::{Output, PasswordHash};
    use argon2::{Algorithm, Argon2, Params, Version};
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        &mut memory[..blocks],
    );
    // `Output` compares in constant time.
    hashed.is_ok() && Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// The 503 answer of a saturated gate.
pub fn busy() -> AppError {
    AppError::Unavailable(Msg::new(
        "Máy chủ đang bận, vui lòng thử lại sau ít giây.",
        "The server is busy, please try again in a few seconds.",
    ))
}

fn too_many_attempts() -> AppError {
    AppError::TooManyAttempts(Msg::new(
        format!(
            "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {THROTTLE_WINDOW_MINUTES} phút."
        ),
        format!("Too many failed sign-ins. Please try again in {THROTTLE_WINDOW_MINUTES} minutes."),
    ))
}

/// Counts the recent failures of the account and of the client address and, when both are
/// under their limits, records this attempt as a failure in the same write transaction
/// (`BEGIN IMMEDIATE`, so no other attempt counts in between). Returns the row's id, to delete
/// when the password turns out right ([`clear_failures`]) or the check itself fails
/// ([`release_attempt`]). Over a limit: `TooManyAttempts`, and nothing is recorded.
pub async fn reserve_attempt(
    pool: &Pool,
    username: &str,
    ip: &str,
    max_failures: i64,
) -> AppResult<i64> {
    let now = db::now();
    let since: DateTime<Utc> = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let key = search_key(username);
    let mut tx = db::begin_write(pool).await?;
    let by_user: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_failures WHERE username_key = $1 AND at > $2",
    )
    .bind(&key)
    .bind(since)
    .fetch_one(&mut *tx)
    .await?;
    let by_ip: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE client_ip = $1 AND at > $2")
            .bind(ip)
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
    if by_user >= max_failures || by_ip >= MAX_FAILURES_PER_IP {
        return Err(too_many_attempts());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO login_failures (username_key, client_ip, at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&key)
    .bind(ip)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Deletes a reserved attempt that was not the user's failure (the check itself failed).
pub async fn release_attempt(pool: &Pool, id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Clears the failures of an account (its reserved attempt included) after a right password.
pub async fn clear_failures(pool: &Pool, username: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE username_key = $1")
        .bind(search_key(username))
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_gate_answers_busy_at_once_and_frees_places_when_attempts_end() {
        let gate = LoginGate::with_workers(1, 2);
        let first = gate.enter().unwrap();
        let _second = gate.enter().unwrap();

        let third = gate.enter();

        assert!(matches!(third, Err(AppError::Unavailable(_))), "{third:?}");
        assert_eq!(third.unwrap_err().status(), 503);
        drop(first);
        assert!(gate.enter().is_ok(), "an ended attempt frees its place");
    }

    #[test]
    fn places_are_never_fewer_than_workers() {
        let gate = LoginGate::with_workers(3, 0);
        let places: Vec<_> = (0..3).map(|_| gate.enter()).collect();
        assert!(places.iter().all(Result::is_ok));
        assert!(gate.enter().is_err());
    }

    #[tokio::test]
    async fn verifications_run_at_most_workers_at_once() {
        let gate = Arc::new(LoginGate::with_workers(1, 4));
        let hash = crate::backend::passwords::hash_password("mat-khau-thu-nghiem").unwrap();
        let places: Vec<Place> = (0..2).map(|_| gate.enter().unwrap()).collect();
        let held = places[0]
            .workers
            .permits
            .clone()
            .try_acquire_owned()
            .unwrap();

        // With the only worker taken, a verification waits.
        let waiting = places[1].verify("mat-khau-thu-nghiem".into(), Some(hash.clone()));
        let timed_out = tokio::time::timeout(std::time::Duration::from_millis(200), waiting).await;
        assert!(
            timed_out.is_err(),
            "the verification must wait for a worker"
        );

        drop(held);
        let ok = places[1]
            .verify("mat-khau-thu-nghiem".into(), Some(hash))
            .await
            .unwrap();
        assert!(ok);
        let unknown = places[1].verify("x".into(), None).await.unwrap();
        assert!(!unknown, "the dummy hash never matches");
        let wrong = places[1]
            .verify(
                "sai".into(),
                Some(crate::backend::passwords::hash_password("dung").unwrap()),
            )
            .await
            .unwrap();
        assert!(!wrong, "a wrong password does not match");
    }

    #[test]
    fn reused_memory_verifies_like_the_library() {
        let hash = crate::backend::passwords::hash_password("mat-khau-thu-nghiem").unwrap();
        let mut memory = Vec::new();
        assert!(verify_in("mat-khau-thu-nghiem", &hash, &mut memory));
        assert!(!verify_in("mat-khau-khac", &hash, &mut memory));
        assert!(
            verify_in("mat-khau-thu-nghiem", &hash, &mut memory),
            "the buffer is reused"
        );
        assert!(!verify_in("x", "not a hash", &mut memory));
    }
}
