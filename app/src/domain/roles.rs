//! Roles, permissions and org-unit scope: who may do what, where.
//!
//! A user holds role assignments, each a role scoped to one org-unit subtree. A permission is
//! granted at a unit when some assignment's role grants it and the assignment's unit is that
//! unit or one of its ancestors. The server decides with these same functions; the browser uses
//! them only to hide what the user cannot use.

use crate::domain::org::path_is_within;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// A role a user can hold within an org-unit subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Role {
    Admin,
    Officer,
    Reviewer,
    Leader,
    Trainee,
}

/// Something a user may do. Roles grant sets of permissions; see [`Role::grants`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Create users and assign roles.
    ManageUsers,
    /// Add, rename, move, deactivate and import org units.
    ManageOrgUnits,
    /// Read households, clans and organisation units.
    ReadRegistry,
    /// Create, edit, deactivate and import registry records.
    WriteRegistry,
    /// Browse the audit log.
    ReadAudit,
    /// Edit and publish criteria sets.
    ManageCriteria,
    /// Register subjects and score evaluations.
    Evaluate,
    /// Return, approve and recognise evaluations; issue decisions and certificates.
    Review,
    /// See progress dashboards.
    ViewDashboard,
    /// Take training modules.
    Train,
    /// Write, edit and publish training modules; record in-person training sessions.
    ManageTraining,
    /// Set the targets (chỉ tiêu) of units and years. Leaders read them, they do not set them.
    SetTargets,
    /// Write the yearly report's narrative sections (báo cáo năm) of a unit. Everyone who sees
    /// the unit's dashboard reads the report; leaders and reviewers do not write it.
    EditReports,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Officer,
        Role::Reviewer,
        Role::Leader,
        Role::Trainee,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Reviewer => "reviewer",
            Role::Leader => "leader",
            Role::Trainee => "trainee",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Admin => lang.t("Quản trị hệ thống", "Administrator"),
            Role::Officer => lang.t("Cán bộ khuyến học", "Officer"),
            Role::Reviewer => lang.t("Hội đồng xét duyệt", "Reviewer / approver"),
            Role::Leader => lang.t("Lãnh đạo (chỉ xem)", "Leader (read-only)"),
            Role::Trainee => lang.t("Học viên tập huấn", "Trainee"),
        }
    }

    /// Whether this role grants `permission`.
    pub fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Officer => matches!(
                permission,
                ReadRegistry | WriteRegistry | Evaluate | ViewDashboard | Train | EditReports
            ),
            Role::Reviewer => matches!(permission, ReadRegistry | Review | ViewDashboard | Train),
            Role::Leader => matches!(permission, ReadRegistry | ViewDashboard),
            Role::Trainee => matches!(permission, Train),
        }
    }
}

/// One role held within one org-unit subtree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: i64,
    pub role: Role,
    pub unit_id: i64,
    /// Materialised path of the unit, e.g. `/1/4/17/`.
    pub unit_path: String,
    pub unit_name: String,
}

/// The signed-in user as the server knows them, with every assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub must_change_password: bool,
    pub assignments: Vec<Assignment>,
}

impl SessionUser {
    /// Whether the user holds `permission` anywhere.
    pub fn can(&self, permission: Permission) -> bool {
        self.assignments.iter().any(|a| a.role.grants(permission))
    }

    /// Whether the user holds `permission` at the unit whose path is `unit_path`.
    pub fn can_at(&self, permission: Permission, unit_path: &str) -> bool {
        self.assignments
            .iter()
            .any(|a| a.role.grants(permission) && path_is_within(unit_path, &a.unit_path))
    }

    /// The subtree roots where the user holds `permission`, with nested ones removed
    /// (an assignment at `/1/` makes one at `/1/4/` redundant).
    pub fn scopes(&self, permission: Permission) -> Vec<String> {
        let mut paths: Vec<String> = self
            .assignments
            .iter()
            .filter(|a| a.role.grants(permission))
            .map(|a| a.unit_path.clone())
            .collect();
        paths.sort_by_key(|p| p.len());
        let mut roots: Vec<String> = Vec::new();
        for p in paths {
            if !roots.iter().any(|r| path_is_within(&p, r)) {
                roots.push(p);
            }
        }
        roots
    }

    /// Whether the user holds `permission` at a top-level unit of the tree (the whole
    /// province): only such a user may add provinces or manage accounts that belong to no unit.
    pub fn can_at_root(&self, permission: Permission) -> bool {
        self.assignments
            .iter()
            .any(|a| a.role.grants(permission) && crate::domain::org::is_root_path(&a.unit_path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(assignments: &[(Role, &str)]) -> SessionUser {
        SessionUser {
            id: 1,
            username: "u".into(),
            full_name: "U".into(),
            must_change_password: false,
            assignments: assignments
                .iter()
                .enumerate()
                .map(|(i, (role, path))| Assignment {
                    id: i as i64,
                    role: *role,
                    unit_id: i as i64,
                    unit_path: path.to_string(),
                    unit_name: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn officer_can_write_inside_own_commune_only() {
        let u = user(&[(Role::Officer, "/1/2/10/")]);
        assert!(u.can_at(Permission::WriteRegistry, "/1/2/10/"));
        assert!(u.can_at(Permission::WriteRegistry, "/1/2/10/55/"));
        assert!(!u.can_at(Permission::WriteRegistry, "/1/2/11/"));
        assert!(!u.can_at(Permission::WriteRegistry, "/1/2/"));
        assert!(
            !u.can_at(Permission::WriteRegistry, "/1/2/100/"),
            "prefix of digits is not containment"
        );
    }

    #[test]
    fn leader_reads_but_never_writes() {
        let u = user(&[(Role::Leader, "/1/")]);
        assert!(u.can_at(Permission::ReadRegistry, "/1/2/10/"));
        assert!(!u.can_at(Permission::WriteRegistry, "/1/2/10/"));
    }

    #[test]
    fn officer_cannot_review() {
        let u = user(&[(Role::Officer, "/1/")]);
        assert!(!u.can(Permission::Review));
    }

    #[test]
    fn scopes_drop_nested_roots() {
        let u = user(&[
            (Role::Officer, "/1/2/10/"),
            (Role::Admin, "/1/2/"),
            (Role::Officer, "/1/3/"),
        ]);
        assert_eq!(u.scopes(Permission::WriteRegistry), vec!["/1/2/", "/1/3/"]);
    }
}
