//! Property tests over randomly generated valid sets and answers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

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
    let band =
        (grade.clone(), any::<u32>()).prop_map(|(grade, min_total)| GradeBand { grade, min_total });
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
