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
use std::collections::BTreeMap;

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

fn pick_lang<'a>(lang: Lang, vi: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En if !en.trim().is_empty() => en,
        _ => vi,
    }
}

mod validate;
pub use validate::{validate_set, SetProblem};

#[cfg(test)]
mod tests;
