//! The yearly title cycle as a state machine: who may move a registration from which state to
//! which, and which states can still be edited. Pure rules, shared by the buttons the browser
//! shows and the checks the server enforces.
//!
//! ```text
//! registered ─start─▶ draft ─submit─▶ submitted ─approve─▶ approved ─decide─▶ recognised
//!                       ▲                 │  ▲                 │        └─────▶ not_recognised
//!                       └──── returned ◀──┘  └─── (unlock) ────┘
//!                         (return with comments; resubmit)
//! ```
//!
//! Four eyes: whoever saved the scores, added evidence or submitted a dossier (its
//! *contributors*) may not return it, approve it or put it in a decision; another reviewer must
//! ([`Transition::needs_another_person`]). Unlocking stays open to them: it only hands the
//! dossier back to be scored again, and then someone else must approve it.

use crate::domain::roles::Permission;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// Where a registration stands in its yearly cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum CycleState {
    /// Registered at the start of the year; not scored yet.
    Registered,
    /// Being scored by an officer.
    Draft,
    /// Sent to the reviewers.
    Submitted,
    /// Sent back by a reviewer with comments on specific criteria.
    Returned,
    /// Approved by a reviewer; locked, waiting for the recognition decision.
    Approved,
    /// Recognised by a decision.
    Recognised,
    /// Not recognised by a decision.
    NotRecognised,
}

impl CycleState {
    pub const ALL: [CycleState; 7] = [
        CycleState::Registered,
        CycleState::Draft,
        CycleState::Submitted,
        CycleState::Returned,
        CycleState::Approved,
        CycleState::Recognised,
        CycleState::NotRecognised,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            CycleState::Registered => "registered",
            CycleState::Draft => "draft",
            CycleState::Submitted => "submitted",
            CycleState::Returned => "returned",
            CycleState::Approved => "approved",
            CycleState::Recognised => "recognised",
            CycleState::NotRecognised => "not_recognised",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CycleState::Registered => lang.t("Đã đăng ký", "Registered"),
            CycleState::Draft => lang.t("Đang chấm điểm", "Being scored"),
            CycleState::Submitted => lang.t("Chờ xét duyệt", "Awaiting review"),
            CycleState::Returned => lang.t("Bị trả lại", "Returned"),
            CycleState::Approved => {
                lang.t("Đã duyệt, chờ quyết định", "Approved, awaiting decision")
            }
            CycleState::Recognised => lang.t("Đã công nhận", "Recognised"),
            CycleState::NotRecognised => lang.t("Không công nhận", "Not recognised"),
        }
    }

    /// Whether the officer may still change answers, notes and evidence.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            CycleState::Registered | CycleState::Draft | CycleState::Returned
        )
    }
}

/// A step of the cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Transition {
    /// Open the evaluation form for a registration.
    Start,
    /// Save answers (stays in the same state; `Registered` becomes `Draft`).
    Save,
    /// Send to the reviewers.
    Submit,
    /// Send back with comments.
    Return,
    /// Approve (locks the evaluation).
    Approve,
    /// Unlock an approved evaluation (needs a reason; goes back to the officer).
    Unlock,
    /// Record the decision: recognised.
    Recognise,
    /// Record the decision: not recognised.
    NotRecognise,
}

impl Transition {
    /// The permission the caller needs, at the registration's org unit.
    pub fn permission(self) -> Permission {
        match self {
            Transition::Start | Transition::Save | Transition::Submit => Permission::Evaluate,
            Transition::Return
            | Transition::Approve
            | Transition::Unlock
            | Transition::Recognise
            | Transition::NotRecognise => Permission::Review,
        }
    }

    /// Whether this step must be taken by someone who did not score, add evidence to or
    /// submit the dossier (four eyes): the review and the decision.
    pub fn needs_another_person(self) -> bool {
        matches!(
            self,
            Transition::Return
                | Transition::Approve
                | Transition::Recognise
                | Transition::NotRecognise
        )
    }

    /// The audit action name.
    pub fn code(self) -> &'static str {
        match self {
            Transition::Start => "start",
            Transition::Save => "save",
            Transition::Submit => "submit",
            Transition::Return => "return",
            Transition::Approve => "approve",
            Transition::Unlock => "unlock",
            Transition::Recognise => "recognise",
            Transition::NotRecognise => "not_recognise",
        }
    }
}

/// The state after `transition` from `state`, or `None` when the step is not allowed there.
pub fn next_state(state: CycleState, transition: Transition) -> Option<CycleState> {
    use CycleState::*;
    use Transition::*;
    match (state, transition) {
        (Registered, Start) => Some(Draft),
        (Registered | Draft, Save) => Some(Draft),
        (Returned, Save) => Some(Returned),
        (Draft | Returned, Submit) => Some(Submitted),
        (Submitted, Return) => Some(Returned),
        (Submitted, Approve) => Some(Approved),
        (Approved, Unlock) => Some(Returned),
        (Approved, Recognise) => Some(Recognised),
        (Approved, NotRecognise) => Some(NotRecognised),
        _ => None,
    }
}

/// The message shown when a step is refused because of the state.
pub fn refusal(state: CycleState, transition: Transition, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!(
            "Không thể thực hiện thao tác này khi hồ sơ ở trạng thái \"{}\".",
            state.label(Lang::Vi)
        ),
        Lang::En => format!(
            "This step ({}) is not possible while the dossier is \"{}\".",
            transition.code(),
            state.label(Lang::En)
        ),
    }
}

/// Why a contributor of a dossier may not take a [`Transition::needs_another_person`] step.
pub fn four_eyes_refusal(transition: Transition, lang: Lang) -> &'static str {
    match transition {
        Transition::Recognise | Transition::NotRecognise => lang.t(
            "Bạn đã chấm điểm hoặc nộp hồ sơ này nên không thể đưa vào quyết định; cần một người khác xét duyệt và ra quyết định.",
            "You scored or submitted this dossier, so you cannot include it in a decision; someone else must review and decide it.",
        ),
        _ => lang.t(
            "Bạn đã chấm điểm hoặc nộp hồ sơ này nên không thể tự duyệt; cần một người khác duyệt.",
            "You scored or submitted this dossier, so you cannot review it yourself; someone else must review it.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_reaches_recognition() {
        let mut s = CycleState::Registered;
        for t in [
            Transition::Start,
            Transition::Save,
            Transition::Submit,
            Transition::Approve,
            Transition::Recognise,
        ] {
            s = next_state(s, t).expect("allowed");
        }
        assert_eq!(s, CycleState::Recognised);
    }

    #[test]
    fn a_returned_dossier_goes_back_to_review_when_resubmitted() {
        let s = next_state(CycleState::Submitted, Transition::Return).expect("return");
        assert!(s.is_editable());
        assert_eq!(
            next_state(s, Transition::Submit),
            Some(CycleState::Submitted)
        );
    }

    #[test]
    fn approved_and_final_states_are_locked() {
        for s in [
            CycleState::Submitted,
            CycleState::Approved,
            CycleState::Recognised,
            CycleState::NotRecognised,
        ] {
            assert!(!s.is_editable(), "{s:?}");
            assert_eq!(next_state(s, Transition::Save), None);
        }
        assert_eq!(next_state(CycleState::Recognised, Transition::Unlock), None);
    }

    #[test]
    fn officers_score_and_reviewers_decide() {
        assert_eq!(Transition::Submit.permission(), Permission::Evaluate);
        assert_eq!(Transition::Approve.permission(), Permission::Review);
        assert_eq!(Transition::Recognise.permission(), Permission::Review);
    }

    #[test]
    fn reviewing_and_deciding_need_someone_who_did_not_score() {
        for t in [
            Transition::Return,
            Transition::Approve,
            Transition::Recognise,
            Transition::NotRecognise,
        ] {
            assert!(t.needs_another_person(), "{t:?}");
        }
        for t in [
            Transition::Start,
            Transition::Save,
            Transition::Submit,
            Transition::Unlock,
        ] {
            assert!(!t.needs_another_person(), "{t:?}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in CycleState::ALL {
            assert_eq!(CycleState::from_code(s.code()), Some(s));
        }
    }
}
