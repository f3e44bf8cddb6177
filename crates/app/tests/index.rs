//! The project index behind the dashboard, the project list and the workbench: the same answers as reading
//! every project, kept up to date by commands from another handle on the same database, and a city of any
//! size seeded in batches. On SQLite or PostgreSQL (`GOVIT_TEST_DATABASE`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{minzheng, registration};
use govit_app::demo;
use govit_app::listing::ProjectQuery;
use govit_app::{App, CommandRequest, Executed, FixedClock};
use govit_rules::derive;
use govit_rules::policy::{BUILTIN, load};
use govit_rules::{Actor, Date, JurisdictionId, OrgName, Role};
use govit_store::testing::TestDatabase;
use std::sync::Arc;

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

fn app_on(store: govit_store::Store) -> App {
    App::new(store, load(BUILTIN).unwrap(), Arc::new(FixedClock::at(today())))
}

fn bureau() -> Actor {
    Actor {
        role: Role::Bureau,
        organization: OrgName::parse("市政务服务和大数据管理局").unwrap(),
        jurisdiction: JurisdictionId::parse("wuhan").unwrap(),
        person: None,
    }
}

#[tokio::test]
async fn every_row_of_the_index_says_what_the_project_itself_says() {
    let db = TestDatabase::new().await.unwrap();
    let app = app_on(db.open().await.unwrap());
    demo::seed(&app, today()).await.unwrap();
    let projects = app.store().project_states(None).await.unwrap();
    let rows = app.digests(today()).await.unwrap();
    assert_eq!(rows.len(), projects.len());
    for (row, p) in rows.iter().zip(&projects) {
        assert_eq!(row.id, p.id);
        assert_eq!((row.status, row.route, row.estimate()), (p.status, p.route, p.estimate()));
        assert_eq!(row.deadlines, derive::deadlines(p, today(), app.policies()), "{}", p.id);
        assert_eq!(row.audience().owner, p.audience().owner);
        let duties: Vec<_> = derive::relevant_actions(p, today()).into_iter().filter(|a| derive::is_duty(*a)).collect();
        assert_eq!(row.duties, duties, "{}", p.id);
    }
}

#[tokio::test]
async fn a_project_registered_through_another_handle_shows_in_the_list_and_the_dashboard_at_once() {
    let db = TestDatabase::new().await.unwrap();
    let reader = app_on(db.open().await.unwrap());
    demo::seed(&reader, today()).await.unwrap();
    let before = reader.dashboard(&bureau(), today()).await.unwrap();

    // Another process (an import from the command line, say) writes to the same database.
    let writer = app_on(db.open().await.unwrap());
    let request = CommandRequest {
        actor: minzheng(),
        on: today(),
        command: registration("社区养老服务需求监测系统"),
        request_id: None,
        attachments: Vec::new(),
    };
    let Executed::Done { project: Some(id), .. } = writer.execute(request).await.unwrap() else { panic!("registered") };

    let after = reader.dashboard(&bureau(), today()).await.unwrap();
    assert_eq!(after.projects, before.projects + 1);
    let q = ProjectQuery { q: Some(id.to_string()), ..ProjectQuery::default() };
    let listed = reader.list_projects(&minzheng(), &q, today()).await.unwrap();
    assert_eq!(listed.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), vec![id]);
}

#[tokio::test]
async fn a_new_day_moves_the_deadlines_of_every_row() {
    let db = TestDatabase::new().await.unwrap();
    let app = app_on(db.open().await.unwrap());
    demo::seed(&app, today()).await.unwrap();
    let later: Date = "2027-06-30".parse().unwrap();
    let now = app.workbench(&bureau(), today(), govit_app::work::WorkPage::ALL).await.unwrap();
    let then = app.workbench(&bureau(), later, govit_app::work::WorkPage::ALL).await.unwrap();
    assert!(then.overdue.len() > now.overdue.len(), "deadlines pass as the days go by");
    for p in app.store().project_states(None).await.unwrap() {
        let row = app.digests(later).await.unwrap().into_iter().find(|r| r.id == p.id).unwrap();
        assert_eq!(row.deadlines, derive::deadlines(&p, later, app.policies()));
    }
}

#[tokio::test]
async fn a_larger_city_is_the_demo_told_again_in_batches_and_numbering_survives_a_rebuild() {
    let db = TestDatabase::new().await.unwrap();
    let app = app_on(db.open().await.unwrap());
    let size = demo::story_count() * 2 + 10;
    let mut calls = 0;
    let report = demo::seed_city(&app, today(), size, |_, _| calls += 1).await.unwrap();
    assert_eq!(report.projects, size);
    assert!(calls > size, "progress is reported as the steps are played");
    let rows = app.digests(today()).await.unwrap();
    assert!(rows.iter().any(|r| r.name.ends_with("(第3批)")));
    assert!(app.store().verify_chain().await.unwrap().first_break.is_none());

    // The numbers given so far are folded from the log again; the next registration continues after them.
    let guard = app.store().lock().await;
    app.store().rebuild_projections(&guard).await.unwrap();
    drop(guard);
    let request = CommandRequest {
        actor: minzheng(),
        on: today(),
        command: registration("民政数据共享交换系统"),
        request_id: None,
        attachments: Vec::new(),
    };
    let Executed::Done { project: Some(id), .. } = app.execute(request).await.unwrap() else { panic!("registered") };
    let year_prefix = format!("wuhan-{}-", 2026);
    let mut numbers: Vec<u32> =
        rows.iter().filter_map(|r| r.id.as_str().strip_prefix(&year_prefix).and_then(|n| n.parse().ok())).collect();
    numbers.sort_unstable();
    let next = numbers.last().copied().unwrap_or(0) + 1;
    assert_eq!(id.as_str(), format!("{year_prefix}{next:04}"));
}

#[tokio::test]
async fn commands_and_logins_at_the_same_time_never_find_the_database_locked() {
    // On a file (not memory): several connections, one of them writing sessions while commands append.
    let db = TestDatabase::new().await.unwrap();
    let app = Arc::new(app_on(db.open().await.unwrap()));
    demo::seed(&app, today()).await.unwrap();
    let mut tasks = Vec::new();
    for k in 0..8 {
        let writer = app.clone();
        tasks.push(tokio::spawn(async move {
            let app = writer;
            for n in 0..5 {
                let request = CommandRequest {
                    actor: minzheng(),
                    on: today(),
                    command: registration(&format!("并发登记项目{k}-{n}")),
                    request_id: None,
                    attachments: Vec::new(),
                };
                assert!(matches!(app.execute(request).await.unwrap(), Executed::Done { .. }));
            }
        }));
        let reader = app.clone();
        tasks.push(tokio::spawn(async move {
            let app = reader;
            for _ in 0..2 {
                app.login("minzheng", demo::DEMO_PASSWORD, None, "127.0.0.1").await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test]
async fn a_starting_server_says_it_is_building_its_index_until_it_is_built() {
    let db = TestDatabase::new().await.unwrap();
    let app = Arc::new(app_on(db.open().await.unwrap()));
    demo::seed(&app, today()).await.unwrap();
    assert!(!app.warming(), "nothing to wait for before a server starts building");
    app.warm_index();
    assert!(app.warming(), "said at once, before the first request can arrive");
    let started = std::time::Instant::now();
    while app.warming() {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the index was never built");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let projects = app.store().project_states(None).await.unwrap();
    assert_eq!(app.digests(today()).await.unwrap().len(), projects.len());
}
