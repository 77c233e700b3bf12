//! Training's server functions: a trainee's modules, a lesson, and the quiz (rules, start or
//! resume, one answer, submit, result). Every one needs `Train` and works on the caller's own
//! progress and attempts only: another trainee's attempt answers 404.

use super::types::{
    AnswerInput, AnswerSaved, AttemptResult, AttemptView, LessonView, ModuleCard,
    PublicTrainingCompletion, QuizIntro, ScoringGate, TrainingCertificate, TrainingProgress,
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
