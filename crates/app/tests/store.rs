//! The event log through the application layer: atomic appends, an SM3 chain that names the first broken
//! event, projections rebuilt from the log, retries that change nothing, and no backdating.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_app::{App, AppError, CommandRequest, Executed, FixedClock};
use govit_rules::policy::{BUILTIN, load};
use govit_rules::{Actor, Command, Date, JurisdictionId, OrgName, ProjectId, Role};
use govit_store::testing::{self, TestDatabase};
use govit_store::{RequestKey, Store};
use std::sync::Arc;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn actor(role: Role, org: &str) -> Actor {
    Actor { role, organization: OrgName::parse(org).unwrap(), jurisdiction: JurisdictionId::wuhan(), person: None }
}

fn owner() -> Actor {
    actor(Role::Owner, "市民政局")
}

fn command(json: serde_json::Value) -> Command {
    serde_json::from_value(json).unwrap()
}

fn register() -> Command {
    command(serde_json::json!({"do": "register_project", "with": {
        "name": "养老服务信息系统升级", "owner": {"name": "市民政局", "kind": "party_government_organ"},
        "category": "business_application", "construction": "upgrade", "funding": "government_investment",
        "investment": 1_200_000}}))
}

async fn app_on(store: Store) -> App {
    App::new(store, load(BUILTIN).unwrap(), Arc::new(FixedClock::at(d("2022-01-05"))))
}

async fn run(app: &App, who: Actor, on: &str, c: Command, request_id: Option<&str>) -> Executed {
    app.execute(CommandRequest {
        actor: who,
        on: d(on),
        command: c,
        request_id: request_id.map(|id| RequestKey::account(1, id)),
        attachments: Vec::new(),
    })
    .await
    .unwrap()
}

/// Registers a project and takes it into an approved plan: five events.
async fn seed(app: &App) -> ProjectId {
    let Executed::Done { project: Some(id), .. } = run(app, owner(), "2022-01-05", register(), None).await else {
        panic!("not registered")
    };
    let propose =
        command(serde_json::json!({"do": "propose_for_plan", "with": {"project": id.as_str(), "year": 2022}}));
    run(app, owner(), "2022-01-10", propose, None).await;
    run(
        app,
        actor(Role::Bureau, "市政务服务和大数据管理局"),
        "2022-02-01",
        command(serde_json::json!({"do": "review_plan", "with": {"year": 2022}})),
        None,
    )
    .await;
    run(
        app,
        actor(Role::Government, "市人民政府"),
        "2022-02-15",
        command(serde_json::json!({"do": "approve_plan", "with": {"year": 2022}})),
        None,
    )
    .await;
    let team = command(
        serde_json::json!({"do": "appoint_team", "with": {"project": id.as_str(), "agency": "信息中心", "leader": "张三"}}),
    );
    run(app, owner(), "2022-02-20", team, None).await;
    id
}

/// The app on a database that outlives it: opened again, it shows what a restart would find.
async fn file_app(db: &TestDatabase) -> App {
    app_on(db.open().await.unwrap()).await
}

/// The database behind the store's back, to change what govit wrote.
async fn raw(db: &TestDatabase) -> sqlx::AnyPool {
    db.raw().await.unwrap()
}

#[tokio::test]
async fn a_fresh_log_verifies_and_numbers_events_from_one() {
    let app = app_on(testing::store().await.unwrap()).await;
    seed(&app).await;
    let report = app.store().verify_chain().await.unwrap();
    assert_eq!(report.events, 5);
    assert!(report.first_break.is_none());
    assert_ne!(report.head, govit_store::GENESIS);
}

#[tokio::test]
async fn changing_one_byte_of_an_event_is_caught_at_that_event() {
    let db = TestDatabase::new().await.unwrap();
    let app = file_app(&db).await;
    seed(&app).await;
    app.store().close().await;
    let pool = raw(&db).await;
    sqlx::query("UPDATE events SET body = replace(body, '张三', '李四') WHERE seq = 5").execute(&pool).await.unwrap();
    pool.close().await;
    let app = file_app(&db).await;
    let report = app.store().verify_chain().await.unwrap();
    let broken = report.first_break.expect("tampering not detected");
    assert_eq!(broken.seq, 5);
    assert!(broken.reason.contains("内容"), "{}", broken.reason);
    assert_eq!(report.events, 4);
}

#[tokio::test]
async fn changing_the_kind_column_beside_the_hashed_body_is_caught_at_that_event() {
    let db = TestDatabase::new().await.unwrap();
    let app = file_app(&db).await;
    seed(&app).await;
    app.store().close().await;
    let pool = raw(&db).await;
    sqlx::query("UPDATE events SET kind = 'stage_approved' WHERE seq = 2").execute(&pool).await.unwrap();
    pool.close().await;
    let report = file_app(&db).await.store().verify_chain().await.unwrap();
    let broken = report.first_break.expect("a changed kind column not detected");
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("kind") && broken.reason.contains("stage_approved"), "{}", broken.reason);
}

#[tokio::test]
async fn deleting_an_event_is_caught_where_the_gap_is() {
    let db = TestDatabase::new().await.unwrap();
    let app = file_app(&db).await;
    seed(&app).await;
    app.store().close().await;
    let pool = raw(&db).await;
    sqlx::query("DELETE FROM events WHERE seq = 3").execute(&pool).await.unwrap();
    pool.close().await;
    let report = file_app(&db).await.store().verify_chain().await.unwrap();
    assert_eq!(report.first_break.expect("deletion not detected").seq, 4);
}

#[tokio::test]
async fn swapping_two_events_is_caught() {
    let db = TestDatabase::new().await.unwrap();
    let app = file_app(&db).await;
    seed(&app).await;
    app.store().close().await;
    let pool = raw(&db).await;
    sqlx::query("UPDATE events SET seq = -1 WHERE seq = 2").execute(&pool).await.unwrap();
    sqlx::query("UPDATE events SET seq = 2 WHERE seq = 3").execute(&pool).await.unwrap();
    sqlx::query("UPDATE events SET seq = 3 WHERE seq = -1").execute(&pool).await.unwrap();
    pool.close().await;
    let report = file_app(&db).await.store().verify_chain().await.unwrap();
    assert_eq!(report.first_break.expect("reordering not detected").seq, 2);
}

#[tokio::test]
async fn projections_rebuilt_from_the_log_equal_the_live_ones() {
    let app = app_on(testing::store().await.unwrap()).await;
    let id = seed(&app).await;
    let before = app.store().project(&id).await.unwrap().unwrap();
    let guard = app.store().lock().await;
    let last = app.store().rebuild_projections(&guard).await.unwrap();
    drop(guard);
    assert_eq!(last, 5);
    assert_eq!(app.store().project(&id).await.unwrap().unwrap(), before);
    assert_eq!(app.timeline(&id).await.unwrap().len(), 5);
}

#[tokio::test]
async fn a_retried_request_returns_the_first_outcome_and_writes_nothing() {
    let app = app_on(testing::store().await.unwrap()).await;
    let first = run(&app, owner(), "2022-01-05", register(), Some("req-1")).await;
    let again = run(&app, owner(), "2022-01-06", register(), Some("req-1")).await;
    let (Executed::Done { project: a, replayed: false, .. }, Executed::Done { project: b, replayed: true, .. }) =
        (first, again)
    else {
        panic!("unexpected outcomes");
    };
    assert_eq!(a, b);
    assert_eq!(app.store().event_count().await.unwrap(), 1);
}

#[tokio::test]
async fn an_action_dated_before_the_last_record_is_refused_as_bad_input() {
    let app = app_on(testing::store().await.unwrap()).await;
    let id = seed(&app).await;
    let start = command(
        serde_json::json!({"do": "appoint_team", "with": {"project": id.as_str(), "agency": "信息中心", "leader": "王五"}}),
    );
    let result = app
        .execute(CommandRequest {
            actor: owner(),
            on: d("2022-01-01"),
            command: start,
            request_id: None,
            attachments: Vec::new(),
        })
        .await;
    assert!(matches!(result, Err(AppError::Invalid { ref field, .. }) if field == "on"), "{result:?}");
    assert_eq!(app.store().event_count().await.unwrap(), 5);
}

#[tokio::test]
async fn a_refusal_changes_nothing() {
    let app = app_on(testing::store().await.unwrap()).await;
    let id = seed(&app).await;
    let before = app.store().project(&id).await.unwrap();
    let start = command(serde_json::json!({"do": "start_construction", "with": {"project": id.as_str()}}));
    let outcome = run(&app, owner(), "2022-03-01", start, None).await;
    assert!(matches!(outcome, Executed::Rejected { .. }));
    assert_eq!(app.store().project(&id).await.unwrap(), before);
    assert_eq!(app.store().event_count().await.unwrap(), 5);
}

#[tokio::test]
async fn projects_are_numbered_per_jurisdiction_and_year() {
    let app = app_on(testing::store().await.unwrap()).await;
    let Executed::Done { project: Some(a), .. } = run(&app, owner(), "2022-01-05", register(), None).await else {
        panic!()
    };
    let Executed::Done { project: Some(b), .. } = run(&app, owner(), "2022-01-06", register(), None).await else {
        panic!()
    };
    assert_eq!(a.as_str(), "wuhan-2022-0001");
    assert_eq!(b.as_str(), "wuhan-2022-0002");
}

#[tokio::test]
async fn an_append_that_fails_midway_leaves_no_trace() {
    let app = app_on(testing::store().await.unwrap()).await;
    let id = seed(&app).await;
    let good = app.timeline(&id).await.unwrap().pop().unwrap().record;
    let mut orphan = good.clone();
    orphan.event = govit_rules::Event::ConstructionStarted { project: ProjectId::parse("no-such-project").unwrap() };
    let guard = app.store().lock().await;
    let key = RequestKey::account(1, "req-x");
    let result =
        app.store().append(&guard, Some((&key, "fingerprint")), "2022-03-01T12:00:00+08:00", &[good, orphan]).await;
    drop(guard);
    assert!(result.is_err());
    assert_eq!(app.store().event_count().await.unwrap(), 5);
    assert!(app.store().find_request(&key).await.unwrap().is_none());
    assert!(app.store().verify_chain().await.unwrap().first_break.is_none());
}
