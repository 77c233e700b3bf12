//! The generated title cycle: the years of registrations, evaluations, decisions and
//! recognitions, written straight into the tables as `backend::demo::history` writes the demo's
//! five years, and as the stores would leave them (each dossier past "registered" with an
//! evaluation scored by `score()` against the set that year's rules pick and the commune's
//! officer as its contributor; each decided one with a decision and a recognition with its
//! verification code). Here with multi-row statements and the ids taken in advance, because
//! a province has some three million dossiers.
//!
//! Every year but the last is decided (nine in ten dossiers meet the criteria). The last year
//! is still under way: its dossiers are spread over the cycle's states, so every column of
//! the dashboard's funnel has something. Each year more subjects register (the demo's pace);
//! one commune in seven lags at 70% of it.

use super::{Context, Officers, Result, Rng, Tree};
use app::backend::db::{Conn, Db};
use app::backend::verify_code::new_verify_code;
use app::domain::criteria::{
    pick_set_for_unit, Answer, Answers, CriteriaSet, IndicatorKind, SetStatus, TitleKind,
};
use app::domain::org::path_ids;
use app::domain::scoring::score;
use app::domain::text::search_key;
use app::domain::workflow::CycleState;
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A subject that can hold a title.
pub struct Subject {
    title: TitleKind,
    id: i64,
    name: String,
    key: String,
    unit_id: i64,
    /// The commune it lies in (`None`: the province's own organisations).
    commune: Option<i64>,
}

impl Subject {
    /// A household, as `backend::demo::history` reads them: "Hộ " and its head's name.
    pub fn household(id: i64, head_name: &str, village_id: i64, commune_id: i64) -> Subject {
        let name = format!("Hộ {head_name}");
        Subject {
            title: TitleKind::Household,
            id,
            key: search_key(&name),
            name,
            unit_id: village_id,
            commune: Some(commune_id),
        }
    }
}

/// Every active subject of the titles other than households, as `backend::demo::history`
/// reads them (the households are kept from their own phase).
pub async fn other_subjects(conn: &mut Conn) -> Result<Vec<Subject>> {
    let queries: [(TitleKind, &str); 5] = [
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
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(sql)
            .fetch_all(&mut *conn)
            .await
            .context("read the subjects")?;
        out.extend(rows.into_iter().map(|(id, name, unit_id, path)| Subject {
            title,
            id,
            key: search_key(&name),
            name,
            unit_id,
            // Province → commune → village: the commune is the second id of the path.
            commune: path_ids(&path).get(1).copied(),
        }));
    }
    Ok(out)
}

/// The share (percent) of a group's subjects that register in the `step`th year of the
/// history (the demo's pace): yearly titles grow toward the targets; three-year titles
/// register when their title ran out.
fn registers(title: TitleKind, step: u64) -> u64 {
    match title {
        TitleKind::Household => 50 + 7 * step,
        TitleKind::Clan => 40 + 6 * step,
        TitleKind::VillageCommunity => 62 + 4 * step,
        TitleKind::CommuneCommunity => 30 + 3 * step,
        TitleKind::CommuneUnit | TitleKind::DistrictUnit => 60 + 4 * step,
    }
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

/// An evaluation as stored, scored once per set and outcome (every dossier that meets the
/// criteria answers alike).
struct Scored {
    set_id: i64,
    answers: String,
    total: i64,
    max_total: i64,
    verdict: String,
    recognised: bool,
    complete: bool,
}

/// The sets the rules pick for each title and year, scored at their best and worst. A new
/// database holds only the national sets shipped with the product (no unit has issued one),
/// so the province's pick is every unit's.
async fn scored_sets(
    conn: &mut Conn,
    province_path: &str,
    years: std::ops::RangeInclusive<i32>,
) -> Result<HashMap<(TitleKind, i32, bool), Scored>> {
    let mut out = HashMap::new();
    for title in TitleKind::ALL {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, definition FROM criteria_sets WHERE status = 'published' AND title_kind = $1",
        )
        .bind(title.code())
        .fetch_all(&mut *conn)
        .await
        .context("read the criteria sets")?;
        let mut ids = Vec::new();
        let mut sets = Vec::new();
        for (id, definition) in rows {
            let mut set: CriteriaSet =
                serde_json::from_str(&definition).context("read a criteria set")?;
            // The row's status is the truth (publishing does not rewrite the definition).
            set.status = SetStatus::Published;
            ids.push(id);
            sets.push((None, set));
        }
        for year in years.clone() {
            let Some(picked) = pick_set_for_unit(&sets, title, year, province_path) else {
                continue;
            };
            let (Some(set_id), Some((_, set))) = (ids.get(picked), sets.get(picked)) else {
                continue;
            };
            for meets in [true, false] {
                let given = answers(set, meets);
                let result = score(set, &given).map_err(|e| format!("score a set: {e:?}"))?;
                out.insert(
                    (title, year, meets),
                    Scored {
                        set_id: *set_id,
                        answers: serde_json::to_string(&given).context("write answers")?,
                        total: i64::from(result.total),
                        max_total: i64::from(result.max_total),
                        verdict: result.verdict.code(),
                        recognised: result.recognised,
                        complete: result.complete,
                    },
                );
            }
        }
    }
    Ok(out)
}

fn on(year: i32, month: u32, day: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(2, 0, 0))
        .unwrap_or_default()
        .and_utc()
}

/// One dossier of a year.
struct Dossier {
    id: i64,
    subject: usize,
    state: CycleState,
    meets: bool,
    officer: i64,
}

/// What the history wrote.
#[derive(Default)]
pub struct Stats {
    pub registrations: usize,
    pub evaluations: usize,
    pub recognitions: usize,
    pub decisions: usize,
}

/// The state of a dossier of the year still under way: most are decided, the others spread
/// over the cycle.
fn state_under_way(rng: &mut Rng, meets: bool) -> CycleState {
    match rng.below(100) {
        0..=9 => CycleState::Registered,
        10..=17 => CycleState::Draft,
        18..=23 => CycleState::Submitted,
        24..=26 => CycleState::Returned,
        27..=34 if meets => CycleState::Approved,
        27..=34 => CycleState::Submitted,
        _ if meets => CycleState::Recognised,
        _ => CycleState::NotRecognised,
    }
}

/// Writes every year of `options`, reporting each year through `report`.
pub async fn history(
    conn: &mut Conn,
    tree: &Tree,
    subjects: &[Subject],
    officers: &Officers,
    options: &super::Options,
    rng: &mut Rng,
    report: &mut impl FnMut(String),
) -> Result<Stats> {
    let scored = scored_sets(
        conn,
        &tree.province.path,
        options.first_year..=options.last_year,
    )
    .await?;
    let officer_of: HashMap<i64, i64> = tree
        .communes
        .iter()
        .map(|c| c.id)
        .zip(officers.per_commune.iter().copied())
        .collect();
    let lagging: HashSet<i64> = tree
        .communes
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 7 == 2)
        .map(|(_, c)| c.id)
        .collect();
    let names: HashMap<i64, &str> = std::iter::once(&tree.province)
        .chain(tree.communes.iter())
        .map(|u| (u.id, u.name.as_str()))
        .collect();
    let mut next: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM registrations), (SELECT COALESCE(MAX(id), 0) + 1 FROM evaluations)",
    )
    .fetch_one(&mut *conn)
    .await
    .context("read the next ids")?;
    // Until which year each subject holds its title.
    let mut holds_until = vec![i32::MIN; subjects.len()];
    // Decision numbers run on per authority (the unique key is authority and number).
    let mut serials: HashMap<i64, u32> = HashMap::new();
    let mut stats = Stats::default();
    for year in options.first_year..=options.last_year {
        let under_way = year == options.last_year;
        let step = (year - options.first_year) as u64;
        let mut dossiers = Vec::new();
        for (i, s) in subjects.iter().enumerate() {
            if holds_until[i] >= year {
                continue;
            }
            let lag = s.commune.is_some_and(|c| lagging.contains(&c));
            let chance = registers(s.title, step) * if lag { 70 } else { 100 } / 100;
            if !rng.chance(chance.min(95)) || !scored.contains_key(&(s.title, year, true)) {
                continue;
            }
            let meets = rng.chance(90);
            let state = match (under_way, meets) {
                (true, _) => state_under_way(rng, meets),
                (false, true) => CycleState::Recognised,
                (false, false) => CycleState::NotRecognised,
            };
            if state == CycleState::Recognised {
                holds_until[i] = year + s.title.validity_years() as i32 - 1;
            }
            dossiers.push(Dossier {
                id: next.0,
                subject: i,
                state,
                meets,
                officer: s
                    .commune
                    .and_then(|c| officer_of.get(&c).copied())
                    .unwrap_or(officers.province),
            });
            next.0 += 1;
        }
        // The decisions: one per authority and title, for the dossiers it decided.
        let issuer = |s: &Subject| match s.title {
            TitleKind::CommuneCommunity | TitleKind::DistrictUnit => tree.province.id,
            _ => s.commune.unwrap_or(tree.province.id),
        };
        let mut decisions: BTreeMap<(i64, TitleKind), i64> = BTreeMap::new();
        for d in &dossiers {
            if matches!(d.state, CycleState::Recognised | CycleState::NotRecognised) {
                let s = &subjects[d.subject];
                decisions.insert((issuer(s), s.title), 0);
            }
        }
        for ((unit, title), id) in decisions.iter_mut() {
            let serial = serials.entry(*unit).or_insert(100);
            *serial += 1;
            let name = names.get(unit).copied().unwrap_or_default();
            let authority = format!(
                "UBND {}",
                name.replacen("Xã", "xã", 1).replacen("Tỉnh", "tỉnh", 1)
            );
            *id = sqlx::query_scalar(
                "INSERT INTO decisions (number, decision_date, authority, signer, year, title_kind, unit_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(format!("{serial}/QĐ-UBND"))
            .bind(on(year, 11, 25).date_naive())
            .bind(authority)
            .bind(super::registry::person(rng, false))
            .bind(year)
            .bind(title.code())
            .bind(*unit)
            .bind(on(year, 11, 25))
            .fetch_one(&mut *conn)
            .await
            .context("insert a decision")?;
        }
        stats.decisions += decisions.len();
        write_year(
            conn,
            year,
            subjects,
            &dossiers,
            &scored,
            &decisions,
            &issuer,
            &mut next.1,
            &mut stats,
        )
        .await?;
        report(format!(
            "{year}: {} dossiers{}",
            super::thousands(dossiers.len()),
            if under_way { " (under way)" } else { "" }
        ));
    }
    Ok(stats)
}

/// The rows of one year's dossiers: registrations, evaluations and their contributors,
/// recognitions.
#[allow(clippy::too_many_arguments)]
async fn write_year(
    conn: &mut Conn,
    year: i32,
    subjects: &[Subject],
    dossiers: &[Dossier],
    scored: &HashMap<(TitleKind, i32, bool), Scored>,
    decisions: &BTreeMap<(i64, TitleKind), i64>,
    issuer: &impl Fn(&Subject) -> i64,
    next_evaluation: &mut i64,
    stats: &mut Stats,
) -> Result<()> {
    let registered_at = on(year, 3, 1);
    // 11 values per row: 500 rows stay far below SQLite's 32,766 bound parameters.
    app::backend::db::execute_chunks(conn, dossiers.chunks(500), |chunk| {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO registrations (id, year, title_kind, subject_kind, subject_id, subject_name, subject_key, unit_id, state, registered_at, registered_by) ",
        );
        qb.push_values(chunk, |mut row, d| {
            let s = &subjects[d.subject];
            row.push_bind(d.id)
                .push_bind(year)
                .push_bind(s.title.code())
                .push_bind(s.title.subject_kind().code())
                .push_bind(s.id)
                .push_bind(s.name.as_str())
                .push_bind(s.key.as_str())
                .push_bind(s.unit_id)
                .push_bind(d.state.code())
                .push_bind(registered_at)
                .push_bind(d.officer);
        });
        qb
    })
    .await
    .context("insert registrations")?;
    stats.registrations += dossiers.len();

    // Evaluations: every dossier past "registered", with the ids taken here.
    let evaluated: Vec<(i64, &Dossier, &Scored)> = dossiers
        .iter()
        .filter(|d| d.state != CycleState::Registered)
        .filter_map(|d| {
            scored
                .get(&(subjects[d.subject].title, year, d.meets))
                .map(|s| (d, s))
        })
        .map(|(d, s)| {
            *next_evaluation += 1;
            (*next_evaluation - 1, d, s)
        })
        .collect();
    let (created, updated) = (on(year, 9, 10), on(year, 10, 5));
    app::backend::db::execute_chunks(conn, evaluated.chunks(500), |chunk| {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO evaluations (id, registration_id, criteria_set_id, answers, total, max_total, verdict, meets_rule, complete, created_at, updated_at, updated_by) ",
        );
        qb.push_values(chunk, |mut row, (id, d, s)| {
            row.push_bind(*id)
                .push_bind(d.id)
                .push_bind(s.set_id)
                .push_bind(s.answers.as_str())
                .push_bind(s.total)
                .push_bind(s.max_total)
                .push_bind(s.verdict.as_str())
                .push_bind(s.recognised)
                .push_bind(s.complete)
                .push_bind(created)
                .push_bind(updated)
                .push_bind(d.officer);
        });
        qb
    })
    .await
    .context("insert evaluations")?;
    // The four-eyes rule asks who scored a dossier.
    app::backend::db::execute_chunks(conn, evaluated.chunks(2000), |chunk| {
        let mut qb: QueryBuilder<Db> =
            QueryBuilder::new("INSERT INTO evaluation_contributors (evaluation_id, user_id) ");
        qb.push_values(chunk, |mut row, (id, d, _)| {
            row.push_bind(*id).push_bind(d.officer);
        });
        qb
    })
    .await
    .context("insert contributors")?;
    stats.evaluations += evaluated.len();

    let decided: Vec<(&Dossier, i64, String)> = dossiers
        .iter()
        .filter(|d| matches!(d.state, CycleState::Recognised | CycleState::NotRecognised))
        .filter_map(|d| {
            let s = &subjects[d.subject];
            decisions
                .get(&(issuer(s), s.title))
                .map(|decision| (d, *decision, new_verify_code()))
        })
        .collect();
    let decided_at = on(year, 11, 25);
    app::backend::db::execute_chunks(conn, decided.chunks(1000), |chunk| {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO recognitions (registration_id, decision_id, recognised, valid_from_year, valid_to_year, verify_code, created_at) ",
        );
        qb.push_values(chunk, |mut row, (d, decision, code)| {
            let validity = subjects[d.subject].title.validity_years() as i32;
            row.push_bind(d.id)
                .push_bind(*decision)
                .push_bind(d.state == CycleState::Recognised)
                .push_bind(year)
                .push_bind(year + validity - 1)
                .push_bind(code.as_str())
                .push_bind(decided_at);
        });
        qb
    })
    .await
    .context("insert recognitions")?;
    stats.recognitions += decided.len();
    Ok(())
}
