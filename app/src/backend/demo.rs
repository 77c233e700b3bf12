//! Demo data: Quảng Ngãi province → Trà Bồng district (the 2020–2025 tree, 16 commune-level
//! units, real names) → synthetic villages and about 2,000 synthetic households with Vietnamese
//! names, some clans and organisation units, one demo account per role, and the district's
//! officers at every stage of their training ([`training`]).
//!
//! Only the province, district and commune names are real (see shared/domain
//! tra-bong-admin-units.md). Codes other than the province's GSO code (51) are demo codes, and
//! villages, households, clans and units are generated. The generator is deterministic so every
//! fresh start looks the same.

mod history;
mod reform;
mod training;

use crate::backend::db::{self, Pool};
use crate::domain::org::OrgLevel;
use crate::domain::registry::{HouseholdInput, Member, OrganisationKind};
use crate::domain::roles::Role;
use crate::domain::text::search_key;
use crate::error::AppResult;
use crate::features::households::store as households;
use crate::features::org_units::store as org_units;
use crate::features::org_units::store::NewUnit;
use crate::features::users::store as users;

/// The password of every demo account (demo mode only).
pub const DEMO_PASSWORD: &str = "khuyenhoc2026";

/// Demo accounts: username, full name, role, code of the unit the role is scoped to.
pub const DEMO_USERS: &[(&str, &str, Role, &str)] = &[
    ("quantri", "Quản trị hệ thống", Role::Admin, "51"),
    ("canbo.trabinh", "Hồ Thị Hoa", Role::Officer, "51-TB-02"),
    ("canbo.traxuan", "Nguyễn Văn Lộc", Role::Officer, "51-TB-01"),
    ("xetduyet", "Phạm Minh Đức", Role::Reviewer, "51-TB"),
    ("lanhdao", "Hồ Văn Thịnh", Role::Leader, "51-TB"),
    ("hocvien", "Đinh Văn Sáu", Role::Trainee, "51-TB-02"),
    // An officer who has not done the scoring training yet: the evaluation form tells her why
    // she cannot submit (KH_TRAINING_GATES_SCORING).
    ("canbo.trabui", "Đinh Thị Mai", Role::Officer, "51-TB-03"),
];

/// Demo accounts that have completed the training modules (all three), so that the title
/// cycle can be shown with them; the others have not.
const DEMO_TRAINED: &[&str] = &["quantri", "canbo.trabinh", "canbo.traxuan", "xetduyet"];

/// The 16 commune-level units of Trà Bồng after Nghị quyết 867/NQ-UBTVQH14 (2020).
const COMMUNES: &[&str] = &[
    "Thị trấn Trà Xuân",
    "Xã Trà Bình",
    "Xã Trà Bùi",
    "Xã Trà Giang",
    "Xã Trà Hiệp",
    "Xã Trà Lâm",
    "Xã Trà Phú",
    "Xã Trà Sơn",
    "Xã Trà Tân",
    "Xã Trà Thủy",
    "Xã Trà Phong",
    "Xã Trà Thanh",
    "Xã Trà Xinh",
    "Xã Sơn Trà",
    "Xã Hương Trà",
    "Xã Trà Tây",
];

const SURNAMES: &[&str] = &[
    "Hồ", "Hồ", "Đinh", "Đinh", "Hà", "Nguyễn", "Trần", "Lê", "Phạm", "Võ", "Huỳnh", "Phan",
    "Đặng", "Bùi", "Trương",
];
const MALE_MIDDLE: &[&str] = &["Văn", "Văn", "Minh", "Đức", "Thanh", "Quang", "Hữu"];
const FEMALE_MIDDLE: &[&str] = &["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim"];
const MALE_GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hùng", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Trí", "Đạt",
    "Hải", "Hòa", "Khánh", "Long", "Thắng", "Tuấn", "Việt", "Lực", "Nhân", "Tín", "Vinh", "Thịnh",
];
const FEMALE_GIVEN: &[&str] = &[
    "Hương", "Lan", "Mai", "Thảo", "Vân", "Xuân", "Yến", "Linh", "Nga", "Nhung", "Phương", "Hoa",
    "Hạnh", "Trang", "Ánh", "Loan", "Diệu", "Hiền",
];

/// A small deterministic generator (xorshift): no dependency, same data on every start.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn person(rng: &mut Rng, surname: &str, female: bool) -> String {
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

/// Loads the demo data when the database has no org units yet. Returns whether it did.
pub async fn load_if_empty(pool: &Pool) -> AppResult<bool> {
    let units: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(pool)
        .await?;
    if units > 0 {
        return Ok(false);
    }
    tracing::info!("loading demo data (Quảng Ngãi / Trà Bồng)");
    let mut rng = Rng(0x5eed_2018_0716_u64);
    let mut tx = db::begin_write(pool).await?;

    let province = org_units::insert(
        &mut tx,
        &NewUnit {
            parent_id: None,
            level: OrgLevel::Province,
            code: "51".into(),
            name: "Tỉnh Quảng Ngãi".into(),
        },
        None,
    )
    .await?;
    let district = org_units::insert(
        &mut tx,
        &NewUnit {
            parent_id: Some(province.id),
            level: OrgLevel::District,
            code: "51-TB".into(),
            name: "Huyện Trà Bồng".into(),
        },
        Some(&province),
    )
    .await?;

    let this_year = 2026;
    let mut household_count = 0;
    for (ci, commune_name) in COMMUNES.iter().enumerate() {
        let commune = org_units::insert(
            &mut tx,
            &NewUnit {
                parent_id: Some(district.id),
                level: OrgLevel::Commune,
                code: format!("51-TB-{:02}", ci + 1),
                name: commune_name.to_string(),
            },
            Some(&district),
        )
        .await?;
        let is_town = commune_name.starts_with("Thị trấn");
        let village_count = if is_town { 3 } else { 4 + rng.below(4) };
        let short_name = commune_name
            .trim_start_matches("Thị trấn ")
            .trim_start_matches("Xã ");
        let mut commune_households: Vec<(i64, String)> = Vec::new();
        for vi in 0..village_count {
            let village_name = if is_town {
                format!("Tổ dân phố {}", vi + 1)
            } else {
                format!("Thôn {}", vi + 1)
            };
            let village = org_units::insert(
                &mut tx,
                &NewUnit {
                    parent_id: Some(commune.id),
                    level: OrgLevel::Village,
                    code: format!("51-TB-{:02}-{:02}", ci + 1, vi + 1),
                    name: village_name.clone(),
                },
                Some(&commune),
            )
            .await?;
            let households_here = 18 + rng.below(14);
            let mut heads_here = std::collections::HashSet::new();
            for hi in 0..households_here {
                let surname = rng.pick(SURNAMES);
                let head_female = rng.chance(25);
                let head = person(&mut rng, surname, head_female);
                let head_birth = 1950 + rng.below(50) as i32;
                let mut members = Vec::new();
                if rng.chance(85) {
                    let spouse_surname = rng.pick(SURNAMES);
                    members.push(Member {
                        full_name: person(&mut rng, spouse_surname, !head_female),
                        birth_year: Some(head_birth + rng.below(7) as i32 - 3),
                        relation: if head_female {
                            "Chồng".into()
                        } else {
                            "Vợ".into()
                        },
                    });
                }
                for _ in 0..rng.below(5) {
                    let female = rng.chance(50);
                    members.push(Member {
                        full_name: person(&mut rng, surname, female),
                        birth_year: Some((head_birth + 20 + rng.below(25) as i32).min(this_year)),
                        relation: "Con".into(),
                    });
                }
                let mut address = format!(
                    "{village_name}, {}",
                    commune_name
                        .replacen("Xã", "xã", 1)
                        .replacen("Thị trấn", "thị trấn", 1)
                );
                // Two heads with the same name in one village need a house number to be two
                // households (one active household per head, address and village).
                if !heads_here.insert(head.clone()) {
                    address = format!("Nhà số {}, {address}", hi + 1);
                }
                let input = HouseholdInput {
                    village_id: village.id,
                    code: format!("{:02}{:02}{:03}", ci + 1, vi + 1, hi + 1),
                    head_name: head.clone(),
                    address,
                    phone: if rng.chance(60) {
                        format!("09{:08}", rng.next() % 100_000_000)
                    } else {
                        String::new()
                    },
                    members,
                };
                let id = households::insert(&mut tx, &input).await?;
                commune_households.push((id, surname.to_string()));
                household_count += 1;
            }
        }
        // Two or three clans per commune, each gathering households of one surname.
        let mut clan_surnames: Vec<&str> = vec!["Hồ", "Đinh", "Nguyễn", "Trần", "Hà"];
        clan_surnames.truncate(2 + rng.below(2));
        for surname in clan_surnames {
            let members: Vec<i64> = commune_households
                .iter()
                .filter(|(_, s)| s == surname)
                .map(|(id, _)| *id)
                .take(40)
                .collect();
            if members.is_empty() {
                continue;
            }
            let name = format!("Dòng họ {surname} ({short_name})");
            let representative = person(&mut rng, surname, false);
            let now = db::now();
            let clan_id: i64 = sqlx::query_scalar(
                "INSERT INTO clans (commune_id, name, representative, phone, search_key, created_at, updated_at)
                 VALUES ($1, $2, $3, '', $4, $5, $5) RETURNING id",
            )
            .bind(commune.id)
            .bind(&name)
            .bind(&representative)
            .bind(search_key(&format!("{name} {representative}")))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for h in members {
                sqlx::query("INSERT INTO clan_households (clan_id, household_id) VALUES ($1, $2)")
                    .bind(clan_id)
                    .bind(h)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut units = vec![
            (
                format!("Trường Mầm non {short_name}"),
                OrganisationKind::School,
            ),
            (
                format!("Trường Tiểu học {short_name}"),
                OrganisationKind::School,
            ),
            (
                format!(
                    "Trạm Y tế {}",
                    commune_name
                        .replacen("Xã", "xã", 1)
                        .replacen("Thị trấn", "thị trấn", 1)
                ),
                OrganisationKind::Agency,
            ),
        ];
        if rng.chance(40) {
            units.push((
                format!("Hợp tác xã Nông nghiệp {short_name}"),
                OrganisationKind::Enterprise,
            ));
        }
        for (name, kind) in units {
            insert_organisation(&mut tx, commune.id, &name, kind).await?;
        }
    }
    for (name, kind) in [
        (
            "Phòng Giáo dục và Đào tạo huyện Trà Bồng",
            OrganisationKind::Agency,
        ),
        (
            "Trung tâm GDNN-GDTX huyện Trà Bồng",
            OrganisationKind::School,
        ),
        ("Trường THPT Trà Bồng", OrganisationKind::School),
        ("Hội Khuyến học huyện Trà Bồng", OrganisationKind::Other),
        (
            "Công ty TNHH Quế Trà Bồng (minh hoạ)",
            OrganisationKind::Enterprise,
        ),
    ] {
        insert_organisation(&mut tx, district.id, name, kind).await?;
    }
    crate::backend::counts::rebuild(&mut tx).await?;
    tx.commit().await?;
    tracing::info!(households = household_count, "demo registry loaded");

    let mut admin_id = None;
    for (username, full_name, role, code) in DEMO_USERS {
        let mut conn = pool.acquire().await?;
        if let Some(unit) = org_units::get_by_code(&mut conn, code).await? {
            drop(conn);
            let user_id = users::insert_user(
                pool,
                username,
                full_name,
                DEMO_PASSWORD,
                false,
                &[(*role, unit.id)],
            )
            .await?;
            if *role == Role::Admin {
                admin_id.get_or_insert(user_id);
            }
            if DEMO_TRAINED.contains(username) {
                let mut tx = db::begin_write(pool).await?;
                for code in [
                    "xa-hoi-hoc-tap",
                    "cham-diem-danh-hieu",
                    "chu-ky-tren-phan-mem",
                ] {
                    crate::features::training::store::record_completion(
                        &mut tx,
                        user_id,
                        code,
                        db::now(),
                    )
                    .await?;
                }
                tx.commit().await?;
            }
        }
    }
    if let Some(admin_id) = admin_id {
        training::load(pool, &mut rng, admin_id).await?;
    }
    history::load(pool, &mut rng, district.id).await?;
    Ok(true)
}

async fn insert_organisation(
    conn: &mut db::Conn,
    unit_id: i64,
    name: &str,
    kind: OrganisationKind,
) -> AppResult<()> {
    let now = db::now();
    sqlx::query(
        "INSERT INTO organisations (managing_unit_id, kind, name, search_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(unit_id)
    .bind(kind.code())
    .bind(name)
    .bind(search_key(name))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Outside demo mode: creates the `admin` account from `KH_BOOTSTRAP_ADMIN_PASSWORD` when there
/// are no users yet, scoped to the first province (which must exist: import the tree first, or
/// the account is created once a province exists).
pub async fn bootstrap_admin(pool: &Pool, password: &str) -> AppResult<bool> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await?;
    if users > 0 {
        return Ok(false);
    }
    let root: Option<i64> =
        sqlx::query_scalar("SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1")
            .fetch_optional(pool)
            .await?;
    let root = match root {
        Some(id) => id,
        None => {
            let mut tx = db::begin_write(pool).await?;
            let unit = org_units::insert(
                &mut tx,
                &NewUnit {
                    parent_id: None,
                    level: OrgLevel::Province,
                    code: "ROOT".into(),
                    name: "Đơn vị gốc (đổi tên)".into(),
                },
                None,
            )
            .await?;
            tx.commit().await?;
            unit.id
        }
    };
    users::insert_user(
        pool,
        "admin",
        "Quản trị hệ thống",
        password,
        true,
        &[(Role::Admin, root)],
    )
    .await?;
    Ok(true)
}
