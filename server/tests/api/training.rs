//! Training: modules and lessons for trainees, quizzes graded on the server with keys that
//! never reach the browser early, attempt limits, the server's clock, resuming, and whose
//! attempts are whose.

use crate::cycle_support::{evaluation, full_marks, open_dossier, save, step, step_ok};
use crate::helpers::{error_message, spawn_app, spawn_app_with, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The demo trainee's client.
pub(crate) async fn trainee(app: &TestApp) -> Client {
    app.client_for("hocvien").await
}

/// A module's id by its code.
pub(crate) async fn module_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM training_modules WHERE code = $1")
        .bind(code)
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("module {code}: {e}"))
}

/// The stored options of a question: (text, correct), read from the database (the test's
/// side door; the trainee never sees this before submitting).
async fn key_of(app: &TestApp, question_id: i64) -> Vec<(String, bool)> {
    let options: String =
        sqlx::query_scalar("SELECT options FROM training_questions WHERE id = $1")
            .bind(question_id)
            .fetch_one(&app.db)
            .await
            .expect("the question exists");
    let options: Vec<Value> = serde_json::from_str(&options).expect("options are JSON");
    options
        .iter()
        .map(|o| {
            (
                o["text"].as_str().unwrap_or_default().to_string(),
                o["correct"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

/// The shown numbers of the options of `question` (from an attempt's JSON) that are correct,
/// or wrong when `right` is false (one wrong option: enough to get the question wrong).
async fn choose(app: &TestApp, question: &Value, right: bool) -> Vec<u32> {
    let key = key_of(app, question["question_id"].as_i64().expect("an id")).await;
    let correct = |text: &str| key.iter().any(|(t, c)| t == text && *c);
    let shown: Vec<(u32, bool)> = question["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| {
            (
                o["shown"].as_u64().expect("shown") as u32,
                correct(o["text"].as_str().expect("text")),
            )
        })
        .collect();
    if right {
        shown.iter().filter(|(_, c)| *c).map(|(n, _)| *n).collect()
    } else {
        vec![shown.iter().find(|(_, c)| !*c).expect("a wrong option").0]
    }
}

pub(crate) async fn start(client: &Client, module: i64) -> Value {
    client
        .ok("training/attempt/start", json!({ "module_id": module }))
        .await
}

async fn answer(
    client: &Client,
    attempt: i64,
    question: i64,
    chosen: &[u32],
) -> (StatusCode, Value) {
    client
        .post_fn(
            "training/attempt/answer",
            json!({ "input": { "attempt_id": attempt, "question_id": question, "chosen": chosen } }),
        )
        .await
}

/// Answers every question of `attempt` (right or wrong) and submits it.
pub(crate) async fn take(app: &TestApp, client: &Client, attempt: &Value, right: bool) -> Value {
    let id = attempt["attempt_id"].as_i64().expect("an attempt id");
    for q in attempt["questions"].as_array().expect("questions") {
        let chosen = choose(app, q, right).await;
        let (status, body) =
            answer(client, id, q["question_id"].as_i64().expect("id"), &chosen).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    client
        .ok("training/attempt/submit", json!({ "attempt_id": id }))
        .await
}

/// Every explanation of a module's bank (texts a trainee must not see before submitting).
async fn explanations(app: &TestApp, module: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT q.explanation FROM training_questions q JOIN training_module_versions v ON v.id = q.version_id
         WHERE v.module_id = $1",
    )
    .bind(module)
    .fetch_all(&app.db)
    .await
    .expect("explanations")
}

#[tokio::test]
async fn a_trainee_sees_the_shipped_modules_and_reading_resumes_where_they_left() {
    let app = spawn_app().await;
    let client = trainee(&app).await;

    let cards = client.ok("training/modules", json!({})).await;
    let cards = cards.as_array().expect("a list");
    assert_eq!(cards.len(), 3, "{cards:?}");
    let first = &cards[0];
    assert_eq!(first["lessons_read"], 0);
    assert_eq!(first["next"], json!({ "Lesson": 1 }));
    assert!(first["lesson_count"].as_u64().unwrap_or(0) >= 3);
    let gating: Vec<&str> = cards
        .iter()
        .filter(|c| c["gates_scoring"] == true)
        .map(|c| c["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(gating, ["cham-diem-danh-hieu"]);

    let id = first["module_id"].as_i64().expect("an id");
    let lesson = client
        .ok("training/lesson", json!({ "module_id": id, "position": 2 }))
        .await;
    assert!(
        lesson["html"].as_str().unwrap_or_default().contains("<p>"),
        "{lesson}"
    );
    assert_eq!(lesson["lessons"][1]["read"], true);
    assert_eq!(lesson["lessons"][0]["read"], false);

    let cards = client.ok("training/modules", json!({})).await;
    assert_eq!(cards[0]["lessons_read"], 1);
    assert_eq!(cards[0]["resume_at"], 2);
    assert_eq!(cards[0]["next"], json!({ "Lesson": 2 }));

    // The trainee's home page lists the modules with the next step.
    let home = client
        .get_page("/")
        .await
        .text()
        .await
        .expect("the home page");
    assert!(
        home.contains("Tập huấn của tôi"),
        "the home page has no training section"
    );
    assert!(
        home.contains(&format!("/tap-huan/{id}/bai/2")),
        "the next step is not linked"
    );

    let (status, _) = client
        .post_fn(
            "training/lesson",
            json!({ "module_id": id, "position": 99 }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_leader_cannot_take_training_and_a_visitor_must_sign_in() {
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let (status, _) = leader.post_fn("training/modules", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.client().post_fn("training/modules", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn answer_keys_are_absent_from_attempt_json_and_the_quiz_page_before_submission() {
    let app = spawn_app().await;
    let client = trainee(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    let explained = explanations(&app, module).await;
    assert!(explained.len() >= 10);

    let attempt = start(&client, module).await;
    let text = attempt.to_string();
    assert!(
        !text.contains("correct"),
        "the attempt carries a key: {text}"
    );
    assert!(
        !text.contains("explanation"),
        "the attempt carries explanations: {text}"
    );
    for e in &explained {
        assert!(
            !text.contains(e.as_str()),
            "an explanation leaked into the attempt"
        );
    }
    // An answer's receipt and the quiz's rules do not carry them either.
    let q = &attempt["questions"][0];
    let (_, receipt) = answer(
        &client,
        attempt["attempt_id"].as_i64().unwrap(),
        q["question_id"].as_i64().unwrap(),
        &[0],
    )
    .await;
    let intro = client
        .ok("training/quiz", json!({ "module_id": module }))
        .await;
    for body in [receipt.to_string(), intro.to_string()] {
        assert!(
            !body.contains("correct") && !body.contains("explanation"),
            "{body}"
        );
    }
    // The result of an attempt not yet submitted is refused, so the key cannot be read early.
    let (status, _) = client
        .post_fn(
            "training/attempt/result",
            json!({ "attempt_id": attempt["attempt_id"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let page = client
        .get_page(&format!("/tap-huan/{module}/kiem-tra"))
        .await
        .text()
        .await
        .expect("the quiz page");
    assert!(page.contains("Bài kiểm tra"), "not the quiz page");
    for e in &explained {
        assert!(
            !page.contains(e.as_str()),
            "an explanation is in the quiz page's HTML"
        );
    }
    assert!(
        !page.contains("\"correct\""),
        "the quiz page's HTML carries a key"
    );
}

#[tokio::test]
async fn the_browser_bundle_holds_no_training_content() {
    let app = spawn_app().await;
    let wasm =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site/pkg/khuyen-hoc.wasm");
    let bundle = std::fs::read(&wasm).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (build the bundle first: cargo leptos build --release)",
            wasm.display()
        )
    });
    let texts: Vec<String> = sqlx::query_scalar(
        "SELECT explanation FROM training_questions UNION ALL SELECT prompt FROM training_questions
         UNION ALL SELECT options FROM training_questions UNION ALL SELECT body_md FROM training_lessons",
    )
    .fetch_all(&app.db)
    .await
    .expect("the shipped content");
    assert!(texts.len() > 30);
    let mut leaked = Vec::new();
    for t in &texts {
        // A distinctive stretch of each text (long enough not to match by chance).
        let probe: String = t.chars().take(60).collect();
        if probe.chars().count() >= 24 && bundle.windows(probe.len()).any(|w| w == probe.as_bytes())
        {
            leaked.push(probe);
        }
    }
    assert!(
        leaked.is_empty(),
        "training content compiled into the bundle: {leaked:?}"
    );
}

#[tokio::test]
async fn a_pass_completes_the_module_at_once_and_explains_every_question() {
    let app = spawn_app().await;
    let client = trainee(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    let attempt = start(&client, module).await;
    let result = take(&app, &client, &attempt, true).await;
    assert_eq!(result["passed"], true, "{result}");
    assert_eq!(result["percent"], 100);
    assert!(result["completed_at"].is_string(), "{result}");
    let items = result["items"].as_array().expect("items");
    assert_eq!(items.len(), attempt["questions"].as_array().unwrap().len());
    for item in items {
        assert!(!item["explanation"].as_str().unwrap_or_default().is_empty());
        assert_eq!(item["answered_correctly"], true);
    }
    let completions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM training_completions c JOIN users u ON u.id = c.user_id
         WHERE u.username = 'hocvien' AND c.module_id = $1",
    )
    .bind(module)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(completions, 1);
    let cards = client.ok("training/modules", json!({})).await;
    let card = cards
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["module_id"] == module)
        .unwrap()
        .clone();
    assert_eq!(card["next"], "Done", "{card}");

    // Submitting again returns the same result; a completed module starts no new attempt.
    let again = client
        .ok(
            "training/attempt/submit",
            json!({ "attempt_id": attempt["attempt_id"] }),
        )
        .await;
    assert_eq!(again["submitted_at"], result["submitted_at"]);
    let (status, body) = client
        .post_fn("training/attempt/start", json!({ "module_id": module }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let q = &attempt["questions"][0];
    let (status, _) = answer(
        &client,
        attempt["attempt_id"].as_i64().unwrap(),
        q["question_id"].as_i64().unwrap(),
        &[0],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a submitted attempt takes no answer"
    );
}

#[tokio::test]
async fn a_failed_attempt_can_be_retaken_until_the_limit() {
    let app = spawn_app().await;
    let client = trainee(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    let limit: i64 = sqlx::query_scalar(
        "SELECT attempt_limit FROM training_module_versions WHERE module_id = $1 AND status = 'published'",
    )
    .bind(module)
    .fetch_one(&app.db)
    .await
    .expect("the module has an attempt limit");
    let mut ids = BTreeSet::new();
    for n in 1..=limit {
        let attempt = start(&client, module).await;
        ids.insert(attempt["attempt_id"].as_i64().unwrap());
        let result = take(&app, &client, &attempt, false).await;
        assert_eq!(result["passed"], false);
        assert_eq!(result["percent"], 0);
        assert_eq!(result["attempts_left"], limit - n, "{result}");
    }
    assert_eq!(ids.len() as i64, limit, "each retake is a new attempt");
    let (status, body) = client
        .post_fn("training/attempt/start", json!({ "module_id": module }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = error_message(&body, "BadRequest").unwrap_or_default();
    assert!(message.contains("hết"), "{body}");
}

#[tokio::test]
async fn each_attempt_draws_its_questions_at_random_and_shuffles_the_options() {
    let app = spawn_app().await;
    let client = trainee(&app).await;
    let module = module_id(&app, "cham-diem-danh-hieu").await;
    sqlx::query("UPDATE training_module_versions SET attempt_limit = NULL WHERE module_id = $1")
        .bind(module)
        .execute(&app.db)
        .await
        .unwrap();
    let per_attempt: i64 = sqlx::query_scalar(
        "SELECT questions_per_attempt FROM training_module_versions WHERE module_id = $1 AND status = 'published'",
    )
    .bind(module)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut draws = BTreeSet::new();
    let mut shuffled = false;
    for _ in 0..12 {
        let attempt = start(&client, module).await;
        let questions = attempt["questions"].as_array().unwrap();
        let drawn: BTreeSet<i64> = questions
            .iter()
            .map(|q| q["question_id"].as_i64().unwrap())
            .collect();
        assert_eq!(
            drawn.len() as i64,
            per_attempt,
            "distinct questions, as many as the quiz asks"
        );
        for q in questions {
            let key = key_of(&app, q["question_id"].as_i64().unwrap()).await;
            let shown: Vec<String> = q["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["text"].as_str().unwrap().to_string())
                .collect();
            let stored: Vec<String> = key.iter().map(|(t, _)| t.clone()).collect();
            let mut a = shown.clone();
            let mut b = stored.clone();
            a.sort();
            b.sort();
            assert_eq!(a, b, "every option is shown once");
            shuffled |= shown != stored;
        }
        draws.insert(drawn);
        client
            .ok(
                "training/attempt/submit",
                json!({ "attempt_id": attempt["attempt_id"] }),
            )
            .await;
    }
    assert!(draws.len() > 1, "12 attempts drew the same questions");
    assert!(shuffled, "options were never shuffled");
}

#[tokio::test]
async fn reopening_resumes_the_same_attempt_with_its_answers_and_time() {
    let app = spawn_app().await;
    let client = trainee(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    let attempt = start(&client, module).await;
    let id = attempt["attempt_id"].as_i64().unwrap();
    let q = &attempt["questions"][1];
    let chosen = choose(&app, q, true).await;
    let (status, saved) = answer(&client, id, q["question_id"].as_i64().unwrap(), &chosen).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["answered"], 1);

    // A new session (the old tab closed, the session expired): the same attempt comes back.
    let again = trainee(&app).await;
    let resumed = start(&again, module).await;
    assert_eq!(resumed["attempt_id"], id);
    assert_eq!(resumed["questions"][1]["chosen"], json!(chosen));
    assert_eq!(resumed["questions"][0]["chosen"], json!([]));
    assert_eq!(
        resumed["questions"],
        attempt["questions"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(n, q)| {
                let mut q = q.clone();
                if n == 1 {
                    q["chosen"] = json!(chosen);
                }
                q
            })
            .collect::<Value>(),
        "same questions, same order"
    );
    let (first, later) = (
        attempt["seconds_left"].as_i64(),
        resumed["seconds_left"].as_i64(),
    );
    if let (Some(first), Some(later)) = (first, later) {
        assert!(later <= first, "the time left does not grow back");
    }
}

#[tokio::test]
async fn the_time_limit_is_kept_by_the_servers_clock() {
    let app = spawn_app().await;
    let client = trainee(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    sqlx::query("UPDATE training_module_versions SET time_limit_minutes = 10 WHERE module_id = $1")
        .bind(module)
        .execute(&app.db)
        .await
        .unwrap();
    let attempt = start(&client, module).await;
    let id = attempt["attempt_id"].as_i64().unwrap();
    let left = attempt["seconds_left"].as_i64().expect("a time limit");
    assert!((590..=600).contains(&left), "{left}");
    let q = &attempt["questions"][0];
    let right = choose(&app, q, true).await;
    let (status, _) = answer(&client, id, q["question_id"].as_i64().unwrap(), &right).await;
    assert_eq!(status, StatusCode::OK);

    // The deadline passes (the clock is the server's: the browser's countdown decides nothing).
    sqlx::query("UPDATE training_attempts SET deadline = $2 WHERE id = $1")
        .bind(id)
        .bind(chrono::Utc::now() - chrono::Duration::seconds(1))
        .execute(&app.db)
        .await
        .unwrap();
    let q2 = &attempt["questions"][1];
    let right2 = choose(&app, q2, true).await;
    let (status, body) = answer(&client, id, q2["question_id"].as_i64().unwrap(), &right2).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.to_string().contains("hết giờ"), "{body}");
    let result = client
        .ok("training/attempt/result", json!({ "attempt_id": id }))
        .await;
    assert_eq!(result["timed_out"], true);
    assert_eq!(
        result["correct"], 1,
        "graded with the answer saved in time, not the late one"
    );
}

#[tokio::test]
async fn a_trainee_cannot_touch_another_trainees_attempt() {
    let app = spawn_app().await;
    let owner = trainee(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    let attempt = take(&app, &owner, &start(&owner, module).await, false).await;
    let id = attempt["attempt_id"].as_i64().unwrap();
    let open = start(&owner, module).await;
    let open_id = open["attempt_id"].as_i64().unwrap();

    let other = app.new_user("hocvien.khac", "Trainee", "51-TB-01").await;
    for (path, body) in [
        ("training/attempt/result", json!({ "attempt_id": id })),
        ("training/attempt/submit", json!({ "attempt_id": open_id })),
        (
            "training/attempt/answer",
            json!({ "input": { "attempt_id": open_id, "question_id": open["questions"][0]["question_id"], "chosen": [0] } }),
        ),
    ] {
        let (status, answer) = other.post_fn(path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
    }
    // Their own list knows nothing of the owner's attempts.
    let cards = other.ok("training/modules", json!({})).await;
    assert!(cards
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["attempts_used"] == 0));
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT correct_count FROM training_attempts WHERE id = $1")
            .bind(open_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, None, "the other trainee's submit did nothing");
}

#[tokio::test]
async fn a_single_choice_question_takes_one_option_and_bad_numbers_are_refused() {
    let app = spawn_app().await;
    let client = trainee(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    let attempt = start(&client, module).await;
    let id = attempt["attempt_id"].as_i64().unwrap();
    let single = attempt["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["multiple"] == false)
        .expect("a single-choice question")
        .clone();
    let qid = single["question_id"].as_i64().unwrap();
    let (status, body) = answer(&client, id, qid, &[0, 1]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = answer(&client, id, qid, &[42]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = answer(&client, id, 999_999, &[0]).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a question not drawn for this attempt"
    );
}

/// A household of Trà Bùi (the commune of the demo's untrained officer `canbo.trabui`),
/// registered, opened and fully scored by her; returns the evaluation id.
async fn scored_by_untrained_officer(app: &TestApp, officer: &Client) -> i64 {
    let household = app.household_in_commune("51-TB-03").await;
    let dossier = open_dossier(app, officer, "household", household).await;
    let view = evaluation(officer, dossier.evaluation).await;
    let (status, body) = save(officer, &view, full_marks(&view)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "scoring is not gated, only submitting: {body}"
    );
    dossier.evaluation
}

#[tokio::test]
async fn an_officer_without_the_scoring_module_cannot_submit_and_is_told_why() {
    let app = spawn_app().await;
    let officer = app.client_for("canbo.trabui").await;
    let id = scored_by_untrained_officer(&app, &officer).await;
    let gate = officer.ok("training/scoring-gate", json!({})).await;
    assert_eq!(gate["blocked"], true, "{gate}");
    let module = module_id(&app, "cham-diem-danh-hieu").await;
    assert_eq!(gate["module_id"], module);

    let version = evaluation(&officer, id).await["version"].clone();
    let (status, body) = step(&officer, id, &version, "Submit", json!([]), "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let message = error_message(&body, "Forbidden").unwrap_or_default();
    assert!(
        message.contains("Chấm điểm các danh hiệu"),
        "the refusal names the module: {body}"
    );

    // She takes module 2 and passes: the same submit now goes through.
    let result = take(&app, &officer, &start(&officer, module).await, true).await;
    assert_eq!(result["passed"], true);
    let gate = officer.ok("training/scoring-gate", json!({})).await;
    assert_eq!(gate["blocked"], false);
    step_ok(&officer, id, "Submit", json!([]), "").await;
}

#[tokio::test]
async fn the_trained_demo_reviewer_approves_and_the_gate_can_be_switched_off() {
    let app = spawn_app_with(|c| c.training_gates_scoring = false).await;
    let officer = app.client_for("canbo.trabui").await;
    let id = scored_by_untrained_officer(&app, &officer).await;
    step_ok(&officer, id, "Submit", json!([]), "").await;
    let gate = officer.ok("training/scoring-gate", json!({})).await;
    assert_eq!(
        gate["blocked"], false,
        "switched off, nothing is blocked: {gate}"
    );
    let reviewer = app.client_for("xetduyet").await;
    step_ok(&reviewer, id, "Approve", json!([]), "").await;
}

#[tokio::test]
async fn a_completion_certificate_verifies_publicly_with_name_module_date_and_unit_only() {
    let app = spawn_app().await;
    let client = trainee(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    let (status, _) = client
        .post_fn("training/certificate", json!({ "module_id": module }))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no certificate before completing"
    );
    take(&app, &client, &start(&client, module).await, true).await;

    let cert = client
        .ok("training/certificate", json!({ "module_id": module }))
        .await;
    assert_eq!(cert["full_name"], "Đinh Văn Sáu");
    assert_eq!(cert["issuing_unit"], "Huyện Trà Bồng");
    let code = cert["verify_code"].as_str().expect("a code").to_string();
    assert_eq!(code.len(), 12);
    let page = client
        .get_page(&format!("/tap-huan/{module}/chung-nhan"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Đinh Văn Sáu") && page.contains(&code),
        "the printable certificate"
    );

    // Anyone may verify, and learns the name, module, date and unit, nothing else.
    let visitor = app.client();
    let public = visitor
        .ok("training/verify", json!({ "code": code.to_lowercase() }))
        .await;
    let mut keys: Vec<&str> = public
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["completed_on", "full_name", "issuing_unit", "module_title"]
    );
    assert_eq!(public["full_name"], "Đinh Văn Sáu");
    let page = visitor.get_page(&format!("/xac-minh/{code}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Chứng nhận tập huấn hợp lệ") && page.contains("Đinh Văn Sáu"));
    let wrong = visitor.get_page("/xac-minh/ZZZZZZZZZZZZ").await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);

    // Another trainee has no certificate of that module.
    let other = app.new_user("hocvien.khac", "Trainee", "51-TB-01").await;
    let (status, _) = other
        .post_fn("training/certificate", json!({ "module_id": module }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The row of `name` in a progress answer.
pub(crate) fn progress_row<'a>(progress: &'a Value, name: &str) -> &'a Value {
    progress["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row {name}: {progress}"))
}

#[tokio::test]
async fn the_leader_sees_officers_trained_per_commune_and_a_completion_at_once() {
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let progress = leader
        .ok("training/progress", json!({ "unit_id": null }))
        .await;
    assert_eq!(progress["unit_name"], "Huyện Trà Bồng");
    // The demo's named officers and reviewer (four, of whom canbo.trabui is not trained) and
    // two officers per commune, two in five of them trained (backend/demo/training.rs).
    assert_eq!(
        progress["total"]["officers"],
        4 + 32,
        "{}",
        progress["total"]
    );
    assert_eq!(progress["total"]["trained"], 3 + 14);
    assert_eq!(progress_row(&progress, "Xã Trà Bình")["trained"], 1);
    assert_eq!(progress_row(&progress, "Xã Trà Bùi")["officers"], 3);
    assert_eq!(progress_row(&progress, "Xã Trà Bùi")["trained"], 1);
    assert!(
        progress["total"]["attended"].as_u64().unwrap() > 16,
        "the demo's conference"
    );
    let before = progress_row(&progress, "Xã Trà Bình")["completions"]
        .as_u64()
        .unwrap();
    let attempts_before = progress_row(&progress, "Xã Trà Bình")["attempts"]
        .as_u64()
        .unwrap();

    // The trainee of Trà Bình passes module 1: the next read shows it, no batch job between.
    let trainee = trainee(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    take(&app, &trainee, &start(&trainee, module).await, true).await;
    let progress = leader
        .ok("training/progress", json!({ "unit_id": null }))
        .await;
    let row = progress_row(&progress, "Xã Trà Bình");
    assert_eq!(row["completions"].as_u64().unwrap(), before + 1, "{row}");
    assert_eq!(row["attempts"].as_u64().unwrap(), attempts_before + 1);
    assert!(row["average_percent"].as_u64().unwrap() > 0);

    // Drill down to the commune: its villages.
    let commune = app.unit_id("51-TB-02").await;
    let down = leader
        .ok("training/progress", json!({ "unit_id": commune }))
        .await;
    assert_eq!(down["unit_name"], "Xã Trà Bình");
    let trail: Vec<&str> = down["trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        trail,
        ["Huyện Trà Bồng", "Xã Trà Bình"],
        "the breadcrumb stops at the leader's scope"
    );
    assert!(down["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["has_children"] == false));

    // The table exports.
    let res = leader
        .get(&format!(
            "/export/training-progress.xlsx?unit_id={}",
            app.unit_id("51-TB").await
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let rows = crate::helpers::read_xlsx(&res.bytes().await.unwrap());
    assert_eq!(rows[1][0], "Huyện Trà Bồng");
    assert!(rows.iter().any(|r| r[0] == "Xã Trà Bùi"), "{rows:?}");
}

#[tokio::test]
async fn training_progress_stays_within_the_callers_scope() {
    let app = spawn_app().await;
    let leader = app.client_for("lanhdao").await;
    let province = app.unit_id("51").await;
    let (status, _) = leader
        .post_fn("training/progress", json!({ "unit_id": province }))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the province lies above the leader's district"
    );
    let officer = app.client_for("canbo.traxuan").await;
    let other_commune = app.unit_id("51-TB-02").await;
    let (status, _) = officer
        .post_fn("training/progress", json!({ "unit_id": other_commune }))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an officer sees only their own commune"
    );
    let res = officer
        .get(&format!(
            "/export/training-progress.xlsx?unit_id={other_commune}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, _) = trainee(&app)
        .await
        .post_fn("training/progress", json!({ "unit_id": null }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a trainee has no dashboard");
}

#[tokio::test]
async fn malformed_training_requests_get_a_clear_vietnamese_answer() {
    let app = spawn_app().await;
    let client = trainee(&app).await;
    for (path, body) in [
        (
            "training/lesson",
            json!({ "module_id": "một", "position": 1 }),
        ),
        ("training/lesson", json!({ "module_id": 1, "position": -3 })),
        (
            "training/attempt/answer",
            json!({ "input": { "attempt_id": 1 } }),
        ),
        ("training/attempt/start", json!({})),
    ] {
        let (status, answer) = client.post_fn(path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
        let message = error_message(&answer, "BadRequest").unwrap_or_default();
        assert!(message.contains("không hợp lệ"), "{path}: {answer}");
    }
    // A hand-edited address reads as "not found", in words, not as a broken page.
    for path in [
        "/tap-huan/abc/bai/1",
        "/tap-huan/1/bai/0",
        "/tap-huan/ket-qua/999999",
        "/tap-huan/999/kiem-tra",
    ] {
        let page = client.get_page(path).await.text().await.unwrap();
        assert!(
            page.contains("Không tìm thấy"),
            "{path} does not say what is missing"
        );
    }
    let (status, _) = app
        .client_for("lanhdao")
        .await
        .post_fn("training/progress", json!({ "unit_id": 987654 }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
