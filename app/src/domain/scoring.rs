//! The scoring engine: answers + criteria set → totals, verdict and the reasons for it.
//!
//! [`score`] is pure and total: it runs in the browser (wasm, on every keystroke) and again on
//! the server, which never trusts a client total. It never panics, whatever the answers or the
//! set; answers that do not fit the set are rejected with one bilingual [`AnswerError`] each.
//! A set that fails [`crate::domain::criteria::validate_set`] still scores without panicking,
//! but the result only means something for a valid set.

use crate::domain::criteria::{
    Answer, Answers, CriteriaSet, Grade, GradeBand, Indicator, IndicatorKind, ResultRule,
};
use crate::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The score of one criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub code: String,
    /// Points from its `Points` indicators (0 in level sets).
    pub points: u32,
    /// Its maximum.
    pub max: u32,
    /// How many of its indicators have an answer.
    pub answered: u32,
    pub indicator_count: u32,
    /// How many of its pass/fail indicators are answered "met" (0 in points sets).
    pub passed: u32,
    /// The criterion's minimum, copied from the set (pass-mark rules only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_points: Option<u32>,
    /// False only when the criterion has `min_points` and `points` is below it.
    pub meets_minimum: bool,
}

/// The outcome of an evaluation. Within one rule, a better outcome has a higher [`Verdict::rank`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Pass-mark rule: meets the criteria.
    Recognised,
    /// Pass-mark rule: does not.
    NotRecognised,
    /// Grade-band rule: the grade reached.
    Grade(Grade),
    /// Level rule: the highest level reached (0 = mức 1 not reached).
    Level(u8),
}

impl Verdict {
    /// A total order for comparing verdicts of the same rule: NotRecognised 0 < Recognised 1;
    /// grades 0 (Không đạt) to 3 (Tốt); levels by number.
    pub fn rank(self) -> u32 {
        match self {
            Verdict::NotRecognised => 0,
            Verdict::Recognised => 1,
            Verdict::Grade(g) => g.rank(),
            Verdict::Level(n) => u32::from(n),
        }
    }

    /// Whether this verdict earns the title under `rule`: Recognised; a grade from the rule's
    /// `recognised_from` up; any level from 1. A verdict of another rule's kind is not.
    pub fn is_recognised(self, rule: &ResultRule) -> bool {
        match (self, rule) {
            (Verdict::Recognised, ResultRule::PassMark { .. }) => true,
            (
                Verdict::Grade(g),
                ResultRule::GradeBands {
                    recognised_from, ..
                },
            ) => g != Grade::KhongDat && g >= *recognised_from,
            (Verdict::Level(n), ResultRule::Levels { .. }) => n >= 1,
            _ => false,
        }
    }

    /// Stable ASCII code for logs, storage and the fixture digest: "recognised",
    /// "not_recognised", "grade:kha", "level:1".
    pub fn code(self) -> String {
        match self {
            Verdict::Recognised => "recognised".into(),
            Verdict::NotRecognised => "not_recognised".into(),
            Verdict::Grade(g) => format!("grade:{}", g.code()),
            Verdict::Level(n) => format!("level:{n}"),
        }
    }

    /// The verdict in words, without rule-specific level names.
    pub fn label(self, lang: Lang) -> String {
        match self {
            Verdict::Recognised => lang
                .t("Đủ điều kiện công nhận", "Meets the criteria")
                .into(),
            Verdict::NotRecognised => lang
                .t("Chưa đủ điều kiện công nhận", "Does not meet the criteria")
                .into(),
            Verdict::Grade(g) => match lang {
                Lang::Vi => format!("Xếp loại {}", g.label(lang)),
                Lang::En => format!("Grade: {}", g.label(lang)),
            },
            Verdict::Level(0) => lang.t("Chưa đạt mức độ 1", "Level 1 not reached").into(),
            Verdict::Level(n) => match lang {
                Lang::Vi => format!("Đạt mức độ {n}"),
                Lang::En => format!("Level {n} reached"),
            },
        }
    }

    /// Like [`Verdict::label`], adding the level's name when the rule gives one
    /// ("Đạt mức độ 1 (Khá)").
    pub fn label_for(self, rule: &ResultRule, lang: Lang) -> String {
        let plain = self.label(lang);
        match self {
            Verdict::Level(n) => match rule.level_name(n) {
                Some(name) => format!("{plain} ({})", name.get(lang)),
                None => plain,
            },
            _ => plain,
        }
    }
}

/// The result of scoring a complete or partial set of answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreResult {
    /// Sum of the criteria points.
    pub total: u32,
    /// The set's maximum total.
    pub max_total: u32,
    /// One entry per criterion, in the set's order.
    pub criteria: Vec<CriterionScore>,
    pub verdict: Verdict,
    /// `verdict.is_recognised(&set.rule)`, kept here so storage and rollups need not the set.
    pub recognised: bool,
    /// What holds the verdict back from the next better one (failed minimums, total below the
    /// pass mark, points missing for the next grade, indicators not met for the next level,
    /// unanswered indicators). Empty when nothing better is reachable.
    pub reasons: Vec<Msg>,
    /// True when every indicator has an answer. Missing answers count as 0 / not met.
    pub complete: bool,
}

impl ScoreResult {
    /// The score of the criterion with this code.
    pub fn criterion(&self, code: &str) -> Option<&CriterionScore> {
        self.criteria.iter().find(|c| c.code == code)
    }
}

/// Why an answer does not fit the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerErrorKind {
    /// No indicator of the set has this code.
    UnknownIndicator,
    /// More points than the indicator allows.
    AboveMax { given: u32, max: u32 },
    /// A met/not-met answer for a points indicator.
    ExpectedPoints,
    /// A points answer for a pass/fail indicator.
    ExpectedPassFail,
}

/// One rejected answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerError {
    /// The indicator code as given in the answers.
    pub indicator: String,
    pub kind: AnswerErrorKind,
    /// Ready to show next to the field.
    pub message: Msg,
}

/// Scores `answers` against `set`. Rejects every answer that does not fit (unknown code, points
/// above the maximum, wrong kind), listing them in code order; otherwise missing answers count as
/// 0 points / not met and make the result incomplete.
pub fn score(set: &CriteriaSet, answers: &Answers) -> Result<ScoreResult, Vec<AnswerError>> {
    let errors = check_answers(set, answers);
    if !errors.is_empty() {
        return Err(errors);
    }

    let criteria: Vec<CriterionScore> = set
        .criteria
        .iter()
        .map(|c| {
            let mut points = 0u32;
            let mut answered = 0u32;
            let mut passed = 0u32;
            for i in &c.indicators {
                let answer = answers.get(&i.code);
                if answer.is_some() {
                    answered = answered.saturating_add(1);
                }
                if let (IndicatorKind::PassFail, Some(Answer::Pass(true))) = (i.kind, answer) {
                    passed = passed.saturating_add(1);
                }
                if let (IndicatorKind::Points { .. }, Some(Answer::Points(p))) = (i.kind, answer) {
                    points = points.saturating_add(*p);
                }
            }
            CriterionScore {
                code: c.code.clone(),
                points,
                max: c.max_points(),
                answered,
                indicator_count: count(c.indicators.len()),
                passed,
                min_points: c.min_points,
                meets_minimum: c.min_points.is_none_or(|min| points >= min),
            }
        })
        .collect();

    let total = criteria
        .iter()
        .fold(0u32, |sum, c| sum.saturating_add(c.points));
    let indicator_count = count(set.indicator_count());
    let answered = criteria
        .iter()
        .fold(0u32, |sum, c| sum.saturating_add(c.answered));
    let complete = answered >= indicator_count;

    let (verdict, mut reasons) = match &set.rule {
        ResultRule::PassMark { pass_mark, .. } => pass_mark_verdict(*pass_mark, total, &criteria),
        ResultRule::GradeBands {
            bands,
            recognised_from,
            ..
        } => grade_verdict(bands, *recognised_from, total),
        ResultRule::Levels { .. } => level_verdict(set, answers),
    };
    if !complete {
        let missing = indicator_count.saturating_sub(answered);
        reasons.push(Msg::new(
            format!(
                "Còn {missing}/{indicator_count} chỉ số chưa có câu trả lời (tính là 0 điểm hoặc chưa đạt)."
            ),
            format!(
                "{missing} of {indicator_count} indicators are not answered yet (counted as 0 points or not met)."
            ),
        ));
    }

    Ok(ScoreResult {
        total,
        max_total: set.max_total(),
        criteria,
        recognised: verdict.is_recognised(&set.rule),
        verdict,
        reasons,
        complete,
    })
}

/// Every answer that does not fit `set`, in code order. Empty when all fit. The form can call
/// this to mark fields; [`score`] calls it first.
pub fn check_answers(set: &CriteriaSet, answers: &Answers) -> Vec<AnswerError> {
    // First indicator wins should a draft repeat a code, matching `CriteriaSet::indicator`.
    let mut index: BTreeMap<&str, &Indicator> = BTreeMap::new();
    for i in set.indicators() {
        index.entry(i.code.as_str()).or_insert(i);
    }
    let mut errors = Vec::new();
    for (code, answer) in answers {
        let kind = match (index.get(code.as_str()), answer) {
            (None, _) => AnswerErrorKind::UnknownIndicator,
            (Some(i), Answer::Points(given)) => match i.kind {
                IndicatorKind::Points { max } if *given > max => {
                    AnswerErrorKind::AboveMax { given: *given, max }
                }
                IndicatorKind::Points { .. } => continue,
                IndicatorKind::PassFail => AnswerErrorKind::ExpectedPassFail,
            },
            (Some(i), Answer::Pass(_)) => match i.kind {
                IndicatorKind::PassFail => continue,
                IndicatorKind::Points { .. } => AnswerErrorKind::ExpectedPoints,
            },
        };
        errors.push(AnswerError {
            indicator: code.clone(),
            kind,
            message: answer_error_message(code, kind),
        });
    }
    errors
}

fn answer_error_message(code: &str, kind: AnswerErrorKind) -> Msg {
    match kind {
        AnswerErrorKind::UnknownIndicator => Msg::new(
            format!("Chỉ số {code} không có trong bộ tiêu chí."),
            format!("Indicator {code} is not in the criteria set."),
        ),
        AnswerErrorKind::AboveMax { given, max } => Msg::new(
            format!("Chỉ số {code}: {given} điểm vượt quá điểm tối đa {max}."),
            format!("Indicator {code}: {given} points is above the maximum of {max}."),
        ),
        AnswerErrorKind::ExpectedPoints => Msg::new(
            format!("Chỉ số {code} cần nhập số điểm, không phải đạt/không đạt."),
            format!("Indicator {code} takes points, not met/not met."),
        ),
        AnswerErrorKind::ExpectedPassFail => Msg::new(
            format!("Chỉ số {code} cần chọn đạt hoặc không đạt, không phải số điểm."),
            format!("Indicator {code} takes met or not met, not points."),
        ),
    }
}

/// Whether an indicator counts as met. Pass/fail: answered "met". A points indicator (only in an
/// invalid level set) counts as met at full marks, so scoring stays defined and monotonic.
fn indicator_passes(indicator: &Indicator, answer: Option<&Answer>) -> bool {
    match (indicator.kind, answer) {
        (IndicatorKind::PassFail, Some(Answer::Pass(met))) => *met,
        (IndicatorKind::Points { max }, Some(Answer::Points(p))) => max > 0 && *p >= max,
        _ => false,
    }
}

fn pass_mark_verdict(
    pass_mark: u32,
    total: u32,
    criteria: &[CriterionScore],
) -> (Verdict, Vec<Msg>) {
    let mut reasons = Vec::new();
    for c in criteria.iter().filter(|c| !c.meets_minimum) {
        let min = c.min_points.unwrap_or(0);
        reasons.push(Msg::new(
            format!(
                "Tiêu chí {} đạt {}/{} điểm, dưới mức tối thiểu {}.",
                c.code, c.points, c.max, min
            ),
            format!(
                "Criterion {} has {}/{} points, below its minimum of {}.",
                c.code, c.points, c.max, min
            ),
        ));
    }
    if total < pass_mark {
        reasons.push(Msg::new(
            format!("Tổng điểm {total}, dưới điểm đạt {pass_mark}."),
            format!("Total {total}, below the pass mark of {pass_mark}."),
        ));
    }
    let verdict = if reasons.is_empty() {
        Verdict::Recognised
    } else {
        Verdict::NotRecognised
    };
    (verdict, reasons)
}

fn grade_verdict(bands: &[GradeBand], recognised_from: Grade, total: u32) -> (Verdict, Vec<Msg>) {
    // Bands are best first; the first one reached is the grade. (For an invalid, unordered set
    // this still picks a defined grade.)
    let grade = bands
        .iter()
        .find(|b| total >= b.min_total)
        .map_or(Grade::KhongDat, |b| b.grade);
    let mut reasons = Vec::new();
    if grade == Grade::KhongDat || grade < recognised_from {
        reasons.push(Msg::new(
            format!(
                "Xếp loại {} chưa đạt mức được công nhận (từ loại {}).",
                grade.label(Lang::Vi),
                recognised_from.label(Lang::Vi)
            ),
            format!(
                "Grade {} is below the recognised grade ({} or better).",
                grade.label(Lang::En),
                recognised_from.label(Lang::En)
            ),
        ));
    }
    // The nearest band above: the last listed band whose minimum is not reached.
    if let Some(next) = bands.iter().rev().find(|b| total < b.min_total) {
        let missing = next.min_total - total;
        reasons.push(Msg::new(
            format!(
                "Tổng điểm {total}, thiếu {missing} điểm để xếp loại {} (từ {} điểm).",
                next.grade.label(Lang::Vi),
                next.min_total
            ),
            format!(
                "Total {total}: {missing} more points needed for {} (from {}).",
                next.grade.label(Lang::En),
                next.min_total
            ),
        ));
    }
    (Verdict::Grade(grade), reasons)
}

fn level_verdict(set: &CriteriaSet, answers: &Answers) -> (Verdict, Vec<Msg>) {
    let leveled: Vec<(u8, &Indicator)> = set
        .indicators()
        .filter_map(|i| i.level.filter(|l| *l >= 1).map(|l| (l, i)))
        .collect();
    let top = leveled.iter().map(|(l, _)| *l).max().unwrap_or(0);
    let mut reached = 0u8;
    for level in 1..=top {
        let all_met = leveled
            .iter()
            .filter(|(l, _)| *l <= level)
            .all(|(_, i)| indicator_passes(i, answers.get(&i.code)));
        if !all_met {
            break;
        }
        reached = level;
    }
    let mut reasons = Vec::new();
    if reached < top {
        // List what is still missing for the next level only: that is the officer's next step.
        let next = reached.saturating_add(1);
        for (level, i) in leveled.iter().filter(|(l, _)| *l <= next) {
            if !indicator_passes(i, answers.get(&i.code)) {
                reasons.push(Msg::new(
                    format!(
                        "Chỉ tiêu {} (mức {level}) chưa đạt: cần cho mức độ {next}.",
                        i.code
                    ),
                    format!(
                        "Indicator {} (level {level}) not met: needed for level {next}.",
                        i.code
                    ),
                ));
            }
        }
    }
    (Verdict::Level(reached), reasons)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;

/// Property tests over randomly generated valid sets and answers.
#[cfg(test)]
mod props;
