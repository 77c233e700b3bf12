//! [`validate_set`]: whether a criteria set is well formed and its numbers add up for its
//! rule. A set may only be published (and the shipped sets always are) when it finds no problem.

use super::{
    CriteriaSet, Grade, GradeBand, IndicatorKind, ResultRule, Verification, MAX_SET_POINTS,
};
use crate::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Something wrong with a criteria set, found by [`validate_set`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetProblem {
    pub message: Msg,
    /// The criterion concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// The indicator concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
}

impl SetProblem {
    fn set(vi: impl Into<String>, en: impl Into<String>) -> Self {
        SetProblem {
            message: Msg::new(vi, en),
            criterion: None,
            indicator: None,
        }
    }

    fn criterion(code: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        SetProblem {
            criterion: Some(code.to_string()),
            ..SetProblem::set(vi, en)
        }
    }

    fn indicator(
        criterion: &str,
        code: &str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        SetProblem {
            criterion: Some(criterion.to_string()),
            indicator: Some(code.to_string()),
            ..SetProblem::set(vi, en)
        }
    }
}

/// Checks that a set is well formed and that its numbers add up for its rule. A set may only be
/// published (and the shipped sets always are) when this returns no problem.
///
/// Decision on mixing kinds: pass-mark and grade-band sets accept only `Points` indicators, and
/// level sets only `PassFail` ones. A pass/fail indicator in a points set adds nothing to the
/// total, so the rule would silently ignore it; a hard requirement in a points set is written as
/// a points indicator plus the criterion's `min_points`. Likewise `min_points` is only accepted
/// under a pass-mark rule and `level` only under a level rule, so the data never suggests a rule
/// the engine does not apply.
pub fn validate_set(set: &CriteriaSet) -> Vec<SetProblem> {
    let mut problems = Vec::new();
    check_header(set, &mut problems);
    check_structure(set, &mut problems);
    match &set.rule {
        ResultRule::PassMark { pass_mark, .. } => check_pass_mark(set, *pass_mark, &mut problems),
        ResultRule::GradeBands {
            bands,
            recognised_from,
            ..
        } => check_grade_bands(set, bands, *recognised_from, &mut problems),
        ResultRule::Levels { level_names, .. } => check_levels(set, level_names, &mut problems),
    }
    check_sources(set, &mut problems);
    problems
}

fn check_header(set: &CriteriaSet, problems: &mut Vec<SetProblem>) {
    if set.code.trim().is_empty() {
        problems.push(SetProblem::set(
            "Bộ tiêu chí chưa có mã.",
            "The set has no code.",
        ));
    }
    if set.name.trim().is_empty() {
        problems.push(SetProblem::set(
            "Bộ tiêu chí chưa có tên.",
            "The set has no name.",
        ));
    }
    if set.version == 0 {
        problems.push(SetProblem::set(
            "Phiên bản bộ tiêu chí phải từ 1 trở lên.",
            "The set version must be 1 or more.",
        ));
    }
    if let Some(to) = set.valid_to_year {
        if to < set.valid_from_year {
            problems.push(SetProblem::set(
                format!(
                    "Năm kết thúc {to} trước năm bắt đầu {}.",
                    set.valid_from_year
                ),
                format!(
                    "The end year {to} is before the start year {}.",
                    set.valid_from_year
                ),
            ));
        }
    }
}

fn check_structure(set: &CriteriaSet, problems: &mut Vec<SetProblem>) {
    if set.criteria.is_empty() {
        problems.push(SetProblem::set(
            "Bộ tiêu chí chưa có tiêu chí nào.",
            "The set has no criteria.",
        ));
    }
    let mut criterion_codes = BTreeSet::new();
    let mut indicator_codes = BTreeSet::new();
    for c in &set.criteria {
        if c.code.trim().is_empty() {
            problems.push(SetProblem::criterion(
                &c.code,
                format!("Tiêu chí \"{}\" chưa có mã.", c.name),
                format!("Criterion \"{}\" has no code.", c.name),
            ));
        } else if !criterion_codes.insert(c.code.as_str()) {
            problems.push(SetProblem::criterion(
                &c.code,
                format!("Mã tiêu chí {} bị trùng.", c.code),
                format!("Criterion code {} is used twice.", c.code),
            ));
        }
        if c.indicators.is_empty() {
            problems.push(SetProblem::criterion(
                &c.code,
                format!("Tiêu chí {} chưa có chỉ số nào.", c.code),
                format!("Criterion {} has no indicators.", c.code),
            ));
        }
        for i in &c.indicators {
            if i.code.trim().is_empty() {
                problems.push(SetProblem::indicator(
                    &c.code,
                    &i.code,
                    format!("Một chỉ số của tiêu chí {} chưa có mã.", c.code),
                    format!("An indicator of criterion {} has no code.", c.code),
                ));
            } else if !indicator_codes.insert(i.code.as_str()) {
                // Answers are keyed by indicator code, so codes must be unique across the set.
                problems.push(SetProblem::indicator(
                    &c.code,
                    &i.code,
                    format!("Mã chỉ số {} bị trùng.", i.code),
                    format!("Indicator code {} is used twice.", i.code),
                ));
            }
            if i.kind == (IndicatorKind::Points { max: 0 }) {
                problems.push(SetProblem::indicator(
                    &c.code,
                    &i.code,
                    format!("Chỉ số {} có điểm tối đa bằng 0.", i.code),
                    format!("Indicator {} has a maximum of 0 points.", i.code),
                ));
            }
        }
    }
    let total: u64 = set.indicators().map(|i| u64::from(i.max_points())).sum();
    if total > u64::from(MAX_SET_POINTS) {
        problems.push(SetProblem::set(
            format!("Tổng điểm tối đa {total} vượt giới hạn {MAX_SET_POINTS}."),
            format!("The maximum total {total} exceeds the limit of {MAX_SET_POINTS}."),
        ));
    }
}

/// Pass-mark and grade-band sets: only points indicators, no levels.
fn check_points_only(set: &CriteriaSet, problems: &mut Vec<SetProblem>) {
    for c in &set.criteria {
        for i in &c.indicators {
            if i.kind == IndicatorKind::PassFail {
                problems.push(SetProblem::indicator(
                    &c.code,
                    &i.code,
                    format!(
                        "Chỉ số {} là loại đạt/không đạt, nhưng bộ tiêu chí chấm theo điểm.",
                        i.code
                    ),
                    format!(
                        "Indicator {} is pass/fail, but the set is scored in points.",
                        i.code
                    ),
                ));
            }
            if i.level.is_some() {
                problems.push(SetProblem::indicator(
                    &c.code,
                    &i.code,
                    format!(
                        "Chỉ số {} có mức độ, nhưng bộ tiêu chí không xét theo mức độ.",
                        i.code
                    ),
                    format!(
                        "Indicator {} has a level, but the set is not level-based.",
                        i.code
                    ),
                ));
            }
        }
    }
}

fn check_pass_mark(set: &CriteriaSet, pass_mark: u32, problems: &mut Vec<SetProblem>) {
    check_points_only(set, problems);
    let max_total = set.max_total();
    if pass_mark > max_total {
        problems.push(SetProblem::set(
            format!("Điểm đạt {pass_mark} lớn hơn tổng điểm tối đa {max_total}."),
            format!("The pass mark {pass_mark} is above the maximum total {max_total}."),
        ));
    }
    for c in &set.criteria {
        if let Some(min) = c.min_points {
            let max = c.max_points();
            if min > max {
                problems.push(SetProblem::criterion(
                    &c.code,
                    format!(
                        "Mức tối thiểu {min} của tiêu chí {} lớn hơn điểm tối đa {max}.",
                        c.code
                    ),
                    format!(
                        "The minimum {min} of criterion {} is above its maximum {max}.",
                        c.code
                    ),
                ));
            }
        }
    }
}

fn reject_min_points(set: &CriteriaSet, problems: &mut Vec<SetProblem>) {
    for c in &set.criteria {
        if c.min_points.is_some() {
            problems.push(SetProblem::criterion(
                &c.code,
                format!(
                    "Tiêu chí {} có mức tối thiểu, nhưng chỉ quy tắc điểm đạt mới dùng mức này.",
                    c.code
                ),
                format!(
                    "Criterion {} has a minimum, which only a pass-mark rule uses.",
                    c.code
                ),
            ));
        }
    }
}

fn check_grade_bands(
    set: &CriteriaSet,
    bands: &[GradeBand],
    recognised_from: Grade,
    problems: &mut Vec<SetProblem>,
) {
    check_points_only(set, problems);
    reject_min_points(set, problems);
    if bands.is_empty() {
        problems.push(SetProblem::set(
            "Quy tắc xếp loại chưa có mức nào.",
            "The grade rule has no bands.",
        ));
    }
    let max_total = set.max_total();
    for band in bands {
        if band.grade == Grade::KhongDat {
            // Không đạt is what remains below the last band; a band for it would be ambiguous.
            problems.push(SetProblem::set(
                "Không khai báo mức điểm cho loại Không đạt: đó là phần dưới mức thấp nhất.",
                "Do not give a band to Not achieved: it is everything below the lowest band.",
            ));
        }
        if band.min_total > max_total {
            problems.push(SetProblem::set(
                format!(
                    "Mức điểm loại {} ({}) lớn hơn tổng điểm tối đa {max_total}.",
                    band.grade.label(Lang::Vi),
                    band.min_total
                ),
                format!(
                    "The band for {} ({}) is above the maximum total {max_total}.",
                    band.grade.label(Lang::En),
                    band.min_total
                ),
            ));
        }
    }
    // Strictly descending grades and minima keep the rule monotonic: more points never give a
    // worse grade.
    for pair in bands.windows(2) {
        if let [upper, lower] = pair {
            if !(upper.grade > lower.grade && upper.min_total > lower.min_total) {
                problems.push(SetProblem::set(
                    format!(
                        "Các mức xếp loại phải giảm dần cả loại và điểm: {} ({}) rồi {} ({}).",
                        upper.grade.label(Lang::Vi),
                        upper.min_total,
                        lower.grade.label(Lang::Vi),
                        lower.min_total
                    ),
                    format!(
                        "Bands must descend in both grade and points: {} ({}) then {} ({}).",
                        upper.grade.label(Lang::En),
                        upper.min_total,
                        lower.grade.label(Lang::En),
                        lower.min_total
                    ),
                ));
            }
        }
    }
    if !bands.iter().any(|b| b.grade == recognised_from) {
        problems.push(SetProblem::set(
            format!(
                "Loại được công nhận ({}) không có trong các mức xếp loại.",
                recognised_from.label(Lang::Vi)
            ),
            format!(
                "The recognised grade ({}) is not among the bands.",
                recognised_from.label(Lang::En)
            ),
        ));
    }
}

fn check_levels(set: &CriteriaSet, level_names: &[Msg], problems: &mut Vec<SetProblem>) {
    reject_min_points(set, problems);
    let mut levels = BTreeSet::new();
    for c in &set.criteria {
        for i in &c.indicators {
            if let IndicatorKind::Points { .. } = i.kind {
                problems.push(SetProblem::indicator(
                    &c.code,
                    &i.code,
                    format!(
                        "Chỉ số {} chấm điểm, nhưng bộ tiêu chí xét theo mức độ (đạt/không đạt).",
                        i.code
                    ),
                    format!(
                        "Indicator {} is scored in points, but the set is level-based (pass/fail).",
                        i.code
                    ),
                ));
            }
            match i.level {
                None => problems.push(SetProblem::indicator(
                    &c.code,
                    &i.code,
                    format!("Chỉ số {} chưa ghi mức độ áp dụng.", i.code),
                    format!("Indicator {} has no level.", i.code),
                )),
                Some(0) => problems.push(SetProblem::indicator(
                    &c.code,
                    &i.code,
                    format!("Chỉ số {} có mức độ 0; mức độ bắt đầu từ 1.", i.code),
                    format!("Indicator {} has level 0; levels start at 1.", i.code),
                )),
                Some(level) => {
                    levels.insert(level);
                }
            }
        }
    }
    // Levels must run 1, 2, ... without a gap, or a level would be reached without any
    // requirement of its own.
    // (Counted in usize: a u8 counter would overflow when all 255 levels are used.)
    for (index, level) in levels.iter().copied().enumerate() {
        let expected = index + 1;
        if usize::from(level) != expected {
            problems.push(SetProblem::set(
                format!("Chưa có chỉ số nào cho mức độ {expected}."),
                format!("No indicator belongs to level {expected}."),
            ));
            break;
        }
    }
    if level_names.len() > levels.len() {
        problems.push(SetProblem::set(
            format!(
                "Có {} tên mức độ nhưng chỉ có {} mức độ.",
                level_names.len(),
                levels.len()
            ),
            format!(
                "There are {} level names but only {} levels.",
                level_names.len(),
                levels.len()
            ),
        ));
    }
}

/// A confirmed item must say where it was confirmed.
fn check_sources(set: &CriteriaSet, problems: &mut Vec<SetProblem>) {
    let unsourced = |v: &Verification| matches!(v, Verification::Confirmed { source } if source.trim().is_empty());
    if unsourced(set.rule.verification()) {
        problems.push(SetProblem::set(
            "Quy tắc kết quả được ghi là đã đối chiếu nhưng thiếu nguồn.",
            "The result rule is marked confirmed but cites no source.",
        ));
    }
    for c in &set.criteria {
        if unsourced(&c.verification) {
            problems.push(SetProblem::criterion(
                &c.code,
                format!(
                    "Tiêu chí {} được ghi là đã đối chiếu nhưng thiếu nguồn.",
                    c.code
                ),
                format!(
                    "Criterion {} is marked confirmed but cites no source.",
                    c.code
                ),
            ));
        }
        for i in c.indicators.iter().filter(|i| unsourced(&i.verification)) {
            problems.push(SetProblem::indicator(
                &c.code,
                &i.code,
                format!(
                    "Chỉ số {} được ghi là đã đối chiếu nhưng thiếu nguồn.",
                    i.code
                ),
                format!(
                    "Indicator {} is marked confirmed but cites no source.",
                    i.code
                ),
            ));
        }
    }
}
