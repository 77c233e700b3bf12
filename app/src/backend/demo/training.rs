//! The demo's training picture: two officers in each of the district's communes, at every
//! stage a real district would show (trained, passed the first module and failed the scoring
//! quiz once, reading, not started), and last autumn's district conference with its delegates,
//! some with accounts and some only on the imported list, most of them marked present.
//!
//! Everything goes through the training stores as a real trainee or administrator would:
//! lessons are opened, quizzes drawn at random, answered and graded on the server, the
//! conference recorded and its attendance marked. The answers are chosen by a fixed pattern, so
//! every fresh start shows the same figures.

use super::Rng;
use crate::backend::db::Pool;
use crate::backend::session::load_session_user;
use crate::domain::roles::{Role, SessionUser};
use crate::domain::training::KeyedOption;
use crate::error::{AppError, AppResult};
use crate::features::org_units::store as org_units;
use crate::features::training::store::{self as training, quiz, sessions};
use crate::features::training::types::{AnswerInput, SessionInput};
use crate::features::users::store as users;

/// How far an officer has gone, by their place in the commune's list.
#[derive(Clone, Copy)]
enum Stage {
    /// Every module passed online.
    Trained,
    /// Module 1 passed; the scoring quiz failed once; reading module 2 again.
    FailedScoring,
    /// Reading module 1.
    Reading,
    /// Not started.
    NotStarted,
}

const STAGES: [Stage; 5] = [
    Stage::Trained,
    Stage::Trained,
    Stage::FailedScoring,
    Stage::Reading,
    Stage::NotStarted,
];

async fn session_user(pool: &Pool, user_id: i64) -> AppResult<SessionUser> {
    load_session_user(pool, user_id)
        .await?
        .ok_or_else(|| AppError::not_found("người dùng", "User"))
}

/// Opens the module's lessons up to `upto` (all when `None`).
async fn read(pool: &Pool, user: &SessionUser, module_id: i64, upto: Option<u32>) -> AppResult<()> {
    let mut position = 1;
    while upto.is_none_or(|u| position <= u) {
        match training::find_lesson(pool, user, module_id, position).await {
            Ok(_) => position += 1,
            Err(AppError::NotFound(_)) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Takes the module's quiz, answering correctly the questions the pattern picks (`right` of
/// every 10), and submits it. Returns whether it passed.
async fn take_quiz(
    pool: &Pool,
    user: &SessionUser,
    module_id: i64,
    right: usize,
) -> AppResult<bool> {
    let attempt = quiz::start_attempt(pool, user, module_id).await?;
    for (n, question) in attempt.questions.iter().enumerate() {
        let key: String =
            sqlx::query_scalar("SELECT options FROM training_questions WHERE id = $1")
                .bind(question.question_id)
                .fetch_one(pool)
                .await?;
        let key: Vec<KeyedOption> =
            serde_json::from_str(&key).map_err(crate::backend::error::internal)?;
        let is_key = |text: &str| key.iter().any(|o| o.correct && o.text == text);
        let correct: Vec<u32> = question
            .options
            .iter()
            .filter(|o| is_key(&o.text))
            .map(|o| o.shown)
            .collect();
        let wrong: Vec<u32> = question
            .options
            .iter()
            .filter(|o| !is_key(&o.text))
            .map(|o| o.shown)
            .collect();
        let chosen = if (n * 7 + user.id as usize) % 10 < right {
            correct
        } else {
            wrong.into_iter().take(1).collect()
        };
        quiz::save_answer(
            pool,
            user,
            &AnswerInput {
                attempt_id: attempt.attempt_id,
                question_id: question.question_id,
                chosen,
            },
        )
        .await?;
    }
    Ok(quiz::submit_attempt(pool, user, attempt.attempt_id)
        .await?
        .passed)
}

/// The officers, their progress, and the district conference.
pub(super) async fn load(pool: &Pool, rng: &mut Rng, admin_id: i64) -> AppResult<()> {
    let modules: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, code FROM training_modules ORDER BY position")
            .fetch_all(pool)
            .await?;
    let module = |code: &str| modules.iter().find(|(_, c)| c == code).map(|(id, _)| *id);
    let (Some(society), Some(scoring), Some(cycle)) = (
        module("xa-hoi-hoc-tap"),
        module("cham-diem-danh-hieu"),
        module("chu-ky-tren-phan-mem"),
    ) else {
        return Ok(());
    };
    let hash =
        crate::backend::passwords::hash_password_blocking(super::DEMO_PASSWORD.to_string()).await?;
    let mut present = Vec::new();
    let mut n = 0usize;
    for commune in 1..=super::COMMUNES.len() {
        let code = format!("51-TB-{commune:02}");
        let mut conn = pool.acquire().await?;
        let Some(unit) = org_units::get_by_code(&mut conn, &code).await? else {
            continue;
        };
        drop(conn);
        for k in 1..=2 {
            let female = rng.chance(55);
            let surname = rng.pick(super::SURNAMES);
            let name = super::person(rng, surname, female);
            let username = format!("canbo.x{commune:02}.{k}");
            let user_id = users::insert_user_hashed(
                pool,
                &username,
                &name,
                &hash,
                false,
                &[(Role::Officer, unit.id)],
            )
            .await?;
            let user = session_user(pool, user_id).await?;
            let stage = STAGES[n % STAGES.len()];
            n += 1;
            match stage {
                Stage::Trained => {
                    for (module_id, right) in [(society, 9), (scoring, 10), (cycle, 9)] {
                        read(pool, &user, module_id, None).await?;
                        // A second try where the first fell short, as people do.
                        if !take_quiz(pool, &user, module_id, right).await? {
                            take_quiz(pool, &user, module_id, 10).await?;
                        }
                    }
                }
                Stage::FailedScoring => {
                    read(pool, &user, society, None).await?;
                    take_quiz(pool, &user, society, 10).await?;
                    read(pool, &user, scoring, None).await?;
                    take_quiz(pool, &user, scoring, 4).await?;
                    read(pool, &user, scoring, Some(2)).await?;
                }
                Stage::Reading => read(pool, &user, society, Some(2)).await?,
                Stage::NotStarted => {}
            }
            // Those who had not finished module 1 online came to the conference, which
            // taught it; one in three of them was absent.
            if matches!(stage, Stage::Reading | Stage::NotStarted) {
                present.push((user_id, !n.is_multiple_of(3)));
            }
        }
    }
    conference(pool, rng, admin_id, society, &present).await
}

/// Last autumn's district conference on module 1, recorded by the administrator.
async fn conference(
    pool: &Pool,
    rng: &mut Rng,
    admin_id: i64,
    module_id: i64,
    officers: &[(i64, bool)],
) -> AppResult<()> {
    let admin = session_user(pool, admin_id).await?;
    let mut conn = pool.acquire().await?;
    let Some(district) = org_units::get_by_code(&mut conn, "51-TB").await? else {
        return Ok(());
    };
    drop(conn);
    let held_on = crate::vietnam_time::today() - chrono::Duration::days(45);
    let session = sessions::save_session(
        pool,
        &admin,
        &SessionInput {
            session_id: None,
            version: 0,
            title: "Hội nghị tập huấn công tác khuyến học, xây dựng xã hội học tập".into(),
            held_on: held_on.to_string(),
            place: "Hội trường Huyện ủy Trà Bồng".into(),
            unit_id: Some(district.id),
            agenda: "Sáng: xã hội học tập và chỉ tiêu của huyện (học phần 1).\nChiều: trao đổi kinh nghiệm của các xã.".into(),
            module_ids: vec![module_id],
        },
    )
    .await?;
    let ids: Vec<i64> = officers.iter().map(|(id, _)| *id).collect();
    sessions::add_attendees(pool, &admin, session.session_id, &ids).await?;
    // Delegates without an account: the communes' association chairs and school staff.
    let mut list = String::new();
    for commune in super::COMMUNES {
        let surname = rng.pick(super::SURNAMES);
        let female = rng.chance(50);
        list.push_str(&format!(
            "{}\t{commune}\tChủ tịch Hội Khuyến học\n",
            super::person(rng, surname, female)
        ));
    }
    let imported = sessions::import_attendees(pool, &admin, session.session_id, &list).await?;
    let came: Vec<i64> = imported
        .detail
        .attendees
        .iter()
        .filter(|a| {
            a.user_id
                .is_none_or(|id| officers.iter().any(|(o, present)| *o == id && *present))
        })
        .map(|a| a.attendee_id)
        .collect();
    sessions::set_attendance(pool, &admin, session.session_id, &came, true).await?;
    Ok(())
}
