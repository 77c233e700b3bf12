//! `khuyenhoc-server generate-province`: writes a whole synthetic province into an empty
//! database, for the benchmarks (`bench/dashboards`) and for trying the product at a
//! province's size. It owns the command line of the subcommand, the order of the phases and
//! their timing; the registry is written by [`registry`], the title cycle by [`cycle`].
//!
//! What it writes (every name is synthetic, every code a test code; the shape is real): one
//! province → communes → villages, the tree the 2025 reform left (no districts); households
//! with their members, a few clans and organisations per commune; an officer per commune and
//! one at the province, most of them trained; five years of the title cycle, decided in the
//! earlier years and spread over its states in the last; the province's targets; the
//! accounts `quantri` (administrator) and `lanhdao` (leader) at the province and
//! `lanhdao.xa` (leader) at the first commune, all with the demo password.
//!
//! The rows are written as the features' stores leave them (the households through
//! `households::store::insert_many`, the import's own bulk insert, so their search keys,
//! duplicate keys and trigram index are the real ones), in a few big transactions of
//! multi-row statements on a bulk-write connection; the counters are then rebuilt with the
//! app's own `rollups::rebuild` and `counts::rebuild`.

mod cycle;
mod registry;

use app::backend::config::Config;
use app::backend::db::{self, Conn, Pool};
use app::backend::demo::DEMO_PASSWORD;
use app::domain::org::OrgLevel;
use app::domain::roles::Role;
use app::features::org_units::store::{self as org_units, NewUnit};
use app::features::targets::types::TargetKind;
use app::features::users::store as users;
use std::time::{Duration, Instant};

/// An error of the generator: what it was doing, and why it failed.
pub type Result<T> = std::result::Result<T, String>;

/// Adds what was being done to an error, so a failure names its phase.
trait Context<T> {
    fn context(self, what: &str) -> Result<T>;
}

impl<T, E: std::fmt::Debug> Context<T> for std::result::Result<T, E> {
    fn context(self, what: &str) -> Result<T> {
        self.map_err(|e| format!("{what}: {e:?}"))
    }
}

/// What to generate, from the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub households: usize,
    pub communes: usize,
    pub villages_per_commune: usize,
    pub first_year: i32,
    pub last_year: i32,
}

const USAGE: &str = "usage: khuyenhoc-server generate-province [--households N] [--communes N] \
[--villages-per-commune N] [--years FIRST-LAST]
  defaults: 1,000,000 households, 100 communes, 10 villages per commune, the five years before
  this one. Writes into the empty database named by KH_DATABASE_URL.";

impl Options {
    /// Reads the arguments after `generate-province`.
    pub fn parse(args: &[String], this_year: i32) -> Result<Options> {
        let mut options = Options {
            households: 1_000_000,
            communes: 100,
            villages_per_commune: 10,
            first_year: this_year - 5,
            last_year: this_year - 1,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            if flag == "--help" || flag == "-h" {
                return Err(USAGE.to_string());
            }
            let value = args
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            let count = || -> Result<usize> {
                match value.replace(['_', ','], "").parse::<usize>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(format!("{flag} {value}: not a positive whole number")),
                }
            };
            match flag.as_str() {
                "--households" => options.households = count()?,
                "--communes" => options.communes = count()?,
                "--villages-per-commune" => options.villages_per_commune = count()?,
                "--years" => {
                    let (first, last) = value
                        .split_once('-')
                        .and_then(|(a, b)| {
                            Some((a.trim().parse::<i32>().ok()?, b.trim().parse::<i32>().ok()?))
                        })
                        .ok_or_else(|| {
                            format!("--years {value}: use FIRST-LAST, e.g. 2021-2025")
                        })?;
                    if !(2000..=2100).contains(&first) || first > last || last > 2100 {
                        return Err(format!("--years {value}: not a range of years"));
                    }
                    options.first_year = first;
                    options.last_year = last;
                }
                _ => return Err(format!("unknown option {flag}\n{USAGE}")),
            }
        }
        Ok(options)
    }

    fn villages(&self) -> usize {
        self.communes * self.villages_per_commune
    }
}

/// A small deterministic generator (xorshift): the same province on every run.
pub struct Rng(u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A unit of the generated tree.
#[derive(Clone, Debug)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub path: String,
    pub search_key: String,
}

/// The generated tree: the province, its communes, and each commune's villages.
pub struct Tree {
    pub province: Unit,
    pub communes: Vec<Unit>,
    pub villages: Vec<Vec<Unit>>,
}

/// Prints a phase's time and adds it to the total.
struct Clock {
    started: Instant,
    phase: Instant,
}

impl Clock {
    fn done(&mut self, what: String) {
        println!("  {what:<62} {:>7.1} s", self.phase.elapsed().as_secs_f64());
        self.phase = Instant::now();
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The subcommand: parses `args`, generates, prints each phase's time. Exit code 0 on success.
pub async fn main(config: &Config, args: &[String]) -> i32 {
    let options = match Options::parse(args, app::vietnam_time::this_year()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return 2;
        }
    };
    match generate(config, &options).await {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("generate-province failed: {message}");
            1
        }
    }
}

async fn generate(config: &Config, options: &Options) -> Result<()> {
    let mut clock = Clock {
        started: Instant::now(),
        phase: Instant::now(),
    };
    println!(
        "generate-province: {} households, {} communes × {} villages, years {}–{}, into {}",
        thousands(options.households),
        options.communes,
        options.villages_per_commune,
        options.first_year,
        options.last_year,
        config.database_url
    );
    println!("  (synthetic names and codes: nothing here is a real place or person)");
    let pool = db::connect(&config.database_url)
        .await
        .context("open the database and run the migrations")?;
    refuse_unless_empty(&pool, &config.database_url).await?;
    // What the server stores at every start; the evaluations refer to the criteria sets and
    // the training figures to the modules.
    app::features::criteria_sets::store::seed(&pool)
        .await
        .context("store the shipped criteria sets")?;
    app::features::training::store::seed::seed(&pool)
        .await
        .context("store the shipped training modules")?;
    clock.done("migrations and shipped criteria sets and modules".into());

    pool.close().await;

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let pool = bulk_pool(&config.database_url).await?;
    let mut tx = db::begin_write(&pool).await.context("begin")?;
    let tree = tree(&mut tx, options).await?;
    clock.done(format!(
        "org units: 1 province, {} communes, {} villages",
        tree.communes.len(),
        thousands(options.villages())
    ));
    let written = registry::households(&mut tx, &tree, options.households, &mut rng).await?;
    clock.done(format!(
        "households: {} ({} members, search index)",
        thousands(options.households),
        thousands(written.members)
    ));
    let (clans, organisations) =
        registry::clans_and_organisations(&mut tx, &tree, &written, &mut rng).await?;
    clock.done(format!(
        "clans: {} ({} households in them), organisations: {}",
        thousands(clans.0),
        thousands(clans.1),
        thousands(organisations)
    ));
    tx.commit().await.context("commit the registry")?;
    clock.done("commit".into());

    let officers = accounts(&pool, &tree, &mut rng).await?;
    clock.done(format!(
        "accounts: quantri, lanhdao, lanhdao.xa and {} officers",
        officers.len()
    ));

    let mut tx = db::begin_write(&pool).await.context("begin")?;
    let mut subjects = written.subjects;
    subjects.extend(cycle::other_subjects(&mut tx).await?);
    let stats = cycle::history(
        &mut tx,
        &tree,
        &subjects,
        &officers,
        options,
        &mut rng,
        &mut |line| clock.done(line),
    )
    .await?;
    drop(subjects);
    targets(&mut tx, tree.province.id, options).await?;
    clock.done(format!(
        "decisions: {}; targets of the province",
        thousands(stats.decisions)
    ));
    app::backend::rollups::rebuild(&mut tx)
        .await
        .context("rebuild the rollup counters")?;
    app::backend::counts::rebuild(&mut tx)
        .await
        .context("rebuild the registry counters")?;
    // Nobody watches a dashboard while the province is generated: its notes are not news.
    sqlx::query("DELETE FROM dashboard_changes")
        .execute(&mut *tx)
        .await
        .context("clear the change notes")?;
    clock.done("counters rebuilt (rollups, unit_counts)".into());
    tx.commit().await.context("commit the title cycle")?;
    clock.done("commit".into());
    // Back to the log the server runs on (`db::connect` would switch it too).
    sqlx::query("PRAGMA journal_mode = WAL")
        .execute(&pool)
        .await
        .context("switch back to WAL")?;
    pool.close().await;
    let total = clock.started.elapsed();
    println!(
        "  {} registrations, {} evaluations, {} recognitions",
        thousands(stats.registrations),
        thousands(stats.evaluations),
        thousands(stats.recognitions)
    );
    println!(
        "  total {}  (accounts quantri, lanhdao, lanhdao.xa; password {DEMO_PASSWORD})",
        minutes(total)
    );
    Ok(())
}

fn minutes(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        format!("{s:.1} s")
    } else {
        format!("{} min {:.0} s ({s:.0} s)", (s / 60.0).floor(), s % 60.0)
    }
}

async fn refuse_unless_empty(pool: &Pool, url: &str) -> Result<()> {
    let households: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM households")
        .fetch_one(pool)
        .await
        .context("count the households")?;
    if households > 0 {
        return Err(format!(
            "{url} already holds {} households. generate-province writes a whole province and \
             only into an empty database: set KH_DATABASE_URL to a new file.",
            thousands(households as usize)
        ));
    }
    let units: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(pool)
        .await
        .context("count the org units")?;
    if units > 0 {
        return Err(format!(
            "{url} already holds {units} org units (but no households). generate-province \
             writes its own tree and only into an empty database: set KH_DATABASE_URL to a new file."
        ));
    }
    Ok(())
}

/// The connections the generator writes with, once `db::connect` has run the migrations
/// and closed again: the server's settings, but
///
/// - the rollback journal instead of the write-ahead log. A new database's pages have no old
///   content to keep, so the journal stays small and each page is written once, straight into
///   the file; through the log every page of the province's 3 GB was written twice (log, then
///   checkpoint), over a minute of the run. `generate` switches back to WAL at the end.
/// - no foreign-key checks by the engine, as on `db::bulk_write_connection` (every reference
///   written here was just created by this code), and a page cache of 1 GB: the registry's
///   indexes at a million households are about that size, and inserts into a cache that holds
///   them do not spill pages and read them back.
async fn bulk_pool(url: &str) -> Result<Pool> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str(url)
        .context("read KH_DATABASE_URL")?
        .journal_mode(SqliteJournalMode::Delete)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(20))
        .foreign_keys(false)
        .pragma("cache_size", "-1048576");
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .context("reopen the database for the bulk writes")
}

/// Two-syllable place names, as Vietnamese communes are often called; numbered when the
/// communes outnumber the pairs.
const PLACE_FIRST: &[&str] = &[
    "An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Mỹ", "Đông", "Hưng",
];
const PLACE_SECOND: &[&str] = &[
    "Lộc", "Thịnh", "Phước", "Sơn", "Hải", "Lợi", "Thuận", "Xuân", "Điền", "Khánh",
];

fn commune_name(i: usize) -> String {
    let pair = PLACE_FIRST.len() * PLACE_SECOND.len();
    let base = format!(
        "Xã {} {}",
        PLACE_FIRST[i % PLACE_FIRST.len()],
        PLACE_SECOND[(i / PLACE_FIRST.len()) % PLACE_SECOND.len()]
    );
    if i < pair {
        base
    } else {
        format!("{base} {}", i / pair + 1)
    }
}

/// The province, its communes and their villages, through the org units' own insert (the
/// level rules, the code check, the materialised path).
async fn tree(conn: &mut Conn, options: &Options) -> Result<Tree> {
    let search = app::domain::text::search_key;
    let province = org_units::insert(
        conn,
        &NewUnit {
            parent_id: None,
            level: OrgLevel::Province,
            code: "TN".into(),
            name: "Tỉnh Thử Nghiệm".into(),
        },
        None,
    )
    .await
    .context("insert the province")?;
    let mut communes = Vec::with_capacity(options.communes);
    let mut villages = Vec::with_capacity(options.communes);
    for c in 0..options.communes {
        let commune = org_units::insert(
            conn,
            &NewUnit {
                parent_id: Some(province.id),
                level: OrgLevel::Commune,
                code: format!("TN-{:03}", c + 1),
                name: commune_name(c),
            },
            Some(&province),
        )
        .await
        .context("insert a commune")?;
        let mut here = Vec::with_capacity(options.villages_per_commune);
        for v in 0..options.villages_per_commune {
            let village = org_units::insert(
                conn,
                &NewUnit {
                    parent_id: Some(commune.id),
                    level: OrgLevel::Village,
                    code: format!("TN-{:03}-{:02}", c + 1, v + 1),
                    name: format!("Thôn {}", v + 1),
                },
                Some(&commune),
            )
            .await
            .context("insert a village")?;
            here.push(Unit {
                id: village.id,
                search_key: search(&village.name),
                name: village.name,
                path: village.path,
            });
        }
        villages.push(here);
        communes.push(Unit {
            id: commune.id,
            search_key: search(&commune.name),
            name: commune.name,
            path: commune.path,
        });
    }
    Ok(Tree {
        province: Unit {
            id: province.id,
            search_key: search(&province.name),
            name: province.name,
            path: province.path,
        },
        communes,
        villages,
    })
}

/// The officers who scored the dossiers: one per commune, then one at the province (last).
pub struct Officers {
    pub per_commune: Vec<i64>,
    pub province: i64,
}

impl Officers {
    fn len(&self) -> usize {
        self.per_commune.len() + 1
    }
}

/// The three named accounts, an officer per commune and one at the province. Three officers
/// in four have completed every training module, so the dashboard's "officers trained" has
/// something to show. One password hash for all (a hash takes a tenth of a second).
async fn accounts(pool: &Pool, tree: &Tree, rng: &mut Rng) -> Result<Officers> {
    let hash = app::backend::passwords::hash_password_blocking(DEMO_PASSWORD.to_string())
        .await
        .context("hash the password")?;
    let province = tree.province.id;
    let first_commune = tree.communes.first().map(|c| c.id).unwrap_or(province);
    for (username, name, role, unit) in [
        ("quantri", "Quản trị hệ thống", Role::Admin, province),
        (
            "lanhdao",
            "Lãnh đạo tỉnh (tổng hợp)",
            Role::Leader,
            province,
        ),
        (
            "lanhdao.xa",
            "Lãnh đạo xã (tổng hợp)",
            Role::Leader,
            first_commune,
        ),
    ] {
        users::insert_user_hashed(pool, username, name, &hash, false, &[(role, unit)])
            .await
            .context("insert an account")?;
    }
    let modules: Vec<String> =
        sqlx::query_scalar("SELECT code FROM training_modules ORDER BY position")
            .fetch_all(pool)
            .await
            .context("read the training modules")?;
    let mut per_commune = Vec::with_capacity(tree.communes.len());
    let mut trained = Vec::new();
    for (i, unit) in tree
        .communes
        .iter()
        .map(|c| c.id)
        .chain(std::iter::once(province))
        .enumerate()
    {
        let username = if unit == province {
            "canbo.tinh".to_string()
        } else {
            format!("canbo.xa{:03}", i + 1)
        };
        let female = rng.below(4) == 0;
        let name = registry::person(rng, female);
        let id = users::insert_user_hashed(
            pool,
            &username,
            &name,
            &hash,
            false,
            &[(Role::Officer, unit)],
        )
        .await
        .context("insert an officer")?;
        if rng.chance(75) {
            trained.push(id);
        }
        per_commune.push(id);
    }
    let province_officer = per_commune.pop().unwrap_or_default();
    let mut tx = db::begin_write(pool).await.context("begin")?;
    for user in trained {
        for code in &modules {
            app::features::training::store::record_completion(&mut tx, user, code, db::now())
                .await
                .context("record a completed module")?;
        }
    }
    tx.commit().await.context("commit the completions")?;
    Ok(Officers {
        per_commune,
        province: province_officer,
    })
}

/// The province's targets, every year of the history and this one: rising toward the
/// Ministry's figures (households 60 → 70%, clans 40 → 50%, …, officers trained 100%).
async fn targets(conn: &mut Conn, province: i64, options: &Options) -> Result<()> {
    let this_year = app::vietnam_time::this_year().max(options.last_year);
    for year in options.first_year..=this_year {
        let step = ((year - options.first_year) / 2) as i64;
        for kind in TargetKind::ALL {
            let percent = match kind {
                TargetKind::Households => 60 + 5 * step,
                TargetKind::Clans => 40 + 5 * step,
                TargetKind::Villages => 50 + 5 * step,
                TargetKind::Communes => 30 + 3 * step,
                TargetKind::LearningUnits => 50 + 5 * step,
                TargetKind::OfficersTrained => 100,
            };
            sqlx::query(
                "INSERT INTO targets (unit_id, year, kind, percent, updated_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(province)
            .bind(year)
            .bind(kind.code())
            .bind(percent.min(100))
            .bind(db::now())
            .execute(&mut *conn)
            .await
            .context("insert a target")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn no_options_give_a_million_households_and_the_five_years_before_this_one() {
        let options = Options::parse(&[], 2026).unwrap();
        assert_eq!(options.households, 1_000_000);
        assert_eq!((options.communes, options.villages_per_commune), (100, 10));
        assert_eq!((options.first_year, options.last_year), (2021, 2025));
    }

    #[test]
    fn options_are_read_and_bad_ones_named() {
        let options = Options::parse(
            &args(&[
                "--households",
                "100,000",
                "--communes",
                "20",
                "--years",
                "2019-2023",
            ]),
            2026,
        )
        .unwrap();
        assert_eq!(options.households, 100_000);
        assert_eq!(options.communes, 20);
        assert_eq!((options.first_year, options.last_year), (2019, 2023));
        for bad in [
            &["--households"][..],
            &["--households", "0"],
            &["--years", "2025-2021"],
            &["--villages", "3"],
        ] {
            let err = Options::parse(&args(bad), 2026).unwrap_err();
            assert!(err.contains(bad[0]), "{bad:?}: {err}");
        }
    }

    #[test]
    fn commune_names_are_distinct() {
        let names: std::collections::HashSet<String> = (0..250).map(commune_name).collect();
        assert_eq!(names.len(), 250);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
