//! Unit tests of the criteria model and of `validate_set`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn points(code: &str, max: u32) -> Indicator {
    Indicator {
        code: code.into(),
        text: format!("Chỉ số {code}"),
        text_en: String::new(),
        kind: IndicatorKind::Points { max },
        evidence: String::new(),
        verification: Verification::unverified("kiểm thử"),
        level: None,
    }
}

fn pass_fail(code: &str, level: Option<u8>) -> Indicator {
    Indicator {
        kind: IndicatorKind::PassFail,
        level,
        ..points(code, 1)
    }
}

fn criterion(code: &str, indicators: Vec<Indicator>) -> Criterion {
    Criterion {
        code: code.into(),
        name: format!("Tiêu chí {code}"),
        name_en: String::new(),
        indicators,
        min_points: None,
        verification: Verification::unverified("kiểm thử"),
    }
}

fn set(criteria: Vec<Criterion>, rule: ResultRule) -> CriteriaSet {
    CriteriaSet {
        code: "test".into(),
        version: 1,
        title_kind: TitleKind::Household,
        name: "Bộ thử".into(),
        name_en: String::new(),
        source_document: "kiểm thử".into(),
        valid_from_year: 2020,
        valid_to_year: None,
        status: SetStatus::Draft,
        criteria,
        rule,
        notes: String::new(),
    }
}

fn pass_mark(mark: u32) -> ResultRule {
    ResultRule::PassMark {
        pass_mark: mark,
        verification: Verification::unverified("kiểm thử"),
    }
}

fn bands(bands: &[(Grade, u32)], from: Grade) -> ResultRule {
    ResultRule::GradeBands {
        bands: bands
            .iter()
            .map(|&(grade, min_total)| GradeBand { grade, min_total })
            .collect(),
        recognised_from: from,
        verification: Verification::unverified("kiểm thử"),
    }
}

fn levels() -> ResultRule {
    ResultRule::Levels {
        level_names: vec![],
        verification: Verification::unverified("kiểm thử"),
    }
}

fn messages(set: &CriteriaSet) -> Vec<String> {
    validate_set(set)
        .into_iter()
        .map(|p| p.message.en)
        .collect()
}

#[test]
fn title_kind_codes_round_trip_and_match_serde() {
    for kind in TitleKind::ALL {
        assert_eq!(TitleKind::from_code(kind.code()), Some(kind));
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.code()));
    }
    assert_eq!(TitleKind::from_code(" clan "), Some(TitleKind::Clan));
    assert_eq!(TitleKind::from_code("citizen"), None);
}

#[test]
fn communities_and_units_last_three_years_families_one() {
    assert_eq!(TitleKind::Household.validity_years(), 1);
    assert_eq!(TitleKind::Clan.validity_years(), 1);
    assert_eq!(TitleKind::CommuneCommunity.validity_years(), 3);
    assert_eq!(TitleKind::DistrictUnit.validity_years(), 3);
    assert_eq!(
        TitleKind::CommuneUnit.subject_kind(),
        SubjectKind::Organisation
    );
}

#[test]
fn grades_order_from_khong_dat_to_tot() {
    assert!(Grade::KhongDat < Grade::TrungBinh);
    assert!(Grade::TrungBinh < Grade::Kha);
    assert!(Grade::Kha < Grade::Tot);
    assert_eq!(Grade::Kha.label(Lang::Vi), "Khá");
    assert_eq!(Grade::TrungBinh.label(Lang::Vi), "Trung bình");
}

#[test]
fn a_sound_pass_mark_set_has_no_problem() {
    let s = set(
        vec![criterion("A", vec![points("A.1", 10), points("A.2", 20)])],
        pass_mark(25),
    );
    assert_eq!(validate_set(&s), vec![]);
    assert_eq!(s.max_total(), 30);
    assert_eq!(s.indicator("A.2").map(|i| i.max_points()), Some(20));
    assert!(s.has_unverified());
}

#[test]
fn empty_set_and_empty_criterion_are_reported() {
    let s = set(vec![], pass_mark(0));
    assert!(messages(&s).iter().any(|m| m.contains("no criteria")));
    let s = set(vec![criterion("A", vec![])], pass_mark(0));
    assert!(messages(&s)
        .iter()
        .any(|m| m.contains("A has no indicators")));
}

#[test]
fn duplicate_codes_and_zero_max_are_reported() {
    let s = set(
        vec![
            criterion("A", vec![points("X", 10), points("X", 0)]),
            criterion("A", vec![points("Y", 5)]),
        ],
        pass_mark(5),
    );
    let m = messages(&s);
    assert!(m
        .iter()
        .any(|m| m.contains("Criterion code A is used twice")));
    assert!(m
        .iter()
        .any(|m| m.contains("Indicator code X is used twice")));
    assert!(m.iter().any(|m| m.contains("maximum of 0")));
}

#[test]
fn pass_mark_and_minimum_above_maxima_are_reported() {
    let mut c = criterion("A", vec![points("A.1", 10)]);
    c.min_points = Some(11);
    let s = set(vec![c], pass_mark(11));
    let m = messages(&s);
    assert!(m.iter().any(|m| m.contains("pass mark 11 is above")));
    assert!(m.iter().any(|m| m.contains("minimum 11 of criterion A")));
}

#[test]
fn pass_fail_indicators_are_rejected_in_points_sets() {
    let s = set(
        vec![criterion(
            "A",
            vec![points("A.1", 10), pass_fail("A.2", None)],
        )],
        pass_mark(5),
    );
    assert!(messages(&s).iter().any(|m| m.contains("A.2 is pass/fail")));
}

#[test]
fn grade_bands_must_descend_fit_and_contain_the_recognised_grade() {
    let c = || vec![criterion("A", vec![points("A.1", 100)])];
    let ok = set(
        c(),
        bands(
            &[(Grade::Tot, 85), (Grade::Kha, 70), (Grade::TrungBinh, 50)],
            Grade::Kha,
        ),
    );
    assert_eq!(validate_set(&ok), vec![]);

    let unordered = set(
        c(),
        bands(&[(Grade::Kha, 70), (Grade::Tot, 85)], Grade::Kha),
    );
    assert!(messages(&unordered).iter().any(|m| m.contains("descend")));

    let same_points = set(
        c(),
        bands(&[(Grade::Tot, 70), (Grade::Kha, 70)], Grade::Kha),
    );
    assert!(messages(&same_points).iter().any(|m| m.contains("descend")));

    let too_high = set(c(), bands(&[(Grade::Tot, 101)], Grade::Tot));
    assert!(messages(&too_high)
        .iter()
        .any(|m| m.contains("above the maximum total")));

    let missing = set(c(), bands(&[(Grade::Tot, 85)], Grade::Kha));
    assert!(messages(&missing)
        .iter()
        .any(|m| m.contains("not among the bands")));

    let fail_band = set(
        c(),
        bands(&[(Grade::Tot, 85), (Grade::KhongDat, 0)], Grade::Tot),
    );
    assert!(messages(&fail_band)
        .iter()
        .any(|m| m.contains("Do not give a band")));

    let empty = set(c(), bands(&[], Grade::Tot));
    assert!(messages(&empty).iter().any(|m| m.contains("no bands")));
}

#[test]
fn minimums_are_rejected_outside_pass_mark_rules() {
    let mut c = criterion("A", vec![points("A.1", 100)]);
    c.min_points = Some(10);
    let s = set(vec![c], bands(&[(Grade::Tot, 85)], Grade::Tot));
    assert!(messages(&s)
        .iter()
        .any(|m| m.contains("only a pass-mark rule")));
}

#[test]
fn level_sets_need_pass_fail_indicators_with_contiguous_levels() {
    let ok = set(
        vec![criterion(
            "X1",
            vec![pass_fail("X1.1", Some(1)), pass_fail("X1.2", Some(2))],
        )],
        levels(),
    );
    assert_eq!(validate_set(&ok), vec![]);

    let bad = set(
        vec![criterion(
            "X1",
            vec![
                points("X1.1", 10),
                pass_fail("X1.2", None),
                pass_fail("X1.3", Some(0)),
            ],
        )],
        levels(),
    );
    let m = messages(&bad);
    assert!(m.iter().any(|m| m.contains("X1.1 is scored in points")));
    assert!(m.iter().any(|m| m.contains("X1.2 has no level")));
    assert!(m.iter().any(|m| m.contains("X1.3 has level 0")));

    let gap = set(
        vec![criterion(
            "X1",
            vec![pass_fail("X1.1", Some(1)), pass_fail("X1.2", Some(3))],
        )],
        levels(),
    );
    assert!(messages(&gap).iter().any(|m| m.contains("level 2")));

    let points_with_level = set(
        vec![criterion("A", {
            let mut i = points("A.1", 10);
            i.level = Some(1);
            vec![i]
        })],
        pass_mark(5),
    );
    assert!(messages(&points_with_level)
        .iter()
        .any(|m| m.contains("not level-based")));
}

#[test]
fn all_255_levels_validate_without_overflow() {
    let indicators = (1..=u8::MAX)
        .map(|l| pass_fail(&format!("X.{l}"), Some(l)))
        .collect();
    let s = set(vec![criterion("X", indicators)], levels());
    assert_eq!(validate_set(&s), vec![]);
}

#[test]
fn years_must_be_in_order_and_confirmed_items_need_a_source() {
    let mut s = set(vec![criterion("A", vec![points("A.1", 10)])], pass_mark(5));
    s.valid_to_year = Some(2019);
    s.criteria[0].verification = Verification::confirmed("  ");
    let m = messages(&s);
    assert!(m.iter().any(|m| m.contains("end year 2019")));
    assert!(m.iter().any(|m| m.contains("cites no source")));
}

#[test]
fn absurd_totals_are_rejected_without_overflow() {
    let s = set(
        vec![criterion(
            "A",
            vec![points("A.1", u32::MAX), points("A.2", u32::MAX)],
        )],
        pass_mark(5),
    );
    assert_eq!(s.max_total(), u32::MAX);
    assert!(messages(&s).iter().any(|m| m.contains("exceeds the limit")));
}

#[test]
fn years_and_pick_set() {
    let mut old = set(vec![criterion("A", vec![points("A.1", 10)])], pass_mark(5));
    old.status = SetStatus::Published;
    old.valid_from_year = 2015;
    old.valid_to_year = Some(2023);
    let mut new = old.clone();
    new.code = "new".into();
    new.valid_from_year = 2024;
    new.valid_to_year = None;
    let mut draft = new.clone();
    draft.code = "draft".into();
    draft.status = SetStatus::Draft;
    draft.valid_from_year = 2025;
    assert!(old.applies_to_year(2023) && !old.applies_to_year(2024));
    assert!(new.applies_to_year(2030) && !new.applies_to_year(2023));
    let sets = vec![old, new, draft];
    assert_eq!(
        pick_set(&sets, TitleKind::Household, 2023).map(|s| s.code.as_str()),
        Some("test")
    );
    assert_eq!(
        pick_set(&sets, TitleKind::Household, 2026).map(|s| s.code.as_str()),
        Some("new")
    );
    assert_eq!(pick_set(&sets, TitleKind::Clan, 2026), None);
    assert_eq!(pick_set(&sets, TitleKind::Household, 2010), None);
}

#[test]
fn the_most_specific_owner_covering_the_unit_wins() {
    let mut national = set(vec![criterion("A", vec![points("A.1", 10)])], pass_mark(5));
    national.status = SetStatus::Published;
    national.valid_from_year = 2015;
    let mut newer_national = national.clone();
    newer_national.version = 2;
    let mut district_a = national.clone();
    district_a.code = "district-a".into();
    let mut commune_draft = national.clone();
    commune_draft.code = "draft".into();
    commune_draft.status = SetStatus::Draft;
    let sets = vec![
        (None, national),
        (Some("/1/4/".to_string()), district_a),
        (None, newer_national),
        (Some("/1/4/17/".to_string()), commune_draft),
    ];
    // In district A (and below it) its own set wins over the national ones.
    assert_eq!(
        pick_set_for_unit(&sets, TitleKind::Household, 2026, "/1/4/17/30/"),
        Some(1)
    );
    assert_eq!(
        pick_set_for_unit(&sets, TitleKind::Household, 2026, "/1/4/"),
        Some(1)
    );
    // Elsewhere (also a sibling whose id starts with the same digits) the newest national.
    assert_eq!(
        pick_set_for_unit(&sets, TitleKind::Household, 2026, "/1/40/7/"),
        Some(2)
    );
    assert_eq!(
        pick_set_for_unit(&sets, TitleKind::Household, 2026, "/1/"),
        Some(2)
    );
    assert_eq!(
        pick_set_for_unit(&sets, TitleKind::Clan, 2026, "/1/4/"),
        None
    );
}

#[test]
fn only_provinces_and_districts_own_sets() {
    use crate::domain::org::OrgLevel;
    assert!(may_own_sets(OrgLevel::Province));
    assert!(may_own_sets(OrgLevel::District));
    assert!(!may_own_sets(OrgLevel::Commune));
    assert!(!may_own_sets(OrgLevel::Village));
}

#[test]
fn answers_serialise_compactly() {
    let mut answers = Answers::new();
    answers.insert("GD1.a".into(), Answer::Points(10));
    answers.insert("X1.1".into(), Answer::Pass(true));
    let json = serde_json::to_string(&answers).unwrap();
    assert_eq!(json, r#"{"GD1.a":10,"X1.1":true}"#);
    let back: Answers = serde_json::from_str(&json).unwrap();
    assert_eq!(back, answers);
    assert!(serde_json::from_str::<Answers>(r#"{"A":-1}"#).is_err());
    assert!(serde_json::from_str::<Answers>(r#"{"A":"10"}"#).is_err());
}

#[test]
fn english_text_falls_back_to_vietnamese() {
    let i = points("A.1", 10);
    assert_eq!(i.display_text(Lang::En), "Chỉ số A.1");
    let c = Criterion {
        name_en: "Children".into(),
        ..criterion("A", vec![])
    };
    assert_eq!(c.display_name(Lang::En), "Children");
    assert_eq!(c.display_name(Lang::Vi), "Tiêu chí A");
}
