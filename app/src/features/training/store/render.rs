//! A lesson's Markdown to the HTML a trainee reads: pulldown-cmark renders it, worked scoring
//! examples (fenced `vi-du-cham-diem` blocks) become tables scored by the real `score()`, and
//! ammonia cleans the result with an allow-list, because a lesson is an administrator's text
//! shown to every trainee. Images load lazily, so a lesson's text shows first on a slow line.

use crate::domain::catalog::shipped_set;
use crate::domain::criteria::{CriteriaSet, IndicatorKind};
use crate::domain::training::{
    check_worked_example, ExampleAnswer, WorkedExample, WORKED_EXAMPLE_BLOCK,
};
use ammonia::clean_text as esc;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// The Markdown extensions lessons may use.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION
}

/// The lesson's Markdown events, each worked example block (fenced `vi-du-cham-diem`) given to
/// `example` with its JSON and replaced by the HTML it returns.
fn with_examples<'a>(markdown: &'a str, mut example: impl FnMut(&str) -> String) -> Vec<Event<'a>> {
    let mut events: Vec<Event<'a>> = Vec::new();
    let mut inside: Option<String> = None;
    for event in Parser::new_ext(markdown, options()) {
        match (&mut inside, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))))
                if info.trim() == WORKED_EXAMPLE_BLOCK =>
            {
                inside = Some(String::new());
            }
            (Some(text), Event::Text(t)) => text.push_str(&t),
            (Some(text), Event::End(TagEnd::CodeBlock)) => {
                events.push(Event::Html(example(text).into()));
                inside = None;
            }
            (Some(_), _) => {}
            (None, event) => events.push(event),
        }
    }
    events
}

/// The JSON of every worked example in a lesson, in order (what the test of the shipped
/// modules scores).
pub fn worked_example_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    with_examples(markdown, |json| {
        blocks.push(json.to_string());
        String::new()
    });
    blocks
}

/// Renders a lesson to sanitised HTML.
pub fn lesson_html(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        with_examples(markdown, worked_example_html).into_iter(),
    );
    sanitize(&html)
}

/// The allow-list: ammonia's defaults (text, lists, tables, links, images) with images loaded
/// lazily, and a worked example's `figure` and its classes.
fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_tags(["figure", "figcaption"])
        .add_tag_attributes("img", ["loading"])
        .set_tag_attribute_value("img", "loading", "lazy")
        .add_allowed_classes("figure", ["worked-example"])
        .add_allowed_classes("p", ["worked-example-warning"])
        .add_allowed_classes("td", ["num"])
        .add_allowed_classes("th", ["num"])
        .clean(html)
        .to_string()
}

/// A worked example as a table: each indicator with its points (or met / not met), each
/// criterion's subtotal, the total and the verdict, all from `score()`. If the lesson states
/// a different total or verdict, a warning says so (the test of the shipped modules fails on
/// it; an administrator editing a lesson sees it in the editor's preview).
fn worked_example_html(json: &str) -> String {
    let example: WorkedExample = match serde_json::from_str(json) {
        Ok(e) => e,
        Err(e) => return warning(&format!("Ví dụ chấm điểm không đọc được: {e}")),
    };
    let Some(set) = shipped_set(&example.set) else {
        return warning(&format!("Không có bộ tiêu chí mã {}.", example.set));
    };
    let check = match check_worked_example(&example, &set) {
        Ok(c) => c,
        Err(e) => return warning(&format!("Ví dụ chấm điểm chưa hợp lệ: {e}")),
    };
    let mut out = String::from("<figure class=\"worked-example\"><table>");
    out.push_str(&format!(
        "<caption>Ví dụ chấm điểm: {} — {}</caption>",
        esc(&example.subject),
        esc(&set.name)
    ));
    out.push_str("<thead><tr><th>Chỉ số</th><th>Nội dung</th><th class=\"num\">Kết quả</th></tr></thead><tbody>");
    for criterion in &set.criteria {
        for indicator in &criterion.indicators {
            let given = match (example.answers.get(&indicator.code), indicator.kind) {
                (Some(ExampleAnswer::Points(p)), IndicatorKind::Points { max }) => {
                    format!("{p}/{max}")
                }
                (Some(ExampleAnswer::Pass(true)), _) => "Đạt".into(),
                (Some(ExampleAnswer::Pass(false)), _) => "Chưa đạt".into(),
                _ => "—".into(),
            };
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&indicator.code),
                esc(&indicator.text),
                esc(&given)
            ));
        }
        if let Some(c) = check.result.criterion(&criterion.code) {
            if c.max > 0 {
                out.push_str(&format!(
                    "<tr><th>{}</th><th>{}{}</th><th class=\"num\">{}/{}</th></tr>",
                    esc(&criterion.code),
                    esc(&criterion.name),
                    minimum_note(&set, &criterion.code, c.meets_minimum),
                    c.points,
                    c.max
                ));
            }
        }
    }
    out.push_str("</tbody><tfoot>");
    if check.result.max_total > 0 {
        out.push_str(&format!(
            "<tr><th colspan=\"2\">Tổng điểm</th><td class=\"num\">{}/{}</td></tr>",
            check.result.total, check.result.max_total
        ));
    }
    out.push_str(&format!(
        "<tr><th colspan=\"2\">Kết quả</th><td class=\"num\">{}</td></tr></tfoot></table>",
        esc(&check
            .result
            .verdict
            .label_for(&set.rule, crate::i18n::Lang::Vi))
    ));
    if !check.disagreements.is_empty() {
        out.push_str(&warning(&format!(
            "Số liệu ghi trong bài khác kết quả tính: {}",
            check.disagreements.join("; ")
        )));
    }
    out.push_str("</figure>");
    out
}

/// " (chưa đạt điểm tối thiểu N)" after a criterion below its minimum.
fn minimum_note(set: &CriteriaSet, code: &str, meets: bool) -> String {
    let min = set
        .criteria
        .iter()
        .find(|c| c.code == code)
        .and_then(|c| c.min_points);
    match (meets, min) {
        (false, Some(min)) => format!(" (chưa đạt điểm tối thiểu {min})"),
        _ => String::new(),
    }
}

fn warning(text: &str) -> String {
    format!("<p class=\"worked-example-warning\">⚠ {}</p>", esc(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = lesson_html(
            "# Bài\n\n<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(1)\">\n\n[a](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("loading=\"lazy\""), "{html}");
    }

    #[test]
    fn markdown_tables_and_headings_render() {
        let html = lesson_html(
            "## Mục tiêu\n\n| Danh hiệu | Chỉ tiêu |\n|---|---|\n| Gia đình học tập | 60% |\n",
        );
        assert!(html.contains("<h2>Mục tiêu</h2>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<td>60%</td>"), "{html}");
    }

    #[test]
    fn a_worked_example_becomes_a_scored_table_and_a_wrong_total_is_flagged() {
        let set = shipped_set("gdht-qd448").expect("shipped");
        let answers: Vec<String> = set
            .criteria
            .iter()
            .flat_map(|c| c.indicators.iter())
            .map(|i| format!("\"{}\": 10", i.code))
            .collect();
        let block = |total: u32| {
            format!(
                "```vi-du-cham-diem\n{{\"set\": \"gdht-qd448\", \"subject\": \"Hộ <b>A</b>\", \"answers\": {{{}}}, \"total\": {total}, \"verdict\": \"recognised\"}}\n```\n",
                answers.join(", ")
            )
        };
        let right = lesson_html(&block(100));
        assert!(
            right.contains("<figure class=\"worked-example\">"),
            "{right}"
        );
        assert!(right.contains("100/100"), "{right}");
        assert!(!right.contains("worked-example-warning"), "{right}");
        assert!(
            !right.contains("<b>A</b>"),
            "the subject is text, not markup: {right}"
        );
        let wrong = lesson_html(&block(90));
        assert!(wrong.contains("worked-example-warning"), "{wrong}");
    }
}
