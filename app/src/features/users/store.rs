//! User accounts and role assignments, managed by administrators within their scope.

use super::types::{NewUser, UserRow};
use crate::backend::audit::{self, Change};
use crate::backend::db::{self, Pool};
use crate::backend::passwords::{check_new_password, hash_password_blocking};
use crate::backend::session::require_at;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::org::path_is_within;
use crate::domain::roles::{Assignment, Permission, Role, SessionUser};
use crate::domain::text::{clean, search_key};
use crate::error::{AppError, AppResult, FieldError};
use crate::features::org_units::store as org_units;

/// Users with at least one assignment inside the caller's user-management scope, matching `q`.
pub async fn list(pool: &Pool, admin: &SessionUser, q: &str) -> AppResult<Vec<UserRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
    }
    let scopes = admin.scopes(Permission::ManageUsers);
    let ids: Vec<Row> = sqlx::query_as("SELECT id FROM users ORDER BY username")
        .fetch_all(pool)
        .await?;
    let key = search_key(q);
    let mut out = Vec::new();
    for Row { id } in ids {
        let Some(user) = load_user_any(pool, id).await? else {
            continue;
        };
        let visible = user
            .assignments
            .iter()
            .any(|a| scopes.iter().any(|s| path_is_within(&a.unit_path, s)))
            || (user.assignments.is_empty() && admin.can_at_root(Permission::ManageUsers));
        if !visible {
            continue;
        }
        if !key.is_empty()
            && !crate::domain::text::key_matches(
                &search_key(&format!("{} {}", user.username, user.full_name)),
                &key,
            )
        {
            continue;
        }
        out.push(user);
    }
    Ok(out)
}

/// A user by id, active or not; 404 when there is none.
async fn user_by_id(pool: &Pool, id: i64) -> AppResult<UserRow> {
    load_user_any(pool, id)
        .await?
        .ok_or_else(|| AppError::not_found("người dùng", "User"))
}

/// A user row (active or not) with assignments.
pub async fn load_user_any(pool: &Pool, id: i64) -> AppResult<Option<UserRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        username: String,
        full_name: String,
        active: bool,
        must_change_password: bool,
    }
    let Some(row) = sqlx::query_as::<_, Row>(
        "SELECT id, username, full_name, active, must_change_password FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    #[derive(sqlx::FromRow)]
    struct A {
        id: i64,
        role: String,
        org_unit_id: i64,
        path: String,
        name: String,
    }
    let assignments = sqlx::query_as::<_, A>(
        "SELECT ra.id, ra.role, ra.org_unit_id, ou.path, ou.name FROM role_assignments ra
         JOIN org_units ou ON ou.id = ra.org_unit_id WHERE ra.user_id = $1 ORDER BY ra.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .filter_map(|a| {
        Role::from_code(&a.role).map(|role| Assignment {
            id: a.id,
            role,
            unit_id: a.org_unit_id,
            unit_path: a.path,
            unit_name: a.name,
        })
    })
    .collect();
    Ok(Some(UserRow {
        id: row.id,
        username: row.username,
        full_name: row.full_name,
        active: row.active,
        must_change_password: row.must_change_password,
        assignments,
    }))
}

/// Whether `admin` may manage `user` (assign, unassign, reset, lock): every one of the user's
/// assignments lies in the admin's scope, so a commune administrator can neither lock out a
/// provincial one nor take over an account that also works elsewhere. An account with no
/// assignment belongs to no unit: only an administrator of the whole tree manages it.
fn may_manage(admin: &SessionUser, user: &UserRow) -> bool {
    if user.assignments.is_empty() {
        return admin.can_at_root(Permission::ManageUsers);
    }
    user.assignments
        .iter()
        .all(|a| admin.can_at(Permission::ManageUsers, &a.unit_path))
}

/// [`may_manage`] as an error.
fn require_manage(admin: &SessionUser, user: &UserRow) -> AppResult<()> {
    if may_manage(admin, user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(crate::i18n::Msg::new(
            "Bạn không có quyền thay đổi tài khoản này: tài khoản có vai trò ở đơn vị ngoài phạm vi quản lý của bạn, chỉ quản trị viên cấp trên mới thay đổi được.",
            "You may not change this account: it holds roles outside your area, so only a higher-level administrator can.",
        )))
    }
}

fn audit_path(user: &UserRow) -> String {
    user.assignments
        .first()
        .map(|a| a.unit_path.clone())
        .unwrap_or_else(|| "/".into())
}

fn valid_username(u: &str) -> bool {
    (3..=40).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// Creates a user with one first role assignment. The password must be changed at first login.
pub async fn create(pool: &Pool, admin: &SessionUser, input: NewUser) -> AppResult<UserRow> {
    let username = input.username.trim().to_lowercase();
    let full_name = clean(&input.full_name);
    let mut errors = Vec::new();
    if !valid_username(&username) {
        errors.push(FieldError::new(
            "username",
            "Tên đăng nhập gồm 3–40 chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.",
            "A username has 3–40 lower-case letters, digits, dots, underscores or dashes.",
        ));
    }
    if full_name.is_empty() {
        errors.push(FieldError::new(
            "full_name",
            "Vui lòng nhập họ tên.",
            "Please enter the full name.",
        ));
    } else if let Err(message) = crate::domain::text::check_person_name(&full_name) {
        errors.push(FieldError {
            field: "full_name".into(),
            message,
        });
    }
    if let Err(m) = check_new_password(&input.password, &username) {
        errors.push(FieldError {
            field: "password".into(),
            message: m,
        });
    }
    let unit = org_units::get(pool, input.unit_id).await?;
    match &unit {
        None => errors.push(FieldError::new(
            "unit_id",
            "Vui lòng chọn đơn vị.",
            "Please choose a unit.",
        )),
        Some(u) => require_at(admin, Permission::ManageUsers, &u.path)?,
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let unit = unit.ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
    let hash = hash_password_blocking(input.password).await?;
    let mut tx = db::begin_write(pool).await?;
    let now = db::now();
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, full_name, password_hash, must_change_password, created_at, updated_at)
         VALUES ($1, $2, $3, TRUE, $4, $4) RETURNING id",
    )
    .bind(&username)
    .bind(&full_name)
    .bind(hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e, "users_username_key") => {
            return Err(AppError::field(
                "username",
                format!("Tên đăng nhập \"{username}\" đã được dùng."),
                format!("Username \"{username}\" is taken."),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    sqlx::query("INSERT INTO role_assignments (user_id, role, org_unit_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(input.role.code())
        .bind(unit.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        admin,
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::User,
            entity_id: Some(id),
            unit_path: &unit.path,
            summary: format!("{username} — {} @ {}", input.role.code(), unit.name),
        },
        None::<&()>,
        Some(&serde_json::json!({"username": username, "full_name": full_name, "role": input.role.code(), "unit": unit.name})),
    )
    .await?;
    tx.commit().await?;
    user_by_id(pool, id).await
}

/// Adds a role assignment.
pub async fn add_assignment(
    pool: &Pool,
    admin: &SessionUser,
    user_id: i64,
    role: Role,
    unit_id: i64,
) -> AppResult<UserRow> {
    let user = user_by_id(pool, user_id).await?;
    require_manage(admin, &user)?;
    let unit = org_units::get(pool, unit_id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn vị", "Unit"))?;
    require_at(admin, Permission::ManageUsers, &unit.path)?;
    let mut tx = db::begin_write(pool).await?;
    let res = sqlx::query("INSERT INTO role_assignments (user_id, role, org_unit_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(role.code())
        .bind(unit_id)
        .bind(db::now())
        .execute(&mut *tx)
        .await;
    match res {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e, "role_assignments_unique_key") => {
            return Err(AppError::bad_request(
                "Người dùng đã có vai trò này tại đơn vị này.",
                "The user already holds this role at this unit.",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut tx,
        admin,
        Change {
            action: AuditAction::Assign,
            entity: AuditEntity::User,
            entity_id: Some(user_id),
            unit_path: &unit.path,
            summary: format!("{} + {} @ {}", user.username, role.code(), unit.name),
        },
        None::<&()>,
        Some(&serde_json::json!({"role": role.code(), "unit": unit.name})),
    )
    .await?;
    tx.commit().await?;
    user_by_id(pool, user_id).await
}

/// Removes a role assignment.
pub async fn remove_assignment(
    pool: &Pool,
    admin: &SessionUser,
    assignment_id: i64,
) -> AppResult<UserRow> {
    #[derive(sqlx::FromRow)]
    struct Row {
        user_id: i64,
        role: String,
        path: String,
        name: String,
    }
    let row = sqlx::query_as::<_, Row>(
        "SELECT ra.user_id, ra.role, ou.path, ou.name FROM role_assignments ra JOIN org_units ou ON ou.id = ra.org_unit_id WHERE ra.id = $1",
    )
    .bind(assignment_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("phân quyền", "Assignment"))?;
    require_at(admin, Permission::ManageUsers, &row.path)?;
    let user = user_by_id(pool, row.user_id).await?;
    require_manage(admin, &user)?;
    if row.user_id == admin.id && row.role == Role::Admin.code() {
        return Err(AppError::bad_request(
            "Bạn không thể tự gỡ quyền quản trị của mình.",
            "You cannot remove your own administrator role.",
        ));
    }
    let mut tx = db::begin_write(pool).await?;
    sqlx::query("DELETE FROM role_assignments WHERE id = $1")
        .bind(assignment_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        admin,
        Change {
            action: AuditAction::Unassign,
            entity: AuditEntity::User,
            entity_id: Some(row.user_id),
            unit_path: &row.path,
            summary: format!("− {} @ {}", row.role, row.name),
        },
        Some(&serde_json::json!({"role": row.role, "unit": row.name})),
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    user_by_id(pool, row.user_id).await
}

/// Locks or unlocks an account. A locked account's sessions end at once.
pub async fn set_active(
    pool: &Pool,
    admin: &SessionUser,
    user_id: i64,
    active: bool,
) -> AppResult<UserRow> {
    let user = user_by_id(pool, user_id).await?;
    require_manage(admin, &user)?;
    if user.id == admin.id {
        return Err(AppError::bad_request(
            "Bạn không thể tự khoá tài khoản của mình.",
            "You cannot lock your own account.",
        ));
    }
    let mut tx = db::begin_write(pool).await?;
    sqlx::query(
        "UPDATE users SET active = $1, updated_at = $2, version = version + 1 WHERE id = $3",
    )
    .bind(active)
    .bind(db::now())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        admin,
        Change {
            action: AuditAction::set_active(active),
            entity: AuditEntity::User,
            entity_id: Some(user_id),
            unit_path: &audit_path(&user),
            summary: user.username.clone(),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    user_by_id(pool, user_id).await
}

/// Sets a new password chosen by an administrator; the user must change it at next login.
pub async fn reset_password(
    pool: &Pool,
    admin: &SessionUser,
    user_id: i64,
    password: String,
) -> AppResult<()> {
    let user = user_by_id(pool, user_id).await?;
    require_manage(admin, &user)?;
    if let Err(m) = check_new_password(&password, &user.username) {
        return Err(AppError::Validation(vec![FieldError {
            field: "password".into(),
            message: m,
        }]));
    }
    let hash = hash_password_blocking(password).await?;
    let mut tx = db::begin_write(pool).await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = TRUE, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(hash)
        .bind(db::now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        admin,
        Change {
            action: AuditAction::ResetPassword,
            entity: AuditEntity::User,
            entity_id: Some(user_id),
            unit_path: &audit_path(&user),
            summary: user.username.clone(),
        },
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates a user directly (demo data and the bootstrap administrator); no audit entry.
pub async fn insert_user(
    pool: &Pool,
    username: &str,
    full_name: &str,
    password: &str,
    must_change_password: bool,
    roles: &[(Role, i64)],
) -> AppResult<i64> {
    let hash = hash_password_blocking(password.to_string()).await?;
    insert_user_hashed(
        pool,
        username,
        full_name,
        &hash,
        must_change_password,
        roles,
    )
    .await
}

/// [`insert_user`] with the password already hashed (the demo data hashes its one password
/// once for all its accounts).
pub async fn insert_user_hashed(
    pool: &Pool,
    username: &str,
    full_name: &str,
    hash: &str,
    must_change_password: bool,
    roles: &[(Role, i64)],
) -> AppResult<i64> {
    let now = db::now();
    let mut tx = db::begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, full_name, password_hash, must_change_password, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(username)
    .bind(full_name)
    .bind(hash)
    .bind(must_change_password)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for (role, unit_id) in roles {
        sqlx::query("INSERT INTO role_assignments (user_id, role, org_unit_id, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(role.code())
            .bind(unit_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}
