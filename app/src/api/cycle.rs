//! The yearly title cycle: registration, evaluation (scoring with evidence), review, approval,
//! recognition decisions, certificates and the public verification page.
//!
//! The browser scores live with `domain::scoring::score`; [`save_evaluation`] scores again on
//! the server from the raw answers and stores only that result.

use crate::domain::criteria::{Answers, CriteriaSet, SetStatus, TitleKind};
use crate::domain::listing::Page;
use crate::domain::scoring::ScoreResult;
use crate::domain::workflow::{CycleState, Transition};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use crate::{
    domain::auth::Permission,
    server::{auth::as_caller, auth::as_caller_with, cycle, error::with_status, org_units},
};

// ---------------------------------------------------------------------------------------------
// Wire types

/// A criteria set as stored: its database id, status and the set itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredSet {
    pub id: i64,
    pub status: SetStatus,
    /// Optimistic version of the stored row (drafts only change).
    pub row_version: i64,
    pub set: CriteriaSet,
    /// Number of evaluations scored with this set.
    pub evaluation_count: i64,
    /// The unit that issued the set and whose subtree it covers; `None`: national.
    pub owner_unit_id: Option<i64>,
    /// That unit's name (`None`: national).
    pub owner_name: Option<String>,
    /// Whether the caller may edit, publish or copy under this owner (an administrator whose
    /// scope covers the owner unit; for a national set, the whole tree).
    pub can_manage: bool,
}

/// A unit an administrator may choose as the owner of a new draft set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerChoice {
    /// `None`: national (only for administrators of the whole tree).
    pub unit_id: Option<i64>,
    pub name: String,
}

/// A line of the criteria-set list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetSummary {
    pub id: i64,
    pub code: String,
    pub version: u32,
    pub title_kind: TitleKind,
    pub name: String,
    pub source_document: String,
    pub status: SetStatus,
    pub valid_from_year: i32,
    pub valid_to_year: Option<i32>,
    pub has_unverified: bool,
    pub max_total: u32,
    /// The unit that issued the set; `None`: national.
    pub owner_unit_id: Option<i64>,
    pub owner_name: Option<String>,
}

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

/// What a certificate prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub registration_id: i64,
    pub subject_name: String,
    /// Village, commune, district, province names (those that exist), nearest first.
    pub area: Vec<String>,
    pub title_kind: TitleKind,
    pub year: i32,
    pub valid_to_year: i32,
    pub decision_number: String,
    pub decision_date: chrono::NaiveDate,
    pub authority: String,
    pub signer: String,
    pub verify_code: String,
    pub verify_url: String,
}

/// What the public verification page shows: the subject, title, year and decision, nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRecognition {
    pub subject_name: String,
    pub commune: String,
    pub title_kind: TitleKind,
    pub year: i32,
    pub valid_to_year: i32,
    pub recognised: bool,
    pub decision_number: String,
    pub decision_date: chrono::NaiveDate,
    pub authority: String,
}

// ---------------------------------------------------------------------------------------------
// Criteria sets

/// All criteria sets, newest versions first.
#[server(prefix = "/api", endpoint = "sets/list", input = Json)]
pub async fn list_sets() -> Result<Vec<SetSummary>, AppError> {
    as_caller(|state, __| async move { cycle::list_sets(&state.db).await }).await
}

/// One criteria set.
#[server(prefix = "/api", endpoint = "sets/get", input = Json)]
pub async fn get_set(id: i64) -> Result<StoredSet, AppError> {
    as_caller(|state, user| async move { cycle::find_set(&state.db, &user, id).await }).await
}

/// The units the caller may choose as the owner of a new draft (empty for non-administrators).
#[server(prefix = "/api", endpoint = "sets/owner-choices", input = Json)]
pub async fn set_owner_choices() -> Result<Vec<OwnerChoice>, AppError> {
    as_caller(|state, user| async move { cycle::owner_choices(&state.db, &user).await }).await
}

/// Copies a set into a new draft version owned by `owner_unit_id` (a province or district in
/// the caller's scope; `None`: national, for administrators of the whole tree).
#[server(prefix = "/api", endpoint = "sets/copy", input = Json)]
pub async fn copy_set(id: i64, owner_unit_id: Option<i64>) -> Result<StoredSet, AppError> {
    as_caller_with(Permission::ManageCriteria, |state, user| async move {
        cycle::copy_set(&state.db, &user, id, owner_unit_id).await
    })
    .await
}

/// Saves a draft set (it may still have problems; publishing needs none).
#[server(prefix = "/api", endpoint = "sets/save", input = Json)]
pub async fn save_set(id: i64, row_version: i64, set: CriteriaSet) -> Result<StoredSet, AppError> {
    as_caller_with(Permission::ManageCriteria, |state, user| async move {
        cycle::save_draft_set(&state.db, &user, id, row_version, set).await
    })
    .await
}

/// Publishes a draft set after validating it. Published sets never change again.
#[server(prefix = "/api", endpoint = "sets/publish", input = Json)]
pub async fn publish_set(id: i64, row_version: i64) -> Result<StoredSet, AppError> {
    as_caller_with(Permission::ManageCriteria, |state, user| async move {
        cycle::publish_set(&state.db, &user, id, row_version).await
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Registration

/// Subjects of a title within an org unit (e.g. the households of a village), with whether each
/// is already registered for `year`.
#[server(prefix = "/api", endpoint = "cycle/candidates", input = Json)]
pub async fn list_candidates(
    year: i32,
    title_kind: TitleKind,
    unit_id: i64,
) -> Result<Vec<Candidate>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let scopes =
            org_units::list_scopes(&state.db, &user, Permission::ReadRegistry, Some(unit_id))
                .await?;
        cycle::candidates(&state.db, &scopes, year, title_kind).await
    })
    .await
}

/// Registers many subjects for a title and year at once.
#[server(prefix = "/api", endpoint = "cycle/register", input = Json)]
pub async fn register(input: RegisterInput) -> Result<RegisterOutcome, AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        cycle::register(&state.db, &user, input).await
    })
    .await
}

/// Cancels a registration that has not been scored yet.
#[server(prefix = "/api", endpoint = "cycle/unregister", input = Json)]
pub async fn unregister(registration_id: i64) -> Result<(), AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        cycle::unregister(&state.db, &user, registration_id).await
    })
    .await
}

/// Registrations within the caller's scope.
#[server(prefix = "/api", endpoint = "cycle/registrations", input = Json)]
pub async fn list_registrations(
    query: RegistrationQuery,
) -> Result<Page<RegistrationRow>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        let scopes =
            org_units::list_scopes(&state.db, &user, Permission::ReadRegistry, query.unit_id)
                .await?;
        cycle::list_registrations(&state.db, &scopes, &query).await
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// Opens (creating if needed) the evaluation of a registration; returns its id.
#[server(prefix = "/api", endpoint = "cycle/start", input = Json)]
pub async fn start_evaluation(registration_id: i64) -> Result<i64, AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        cycle::start_evaluation(&state.db, &user, registration_id).await
    })
    .await
}

/// The evaluation form's data.
#[server(prefix = "/api", endpoint = "cycle/evaluation", input = Json)]
pub async fn get_evaluation(id: i64) -> Result<EvaluationView, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        cycle::evaluation_view(&state.db, &user, id).await
    })
    .await
}

/// Saves answers and evidence notes. The server scores again and ignores `client_total`.
#[server(prefix = "/api", endpoint = "cycle/save", input = Json)]
pub async fn save_evaluation(input: EvaluationInput) -> Result<EvaluationSaved, AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        cycle::save_evaluation(&state.db, &user, input).await
    })
    .await
}

/// Submits, returns (with comments), approves or unlocks (with a reason) an evaluation.
#[server(prefix = "/api", endpoint = "cycle/step", input = Json)]
pub async fn step_evaluation(input: StepInput) -> Result<EvaluationSaved, AppError> {
    as_caller(|state, user| async move { cycle::step(&state.db, &user, input).await }).await
}

/// What waits for the signed-in user.
#[server(prefix = "/api", endpoint = "cycle/queues", input = Json)]
pub async fn my_queues(year: i32) -> Result<Queues, AppError> {
    as_caller(|state, user| async move { cycle::queues(&state.db, &user, year).await }).await
}

// ---------------------------------------------------------------------------------------------
// Decisions, certificates, verification

/// Issues one recognition decision covering many approved evaluations.
#[server(prefix = "/api", endpoint = "cycle/decide", input = Json)]
pub async fn issue_decision(input: DecisionInput) -> Result<DecisionView, AppError> {
    as_caller_with(Permission::Review, |state, user| async move {
        cycle::issue_decision(&state.db, &user, input).await
    })
    .await
}

/// Decisions within the caller's scope, newest first.
#[server(prefix = "/api", endpoint = "cycle/decisions", input = Json)]
pub async fn list_decisions(year: i32) -> Result<Vec<DecisionView>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        cycle::list_decisions(&state.db, &user, year).await
    })
    .await
}

/// The certificate of one recognised registration.
#[server(prefix = "/api", endpoint = "cycle/certificate", input = Json)]
pub async fn get_certificate(registration_id: i64) -> Result<CertificateView, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        cycle::certificate(&state, &user, registration_id).await
    })
    .await
}

/// All certificates of one decision (bulk printing).
#[server(prefix = "/api", endpoint = "cycle/certificates", input = Json)]
pub async fn decision_certificates(decision_id: i64) -> Result<Vec<CertificateView>, AppError> {
    as_caller_with(Permission::ReadRegistry, |state, user| async move {
        cycle::decision_certificates(&state, &user, decision_id).await
    })
    .await
}

/// Public: what a certificate's verification code stands for. No login needed.
#[server(prefix = "/api", endpoint = "verify", input = Json)]
pub async fn verify_recognition(code: String) -> Result<PublicRecognition, AppError> {
    with_status(
        async move {
            let state = crate::server::AppState::current()?;
            cycle::verify(&state.db, &code).await
        }
        .await,
    )
}

/// Removes an evidence file (only while the evaluation can be edited).
#[server(prefix = "/api", endpoint = "cycle/attachment-delete", input = Json)]
pub async fn delete_attachment(id: i64) -> Result<(), AppError> {
    as_caller_with(Permission::Evaluate, |state, user| async move {
        cycle::delete_attachment(&state.db, &user, id).await
    })
    .await
}

/// The native (server) digest of the scoring fixtures. The self-check page computes the same
/// digest in the browser (WebAssembly) and compares: identical results are shown, not assumed.
#[server(prefix = "/api", endpoint = "cycle/fixture-digest", input = Json)]
pub async fn scoring_fixture_digest() -> Result<String, AppError> {
    Ok(crate::domain::fixtures::fixture_digest())
}
