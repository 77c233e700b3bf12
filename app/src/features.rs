//! The product's features, one folder per noun, each in the same four parts:
//!
//! - `types`: the wire types the browser and the server exchange (both targets);
//! - `api`: its server functions — the caller's permission and scope, then one `store` call;
//! - `store` (`ssr` only): its SQL, transactions and audit entries;
//! - `pages`: its routes and components.
//!
//! Imports only go down: pages → api and types → store → the shared layers (`crate::backend`
//! for the database, sessions, scope and audit log, `crate::domain` for the rules, `crate::ui`
//! for shared components). A store never imports an api module; it uses another feature only
//! through that feature's `types` or `store`, and a page through its `types` or server
//! functions. docs/ARCHITECTURE.md has the map ("How features depend on each other").

pub mod audit;
pub mod certificates;
pub mod clans;
pub mod criteria_sets;
pub mod dashboards;
pub mod decisions;
pub mod evaluations;
pub mod home;
pub mod households;
pub mod imports;
pub mod org_units;
pub mod organisations;
pub mod registrations;
pub mod reports;
pub mod sign_in;
pub mod targets;
pub mod training;
pub mod users;
