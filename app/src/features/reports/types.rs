//! The yearly report's wire types and rules: its narrative sections (headings in the outline
//! local reports follow), how a section's text is cleaned, limited and split into paragraphs,
//! and what the report of a unit and year holds.

use crate::domain::text::{is_invisible, nfc};
use crate::error::AppError;
use crate::features::dashboards::types::{ChildRow, Figures};
use crate::features::targets::types::TargetKind;
use crate::features::training::types::UnitLink;
use crate::i18n::{format_int, Lang};
use serde::{Deserialize, Serialize};

/// A narrative section of the report, in the order of the outline seen in local reports
/// (HKH TP.HCM, Ngọc Hồi 2017: direction, the results "theo mẫu thống kê", participation),
/// with the shortcomings and the way forward every report ends with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReportSection {
    Direction,
    Results,
    Participation,
    Shortcomings,
    NextSteps,
}

impl ReportSection {
    pub const ALL: [ReportSection; 5] = [
        ReportSection::Direction,
        ReportSection::Results,
        ReportSection::Participation,
        ReportSection::Shortcomings,
        ReportSection::NextSteps,
    ];

    /// The code stored in `report_narratives.section` (never renamed).
    pub fn code(self) -> &'static str {
        match self {
            ReportSection::Direction => "direction",
            ReportSection::Results => "results",
            ReportSection::Participation => "participation",
            ReportSection::Shortcomings => "shortcomings",
            ReportSection::NextSteps => "next_steps",
        }
    }

    pub fn from_code(code: &str) -> Option<ReportSection> {
        ReportSection::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
    }

    /// The section's number in the report (1 to 5).
    pub fn number(self) -> usize {
        ReportSection::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(0, |i| i + 1)
    }

    /// The section's heading, numbered as in the report.
    pub fn heading(self, lang: Lang) -> &'static str {
        match self {
            ReportSection::Direction => lang.t(
                "1. Công tác tham mưu, chỉ đạo",
                "1. Advice to the authorities and direction",
            ),
            ReportSection::Results => lang.t(
                "2. Kết quả đăng ký và công nhận",
                "2. Registrations and recognitions",
            ),
            ReportSection::Participation => lang.t(
                "3. Đánh giá sự tham gia",
                "3. How people and organisations took part",
            ),
            ReportSection::Shortcomings => lang.t(
                "4. Tồn tại, hạn chế và nguyên nhân",
                "4. Shortcomings and their causes",
            ),
            ReportSection::NextSteps => {
                lang.t("5. Phương hướng, kiến nghị", "5. Next steps and proposals")
            }
        }
    }

    /// What the section is for, shown to the officer writing it.
    pub fn hint(self, lang: Lang) -> &'static str {
        match self {
            ReportSection::Direction => lang.t(
                "Các văn bản đã tham mưu, ban hành; sự phối hợp giữa Hội Khuyến học, ngành giáo dục và chính quyền; công tác tuyên truyền.",
                "Documents proposed and issued; how the Association, the education sector and the authorities worked together; publicity.",
            ),
            ReportSection::Results => lang.t(
                "Nhận xét về các số liệu trong bảng trên: so với năm trước và với chỉ tiêu, nơi làm tốt, nơi còn chậm.",
                "Comment on the figures in the tables above: against last year and the targets, where it went well, where it lags.",
            ),
            ReportSection::Participation => lang.t(
                "Sự tham gia của các hộ gia đình, dòng họ, thôn, tổ dân phố, cơ quan, đơn vị và các đoàn thể.",
                "How households, clans, villages, organisations and mass organisations took part.",
            ),
            ReportSection::Shortcomings => lang.t(
                "Những việc chưa làm được và nguyên nhân chủ quan, khách quan.",
                "What was not achieved, and why.",
            ),
            ReportSection::NextSteps => lang.t(
                "Nhiệm vụ, giải pháp năm tới và kiến nghị với cấp trên.",
                "Next year's tasks and measures, and proposals to the level above.",
            ),
        }
    }
}

/// The most a section may hold, in characters (a few printed pages).
pub const MAX_BODY_CHARS: usize = 10_000;

/// A section's text as stored: line breaks as `\n`, invisible characters removed, trailing
/// spaces of each line and runs of blank lines folded into one, trimmed, NFC. Single line
/// breaks and blank lines (paragraphs) are kept: unlike a name, this is prose.
pub fn clean_body(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    let mut blank_run = 0;
    for line in unified.split('\n') {
        let visible: String = line
            .chars()
            .filter(|c| !is_invisible(*c))
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let line = visible.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    nfc(out.trim_start())
}

/// Refuses a cleaned body longer than [`MAX_BODY_CHARS`], saying by how much (422 on `body`).
pub fn check_body(body: &str) -> Result<(), AppError> {
    let n = body.chars().count();
    if n <= MAX_BODY_CHARS {
        return Ok(());
    }
    let (max, now) = (MAX_BODY_CHARS as i64, n as i64);
    Err(AppError::field(
        "body",
        format!(
            "Nội dung mục này dài {} ký tự, quá giới hạn {} ký tự. Hãy rút gọn rồi lưu lại.",
            format_int(Lang::Vi, now),
            format_int(Lang::Vi, max)
        ),
        format!(
            "This section is {} characters long, over the limit of {}. Shorten it and save again.",
            format_int(Lang::En, now),
            format_int(Lang::En, max)
        ),
    ))
}

/// The paragraphs of a body: separated by blank lines (each keeps its single line breaks).
pub fn paragraphs(body: &str) -> Vec<&str> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// One narrative section of a report as stored (`version` 0: not written yet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narrative {
    pub section: ReportSection,
    pub body: String,
    pub version: i64,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The full name of who saved it last.
    pub updated_by: Option<String>,
}

impl Narrative {
    /// A section nobody has written yet.
    pub fn empty(section: ReportSection) -> Narrative {
        Narrative {
            section,
            body: String::new(),
            version: 0,
            updated_at: None,
            updated_by: None,
        }
    }
}

/// What the report page asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    /// `None`: the caller's own area.
    pub unit_id: Option<i64>,
    pub year: i32,
}

/// What saving a section sends: the text and the version the editor last saw (0 for a section
/// not written yet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarrativeInput {
    pub unit_id: i64,
    pub year: i32,
    pub section: ReportSection,
    pub body: String,
    pub version: i64,
}

/// The report of one unit and year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    /// The years with figures, oldest first (the dashboard's).
    pub years: Vec<i32>,
    /// The way back up, as far as the caller's scope goes.
    pub trail: Vec<UnitLink>,
    /// The unit's figures per group, in [`TargetKind::ALL`] order (the dashboard's).
    pub figures: Vec<Figures>,
    /// The units below, each with its figures (the dashboard's).
    pub children: Vec<ChildRow>,
    /// Every section in [`ReportSection::ALL`] order, written or not.
    pub narratives: Vec<Narrative>,
    /// Whether the caller may write the sections (the server checks again on save).
    pub can_edit: bool,
    /// A past year's shares are measured against today's counts (see the dashboard).
    pub denominators_today: bool,
}

impl Report {
    pub fn of(&self, kind: TargetKind) -> Figures {
        TargetKind::ALL
            .iter()
            .position(|k| *k == kind)
            .and_then(|i| self.figures.get(i).copied())
            .unwrap_or_default()
    }
}

/// What a report's line counts for a group: registrations and recognitions are the year's
/// (training has neither: officers are trained, not registered).
pub fn has_registrations(kind: TargetKind) -> bool {
    !kind.titles().is_empty()
}

/// The share as a number of percent with one decimal (46.7), for a spreadsheet.
pub fn percent_value(f: &Figures) -> Option<f64> {
    f.per_mille().map(|pm| pm as f64 / 10.0)
}

/// Whether the target is met, in words: "Đạt", "Chưa đạt (cần thêm 14 hộ)", "Chưa đặt chỉ tiêu".
pub fn met_text(lang: Lang, kind: TargetKind, f: &Figures) -> String {
    use crate::features::dashboards::types::Standing;
    match f.standing() {
        Standing::OnTrack => lang.t("Đạt", "Met").to_string(),
        Standing::Behind(n) => match lang {
            Lang::Vi => format!(
                "Chưa đạt (cần thêm {} {})",
                format_int(lang, n),
                kind.noun(lang)
            ),
            Lang::En => format!("Not met ({} more {})", format_int(lang, n), kind.noun(lang)),
        },
        Standing::NoTarget => lang.t("Chưa đặt chỉ tiêu", "No target set").to_string(),
        Standing::NothingToCount => lang.t("Không có đối tượng", "Nothing to count").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::CycleState;
    use crate::features::dashboards::types::Funnel;

    #[test]
    fn section_codes_read_back() {
        for s in ReportSection::ALL {
            assert_eq!(ReportSection::from_code(s.code()), Some(s));
            assert!(s
                .heading(Lang::Vi)
                .starts_with(&format!("{}. ", s.number())));
        }
        assert_eq!(ReportSection::from_code("nope"), None);
    }

    #[test]
    fn a_body_keeps_its_paragraphs_and_loses_the_rubbish() {
        let raw = "  Đoạn một,\r\ndòng hai.  \r\n\r\n\r\n\r\nĐoạn\u{200B} hai\u{202E}.\n\n \n";
        let body = clean_body(raw);
        assert_eq!(body, "Đoạn một,\ndòng hai.\n\nĐoạn hai.");
        assert_eq!(paragraphs(&body), ["Đoạn một,\ndòng hai.", "Đoạn hai."]);
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("Khuyến học").collect();
        assert_eq!(clean_body(&nfd), "Khuyến học");
        assert_eq!(clean_body(" \n\t\n"), "");
    }

    #[test]
    fn an_over_long_body_is_refused_in_vietnamese() {
        assert!(check_body(&"a".repeat(MAX_BODY_CHARS)).is_ok());
        let err = check_body(&"ă".repeat(MAX_BODY_CHARS + 5)).unwrap_err();
        let message = err.field_message("body", Lang::Vi).unwrap_or_default();
        assert_eq!(
            message,
            "Nội dung mục này dài 10.005 ký tự, quá giới hạn 10.000 ký tự. Hãy rút gọn rồi lưu lại."
        );
    }

    #[test]
    fn the_target_is_met_or_says_how_many_more() {
        let mut funnel = Funnel::default();
        funnel.add(CycleState::Recognised, 46);
        let f = Figures {
            eligible: 100,
            funnel,
            holding: 46,
            target: Some(60),
        };
        assert_eq!(
            met_text(Lang::Vi, TargetKind::Households, &f),
            "Chưa đạt (cần thêm 14 hộ)"
        );
        assert_eq!(percent_value(&f), Some(46.0));
        let met = Figures { holding: 60, ..f };
        assert_eq!(met_text(Lang::Vi, TargetKind::Households, &met), "Đạt");
    }
}
