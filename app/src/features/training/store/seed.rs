//! The three modules written for this product (`features/training/seed/`, see its README),
//! compiled into the server only and stored at start when their code is missing, as version 1,
//! published. Nothing here reaches the browser's bundle: the content, answer keys included,
//! lives in the database and is handed out by the server functions.
//!
//! A module already in the database is never overwritten: once stored, it belongs to the
//! administrators who edit it.

use super::super::types::{DraftLesson, ModuleDraft};
use crate::backend::db::{self, Conn, Pool};
use crate::backend::error::internal;
use crate::domain::training::{quiz_problems, KeyedQuestion, QuizSettings};
use crate::error::AppResult;
use serde::Deserialize;

/// A shipped module's `module.json`.
#[derive(Debug, Deserialize)]
struct ModuleFile {
    code: String,
    title: String,
    summary: String,
    #[serde(default)]
    gates_scoring: bool,
    pass_percent: u32,
    questions_per_attempt: u32,
    attempt_limit: Option<u32>,
    time_limit_minutes: Option<u32>,
    #[serde(default)]
    sources: Vec<String>,
    lessons: Vec<String>,
    questions: Vec<KeyedQuestion>,
}

/// A shipped module, read and checked.
#[derive(Debug)]
pub struct ShippedModule {
    pub code: String,
    pub title: String,
    pub summary: String,
    pub gates_scoring: bool,
    pub settings: QuizSettings,
    pub sources: Vec<String>,
    pub lessons: Vec<DraftLesson>,
    pub questions: Vec<KeyedQuestion>,
}

/// Every file of `seed/`, by its path there. A test checks that each module's lessons are
/// listed here and that nothing listed here is left unused.
macro_rules! seed_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../seed/", $path)))),*]
    };
}

const FILES: &[(&str, &str)] = seed_files![
    "1-xa-hoi-hoc-tap/module.json",
    "1-xa-hoi-hoc-tap/01-xa-hoi-hoc-tap-va-cac-mo-hinh.md",
    "1-xa-hoi-hoc-tap/02-ke-hoach-386-huyen-tra-bong.md",
    "1-xa-hoi-hoc-tap/03-chi-tieu-huyen-va-quoc-gia.md",
    "1-xa-hoi-hoc-tap/04-cac-chuong-trinh-quoc-gia.md",
    "2-cham-diem-danh-hieu/module.json",
    "2-cham-diem-danh-hieu/01-quy-trinh-chung.md",
    "2-cham-diem-danh-hieu/02-gia-dinh-hoc-tap.md",
    "2-cham-diem-danh-hieu/03-dong-ho-thon-don-vi-thuoc-xa.md",
    "2-cham-diem-danh-hieu/04-cong-dong-hoc-tap-cap-xa.md",
    "2-cham-diem-danh-hieu/05-don-vi-hoc-tap-cap-huyen.md",
    "3-chu-ky-tren-phan-mem/module.json",
    "3-chu-ky-tren-phan-mem/01-vai-tro-va-danh-sach-ho.md",
    "3-chu-ky-tren-phan-mem/02-dang-ky-va-viec-can-lam.md",
    "3-chu-ky-tren-phan-mem/03-cham-diem-va-gui-duyet.md",
    "3-chu-ky-tren-phan-mem/04-xet-duyet-tra-lai-duyet.md",
    "3-chu-ky-tren-phan-mem/05-quyet-dinh-giay-cong-nhan-nhat-ky.md",
];

/// The modules' folders, in the order trainees see them.
const MODULES: &[&str] = &[
    "1-xa-hoi-hoc-tap",
    "2-cham-diem-danh-hieu",
    "3-chu-ky-tren-phan-mem",
];

fn file(path: &str) -> Result<&'static str, String> {
    FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
        .ok_or_else(|| format!("seed file {path} is not listed in store/seed.rs"))
}

/// A lesson file: its first line is `# Title`, the rest is the body.
fn lesson(path: &str, text: &str) -> Result<DraftLesson, String> {
    let text = text.trim_start_matches('\u{feff}');
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let title = first
        .strip_prefix("# ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| format!("{path}: the first line must be '# Title'"))?;
    Ok(DraftLesson {
        title: title.to_string(),
        body_md: rest.trim().to_string(),
    })
}

/// The shipped modules, read from their files and checked: a module whose quiz could not be
/// published (`quiz_problems`) is an error, not a module.
pub fn shipped_modules() -> Result<Vec<ShippedModule>, String> {
    MODULES
        .iter()
        .map(|folder| {
            let path = format!("{folder}/module.json");
            let m: ModuleFile =
                serde_json::from_str(file(&path)?).map_err(|e| format!("{path}: {e}"))?;
            let settings = QuizSettings {
                pass_percent: m.pass_percent,
                questions_per_attempt: m.questions_per_attempt,
                attempt_limit: m.attempt_limit,
                time_limit_minutes: m.time_limit_minutes,
            };
            let problems = quiz_problems(&settings, &m.questions);
            if !problems.is_empty() {
                let list: Vec<String> = problems.into_iter().map(|p| p.vi).collect();
                return Err(format!("{path}: {}", list.join("; ")));
            }
            let lessons = m
                .lessons
                .iter()
                .map(|name| {
                    let path = format!("{folder}/{name}");
                    lesson(&path, file(&path)?)
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(ShippedModule {
                code: m.code,
                title: m.title,
                summary: m.summary,
                gates_scoring: m.gates_scoring,
                settings,
                sources: m.sources,
                lessons,
                questions: m.questions,
            })
        })
        .collect()
}

/// Stores every shipped module whose code is missing; returns how many were added.
pub async fn seed(pool: &Pool) -> AppResult<usize> {
    let modules = shipped_modules().map_err(internal)?;
    let mut added = 0;
    for (n, module) in modules.iter().enumerate() {
        let mut tx = db::begin_write(pool).await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM training_modules WHERE code = $1")
                .bind(&module.code)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            insert_module(&mut tx, module, n as i64 + 1).await?;
            added += 1;
        }
        tx.commit().await?;
    }
    Ok(added)
}

async fn insert_module(conn: &mut Conn, module: &ShippedModule, position: i64) -> AppResult<()> {
    let module_id: i64 = sqlx::query_scalar(
        "INSERT INTO training_modules (code, position, gates_scoring, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&module.code)
    .bind(position)
    .bind(module.gates_scoring)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await?;
    let content = ModuleDraft {
        module_id,
        version: 1,
        revision: 1,
        stored: true,
        published_version: None,
        title: module.title.clone(),
        summary: module.summary.clone(),
        sources: module.sources.clone(),
        settings: module.settings,
        lessons: module.lessons.clone(),
        questions: module.questions.clone(),
        documents: vec![],
    };
    super::editor::insert_version(conn, &content, "published").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::shipped_set;
    use crate::domain::training::{check_worked_example, WorkedExample};

    #[test]
    fn every_shipped_module_reads_and_its_quiz_could_be_published() {
        let modules = shipped_modules().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(modules.len(), 3);
        for m in &modules {
            assert!(
                m.lessons.len() >= 3,
                "{}: {} lessons",
                m.code,
                m.lessons.len()
            );
            assert!(!m.sources.is_empty(), "{} cites no source", m.code);
        }
        assert_eq!(
            modules
                .iter()
                .filter(|m| m.gates_scoring)
                .map(|m| m.code.as_str())
                .collect::<Vec<_>>(),
            ["cham-diem-danh-hieu"],
            "module 2 (scoring) is the one that gates scoring authority"
        );
    }

    #[test]
    fn every_listed_file_is_used() {
        let modules = shipped_modules().unwrap_or_else(|e| panic!("{e}"));
        let lessons: usize = modules.iter().map(|m| m.lessons.len()).sum();
        let markdown = FILES.iter().filter(|(p, _)| p.ends_with(".md")).count();
        assert_eq!(
            lessons, markdown,
            "a lesson file is listed but no module.json names it"
        );
    }

    #[test]
    fn shipped_text_is_nfc() {
        use unicode_normalization::is_nfc;
        for (path, text) in FILES {
            assert!(is_nfc(text), "{path} is not NFC");
        }
    }

    /// The worked examples of every lesson, as (lesson title, JSON), found as the renderer
    /// finds them.
    fn worked_examples(modules: &[ShippedModule]) -> Vec<(String, String)> {
        modules
            .iter()
            .flat_map(|m| m.lessons.iter())
            .flat_map(|l| {
                super::super::render::worked_example_blocks(&l.body_md)
                    .into_iter()
                    .map(|json| (l.title.clone(), json))
            })
            .collect()
    }

    #[test]
    fn the_worked_examples_of_module_2_agree_with_score() {
        let modules = shipped_modules().unwrap_or_else(|e| panic!("{e}"));
        let examples = worked_examples(&modules);
        assert!(
            examples.len() >= 4,
            "module 2 has {} worked examples",
            examples.len()
        );
        let mut kinds = std::collections::HashSet::new();
        for (lesson, json) in examples {
            let example: WorkedExample =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{lesson}: {e}\n{json}"));
            let set = shipped_set(&example.set)
                .unwrap_or_else(|| panic!("{lesson}: no shipped set {}", example.set));
            let check = check_worked_example(&example, &set)
                .unwrap_or_else(|e| panic!("{lesson}, {}: {e}", example.subject));
            assert!(
                check.disagreements.is_empty(),
                "{lesson}, {}: {}",
                example.subject,
                check.disagreements.join("; ")
            );
            kinds.insert(std::mem::discriminant(&set.rule));
        }
        assert_eq!(
            kinds.len(),
            3,
            "examples cover the pass-mark, grade-band and level rules"
        );
    }
}
