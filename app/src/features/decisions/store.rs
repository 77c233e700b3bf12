//! The decisions' store: issuing a decision (every dossier approved, of its year and title,
//! inside the authority's area, passing its set's rule, decided by someone who did not score
//! it) with a verification code for each recognition, and a year's decisions in scope.

use super::types::{DecisionInput, DecisionView};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Conn, Db, Pool};
use crate::backend::error::internal;
use crate::backend::session::require_at;
use crate::backend::verify_code::new_verify_code;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::criteria::TitleKind;
use crate::domain::roles::{Permission, SessionUser};
use crate::domain::workflow::{next_state, refusal, Transition};
use crate::error::{AppError, AppResult, FieldError};
use crate::features::evaluations::store::require_other_person;
use crate::features::registrations::store::{load_registration, set_state};
use crate::i18n::Lang;
use sqlx::QueryBuilder;

/// Issues a decision: every listed registration must be approved, of the decision's year and
/// title, inside the authority's unit, and (for those recognised) meet its set's rule.
pub async fn issue(
    pool: &Pool,
    user: &SessionUser,
    input: DecisionInput,
) -> AppResult<DecisionView> {
    let number = crate::domain::text::clean(&input.number);
    let authority = crate::domain::text::clean(&input.authority);
    let signer = crate::domain::text::clean(&input.signer);
    let mut errors = Vec::new();
    if number.is_empty() {
        errors.push(FieldError::new(
            "number",
            "Vui lòng nhập số quyết định.",
            "Please enter the decision number.",
        ));
    }
    if authority.is_empty() {
        errors.push(FieldError::new(
            "authority",
            "Vui lòng nhập cơ quan ban hành.",
            "Please enter the issuing authority.",
        ));
    }
    if signer.is_empty() {
        errors.push(FieldError::new(
            "signer",
            "Vui lòng nhập người ký.",
            "Please enter the signer.",
        ));
    }
    let today = crate::vietnam_time::local(db::now()).date();
    if input.decision_date > today {
        errors.push(FieldError::new(
            "decision_date",
            "Ngày quyết định không được sau ngày hôm nay.",
            "The decision date cannot be later than today.",
        ));
    }
    if input.recognised.is_empty() && input.not_recognised.is_empty() {
        errors.push(FieldError::new(
            "recognised",
            "Hãy chọn ít nhất một hồ sơ đã duyệt.",
            "Choose at least one approved dossier.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = db::begin_write(pool).await?;
    let unit_path: String = sqlx::query_scalar("SELECT path FROM org_units WHERE id = $1")
        .bind(input.unit_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
    require_at(user, Permission::Review, &unit_path)?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO decisions (number, decision_date, authority, signer, year, title_kind, unit_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&number)
    .bind(input.decision_date)
    .bind(&authority)
    .bind(&signer)
    .bind(input.year)
    .bind(input.title_kind.code())
    .bind(input.unit_id)
    .bind(user.id)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await;
    let decision_id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::field(
                "number",
                format!("{authority} đã có quyết định số {number}."),
                format!("{authority} already has a decision numbered {number}."),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let validity = input.title_kind.validity_years() as i32;
    let items = input
        .recognised
        .iter()
        .map(|id| (*id, true))
        .chain(input.not_recognised.iter().map(|id| (*id, false)));
    for (registration_id, recognised) in items {
        let reg = load_registration(&mut tx, registration_id).await?;
        // Scope first: a dossier the caller may not review is refused without naming it.
        require_at(user, Permission::Review, &reg.unit_path)?;
        let name = reg.subject_name.clone();
        if !crate::domain::org::path_is_within(&reg.unit_path, &unit_path) {
            return Err(AppError::bad_request(
                format!("{name} không thuộc địa bàn của cơ quan ban hành."),
                format!("{name} is outside the issuing authority's area."),
            ));
        }
        if reg.year != input.year || reg.kind()? != input.title_kind {
            return Err(AppError::bad_request(
                format!("{name} thuộc năm hoặc danh hiệu khác với quyết định."),
                format!("{name} belongs to another year or title than the decision."),
            ));
        }
        let state = reg.state()?;
        let transition = if recognised {
            Transition::Recognise
        } else {
            Transition::NotRecognise
        };
        if let Some(evaluation_id) = reg.evaluation_id {
            require_other_person(&mut tx, evaluation_id, user, transition, Some(&name)).await?;
        }
        let Some(next) = next_state(state, transition) else {
            return Err(AppError::bad_request(
                format!("{name}: {}", refusal(state, transition, Lang::Vi)),
                format!("{name}: {}", refusal(state, transition, Lang::En)),
            ));
        };
        if recognised && reg.meets_rule != Some(true) {
            return Err(AppError::bad_request(
                format!("{name} chưa đạt theo bộ tiêu chí nên không thể công nhận."),
                format!("{name} does not meet the criteria, so it cannot be recognised."),
            ));
        }
        sqlx::query(
            "INSERT INTO recognitions (registration_id, decision_id, recognised, valid_from_year, valid_to_year, verify_code, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(reg.id)
        .bind(decision_id)
        .bind(recognised)
        .bind(reg.year)
        .bind(reg.year + validity - 1)
        .bind(new_verify_code())
        .bind(db::now())
        .execute(&mut *tx)
        .await?;
        set_state(&mut tx, &reg, state, next).await?;
        audit::record(
            &mut tx,
            user,
            Change {
                action: transition.into(),
                entity: AuditEntity::Registration,
                entity_id: Some(reg.id),
                unit_path: &reg.unit_path,
                summary: format!("{name} — QĐ {number}"),
            },
            None::<&()>,
            None::<&()>,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        user,
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::Decision,
            entity_id: Some(decision_id),
            unit_path: &unit_path,
            summary: format!("QĐ {number} ({authority})"),
        },
        None::<&()>,
        Some(&input),
    )
    .await?;
    tx.commit().await?;
    let mut conn = pool.acquire().await?;
    decision_view(&mut conn, decision_id).await
}

#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: i64,
    number: String,
    decision_date: chrono::NaiveDate,
    authority: String,
    signer: String,
    year: i32,
    title_kind: String,
    unit_id: i64,
    unit_name: String,
    recognised_count: i64,
    not_recognised_count: i64,
}

const DECISION_SELECT: &str = "SELECT d.id, d.number, d.decision_date, d.authority, d.signer, d.year, d.title_kind, d.unit_id,
    u.name AS unit_name,
    (SELECT COUNT(*) FROM recognitions rc WHERE rc.decision_id = d.id AND rc.recognised) AS recognised_count,
    (SELECT COUNT(*) FROM recognitions rc WHERE rc.decision_id = d.id AND NOT rc.recognised) AS not_recognised_count
    FROM decisions d JOIN org_units u ON u.id = d.unit_id";

impl DecisionRow {
    fn view(self) -> AppResult<DecisionView> {
        Ok(DecisionView {
            id: self.id,
            number: self.number,
            decision_date: self.decision_date,
            authority: self.authority,
            signer: self.signer,
            year: self.year,
            title_kind: TitleKind::from_code(&self.title_kind)
                .ok_or_else(|| internal("unknown title kind"))?,
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            recognised_count: self.recognised_count,
            not_recognised_count: self.not_recognised_count,
        })
    }
}

async fn decision_view(conn: &mut Conn, id: i64) -> AppResult<DecisionView> {
    sqlx::query_as::<_, DecisionRow>(&format!("{DECISION_SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| AppError::not_found("quyết định", "Decision"))?
        .view()
}

/// Decisions of a year about the caller's read scope: issued by a unit within it, or deciding
/// at least one dossier within it (a commune officer sees the district's decision that covers
/// their commune's households, not one that only covers another commune's).
pub async fn list(pool: &Pool, user: &SessionUser, year: i32) -> AppResult<Vec<DecisionView>> {
    let scopes = user.scopes(Permission::ReadRegistry);
    if scopes.is_empty() {
        return Ok(vec![]);
    }
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(DECISION_SELECT);
    qb.push(" WHERE d.year = ").push_bind(year).push(" AND (");
    for (i, scope) in scopes.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        // The authority lies inside the scope, or one of its dossiers does.
        let upper = crate::domain::org::subtree_upper_bound(scope);
        qb.push("(u.path >= ")
            .push_bind(scope.clone())
            .push(" AND u.path < ")
            .push_bind(upper.clone())
            .push(") OR EXISTS (SELECT 1 FROM recognitions rc JOIN registrations r ON r.id = rc.registration_id
                 JOIN org_units ru ON ru.id = r.unit_id WHERE rc.decision_id = d.id AND ru.path >= ")
            .push_bind(scope.clone())
            .push(" AND ru.path < ")
            .push_bind(upper)
            .push(")");
    }
    qb.push(") ORDER BY d.decision_date DESC, d.id DESC");
    let rows: Vec<DecisionRow> = qb.build_query_as().fetch_all(pool).await?;
    rows.into_iter().map(DecisionRow::view).collect()
}
