//! The household list past the size where it changes plan (issue 8): 22,000 households imported
//! into one commune, so the province (and that commune) are read by index walk or by trigram
//! candidates and a small commune scope first. Every sort, both directions, with and without
//! searches, must give exactly the rows and order a brute-force filter and sort of the whole
//! table gives; totals must be exact where the page says so and a true lower bound where not.

use crate::helpers::{error_message, list_query, Client, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const BIG_COMMUNE: &str = "51-TB-02";

/// A household as the list sorts and filters it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    id: i64,
    search_key: String,
    place_key: String,
    member_count: i64,
    code: String,
    updated_at: String,
    active: bool,
    path: String,
}

async fn all_rows(app: &TestApp) -> Vec<Row> {
    sqlx::query_as(
        "SELECT h.id, h.search_key, h.place_key, h.member_count, h.code, h.updated_at, h.active, v.path
         FROM households h JOIN org_units v ON v.id = h.village_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// The ids a list should show: brute force over every row.
fn expected(
    rows: &[Row],
    scope: &str,
    words: &[&str],
    sort: &str,
    desc: bool,
    inactive: bool,
) -> Vec<i64> {
    let mut hits: Vec<&Row> = rows
        .iter()
        .filter(|r| r.path.starts_with(scope))
        .filter(|r| inactive || r.active)
        .filter(|r| words.iter().all(|w| r.search_key.contains(w)))
        .collect();
    // Byte order, as SQLite compares text; the id breaks ties, in the same direction.
    hits.sort_by(|a, b| {
        let key = |r: &Row| -> (i64, String, String) {
            match sort {
                "village" => (0, r.place_key.clone(), r.search_key.clone()),
                "members" => (r.member_count, r.search_key.clone(), String::new()),
                "code" => (0, r.code.clone(), r.search_key.clone()),
                "updated" => (0, r.updated_at.clone(), r.search_key.clone()),
                _ => (0, r.search_key.clone(), String::new()),
            }
        };
        key(a).cmp(&key(b)).then(a.id.cmp(&b.id))
    });
    if desc {
        hits.reverse();
    }
    hits.into_iter().map(|r| r.id).collect()
}

async fn page(client: &Client, query: Value) -> (StatusCode, Value) {
    client
        .post_fn("households/list", json!({ "query": query }))
        .await
}

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect()
}

/// 22,000 households in the big commune's villages, through the real import.
async fn fill(app: &TestApp, officer: &Client) {
    let villages: Vec<String> = sqlx::query_scalar(
        "SELECT v.code FROM org_units v JOIN org_units c ON c.id = v.parent_id
         WHERE c.code = $1 AND v.level = 'thon' ORDER BY v.code",
    )
    .bind(BIG_COMMUNE)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hồ", "Đinh", "Võ"];
    let given = [
        "An", "Bình", "Cường", "Dũng", "Lan", "Hoa", "Mai", "Thảo", "Xuân",
    ];
    for part in 0..2 {
        let mut csv = String::from("Mã thôn,Mã hộ,Họ tên chủ hộ,Địa chỉ,Điện thoại,Thành viên\n");
        for n in 0..11_000usize {
            let i = part * 11_000 + n;
            let members = (0..i % 4)
                .map(|_| "Hồ Thị Mây")
                .collect::<Vec<_>>()
                .join("; ");
            csv.push_str(&format!(
                "{},L{i:05},{} Văn {} {},Số {i} đường Lớn,,\"{members}\"\n",
                villages[i % villages.len()],
                surnames[i % 7],
                given[(i / 7) % 9],
                given[(i / 63) % 9],
            ));
        }
        let (status, upload) = officer
            .upload("households", "lon.csv", csv.into_bytes())
            .await;
        assert_eq!(status, StatusCode::OK, "{upload}");
        officer
            .ok(
                "import/commit",
                json!({ "batch_id": upload["batch_id"], "kind": "Households", "mapping": upload["suggested"] }),
            )
            .await;
    }
    // A few inactive ones, for the lists that include them.
    sqlx::query("UPDATE households SET active = 0 WHERE id % 97 = 0")
        .execute(&app.db)
        .await
        .unwrap();
    app::backend::counts::rebuild(&mut app.db.acquire().await.unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn every_plan_pages_and_searches_exactly_like_a_full_sort() {
    // Arrange
    let app = crate::helpers::spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let admin = app.client_for("quantri").await;
    let small = app.client_for("canbo.traxuan").await;
    fill(&app, &officer).await;
    let rows = all_rows(&app).await;
    let province = app.unit_path(app.unit_id("51").await).await;
    let big = app.unit_path(app.unit_id(BIG_COMMUNE).await).await;
    let little = app.unit_path(app.unit_id("51-TB-01").await).await;
    // (who, their scope, search, words the server checks): "duong" is in over 20,000 rows
    // (index walk with a search), "nguyen" in about 3,000 (trigram candidates), "an" has no
    // trigram (index walk, LIKE only); the small commune is read scope first.
    let cases: [(&Client, &str, &str, &[&str]); 7] = [
        (&admin, &province, "", &[]),
        (&admin, &province, "Nguyễn", &["nguyen"]),
        (&admin, &province, "đường", &["duong"]),
        (&admin, &province, "an", &["an"]),
        (&officer, &big, "nguyen van", &["nguyen", "van"]),
        (&small, &little, "", &[]),
        (&small, &little, "thi", &["thi"]),
    ];

    for (client, scope, q, words) in cases {
        for sort in ["", "village", "members", "code", "updated"] {
            for desc in [false, true] {
                for inactive in [false, true] {
                    let want = expected(&rows, scope, words, sort, desc, inactive);
                    let what = format!("q={q:?} sort={sort:?} desc={desc} inactive={inactive}");
                    // The first two pages and one deep in the list.
                    for page_no in [1i64, 2, 40] {
                        let query = list_query(json!({
                            "q": q, "sort": sort, "desc": desc, "include_inactive": inactive,
                            "page": page_no, "per_page": 200,
                        }));
                        let (status, body) = page(client, query).await;
                        assert_eq!(status, StatusCode::OK, "{what}: {body}");
                        let from = ((page_no - 1) * 200) as usize;
                        let slice: Vec<i64> = want.iter().skip(from).take(200).copied().collect();
                        assert_eq!(ids(&body), slice, "{what} page {page_no}");
                        let total = body["total"].as_i64().unwrap();
                        if body["more"] == json!(true) {
                            // A lower bound: what was seen, and one more.
                            assert!(total as usize <= want.len(), "{what}: {total}");
                            assert_eq!(total as usize, from + slice.len() + 1, "{what}");
                        } else if !slice.is_empty() || page_no == 1 {
                            assert_eq!(total as usize, want.len(), "{what}: total");
                        }
                    }
                }
            }
        }
    }

    // The page itself says when its total is only a lower bound: "duong" over the province is
    // read by index walk, so the first page of 25 knows of 26 and shows "more than 25".
    let html = admin
        .get_page("/ho-gia-dinh?q=duong")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Hơn 25 bản ghi · trang 1"),
        "the pager says \"Hơn 25 bản ghi\""
    );
    let html = small
        .get_page("/ho-gia-dinh?q=thi")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("Hơn "),
        "an exact count is not called a lower bound"
    );
}

#[tokio::test]
async fn an_edited_household_is_found_by_its_new_code_and_not_its_old_one() {
    // Arrange: a large scope, so a search goes through the trigram index
    let app = crate::helpers::spawn_app().await;
    let officer = app.client_for("canbo.trabinh").await;
    let admin = app.client_for("quantri").await;
    fill(&app, &officer).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM households WHERE code = 'L00005'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let before = officer.ok("households/get", json!({ "id": id })).await;
    let mut input = json!({
        "village_id": before["village_id"], "code": "Q98765", "head_name": before["head_name"],
        "address": before["address"], "phone": before["phone"], "members": before["members"],
    });
    input["code"] = json!("Q98765");

    // Act
    officer
        .ok(
            "households/update",
            json!({ "id": id, "version": before["version"], "input": input }),
        )
        .await;

    // Assert
    let found = |q: &'static str| {
        let admin = &admin;
        async move {
            let (status, body) = page(admin, list_query(json!({ "q": q }))).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            ids(&body)
        }
    };
    assert_eq!(found("q98765").await, vec![id]);
    assert_eq!(found("l00005").await, Vec::<i64>::new());
}

#[tokio::test]
async fn a_page_past_the_bound_asks_to_narrow_the_list() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.client_for("quantri").await;
    let (status, body) = page(&admin, list_query(json!({ "page": 60, "per_page": 200 }))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = error_message(&body, "BadRequest").unwrap();
    assert!(message.contains("thu hẹp"), "{message}");
}
