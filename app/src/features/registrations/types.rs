//! The registrations' wire types: a registration and its filters, a bulk registration and what
//! it did, a subject to register, and the work queues.

use crate::domain::criteria::TitleKind;
use crate::domain::workflow::CycleState;
use serde::{Deserialize, Serialize};

/// A registration with where its evaluation stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationRow {
    pub id: i64,
    pub year: i32,
    pub title_kind: TitleKind,
    pub subject_id: i64,
    pub subject_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub state: CycleState,
    pub evaluation_id: Option<i64>,
    pub total: Option<i64>,
    pub max_total: Option<i64>,
    /// Whether the stored score meets the set's rule.
    pub meets_rule: Option<bool>,
}

/// Filters for registration lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationQuery {
    pub year: i32,
    pub title_kind: Option<TitleKind>,
    pub unit_id: Option<i64>,
    pub state: Option<CycleState>,
    pub q: String,
    pub page: i64,
    pub per_page: i64,
}

impl RegistrationQuery {
    /// The first page of a year's registrations, unfiltered.
    pub fn of_year(year: i32) -> Self {
        RegistrationQuery {
            year,
            title_kind: None,
            unit_id: None,
            state: None,
            q: String::new(),
            page: 1,
            per_page: 50,
        }
    }
}

/// A bulk registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterInput {
    pub year: i32,
    pub title_kind: TitleKind,
    /// Ids of households, clans, villages (org units), communes (org units) or organisations,
    /// by the title's subject kind.
    pub subject_ids: Vec<i64>,
}

/// What a bulk registration did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterOutcome {
    pub registered: usize,
    /// Subjects not registered, each with the reason.
    pub skipped: Vec<(i64, crate::i18n::Msg)>,
}

/// A subject that can be registered, with whether it already is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub subject_id: i64,
    pub name: String,
    pub unit_name: String,
    pub registration_id: Option<i64>,
}

/// The queues of the signed-in user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queues {
    /// Registered or being scored, where the user evaluates.
    pub to_score: Vec<RegistrationRow>,
    /// Returned by reviewers, where the user evaluates.
    pub returned: Vec<RegistrationRow>,
    /// Submitted, where the user reviews.
    pub to_review: Vec<RegistrationRow>,
    /// Approved and waiting for a decision, where the user reviews.
    pub to_decide: Vec<RegistrationRow>,
    /// Registrations of `to_review` and `to_decide` the user scored or submitted: someone else
    /// must review and decide them.
    pub contributed: Vec<i64>,
}
