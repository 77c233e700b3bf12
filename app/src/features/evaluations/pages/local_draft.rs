//! Unsaved answers kept in `localStorage` under `kh-danh-gia-{id}-v{version}` until the server
//! has them. Without a browser (server rendering) every call does nothing.

use crate::domain::criteria::Answers;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What is kept: the answers and notes, and the version they were written against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalDraft {
    pub version: i64,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
}

#[cfg(feature = "hydrate")]
fn prefix(id: i64) -> String {
    format!("kh-danh-gia-{id}-v")
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

/// The keys of every copy of evaluation `id` (one normally; older ones are dropped).
#[cfg(feature = "hydrate")]
fn keys(storage: &web_sys::Storage, id: i64) -> Vec<String> {
    let prefix = prefix(id);
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(&prefix))
        .collect()
}

/// Keeps `draft`, replacing any other copy of the same evaluation.
pub fn save(_id: i64, _draft: &LocalDraft) {
    #[cfg(feature = "hydrate")]
    if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(_draft)) {
        let key = format!("{}{}", prefix(_id), _draft.version);
        for old in keys(&storage, _id).into_iter().filter(|k| *k != key) {
            let _ = storage.remove_item(&old);
        }
        // A full storage only loses the safety copy; the save itself still goes ahead.
        let _ = storage.set_item(&key, &json);
    }
}

/// Drops the copy written against `version`.
pub fn remove(_id: i64, _version: i64) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&format!("{}{}", prefix(_id), _version));
    }
}

/// Drops every copy of evaluation `id`.
pub fn clear(_id: i64) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = storage() {
        for key in keys(&storage, _id) {
            let _ = storage.remove_item(&key);
        }
    }
}

/// The newest readable copy of evaluation `id`.
pub fn find(_id: i64) -> Option<LocalDraft> {
    #[cfg(feature = "hydrate")]
    {
        let storage = storage()?;
        keys(&storage, _id)
            .into_iter()
            .filter_map(|k| storage.get_item(&k).ok().flatten())
            .filter_map(|json| serde_json::from_str::<LocalDraft>(&json).ok())
            .max_by_key(|d| d.version)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}
