//! The evaluations' wire types: the form's data, a save and its result, a review step, and the
//! comments and evidence files shown with them.

use crate::domain::criteria::{Answers, CriteriaSet};
use crate::domain::scoring::ScoreResult;
use crate::domain::workflow::{CycleState, Transition};
use crate::features::registrations::types::RegistrationRow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A reviewer's comment on one criterion (or on the whole dossier when `criterion_code` is
/// empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionComment {
    pub criterion_code: String,
    pub body: String,
}

/// A stored comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    pub criterion_code: String,
    /// `return` or `unlock`.
    pub kind: String,
    pub body: String,
    pub author_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// An evidence file's description (the content is fetched from `/attachments/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub indicator_code: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// Everything the evaluation form needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationView {
    pub id: i64,
    pub version: i64,
    pub registration: RegistrationRow,
    pub criteria_set_id: i64,
    pub set: CriteriaSet,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
    /// The score as the server stored it.
    pub result: ScoreResult,
    pub comments: Vec<CommentView>,
    pub attachments: Vec<AttachmentView>,
    /// Whether the caller may change answers now (role, scope and state).
    pub can_edit: bool,
    /// Whether the caller may return, approve or unlock (role and scope).
    pub can_review: bool,
    /// Whether the caller saved scores, added evidence or submitted this dossier: then someone
    /// else must return, approve and decide it (four eyes; the server refuses them too).
    pub is_contributor: bool,
}

/// A save of the evaluation form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationInput {
    pub id: i64,
    /// The version the form was loaded with.
    pub version: i64,
    /// The criteria set (id and version) the form scored with; a mismatch is refused.
    pub criteria_set_id: i64,
    pub set_version: u32,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
    /// What the browser computed. Ignored: the server scores again from the answers.
    pub client_total: Option<u32>,
}

/// The result of a save.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationSaved {
    pub version: i64,
    pub state: CycleState,
    pub result: ScoreResult,
}

/// A step of the workflow on an evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInput {
    pub id: i64,
    pub version: i64,
    pub transition: Transition,
    /// Required for `Return` (at least one); ignored otherwise.
    pub comments: Vec<CriterionComment>,
    /// Required for `Unlock`.
    pub reason: String,
}
