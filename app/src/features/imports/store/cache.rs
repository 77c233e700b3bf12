//! The last file read and the last rows checked, kept between the steps of an import (upload →
//! preview → commit) so a 100,000-row file is not read and checked three times.
//!
//! An entry is keyed by a SHA-256 of everything its value is computed from — the file's bytes
//! and type, and for checked rows the column mapping and the year — and those computations use
//! nothing else (no database, no user). So a hit is exactly what a fresh read would give,
//! whichever batch, user or database asked first; every check that needs the database or the
//! caller runs again on each step. One entry per cache bounds the memory to one file in flight.

use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};

/// A cache key: the SHA-256 of the parts a value depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl Key {
    pub fn of(parts: &[&[u8]]) -> Key {
        let mut hash = Sha256::new();
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
        Key(hash.finalize().into())
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A one-entry cache.
pub struct StepCache<T> {
    slot: Mutex<Option<(Key, Arc<T>)>>,
}

impl<T> StepCache<T> {
    pub const fn new() -> Self {
        StepCache {
            slot: Mutex::new(None),
        }
    }

    pub fn get(&self, key: Key) -> Option<Arc<T>> {
        let slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        slot.as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: Key, value: Arc<T>) {
        *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, value));
    }

    /// Forgets the entry if it is `key`'s (a committed file is not needed again).
    pub fn forget(&self, key: Key) {
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|(k, _)| *k == key) {
            *slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_needs_the_same_parts() {
        let cache = StepCache::new();
        let key = Key::of(&[b"ab", b"c"]);
        cache.put(key, Arc::new(1));
        assert_eq!(cache.get(key).as_deref(), Some(&1));
        assert_eq!(cache.get(Key::of(&[b"a", b"bc"])), None);
        cache.forget(key);
        assert_eq!(cache.get(key), None);
    }
}
