//! Criteria sets: the official (and not yet official) yardsticks an evaluation is scored against.
//!
//! This module owns the data model — title kinds, criteria sets, criteria (tiêu chí), indicators
//! (chỉ số / chỉ tiêu), result rules, answers — and [`validate_set`], the check a set must pass
//! before it may be published. Scoring itself lives in [`crate::domain::scoring`]; the sets that
//! ship with the product live in [`crate::domain::catalog`].
//!
//! Honesty about sources is part of the model: every criterion, indicator and result rule carries
//! a [`Verification`]. Anything that could not be confirmed from the official text is
//! [`Verification::Unverified`], and the UI shows it as "chưa đối chiếu văn bản gốc". What each
//! verification covers:
//! - an indicator's: its text **and** its point value (or its pass/fail nature and level);
//! - a criterion's: its name, its place in the set and its `min_points`; its maximum is the sum of
//!   its indicators, so it is only as verified as they are ([`Criterion::points_verified`]);
//! - a rule's: its pass mark, grade bands, recognition grade or level reading.
//!
//! Everything here is pure, panics on no input and compiles to wasm32 as well as native.

use crate::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The largest total a set may carry. Far above any real set (they total about 100), it keeps
/// every sum in the scoring engine far from `u32` overflow.
pub const MAX_SET_POINTS: u32 = 100_000;

/// A title (danh hiệu) that a subject can be recognised with.
///
/// New kinds (for example Công dân học tập, QĐ 677/2022) are added as variants; `code`,
/// `from_code` and `ALL` are the only places that enumerate them for storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleKind {
    /// Gia đình học tập.
    Household,
    /// Dòng họ học tập.
    Clan,
    /// Cộng đồng học tập cấp thôn / tổ dân phố.
    VillageCommunity,
    /// Cộng đồng học tập cấp xã.
    CommuneCommunity,
    /// Đơn vị học tập thuộc xã quản lý (schools, agencies, enterprises under the commune).
    CommuneUnit,
    /// Đơn vị học tập cấp huyện / tỉnh.
    DistrictUnit,
}

impl TitleKind {
    /// Every title kind, in display order.
    pub const ALL: [TitleKind; 6] = [
        TitleKind::Household,
        TitleKind::Clan,
        TitleKind::VillageCommunity,
        TitleKind::CommuneCommunity,
        TitleKind::CommuneUnit,
        TitleKind::DistrictUnit,
    ];

    /// The stable ASCII code stored in the database and used in URLs. Same as the serde form.
    pub fn code(self) -> &'static str {
        match self {
            TitleKind::Household => "household",
            TitleKind::Clan => "clan",
            TitleKind::VillageCommunity => "village_community",
            TitleKind::CommuneCommunity => "commune_community",
            TitleKind::CommuneUnit => "commune_unit",
            TitleKind::DistrictUnit => "district_unit",
        }
    }

    /// Reads a code written by [`TitleKind::code`] (surrounding spaces ignored).
    pub fn from_code(code: &str) -> Option<TitleKind> {
        let code = code.trim();
        TitleKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The title's name as officers know it.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TitleKind::Household => lang.t("Gia đình học tập", "Learning family"),
            TitleKind::Clan => lang.t("Dòng họ học tập", "Learning clan"),
            TitleKind::VillageCommunity => lang.t(
                "Cộng đồng học tập cấp thôn, tổ dân phố",
                "Learning community (village)",
            ),
            TitleKind::CommuneCommunity => {
                lang.t("Cộng đồng học tập cấp xã", "Learning community (commune)")
            }
            TitleKind::CommuneUnit => lang.t(
                "Đơn vị học tập thuộc xã quản lý",
                "Learning unit (commune-managed)",
            ),
            TitleKind::DistrictUnit => lang.t(
                "Đơn vị học tập cấp huyện, tỉnh",
                "Learning unit (district/province)",
            ),
        }
    }

    /// What kind of subject can hold this title.
    pub fn subject_kind(self) -> SubjectKind {
        match self {
            TitleKind::Household => SubjectKind::Household,
            TitleKind::Clan => SubjectKind::Clan,
            TitleKind::VillageCommunity => SubjectKind::Village,
            TitleKind::CommuneCommunity => SubjectKind::Commune,
            TitleKind::CommuneUnit | TitleKind::DistrictUnit => SubjectKind::Organisation,
        }
    }

    /// How many years a recognition lasts: households and clans are re-recognised every year;
    /// communities and units keep the title for 3 years (research §6.7, [C2]; the 3 years are
    /// stated for CĐHT and ĐVHT in general, and applied here to the village and commune-unit
    /// titles too).
    pub fn validity_years(self) -> u32 {
        match self {
            TitleKind::Household | TitleKind::Clan => 1,
            TitleKind::VillageCommunity
            | TitleKind::CommuneCommunity
            | TitleKind::CommuneUnit
            | TitleKind::DistrictUnit => 3,
        }
    }
}

/// The kind of subject (what is evaluated) behind a title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// Hộ gia đình, belonging to a village.
    Household,
    /// Dòng họ, belonging to a commune and possibly spanning villages.
    Clan,
    /// A village-level org unit (thôn, tổ dân phố).
    Village,
    /// A commune-level org unit (xã, phường, thị trấn).
    Commune,
    /// An organisation (cơ quan, trường học, doanh nghiệp, UBND xã...).
    Organisation,
}

impl SubjectKind {
    /// Stable ASCII code, same as the serde form.
    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Household => "household",
            SubjectKind::Clan => "clan",
            SubjectKind::Village => "village",
            SubjectKind::Commune => "commune",
            SubjectKind::Organisation => "organisation",
        }
    }

    /// The subject's name in the interface.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SubjectKind::Household => lang.t("Hộ gia đình", "Household"),
            SubjectKind::Clan => lang.t("Dòng họ", "Clan"),
            SubjectKind::Village => lang.t("Thôn, tổ dân phố", "Village"),
            SubjectKind::Commune => lang.t("Xã, phường", "Commune"),
            SubjectKind::Organisation => lang.t("Đơn vị", "Organisation"),
        }
    }
}

/// Whether a piece of the criteria was read in an official (or reliably quoted) source.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verification {
    /// Read in a source; `source` cites the document and the research tag.
    Confirmed { source: String },
    /// Not confirmed; `note` says what is missing. Shown as "chưa đối chiếu văn bản gốc".
    Unverified { note: String },
}

impl Verification {
    /// A confirmed item citing `source`.
    pub fn confirmed(source: impl Into<String>) -> Self {
        Verification::Confirmed {
            source: source.into(),
        }
    }

    /// An unverified item with a note on what is missing.
    pub fn unverified(note: impl Into<String>) -> Self {
        Verification::Unverified { note: note.into() }
    }

    /// True when the item was confirmed from a source.
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Confirmed { .. })
    }

    /// The source (when confirmed) or the note (when not).
    pub fn detail(&self) -> &str {
        match self {
            Verification::Confirmed { source } => source,
            Verification::Unverified { note } => note,
        }
    }

    /// The badge the UI shows next to the item.
    pub fn label(&self, lang: Lang) -> &'static str {
        match self {
            Verification::Confirmed { .. } => lang.t("Có nguồn trích dẫn", "Sourced"),
            Verification::Unverified { .. } => lang.t(
                "Chưa đối chiếu văn bản gốc",
                "Not checked against the original text",
            ),
        }
    }
}

/// How an indicator is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum IndicatorKind {
    /// Scored 0..=`max` points. Used by pass-mark and grade-band sets.
    Points { max: u32 },
    /// Met or not met. Used by level sets (TT 24/2023, TT 25/2023).
    PassFail,
}

/// One indicator (chỉ số / chỉ tiêu) of a criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// Unique within the set, e.g. "GD1.a"; answers are keyed by it.
    pub code: String,
    /// The requirement, in Vietnamese.
    pub text: String,
    /// The requirement in English (may be empty: the Vietnamese is shown instead).
    #[serde(default)]
    pub text_en: String,
    pub kind: IndicatorKind,
    /// The evidence (minh chứng) the officer should attach, in Vietnamese.
    #[serde(default)]
    pub evidence: String,
    /// Covers the text and the point value (or pass/fail nature and level).
    pub verification: Verification,
    /// For level rules: the lowest level that requires this indicator (1 = mức 1 and above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
}

impl Indicator {
    /// Points this indicator can give; 0 for a pass/fail indicator.
    pub fn max_points(&self) -> u32 {
        match self.kind {
            IndicatorKind::Points { max } => max,
            IndicatorKind::PassFail => 0,
        }
    }

    /// The requirement in the reader's language (Vietnamese when no English text exists).
    pub fn display_text(&self, lang: Lang) -> &str {
        pick_lang(lang, &self.text, &self.text_en)
    }
}

/// One criterion (tiêu chí) of a set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Unique within the set, e.g. "GD1".
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// English name (may be empty).
    #[serde(default)]
    pub name_en: String,
    pub indicators: Vec<Indicator>,
    /// For pass-mark rules: the least points this criterion must reach, whatever the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_points: Option<u32>,
    /// Covers the name, the criterion's place in the set and `min_points` (not the maximum,
    /// which belongs to the indicators).
    pub verification: Verification,
}

impl Criterion {
    /// Sum of the indicators' point maxima (saturating, so an absurd set cannot overflow).
    pub fn max_points(&self) -> u32 {
        self.indicators
            .iter()
            .fold(0u32, |sum, i| sum.saturating_add(i.max_points()))
    }

    /// The name in the reader's language.
    pub fn display_name(&self, lang: Lang) -> &str {
        pick_lang(lang, &self.name, &self.name_en)
    }

    /// True when the criterion's maximum is confirmed, i.e. every indicator is.
    pub fn points_verified(&self) -> bool {
        self.indicators.iter().all(|i| i.verification.is_verified())
    }

    /// True when the criterion or any of its indicators is unverified.
    pub fn has_unverified(&self) -> bool {
        !self.verification.is_verified() || !self.points_verified()
    }
}

/// A grade of the grade-band rules (TT 22/2020, TT 44/2014), ordered worst to best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    KhongDat,
    TrungBinh,
    Kha,
    Tot,
}

impl Grade {
    /// Best first.
    pub const ALL: [Grade; 4] = [Grade::Tot, Grade::Kha, Grade::TrungBinh, Grade::KhongDat];

    /// Stable ASCII code, same as the serde form.
    pub fn code(self) -> &'static str {
        match self {
            Grade::Tot => "tot",
            Grade::Kha => "kha",
            Grade::TrungBinh => "trung_binh",
            Grade::KhongDat => "khong_dat",
        }
    }

    /// The grade's official name.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Grade::Tot => lang.t("Tốt", "Good"),
            Grade::Kha => lang.t("Khá", "Fairly good"),
            Grade::TrungBinh => lang.t("Trung bình", "Average"),
            Grade::KhongDat => lang.t("Không đạt", "Not achieved"),
        }
    }

    /// 0 (Không đạt) to 3 (Tốt).
    pub fn rank(self) -> u32 {
        match self {
            Grade::KhongDat => 0,
            Grade::TrungBinh => 1,
            Grade::Kha => 2,
            Grade::Tot => 3,
        }
    }
}

/// A grade reached from `min_total` points upwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GradeBand {
    pub grade: Grade,
    pub min_total: u32,
}

/// How scores turn into a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResultRule {
    /// Recognised when the total reaches `pass_mark` and every criterion reaches its
    /// `min_points`. Indicators must be `Points`.
    PassMark {
        pass_mark: u32,
        verification: Verification,
    },
    /// The total falls in a grade band; the grades from `recognised_from` up count as
    /// recognised. Bands are listed best first with strictly descending grades and minima;
    /// below the last band the grade is Không đạt. Indicators must be `Points`.
    GradeBands {
        bands: Vec<GradeBand>,
        recognised_from: Grade,
        verification: Verification,
    },
    /// Mức k is reached when every indicator with `level` ≤ k passes (levels 1, 2, ... with no
    /// gap). Indicators must be `PassFail` and carry a level.
    Levels {
        /// Optional names of the levels: entry 0 names mức 1 (TT 25/2023: "Khá", "Tốt").
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        level_names: Vec<Msg>,
        verification: Verification,
    },
}

impl ResultRule {
    /// The rule's verification.
    pub fn verification(&self) -> &Verification {
        match self {
            ResultRule::PassMark { verification, .. }
            | ResultRule::GradeBands { verification, .. }
            | ResultRule::Levels { verification, .. } => verification,
        }
    }

    /// A short description of the kind of rule.
    pub fn kind_label(&self, lang: Lang) -> &'static str {
        match self {
            ResultRule::PassMark { .. } => lang.t("Điểm đạt", "Pass mark"),
            ResultRule::GradeBands { .. } => lang.t("Xếp loại theo điểm", "Grade bands"),
            ResultRule::Levels { .. } => lang.t("Mức độ", "Levels"),
        }
    }

    /// The name of mức `level` if the rule names its levels.
    pub fn level_name(&self, level: u8) -> Option<&Msg> {
        match self {
            ResultRule::Levels { level_names, .. } if level >= 1 => {
                level_names.get(usize::from(level - 1))
            }
            _ => None,
        }
    }
}

/// Life-cycle of a set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetStatus {
    /// Being edited; may have problems; not offered to officers.
    Draft,
    /// Offered for evaluations of the years it covers; must validate with no problems.
    Published,
    /// Withdrawn; kept so past evaluations can still be read and rescored.
    Retired,
}

impl SetStatus {
    /// Stable ASCII code, same as the serde form.
    pub fn code(self) -> &'static str {
        match self {
            SetStatus::Draft => "draft",
            SetStatus::Published => "published",
            SetStatus::Retired => "retired",
        }
    }

    /// The status in the interface.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SetStatus::Draft => lang.t("Bản nháp", "Draft"),
            SetStatus::Published => lang.t("Đang áp dụng", "Published"),
            SetStatus::Retired => lang.t("Ngừng áp dụng", "Retired"),
        }
    }
}

/// A versioned set of criteria for one title, tied to its source document and years.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaSet {
    /// Stable code, e.g. "gdht-qd448"; with `version` it identifies the set.
    pub code: String,
    /// Starts at 1; a changed set gets a new version so old evaluations keep their yardstick.
    pub version: u32,
    pub title_kind: TitleKind,
    /// Vietnamese name.
    pub name: String,
    /// English name (may be empty).
    #[serde(default)]
    pub name_en: String,
    /// The document it comes from, e.g. "QĐ 448/QĐ-KHVN (2015), Bộ tiêu chí Gia đình học tập".
    pub source_document: String,
    /// First evaluation year it applies to.
    pub valid_from_year: i32,
    /// Last evaluation year it applies to; `None` while no replacement is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to_year: Option<i32>,
    pub status: SetStatus,
    pub criteria: Vec<Criterion>,
    pub rule: ResultRule,
    /// Free notes for administrators (what is confirmed, what is not), in Vietnamese.
    #[serde(default)]
    pub notes: String,
}

impl CriteriaSet {
    /// Sum of every criterion's maximum (saturating).
    pub fn max_total(&self) -> u32 {
        self.criteria
            .iter()
            .fold(0u32, |sum, c| sum.saturating_add(c.max_points()))
    }

    /// Every indicator, criterion by criterion.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> + '_ {
        self.criteria.iter().flat_map(|c| c.indicators.iter())
    }

    /// Number of indicators in the set.
    pub fn indicator_count(&self) -> usize {
        self.criteria.iter().map(|c| c.indicators.len()).sum()
    }

    /// The indicator with this code (the first, should a draft repeat a code).
    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators().find(|i| i.code == code)
    }

    /// The criterion holding the indicator with this code.
    pub fn criterion_of(&self, indicator_code: &str) -> Option<&Criterion> {
        self.criteria
            .iter()
            .find(|c| c.indicators.iter().any(|i| i.code == indicator_code))
    }

    /// True when any criterion, indicator or the rule is unverified: the UI then warns that the
    /// set is not fully checked against the original text.
    pub fn has_unverified(&self) -> bool {
        !self.rule.verification().is_verified() || self.criteria.iter().any(|c| c.has_unverified())
    }

    /// True when evaluations of year `year` use this set (status not considered).
    pub fn applies_to_year(&self, year: i32) -> bool {
        year >= self.valid_from_year && self.valid_to_year.is_none_or(|to| year <= to)
    }

    /// The name in the reader's language.
    pub fn display_name(&self, lang: Lang) -> &str {
        pick_lang(lang, &self.name, &self.name_en)
    }
}

/// The published set for evaluating title `kind` in `year`: the one that started most recently,
/// then the highest version.
pub fn pick_set(sets: &[CriteriaSet], kind: TitleKind, year: i32) -> Option<&CriteriaSet> {
    sets.iter()
        .filter(|s| s.status == SetStatus::Published && s.title_kind == kind)
        .filter(|s| s.applies_to_year(year))
        .max_by_key(|s| (s.valid_from_year, s.version))
}

/// Whether a unit of `level` may issue (own) criteria sets. The Ministry issues the framework
/// (national sets, owned by no unit), provinces issue their own (e.g. Bà Rịa–Vũng Tàu QĐ
/// 1014/QĐ-UBND 2016) and districts did before the 2025 reform; communes and villages apply the
/// sets of those above them.
pub fn may_own_sets(level: crate::domain::org::OrgLevel) -> bool {
    use crate::domain::org::OrgLevel;
    matches!(level, OrgLevel::Province | OrgLevel::District)
}

/// The set for a new evaluation of title `kind` in `year` of a subject at the unit whose path is
/// `unit_path`. `sets` pairs each set with its owner's path (`None`: national, which covers
/// every unit). Among the published sets that apply to the title and year and whose owner is
/// the unit or one of its ancestors, the most specific owner wins (the deepest path), then the
/// set that started most recently, then the highest version. Returns the index into `sets`.
pub fn pick_set_for_unit(
    sets: &[(Option<String>, CriteriaSet)],
    kind: TitleKind,
    year: i32,
    unit_path: &str,
) -> Option<usize> {
    sets.iter()
        .enumerate()
        .filter(|(_, (_, s))| s.status == SetStatus::Published && s.title_kind == kind)
        .filter(|(_, (_, s))| s.applies_to_year(year))
        .filter(|(_, (owner, _))| {
            owner
                .as_deref()
                .is_none_or(|o| crate::domain::org::path_is_within(unit_path, o))
        })
        .max_by_key(|(_, (owner, s))| {
            let depth = owner
                .as_deref()
                .map_or(0, |o| crate::domain::org::path_ids(o).len());
            (depth, s.valid_from_year, s.version)
        })
        .map(|(i, _)| i)
}

/// One answer to one indicator. Serialised untagged so an answer map is compact JSON:
/// `{"GD1.a": 10, "X1.1": true}`. (Untagged needs a self-describing format: send answers as
/// JSON, not as URL-encoded form data.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// Points given to a `Points` indicator.
    Points(u32),
    /// Whether a `PassFail` indicator is met.
    Pass(bool),
}

/// An evaluation's answers, keyed by indicator code. A missing key means "not answered yet".
pub type Answers = BTreeMap<String, Answer>;

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

fn pick_lang<'a>(lang: Lang, vi: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En if !en.trim().is_empty() => en,
        _ => vi,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
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
}
