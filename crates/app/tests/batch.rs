//! Group commit: commands sent at the same time are decided one after another and committed together, with
//! the same outcome as if each had been sent alone. On SQLite or PostgreSQL (`GOVIT_TEST_DATABASE`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{minzheng, registration};
use govit_app::{App, CommandRequest, Executed, FixedClock};
use govit_rules::Date;
use govit_rules::policy::{BUILTIN, load};
use govit_store::RequestKey;
use govit_store::testing::TestDatabase;
use std::collections::BTreeSet;
use std::sync::Arc;

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

fn request(name: &str, request_id: Option<&str>) -> CommandRequest {
    CommandRequest {
        actor: minzheng(),
        on: today(),
        command: registration(name),
        request_id: request_id.map(|id| RequestKey::account(1, id)),
        attachments: Vec::new(),
    }
}

async fn app() -> (Arc<App>, TestDatabase) {
    let db = TestDatabase::new().await.unwrap();
    let app = App::new(db.open().await.unwrap(), load(BUILTIN).unwrap(), Arc::new(FixedClock::at(today())));
    (Arc::new(app), db)
}

async fn all_at_once(app: &Arc<App>, requests: Vec<CommandRequest>) -> Vec<Executed> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|r| {
            let app = app.clone();
            tokio::spawn(async move { app.execute(r).await.unwrap() })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commands_sent_together_are_numbered_one_after_another_and_answered_with_what_was_stored() {
    let (app, _db) = app().await;
    let outcomes = all_at_once(&app, (0..64).map(|k| request(&format!("同时登记的项目{k}"), None)).collect()).await;
    let mut projects = BTreeSet::new();
    for outcome in &outcomes {
        let Executed::Done { project, events, replayed: false, .. } = outcome else {
            panic!("every registration is done: {outcome:?}")
        };
        projects.insert(project.clone().unwrap().to_string());
        let stored = app.store().events_between(events[0].seq, events[events.len() - 1].seq).await.unwrap();
        assert_eq!(&stored, events, "the answer is the events as stored, hash and all");
    }
    let expected: BTreeSet<String> = (1..=64).map(|n| format!("wuhan-2026-{n:04}")).collect();
    assert_eq!(projects, expected, "64 numbers, none taken twice, none skipped");
    assert_eq!(app.store().decision_count().await.unwrap(), 64);
    let chain = app.store().verify_chain().await.unwrap();
    assert!(chain.first_break.is_none(), "{:?}", chain.first_break);
    let rebuilt = app.store().projects(&Default::default()).await.unwrap().len();
    assert_eq!(rebuilt, 64, "every project has its row");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_request_sent_many_times_at_once_is_done_once_and_replayed_to_the_others() {
    let (app, _db) = app().await;
    let outcomes =
        all_at_once(&app, (0..16).map(|_| request("只登记一次的项目", Some("same-request"))).collect()).await;
    let done: Vec<_> = outcomes.iter().filter(|o| matches!(o, Executed::Done { replayed: false, .. })).collect();
    let replayed = outcomes.iter().filter(|o| matches!(o, Executed::Done { replayed: true, .. })).count();
    assert_eq!((done.len(), replayed), (1, 15), "{outcomes:?}");
    for outcome in &outcomes {
        let Executed::Done { project, .. } = outcome else { unreachable!() };
        assert_eq!(project.as_ref().unwrap().as_str(), "wuhan-2026-0001", "every answer names the one project");
    }
    assert_eq!(app.store().decision_count().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_command_refused_in_a_batch_leaves_the_others_done() {
    let (app, _db) = app().await;
    let mut requests: Vec<_> = (0..8).map(|k| request(&format!("同批项目{k}"), None)).collect();
    // An owner registering a project for another organisation is refused by the rules (forbidden).
    let mut refused = request("替别人登记的项目", None);
    refused.command = serde_json::from_value(serde_json::json!({"do": "register_project", "with": {
        "name": "替别人登记的项目", "owner": {"name": "市教育局", "kind": "party_government_organ"},
        "category": "business_application", "construction": "new", "funding": "government_investment",
        "investment": 1_200_000, "jurisdiction": "wuhan"}}))
    .unwrap();
    requests.insert(4, refused);
    let outcomes = all_at_once(&app, requests).await;
    assert!(matches!(outcomes[4], Executed::Rejected { .. }), "{:?}", outcomes[4]);
    let done = outcomes.iter().filter(|o| matches!(o, Executed::Done { .. })).count();
    assert_eq!(done, 8);
    assert_eq!(app.store().decision_count().await.unwrap(), 8);
    assert!(app.store().verify_chain().await.unwrap().first_break.is_none());
}
