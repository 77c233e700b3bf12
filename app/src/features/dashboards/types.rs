//! The dashboard's wire types: a unit's figures per group against its target, its child units'
//! figures, the trend by year, and the words for where a figure stands.

use crate::domain::workflow::CycleState;
use crate::features::targets::types::{needed_for, TargetKind};
use crate::features::training::types::UnitLink;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// How far a year's registrations got, counted from their states now: every registration is
/// *registered*; *evaluated* once sent for review (submitted, returned, approved or decided);
/// *approved* once a reviewer approved it (decided ones included); *recognised* by a decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub registered: i64,
    pub evaluated: i64,
    pub approved: i64,
    pub recognised: i64,
}

impl Funnel {
    /// Counts `n` registrations in `state`.
    pub fn add(&mut self, state: CycleState, n: i64) {
        use CycleState::*;
        self.registered += n;
        if matches!(
            state,
            Submitted | Returned | Approved | Recognised | NotRecognised
        ) {
            self.evaluated += n;
        }
        if matches!(state, Approved | Recognised | NotRecognised) {
            self.approved += n;
        }
        if state == Recognised {
            self.recognised += n;
        }
    }
}

/// One group's figures at one unit for one year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// The denominator: active households (clans, villages, communes, organisations; officers
    /// for training) in the unit.
    pub eligible: i64,
    /// The year's registrations by stage (empty for training).
    pub funnel: Funnel,
    /// Holding the title that year: recognised that year, or in an earlier year whose
    /// recognition still runs (communities and units keep theirs three years). For training:
    /// the officers trained.
    pub holding: i64,
    /// The target in force, in percent.
    pub target: Option<u8>,
}

/// Where a figure stands against its target, in words as well as colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    NoTarget,
    NothingToCount,
    OnTrack,
    /// This many more are needed.
    Behind(i64),
}

impl Figures {
    /// Holding the title (or trained): what the target counts.
    pub fn achieved(&self) -> i64 {
        self.holding
    }

    /// Holding ÷ eligible in tenths of a percent (`None` when there is nothing to count).
    pub fn per_mille(&self) -> Option<i64> {
        (self.eligible > 0).then(|| self.achieved() * 1000 / self.eligible)
    }

    /// The percentage as text, one decimal, Vietnamese decimal comma ("46,7%").
    pub fn percent_text(&self, lang: Lang) -> String {
        match self.per_mille() {
            Some(pm) => {
                let sep = if lang == Lang::Vi { ',' } else { '.' };
                format!("{}{sep}{}%", pm / 10, pm % 10)
            }
            None => "—".to_string(),
        }
    }

    pub fn standing(&self) -> Standing {
        match self.target {
            None => Standing::NoTarget,
            Some(_) if self.eligible == 0 => Standing::NothingToCount,
            Some(t) => match needed_for(t, self.eligible, self.achieved()) {
                0 => Standing::OnTrack,
                n => Standing::Behind(n),
            },
        }
    }

    /// The standing in words: "Đạt chỉ tiêu", "Cần thêm 14 hộ để đạt 60%".
    pub fn standing_text(&self, lang: Lang, kind: TargetKind) -> String {
        match (self.standing(), self.target) {
            (Standing::NoTarget, _) => lang.t("Chưa đặt chỉ tiêu", "No target set").to_string(),
            (Standing::NothingToCount, _) => {
                lang.t("Không có đối tượng", "Nothing to count").to_string()
            }
            (Standing::OnTrack, Some(t)) => match lang {
                Lang::Vi => format!("Đạt chỉ tiêu {t}%"),
                Lang::En => format!("Target of {t}% reached"),
            },
            (Standing::Behind(n), Some(t)) => match lang {
                Lang::Vi => format!("Cần thêm {n} {} để đạt {t}%", kind.noun(lang)),
                Lang::En => format!("{n} more {} needed to reach {t}%", kind.noun(lang)),
            },
            _ => String::new(),
        }
    }

    /// The CSS class that colours the standing (the words say the same).
    pub fn standing_class(&self) -> &'static str {
        match self.standing() {
            Standing::OnTrack => "badge badge-ok",
            Standing::Behind(_) => "badge badge-warn",
            Standing::NoTarget | Standing::NothingToCount => "badge",
        }
    }
}

/// A child unit's row: its figures per group, in [`TargetKind::ALL`] order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildRow {
    pub unit_id: i64,
    pub name: String,
    /// Whether there are units below it to drill down to.
    pub has_children: bool,
    pub figures: Vec<Figures>,
}

/// The figures of `kind` in a list kept in [`TargetKind::ALL`] order.
fn figures_of(figures: &[Figures], kind: TargetKind) -> Figures {
    TargetKind::ALL
        .iter()
        .position(|k| *k == kind)
        .and_then(|i| figures.get(i).copied())
        .unwrap_or_default()
}

impl ChildRow {
    pub fn of(&self, kind: TargetKind) -> Figures {
        figures_of(&self.figures, kind)
    }
}

/// One year of a group's trend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub year: i32,
    pub figures: Figures,
}

/// Everything the dashboard of one unit and year shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    /// The years with figures, oldest first (this year always among them).
    pub years: Vec<i32>,
    /// The way back up, as far as the caller's scope goes.
    pub trail: Vec<UnitLink>,
    /// The unit's figures per group, in [`TargetKind::ALL`] order.
    pub figures: Vec<Figures>,
    pub children: Vec<ChildRow>,
    /// Per title group (training has no years), the figures of every year.
    pub trend: Vec<(TargetKind, Vec<TrendPoint>)>,
    /// Whether the caller may set this unit's targets.
    pub can_set_targets: bool,
    /// The denominators are today's counts: the year is past and has no snapshot of its own
    /// registry (`backend::snapshots`), so its percentages are measured against today's.
    pub denominators_today: bool,
    /// Shown on today's units (predecessors' figures added into their successors) rather
    /// than on the tree of the year.
    pub today: bool,
    /// The unit's first and last year (`None`: open).
    pub valid_from: Option<i32>,
    pub valid_to: Option<i32>,
    /// The units whose area this one took over (a merge, a dissolved level), and those that
    /// took over its own, each with the year it happened.
    pub predecessors: Vec<(UnitLink, i32)>,
    pub successors: Vec<(UnitLink, i32)>,
}

impl Dashboard {
    pub fn of(&self, kind: TargetKind) -> Figures {
        figures_of(&self.figures, kind)
    }
}

/// What the dashboard is asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardQuery {
    /// `None`: the caller's own area.
    pub unit_id: Option<i64>,
    pub year: i32,
    /// A past year on today's units (predecessors' figures added into their successors)
    /// instead of that year's tree.
    #[serde(default)]
    pub today: bool,
}

/// How the child units' table is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChildSort {
    #[default]
    Name,
    Registered,
    Evaluated,
    Approved,
    Recognised,
    Percent,
    /// How many more are needed (most behind first when descending).
    Gap,
}

impl ChildSort {
    pub const ALL: [ChildSort; 7] = [
        ChildSort::Name,
        ChildSort::Registered,
        ChildSort::Evaluated,
        ChildSort::Approved,
        ChildSort::Recognised,
        ChildSort::Percent,
        ChildSort::Gap,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChildSort::Name => "name",
            ChildSort::Registered => "registered",
            ChildSort::Evaluated => "evaluated",
            ChildSort::Approved => "approved",
            ChildSort::Recognised => "recognised",
            ChildSort::Percent => "percent",
            ChildSort::Gap => "gap",
        }
    }

    pub fn from_code(code: &str) -> Option<ChildSort> {
        ChildSort::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// Sorts `rows` by this column for `kind`; ties by name.
    pub fn sort(self, rows: &mut [ChildRow], kind: TargetKind, descending: bool) {
        let key = |row: &ChildRow| -> i64 {
            let f = row.of(kind);
            match self {
                ChildSort::Name => 0,
                ChildSort::Registered => f.funnel.registered,
                ChildSort::Evaluated => f.funnel.evaluated,
                ChildSort::Approved => f.funnel.approved,
                ChildSort::Recognised => f.achieved(),
                ChildSort::Percent => f.per_mille().unwrap_or(-1),
                ChildSort::Gap => match f.standing() {
                    Standing::Behind(n) => n,
                    _ => 0,
                },
            }
        };
        rows.sort_by(|a, b| {
            let by_key = key(a).cmp(&key(b));
            let by_key = if descending { by_key.reverse() } else { by_key };
            let by_name = crate::domain::text::search_key(&a.name)
                .cmp(&crate::domain::text::search_key(&b.name));
            let by_name = if descending && self == ChildSort::Name {
                by_name.reverse()
            } else {
                by_name
            };
            by_key.then(by_name)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(eligible: i64, recognised: i64, target: Option<u8>) -> Figures {
        let mut funnel = Funnel::default();
        funnel.add(CycleState::Recognised, recognised);
        Figures {
            eligible,
            funnel,
            holding: recognised,
            target,
        }
    }

    #[test]
    fn the_funnel_counts_each_stage_and_every_later_one() {
        let mut f = Funnel::default();
        for (state, n) in [
            (CycleState::Registered, 5),
            (CycleState::Draft, 4),
            (CycleState::Submitted, 3),
            (CycleState::Returned, 1),
            (CycleState::Approved, 2),
            (CycleState::Recognised, 7),
            (CycleState::NotRecognised, 1),
        ] {
            f.add(state, n);
        }
        assert_eq!(
            f,
            Funnel {
                registered: 23,
                evaluated: 14,
                approved: 10,
                recognised: 7
            }
        );
    }

    #[test]
    fn the_gap_is_said_in_words() {
        let f = figures(100, 46, Some(60));
        assert_eq!(f.standing(), Standing::Behind(14));
        assert_eq!(
            f.standing_text(Lang::Vi, TargetKind::Households),
            "Cần thêm 14 hộ để đạt 60%"
        );
        assert_eq!(f.percent_text(Lang::Vi), "46,0%");
        assert_eq!(figures(3, 2, Some(60)).percent_text(Lang::En), "66.6%");
        assert_eq!(figures(100, 60, Some(60)).standing(), Standing::OnTrack);
        assert_eq!(figures(0, 0, Some(60)).standing(), Standing::NothingToCount);
        assert_eq!(figures(10, 1, None).standing(), Standing::NoTarget);
    }

    #[test]
    fn children_sort_by_a_column_then_by_name() {
        let row = |name: &str, eligible, recognised| ChildRow {
            unit_id: 0,
            name: name.into(),
            has_children: true,
            figures: vec![figures(eligible, recognised, Some(60))],
        };
        let mut rows = vec![
            row("Xã Trà Bùi", 100, 70),
            row("Xã Trà Bình", 100, 10),
            row("Xã An", 100, 70),
        ];
        ChildSort::Percent.sort(&mut rows, TargetKind::Households, true);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Xã An", "Xã Trà Bùi", "Xã Trà Bình"]);
        ChildSort::Gap.sort(&mut rows, TargetKind::Households, true);
        assert_eq!(rows[0].name, "Xã Trà Bình");
        ChildSort::Name.sort(&mut rows, TargetKind::Households, false);
        assert_eq!(rows[0].name, "Xã An");
    }
}
