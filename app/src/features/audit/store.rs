//! The audit log's queries (ssr only): entries within the caller's scope, filtered. Writing
//! entries is `backend::audit`, called by every write path inside its own transaction.

use crate::backend::db::{self, Pool};
use crate::domain::listing::Page;
use crate::domain::org::subtree_upper_bound;
use crate::domain::roles::{Permission, SessionUser};
use crate::error::AppResult;
use crate::features::audit::types::{AuditEntry, AuditQuery};
use sqlx::QueryBuilder;

/// Lists entries within the caller's audit scope, newest first, filtered as asked.
/// `unit_path` must already be checked to lie within the caller's scope (or be `None`).
pub async fn list(
    pool: &Pool,
    user: &SessionUser,
    unit_path: Option<&str>,
    q: &AuditQuery,
) -> AppResult<Page<AuditEntry>> {
    let scopes = match unit_path {
        Some(p) => vec![p.to_string()],
        None => user.scopes(Permission::ReadAudit),
    };
    let page = q.page.max(1);
    let per_page = q.per_page.clamp(1, 200);
    let build = |select: &str| {
        let mut qb: QueryBuilder<db::Db> = QueryBuilder::new(select);
        qb.push(" FROM audit_log WHERE (");
        for (i, scope) in scopes.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push("(unit_path >= ").push_bind(scope.clone());
            qb.push(" AND unit_path < ")
                .push_bind(subtree_upper_bound(scope))
                .push(")");
        }
        if scopes.is_empty() {
            qb.push("1 = 0");
        }
        qb.push(")");
        if let Some(user_id) = q.user_id {
            qb.push(" AND user_id = ").push_bind(user_id);
        }
        if let Some(from) = q.from {
            qb.push(" AND at >= ")
                .push_bind(from.and_hms_opt(0, 0, 0).map(|d| d.and_utc()));
        }
        if let Some(to) = q.to {
            qb.push(" AND at < ").push_bind(
                to.succ_opt()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|d| d.and_utc()),
            );
        }
        if !q.entity.is_empty() {
            qb.push(" AND entity = ").push_bind(q.entity.clone());
        }
        qb
    };
    let total: i64 = build("SELECT COUNT(*)")
        .build_query_scalar()
        .fetch_one(pool)
        .await?;
    let mut qb = build(
        "SELECT id, at, user_id, username, action, entity, entity_id, unit_path, summary, before_json, after_json",
    );
    qb.push(" ORDER BY at DESC, id DESC LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind((page - 1) * per_page);
    let rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                user_id: r.user_id,
                username: r.username,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                unit_path: r.unit_path,
                summary: r.summary,
                before_json: r.before_json,
                after_json: r.after_json,
            })
            .collect(),
        total,
        page,
        per_page,
        more: false,
    })
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: chrono::DateTime<chrono::Utc>,
    user_id: Option<i64>,
    username: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    unit_path: String,
    summary: String,
    before_json: Option<String>,
    after_json: Option<String>,
}
