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
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::criteria::{
        Criterion, GradeBand, Indicator, SetStatus, TitleKind, Verification,
    };
    use crate::i18n::Msg;

    fn v() -> Verification {
        Verification::unverified("kiểm thử")
    }

    fn ind(code: &str, kind: IndicatorKind, level: Option<u8>) -> Indicator {
        Indicator {
            code: code.into(),
            text: code.into(),
            text_en: String::new(),
            kind,
            evidence: String::new(),
            verification: v(),
            level,
        }
    }

    fn pts(code: &str, max: u32) -> Indicator {
        ind(code, IndicatorKind::Points { max }, None)
    }

    fn pf(code: &str, level: u8) -> Indicator {
        ind(code, IndicatorKind::PassFail, Some(level))
    }

    fn crit(code: &str, min: Option<u32>, indicators: Vec<Indicator>) -> Criterion {
        Criterion {
            code: code.into(),
            name: code.into(),
            name_en: String::new(),
            indicators,
            min_points: min,
            verification: v(),
        }
    }

    fn set(criteria: Vec<Criterion>, rule: ResultRule) -> CriteriaSet {
        CriteriaSet {
            code: "t".into(),
            version: 1,
            title_kind: TitleKind::Household,
            name: "t".into(),
            name_en: String::new(),
            source_document: "t".into(),
            valid_from_year: 2020,
            valid_to_year: None,
            status: SetStatus::Draft,
            criteria,
            rule,
            notes: String::new(),
        }
    }

    fn answers(items: &[(&str, Answer)]) -> Answers {
        items.iter().map(|(k, a)| (k.to_string(), *a)).collect()
    }

    use Answer::{Pass, Points as P};

    /// 2 criteria of 50 (min 20 each), pass mark 60.
    fn pass_mark_set() -> CriteriaSet {
        let s = set(
            vec![
                crit("A", Some(20), vec![pts("A.1", 30), pts("A.2", 20)]),
                crit("B", Some(20), vec![pts("B.1", 50)]),
            ],
            ResultRule::PassMark {
                pass_mark: 60,
                verification: v(),
            },
        );
        assert_eq!(crate::domain::criteria::validate_set(&s), vec![]);
        s
    }

    fn band_set() -> CriteriaSet {
        let s = set(
            vec![crit("U", None, vec![pts("U.1", 60), pts("U.2", 40)])],
            ResultRule::GradeBands {
                bands: vec![
                    GradeBand {
                        grade: Grade::Tot,
                        min_total: 85,
                    },
                    GradeBand {
                        grade: Grade::Kha,
                        min_total: 70,
                    },
                    GradeBand {
                        grade: Grade::TrungBinh,
                        min_total: 50,
                    },
                ],
                recognised_from: Grade::Kha,
                verification: v(),
            },
        );
        assert_eq!(crate::domain::criteria::validate_set(&s), vec![]);
        s
    }

    fn level_set() -> CriteriaSet {
        let s = set(
            vec![
                crit("X1", None, vec![pf("X1.1", 1), pf("X1.2", 1)]),
                crit("X2", None, vec![pf("X2.1", 1), pf("X2.2", 2)]),
            ],
            ResultRule::Levels {
                level_names: vec![Msg::new("Khá", "Fairly good"), Msg::new("Tốt", "Good")],
                verification: v(),
            },
        );
        assert_eq!(crate::domain::criteria::validate_set(&s), vec![]);
        s
    }

    #[test]
    fn pass_mark_exactly_reached_is_recognised() {
        let r = score(
            &pass_mark_set(),
            &answers(&[("A.1", P(20)), ("A.2", P(10)), ("B.1", P(30))]),
        )
        .unwrap();
        assert_eq!(r.total, 60);
        assert_eq!(r.max_total, 100);
        assert_eq!(r.verdict, Verdict::Recognised);
        assert!(r.recognised && r.complete);
        assert_eq!(r.reasons, vec![]);
        assert_eq!(r.criterion("A").map(|c| c.points), Some(30));
    }

    #[test]
    fn one_point_below_the_pass_mark_is_not_recognised() {
        let r = score(
            &pass_mark_set(),
            &answers(&[("A.1", P(20)), ("A.2", P(9)), ("B.1", P(30))]),
        )
        .unwrap();
        assert_eq!(r.total, 59);
        assert_eq!(r.verdict, Verdict::NotRecognised);
        assert_eq!(r.reasons.len(), 1);
        assert_eq!(r.reasons[0].vi, "Tổng điểm 59, dưới điểm đạt 60.");
    }

    #[test]
    fn a_failed_minimum_blocks_recognition_despite_a_high_total() {
        let r = score(
            &pass_mark_set(),
            &answers(&[("A.1", P(30)), ("A.2", P(20)), ("B.1", P(15))]),
        )
        .unwrap();
        assert_eq!(r.total, 65);
        assert_eq!(r.verdict, Verdict::NotRecognised);
        assert!(!r.criterion("B").unwrap().meets_minimum);
        assert!(r.criterion("A").unwrap().meets_minimum);
        assert_eq!(r.reasons.len(), 1);
        assert_eq!(
            r.reasons[0].vi,
            "Tiêu chí B đạt 15/50 điểm, dưới mức tối thiểu 20."
        );
    }

    #[test]
    fn missing_answers_count_as_zero_and_make_the_result_incomplete() {
        let r = score(&pass_mark_set(), &answers(&[("A.1", P(30))])).unwrap();
        assert_eq!(r.total, 30);
        assert!(!r.complete);
        let a = r.criterion("A").unwrap();
        assert_eq!((a.answered, a.indicator_count), (1, 2));
        assert!(r
            .reasons
            .last()
            .unwrap()
            .vi
            .starts_with("Còn 2/3 chỉ số chưa có câu trả lời"));
        // B misses its minimum, the total misses the pass mark, and answers are missing.
        assert_eq!(r.verdict, Verdict::NotRecognised);
        assert_eq!(r.reasons.len(), 3);
    }

    #[test]
    fn grade_band_boundaries() {
        let s = band_set();
        let grade = |u1: u32, u2: u32| {
            score(&s, &answers(&[("U.1", P(u1)), ("U.2", P(u2))]))
                .unwrap()
                .verdict
        };
        assert_eq!(grade(60, 40), Verdict::Grade(Grade::Tot));
        assert_eq!(grade(60, 25), Verdict::Grade(Grade::Tot));
        assert_eq!(grade(60, 24), Verdict::Grade(Grade::Kha));
        assert_eq!(grade(60, 10), Verdict::Grade(Grade::Kha));
        assert_eq!(grade(60, 9), Verdict::Grade(Grade::TrungBinh));
        assert_eq!(grade(50, 0), Verdict::Grade(Grade::TrungBinh));
        assert_eq!(grade(49, 0), Verdict::Grade(Grade::KhongDat));
        assert_eq!(grade(0, 0), Verdict::Grade(Grade::KhongDat));
    }

    #[test]
    fn grade_reasons_name_the_next_band_and_the_recognition_grade() {
        let s = band_set();
        let r = score(&s, &answers(&[("U.1", P(60)), ("U.2", P(24))])).unwrap();
        assert!(r.recognised);
        assert_eq!(r.reasons.len(), 1);
        assert_eq!(
            r.reasons[0].vi,
            "Tổng điểm 84, thiếu 1 điểm để xếp loại Tốt (từ 85 điểm)."
        );
        let r = score(&s, &answers(&[("U.1", P(50)), ("U.2", P(5))])).unwrap();
        assert!(!r.recognised);
        assert_eq!(r.verdict, Verdict::Grade(Grade::TrungBinh));
        assert_eq!(
            r.reasons[0].vi,
            "Xếp loại Trung bình chưa đạt mức được công nhận (từ loại Khá)."
        );
        assert!(r.reasons[1].vi.contains("thiếu 15 điểm để xếp loại Khá"));
        let r = score(&s, &answers(&[("U.1", P(60)), ("U.2", P(40))])).unwrap();
        assert_eq!(r.reasons, vec![]);
    }

    #[test]
    fn levels_are_cumulative() {
        let s = level_set();
        let all = |x22: bool, x12: bool| {
            answers(&[
                ("X1.1", Pass(true)),
                ("X1.2", Pass(x12)),
                ("X2.1", Pass(true)),
                ("X2.2", Pass(x22)),
            ])
        };
        let r = score(&s, &all(true, true)).unwrap();
        assert_eq!(r.verdict, Verdict::Level(2));
        assert_eq!(r.reasons, vec![]);
        assert_eq!(r.verdict.label_for(&s.rule, Lang::Vi), "Đạt mức độ 2 (Tốt)");

        let r = score(&s, &all(false, true)).unwrap();
        assert_eq!(r.verdict, Verdict::Level(1));
        assert!(r.recognised);
        assert_eq!(
            r.reasons[0].vi,
            "Chỉ tiêu X2.2 (mức 2) chưa đạt: cần cho mức độ 2."
        );

        // Level-2 indicator met but a level-1 one not: no level at all.
        let r = score(&s, &all(true, false)).unwrap();
        assert_eq!(r.verdict, Verdict::Level(0));
        assert!(!r.recognised);
        assert_eq!(r.reasons.len(), 1);
        assert!(r.reasons[0].vi.starts_with("Chỉ tiêu X1.2 (mức 1)"));
        assert_eq!(r.criterion("X1").unwrap().passed, 1);
        assert_eq!(r.verdict.label_for(&s.rule, Lang::Vi), "Chưa đạt mức độ 1");
    }

    #[test]
    fn bad_answers_are_all_rejected_with_a_message_naming_the_indicator() {
        let errors = score(
            &pass_mark_set(),
            &answers(&[
                ("A.1", P(31)),
                ("A.2", Pass(true)),
                ("B.1", P(50)),
                ("Z.9", P(1)),
            ]),
        )
        .unwrap_err();
        let kinds: Vec<_> = errors
            .iter()
            .map(|e| (e.indicator.as_str(), e.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("A.1", AnswerErrorKind::AboveMax { given: 31, max: 30 }),
                ("A.2", AnswerErrorKind::ExpectedPoints),
                ("Z.9", AnswerErrorKind::UnknownIndicator),
            ]
        );
        assert_eq!(
            errors[0].message.vi,
            "Chỉ số A.1: 31 điểm vượt quá điểm tối đa 30."
        );
        assert!(errors[2].message.en.contains("Z.9"));

        let errors = score(&level_set(), &answers(&[("X1.1", P(1))])).unwrap_err();
        assert_eq!(errors[0].kind, AnswerErrorKind::ExpectedPassFail);
    }

    #[test]
    fn verdict_ranks_labels_and_recognition() {
        let bands = band_set().rule;
        assert!(Verdict::Grade(Grade::Kha).is_recognised(&bands));
        assert!(!Verdict::Grade(Grade::TrungBinh).is_recognised(&bands));
        assert!(!Verdict::Recognised.is_recognised(&bands));
        assert!(Verdict::Recognised.rank() > Verdict::NotRecognised.rank());
        assert!(Verdict::Grade(Grade::Tot).rank() > Verdict::Grade(Grade::Kha).rank());
        assert_eq!(Verdict::Grade(Grade::Kha).label(Lang::Vi), "Xếp loại Khá");
        assert_eq!(Verdict::Level(1).code(), "level:1");
        assert_eq!(Verdict::Grade(Grade::TrungBinh).code(), "grade:trung_binh");
        let json = serde_json::to_string(&Verdict::Grade(Grade::Tot)).unwrap();
        assert_eq!(json, r#"{"grade":"tot"}"#);
    }

    #[test]
    fn all_255_levels_can_be_reached() {
        let s = set(
            vec![crit(
                "X",
                None,
                (1..=u8::MAX).map(|l| pf(&format!("X.{l}"), l)).collect(),
            )],
            ResultRule::Levels {
                level_names: vec![],
                verification: v(),
            },
        );
        let all: Answers = s
            .indicators()
            .map(|i| (i.code.clone(), Pass(true)))
            .collect();
        assert_eq!(score(&s, &all).unwrap().verdict, Verdict::Level(u8::MAX));
    }

    #[test]
    fn an_invalid_set_still_scores_without_panicking() {
        let s = set(
            vec![crit(
                "A",
                Some(u32::MAX),
                vec![
                    pts("A.1", u32::MAX),
                    pts("A.1", u32::MAX),
                    ind("A.2", IndicatorKind::PassFail, None),
                ],
            )],
            ResultRule::GradeBands {
                bands: vec![],
                recognised_from: Grade::KhongDat,
                verification: v(),
            },
        );
        let r = score(&s, &answers(&[("A.1", P(u32::MAX)), ("A.2", Pass(true))])).unwrap();
        assert_eq!(r.total, u32::MAX);
        assert_eq!(r.verdict, Verdict::Grade(Grade::KhongDat));
        assert!(!r.recognised);
    }
}

/// Property tests over randomly generated valid sets and answers.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod props {
    use super::*;
    use crate::domain::criteria::{
        validate_set, Criterion, GradeBand, SetStatus, TitleKind, Verification,
    };
    use proptest::prelude::*;
    use proptest::sample::Index;

    /// Raw material for one indicator: a point maximum, a flag, a level and a free knob.
    type IndShape = (u32, bool, u8, u32);

    fn v() -> Verification {
        Verification::unverified("sinh ngẫu nhiên")
    }

    /// Builds a valid set from random raw material, repairing the numbers so they fit the rule
    /// (the property `generated_sets_are_valid` checks that the repair works).
    fn build_set(shape: Vec<Vec<IndShape>>, rule_kind: u8, knobs: [u32; 8]) -> CriteriaSet {
        let kind = rule_kind % 3;
        let levels_rule = kind == 2;
        // Levels: remap the random levels to 1..=n without gaps.
        let mut used: Vec<u8> = shape.iter().flatten().map(|s| s.2).collect();
        used.sort_unstable();
        used.dedup();
        let rank_of = |l: u8| -> u8 {
            let pos = used.iter().position(|u| *u == l).unwrap_or(0);
            u8::try_from(pos + 1).unwrap_or(1)
        };
        let criteria: Vec<Criterion> = shape
            .iter()
            .enumerate()
            .map(|(ci, inds)| {
                let indicators: Vec<Indicator> = inds
                    .iter()
                    .enumerate()
                    .map(|(ii, &(max, _, level, _))| Indicator {
                        code: format!("C{ci}.{ii}"),
                        text: format!("Chỉ số {ci}.{ii}"),
                        text_en: String::new(),
                        kind: if levels_rule {
                            IndicatorKind::PassFail
                        } else {
                            IndicatorKind::Points { max }
                        },
                        evidence: String::new(),
                        verification: v(),
                        level: levels_rule.then(|| rank_of(level)),
                    })
                    .collect();
                let crit_max: u32 = inds.iter().map(|s| s.0).sum();
                let (_, has_min, _, knob) = inds[0];
                Criterion {
                    code: format!("C{ci}"),
                    name: format!("Tiêu chí {ci}"),
                    name_en: String::new(),
                    min_points: (kind == 0 && has_min).then_some(knob % (crit_max + 1)),
                    indicators,
                    verification: v(),
                }
            })
            .collect();
        let max_total: u32 = shape.iter().flatten().map(|s| s.0).sum();
        let rule = match kind {
            0 => ResultRule::PassMark {
                pass_mark: knobs[0] % (max_total + 1),
                verification: v(),
            },
            1 => {
                let mut mins: Vec<u32> = knobs[1..4].iter().map(|k| k % (max_total + 1)).collect();
                mins.sort_unstable_by(|a, b| b.cmp(a));
                mins.dedup();
                let grades = [Grade::Tot, Grade::Kha, Grade::TrungBinh];
                let skip = (knobs[4] as usize) % (grades.len() - mins.len() + 1);
                let bands: Vec<GradeBand> = grades[skip..]
                    .iter()
                    .zip(mins)
                    .map(|(&grade, min_total)| GradeBand { grade, min_total })
                    .collect();
                let recognised_from = bands[(knobs[5] as usize) % bands.len()].grade;
                ResultRule::GradeBands {
                    bands,
                    recognised_from,
                    verification: v(),
                }
            }
            _ => ResultRule::Levels {
                level_names: vec![],
                verification: v(),
            },
        };
        CriteriaSet {
            code: "prop".into(),
            version: 1,
            title_kind: TitleKind::Household,
            name: "Bộ sinh ngẫu nhiên".into(),
            name_en: String::new(),
            source_document: "proptest".into(),
            valid_from_year: 2020,
            valid_to_year: None,
            status: SetStatus::Draft,
            criteria,
            rule,
            notes: String::new(),
        }
    }

    fn valid_set() -> impl Strategy<Value = CriteriaSet> {
        let ind = (1u32..=25, any::<bool>(), 1u8..=3, any::<u32>());
        let shape = prop::collection::vec(prop::collection::vec(ind, 1..=4), 1..=5);
        (shape, 0u8..3, any::<[u32; 8]>()).prop_map(|(s, r, k)| build_set(s, r, k))
    }

    /// A valid answer map for `set`: each indicator answered or not, points within the maximum.
    fn answers_for(set: &CriteriaSet, raw: &[(bool, u32, bool)]) -> Answers {
        set.indicators()
            .zip(raw)
            .filter(|(_, (present, _, _))| *present)
            .map(|(i, &(_, value, met))| {
                let answer = match i.kind {
                    IndicatorKind::Points { max } => Answer::Points(value % (max + 1)),
                    IndicatorKind::PassFail => Answer::Pass(met),
                };
                (i.code.clone(), answer)
            })
            .collect()
    }

    fn set_and_answers() -> impl Strategy<Value = (CriteriaSet, Answers)> {
        valid_set().prop_flat_map(|set| {
            let n = set.indicator_count();
            let raw = prop::collection::vec((any::<bool>(), any::<u32>(), any::<bool>()), n);
            (Just(set), raw).prop_map(|(set, raw)| {
                let answers = answers_for(&set, &raw);
                (set, answers)
            })
        })
    }

    fn arbitrary_answer() -> impl Strategy<Value = Answer> {
        prop_oneof![
            (0u32..=30).prop_map(Answer::Points),
            any::<u32>().prop_map(Answer::Points),
            any::<bool>().prop_map(Answer::Pass),
        ]
    }

    /// Any set at all, valid or not: duplicate codes, huge maxima, any rule.
    fn arbitrary_set() -> impl Strategy<Value = CriteriaSet> {
        let kind = prop_oneof![
            any::<u32>().prop_map(|max| IndicatorKind::Points { max }),
            Just(IndicatorKind::PassFail),
        ];
        let ind = ("[AB]\\.[12]", kind, proptest::option::of(any::<u8>()));
        let crit = (
            "[AB]",
            prop::collection::vec(ind, 0..4),
            proptest::option::of(any::<u32>()),
        );
        let grade = prop_oneof![
            Just(Grade::Tot),
            Just(Grade::Kha),
            Just(Grade::TrungBinh),
            Just(Grade::KhongDat)
        ];
        let band = (grade.clone(), any::<u32>())
            .prop_map(|(grade, min_total)| GradeBand { grade, min_total });
        let rule = prop_oneof![
            any::<u32>().prop_map(|pass_mark| ResultRule::PassMark {
                pass_mark,
                verification: v()
            }),
            (prop::collection::vec(band, 0..4), grade).prop_map(|(bands, recognised_from)| {
                ResultRule::GradeBands {
                    bands,
                    recognised_from,
                    verification: v(),
                }
            }),
            Just(ResultRule::Levels {
                level_names: vec![],
                verification: v()
            }),
        ];
        (prop::collection::vec(crit, 0..4), rule).prop_map(|(crits, rule)| CriteriaSet {
            code: "any".into(),
            version: 1,
            title_kind: TitleKind::Clan,
            name: "x".into(),
            name_en: String::new(),
            source_document: String::new(),
            valid_from_year: 2020,
            valid_to_year: None,
            status: SetStatus::Draft,
            criteria: crits
                .into_iter()
                .map(|(code, inds, min_points)| Criterion {
                    code,
                    name: "x".into(),
                    name_en: String::new(),
                    indicators: inds
                        .into_iter()
                        .map(|(code, kind, level)| Indicator {
                            code,
                            text: "x".into(),
                            text_en: String::new(),
                            kind,
                            evidence: String::new(),
                            verification: v(),
                            level,
                        })
                        .collect(),
                    min_points,
                    verification: v(),
                })
                .collect(),
            rule,
            notes: String::new(),
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn generated_sets_are_valid(set in valid_set()) {
            prop_assert_eq!(validate_set(&set), vec![]);
        }

        /// (1) total = sum of criterion points = sum of the points answers;
        /// (2) nothing exceeds its maximum.
        #[test]
        fn totals_add_up_and_stay_within_maxima((set, answers) in set_and_answers()) {
            let r = score(&set, &answers).unwrap();
            let from_criteria: u32 = r.criteria.iter().map(|c| c.points).sum();
            let from_answers: u32 = answers
                .values()
                .map(|a| match a { Answer::Points(p) => *p, Answer::Pass(_) => 0 })
                .sum();
            prop_assert_eq!(r.total, from_criteria);
            prop_assert_eq!(r.total, from_answers);
            prop_assert!(r.total <= r.max_total);
            prop_assert_eq!(r.max_total, set.max_total());
            for c in &r.criteria {
                prop_assert!(c.points <= c.max);
                prop_assert!(c.answered <= c.indicator_count);
            }
            prop_assert_eq!(r.complete, answers.len() == set.indicator_count());
            prop_assert_eq!(r.recognised, r.verdict.is_recognised(&set.rule));
            // The result survives the wire unchanged.
            let json = serde_json::to_string(&r).unwrap();
            prop_assert_eq!(serde_json::from_str::<ScoreResult>(&json).unwrap(), r);
        }

        /// (3) Raising one points answer, or turning one pass/fail answer to "met", never
        /// lowers the verdict.
        #[test]
        fn a_better_answer_never_lowers_the_verdict(
            (set, answers) in set_and_answers(),
            pick in any::<Index>(),
            raise in any::<u32>(),
        ) {
            let before = score(&set, &answers).unwrap();
            let indicators: Vec<&Indicator> = set.indicators().collect();
            let target = indicators[pick.index(indicators.len())];
            let mut better = answers.clone();
            let improved = match (target.kind, answers.get(&target.code)) {
                (IndicatorKind::Points { max }, Some(Answer::Points(p))) => {
                    Answer::Points(p + raise % (max - p + 1))
                }
                (IndicatorKind::Points { max }, _) => Answer::Points(raise % (max + 1)),
                (IndicatorKind::PassFail, _) => Answer::Pass(true),
            };
            better.insert(target.code.clone(), improved);
            let after = score(&set, &better).unwrap();
            prop_assert!(after.verdict.rank() >= before.verdict.rank(),
                "{:?} -> {:?}", before.verdict, after.verdict);
            prop_assert!(after.total >= before.total);
            prop_assert!(after.recognised || !before.recognised);
        }

        /// Full marks reach the best verdict the rule offers; no answer at all reaches the
        /// worst for level sets.
        #[test]
        fn full_marks_reach_the_best_verdict(set in valid_set()) {
            let full: Answers = set
                .indicators()
                .map(|i| {
                    let a = match i.kind {
                        IndicatorKind::Points { max } => Answer::Points(max),
                        IndicatorKind::PassFail => Answer::Pass(true),
                    };
                    (i.code.clone(), a)
                })
                .collect();
            let r = score(&set, &full).unwrap();
            prop_assert!(r.complete);
            prop_assert!(r.recognised);
            prop_assert_eq!(r.total, set.max_total());
            prop_assert!(r.reasons.is_empty(), "{:?}", r.reasons);
            if let ResultRule::GradeBands { bands, .. } = &set.rule {
                prop_assert_eq!(r.verdict, Verdict::Grade(bands[0].grade));
            }
            if let ResultRule::Levels { .. } = &set.rule {
                let empty = score(&set, &Answers::new()).unwrap();
                prop_assert_eq!(empty.verdict, Verdict::Level(0));
                prop_assert!(!empty.complete);
            }
        }

        /// (4) Any answer map: no panic; Ok exactly when every answer fits, and otherwise one
        /// error per misfit.
        #[test]
        fn arbitrary_answers_are_accepted_or_rejected_never_panic(
            set in valid_set(),
            picks in prop::collection::vec((any::<Index>(), arbitrary_answer()), 0..8),
            strangers in prop::collection::btree_map("[A-Z]{0,2}[.0-9]{0,3}", arbitrary_answer(), 0..3),
        ) {
            let codes: Vec<String> = set.indicators().map(|i| i.code.clone()).collect();
            let mut answers: Answers = strangers;
            for (pick, a) in picks {
                answers.insert(codes[pick.index(codes.len())].clone(), a);
            }
            let misfits = answers
                .iter()
                .filter(|(code, a)| match (set.indicator(code), a) {
                    (Some(i), Answer::Points(p)) => match i.kind {
                        IndicatorKind::Points { max } => *p > max,
                        IndicatorKind::PassFail => true,
                    },
                    (Some(i), Answer::Pass(_)) => i.kind != IndicatorKind::PassFail,
                    (None, _) => true,
                })
                .count();
            match score(&set, &answers) {
                Ok(_) => prop_assert_eq!(misfits, 0),
                Err(errors) => {
                    prop_assert_eq!(errors.len(), misfits);
                    for e in &errors {
                        prop_assert!(e.message.vi.contains(&e.indicator));
                        prop_assert!(e.message.en.contains(&e.indicator));
                    }
                }
            }
        }

        /// Any set, valid or not, with any answers: validation and scoring never panic.
        #[test]
        fn nothing_panics_on_arbitrary_sets(
            set in arbitrary_set(),
            answers in prop::collection::btree_map("[AB]\\.[123]", arbitrary_answer(), 0..6),
        ) {
            let _ = validate_set(&set);
            let _ = set.max_total();
            let _ = set.has_unverified();
            let _ = score(&set, &answers);
        }
    }
}
