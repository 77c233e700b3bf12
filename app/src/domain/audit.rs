//! What the audit log records, as closed sets: the kinds of record and the actions on them, each
//! with its code (stored in `audit_log.entity` / `audit_log.action`, never renamed) and its
//! Vietnamese and English label. A write names its entry with these, so every entry the log
//! can hold has words on the audit page and an option in its filter.

use crate::domain::workflow::Transition;
use crate::i18n::Lang;

/// The kind of record an audit entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditEntity {
    Household,
    Clan,
    Organisation,
    OrgUnit,
    User,
    ImportBatch,
    CriteriaSet,
    Registration,
    Evaluation,
    Decision,
    TrainingModule,
    TrainingSession,
    /// A unit's targets for a year.
    Target,
    /// A section of a unit's yearly report.
    Report,
}

impl AuditEntity {
    /// Every kind, in the order the audit page's filter offers them.
    pub const ALL: [AuditEntity; 14] = [
        AuditEntity::Household,
        AuditEntity::Clan,
        AuditEntity::Organisation,
        AuditEntity::OrgUnit,
        AuditEntity::User,
        AuditEntity::ImportBatch,
        AuditEntity::CriteriaSet,
        AuditEntity::Registration,
        AuditEntity::Evaluation,
        AuditEntity::Decision,
        AuditEntity::TrainingModule,
        AuditEntity::TrainingSession,
        AuditEntity::Target,
        AuditEntity::Report,
    ];

    /// The code stored in the log.
    pub fn code(self) -> &'static str {
        match self {
            AuditEntity::Household => "household",
            AuditEntity::Clan => "clan",
            AuditEntity::Organisation => "organisation",
            AuditEntity::OrgUnit => "org_unit",
            AuditEntity::User => "user",
            AuditEntity::ImportBatch => "import_batch",
            AuditEntity::CriteriaSet => "criteria_set",
            AuditEntity::Registration => "registration",
            AuditEntity::Evaluation => "evaluation",
            AuditEntity::Decision => "decision",
            AuditEntity::TrainingModule => "training_module",
            AuditEntity::TrainingSession => "training_session",
            AuditEntity::Target => "target",
            AuditEntity::Report => "report",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            AuditEntity::Household => ("Hộ gia đình", "Household"),
            AuditEntity::Clan => ("Dòng họ", "Clan"),
            AuditEntity::Organisation => ("Cơ quan, đơn vị", "Organisation"),
            AuditEntity::OrgUnit => ("Địa bàn", "Area"),
            AuditEntity::User => ("Người dùng", "User"),
            AuditEntity::ImportBatch => ("Tệp nhập", "Import file"),
            AuditEntity::CriteriaSet => ("Bộ tiêu chí", "Criteria set"),
            AuditEntity::Registration => ("Đăng ký danh hiệu", "Title registration"),
            AuditEntity::Evaluation => ("Hồ sơ đánh giá", "Evaluation"),
            AuditEntity::Decision => ("Quyết định công nhận", "Recognition decision"),
            AuditEntity::TrainingModule => ("Học phần tập huấn", "Training module"),
            AuditEntity::TrainingSession => ("Hội nghị tập huấn", "Training session"),
            AuditEntity::Target => ("Chỉ tiêu", "Target"),
            AuditEntity::Report => ("Báo cáo năm", "Yearly report"),
        };
        lang.t(vi, en)
    }
}

/// What was done to the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditAction {
    Create,
    Update,
    Deactivate,
    Reactivate,
    Move,
    Import,
    /// A role given to a user at an org unit.
    Assign,
    Unassign,
    /// A user changed their own password.
    Password,
    /// An administrator set a new password for a user.
    ResetPassword,
    /// A criteria set copied into a new draft version.
    Copy,
    Publish,
    Register,
    Unregister,
    /// An evidence file added to an evaluation, or removed from it.
    Attach,
    Detach,
    /// A draft thrown away (a training module's).
    Discard,
    /// Attendance marked at an in-person training session.
    Attend,
    /// Org units that ended and the unit that took their area over (a merge, a dissolved level).
    Succeed,
    /// A step of the title cycle (`workflow::Transition`).
    Step(Transition),
}

impl AuditAction {
    /// Every action, in the order the audit page lists them.
    pub const ALL: [AuditAction; 27] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Deactivate,
        AuditAction::Reactivate,
        AuditAction::Move,
        AuditAction::Import,
        AuditAction::Assign,
        AuditAction::Unassign,
        AuditAction::Password,
        AuditAction::ResetPassword,
        AuditAction::Copy,
        AuditAction::Publish,
        AuditAction::Register,
        AuditAction::Unregister,
        AuditAction::Attach,
        AuditAction::Detach,
        AuditAction::Discard,
        AuditAction::Attend,
        AuditAction::Succeed,
        AuditAction::Step(Transition::Start),
        AuditAction::Step(Transition::Save),
        AuditAction::Step(Transition::Submit),
        AuditAction::Step(Transition::Return),
        AuditAction::Step(Transition::Approve),
        AuditAction::Step(Transition::Unlock),
        AuditAction::Step(Transition::Recognise),
        AuditAction::Step(Transition::NotRecognise),
    ];

    /// The code stored in the log (a cycle step's is the step's own code).
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Deactivate => "deactivate",
            AuditAction::Reactivate => "reactivate",
            AuditAction::Move => "move",
            AuditAction::Import => "import",
            AuditAction::Assign => "assign",
            AuditAction::Unassign => "unassign",
            AuditAction::Password => "password",
            AuditAction::ResetPassword => "reset_password",
            AuditAction::Copy => "copy",
            AuditAction::Publish => "publish",
            AuditAction::Register => "register",
            AuditAction::Unregister => "unregister",
            AuditAction::Attach => "attach",
            AuditAction::Detach => "detach",
            AuditAction::Discard => "discard",
            AuditAction::Attend => "attend",
            AuditAction::Succeed => "succeed",
            AuditAction::Step(step) => step.code(),
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Switched off or on again, as `active` says.
    pub fn set_active(active: bool) -> Self {
        if active {
            AuditAction::Reactivate
        } else {
            AuditAction::Deactivate
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            AuditAction::Create => ("Thêm mới", "Created"),
            AuditAction::Update => ("Cập nhật", "Updated"),
            AuditAction::Deactivate => ("Ngừng hoạt động", "Deactivated"),
            AuditAction::Reactivate => ("Hoạt động lại", "Reactivated"),
            AuditAction::Move => ("Chuyển", "Moved"),
            AuditAction::Import => ("Nhập từ tệp", "Imported"),
            AuditAction::Assign => ("Thêm vai trò", "Role added"),
            AuditAction::Unassign => ("Gỡ vai trò", "Role removed"),
            AuditAction::Password => ("Đổi mật khẩu", "Password changed"),
            AuditAction::ResetPassword => ("Đặt lại mật khẩu", "Password reset"),
            AuditAction::Copy => ("Sao chép thành bản mới", "Copied to a new version"),
            AuditAction::Publish => ("Ban hành", "Published"),
            AuditAction::Register => ("Đăng ký", "Registered"),
            AuditAction::Unregister => ("Hủy đăng ký", "Registration withdrawn"),
            AuditAction::Attach => ("Thêm minh chứng", "Evidence added"),
            AuditAction::Detach => ("Gỡ minh chứng", "Evidence removed"),
            AuditAction::Discard => ("Bỏ bản nháp", "Draft discarded"),
            AuditAction::Attend => ("Điểm danh", "Attendance marked"),
            AuditAction::Succeed => ("Sáp nhập, kế thừa", "Merged into a successor"),
            AuditAction::Step(step) => match step {
                Transition::Start => ("Bắt đầu đánh giá", "Evaluation started"),
                Transition::Save => ("Lưu điểm", "Scores saved"),
                Transition::Submit => ("Gửi xét duyệt", "Submitted for review"),
                Transition::Return => ("Trả lại để bổ sung", "Returned for changes"),
                Transition::Approve => ("Duyệt", "Approved"),
                Transition::Unlock => ("Mở khóa", "Unlocked"),
                Transition::Recognise => ("Công nhận", "Recognised"),
                Transition::NotRecognise => ("Không công nhận", "Not recognised"),
            },
        };
        lang.t(vi, en)
    }
}

impl From<Transition> for AuditAction {
    fn from(step: Transition) -> Self {
        AuditAction::Step(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn codes_are_the_ones_already_in_the_log_and_round_trip() {
        // Renaming a code would orphan the entries already stored under it.
        let entities: Vec<&str> = AuditEntity::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(
            entities,
            [
                "household",
                "clan",
                "organisation",
                "org_unit",
                "user",
                "import_batch",
                "criteria_set",
                "registration",
                "evaluation",
                "decision",
                "training_module",
                "training_session",
                "target",
                "report"
            ]
        );
        for e in AuditEntity::ALL {
            assert_eq!(AuditEntity::from_code(e.code()), Some(e));
        }
        let mut codes = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert!(codes.insert(a.code()), "{} twice", a.code());
            assert_eq!(AuditAction::from_code(a.code()), Some(a));
        }
        assert_eq!(
            AuditAction::from_code("not_recognise"),
            Some(AuditAction::Step(Transition::NotRecognise))
        );
        assert_eq!(AuditEntity::from_code("nothing"), None);
    }

    #[test]
    fn every_label_is_composed_vietnamese_and_english() {
        let labels = AuditEntity::ALL
            .iter()
            .map(|e| (e.label(Lang::Vi), e.label(Lang::En)))
            .chain(
                AuditAction::ALL
                    .iter()
                    .map(|a| (a.label(Lang::Vi), a.label(Lang::En))),
            );
        for (vi, en) in labels {
            assert!(!vi.is_empty() && !en.is_empty());
            assert_eq!(vi.nfc().collect::<String>(), vi, "{vi} is not NFC");
            assert_ne!(vi, en);
        }
    }
}
