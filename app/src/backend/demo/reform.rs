//! The demo's reorganisation of 2020 (Nghị quyết 867/NQ-UBTVQH14, in force from April 2020;
//! `../shared/domain/tra-bong-admin-units.md`): Tây Trà district merged back into Trà Bồng;
//! Trà Quân + Trà Khê became Sơn Trà, Trà Nham + Trà Lãnh Hương Trà, Trà Trung + Trà Thọ Trà
//! Tây; Trà Phong, Trà Thanh and Trà Xinh came over from Tây Trà.
//!
//! The demo's tree is today's. This writes what the succession step
//! (`org_units::store::history::record`) would have left had the reorganisation been recorded
//! in 2020: the ended units (the district and the six merged communes, ended in 2019, each
//! linked to its successor), and where each moved commune and village stood until 2019. Which
//! of a merged commune's villages stood in which predecessor is made up (the first half in the
//! first), as the village names are.

use crate::backend::db::Conn;
use crate::domain::org::{OrgLevel, OrgUnit};
use crate::error::{AppError, AppResult};
use crate::features::org_units::store::{self as org_units, NewUnit};
use std::collections::{HashMap, HashSet};

/// The first year on the new tree.
pub const REFORM_YEAR: i32 = 2020;
const BASIS: &str = "Nghị quyết 867/NQ-UBTVQH14";
/// Each merged commune of today and the two it was formed from.
const MERGED: [(&str, [&str; 2]); 3] = [
    ("Xã Sơn Trà", ["Xã Trà Quân", "Xã Trà Khê"]),
    ("Xã Hương Trà", ["Xã Trà Nham", "Xã Trà Lãnh"]),
    ("Xã Trà Tây", ["Xã Trà Trung", "Xã Trà Thọ"]),
];
/// The communes that came over from Tây Trà unchanged.
const TRANSFERRED: [&str; 3] = ["Xã Trà Phong", "Xã Trà Thanh", "Xã Trà Xinh"];

/// The tree before the reorganisation, as the history needs it.
pub struct Before {
    /// Where a moved unit stood until 2019.
    path: HashMap<i64, String>,
    /// Today's merged communes → the communes they were formed from (id, path).
    merged_into: HashMap<i64, Vec<(i64, String)>>,
    /// The communes that existed only before (id, name, path).
    pub ended_communes: Vec<(i64, String, String)>,
    /// The communes that exist only from the reorganisation on.
    pub new_communes: HashSet<i64>,
}

impl Before {
    /// Where a subject of the unit `unit_id` (today at `unit_path`) stood in `year`. A clan or
    /// organisation of a merged commune belonged to one of its predecessors (picked by its
    /// id).
    pub fn place(
        &self,
        unit_id: i64,
        unit_path: &str,
        subject_id: i64,
        year: i32,
    ) -> (i64, String) {
        if year >= REFORM_YEAR {
            return (unit_id, unit_path.to_string());
        }
        if let Some(path) = self.path.get(&unit_id) {
            return (unit_id, path.clone());
        }
        if let Some(olds) = self.merged_into.get(&unit_id) {
            if let Some((id, path)) =
                olds.get(subject_id.unsigned_abs() as usize % olds.len().max(1))
            {
                return (*id, path.clone());
            }
        }
        (unit_id, unit_path.to_string())
    }
}

async fn commune(conn: &mut Conn, name: &str) -> AppResult<OrgUnit> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM org_units WHERE name = $1 AND level = 'xa' AND valid_to IS NULL",
    )
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some(id) => org_units::get_in(conn, id).await?,
        None => None,
    }
    .ok_or_else(|| AppError::Internal {
        reference: format!("demo-reform-{name}"),
    })
}

async fn villages(conn: &mut Conn, commune_id: i64) -> AppResult<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, path FROM org_units WHERE parent_id = $1 ORDER BY id")
            .bind(commune_id)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// Adds a unit that ended in 2019.
async fn ended(conn: &mut Conn, unit: NewUnit, parent: &OrgUnit) -> AppResult<OrgUnit> {
    let unit = org_units::insert(conn, &unit, Some(parent)).await?;
    sqlx::query("UPDATE org_units SET active = FALSE, valid_to = $1 WHERE id = $2")
        .bind(REFORM_YEAR - 1)
        .bind(unit.id)
        .execute(&mut *conn)
        .await?;
    Ok(unit)
}

async fn link(conn: &mut Conn, from: i64, to: i64) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO org_unit_successions (predecessor_id, successor_id, year, basis, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(from)
    .bind(to)
    .bind(REFORM_YEAR)
    .bind(BASIS)
    .bind(crate::backend::db::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn stood(
    conn: &mut Conn,
    unit_id: i64,
    path: &str,
    out: &mut HashMap<i64, String>,
) -> AppResult<()> {
    sqlx::query("INSERT INTO org_unit_paths (unit_id, until_year, path) VALUES ($1, $2, $3)")
        .bind(unit_id)
        .bind(REFORM_YEAR - 1)
        .bind(path)
        .execute(&mut *conn)
        .await?;
    out.insert(unit_id, path.to_string());
    Ok(())
}

/// Writes the tree before 2020 beside today's.
pub async fn write(conn: &mut Conn, district_id: i64) -> AppResult<Before> {
    let district =
        org_units::get_in(conn, district_id)
            .await?
            .ok_or_else(|| AppError::Internal {
                reference: "demo-reform-district".into(),
            })?;
    let province = match district.parent_id {
        Some(id) => org_units::get_in(conn, id).await?,
        None => None,
    }
    .ok_or_else(|| AppError::Internal {
        reference: "demo-reform-province".into(),
    })?;
    let tay_tra = ended(
        conn,
        NewUnit {
            parent_id: Some(province.id),
            level: OrgLevel::District,
            code: "51-TT".into(),
            name: "Huyện Tây Trà".into(),
        },
        &province,
    )
    .await?;
    link(conn, tay_tra.id, district.id).await?;
    let mut before = Before {
        path: HashMap::new(),
        merged_into: HashMap::new(),
        ended_communes: Vec::new(),
        new_communes: HashSet::new(),
    };
    let mut code = 0;
    for (today, olds) in MERGED {
        let successor = commune(conn, today).await?;
        sqlx::query("UPDATE org_units SET valid_from = $1 WHERE id = $2")
            .bind(REFORM_YEAR)
            .bind(successor.id)
            .execute(&mut *conn)
            .await?;
        before.new_communes.insert(successor.id);
        let its_villages = villages(conn, successor.id).await?;
        let half = its_villages.len().div_ceil(2);
        for (n, name) in olds.into_iter().enumerate() {
            code += 1;
            let old = ended(
                conn,
                NewUnit {
                    parent_id: Some(tay_tra.id),
                    level: OrgLevel::Commune,
                    code: format!("51-TT-{code:02}"),
                    name: name.into(),
                },
                &tay_tra,
            )
            .await?;
            link(conn, old.id, successor.id).await?;
            let part = if n == 0 {
                &its_villages[..half]
            } else {
                &its_villages[half..]
            };
            for (village, _) in part {
                stood(
                    conn,
                    *village,
                    &format!("{}{village}/", old.path),
                    &mut before.path,
                )
                .await?;
            }
            before
                .merged_into
                .entry(successor.id)
                .or_default()
                .push((old.id, old.path.clone()));
            before.ended_communes.push((old.id, old.name, old.path));
        }
    }
    for name in TRANSFERRED {
        let unit = commune(conn, name).await?;
        let then = format!("{}{}/", tay_tra.path, unit.id);
        stood(conn, unit.id, &then, &mut before.path).await?;
        for (village, _) in villages(conn, unit.id).await? {
            stood(
                conn,
                village,
                &format!("{then}{village}/"),
                &mut before.path,
            )
            .await?;
        }
    }
    Ok(before)
}
