//! Request ids belong to whoever sent them (issue 17): another account's id is another request, never a way
//! to read or suppress someone else's command; the same id with another command is a conflict. On SQLite or
//! PostgreSQL (`GOVIT_TEST_DATABASE`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{minzheng, registration};
use govit_app::{App, AppError, CommandRequest, Executed, FixedClock};
use govit_rules::policy::{BUILTIN, load};
use govit_rules::{Actor, Command, Date, JurisdictionId, OrgName, ProjectId, Role};
use govit_store::RequestKey;
use govit_store::testing::TestDatabase;
use std::sync::Arc;

/// Account 1 acts for 市民政局, account 2 for 市教育局.
const MINZHENG_ACCOUNT: i64 = 1;
const JIAOYU_ACCOUNT: i64 = 2;

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

fn jiaoyu() -> Actor {
    Actor {
        role: Role::Owner,
        organization: OrgName::parse("市教育局").unwrap(),
        jurisdiction: JurisdictionId::parse("wuhan").unwrap(),
        person: None,
    }
}

fn jiaoyu_registration(name: &str) -> Command {
    serde_json::from_value(serde_json::json!({"do": "register_project", "with": {
        "name": name, "owner": {"name": "市教育局", "kind": "party_government_organ"},
        "category": "business_application", "construction": "new", "funding": "government_investment",
        "investment": 800_000, "jurisdiction": "wuhan"}}))
    .unwrap()
}

fn request(actor: Actor, account: i64, command: Command, id: &str) -> CommandRequest {
    CommandRequest {
        actor,
        on: today(),
        command,
        request_id: Some(RequestKey::account(account, id)),
        attachments: Vec::new(),
    }
}

async fn app() -> (App, TestDatabase) {
    let db = TestDatabase::new().await.unwrap();
    let app = App::new(db.open().await.unwrap(), load(BUILTIN).unwrap(), Arc::new(FixedClock::at(today())));
    (app, db)
}

/// The project a command registered, which must have run now (not replayed).
fn ran(outcome: Executed, organization: &str) -> ProjectId {
    let Executed::Done { project: Some(project), events, replayed: false, .. } = outcome else {
        panic!("the command runs as its own: {outcome:?}")
    };
    assert!(events.iter().all(|e| e.record.actor.organization.as_str() == organization), "{events:?}");
    project
}

#[tokio::test]
async fn another_account_sending_the_same_request_id_has_its_own_command_done_and_sees_nothing_of_the_first() {
    let (app, _db) = app().await;
    let first = app.execute(request(minzheng(), MINZHENG_ACCOUNT, registration("养老服务平台"), "k-1")).await;
    let theirs = ran(first.unwrap(), "市民政局");
    let second = app.execute(request(jiaoyu(), JIAOYU_ACCOUNT, jiaoyu_registration("智慧校园平台"), "k-1")).await;
    let ours = ran(second.unwrap(), "市教育局");
    assert_ne!(theirs, ours);
    assert_eq!(app.store().decision_count().await.unwrap(), 2);
}

#[tokio::test]
async fn a_request_id_burnt_first_by_another_account_does_not_stop_the_owner_s_command() {
    let (app, _db) = app().await;
    let burnt = app.execute(request(jiaoyu(), JIAOYU_ACCOUNT, jiaoyu_registration("抢先占用"), "k-2")).await;
    ran(burnt.unwrap(), "市教育局");
    let mine = app.execute(request(minzheng(), MINZHENG_ACCOUNT, registration("养老服务平台"), "k-2")).await;
    let project = ran(mine.unwrap(), "市民政局");
    assert_eq!(app.store().project(&project).await.unwrap().unwrap().owner.name.as_str(), "市民政局");
}

#[tokio::test]
async fn the_same_account_reusing_a_request_id_for_another_command_is_a_conflict_and_nothing_is_written() {
    let (app, _db) = app().await;
    let first = app.execute(request(minzheng(), MINZHENG_ACCOUNT, registration("养老服务平台"), "k-3")).await;
    ran(first.unwrap(), "市民政局");
    let other = app.execute(request(minzheng(), MINZHENG_ACCOUNT, registration("另一个项目"), "k-3")).await;
    let Err(AppError::Conflict { field, reason }) = other else { panic!("a conflict: {other:?}") };
    assert_eq!(field, "request_id");
    assert!(reason.contains("Idempotency-Key"), "{reason}");
    assert_eq!(app.store().decision_count().await.unwrap(), 1);
    let retry = app.execute(request(minzheng(), MINZHENG_ACCOUNT, registration("养老服务平台"), "k-3")).await;
    assert!(matches!(retry.unwrap(), Executed::Done { replayed: true, .. }), "the same command still replays");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_commands_sent_together_under_one_account_s_id_are_done_once_and_the_other_is_a_conflict() {
    let (app, _db) = app().await;
    let app = Arc::new(app);
    let tasks: Vec<_> = ["甲项目", "乙项目"]
        .into_iter()
        .map(|name| {
            let app = app.clone();
            tokio::spawn(
                async move { app.execute(request(minzheng(), MINZHENG_ACCOUNT, registration(name), "k-4")).await },
            )
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|o| matches!(o, Ok(Executed::Done { replayed: false, .. }))).count(), 1);
    assert_eq!(outcomes.iter().filter(|o| matches!(o, Err(AppError::Conflict { .. }))).count(), 1);
    assert_eq!(app.store().decision_count().await.unwrap(), 1);
}
