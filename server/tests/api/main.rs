//! Integration tests over HTTP: the real server started in-process on a free port, a fresh
//! SQLite copy of the demo database per test, no mocks.
//!
//! One binary (`cargo test -p khuyenhoc-server --test api`) so the demo template is built once; see
//! [`helpers`] for the harness.

// Test code may panic on a broken precondition: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod auth;
mod basics;
mod certificates;
mod criteria_sets;
mod cycle_permissions;
mod cycle_support;
mod dashboards;
mod decisions;
mod evaluations;
mod export;
mod hardening_auth;
mod hardening_cycle;
mod hardening_registry;
mod hardening_uploads;
mod helpers;
mod household_list_at_scale;
mod households;
mod imports;
mod org_units;
mod province_scale;
mod registrations;
mod reports;
mod rollups;
mod rollups_property;
mod scope;
mod search;
mod targets_import;
mod training;
mod training_admin;
mod unit_history;
