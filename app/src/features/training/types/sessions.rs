//! In-person training sessions (hội nghị tập huấn): their wire types. A session is recorded
//! once with its delegates; marking a delegate with an account present completes the session's
//! modules for them, so a conference shows in the "officers trained" target.

use serde::{Deserialize, Serialize};

/// The address of a session's page.
pub fn session_href(session_id: i64) -> String {
    format!("/tap-huan/hoi-nghi/{session_id}")
}

/// The address of a session's printable sign-in sheet (danh sách ký tên).
pub fn sign_in_sheet_href(session_id: i64) -> String {
    format!("/tap-huan/hoi-nghi/{session_id}/ky-ten")
}

/// Where a delegate list (.xlsx or CSV) is uploaded to a session.
pub fn attendee_upload_href(session_id: i64) -> String {
    format!("/training/sessions/{session_id}/attendees")
}

/// The most delegates one session holds, and one pasted list.
pub const MAX_ATTENDEES: usize = 1_000;

/// One session in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub session_id: i64,
    pub title: String,
    pub held_on: chrono::NaiveDate,
    pub place: String,
    pub unit_name: String,
    pub attendees: u32,
    pub attended: u32,
}

/// A session as it is created or edited. `version` is what the editor saw (0 for a new one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInput {
    pub session_id: Option<i64>,
    pub version: i64,
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub unit_id: Option<i64>,
    pub agenda: String,
    /// The modules the session teaches: attending completes them.
    pub module_ids: Vec<i64>,
}

/// A module a session may teach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionModule {
    pub module_id: i64,
    pub title: String,
}

/// One delegate of a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub attendee_id: i64,
    /// `None`: a delegate without an account, from an imported list.
    pub user_id: Option<i64>,
    pub full_name: String,
    pub unit_name: String,
    pub position: String,
    pub attended: bool,
}

/// A session with its delegates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub session_id: i64,
    pub version: i64,
    pub title: String,
    pub held_on: chrono::NaiveDate,
    pub place: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub agenda: String,
    pub modules: Vec<SessionModule>,
    pub attendees: Vec<Attendee>,
}

impl SessionDetail {
    /// The session as its edit form starts.
    pub fn input(&self) -> SessionInput {
        SessionInput {
            session_id: Some(self.session_id),
            version: self.version,
            title: self.title.clone(),
            held_on: self.held_on.to_string(),
            place: self.place.clone(),
            unit_id: Some(self.unit_id),
            agenda: self.agenda.clone(),
            module_ids: self.modules.iter().map(|m| m.module_id).collect(),
        }
    }

    pub fn attended(&self) -> usize {
        self.attendees.iter().filter(|a| a.attended).count()
    }
}

/// A user who may be picked as a delegate (an account within the organising unit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendeeChoice {
    pub user_id: i64,
    pub full_name: String,
    pub unit_name: String,
}

/// What importing a pasted list did: the delegates added, and the lines refused with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedAttendees {
    pub added: u32,
    pub refused: Vec<RefusedLine>,
    pub detail: SessionDetail,
}

/// A pasted line that was not added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedLine {
    pub line: u32,
    pub vi: String,
    pub en: String,
}

/// One line of a pasted delegate list: name, unit, position, split by tabs (as a spreadsheet
/// copies them), else by semicolons or commas. Empty lines are skipped by the caller.
pub fn split_attendee_line(line: &str) -> (String, String, String) {
    let parts: Vec<&str> = if line.contains('\t') {
        line.split('\t').collect()
    } else if line.contains(';') {
        line.split(';').collect()
    } else {
        line.split(',').collect()
    };
    let part = |n: usize| {
        parts
            .get(n)
            .map(|p| p.trim().to_string())
            .unwrap_or_default()
    };
    if parts.len() > 3 {
        // A unit written with the separator in it ("Thôn 1, xã Trà Bình"): the first part is
        // the name, the last the position, everything between the unit.
        let unit = parts[1..parts.len() - 1].join(if line.contains('\t') { " " } else { "," });
        return (part(0), unit.trim().to_string(), part(parts.len() - 1));
    }
    (part(0), part(1), part(2))
}

#[cfg(test)]
mod tests {
    use super::split_attendee_line;

    fn split(line: &str) -> (String, String, String) {
        split_attendee_line(line)
    }

    #[test]
    fn a_pasted_line_splits_by_tabs_then_semicolons_then_commas() {
        let want = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            split("Hà Văn Nam\tXã Trà Bùi\tChủ tịch"),
            want("Hà Văn Nam", "Xã Trà Bùi", "Chủ tịch")
        );
        assert_eq!(
            split("Hà Văn Nam; Xã Trà Bùi; Chủ tịch"),
            want("Hà Văn Nam", "Xã Trà Bùi", "Chủ tịch")
        );
        assert_eq!(
            split("Hà Văn Nam, Xã Trà Bùi"),
            want("Hà Văn Nam", "Xã Trà Bùi", "")
        );
        assert_eq!(split("Hà Văn Nam"), want("Hà Văn Nam", "", ""));
        // A unit written with commas in it stays whole: the position is the last part.
        assert_eq!(
            split("Lê Thị Hoa, Thôn 1, Xã Trà Bình, Hội viên"),
            want("Lê Thị Hoa", "Thôn 1, Xã Trà Bình", "Hội viên")
        );
        // Tabs win over the commas inside a cell.
        assert_eq!(
            split("Lê Thị Hoa\tThôn 1, Xã Trà Bình\tHội viên"),
            want("Lê Thị Hoa", "Thôn 1, Xã Trà Bình", "Hội viên")
        );
    }
}
