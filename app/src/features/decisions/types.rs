//! The decisions' wire types: a decision to issue and a stored one.

use crate::domain::criteria::TitleKind;
use serde::{Deserialize, Serialize};

/// A recognition decision to issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionInput {
    /// Số quyết định, e.g. "125/QĐ-UBND".
    pub number: String,
    pub decision_date: chrono::NaiveDate,
    /// Cơ quan ban hành, e.g. "UBND xã Trà Bình".
    pub authority: String,
    /// Người ký.
    pub signer: String,
    pub year: i32,
    pub title_kind: TitleKind,
    /// The org unit of the issuing authority.
    pub unit_id: i64,
    /// Approved registrations to recognise.
    pub recognised: Vec<i64>,
    /// Approved registrations not recognised.
    pub not_recognised: Vec<i64>,
}

/// A stored decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    pub id: i64,
    pub number: String,
    pub decision_date: chrono::NaiveDate,
    pub authority: String,
    pub signer: String,
    pub year: i32,
    pub title_kind: TitleKind,
    pub unit_id: i64,
    pub unit_name: String,
    pub recognised_count: i64,
    pub not_recognised_count: i64,
}
