//! The targets' wire types and rules: the groups a target is set for, how a unit inherits its
//! parent's target, and what reaching one takes.

use crate::domain::criteria::TitleKind;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// What a target is set for: the share of a group recognised with its title (or, for
/// officers, trained). One group per title the targets speak of; the two kinds of Đơn vị học
/// tập (under the commune, at district or province level) share one group, as in the plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum TargetKind {
    Households,
    Clans,
    Villages,
    Communes,
    LearningUnits,
    OfficersTrained,
}

impl TargetKind {
    /// Every group, in the order the pages show them.
    pub const ALL: [TargetKind; 6] = [
        TargetKind::Households,
        TargetKind::Clans,
        TargetKind::Villages,
        TargetKind::Communes,
        TargetKind::LearningUnits,
        TargetKind::OfficersTrained,
    ];

    /// The code stored in `targets.kind` and used in addresses.
    pub fn code(self) -> &'static str {
        match self {
            TargetKind::Households => "households",
            TargetKind::Clans => "clans",
            TargetKind::Villages => "villages",
            TargetKind::Communes => "communes",
            TargetKind::LearningUnits => "units",
            TargetKind::OfficersTrained => "officers_trained",
        }
    }

    pub fn from_code(code: &str) -> Option<TargetKind> {
        let code = code.trim();
        TargetKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The title (or the training) the group's figure counts.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TargetKind::Households => lang.t("Gia đình học tập", "Learning families"),
            TargetKind::Clans => lang.t("Dòng họ học tập", "Learning clans"),
            TargetKind::Villages => lang.t(
                "Cộng đồng học tập thôn, tổ dân phố",
                "Learning communities (villages)",
            ),
            TargetKind::Communes => lang.t(
                "Cộng đồng học tập cấp xã",
                "Learning communities (communes)",
            ),
            TargetKind::LearningUnits => lang.t("Đơn vị học tập", "Learning units"),
            TargetKind::OfficersTrained => {
                lang.t("Cán bộ khuyến học được tập huấn", "Officers trained")
            }
        }
    }

    /// What is counted, as a noun after a number ("14 hộ").
    pub fn noun(self, lang: Lang) -> &'static str {
        match self {
            TargetKind::Households => lang.t("hộ", "households"),
            TargetKind::Clans => lang.t("dòng họ", "clans"),
            TargetKind::Villages => lang.t("thôn, tổ dân phố", "villages"),
            TargetKind::Communes => lang.t("xã", "communes"),
            TargetKind::LearningUnits => lang.t("đơn vị", "units"),
            TargetKind::OfficersTrained => lang.t("cán bộ", "officers"),
        }
    }

    /// The denominator, in words: what the percentage is a share of.
    pub fn eligible_words(self, lang: Lang) -> &'static str {
        match self {
            TargetKind::Households => lang.t("hộ gia đình đang hoạt động", "active households"),
            TargetKind::Clans => lang.t("dòng họ đang hoạt động", "active clans"),
            TargetKind::Villages => lang.t(
                "thôn, tổ dân phố đang hoạt động",
                "active villages and residential groups",
            ),
            TargetKind::Communes => {
                lang.t("xã, phường, thị trấn đang hoạt động", "active communes")
            }
            TargetKind::LearningUnits => {
                lang.t("cơ quan, đơn vị đang hoạt động", "active organisations")
            }
            TargetKind::OfficersTrained => lang.t(
                "cán bộ khuyến học (tài khoản có vai trò cán bộ hoặc xét duyệt)",
                "officers (accounts holding the officer or reviewer role)",
            ),
        }
    }

    /// The titles whose recognitions count toward this group (none for training).
    pub fn titles(self) -> &'static [TitleKind] {
        match self {
            TargetKind::Households => &[TitleKind::Household],
            TargetKind::Clans => &[TitleKind::Clan],
            TargetKind::Villages => &[TitleKind::VillageCommunity],
            TargetKind::Communes => &[TitleKind::CommuneCommunity],
            TargetKind::LearningUnits => &[TitleKind::CommuneUnit, TitleKind::DistrictUnit],
            TargetKind::OfficersTrained => &[],
        }
    }

    /// The group a title's recognitions count toward.
    pub fn of_title(title: TitleKind) -> TargetKind {
        match title {
            TitleKind::Household => TargetKind::Households,
            TitleKind::Clan => TargetKind::Clans,
            TitleKind::VillageCommunity => TargetKind::Villages,
            TitleKind::CommuneCommunity => TargetKind::Communes,
            TitleKind::CommuneUnit | TitleKind::DistrictUnit => TargetKind::LearningUnits,
        }
    }
}

/// The years a target may be set for (and a dashboard shown).
pub const TARGET_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Refuses a year outside [`TARGET_YEARS`] with a message on the `year` field.
pub fn check_year(year: i32) -> Result<(), crate::error::AppError> {
    if TARGET_YEARS.contains(&year) {
        Ok(())
    } else {
        Err(crate::error::AppError::field(
            "year",
            "Năm phải từ 2000 đến 2100.",
            "The year must be between 2000 and 2100.",
        ))
    }
}

/// A target in force: its percent and the unit that set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSource {
    pub percent: u8,
    pub unit_id: i64,
    pub unit_name: String,
}

/// One group's target at a unit: its own value, if any, and what it would inherit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetRow {
    pub kind: TargetKind,
    pub own: Option<u8>,
    /// The nearest ancestor's target (what applies when `own` is empty).
    pub inherited: Option<TargetSource>,
}

impl TargetRow {
    /// The percent in force.
    pub fn effective(&self) -> Option<u8> {
        self.own.or(self.inherited.as_ref().map(|t| t.percent))
    }
}

/// A unit's targets for one year, as the targets page shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitTargets {
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    pub rows: Vec<TargetRow>,
    /// Whether the caller may change them (the server checks again on save).
    pub can_edit: bool,
    /// The child units, to set theirs next.
    pub children: Vec<(i64, String)>,
}

/// What the targets page saves: every group's own percent (`None`: take the parent's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetsInput {
    pub unit_id: i64,
    pub year: i32,
    pub percents: Vec<(TargetKind, Option<u8>)>,
}

/// What a targets file did: its rows, and how many of them changed a unit's targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedTargets {
    pub rows: usize,
    pub changed: usize,
}

/// Where a targets file is uploaded (multipart field `file`).
pub const TARGETS_UPLOAD_HREF: &str = "/targets/import";

/// The targets sheet of a unit and its children for a year, to fill in and upload again.
pub fn targets_sheet_href(unit_id: i64, year: i32) -> String {
    format!("/export/targets.xlsx?unit_id={unit_id}&year={year}")
}

/// The target in force for each group at the last unit of `chain` (its ancestors first, the
/// unit last), given the targets set along it as (unit id, group, percent): the nearest unit
/// that set one wins.
pub fn resolve(
    chain: &[i64],
    set: &[(i64, TargetKind, u8)],
) -> Vec<(TargetKind, Option<(u8, i64)>)> {
    TargetKind::ALL
        .into_iter()
        .map(|kind| {
            let found = chain.iter().rev().find_map(|unit| {
                set.iter()
                    .find(|(u, k, _)| u == unit && *k == kind)
                    .map(|(_, _, p)| (*p, *unit))
            });
            (kind, found)
        })
        .collect()
}

/// How many more must be recognised (or trained) to reach `percent` of `eligible`, given
/// `achieved`; 0 once it is reached.
pub fn needed_for(percent: u8, eligible: i64, achieved: i64) -> i64 {
    let wanted = (eligible.max(0) * i64::from(percent) + 99) / 100;
    (wanted - achieved).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for kind in TargetKind::ALL {
            assert_eq!(TargetKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(TargetKind::from_code("nope"), None);
    }

    #[test]
    fn every_title_counts_toward_a_group_that_lists_it() {
        for title in TitleKind::ALL {
            assert!(TargetKind::of_title(title).titles().contains(&title));
        }
    }

    #[test]
    fn the_nearest_unit_that_set_a_target_wins() {
        // Province 1 › district 2 › commune 3.
        let set = [
            (1, TargetKind::Households, 70),
            (2, TargetKind::Households, 60),
            (1, TargetKind::Clans, 50),
        ];
        let at_commune = resolve(&[1, 2, 3], &set);
        assert_eq!(at_commune[0], (TargetKind::Households, Some((60, 2))));
        assert_eq!(at_commune[1], (TargetKind::Clans, Some((50, 1))));
        assert_eq!(at_commune[2], (TargetKind::Villages, None));
        let own = resolve(&[1, 2, 3], &[(3, TargetKind::Households, 65), set[1]]);
        assert_eq!(own[0], (TargetKind::Households, Some((65, 3))));
    }

    #[test]
    fn what_reaching_a_target_takes() {
        // 60% of 100 is 60; 60% of 101 rounds up to 61.
        assert_eq!(needed_for(60, 100, 46), 14);
        assert_eq!(needed_for(60, 101, 46), 15);
        assert_eq!(needed_for(60, 100, 60), 0);
        assert_eq!(needed_for(60, 100, 80), 0);
        assert_eq!(needed_for(100, 0, 0), 0);
    }
}
