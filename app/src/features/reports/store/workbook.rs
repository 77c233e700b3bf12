//! The yearly report as an .xlsx workbook: the unit's figures ("Số liệu"), the units below
//! ("Đơn vị trực thuộc") and the narrative sections ("Nội dung báo cáo"). Counts are written
//! as numbers so a province can sum its districts' files; names and texts as strings, never as
//! formulas. A report is a few hundred cells at most, so it is built in memory.

use super::super::types::{has_registrations, met_text, percent_value, Report, ReportQuery};
use crate::backend::db::Pool;
use crate::backend::error::internal;
use crate::domain::roles::SessionUser;
use crate::error::AppResult;
use crate::features::dashboards::types::Figures;
use crate::features::targets::types::TargetKind;
use crate::i18n::Lang;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// A4 in Excel's paper codes.
const A4: u8 = 9;

/// The report of a unit (default: the caller's own area) and year as an .xlsx file, within the
/// caller's dashboard scope (the report's own check).
pub async fn workbook(
    pool: &Pool,
    user: &SessionUser,
    unit_id: Option<i64>,
    year: i32,
    lang: Lang,
) -> AppResult<Vec<u8>> {
    let report = super::find(pool, user, ReportQuery { unit_id, year }).await?;
    write(&report, lang).map_err(internal)
}

/// The columns of a figures line after its first (the group, or the unit and the group).
fn figure_headers(lang: Lang) -> [&'static str; 8] {
    [
        lang.t("Số đăng ký", "Registered"),
        lang.t("Số được công nhận", "Recognised"),
        lang.t("Đang giữ danh hiệu", "Holding the title"),
        lang.t("Tổng số", "Total"),
        lang.t("Đơn vị tính", "Counted in"),
        lang.t("Tỉ lệ (%)", "Share (%)"),
        lang.t("Chỉ tiêu (%)", "Target (%)"),
        lang.t("Đánh giá", "Against the target"),
    ]
}

/// Writes one group's figures from column `col` on.
fn write_figures(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    lang: Lang,
    kind: TargetKind,
    f: &Figures,
    one_decimal: &Format,
) -> Result<(), XlsxError> {
    if has_registrations(kind) {
        sheet.write_number(row, col, f.funnel.registered as f64)?;
        sheet.write_number(row, col + 1, f.funnel.recognised as f64)?;
    }
    sheet.write_number(row, col + 2, f.holding as f64)?;
    sheet.write_number(row, col + 3, f.eligible as f64)?;
    sheet.write_string(row, col + 4, kind.noun(lang))?;
    if let Some(p) = percent_value(f) {
        sheet.write_number_with_format(row, col + 5, p, one_decimal)?;
    }
    if let Some(t) = f.target {
        sheet.write_number(row, col + 6, f64::from(t))?;
    }
    sheet.write_string(row, col + 7, met_text(lang, kind, f))?;
    Ok(())
}

fn write(report: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let one_decimal = Format::new().set_num_format("0.0");
    let mut book = Workbook::new();

    // The unit's figures: a title, a note, then one line per group.
    let sheet = book.add_worksheet();
    sheet.set_name(lang.t("Số liệu", "Figures"))?;
    sheet.set_paper_size(A4).set_landscape();
    let heading = match lang {
        Lang::Vi => format!(
            "Báo cáo kết quả xây dựng xã hội học tập năm {} — {}",
            report.year, report.unit_name
        ),
        Lang::En => format!(
            "Learning-society report for {} — {}",
            report.year, report.unit_name
        ),
    };
    sheet.write_string_with_format(0, 0, &heading, &title)?;
    sheet.write_string(
        1,
        0,
        lang.t(
            "Tỉ lệ = đang giữ danh hiệu ÷ tổng số đang hoạt động; cán bộ: đã tập huấn ÷ tổng số cán bộ.",
            "Share = holding the title ÷ total active; officers: trained ÷ all officers.",
        ),
    )?;
    sheet.write_string_with_format(3, 0, lang.t("Danh hiệu", "Title"), &bold)?;
    for (c, h) in figure_headers(lang).iter().enumerate() {
        sheet.write_string_with_format(3, 1 + c as u16, *h, &bold)?;
    }
    for (r, kind) in TargetKind::ALL.into_iter().enumerate() {
        let row = 4 + r as u32;
        sheet.write_string(row, 0, kind.label(lang))?;
        write_figures(sheet, row, 1, lang, kind, &report.of(kind), &one_decimal)?;
    }
    sheet.set_column_width(0, 38)?;
    for c in 1..=8 {
        sheet.set_column_width(c, 14)?;
    }
    sheet.set_column_width(9, 30)?;

    // The units below: one line per unit and group.
    let sheet = book.add_worksheet();
    sheet.set_name(lang.t("Đơn vị trực thuộc", "Units below"))?;
    sheet.set_paper_size(A4).set_landscape();
    sheet.write_string_with_format(0, 0, lang.t("Đơn vị", "Unit"), &bold)?;
    sheet.write_string_with_format(0, 1, lang.t("Danh hiệu", "Title"), &bold)?;
    for (c, h) in figure_headers(lang).iter().enumerate() {
        sheet.write_string_with_format(0, 2 + c as u16, *h, &bold)?;
    }
    let mut row = 1;
    for child in &report.children {
        for kind in TargetKind::ALL {
            sheet.write_string(row, 0, &child.name)?;
            sheet.write_string(row, 1, kind.label(lang))?;
            write_figures(sheet, row, 2, lang, kind, &child.of(kind), &one_decimal)?;
            row += 1;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 36)?;
    for c in 2..=9 {
        sheet.set_column_width(c, 14)?;
    }
    sheet.set_column_width(10, 30)?;

    // The narrative, one section a row.
    let sheet = book.add_worksheet();
    sheet.set_name(lang.t("Nội dung báo cáo", "Narrative"))?;
    sheet.set_paper_size(A4);
    let headers = [
        lang.t("Mục", "Section"),
        lang.t("Nội dung", "Text"),
        lang.t("Cập nhật lúc", "Updated"),
        lang.t("Người cập nhật", "Updated by"),
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, n) in report.narratives.iter().enumerate() {
        let row = 1 + r as u32;
        sheet.write_string_with_format(row, 0, n.section.heading(lang), &wrap)?;
        sheet.write_string_with_format(row, 1, &n.body, &wrap)?;
        if let Some(at) = n.updated_at {
            sheet.write_string(row, 2, crate::vietnam_time::format(at))?;
        }
        if let Some(who) = &n.updated_by {
            sheet.write_string(row, 3, who)?;
        }
    }
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 90)?;
    sheet.set_column_width(2, 18)?;
    sheet.set_column_width(3, 24)?;

    book.save_to_buffer()
}
