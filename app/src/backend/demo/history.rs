//! Eight past years of the title cycle in Trà Bồng (2018–2025, across the 2020 reorganisation
//! written by `reform.rs`: 2018 and 2019 on the tree of their year), so the leaders' dashboard
//! shows real trends: each year more households and clans register and are recognised; villages,
//! communes and organisations register once their three-year title has run out. Three
//! communes lag behind the others (about 70% of their pace), as some do in every district.
//! The targets: the district's 2020 plan (60% households, 40% clans, 50% villages, 30%
//! communes, 50% units, 100% officers trained: the seed article's figures) and illustrative,
//! editable targets for the years after it.
//!
//! Unlike the rest of the demo, the history is written straight into the tables in one
//! transaction (about 9,000 dossiers: through the stores' one transaction per step, the first
//! start would take minutes). It is written as the stores would leave it: each dossier with an
//! evaluation scored by `score()` against the set that year's rules pick, a contributor, and a
//! decision with a recognition and its verification code; the rollup counters are then rebuilt
//! from the rows, and each year's denominators snapshotted on its tree. Two households per commune were approved in 2025 and still await their
//! decision (the end-to-end test decides one). The current year is left to the officers.

use super::reform::{self, REFORM_YEAR};
use super::Rng;
use crate::backend::db::{self, Pool};
use crate::backend::verify_code::new_verify_code;
use crate::domain::criteria::{
    pick_set_for_unit, Answer, Answers, CriteriaSet, IndicatorKind, TitleKind,
};
use crate::domain::org::path_ids;
use crate::domain::scoring::score;
use crate::domain::workflow::CycleState;
use crate::error::{AppError, AppResult};
use crate::features::criteria_sets::store::published_sets;
use crate::features::targets::types::TargetKind;
use std::collections::HashMap;

/// The years the history covers.
const YEARS: std::ops::RangeInclusive<i32> = 2018..=2025;

/// The district's targets: (group, [2020, 2021, …, 2026]).
const TARGETS: [(TargetKind, [u8; 7]); 6] = [
    (TargetKind::Households, [60, 60, 60, 65, 65, 65, 70]),
    (TargetKind::Clans, [40, 40, 40, 45, 45, 45, 50]),
    (TargetKind::Villages, [50, 50, 50, 55, 55, 55, 60]),
    (TargetKind::Communes, [30, 30, 30, 30, 35, 35, 35]),
    (TargetKind::LearningUnits, [50, 50, 50, 55, 55, 60, 60]),
    (TargetKind::OfficersTrained, [100; 7]),
];

/// The share (percent) of a group's subjects that register in a year, at an ordinary commune:
/// yearly titles grow toward the targets; three-year titles register when their title ran out.
fn registers(title: TitleKind, year: i32) -> u64 {
    let step = i64::from(year - 2021);
    let percent = match title {
        TitleKind::Household => 50 + 7 * step,
        TitleKind::Clan => 40 + 6 * step,
        TitleKind::VillageCommunity => 62 + 4 * step,
        TitleKind::CommuneCommunity => 30 + 3 * step,
        TitleKind::CommuneUnit | TitleKind::DistrictUnit => 60 + 4 * step,
    };
    percent.clamp(10, 95) as u64
}

/// A title's published sets with their ids, as `criteria_sets::store::published_sets` gives.
type PublishedSets = (Vec<i64>, Vec<(Option<String>, CriteriaSet)>);

#[derive(Clone)]
struct Subject {
    title: TitleKind,
    id: i64,
    name: String,
    unit_id: i64,
    unit_path: String,
}

impl Subject {
    /// The subject as it stood in `year` (its unit then), or `None` if it did not exist.
    fn in_year(&self, before: &reform::Before, year: i32) -> Option<Subject> {
        let own_unit = matches!(
            self.title,
            TitleKind::VillageCommunity | TitleKind::CommuneCommunity
        );
        if year < REFORM_YEAR && own_unit && before.new_communes.contains(&self.id) {
            return None;
        }
        let (unit_id, unit_path) = before.place(self.unit_id, &self.unit_path, self.id, year);
        Some(Subject {
            unit_id,
            unit_path,
            ..self.clone()
        })
    }

    fn commune(&self) -> Option<i64> {
        path_ids(&self.unit_path).get(2).copied()
    }

    /// The unit whose authority recognises it: the commune for households, clans, villages
    /// and the commune's own units; the district for communes and district units.
    fn issuer(&self) -> Option<i64> {
        match self.title {
            TitleKind::CommuneCommunity | TitleKind::DistrictUnit => {
                path_ids(&self.unit_path).get(1).copied()
            }
            _ => self.commune(),
        }
    }

    fn subject_kind(&self) -> &'static str {
        self.title.subject_kind().code()
    }
}

async fn subjects(pool: &Pool) -> AppResult<Vec<Subject>> {
    let queries: [(TitleKind, &str); 6] = [
        (
            TitleKind::Household,
            "SELECT h.id, 'Hộ ' || h.head_name, v.id, v.path FROM households h
             JOIN org_units v ON v.id = h.village_id WHERE h.active ORDER BY h.id",
        ),
        (
            TitleKind::Clan,
            "SELECT k.id, k.name, c.id, c.path FROM clans k JOIN org_units c ON c.id = k.commune_id
             WHERE k.active ORDER BY k.id",
        ),
        (
            TitleKind::VillageCommunity,
            "SELECT id, name, id, path FROM org_units WHERE level = 'thon' AND active ORDER BY id",
        ),
        (
            TitleKind::CommuneCommunity,
            "SELECT id, name, id, path FROM org_units WHERE level = 'xa' AND active ORDER BY id",
        ),
        (
            TitleKind::CommuneUnit,
            "SELECT o.id, o.name, u.id, u.path FROM organisations o JOIN org_units u ON u.id = o.managing_unit_id
             WHERE o.active AND u.level = 'xa' ORDER BY o.id",
        ),
        (
            TitleKind::DistrictUnit,
            "SELECT o.id, o.name, u.id, u.path FROM organisations o JOIN org_units u ON u.id = o.managing_unit_id
             WHERE o.active AND u.level IN ('huyen', 'tinh') ORDER BY o.id",
        ),
    ];
    let mut out = Vec::new();
    for (title, sql) in queries {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(sql).fetch_all(pool).await?;
        out.extend(
            rows.into_iter()
                .map(|(id, name, unit_id, unit_path)| Subject {
                    title,
                    id,
                    name,
                    unit_id,
                    unit_path,
                }),
        );
    }
    Ok(out)
}

/// Every indicator at its best (`full`), or at its worst.
fn answers(set: &CriteriaSet, full: bool) -> Answers {
    set.criteria
        .iter()
        .flat_map(|c| c.indicators.iter())
        .map(|i| {
            let answer = match i.kind {
                IndicatorKind::Points { max } => Answer::Points(if full { max } else { 0 }),
                IndicatorKind::PassFail => Answer::Pass(full),
            };
            (i.code.clone(), answer)
        })
        .collect()
}

fn on(year: i32, month: u32, day: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(2, 0, 0))
        .unwrap_or_default()
        .and_utc()
}

fn internal(what: &str) -> AppError {
    tracing::error!(what, "demo history");
    AppError::Internal {
        reference: "demo-history".into(),
    }
}

/// Writes the tree before 2020, the targets and the eight years of dossiers.
pub async fn load(pool: &Pool, rng: &mut Rng, district_id: i64) -> AppResult<()> {
    let subjects = subjects(pool).await?;
    // The communes that lag: the 3rd, 7th and 12th by id.
    let communes: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM org_units WHERE level = 'xa' AND valid_to IS NULL ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let lagging: Vec<i64> = [2, 6, 11]
        .iter()
        .filter_map(|i| communes.get(*i).copied())
        .collect();
    // The officer who scored each commune's dossiers (the four-eyes rule needs a contributor).
    let officers: HashMap<i64, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT o.path, MIN(r.user_id) FROM role_assignments r JOIN org_units o ON o.id = r.org_unit_id
         WHERE r.role = 'officer' GROUP BY o.path",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .filter_map(|(path, user)| Some((path_ids(&path).get(2).copied()?, user)))
    .collect();
    let mut sets: HashMap<TitleKind, PublishedSets> = HashMap::new();
    let mut conn = pool.acquire().await?;
    for title in TitleKind::ALL {
        sets.insert(title, published_sets(&mut conn, title).await?);
    }
    drop(conn);

    let mut tx = db::begin_write(pool).await?;
    let before = reform::write(&mut tx, district_id).await?;
    // The communes that ended in 2019 held their own title as communities.
    let ended: Vec<Subject> = before
        .ended_communes
        .iter()
        .map(|(id, name, path)| Subject {
            title: TitleKind::CommuneCommunity,
            id: *id,
            name: name.clone(),
            unit_id: *id,
            unit_path: path.clone(),
        })
        .collect();
    for (kind, percents) in TARGETS {
        for (year, percent) in (2020..).zip(percents) {
            sqlx::query(
                "INSERT INTO targets (unit_id, year, kind, percent, updated_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(district_id)
            .bind(year)
            .bind(kind.code())
            .bind(i64::from(percent))
            .bind(on(year, 1, 15))
            .execute(&mut *tx)
            .await?;
        }
    }

    // Until which year each subject holds its title.
    let mut holds_until: HashMap<(TitleKind, i64), i32> = HashMap::new();
    let mut decisions: HashMap<(i64, i32, TitleKind), i64> = HashMap::new();
    let mut pending_per_commune: HashMap<i64, u32> = HashMap::new();
    // Decision numbers run on per authority (the unique key is authority and number).
    let mut numbers: HashMap<i64, u32> = HashMap::new();
    for year in YEARS {
        let that_year: Vec<Subject> = subjects
            .iter()
            .filter_map(|s| s.in_year(&before, year))
            .chain(ended.iter().filter(|_| year < REFORM_YEAR).cloned())
            .collect();
        for s in &that_year {
            if holds_until
                .get(&(s.title, s.id))
                .is_some_and(|until| *until >= year)
            {
                continue;
            }
            let lag = s.commune().is_some_and(|c| lagging.contains(&c));
            let chance = registers(s.title, year) * if lag { 70 } else { 100 } / 100;
            if !rng.chance(chance.min(95)) {
                continue;
            }
            let (ids, candidates) = &sets[&s.title];
            let Some(picked) = pick_set_for_unit(candidates, s.title, year, &s.unit_path) else {
                continue;
            };
            let (Some(set_id), Some((_, set))) = (ids.get(picked), candidates.get(picked)) else {
                continue;
            };
            // Nine in ten dossiers meet the criteria; in 2025 two households per commune
            // were approved and wait for their decision.
            let meets = rng.chance(90);
            let commune = s.commune().unwrap_or_default();
            let pending = year == 2025
                && s.title == TitleKind::Household
                && meets
                && *pending_per_commune.entry(commune).or_default() < 2;
            if pending {
                *pending_per_commune.entry(commune).or_default() += 1;
            }
            let state = match (pending, meets) {
                (true, _) => CycleState::Approved,
                (false, true) => CycleState::Recognised,
                (false, false) => CycleState::NotRecognised,
            };
            let result = score(set, &answers(set, meets)).map_err(|_| internal("answers"))?;
            let registration_id: i64 = sqlx::query_scalar(
                "INSERT INTO registrations (year, title_kind, subject_kind, subject_id, subject_name, subject_key, unit_id, state, registered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(year)
            .bind(s.title.code())
            .bind(s.subject_kind())
            .bind(s.id)
            .bind(&s.name)
            .bind(crate::domain::text::search_key(&s.name))
            .bind(s.unit_id)
            .bind(state.code())
            .bind(on(year, 3, 1))
            .fetch_one(&mut *tx)
            .await?;
            let officer = officers.get(&commune).copied();
            let evaluation_id: i64 = sqlx::query_scalar(
                "INSERT INTO evaluations (registration_id, criteria_set_id, answers, total, max_total, verdict, meets_rule, complete, created_at, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(registration_id)
            .bind(set_id)
            .bind(serde_json::to_string(&answers(set, meets)).map_err(|_| internal("json"))?)
            .bind(i64::from(result.total))
            .bind(i64::from(result.max_total))
            .bind(result.verdict.code())
            .bind(result.recognised)
            .bind(result.complete)
            .bind(on(year, 9, 10))
            .bind(on(year, 10, 5))
            .bind(officer)
            .fetch_one(&mut *tx)
            .await?;
            if let Some(officer) = officer {
                sqlx::query(
                    "INSERT INTO evaluation_contributors (evaluation_id, user_id) VALUES ($1, $2)",
                )
                .bind(evaluation_id)
                .bind(officer)
                .execute(&mut *tx)
                .await?;
            }
            if pending {
                continue;
            }
            let Some(issuer) = s.issuer() else {
                continue;
            };
            let decision_id = match decisions.get(&(issuer, year, s.title)) {
                Some(id) => *id,
                None => {
                    let (name, level): (String, String) =
                        sqlx::query_as("SELECT name, level FROM org_units WHERE id = $1")
                            .bind(issuer)
                            .fetch_one(&mut *tx)
                            .await?;
                    let serial = numbers.entry(issuer).or_insert(100);
                    *serial += 1;
                    let authority = format!(
                        "UBND {}",
                        name.replacen("Xã", "xã", 1)
                            .replacen("Thị trấn", "thị trấn", 1)
                            .replacen("Huyện", "huyện", 1)
                    );
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO decisions (number, decision_date, authority, signer, year, title_kind, unit_id, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(format!("{serial}/QĐ-UBND"))
                    .bind(on(year, 11, 25).date_naive())
                    .bind(authority)
                    .bind(if level == "huyen" { "Hồ Văn Thịnh" } else { "Đinh Văn Lâm" })
                    .bind(year)
                    .bind(s.title.code())
                    .bind(issuer)
                    .bind(on(year, 11, 25))
                    .fetch_one(&mut *tx)
                    .await?;
                    decisions.insert((issuer, year, s.title), id);
                    id
                }
            };
            let validity = s.title.validity_years() as i32;
            sqlx::query(
                "INSERT INTO recognitions (registration_id, decision_id, recognised, valid_from_year, valid_to_year, verify_code, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(registration_id)
            .bind(decision_id)
            .bind(meets)
            .bind(year)
            .bind(year + validity - 1)
            .bind(new_verify_code())
            .bind(on(year, 11, 25))
            .execute(&mut *tx)
            .await?;
            if meets {
                holds_until.insert((s.title, s.id), year + validity - 1);
            }
        }
    }
    crate::backend::rollups::rebuild(&mut tx).await?;
    for year in YEARS {
        crate::backend::snapshots::take(&mut tx, year).await?;
    }
    // Nobody watches a dashboard during the first start: the notes of the load are not news.
    sqlx::query("DELETE FROM dashboard_changes")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
