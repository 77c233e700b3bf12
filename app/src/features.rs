//! The product's features, one folder per noun, each in the same four parts:
//!
//! - `types`: the wire types the browser and the server exchange (both targets);
//! - `api`: its server functions — the caller's permission and scope, then one `store` call;
//! - `store` (`ssr` only): its SQL, transactions and audit entries;
//! - `pages`: its routes and components.
//!
//! Imports only go down: pages → api and types → store → the shared layers (`crate::server`
//! for the database, sessions and audit log, `crate::domain` for the rules). A store never
//! imports an api module; a feature uses another one only through its `types` or `store`.
//! docs/ARCHITECTURE.md has the map, and which features still live in the older layer folders
//! (`api/`, `server/`, `pages/`) until they are moved.

pub mod clans;
pub mod households;
pub mod organisations;
pub mod users;
