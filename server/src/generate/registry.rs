//! The generated registry: households with their members (through the import's bulk insert,
//! `households::store::insert_many`, so every key and the trigram index are the real ones), and
//! a few clans and organisations per commune.

use super::cycle::Subject;
use super::{Context, Result, Rng, Tree};
use app::backend::db::{self, Conn, Db};
use app::domain::registry::{household_duplicate_key, HouseholdInput, Member, OrganisationKind};
use app::domain::text::search_key;
use app::features::households::store::{self as households, NewHousehold};
use sqlx::QueryBuilder;

const SURNAMES: &[&str] = &[
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
    "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Hà", "Trương",
];
const MALE_MIDDLE: &[&str] = &["Văn", "Văn", "Minh", "Đức", "Thanh", "Quang", "Hữu", "Công"];
const FEMALE_MIDDLE: &[&str] = &["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ"];
const MALE_GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hùng", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Trí", "Đạt",
    "Hải", "Hòa", "Khánh", "Long", "Thắng", "Tuấn", "Việt", "Lực", "Nhân", "Tín", "Vinh", "Thịnh",
];
const FEMALE_GIVEN: &[&str] = &[
    "Hương", "Lan", "Mai", "Thảo", "Vân", "Xuân", "Yến", "Linh", "Nga", "Nhung", "Phương", "Hoa",
    "Hạnh", "Trang", "Ánh", "Loan", "Diệu", "Hiền",
];

/// A synthetic person's name, of a random surname.
pub fn person(rng: &mut Rng, female: bool) -> String {
    let surname = rng.pick(SURNAMES);
    named(rng, surname, female)
}

fn named(rng: &mut Rng, surname: &str, female: bool) -> String {
    if female {
        format!(
            "{surname} {} {}",
            rng.pick(FEMALE_MIDDLE),
            rng.pick(FEMALE_GIVEN)
        )
    } else {
        format!(
            "{surname} {} {}",
            rng.pick(MALE_MIDDLE),
            rng.pick(MALE_GIVEN)
        )
    }
}

/// What the households phase leaves for the next ones.
pub struct Written {
    pub members: usize,
    /// The households as subjects of the title cycle (kept, not read back: a million rows).
    pub subjects: Vec<Subject>,
    /// Per commune, per surname (index into `SURNAMES`), the first households of that surname:
    /// the clans gather them.
    pub by_surname: Vec<Vec<Vec<i64>>>,
}

/// Households written per statement batch: a few seconds of work, and the rows of one batch
/// in memory at a time.
const BATCH: usize = 20_000;
/// Households a clan gathers at most.
const CLAN_SIZE: usize = 40;

/// `count` households spread evenly over the villages, each with a spouse most of the time
/// and up to four children, an address with a house number (so no two are duplicates), a
/// phone number in three of five.
pub async fn households(
    conn: &mut Conn,
    tree: &Tree,
    count: usize,
    rng: &mut Rng,
) -> Result<Written> {
    let this_year = app::vietnam_time::this_year();
    let villages: Vec<(usize, usize)> = tree
        .villages
        .iter()
        .enumerate()
        .flat_map(|(c, vs)| (0..vs.len()).map(move |v| (c, v)))
        .collect();
    let per_village = count / villages.len().max(1);
    let extra = count % villages.len().max(1);
    let mut by_surname = vec![vec![Vec::new(); SURNAMES.len()]; tree.communes.len()];
    let mut members = 0;
    let mut subjects = Vec::with_capacity(count);
    let first_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM households")
        .fetch_one(&mut *conn)
        .await
        .context("read the next household id")?;
    let mut next_id = first_id;
    let now = db::now();
    // One batch: (input, search key, duplicate key, place key).
    let mut batch: Vec<(i64, HouseholdInput, String, String, String)> = Vec::with_capacity(BATCH);
    for (n, (c, v)) in villages.iter().copied().enumerate() {
        let commune = &tree.communes[c];
        let village = &tree.villages[c][v];
        let place_key = households::place_key(&commune.search_key, &village.search_key);
        let commune_lower = commune.name.replacen("Xã", "xã", 1);
        let here = per_village + usize::from(n < extra);
        for h in 0..here {
            let s = rng.below(SURNAMES.len());
            let surname = SURNAMES[s];
            let head_female = rng.chance(25);
            let head = named(rng, surname, head_female);
            let head_birth = 1950 + rng.below(50) as i32;
            let mut household_members = Vec::new();
            if rng.chance(85) {
                household_members.push(Member {
                    full_name: person(rng, !head_female),
                    birth_year: Some(head_birth + rng.below(7) as i32 - 3),
                    relation: if head_female { "Chồng" } else { "Vợ" }.into(),
                });
            }
            for _ in 0..rng.below(5) {
                let female = rng.chance(50);
                household_members.push(Member {
                    full_name: named(rng, surname, female),
                    birth_year: Some((head_birth + 20 + rng.below(25) as i32).min(this_year)),
                    relation: "Con".into(),
                });
            }
            members += household_members.len();
            let input = HouseholdInput {
                village_id: village.id,
                code: format!("{:03}{:02}{:04}", c + 1, v + 1, h + 1),
                address: format!("Số {}, {}, {commune_lower}", h + 1, village.name),
                phone: if rng.chance(60) {
                    format!("09{:08}", rng.next() % 100_000_000)
                } else {
                    String::new()
                },
                head_name: head,
                members: household_members,
            };
            let key = households::search_key_of(&input);
            let dup = household_duplicate_key(village.id, &input.head_name, &input.address);
            if by_surname[c][s].len() < CLAN_SIZE {
                by_surname[c][s].push(next_id);
            }
            subjects.push(Subject::household(
                next_id,
                &input.head_name,
                village.id,
                commune.id,
            ));
            batch.push((next_id, input, key, dup, place_key.clone()));
            next_id += 1;
            if batch.len() == BATCH {
                write(conn, &batch, now).await?;
                batch.clear();
            }
        }
    }
    write(conn, &batch, now).await?;
    Ok(Written {
        members,
        subjects,
        by_surname,
    })
}

async fn write(
    conn: &mut Conn,
    batch: &[(i64, HouseholdInput, String, String, String)],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let rows: Vec<NewHousehold<'_>> = batch
        .iter()
        .map(|(id, input, key, dup, place)| NewHousehold {
            id: *id,
            village_id: input.village_id,
            input,
            search_key: key,
            dup_key: dup,
            place_key: place,
        })
        .collect();
    households::insert_many(conn, &rows, now)
        .await
        .context("insert households")
}

/// Five clans per commune (of its commonest surnames, each gathering up to 40 households of
/// that name) and its school, kindergarten, secondary school and health station, with a
/// cooperative in two communes of five; at the province, its departments and schools.
/// Returns ((clans, clan memberships), organisations).
pub async fn clans_and_organisations(
    conn: &mut Conn,
    tree: &Tree,
    written: &Written,
    rng: &mut Rng,
) -> Result<((usize, usize), usize)> {
    let now = db::now();
    let mut clans = 0;
    let mut memberships: Vec<(i64, i64)> = Vec::new();
    for (c, commune) in tree.communes.iter().enumerate() {
        let short = commune.name.trim_start_matches("Xã ");
        let mut surnames: Vec<usize> = (0..SURNAMES.len()).collect();
        // The commonest surnames first; each name once (the list repeats the common ones).
        surnames.sort_by_key(|s| std::cmp::Reverse(written.by_surname[c][*s].len()));
        let mut seen = std::collections::HashSet::new();
        for s in surnames
            .into_iter()
            .filter(|s| seen.insert(SURNAMES[*s]))
            .take(5)
        {
            let households = &written.by_surname[c][s];
            if households.is_empty() {
                continue;
            }
            let name = format!("Dòng họ {} ({short})", SURNAMES[s]);
            let representative = named(rng, SURNAMES[s], false);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO clans (commune_id, name, representative, phone, search_key, created_at, updated_at)
                 VALUES ($1, $2, $3, '', $4, $5, $5) RETURNING id",
            )
            .bind(commune.id)
            .bind(&name)
            .bind(&representative)
            .bind(search_key(&format!("{name} {representative}")))
            .bind(now)
            .fetch_one(&mut *conn)
            .await
            .context("insert a clan")?;
            clans += 1;
            // A household may be listed under its surname in one clan only.
            memberships.extend(households.iter().map(|h| (id, *h)));
        }
    }
    db::execute_chunks(conn, memberships.chunks(2000), |chunk| {
        let mut qb: QueryBuilder<Db> =
            QueryBuilder::new("INSERT INTO clan_households (clan_id, household_id) ");
        qb.push_values(chunk, |mut row, (clan, household)| {
            row.push_bind(*clan).push_bind(*household);
        });
        qb
    })
    .await
    .context("insert clan members")?;

    let mut organisations: Vec<(i64, &'static str, String)> = Vec::new();
    for commune in &tree.communes {
        let short = commune.name.trim_start_matches("Xã ");
        organisations.push((
            commune.id,
            OrganisationKind::School.code(),
            format!("Trường Mầm non {short}"),
        ));
        organisations.push((
            commune.id,
            OrganisationKind::School.code(),
            format!("Trường Tiểu học {short}"),
        ));
        organisations.push((
            commune.id,
            OrganisationKind::School.code(),
            format!("Trường THCS {short}"),
        ));
        organisations.push((
            commune.id,
            OrganisationKind::Agency.code(),
            format!("Trạm Y tế {}", commune.name.replacen("Xã", "xã", 1)),
        ));
        if rng.chance(40) {
            organisations.push((
                commune.id,
                OrganisationKind::Enterprise.code(),
                format!("Hợp tác xã Nông nghiệp {short}"),
            ));
        }
    }
    let province = tree.province.id;
    let province_name = tree.province.name.replacen("Tỉnh", "tỉnh", 1);
    for (kind, name) in [
        (
            OrganisationKind::Agency,
            format!("Sở Giáo dục và Đào tạo {province_name}"),
        ),
        (
            OrganisationKind::Agency,
            format!("Sở Văn hóa, Thể thao và Du lịch {province_name}"),
        ),
        (
            OrganisationKind::Other,
            format!("Hội Khuyến học {province_name}"),
        ),
        (
            OrganisationKind::School,
            "Trường THPT Thử Nghiệm".to_string(),
        ),
        (
            OrganisationKind::School,
            "Trường THPT chuyên Thử Nghiệm".to_string(),
        ),
        (
            OrganisationKind::School,
            format!("Trường Cao đẳng Sư phạm {province_name}"),
        ),
        (OrganisationKind::Other, format!("Thư viện {province_name}")),
        (
            OrganisationKind::Enterprise,
            "Công ty TNHH Thử Nghiệm (minh hoạ)".to_string(),
        ),
    ] {
        organisations.push((province, kind.code(), name));
    }
    db::execute_chunks(conn, organisations.chunks(500), |chunk| {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO organisations (managing_unit_id, kind, name, search_key, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut row, (unit, kind, name)| {
            row.push_bind(*unit)
                .push_bind(*kind)
                .push_bind(name.as_str())
                .push_bind(search_key(name))
                .push_bind(now)
                .push_bind(now);
        });
        qb
    })
    .await
    .context("insert organisations")?;
    Ok(((clans, memberships.len()), organisations.len()))
}
