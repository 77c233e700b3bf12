//! Scoring fixtures: criteria set + answers + the result worked out by hand.
//!
//! Native tests assert them now. Later the browser runs the same fixtures in wasm and compares
//! [`fixture_digest`] with the value the server computed natively, proving that the two builds
//! of the scoring engine (and of the shipped catalog) agree. The cases cover every rule type and
//! its edges: exactly at the pass mark and one below, a criterion minimum failing despite a high
//! total, each grade-band boundary, level 1 against level 2, and incomplete answers.

use crate::domain::catalog::shipped_set;
use crate::domain::criteria::Grade::{Kha, KhongDat, Tot, TrungBinh};
use crate::domain::criteria::{
    Answer, Answers, CriteriaSet, Criterion, Indicator, IndicatorKind, ResultRule, SetStatus,
    TitleKind, Verification,
};
use crate::domain::scoring::Verdict::{Grade as G, Level, NotRecognised, Recognised};
use crate::domain::scoring::{score, ScoreResult, Verdict};

/// One hand-checked scoring case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoringFixture {
    /// Unique, stable name (used in the digest).
    pub name: &'static str,
    /// The set scored (a shipped set, or a small synthetic one for rules no shipped set uses).
    pub set: CriteriaSet,
    pub answers: Answers,
    pub expected_total: u32,
    pub expected_verdict: Verdict,
    pub expected_complete: bool,
}

impl ScoringFixture {
    /// Scores the fixture and compares with the expectation; the error says what differs.
    pub fn check(&self) -> Result<ScoreResult, String> {
        let result = score(&self.set, &self.answers).map_err(|errors| {
            let codes: Vec<&str> = errors.iter().map(|e| e.indicator.as_str()).collect();
            format!("{}: answers rejected: {}", self.name, codes.join(", "))
        })?;
        let got = (result.total, result.verdict, result.complete);
        let want = (
            self.expected_total,
            self.expected_verdict,
            self.expected_complete,
        );
        if got == want {
            Ok(result)
        } else {
            Err(format!(
                "{}: expected total {}, {}, complete {}; got total {}, {}, complete {}",
                self.name,
                want.0,
                want.1.code(),
                want.2,
                got.0,
                got.1.code(),
                got.2
            ))
        }
    }
}

/// Every fixture. Sets missing from the catalog (which would be a bug) are skipped here and
/// caught by the tests, so this never panics.
pub fn fixtures() -> Vec<ScoringFixture> {
    let mut out = Vec::new();
    let mut add = |name: &'static str,
                   set: &Option<CriteriaSet>,
                   answers: Answers,
                   total: u32,
                   verdict: Verdict,
                   complete: bool| {
        if let Some(set) = set {
            out.push(ScoringFixture {
                name,
                set: set.clone(),
                answers,
                expected_total: total,
                expected_verdict: verdict,
                expected_complete: complete,
            });
        }
    };

    // Pass mark 70 (unverified placeholder) over 100 points.
    let gdht = shipped_set("gdht-qd448");
    let g = gdht.as_ref();
    add(
        "gdht_full_marks",
        &gdht,
        full(g, &[]),
        100,
        Recognised,
        true,
    );
    let at_pass_mark = [
        ("GD3.a", Answer::Points(10)),
        ("GD3.b", Answer::Points(0)),
        ("GD4.a", Answer::Points(0)),
        ("GD4.b", Answer::Points(0)),
    ];
    add(
        "gdht_exactly_pass_mark_70",
        &gdht,
        full(g, &at_pass_mark),
        70,
        Recognised,
        true,
    );
    let mut one_below = at_pass_mark;
    one_below[0] = ("GD3.a", Answer::Points(9));
    add(
        "gdht_one_below_pass_mark_69",
        &gdht,
        full(g, &one_below),
        69,
        NotRecognised,
        true,
    );
    add(
        "gdht_incomplete_only_gd1",
        &gdht,
        only(&[
            ("GD1.a", Answer::Points(10)),
            ("GD1.b", Answer::Points(10)),
            ("GD1.c", Answer::Points(10)),
        ]),
        30,
        NotRecognised,
        false,
    );

    // Criterion minimums (no shipped set has a confirmed one, so a synthetic set).
    let minimums = Some(minimum_set());
    add(
        "minimum_fails_despite_total_70_over_60",
        &minimums,
        only(&[
            ("A.1", Answer::Points(30)),
            ("A.2", Answer::Points(20)),
            ("B.1", Answer::Points(20)),
        ]),
        70,
        NotRecognised,
        true,
    );
    add(
        "minimums_met_exactly_total_60",
        &minimums,
        only(&[
            ("A.1", Answer::Points(30)),
            ("A.2", Answer::Points(5)),
            ("B.1", Answer::Points(25)),
        ]),
        60,
        Recognised,
        true,
    );

    // TT 22 grade bands 85 / 70 / 50.
    let tt22 = shipped_set("dvht-huyen-tt22");
    let t = tt22.as_ref();
    add(
        "tt22_tot_at_85",
        &tt22,
        full(t, &[("U3.2", Answer::Points(0))]),
        85,
        G(Tot),
        true,
    );
    add(
        "tt22_kha_at_84",
        &tt22,
        full(
            t,
            &[("U3.2", Answer::Points(0)), ("U2.4", Answer::Points(4))],
        ),
        84,
        G(Kha),
        true,
    );
    add(
        "tt22_kha_at_70",
        &tt22,
        full(
            t,
            &[("U3.1", Answer::Points(10)), ("U3.2", Answer::Points(0))],
        ),
        70,
        G(Kha),
        true,
    );
    let fifty = [
        ("U2.2", Answer::Points(0)),
        ("U2.4", Answer::Points(0)),
        ("U3.1", Answer::Points(0)),
        ("U3.2", Answer::Points(0)),
    ];
    add(
        "tt22_trung_binh_at_50",
        &tt22,
        full(t, &fifty),
        50,
        G(TrungBinh),
        true,
    );
    let mut forty_nine = fifty.to_vec();
    forty_nine.push(("U2.3", Answer::Points(9)));
    add(
        "tt22_khong_dat_at_49",
        &tt22,
        full(t, &forty_nine),
        49,
        G(KhongDat),
        true,
    );

    // TT 44 placeholder bands 128 / 105 / 75 over 150.
    let tt44 = shipped_set("cdht-xa-tt44");
    let zero: Vec<(&str, Answer)> = ["T12.1", "T13.1", "T14.1", "T15.1"]
        .into_iter()
        .map(|c| (c, Answer::Points(0)))
        .collect();
    add(
        "tt44_kha_at_110",
        &tt44,
        full(tt44.as_ref(), &zero),
        110,
        G(Kha),
        true,
    );

    // TT 25 levels: mức 1 = every level-1 chỉ tiêu; mức 2 adds X4.3 and X5.3.
    let tt25 = shipped_set("cdht-xa-tt25");
    let c = tt25.as_ref();
    add(
        "tt25_level_2_all_met",
        &tt25,
        full(c, &[]),
        0,
        Level(2),
        true,
    );
    add(
        "tt25_level_1_x4_3_not_met",
        &tt25,
        full(c, &[("X4.3", Answer::Pass(false))]),
        0,
        Level(1),
        true,
    );
    add(
        "tt25_level_0_x1_2_not_met",
        &tt25,
        full(c, &[("X1.2", Answer::Pass(false))]),
        0,
        Level(0),
        true,
    );
    add(
        "tt25_incomplete_only_x1",
        &tt25,
        only(&[
            ("X1.1", Answer::Pass(true)),
            ("X1.2", Answer::Pass(true)),
            ("X1.3", Answer::Pass(true)),
        ]),
        0,
        Level(0),
        false,
    );

    // TT 24 levels.
    let tt24 = shipped_set("dvht-huyen-tt24");
    add(
        "tt24_level_1_v3_5_not_met",
        &tt24,
        full(tt24.as_ref(), &[("V3.5", Answer::Pass(false))]),
        0,
        Level(1),
        true,
    );

    // Commune units: placeholder pass mark 80.
    let dvxa = shipped_set("dvht-xa-qd448");
    add(
        "dvht_xa_exactly_80",
        &dvxa,
        full(
            dvxa.as_ref(),
            &[("D3.1", Answer::Points(20)), ("D3.2", Answer::Points(0))],
        ),
        80,
        Recognised,
        true,
    );

    out
}

/// Names of the fixtures whose result differs from the expectation, with what differs. Empty
/// when the engine and catalog behave as hand-checked. The browser self-check shows these.
pub fn failing_fixtures() -> Vec<String> {
    fixtures().iter().filter_map(|f| f.check().err()).collect()
}

/// A deterministic text summary of scoring every fixture, one line per fixture:
/// `name|set@version|total/max|points:met per criterion|verdict|rank|complete|reasons`. The browser
/// computes it in wasm and compares it with the server's native value; any difference in the
/// engine or the shipped data between the two builds shows up here.
pub fn fixture_digest() -> String {
    let mut lines = vec![String::from("khuyen-hoc scoring fixtures v1")];
    for f in fixtures() {
        let head = format!("{}|{}@{}", f.name, f.set.code, f.set.version);
        let line = match score(&f.set, &f.answers) {
            Ok(r) => {
                let per_criterion: Vec<String> = r
                    .criteria
                    .iter()
                    .map(|c| format!("{}:{}", c.points, c.passed))
                    .collect();
                format!(
                    "{head}|{}/{}|{}|{}|r{}|{}|reasons {}",
                    r.total,
                    r.max_total,
                    per_criterion.join(","),
                    r.verdict.code(),
                    r.verdict.rank(),
                    if r.complete { "complete" } else { "incomplete" },
                    r.reasons.len()
                )
            }
            Err(errors) => {
                let codes: Vec<&str> = errors.iter().map(|e| e.indicator.as_str()).collect();
                format!("{head}|rejected:{}", codes.join(","))
            }
        };
        lines.push(line);
    }
    lines.join("\n")
}

/// Full marks for every indicator of `set` (max points, or met), then `overrides`.
fn full(set: Option<&CriteriaSet>, overrides: &[(&str, Answer)]) -> Answers {
    let mut answers: Answers = set
        .into_iter()
        .flat_map(|s| s.indicators())
        .map(|i| {
            let best = match i.kind {
                IndicatorKind::Points { max } => Answer::Points(max),
                IndicatorKind::PassFail => Answer::Pass(true),
            };
            (i.code.clone(), best)
        })
        .collect();
    for (code, answer) in overrides {
        answers.insert((*code).to_string(), *answer);
    }
    answers
}

/// Exactly these answers.
fn only(items: &[(&str, Answer)]) -> Answers {
    items.iter().map(|(c, a)| ((*c).to_string(), *a)).collect()
}

/// A test-only pass-mark set with criterion minimums: A (30 + 20, min 25), B (50, min 25),
/// pass mark 60. Not official in any way, and a draft so it is never offered to officers.
fn minimum_set() -> CriteriaSet {
    let note = || Verification::unverified("Bộ tiêu chí kiểm thử, không phải văn bản chính thức.");
    let ind = |code: &str, max: u32| Indicator {
        code: code.into(),
        text: format!("Chỉ số kiểm thử {code}"),
        text_en: format!("Test indicator {code}"),
        kind: IndicatorKind::Points { max },
        evidence: String::new(),
        verification: note(),
        level: None,
    };
    let crit = |code: &str, indicators: Vec<Indicator>| Criterion {
        code: code.into(),
        name: format!("Tiêu chí kiểm thử {code}"),
        name_en: format!("Test criterion {code}"),
        indicators,
        min_points: Some(25),
        verification: note(),
    };
    CriteriaSet {
        code: "fixture-min-points".into(),
        version: 1,
        title_kind: TitleKind::Household,
        name: "Bộ kiểm thử mức tối thiểu".into(),
        name_en: "Minimum-points test set".into(),
        source_document: "Kiểm thử (không phải văn bản chính thức)".into(),
        valid_from_year: 2000,
        valid_to_year: None,
        status: SetStatus::Draft,
        criteria: vec![
            crit("A", vec![ind("A.1", 30), ind("A.2", 20)]),
            crit("B", vec![ind("B.1", 50)]),
        ],
        rule: ResultRule::PassMark {
            pass_mark: 60,
            verification: note(),
        },
        notes: "Chỉ dùng cho kiểm thử.".into(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::criteria::validate_set;
    use std::collections::BTreeSet;

    #[test]
    fn fixtures_match_expected() {
        assert_eq!(failing_fixtures(), Vec::<String>::new());
    }

    #[test]
    fn every_fixture_set_exists_and_is_valid() {
        let all = fixtures();
        assert_eq!(all.len(), 18, "a fixture's set is missing from the catalog");
        let names: BTreeSet<_> = all.iter().map(|f| f.name).collect();
        assert_eq!(names.len(), all.len(), "fixture names must be unique");
        for f in &all {
            assert_eq!(validate_set(&f.set), vec![], "{}", f.name);
        }
    }

    #[test]
    fn fixtures_cover_every_rule_type() {
        let all = fixtures();
        let has = |p: fn(&ResultRule) -> bool| all.iter().any(|f| p(&f.set.rule));
        assert!(has(|r| matches!(r, ResultRule::PassMark { .. })));
        assert!(has(|r| matches!(r, ResultRule::GradeBands { .. })));
        assert!(has(|r| matches!(r, ResultRule::Levels { .. })));
        assert!(all.iter().any(|f| !f.expected_complete));
    }

    #[test]
    fn the_minimum_fixture_explains_itself() {
        let f = fixtures()
            .into_iter()
            .find(|f| f.name == "minimum_fails_despite_total_70_over_60")
            .unwrap();
        let r = f.check().unwrap();
        assert_eq!(
            r.reasons[0].vi,
            "Tiêu chí B đạt 20/50 điểm, dưới mức tối thiểu 25."
        );
    }

    #[test]
    fn digest_is_deterministic_and_lists_every_fixture() {
        let d = fixture_digest();
        assert_eq!(d, fixture_digest());
        assert_eq!(d.lines().count(), fixtures().len() + 1);
        assert!(d.contains(
            "\ngdht_exactly_pass_mark_70|gdht-qd448@1|70/100|30:0,30:0,10:0,0:0|recognised|r1|complete|reasons 0\n"
        ));
        assert!(
            d.contains("\ntt22_kha_at_84|dvht-huyen-tt22@1|84/100|30:0,29:0,25:0|grade:kha|r2|complete|reasons 1\n")
        );
        assert!(d.contains(
            "\ntt25_level_1_x4_3_not_met|cdht-xa-tt25@1|0/0|0:3,0:3,0:3,0:2,0:3|level:1|r1|complete|reasons 1\n"
        ));
        assert!(!d.contains("rejected"));
    }
}
