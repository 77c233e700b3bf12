//! Training's rules, with no I/O: what makes a module's quiz valid, how an answer is graded,
//! whether an attempt passed, and how long a lesson takes to read.
//!
//! Grading runs on the server only (the answer key never reaches the browser before an attempt
//! is submitted); the rules are here so they are pure and unit-tested.

use crate::domain::criteria::{Answer, Answers, CriteriaSet};
use crate::domain::scoring::{score, ScoreResult};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One option of a question, with whether it is correct: the answer key. Server side only
/// until the attempt is submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyedOption {
    pub text: String,
    pub correct: bool,
}

/// A question of a module's bank, with its answer key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyedQuestion {
    pub prompt: String,
    /// Several options may be correct ("chọn tất cả đáp án đúng"); otherwise exactly one is.
    #[serde(default)]
    pub multiple: bool,
    pub options: Vec<KeyedOption>,
    pub explanation: String,
}

/// A quiz's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizSettings {
    /// The share of correct answers an attempt needs, in percent (1–100).
    pub pass_percent: u32,
    /// How many questions each attempt draws from the bank.
    pub questions_per_attempt: u32,
    /// How many attempts a trainee has; `None`: no limit.
    pub attempt_limit: Option<u32>,
    /// Minutes an attempt may take, by the server's clock; `None`: no limit.
    pub time_limit_minutes: Option<u32>,
}

/// The fewest options a question has, and the most.
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 8;

/// Why a quiz cannot be published: a bank too small to draw from at random (at least twice the
/// questions of an attempt, so two attempts differ), or a question without a sound key.
pub fn quiz_problems(settings: &QuizSettings, bank: &[KeyedQuestion]) -> Vec<Msg> {
    let mut problems = Vec::new();
    if !(1..=100).contains(&settings.pass_percent) {
        problems.push(Msg::new(
            "Điểm đạt phải từ 1% đến 100%.",
            "The pass mark must be between 1% and 100%.",
        ));
    }
    if settings.questions_per_attempt == 0 {
        problems.push(Msg::new(
            "Mỗi lượt làm bài phải có ít nhất 1 câu hỏi.",
            "An attempt needs at least one question.",
        ));
    }
    let needed = settings.questions_per_attempt as usize * 2;
    if bank.len() < needed {
        problems.push(Msg::new(
            format!(
                "Ngân hàng câu hỏi cần ít nhất {needed} câu (gấp đôi số câu mỗi lượt); hiện có {}.",
                bank.len()
            ),
            format!(
                "The question bank needs at least {needed} questions (twice those of an attempt); it has {}.",
                bank.len()
            ),
        ));
    }
    if settings.attempt_limit == Some(0) || settings.time_limit_minutes == Some(0) {
        problems.push(Msg::new(
            "Số lượt và thời gian làm bài, nếu có, phải lớn hơn 0.",
            "An attempt limit or time limit, when set, must be above 0.",
        ));
    }
    for (n, q) in bank.iter().enumerate() {
        let n = n + 1;
        let correct = q.options.iter().filter(|o| o.correct).count();
        if q.prompt.trim().is_empty() || q.explanation.trim().is_empty() {
            problems.push(Msg::new(
                format!("Câu {n}: cần có nội dung câu hỏi và lời giải thích."),
                format!("Question {n}: needs a prompt and an explanation."),
            ));
        }
        if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&q.options.len())
            || q.options.iter().any(|o| o.text.trim().is_empty())
        {
            problems.push(Msg::new(
                format!(
                    "Câu {n}: cần từ {MIN_OPTIONS} đến {MAX_OPTIONS} phương án, không để trống."
                ),
                format!("Question {n}: needs {MIN_OPTIONS} to {MAX_OPTIONS} options, none empty."),
            ));
        }
        if (!q.multiple && correct != 1) || (q.multiple && correct == 0) {
            problems.push(Msg::new(
                format!(
                    "Câu {n}: câu một đáp án cần đúng 1 phương án đúng; câu nhiều đáp án cần ít nhất 1."
                ),
                format!(
                    "Question {n}: a single-choice question needs exactly one correct option, a multiple-choice one at least one."
                ),
            ));
        }
    }
    problems
}

/// Whether `chosen` (indexes into the question's options, in any order) is exactly the set of
/// correct options. Nothing chosen, an index out of range or a repeated index is wrong.
pub fn is_correct(question: &KeyedQuestion, chosen: &[usize]) -> bool {
    let mut chosen = chosen.to_vec();
    chosen.sort_unstable();
    let before = chosen.len();
    chosen.dedup();
    if chosen.len() != before {
        return false;
    }
    let correct: Vec<usize> = question
        .options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.correct)
        .map(|(i, _)| i)
        .collect();
    !chosen.is_empty() && chosen == correct
}

/// An attempt's grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    pub correct: u32,
    pub questions: u32,
    /// Rounded down, so a mark just under the pass mark never shows as the pass mark.
    pub percent: u32,
    pub passed: bool,
}

/// Grades `correct` right answers out of `questions` against a pass mark in percent. The pass
/// is decided on whole numbers (`correct × 100 ≥ pass × questions`), never on a rounded
/// percentage.
pub fn grade(correct: u32, questions: u32, pass_percent: u32) -> Grade {
    let percent = (correct * 100).checked_div(questions).unwrap_or(0);
    Grade {
        correct,
        questions,
        percent,
        passed: questions > 0 && correct * 100 >= pass_percent * questions,
    }
}

/// Words a minute an older reader takes in on a screen: a calm pace, not a skim.
pub const WORDS_PER_MINUTE: usize = 150;

/// Minutes to read a lesson's Markdown, at least 1.
pub fn reading_minutes(markdown: &str) -> u32 {
    let words = markdown
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    words.div_ceil(WORDS_PER_MINUTE).max(1) as u32
}

/// The info string of a worked scoring example in a lesson's Markdown: a fenced block holding
/// one [`WorkedExample`] as JSON, which lessons render as a table scored by [`score`].
pub const WORKED_EXAMPLE_BLOCK: &str = "vi-du-cham-diem";

/// A worked scoring example as a lesson states it: the set, the answers, and the total and
/// verdict the text claims. [`check_worked_example`] scores it with the real [`score`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkedExample {
    /// The criteria set's code (`gdht-qd448`).
    pub set: String,
    /// Who is scored, in words ("Hộ ông Hồ Văn A, thôn Trà Bói").
    pub subject: String,
    pub answers: BTreeMap<String, ExampleAnswer>,
    /// The total the lesson states.
    pub total: u32,
    /// The verdict the lesson states, as [`crate::domain::scoring::Verdict::code`] writes it.
    pub verdict: String,
}

/// An answer in a worked example: points, or met / not met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ExampleAnswer {
    Points(u32),
    Pass(bool),
}

/// How a worked example compares with the real scoring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleCheck {
    pub result: ScoreResult,
    /// What the lesson states that the scoring does not give (empty when they agree).
    pub disagreements: Vec<String>,
}

/// Scores a worked example with `set` and says where the lesson's stated total or verdict
/// disagrees, or why it cannot be scored (answers that do not fit the set, or not every
/// indicator answered).
pub fn check_worked_example(
    example: &WorkedExample,
    set: &CriteriaSet,
) -> Result<ExampleCheck, String> {
    let answers: Answers = example
        .answers
        .iter()
        .map(|(code, a)| {
            let answer = match *a {
                ExampleAnswer::Points(p) => Answer::Points(p),
                ExampleAnswer::Pass(b) => Answer::Pass(b),
            };
            (code.clone(), answer)
        })
        .collect();
    let result = score(set, &answers).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{}: {}", e.indicator, e.message.vi))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    if !result.complete {
        return Err(format!(
            "{}: not every indicator of {} is answered",
            example.subject, set.code
        ));
    }
    let mut disagreements = Vec::new();
    if result.total != example.total {
        disagreements.push(format!(
            "total: the lesson says {}, score() gives {}",
            example.total, result.total
        ));
    }
    if result.verdict.code() != example.verdict {
        disagreements.push(format!(
            "verdict: the lesson says {}, score() gives {}",
            example.verdict,
            result.verdict.code()
        ));
    }
    Ok(ExampleCheck {
        result,
        disagreements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(multiple: bool, correct: &[bool]) -> KeyedQuestion {
        KeyedQuestion {
            prompt: "Câu hỏi?".into(),
            multiple,
            options: correct
                .iter()
                .enumerate()
                .map(|(i, c)| KeyedOption {
                    text: format!("Phương án {i}"),
                    correct: *c,
                })
                .collect(),
            explanation: "Vì thế.".into(),
        }
    }

    #[test]
    fn a_single_choice_answer_is_right_only_with_the_correct_option() {
        let q = question(false, &[false, true, false]);
        assert!(is_correct(&q, &[1]));
        assert!(!is_correct(&q, &[0]));
        assert!(!is_correct(&q, &[]));
        assert!(!is_correct(&q, &[1, 0]));
        assert!(!is_correct(&q, &[7]));
    }

    #[test]
    fn a_multiple_choice_answer_needs_every_correct_option_and_no_other() {
        let q = question(true, &[true, false, true, false]);
        assert!(is_correct(&q, &[2, 0]));
        assert!(!is_correct(&q, &[0]), "one of two correct is not enough");
        assert!(
            !is_correct(&q, &[0, 2, 3]),
            "a wrong extra option spoils it"
        );
        assert!(
            !is_correct(&q, &[0, 0, 2]),
            "a repeated index is not a second choice"
        );
    }

    #[test]
    fn the_pass_is_decided_on_whole_numbers() {
        // 4 of 5 = 80 %: passes an 80 % mark.
        assert!(grade(4, 5, 80).passed);
        // 7 of 9 = 77.7 %: shown as 77, fails 78 %, passes 77 %.
        assert_eq!(grade(7, 9, 78).percent, 77);
        assert!(!grade(7, 9, 78).passed);
        assert!(grade(7, 9, 77).passed);
        assert!(!grade(0, 0, 1).passed);
    }

    #[test]
    fn a_bank_must_hold_twice_the_questions_of_an_attempt() {
        let settings = QuizSettings {
            pass_percent: 80,
            questions_per_attempt: 3,
            attempt_limit: Some(3),
            time_limit_minutes: None,
        };
        let bank: Vec<KeyedQuestion> = (0..5).map(|_| question(false, &[true, false])).collect();
        assert_eq!(quiz_problems(&settings, &bank).len(), 1);
        let bank: Vec<KeyedQuestion> = (0..6).map(|_| question(false, &[true, false])).collect();
        assert!(quiz_problems(&settings, &bank).is_empty());
    }

    #[test]
    fn a_question_needs_a_sound_key() {
        let settings = QuizSettings {
            pass_percent: 50,
            questions_per_attempt: 1,
            attempt_limit: None,
            time_limit_minutes: Some(10),
        };
        let bank = vec![
            question(false, &[true, true]),
            question(true, &[false, false]),
            question(false, &[true]),
        ];
        assert_eq!(quiz_problems(&settings, &bank).len(), 3);
    }

    #[test]
    fn reading_time_is_at_least_a_minute() {
        assert_eq!(reading_minutes("# Tiêu đề\n\nNgắn."), 1);
        let long = "từ ".repeat(WORDS_PER_MINUTE * 3 + 1);
        assert_eq!(reading_minutes(&long), 4);
        assert_eq!(reading_minutes("- - - |---|"), 1);
    }
}
