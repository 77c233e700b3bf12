//! Property: after any sequence of registrations, evaluations, returns, approvals, decisions,
//! unregistrations, a village moving between communes and households switched off, every
//! rollup counter and every registry counter equals a recount from the rows, and the
//! dashboard's figures are those counters. Steps the rules refuse (approving a dossier never
//! submitted, say) must be refused cleanly (4xx), never break the server or the counters.

use crate::cycle_support::{
    assert_rollups_match_registrations, decision, evaluation, full_marks, households_in_village,
    save_body, COMMUNE_A, COMMUNE_B, DISTRICT, VILLAGE_A, YEAR,
};
use crate::helpers::{spawn_app, Client, TestApp};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use serde_json::{json, Value};

/// The households a sequence works on (all in `VILLAGE_A`).
const HOUSEHOLDS: usize = 4;

#[derive(Clone, Debug)]
enum Op {
    /// The household's next step in the cycle, whatever its state; with `detour`, the other
    /// way out of it (a reviewer returns a submitted dossier, a decision does not recognise an
    /// approved one).
    Advance(usize, bool),
    Register(usize),
    Unregister(usize),
    Start(usize),
    Save(usize, bool),
    Submit(usize),
    Return(usize),
    Approve(usize),
    Decide(usize, bool),
    MoveVillage,
    SwitchOff(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let h = 0..HOUSEHOLDS;
    prop_oneof![
        12 => (h.clone(), proptest::bool::weighted(0.3)).prop_map(|(i, detour)| Op::Advance(i, detour)),
        1 => h.clone().prop_map(Op::Register),
        1 => h.clone().prop_map(Op::Unregister),
        1 => h.clone().prop_map(Op::Start),
        1 => (h.clone(), any::<bool>()).prop_map(|(i, full)| Op::Save(i, full)),
        1 => h.clone().prop_map(Op::Submit),
        2 => h.clone().prop_map(Op::Return),
        1 => h.clone().prop_map(Op::Approve),
        1 => (h.clone(), any::<bool>()).prop_map(|(i, yes)| Op::Decide(i, yes)),
        1 => Just(Op::MoveVillage),
        1 => h.prop_map(Op::SwitchOff),
    ]
}

struct World {
    app: TestApp,
    admin: Client,
    reviewer: Client,
    households: Vec<i64>,
    village: i64,
    communes: [i64; 2],
    district: i64,
    decisions: u32,
}

impl World {
    async fn registration(&self, i: usize) -> Option<i64> {
        sqlx::query_scalar(
            "SELECT id FROM registrations WHERE subject_kind = 'household' AND subject_id = $1 AND year = $2",
        )
        .bind(self.households[i])
        .bind(YEAR)
        .fetch_optional(&self.app.db)
        .await
        .unwrap()
    }

    async fn evaluation_of(&self, i: usize) -> Option<i64> {
        let registration = self.registration(i).await?;
        sqlx::query_scalar("SELECT id FROM evaluations WHERE registration_id = $1")
            .bind(registration)
            .fetch_optional(&self.app.db)
            .await
            .unwrap()
    }

    async fn step(&self, client: &Client, i: usize, transition: &str) -> Option<(u16, Value)> {
        let id = self.evaluation_of(i).await?;
        let version = evaluation(client, id).await["version"].clone();
        let comments = if transition == "Return" {
            json!([{ "criterion_code": "GD2", "body": "Bổ sung minh chứng" }])
        } else {
            json!([])
        };
        let (status, body) = client
            .post_fn(
                "cycle/step",
                json!({ "input": { "id": id, "version": version, "transition": transition, "comments": comments, "reason": "" } }),
            )
            .await;
        Some((status.as_u16(), body))
    }

    async fn state(&self, i: usize) -> Option<String> {
        let id = self.registration(i).await?;
        sqlx::query_scalar("SELECT state FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.app.db)
            .await
            .unwrap()
    }

    /// Runs one step; `None` when it did not apply (nothing to act on), else its status.
    async fn run(&mut self, op: &Op) -> Option<(u16, Value)> {
        if let Op::Advance(i, detour) = op {
            let next = match self.state(*i).await.as_deref() {
                None => Op::Register(*i),
                Some("registered") => Op::Start(*i),
                Some("draft") => {
                    let saved = Box::pin(self.run(&Op::Save(*i, true))).await;
                    if saved.as_ref().is_some_and(|(s, _)| *s != 200) {
                        return saved;
                    }
                    Op::Submit(*i)
                }
                Some("submitted") if *detour => Op::Return(*i),
                Some("submitted") => Op::Approve(*i),
                Some("returned") => Op::Submit(*i),
                Some("approved") => Op::Decide(*i, !*detour),
                _ => return None,
            };
            return Box::pin(self.run(&next)).await;
        }
        match op {
            Op::Advance(..) => None,
            Op::Register(i) => {
                let (status, body) = self
                    .admin
                    .post_fn(
                        "cycle/register",
                        json!({ "input": { "year": YEAR, "title_kind": "household", "subject_ids": [self.households[*i]] } }),
                    )
                    .await;
                Some((status.as_u16(), body))
            }
            Op::Unregister(i) => {
                let id = self.registration(*i).await?;
                let (s, b) = self
                    .admin
                    .post_fn("cycle/unregister", json!({ "registration_id": id }))
                    .await;
                Some((s.as_u16(), b))
            }
            Op::Start(i) => {
                let id = self.registration(*i).await?;
                let (s, b) = self
                    .admin
                    .post_fn("cycle/start", json!({ "registration_id": id }))
                    .await;
                Some((s.as_u16(), b))
            }
            Op::Save(i, full) => {
                let id = self.evaluation_of(*i).await?;
                let view = evaluation(&self.admin, id).await;
                let answers = if *full { full_marks(&view) } else { json!({}) };
                let (s, b) = self
                    .admin
                    .post_fn("cycle/save", save_body(&view, answers))
                    .await;
                Some((s.as_u16(), b))
            }
            Op::Submit(i) => self.step(&self.admin, *i, "Submit").await,
            Op::Return(i) => self.step(&self.reviewer, *i, "Return").await,
            Op::Approve(i) => self.step(&self.reviewer, *i, "Approve").await,
            Op::Decide(i, yes) => {
                let id = self.registration(*i).await?;
                self.decisions += 1;
                let number = format!("{}/QĐ-PROP", self.decisions);
                let (recognised, not): (Vec<i64>, Vec<i64>) = if *yes {
                    (vec![id], vec![])
                } else {
                    (vec![], vec![id])
                };
                let body = decision(
                    "household",
                    &number,
                    "UBND huyện Trà Bồng",
                    self.district,
                    &recognised,
                    &not,
                );
                let (s, b) = self.reviewer.post_fn("cycle/decide", body).await;
                Some((s.as_u16(), b))
            }
            Op::MoveVillage => {
                let path = self.app.unit_path(self.village).await;
                let to = if path.contains(&format!("/{}/", self.communes[0])) {
                    self.communes[1]
                } else {
                    self.communes[0]
                };
                let version = self.app.unit_version(self.village).await;
                let (s, b) = self
                    .admin
                    .post_fn(
                        "units/move",
                        json!({ "id": self.village, "version": version, "new_parent_id": to }),
                    )
                    .await;
                Some((s.as_u16(), b))
            }
            Op::SwitchOff(i) => {
                let version: i64 =
                    sqlx::query_scalar("SELECT version FROM households WHERE id = $1")
                        .bind(self.households[*i])
                        .fetch_one(&self.app.db)
                        .await
                        .unwrap();
                let (s, b) = self
                    .admin
                    .post_fn(
                        "households/set-active",
                        json!({ "id": self.households[*i], "version": version, "active": false }),
                    )
                    .await;
                Some((s.as_u16(), b))
            }
        }
    }
}

async fn check(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let app = spawn_app().await;
    let admin = app.client_for("quantri").await;
    let reviewer = app.client_for("xetduyet").await;
    let households = households_in_village(&app, VILLAGE_A, HOUSEHOLDS as i64).await;
    let mut world = World {
        village: app.unit_id(VILLAGE_A).await,
        communes: [app.unit_id(COMMUNE_A).await, app.unit_id(COMMUNE_B).await],
        district: app.unit_id(DISTRICT).await,
        app,
        admin,
        reviewer,
        households,
        decisions: 0,
    };
    for (n, op) in ops.iter().enumerate() {
        if let Some((status, body)) = world.run(op).await {
            prop_assert!(
                status < 500,
                "step {n} {op:?} broke the server: {status} {body}"
            );
        }
    }
    let when = format!("after {ops:?}");
    assert_rollups_match_registrations(&world.app, &when).await;
    world.app.assert_counts_match(&when).await;
    // The dashboard reads those counters: the district's households this year.
    let d = world
        .reviewer
        .ok(
            "dashboard",
            json!({ "query": { "unit_id": world.district, "year": YEAR } }),
        )
        .await;
    let registered: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations WHERE title_kind = 'household' AND year = $1",
    )
    .bind(YEAR)
    .fetch_one(&world.app.db)
    .await
    .unwrap();
    let recognised: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations WHERE title_kind = 'household' AND year = $1 AND state = 'recognised'",
    )
    .bind(YEAR)
    .fetch_one(&world.app.db)
    .await
    .unwrap();
    prop_assert_eq!(
        d["figures"][0]["funnel"]["registered"].as_i64(),
        Some(registered)
    );
    prop_assert_eq!(d["figures"][0]["holding"].as_i64(), Some(recognised));
    Ok(())
}

#[test]
fn every_counter_equals_a_recount_after_any_sequence_of_steps() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 8,
        max_shrink_iters: 16,
        ..ProptestConfig::default()
    });
    let result = runner.run(&proptest::collection::vec(op(), 8..28), |ops| {
        runtime.block_on(check(ops))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
