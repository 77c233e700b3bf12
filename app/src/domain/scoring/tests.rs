//! Unit tests of `score`: totals, verdicts and reasons for each kind of rule.

#![allow(clippy::unwrap_used, clippy::expect_used)]

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
