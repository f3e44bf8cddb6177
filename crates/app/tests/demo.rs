//! The demo city: seeded through the application layer on an empty store, every status and route present,
//! deadlines due soon and overdue on the day, a log that verifies, and a login for every demo user.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_app::demo::{self, DEMO_PASSWORD, DemoReport};
use govit_app::{App, FixedClock};
use govit_rules::derive::DeadlineName;
use govit_rules::policy::{BUILTIN, load};
use govit_rules::vocab::{Route, Status};
use govit_rules::{Action, Date, ProjectId, Role};
use govit_store::{ProjectFilter, ProjectRow};
use std::collections::BTreeSet;
use std::sync::Arc;

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

async fn seeded_on(day: Date) -> (App, DemoReport) {
    let app =
        App::new(govit_store::testing::store().await.unwrap(), load(BUILTIN).unwrap(), Arc::new(FixedClock::at(day)));
    let report = demo::seed(&app, day).await.unwrap();
    (app, report)
}

async fn seeded() -> (App, DemoReport) {
    seeded_on(today()).await
}

fn statuses(projects: &[ProjectRow]) -> BTreeSet<&str> {
    projects.iter().map(|p| p.status.as_str()).collect()
}

#[tokio::test]
async fn the_demo_city_has_every_status_and_route_and_a_log_that_verifies() {
    let (app, report) = seeded().await;

    let orgs = app.store().organizations().await.unwrap();
    assert_eq!(report.organizations, orgs.len());
    let owners = orgs.iter().filter(|o| o.owner_kind.is_some()).count();
    assert!(owners >= 30, "{owners} owner organisations");
    let users = app.store().users().await.unwrap();
    assert_eq!(report.users, users.len());
    for district in ["jiangan", "wuchang"] {
        let authority = users.iter().any(|u| {
            u.roles.iter().any(|r| r == Role::DistrictAuthority.code())
                && orgs.iter().any(|o| o.id == u.organization_id && o.jurisdiction == district)
        });
        assert!(authority, "no district authority user in {district}");
    }
    let every_role: BTreeSet<&str> = users.iter().flat_map(|u| u.roles.iter().map(String::as_str)).collect();
    for role in Role::ALL {
        assert!(every_role.contains(role.code()), "no user with role {}", role.code());
    }

    let projects = app.store().projects(&ProjectFilter::default()).await.unwrap();
    assert_eq!(report.projects, projects.len());
    assert!(projects.len() >= 140, "{} projects", projects.len());
    for status in Status::ALL {
        assert!(statuses(&projects).contains(status.code()), "no project {}", status.code());
    }
    let routes: BTreeSet<&str> = projects.iter().map(|p| p.route.as_str()).collect();
    for route in Route::ALL {
        assert!(routes.contains(route.code()), "no project on route {}", route.code());
    }
    let jurisdictions: BTreeSet<&str> = projects.iter().map(|p| p.jurisdiction.as_str()).collect();
    assert_eq!(jurisdictions, BTreeSet::from(["jiangan", "wuchang", "wuhan"]));
    let years: BTreeSet<i64> = projects.iter().filter_map(|p| p.plan_year).collect();
    assert!((2022..=2027).all(|y| years.contains(&y)), "plan years {years:?}");

    // On the day, some deadlines are overdue and some fall due within 30 days, of several kinds.
    let (mut overdue, mut due_soon) = (BTreeSet::new(), BTreeSet::new());
    let soon = today() + chrono::Days::new(30);
    for p in &projects {
        let view = app.project_view(&ProjectId::parse(p.id.clone()).unwrap(), today()).await.unwrap();
        overdue.extend(view.overdue.iter().map(kind));
        due_soon.extend(view.deadlines.iter().filter(|d| d.due >= today() && d.due <= soon).map(|d| kind(&d.name)));
    }
    for k in ["annual_report", "acceptance", "self_evaluation", "cryptography_assessment", "rectification"] {
        assert!(overdue.contains(k), "nothing overdue of {k}: {overdue:?}");
    }
    for k in ["acceptance", "self_evaluation", "rectification"] {
        assert!(due_soon.contains(k), "nothing of {k} due within 30 days: {due_soon:?}");
    }

    // Every action of the regulation appears in the log, and the chain verifies.
    let chain = app.store().verify_chain().await.unwrap();
    assert!(chain.first_break.is_none(), "{:?}", chain.first_break);
    assert!(chain.events > report.events, "security events (accounts) are in the chain too");
    let events = app.store().events_between(1, chain.events).await.unwrap();
    assert_eq!(events.len() as i64, report.events);
    let actions: BTreeSet<Action> = events.iter().map(|e| e.record.event.action()).collect();
    for action in Action::ALL {
        assert!(actions.contains(action), "no {} in the demo log", action.code());
    }
    assert!(events.iter().all(|e| e.record.on <= today()));
}

fn kind(name: &DeadlineName) -> &'static str {
    match name {
        DeadlineName::AnnualReport(_) => "annual_report",
        DeadlineName::Acceptance => "acceptance",
        DeadlineName::SelfEvaluation => "self_evaluation",
        DeadlineName::CryptographyAssessment => "cryptography_assessment",
        DeadlineName::Rectification => "rectification",
    }
}

#[tokio::test]
async fn every_demo_user_logs_in_and_a_second_seeding_is_refused() {
    let (app, report) = seeded().await;
    for user in demo::demo_users() {
        app.login(user.username, DEMO_PASSWORD, None, "127.0.0.1")
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", user.username));
    }
    let again = demo::seed(&app, today()).await;
    assert!(again.is_err());
    assert_eq!(app.store().decision_count().await.unwrap(), report.events);
}

#[tokio::test]
async fn the_same_day_writes_the_same_log() {
    let (first, _) = seeded().await;
    let (second, _) = seeded().await;
    assert_eq!(first.store().verify_chain().await.unwrap().head, second.store().verify_chain().await.unwrap().head);
}

#[tokio::test]
async fn a_later_day_keeps_every_status_and_an_earlier_one_is_refused() {
    let (app, _) = seeded_on("2027-06-30".parse().unwrap()).await;
    let projects = app.store().projects(&ProjectFilter::default()).await.unwrap();
    assert_eq!(statuses(&projects).len(), Status::ALL.len());
    assert!(app.store().verify_chain().await.unwrap().first_break.is_none());

    let fresh = App::new(
        govit_store::testing::store().await.unwrap(),
        load(BUILTIN).unwrap(),
        Arc::new(FixedClock::at(today())),
    );
    assert!(demo::seed(&fresh, "2026-06-01".parse().unwrap()).await.is_err(), "the stories run up to 2026-11-29");
    assert!(fresh.store().organizations().await.unwrap().is_empty());
}
