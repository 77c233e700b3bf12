//! Training's wire types. What a trainee receives before submitting an attempt has no answer
//! key and no explanation in it: [`QuizQuestion`] carries only the prompt and the options'
//! texts, in the order shown. The key comes back only in [`AttemptResult`], after grading.

mod editor;
mod sessions;
pub use editor::*;
pub use sessions::*;

use crate::i18n::Lang;
use crate::vietnam_time::format;
use serde::{Deserialize, Serialize};

/// The address of a lesson.
pub fn lesson_href(module_id: i64, position: u32) -> String {
    format!("/tap-huan/{module_id}/bai/{position}")
}

/// The address of the caller's certificate of a module.
pub fn certificate_href(module_id: i64) -> String {
    format!("/tap-huan/{module_id}/chung-nhan")
}

/// The address of a module's quiz.
pub fn quiz_href(module_id: i64) -> String {
    format!("/tap-huan/{module_id}/kiem-tra")
}

/// What a trainee should do next in a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextStep {
    /// Read (or go on reading) the lesson at this position.
    Lesson(u32),
    /// Every lesson opened: take the quiz (or go on with the open attempt).
    Quiz,
    /// Completed.
    Done,
    /// No attempt left and not passed.
    NoAttemptsLeft,
}

/// One module on the trainee's page: their progress and their next step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleCard {
    pub module_id: i64,
    pub code: String,
    pub title: String,
    pub summary: String,
    pub version: u32,
    pub lesson_count: u32,
    pub lessons_read: u32,
    pub reading_minutes: u32,
    /// Completing it is what submitting and approving evaluations asks for.
    pub gates_scoring: bool,
    pub next: NextStep,
    /// Where reading resumes: the lesson last opened.
    pub resume_at: u32,
    pub attempts_used: u32,
    pub attempt_limit: Option<u32>,
    pub best_percent: Option<u32>,
    pub open_attempt: bool,
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl ModuleCard {
    /// Where the trainee stands, in words.
    pub fn status(&self, lang: Lang) -> String {
        match self.next {
            NextStep::Done => match self.completed_at {
                Some(at) => format!(
                    "{} {}",
                    lang.t("✓ Đã hoàn thành lúc", "✓ Completed on"),
                    format(at)
                ),
                None => lang.t("✓ Đã hoàn thành", "✓ Completed").to_string(),
            },
            NextStep::NoAttemptsLeft => lang
                .t(
                    "Đã dùng hết lượt làm bài mà chưa đạt. Hãy liên hệ cán bộ quản trị.",
                    "All attempts used without a pass. Please contact your administrator.",
                )
                .to_string(),
            NextStep::Quiz if self.open_attempt => lang
                .t(
                    "Bài kiểm tra đang làm dở.",
                    "A quiz attempt is in progress.",
                )
                .to_string(),
            NextStep::Quiz => lang
                .t(
                    "Đã đọc hết các bài: hãy làm bài kiểm tra.",
                    "All lessons read: take the quiz.",
                )
                .to_string(),
            NextStep::Lesson(_) => format!(
                "{} {}/{} {}",
                lang.t("Đã đọc", "Read"),
                self.lessons_read,
                self.lesson_count,
                lang.t("bài", "lessons")
            ),
        }
    }

    /// The next step's link: its address and its label.
    pub fn next_link(&self, lang: Lang) -> (String, String) {
        let id = self.module_id;
        match self.next {
            NextStep::Lesson(p) if self.lessons_read == 0 => (
                lesson_href(id, p),
                lang.t("Bắt đầu học", "Start").to_string(),
            ),
            NextStep::Lesson(p) => (
                lesson_href(id, p),
                format!("{} {p}", lang.t("Học tiếp: bài", "Go on: lesson")),
            ),
            NextStep::Quiz if self.open_attempt => (
                quiz_href(id),
                lang.t("Làm tiếp bài kiểm tra", "Resume the quiz")
                    .to_string(),
            ),
            NextStep::Quiz | NextStep::NoAttemptsLeft => {
                (quiz_href(id), lang.t("Bài kiểm tra", "Quiz").to_string())
            }
            NextStep::Done => (
                lesson_href(id, 1),
                lang.t("Xem lại bài học", "Review the lessons").to_string(),
            ),
        }
    }
}

/// A lesson's title in the module's table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonLink {
    pub position: u32,
    pub title: String,
    pub read: bool,
}

/// One lesson, rendered on the server to sanitised HTML.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonView {
    pub module_id: i64,
    pub module_title: String,
    pub version: u32,
    pub position: u32,
    pub title: String,
    /// Sanitised HTML (Markdown rendered, then cleaned by an allow-list).
    pub html: String,
    pub reading_minutes: u32,
    pub lessons: Vec<LessonLink>,
    /// The documents the module cites.
    pub sources: Vec<String>,
    /// Documents attached to the module, to download.
    pub documents: Vec<ModuleDocument>,
}

/// A quiz before an attempt: its rules, the trainee's earlier attempts, and the open attempt
/// if there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizIntro {
    pub module_id: i64,
    pub module_title: String,
    pub pass_percent: u32,
    pub questions_per_attempt: u32,
    pub attempt_limit: Option<u32>,
    pub time_limit_minutes: Option<u32>,
    pub attempts: Vec<AttemptSummary>,
    pub open_attempt: Option<i64>,
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether "Bắt đầu" would start an attempt (none open, attempts left, not completed).
    pub can_start: bool,
}

/// One earlier attempt, as listed to its trainee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub attempt_id: i64,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub percent: Option<u32>,
    pub passed: Option<bool>,
}

/// An option as the trainee sees it: its text, numbered in the shuffled order shown. The
/// number is the option's place on this attempt's page, not its place in the bank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizOption {
    pub shown: u32,
    pub text: String,
}

/// A question of an open attempt: prompt and options, never which are correct.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizQuestion {
    pub question_id: i64,
    pub prompt: String,
    pub multiple: bool,
    pub options: Vec<QuizOption>,
    /// What the trainee has chosen so far (shown numbers), saved on the server.
    pub chosen: Vec<u32>,
}

/// An open attempt, as the trainee resumes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub attempt_id: i64,
    pub module_id: i64,
    pub module_title: String,
    pub pass_percent: u32,
    pub questions: Vec<QuizQuestion>,
    /// Seconds left by the server's clock; `None` without a time limit.
    pub seconds_left: Option<i64>,
}

/// One answer as it is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerInput {
    pub attempt_id: i64,
    pub question_id: i64,
    /// Shown numbers of the chosen options (empty: the choice was cleared).
    pub chosen: Vec<u32>,
}

/// The server's receipt for a saved answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerSaved {
    pub answered: u32,
    pub seconds_left: Option<i64>,
}

/// An option after grading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultOption {
    pub text: String,
    pub correct: bool,
    pub chosen: bool,
}

/// A question after grading, with its explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultQuestion {
    pub prompt: String,
    pub multiple: bool,
    pub options: Vec<ResultOption>,
    pub answered_correctly: bool,
    pub explanation: String,
}

/// A submitted attempt: the grade, every question with its key and explanation, and the
/// completion it earned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptResult {
    pub attempt_id: i64,
    pub module_id: i64,
    pub module_title: String,
    pub correct: u32,
    pub questions: u32,
    pub percent: u32,
    pub pass_percent: u32,
    pub passed: bool,
    /// Submitted by the server's clock when the time ran out.
    pub timed_out: bool,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub items: Vec<ResultQuestion>,
    /// Attempts the trainee still has; `None`: no limit.
    pub attempts_left: Option<u32>,
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Whether the caller may submit and approve evaluations as far as training goes: `blocked`
/// when the setting is on and they have not completed the scoring module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringGate {
    pub blocked: bool,
    pub module_id: Option<i64>,
    pub module_title: String,
}

/// The certificate of a completed module, as its trainee prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingCertificate {
    pub module_id: i64,
    pub full_name: String,
    pub module_title: String,
    pub completed_on: chrono::NaiveDate,
    /// The district (or province) the training belongs to.
    pub issuing_unit: String,
    pub verify_code: String,
    pub verify_url: String,
}

/// What the public verification page shows of a training certificate: the name, the module,
/// the date and the issuing unit, nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicTrainingCompletion {
    pub full_name: String,
    pub module_title: String,
    pub completed_on: chrono::NaiveDate,
    pub issuing_unit: String,
}

/// A unit on the way from the caller's scope down to the unit shown (the breadcrumb).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitLink {
    pub unit_id: i64,
    pub name: String,
}

/// The training figures of one unit (its whole subtree).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressRow {
    pub unit_id: i64,
    pub name: String,
    /// Whether the unit has units below it to drill down to.
    pub has_children: bool,
    /// Active accounts holding the officer or reviewer role here.
    pub officers: u32,
    /// Of those, the ones who completed every published module.
    pub trained: u32,
    /// Modules completed by every account here, trainees included.
    pub completions: u32,
    /// Quiz attempts submitted here.
    pub attempts: u32,
    /// Their average result, in percent (rounded down).
    pub average_percent: Option<u32>,
    /// Delegates marked present at in-person sessions, counted where each belongs (accounts
    /// and delegates from imported lists alike).
    pub attended: u32,
}

impl ProgressRow {
    /// Officers trained ÷ officers, in percent (rounded down); `None` without officers.
    pub fn trained_percent(&self) -> Option<u32> {
        (self.trained * 100).checked_div(self.officers)
    }
}

/// Training progress of a unit and of each of its child units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingProgress {
    pub unit_id: i64,
    pub unit_name: String,
    /// Published modules: "trained" means all of them completed.
    pub modules: u32,
    pub trail: Vec<UnitLink>,
    pub total: ProgressRow,
    pub rows: Vec<ProgressRow>,
}

/// The target for officers trained (Kế hoạch 386/KH of Trà Bồng and QĐ 281/QĐ-TTg: 100%).
pub const OFFICERS_TRAINED_TARGET_PERCENT: u32 = 100;
