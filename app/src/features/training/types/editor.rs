//! The module editor's wire types (administrators only). A draft carries its answer keys, so
//! only the editor's server functions, which need `ManageTraining`, hand one out.

use crate::domain::training::{quiz_problems, KeyedQuestion, QuizSettings, MAX_OPTIONS};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The address of a module's editor.
pub fn editor_href(module_id: i64) -> String {
    format!("/tap-huan/quan-ly/{module_id}")
}

/// The address a module's attached document downloads from.
pub fn document_href(document_id: i64) -> String {
    format!("/tai-lieu-tap-huan/{document_id}")
}

/// Where the editor uploads a document to a module's draft.
pub fn document_upload_href(module_id: i64) -> String {
    format!("/training/modules/{module_id}/documents")
}

/// The largest document a module may carry, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 15 * 1024 * 1024;

/// A document attached to a module version (PDF or an office file, typed from its content).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleDocument {
    pub document_id: i64,
    pub filename: String,
    /// What the content turned out to be, in words ("PDF", "Word", "Excel" …).
    pub kind: String,
    pub size_bytes: i64,
}

/// One module as the administrators' list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedModule {
    pub module_id: i64,
    pub code: String,
    /// The place on the trainee's page (1, 2, 3 …).
    pub position: u32,
    /// The published version's title, else the draft's.
    pub title: String,
    pub published_version: Option<u32>,
    pub draft_version: Option<u32>,
    pub gates_scoring: bool,
    pub completions: u32,
}

/// One lesson of a draft.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftLesson {
    pub title: String,
    pub body_md: String,
}

/// A module's draft as the editor holds it: the whole content of the next version. Until the
/// first save of an edit, it is a copy of the published version (`stored` is false).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleDraft {
    pub module_id: i64,
    /// The version this draft will become.
    pub version: u32,
    /// What a save must claim; 0 while the draft is not stored yet.
    pub revision: i64,
    pub stored: bool,
    pub published_version: Option<u32>,
    pub title: String,
    pub summary: String,
    pub sources: Vec<String>,
    pub settings: QuizSettings,
    pub lessons: Vec<DraftLesson>,
    pub questions: Vec<KeyedQuestion>,
    /// Attached documents: uploaded and removed on their own (not by a save), and only to a
    /// stored draft.
    #[serde(default)]
    pub documents: Vec<ModuleDocument>,
}

/// Moving a module one place up or down the trainee's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoveDirection {
    Up,
    Down,
}

/// The most a draft may hold: bounds that keep one save a reasonable request.
pub const MAX_LESSONS: usize = 40;
pub const MAX_QUESTIONS: usize = 300;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_SUMMARY_CHARS: usize = 2_000;
pub const MAX_LESSON_CHARS: usize = 100_000;

impl ModuleDraft {
    /// Why the draft cannot be stored at all (sizes beyond the bounds): a save is refused with
    /// these, so nothing partial is written.
    pub fn save_problems(&self) -> Vec<Msg> {
        let mut problems = Vec::new();
        let too_long = |text: &str, max: usize| text.chars().count() > max;
        if too_long(&self.title, MAX_TITLE_CHARS) || too_long(&self.summary, MAX_SUMMARY_CHARS) {
            problems.push(Msg::new(
                format!("Tên học phần tối đa {MAX_TITLE_CHARS} ký tự, phần giới thiệu tối đa {MAX_SUMMARY_CHARS}."),
                format!("A module's title holds at most {MAX_TITLE_CHARS} characters, its summary {MAX_SUMMARY_CHARS}."),
            ));
        }
        if self.lessons.len() > MAX_LESSONS || self.questions.len() > MAX_QUESTIONS {
            problems.push(Msg::new(
                format!("Một học phần có tối đa {MAX_LESSONS} bài và {MAX_QUESTIONS} câu hỏi."),
                format!(
                    "A module holds at most {MAX_LESSONS} lessons and {MAX_QUESTIONS} questions."
                ),
            ));
        }
        for (n, lesson) in self.lessons.iter().enumerate() {
            if too_long(&lesson.title, MAX_TITLE_CHARS)
                || too_long(&lesson.body_md, MAX_LESSON_CHARS)
            {
                problems.push(Msg::new(
                    format!("Bài {}: tên tối đa {MAX_TITLE_CHARS} ký tự, nội dung tối đa {MAX_LESSON_CHARS}.", n + 1),
                    format!("Lesson {}: a title holds at most {MAX_TITLE_CHARS} characters, a body {MAX_LESSON_CHARS}.", n + 1),
                ));
            }
        }
        for (n, q) in self.questions.iter().enumerate() {
            let long_option = q
                .options
                .iter()
                .any(|o| too_long(&o.text, MAX_SUMMARY_CHARS));
            if too_long(&q.prompt, MAX_SUMMARY_CHARS)
                || too_long(&q.explanation, MAX_SUMMARY_CHARS)
                || long_option
                || q.options.len() > MAX_OPTIONS
            {
                problems.push(Msg::new(
                    format!("Câu {}: mỗi phần tối đa {MAX_SUMMARY_CHARS} ký tự, tối đa {MAX_OPTIONS} phương án.", n + 1),
                    format!("Question {}: each part holds at most {MAX_SUMMARY_CHARS} characters, at most {MAX_OPTIONS} options.", n + 1),
                ));
            }
        }
        problems
    }

    /// Why the draft cannot be published yet: what [`save_problems`](Self::save_problems)
    /// finds, a missing title or lesson, and what makes its quiz unsound (`quiz_problems`).
    pub fn publish_problems(&self) -> Vec<Msg> {
        let mut problems = self.save_problems();
        if self.title.trim().is_empty() {
            problems.push(Msg::new(
                "Học phần cần có tên.",
                "The module needs a title.",
            ));
        }
        if self.lessons.is_empty() {
            problems.push(Msg::new(
                "Học phần cần ít nhất một bài học.",
                "The module needs at least one lesson.",
            ));
        }
        for (n, lesson) in self.lessons.iter().enumerate() {
            if lesson.title.trim().is_empty() || lesson.body_md.trim().is_empty() {
                problems.push(Msg::new(
                    format!("Bài {}: cần có tên và nội dung.", n + 1),
                    format!("Lesson {}: needs a title and a body.", n + 1),
                ));
            }
        }
        problems.extend(quiz_problems(&self.settings, &self.questions));
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::training::KeyedOption;

    fn draft() -> ModuleDraft {
        ModuleDraft {
            module_id: 1,
            version: 1,
            revision: 1,
            stored: true,
            published_version: None,
            title: "Học phần".into(),
            summary: String::new(),
            sources: vec![],
            settings: QuizSettings {
                pass_percent: 80,
                questions_per_attempt: 1,
                attempt_limit: None,
                time_limit_minutes: None,
            },
            lessons: vec![DraftLesson {
                title: "Bài 1".into(),
                body_md: "Nội dung.".into(),
            }],
            questions: (0..2)
                .map(|n| KeyedQuestion {
                    prompt: format!("Câu {n}?"),
                    multiple: false,
                    options: vec![
                        KeyedOption {
                            text: "Đúng".into(),
                            correct: true,
                        },
                        KeyedOption {
                            text: "Sai".into(),
                            correct: false,
                        },
                    ],
                    explanation: "Vì thế.".into(),
                })
                .collect(),
            documents: vec![],
        }
    }

    #[test]
    fn a_sound_draft_can_be_published_and_each_gap_is_named() {
        assert!(draft().publish_problems().is_empty());
        let mut d = draft();
        d.title = " ".into();
        d.lessons[0].body_md = String::new();
        d.questions.pop();
        let problems: Vec<String> = d.publish_problems().into_iter().map(|m| m.vi).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("cần có tên"));
        assert!(problems[1].starts_with("Bài 1"));
        assert!(problems[2].contains("ít nhất 2 câu"));
        let mut empty = draft();
        empty.lessons.clear();
        assert!(empty.publish_problems()[0].vi.contains("ít nhất một bài"));
    }

    #[test]
    fn an_oversized_draft_is_refused_whole_before_it_is_stored() {
        let mut d = draft();
        d.lessons[0].body_md = "x".repeat(MAX_LESSON_CHARS + 1);
        assert_eq!(d.save_problems().len(), 1);
        d.lessons = vec![DraftLesson::default(); MAX_LESSONS + 1];
        assert!(!d.save_problems().is_empty());
        // Empty parts are fine in a draft being written; publishing names them.
        let mut partial = draft();
        partial.lessons.push(DraftLesson::default());
        assert!(partial.save_problems().is_empty());
        assert!(!partial.publish_problems().is_empty());
    }
}
