//! Training as administrators run it: the module editor (drafts invisible to trainees, a new
//! version on every edit of a published module, completions kept, order, who may edit) and
//! in-person sessions (delegates picked or pasted, attendance that completes the session's
//! modules and shows in progress, the sign-in sheet, scope).

use crate::helpers::{assert_forbidden, error_message, invalid_fields, spawn_app, Client, TestApp};
use crate::training::{module_id, progress_row, start, take, trainee};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A question for a draft: option `right` of three is the correct one.
fn question(n: usize) -> Value {
    json!({
        "prompt": format!("Câu hỏi thử số {n}?"),
        "multiple": false,
        "options": [
            { "text": format!("Đúng {n}"), "correct": true },
            { "text": format!("Sai {n}a"), "correct": false },
            { "text": format!("Sai {n}b"), "correct": false },
        ],
        "explanation": format!("Giải thích câu {n}."),
    })
}

/// The draft `draft` with `lessons` lessons and `questions` questions, ready to save.
fn filled(mut draft: Value, lessons: usize, questions: usize) -> Value {
    draft["summary"] = json!("Học phần thử của kiểm thử.");
    draft["settings"] = json!({ "pass_percent": 60, "questions_per_attempt": 2, "attempt_limit": 2, "time_limit_minutes": null });
    draft["lessons"] = (1..=lessons)
        .map(|n| json!({ "title": format!("Bài thử {n}"), "body_md": format!("Nội dung **bài {n}**.") }))
        .collect();
    draft["questions"] = (1..=questions).map(question).collect();
    draft
}

fn titles(modules: &Value) -> Vec<String> {
    modules
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| m["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn admin(app: &TestApp) -> Client {
    app.client_for("quantri").await
}

#[tokio::test]
async fn a_draft_is_invisible_until_published_and_an_edit_makes_a_new_version_that_keeps_completions(
) {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let trainee = trainee(&app).await;
    let before = titles(&trainee.ok("training/modules", json!({})).await);

    let draft = admin
        .ok(
            "training/editor/create",
            json!({ "title": "  Học phần   thử nghiệm " }),
        )
        .await;
    assert_eq!(
        draft["title"], "Học phần thử nghiệm",
        "the title is cleaned"
    );
    let id = draft["module_id"].as_i64().unwrap();
    assert_eq!(
        titles(&trainee.ok("training/modules", json!({})).await),
        before,
        "a draft is invisible"
    );
    let (status, _) = trainee
        .post_fn("training/lesson", json!({ "module_id": id, "position": 1 }))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a draft's lesson is not there for trainees"
    );

    // Publishing an unsound draft is refused with why; the draft stays.
    let saved = admin
        .ok(
            "training/editor/save",
            json!({ "draft": filled(draft, 2, 3) }),
        )
        .await;
    let (status, body) = admin
        .post_fn(
            "training/editor/publish",
            json!({ "module_id": id, "revision": saved["revision"] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        error_message(&body, "BadRequest")
            .unwrap_or_default()
            .contains("ít nhất 4 câu"),
        "the bank must hold twice an attempt: {body}"
    );
    let saved = admin
        .ok(
            "training/editor/save",
            json!({ "draft": filled(saved, 2, 4) }),
        )
        .await;
    admin
        .ok(
            "training/editor/publish",
            json!({ "module_id": id, "revision": saved["revision"] }),
        )
        .await;
    let listed = titles(&trainee.ok("training/modules", json!({})).await);
    assert_eq!(listed.len(), before.len() + 1);
    assert_eq!(
        listed.last().map(String::as_str),
        Some("Học phần thử nghiệm"),
        "a new module comes last"
    );

    // The trainee passes version 1.
    take(&app, &trainee, &start(&trainee, id).await, true).await;
    let completed_on: i64 = sqlx::query_scalar(
        "SELECT v.version FROM training_completions c JOIN training_module_versions v ON v.id = c.version_id
         JOIN users u ON u.id = c.user_id WHERE u.username = 'hocvien' AND c.module_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(completed_on, 1);

    // Editing starts from a copy of version 1, not stored until saved; trainees keep reading 1.
    let copy = admin
        .ok("training/editor/draft", json!({ "module_id": id }))
        .await;
    assert_eq!(
        (
            copy["version"].as_i64(),
            copy["stored"].as_bool(),
            copy["revision"].as_i64()
        ),
        (Some(2), Some(false), Some(0))
    );
    let mut edited = copy.clone();
    edited["lessons"][0]["title"] = json!("Bài thử 1, sửa lại");
    let v2 = admin
        .ok("training/editor/save", json!({ "draft": edited }))
        .await;
    let lesson = trainee
        .ok("training/lesson", json!({ "module_id": id, "position": 1 }))
        .await;
    assert_eq!(
        lesson["title"], "Bài thử 1",
        "trainees read version 1 while version 2 is a draft"
    );

    // Two administrators on the same draft: the second save of revision N is refused (409).
    let (status, body) = admin
        .post_fn("training/editor/save", json!({ "draft": copy }))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a copy saved again over a stored draft: {body}"
    );
    let (status, _) = admin
        .post_fn(
            "training/editor/save",
            json!({ "draft": { "module_id": id, "revision": 99 } }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a malformed draft is refused"
    );
    let mut stale = v2.clone();
    stale["revision"] = json!(v2["revision"].as_i64().unwrap() - 1);
    let (status, _) = admin
        .post_fn("training/editor/save", json!({ "draft": stale }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale revision is refused");

    admin
        .ok(
            "training/editor/publish",
            json!({ "module_id": id, "revision": v2["revision"] }),
        )
        .await;
    let lesson = trainee
        .ok("training/lesson", json!({ "module_id": id, "position": 1 }))
        .await;
    assert_eq!(lesson["title"], "Bài thử 1, sửa lại");
    let statuses: Vec<String> = sqlx::query_scalar(
        "SELECT status FROM training_module_versions WHERE module_id = $1 ORDER BY version",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(statuses, ["superseded", "published"]);
    let cards = trainee.ok("training/modules", json!({})).await;
    let card = cards
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["module_id"] == id)
        .unwrap();
    assert!(
        card["completed_at"].is_string(),
        "the completion of version 1 stays: {card}"
    );
}

#[tokio::test]
async fn only_an_administrator_of_the_whole_tree_may_edit_modules() {
    let app = spawn_app().await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    let commune_admin = app.new_user("quantri.traxuan", "Admin", "51-TB-01").await;
    for client in [
        trainee(&app).await,
        app.client_for("canbo.traxuan").await,
        app.client_for("lanhdao").await,
        commune_admin,
    ] {
        for (path, body) in [
            ("training/editor/modules", json!({})),
            ("training/editor/draft", json!({ "module_id": module })),
            ("training/editor/create", json!({ "title": "Không được" })),
            (
                "training/editor/move",
                json!({ "module_id": module, "direction": "Down" }),
            ),
            (
                "training/editor/publish",
                json!({ "module_id": module, "revision": 1 }),
            ),
        ] {
            let (status, body) = client.post_fn(path, body).await;
            assert_forbidden(status, &body, path);
        }
    }
    let untouched: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM training_modules")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(untouched, 3);
}

#[tokio::test]
async fn modules_move_up_and_down_the_trainees_page_and_a_draft_can_be_discarded() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let third = module_id(&app, "chu-ky-tren-phan-mem").await;
    let listed = admin
        .ok(
            "training/editor/move",
            json!({ "module_id": third, "direction": "Up" }),
        )
        .await;
    assert_eq!(listed[1]["module_id"], third, "{listed}");
    let trainee = trainee(&app).await;
    let cards = trainee.ok("training/modules", json!({})).await;
    assert_eq!(
        cards[1]["module_id"], third,
        "the trainee's page follows the new order"
    );
    // The top one cannot go higher: nothing changes.
    let first = listed[0]["module_id"].as_i64().unwrap();
    let same = admin
        .ok(
            "training/editor/move",
            json!({ "module_id": first, "direction": "Up" }),
        )
        .await;
    assert_eq!(same, listed);

    // A new module's draft thrown away takes the module with it; an edit's draft leaves the
    // published version as it was.
    let draft = admin
        .ok("training/editor/create", json!({ "title": "Bỏ đi" }))
        .await;
    let after = admin
        .ok(
            "training/editor/discard",
            json!({ "module_id": draft["module_id"], "revision": draft["revision"] }),
        )
        .await;
    assert_eq!(after.as_array().unwrap().len(), 3, "{after}");
    let copy = admin
        .ok("training/editor/draft", json!({ "module_id": third }))
        .await;
    let stored = admin
        .ok("training/editor/save", json!({ "draft": copy }))
        .await;
    admin
        .ok(
            "training/editor/discard",
            json!({ "module_id": third, "revision": stored["revision"] }),
        )
        .await;
    let lesson = trainee
        .ok(
            "training/lesson",
            json!({ "module_id": third, "position": 1 }),
        )
        .await;
    assert_eq!(lesson["version"], 1);
}

/// Records a session of the district on module 1, held `days_ago` days ago.
async fn district_session(app: &TestApp, admin: &Client, days_ago: i64) -> Value {
    let held_on = chrono::Utc::now().date_naive() - chrono::Duration::days(days_ago);
    admin
        .ok(
            "training/sessions/save",
            json!({ "input": {
                "session_id": null, "version": 0,
                "title": "Hội nghị tập huấn thử", "held_on": held_on.to_string(),
                "place": "Hội trường huyện", "unit_id": app.unit_id("51-TB").await,
                "agenda": "Học phần 1", "module_ids": [module_id(app, "xa-hoi-hoc-tap").await],
            } }),
        )
        .await
}

fn attendee<'a>(session: &'a Value, name: &str) -> &'a Value {
    session["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["full_name"] == name)
        .unwrap_or_else(|| panic!("no delegate {name}: {session}"))
}

async fn session_completions(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM training_completions c JOIN users u ON u.id = c.user_id
         WHERE u.username = $1 AND c.session_id IS NOT NULL",
    )
    .bind(username)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn attendance_at_a_session_completes_its_modules_and_shows_in_progress() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let leader = app.client_for("lanhdao").await;
    let progress = leader
        .ok("training/progress", json!({ "unit_id": null }))
        .await;
    let attended_before = progress_row(&progress, "Xã Trà Bùi")["attended"]
        .as_u64()
        .unwrap();
    let session = district_session(&app, &admin, 3).await;
    let id = session["session_id"].as_i64().unwrap();

    // Pick the untrained officer of Trà Bùi from the unit's users.
    let choices = admin
        .ok(
            "training/sessions/choices",
            json!({ "session_id": id, "query": "dinh thi mai" }),
        )
        .await;
    let mai = choices
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["full_name"] == "Đinh Thị Mai")
        .unwrap_or_else(|| panic!("the search ignores accents: {choices}"))["user_id"]
        .clone();
    admin
        .ok(
            "training/sessions/add",
            json!({ "session_id": id, "user_ids": [mai] }),
        )
        .await;

    // Paste a list: a header, two good lines (one naming a commune, one with commas), a
    // formula, and an empty line.
    let pasted = "Họ và tên\tĐơn vị\tChức vụ\nHà Văn Nam\txã trà bùi\tChủ tịch Hội\n\n=HYPERLINK(\"x\")\tXã Trà Bùi\tX\nLê Thị Hoa, Thôn 1, Xã Trà Bình, Hội viên\n";
    let imported = admin
        .ok(
            "training/sessions/import",
            json!({ "session_id": id, "text": pasted }),
        )
        .await;
    assert_eq!(imported["added"], 2, "{imported}");
    assert_eq!(
        imported["refused"].as_array().unwrap().len(),
        1,
        "{imported}"
    );
    assert_eq!(imported["refused"][0]["line"], 4);
    let detail = &imported["detail"];
    assert_eq!(
        attendee(detail, "Hà Văn Nam")["unit_name"],
        "Xã Trà Bùi",
        "the unit is matched to the tree"
    );
    assert_eq!(
        attendee(detail, "Lê Thị Hoa")["unit_name"],
        "Thôn 1, Xã Trà Bình"
    );
    assert_eq!(attendee(detail, "Lê Thị Hoa")["position"], "Hội viên");

    // Marking everyone present completes module 1 for the one with an account.
    let ids: Vec<i64> = detail["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attendee_id"].as_i64().unwrap())
        .collect();
    admin
        .ok(
            "training/sessions/attendance",
            json!({ "session_id": id, "attendee_ids": ids, "attended": true }),
        )
        .await;
    assert_eq!(session_completions(&app, "canbo.trabui").await, 1);
    let progress = leader
        .ok("training/progress", json!({ "unit_id": null }))
        .await;
    assert_eq!(
        progress_row(&progress, "Xã Trà Bùi")["attended"]
            .as_u64()
            .unwrap(),
        attended_before + 2,
        "Mai and Nam count in Trà Bùi"
    );
    let mai_client = app.client_for("canbo.trabui").await;
    let cards = mai_client.ok("training/modules", json!({})).await;
    assert!(
        cards[0]["completed_at"].is_string(),
        "module 1 shows as completed: {}",
        cards[0]
    );

    // Taking the mark back takes back only what the session gave.
    let mai_row = attendee(detail, "Đinh Thị Mai")["attendee_id"].clone();
    admin
        .ok(
            "training/sessions/attendance",
            json!({ "session_id": id, "attendee_ids": [mai_row], "attended": false }),
        )
        .await;
    assert_eq!(session_completions(&app, "canbo.trabui").await, 0);

    // The sign-in sheet lists the delegates, with blank lines for those who come unlisted.
    let sheet = admin
        .get_page(&format!("/tap-huan/hoi-nghi/{id}/ky-ten"))
        .await
        .text()
        .await
        .unwrap();
    for name in [
        "Đinh Thị Mai",
        "Hà Văn Nam",
        "Lê Thị Hoa",
        "DANH SÁCH ĐẠI BIỂU KÝ TÊN",
    ] {
        assert!(sheet.contains(name), "the sheet lacks {name}");
    }
    let page = admin
        .get_page(&format!("/tap-huan/hoi-nghi/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Hội nghị tập huấn thử"));
}

#[tokio::test]
async fn sessions_stay_within_the_organising_units_scope_and_are_checked() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let future = district_session(&app, &admin, -7).await;
    let id = future["session_id"].as_i64().unwrap();
    let imported = admin
        .ok(
            "training/sessions/import",
            json!({ "session_id": id, "text": "Hà Văn Nam\tXã Trà Bùi\tChủ tịch" }),
        )
        .await;
    let row = imported["detail"]["attendees"][0]["attendee_id"].clone();
    let (status, body) = admin
        .post_fn(
            "training/sessions/attendance",
            json!({ "session_id": id, "attendee_ids": [row], "attended": true }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a session not held yet cannot be marked: {body}"
    );

    // An administrator of one commune neither sees nor changes the district's session, and
    // cannot pick a user of another commune for a session of their own.
    let commune_admin = app.new_user("quantri.traxuan", "Admin", "51-TB-01").await;
    for (path, body) in [
        ("training/sessions/find", json!({ "session_id": id })),
        (
            "training/sessions/import",
            json!({ "session_id": id, "text": "Lê Văn An" }),
        ),
        (
            "training/sessions/attendance",
            json!({ "session_id": id, "attendee_ids": [row], "attended": false }),
        ),
    ] {
        let (status, body) = commune_admin.post_fn(path, body).await;
        assert_forbidden(status, &body, path);
    }
    let listed = commune_admin.ok("training/sessions", json!({})).await;
    assert_eq!(listed.as_array().unwrap().len(), 0, "{listed}");
    let own = commune_admin
        .ok(
            "training/sessions/save",
            json!({ "input": {
                "session_id": null, "version": 0, "title": "Tập huấn xã", "held_on": "2026-11-20",
                "place": "Nhà văn hóa", "unit_id": app.unit_id("51-TB-01").await, "agenda": "", "module_ids": [],
            } }),
        )
        .await;
    let other = app.user_id("canbo.trabinh").await;
    let (status, body) = commune_admin
        .post_fn(
            "training/sessions/add",
            json!({ "session_id": own["session_id"], "user_ids": [other] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // Bad input: every field's problem at once, in Vietnamese; an officer has no access.
    let (status, body) = admin
        .post_fn(
            "training/sessions/save",
            json!({ "input": {
                "session_id": null, "version": 0, "title": " ", "held_on": "31/12/2026",
                "place": "", "unit_id": null, "agenda": "", "module_ids": [],
            } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut fields = invalid_fields(&body);
    fields.sort();
    assert_eq!(fields, ["held_on", "place", "title", "unit_id"]);
    let (status, body) = app
        .client_for("canbo.traxuan")
        .await
        .post_fn("training/sessions", json!({}))
        .await;
    assert_forbidden(status, &body, "an officer lists sessions");

    // A stale edit is refused with the session as it is now.
    let mut input = json!({
        "session_id": id, "version": future["version"], "title": "Đổi tên", "held_on": "2026-11-01",
        "place": "Hội trường", "unit_id": app.unit_id("51-TB").await, "agenda": "", "module_ids": [],
    });
    admin
        .ok("training/sessions/save", json!({ "input": input.clone() }))
        .await;
    input["title"] = json!("Đổi tên lần nữa");
    let (status, _) = admin
        .post_fn("training/sessions/save", json!({ "input": input }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

/// A ZIP holding the named parts (each with a little text), as office files are made.
fn zip_of(parts: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        for part in parts {
            zip.start_file(*part, zip::write::SimpleFileOptions::default())
                .expect("a part starts");
            zip.write_all(b"<x/>").expect("a part is written");
        }
        zip.finish().expect("the zip is finished");
    }
    out.into_inner()
}

#[tokio::test]
async fn documents_are_typed_by_their_content_and_reach_trainees_with_the_published_version() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let module = module_id(&app, "xa-hoi-hoc-tap").await;
    let upload = format!("/training/modules/{module}/documents");
    let pdf = b"%PDF-1.4\n% ke hoach 386\n%%EOF\n".to_vec();

    let (status, body) = admin.post_file(&upload, "ke-hoach.pdf", pdf.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        error_message(&body, "BadRequest")
            .unwrap_or_default()
            .contains("lưu bản nháp"),
        "{body}"
    );
    let copy = admin
        .ok("training/editor/draft", json!({ "module_id": module }))
        .await;
    let draft = admin
        .ok("training/editor/save", json!({ "draft": copy }))
        .await;

    // Taken: a PDF, a real .xlsx, a .docx-shaped ZIP, whatever their names say.
    let workbook = crate::helpers::xlsx(&crate::helpers::rows(&[
        &["Chỉ tiêu", "Tỷ lệ"],
        &["Gia đình học tập", "60%"],
    ]));
    let docx = zip_of(&["[Content_Types].xml", "word/document.xml"]);
    for (name, bytes, kind) in [
        ("Kế hoạch 386.pdf", pdf.clone(), "PDF"),
        ("chi-tieu.xlsx", workbook, "Excel"),
        ("../../etc/huong-dan.bin", docx, "Word"),
    ] {
        let (status, body) = admin.post_file(&upload, name, bytes).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert_eq!(
            body.as_array().unwrap().last().unwrap()["kind"],
            kind,
            "{name}: {body}"
        );
    }
    // Refused, with why: a web page named .pdf, a file with macros, an old binary Office file,
    // a ZIP that is no document, an empty file.
    for (name, bytes, words) in [
        (
            "ke-hoach.pdf",
            b"<html><script>alert(1)</script></html>".to_vec(),
            "nội dung tệp này không phải",
        ),
        (
            "bang.docx",
            zip_of(&[
                "[Content_Types].xml",
                "word/document.xml",
                "word/vbaProject.bin",
            ]),
            "macro",
        ),
        (
            "cu.doc",
            [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0].to_vec(),
            "đời cũ",
        ),
        (
            "anh.docx",
            zip_of(&["anh.jpg"]),
            "nội dung tệp này không phải",
        ),
        ("rong.pdf", vec![], "rỗng"),
    ] {
        let (status, body) = admin.post_file(&upload, name, bytes).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
        let message = error_message(&body, "BadRequest").unwrap_or_default();
        assert!(message.contains(words), "{name}: {message}");
    }
    let listed = admin
        .ok("training/editor/draft", json!({ "module_id": module }))
        .await;
    let documents = listed["documents"].as_array().unwrap().clone();
    assert_eq!(documents.len(), 3, "{listed}");
    assert_eq!(
        documents[2]["filename"], "huong-dan.bin",
        "only the name's last part is kept"
    );

    // Trainees see none of it while it is a draft.
    let trainee = trainee(&app).await;
    let lesson = trainee
        .ok(
            "training/lesson",
            json!({ "module_id": module, "position": 1 }),
        )
        .await;
    assert_eq!(lesson["documents"], json!([]));
    let pdf_id = documents[0]["document_id"].as_i64().unwrap();
    let res = trainee.get(&format!("/tai-lieu-tap-huan/{pdf_id}")).await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a draft's document is not there for trainees"
    );

    // Removing one, then publishing: the lesson lists the two left, to open or save.
    let docx_id = documents[2]["document_id"].clone();
    let left = admin
        .ok(
            "training/editor/remove-document",
            json!({ "module_id": module, "document_id": docx_id }),
        )
        .await;
    assert_eq!(left.as_array().unwrap().len(), 2);
    let draft = admin
        .ok(
            "training/editor/draft",
            json!({ "module_id": draft["module_id"] }),
        )
        .await;
    admin
        .ok(
            "training/editor/publish",
            json!({ "module_id": module, "revision": draft["revision"] }),
        )
        .await;
    let lesson = trainee
        .ok(
            "training/lesson",
            json!({ "module_id": module, "position": 1 }),
        )
        .await;
    assert_eq!(lesson["documents"].as_array().unwrap().len(), 2, "{lesson}");
    let res = trainee.get(&format!("/tai-lieu-tap-huan/{pdf_id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    let xlsx_id = lesson["documents"][1]["document_id"].as_i64().unwrap();
    let res = trainee.get(&format!("/tai-lieu-tap-huan/{xlsx_id}")).await;
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
        "office files download"
    );
    let res = app
        .client()
        .get(&format!("/tai-lieu-tap-huan/{pdf_id}"))
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // A trainee cannot attach anything.
    let (status, _) = trainee.post_file(&upload, "x.pdf", pdf).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_delegate_list_imports_from_a_spreadsheet_by_its_column_names() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let session = district_session(&app, &admin, 1).await;
    let id = session["session_id"].as_i64().unwrap();
    // The columns in another order, with a number column first, and a bad row.
    let book = crate::helpers::xlsx(&crate::helpers::rows(&[
        &["STT", "Họ và tên", "Chức vụ", "Đơn vị"],
        &["1", "Võ Thị Lan", "Hiệu trưởng", "Xã Trà Sơn"],
        &["2", "@cmd", "Không rõ", "Xã Trà Sơn"],
        &["3", "Phan Văn Tín", "Trưởng thôn", "Thôn 2"],
    ]));
    let (status, done) = admin
        .post_file(
            &format!("/training/sessions/{id}/attendees"),
            "dai-bieu.xlsx",
            book,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["added"], 2, "{done}");
    assert_eq!(
        done["refused"][0]["line"], 3,
        "the row of the sheet: {done}"
    );
    let lan = attendee(&done["detail"], "Võ Thị Lan");
    assert_eq!(
        (lan["unit_name"].as_str(), lan["position"].as_str()),
        (Some("Xã Trà Sơn"), Some("Hiệu trưởng"))
    );
    // A file that is no list is refused with a Vietnamese message, and nothing is added.
    let (status, body) = admin
        .post_file(
            &format!("/training/sessions/{id}/attendees"),
            "dai-bieu.xlsx",
            b"\x00\x01 rac".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let found = admin
        .ok("training/sessions/find", json!({ "session_id": id }))
        .await;
    assert_eq!(found["attendees"].as_array().unwrap().len(), 2);
    // Only administrators of the organising unit may upload one.
    let (status, _) = app
        .client_for("canbo.traxuan")
        .await
        .post_file(
            &format!("/training/sessions/{id}/attendees"),
            "dai-bieu.xlsx",
            vec![1],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_editors_preview_renders_and_cleans_a_lesson_for_administrators_only() {
    let app = spawn_app().await;
    let html = admin(&app)
        .await
        .ok(
            "training/editor/preview",
            json!({ "body_md": "**Học** suốt đời <script>alert(1)</script> [x](javascript:alert(1))" }),
        )
        .await;
    let html = html.as_str().unwrap_or_default();
    assert!(html.contains("<strong>Học</strong>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
    let (status, body) = trainee(&app)
        .await
        .post_fn("training/editor/preview", json!({ "body_md": "x" }))
        .await;
    assert_forbidden(status, &body, "a trainee previews");
}
