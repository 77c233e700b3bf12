//! Org-unit scope in SQL: the filter every list in a scope uses, and the scopes a list covers.

use crate::backend::db::{Conn, Db, Pool};
use crate::backend::session::require_at;
use crate::domain::org::subtree_upper_bound;
use crate::domain::roles::{Permission, SessionUser};
use crate::error::{AppError, AppResult};
use sqlx::QueryBuilder;

/// Pushes `(<column> within any of scopes)` onto a query. An empty scope list matches nothing.
pub fn push_scope_filter(qb: &mut QueryBuilder<'_, Db>, column: &str, scopes: &[String]) {
    qb.push("(");
    if scopes.is_empty() {
        qb.push("1 = 0");
    }
    for (i, scope) in scopes.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        qb.push("(")
            .push(column)
            .push(" >= ")
            .push_bind(scope.clone())
            .push(" AND ")
            .push(column)
            .push(" < ")
            .push_bind(subtree_upper_bound(scope))
            .push(")");
    }
    qb.push(")");
}

/// The scopes a list should cover: the chosen unit's subtree (which must lie within the
/// caller's scope for `permission`), or all the caller's scope roots.
pub async fn list_scopes(
    pool: &Pool,
    user: &SessionUser,
    permission: Permission,
    unit_id: Option<i64>,
) -> AppResult<Vec<String>> {
    match unit_id {
        Some(id) => {
            // Only the path is needed; reading it here keeps this layer below the features.
            let path: String = sqlx::query_scalar("SELECT path FROM org_units WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
            require_at(user, permission, &path)?;
            Ok(vec![path])
        }
        None => Ok(user.scopes(permission)),
    }
}

/// Whether `user` holds `permission` over every top-level unit: what changing something the
/// whole tree shares needs (a national criteria set, the training modules), so an
/// administrator of one province cannot change what every other province uses.
pub async fn covers_whole_tree(
    conn: &mut Conn,
    user: &SessionUser,
    permission: Permission,
) -> AppResult<bool> {
    if !user.can(permission) {
        return Ok(false);
    }
    let roots: Vec<String> =
        sqlx::query_scalar("SELECT path FROM org_units WHERE parent_id IS NULL")
            .fetch_all(conn)
            .await?;
    Ok(roots.iter().all(|root| user.can_at(permission, root)))
}
