//! Training's server functions: a trainee's modules, a lesson, and the quiz (rules, start or
//! resume, one answer, submit, result), which need `Train` and work on the caller's own
//! progress and attempts only (another trainee's attempt answers 404); leaders' progress
//! (`ViewDashboard`); the module editor and in-person sessions (`ManageTraining`, whose scope
//! the store checks: the whole tree for modules, the organising unit for a session).

use super::types::{
    AnswerInput, AnswerSaved, AttemptResult, AttemptView, AttendeeChoice, ImportedAttendees,
    LessonView, ManagedModule, ModuleCard, ModuleDocument, ModuleDraft, MoveDirection,
    PublicTrainingCompletion, QuizIntro, ScoringGate, SessionDetail, SessionInput, SessionModule,
    SessionSummary, TrainingCertificate, TrainingProgress,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::backend::session::as_caller_with;
#[cfg(feature = "ssr")]
use crate::domain::roles::Permission;

/// The caller's modules with their progress and next step.
#[server(prefix = "/api", endpoint = "training/modules", input = Json)]
pub async fn list_modules() -> Result<Vec<ModuleCard>, AppError> {
    as_caller_with(Permission::Train, |state, user| async move {
        store::list_modules(&state.db, &user).await
    })
    .await
}

/// One lesson of a published module (recorded as opened, so reading resumes there).
#[server(prefix = "/api", endpoint = "training/lesson", input = Json)]
pub async fn find_lesson(module_id: i64, position: u32) -> Result<LessonView, AppError> {
    as_caller_with(Permission::Train, |state, user| async move {
        store::find_lesson(&state.db, &user, module_id, position).await
    })
    .await
}

/// A module's quiz: its rules, the caller's attempts, the open one.
#[server(prefix = "/api", endpoint = "training/quiz", input = Json)]
pub async fn find_quiz(module_id: i64) -> Result<QuizIntro, AppError> {
    as_caller_with(Permission::Train, |state, user| async move {
        store::quiz::find_quiz(&state.db, &user, module_id).await
    })
    .await
}

/// Starts an attempt, or resumes the open one with the time it has left.
#[server(prefix = "/api", endpoint = "training/attempt/start", input = Json)]
pub async fn start_attempt(module_id: i64) -> Result<AttemptView, AppError> {
    as_caller_with(Permission::Train, |state, user| async move {
        store::quiz::start_attempt(&state.db, &user, module_id).await
    })
    .await
}

/// Saves one answer as it is chosen.
#[server(prefix = "/api", endpoint = "training/attempt/answer", input = Json)]
pub async fn save_answer(input: AnswerInput) -> Result<AnswerSaved, AppError> {
    as_caller_with(Permission::Train, |state, user| async move {
        store::quiz::save_answer(&state.db, &user, &input).await
    })
    .await
}

/// Submits an attempt; graded on the server.
#[server(prefix = "/api", endpoint = "training/attempt/submit", input = Json)]
pub async fn submit_attempt(attempt_id: i64) -> Result<AttemptResult, AppError> {
    as_caller_with(Permission::Train, |state, user| async move {
        store::quiz::submit_attempt(&state.db, &user, attempt_id).await
    })
    .await
}

/// A submitted attempt's result, with the explanations.
#[server(prefix = "/api", endpoint = "training/attempt/result", input = Json)]
pub async fn find_result(attempt_id: i64) -> Result<AttemptResult, AppError> {
    as_caller_with(Permission::Train, |state, user| async move {
        store::quiz::find_result(&state.db, &user, attempt_id).await
    })
    .await
}

/// Whether the caller's training lets them submit and approve evaluations (the evaluation page
/// says why not, and links to the module). Any signed-in user may ask about themselves.
#[server(prefix = "/api", endpoint = "training/scoring-gate", input = Json)]
pub async fn find_scoring_gate() -> Result<ScoringGate, AppError> {
    crate::backend::session::as_caller(|state, user| async move {
        store::scoring_gate(&state.db, &user, state.config.training_gates_scoring).await
    })
    .await
}

/// The caller's certificate of a module they completed.
#[server(prefix = "/api", endpoint = "training/certificate", input = Json)]
pub async fn find_certificate(module_id: i64) -> Result<TrainingCertificate, AppError> {
    as_caller_with(Permission::Train, |state, user| async move {
        store::certificate::find_certificate(&state, &user, module_id).await
    })
    .await
}

/// Public: what a training certificate's code stands for. No sign-in needed.
#[server(prefix = "/api", endpoint = "training/verify", input = Json)]
pub async fn verify_completion(code: String) -> Result<PublicTrainingCompletion, AppError> {
    crate::backend::error::with_status(
        async move {
            let state = crate::backend::AppState::current()?;
            store::certificate::verify(&state.db, &code).await
        }
        .await,
    )
}

/// Training progress of a unit and its child units, within the caller's dashboard scope
/// (leaders and administrators).
#[server(prefix = "/api", endpoint = "training/progress", input = Json)]
pub async fn find_progress(unit_id: Option<i64>) -> Result<TrainingProgress, AppError> {
    as_caller_with(Permission::ViewDashboard, |state, user| async move {
        store::progress::progress(&state.db, &user, unit_id).await
    })
    .await
}

// The module editor (administrators of the whole tree: the store checks it).

/// Every module with its published and draft versions.
#[server(prefix = "/api", endpoint = "training/editor/modules", input = Json)]
pub async fn list_managed_modules() -> Result<Vec<ManagedModule>, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::editor::list_managed(&state.db, &user).await
    })
    .await
}

/// A module's draft (or a copy of its published version to start one from).
#[server(prefix = "/api", endpoint = "training/editor/draft", input = Json)]
pub async fn find_module_draft(module_id: i64) -> Result<ModuleDraft, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::editor::find_draft(&state.db, &user, module_id).await
    })
    .await
}

/// A new module, as an empty draft.
#[server(prefix = "/api", endpoint = "training/editor/create", input = Json)]
pub async fn create_module(title: String) -> Result<ModuleDraft, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::editor::create_module(&state.db, &user, &title).await
    })
    .await
}

/// Saves a draft at the revision the editor saw.
#[server(prefix = "/api", endpoint = "training/editor/save", input = Json)]
pub async fn update_module_draft(draft: ModuleDraft) -> Result<ModuleDraft, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::editor::save_draft(&state.db, &user, &draft).await
    })
    .await
}

/// Publishes a draft: trainees read it from now on.
#[server(prefix = "/api", endpoint = "training/editor/publish", input = Json)]
pub async fn publish_module_draft(
    module_id: i64,
    revision: i64,
) -> Result<Vec<ManagedModule>, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::editor::publish_draft(&state.db, &user, module_id, revision).await
    })
    .await
}

/// Throws a draft away.
#[server(prefix = "/api", endpoint = "training/editor/discard", input = Json)]
pub async fn discard_module_draft(
    module_id: i64,
    revision: i64,
) -> Result<Vec<ManagedModule>, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::editor::discard_draft(&state.db, &user, module_id, revision).await
    })
    .await
}

/// Moves a module one place up or down the trainee's page.
#[server(prefix = "/api", endpoint = "training/editor/move", input = Json)]
pub async fn move_module(
    module_id: i64,
    direction: MoveDirection,
) -> Result<Vec<ManagedModule>, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::editor::move_module(&state.db, &user, module_id, direction).await
    })
    .await
}

/// A lesson's Markdown rendered as trainees will see it (the editor's preview).
#[server(prefix = "/api", endpoint = "training/editor/preview", input = Json)]
pub async fn preview_lesson(body_md: String) -> Result<String, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::editor::preview_lesson(&state.db, &user, body_md).await
    })
    .await
}

/// Removes a document from a module's stored draft.
#[server(prefix = "/api", endpoint = "training/editor/remove-document", input = Json)]
pub async fn remove_module_document(
    module_id: i64,
    document_id: i64,
) -> Result<Vec<ModuleDocument>, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::documents::remove_document(&state.db, &user, module_id, document_id).await
    })
    .await
}

// In-person sessions (administrators of the organising unit: the store checks the unit).

/// The sessions organised within the caller's scope.
#[server(prefix = "/api", endpoint = "training/sessions", input = Json)]
pub async fn list_sessions() -> Result<Vec<SessionSummary>, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::sessions::list_sessions(&state.db, &user).await
    })
    .await
}

/// One session with its delegates.
#[server(prefix = "/api", endpoint = "training/sessions/find", input = Json)]
pub async fn find_session(session_id: i64) -> Result<SessionDetail, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::sessions::find_session(&state.db, &user, session_id).await
    })
    .await
}

/// The published modules a session may teach.
#[server(prefix = "/api", endpoint = "training/sessions/modules", input = Json)]
pub async fn list_session_modules() -> Result<Vec<SessionModule>, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::sessions::list_session_modules(&state.db, &user).await
    })
    .await
}

/// Creates or updates a session.
#[server(prefix = "/api", endpoint = "training/sessions/save", input = Json)]
pub async fn save_session(input: SessionInput) -> Result<SessionDetail, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::sessions::save_session(&state.db, &user, &input).await
    })
    .await
}

/// Users of the organising unit who may be picked as delegates.
#[server(prefix = "/api", endpoint = "training/sessions/choices", input = Json)]
pub async fn list_attendee_choices(
    session_id: i64,
    query: String,
) -> Result<Vec<AttendeeChoice>, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::sessions::list_attendee_choices(&state.db, &user, session_id, &query).await
    })
    .await
}

/// Adds picked users as delegates.
#[server(prefix = "/api", endpoint = "training/sessions/add", input = Json)]
pub async fn add_attendees(session_id: i64, user_ids: Vec<i64>) -> Result<SessionDetail, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::sessions::add_attendees(&state.db, &user, session_id, &user_ids).await
    })
    .await
}

/// Adds delegates from a pasted list (name, unit, position per line).
#[server(prefix = "/api", endpoint = "training/sessions/import", input = Json)]
pub async fn import_attendees(
    session_id: i64,
    text: String,
) -> Result<ImportedAttendees, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::sessions::import_attendees(&state.db, &user, session_id, &text).await
    })
    .await
}

/// Takes a delegate off the list.
#[server(prefix = "/api", endpoint = "training/sessions/remove", input = Json)]
pub async fn remove_attendee(session_id: i64, attendee_id: i64) -> Result<SessionDetail, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::sessions::remove_attendee(&state.db, &user, session_id, attendee_id).await
    })
    .await
}

/// Marks delegates present, or takes the mark back.
#[server(prefix = "/api", endpoint = "training/sessions/attendance", input = Json)]
pub async fn set_attendance(
    session_id: i64,
    attendee_ids: Vec<i64>,
    attended: bool,
) -> Result<SessionDetail, AppError> {
    as_caller_with(Permission::ManageTraining, |state, user| async move {
        store::sessions::set_attendance(&state.db, &user, session_id, &attendee_ids, attended).await
    })
    .await
}
