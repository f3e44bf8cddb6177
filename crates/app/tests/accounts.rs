//! Login controls (GB/T 22239-2019 level 3, identity authentication): five failed logins in a row lock an
//! account for fifteen minutes, a success or an administrator's save starts the count again, and a user changes
//! their own password only with the current one and within the policy, which also ends a forced change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;
mod common;

use common::{administrator, open_account};
use govit_app::accounts::{LOCKOUT_MINUTES, LOGIN_FAILED, MAX_FAILED_LOGINS, lockout_minutes};
use govit_app::administration::{NewOrganization, NewUserInput};
use govit_app::{App, AppError, FixedClock};
use govit_rules::Role;
use govit_rules::vocab::OwnerKind;
use std::sync::Arc;

const PASSWORD: &str = "Civil@Affairs-2026";

async fn app_with_user(must_change_password: bool) -> (App, Arc<FixedClock>, i64) {
    let clock = Arc::new(FixedClock::at("2026-11-29".parse().unwrap()));
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let app = App::new(govit_store::testing::store().await.unwrap(), policies, clock.clone());
    app.create_organization(
        &administrator(Role::SystemAdmin),
        NewOrganization {
            name: "市民政局".to_owned(),
            jurisdiction: "wuhan".to_owned(),
            owner_kind: Some(OwnerKind::PartyGovernmentOrgan),
            duty: None,
        },
    )
    .await
    .unwrap();
    let input = NewUserInput {
        username: "minzheng".to_owned(),
        display_name: "民政用户".to_owned(),
        organization: "市民政局".to_owned(),
        password: PASSWORD.to_owned(),
        must_change_password,
    };
    let id = open_account(&app, input, &[Role::Owner]).await;
    (app, clock, id)
}

fn reason(e: AppError) -> String {
    match e {
        AppError::Invalid { field, reason } => {
            assert_eq!(field, "password");
            reason
        }
        other => panic!("expected a refusal of the password, got {other:?}"),
    }
}

async fn kinds(app: &App) -> Vec<String> {
    app.store().security_events(100).await.unwrap().into_iter().map(|(_, _, r)| r.kind).collect()
}

const HERE: &str = "10.0.0.7";
const ELSEWHERE: &str = "192.0.2.99";

#[tokio::test]
async fn five_wrong_passwords_from_one_address_lock_that_address_out_for_fifteen_minutes() {
    let (app, clock, _) = app_with_user(false).await;
    for _ in 0..MAX_FAILED_LOGINS {
        let message = reason(app.login("minzheng", "Wrong@password-1", None, ELSEWHERE).await.unwrap_err());
        assert_eq!(message, LOGIN_FAILED);
    }
    assert!(kinds(&app).await.contains(&"account_locked".to_owned()));

    let message = reason(app.login("minzheng", PASSWORD, None, ELSEWHERE).await.unwrap_err());
    assert_eq!(message, LOGIN_FAILED, "even the right password is refused from there, and the answer says nothing");
    app.login("minzheng", PASSWORD, None, HERE).await.expect("the user, from their own address, is not locked out");
    clock.advance(Duration::minutes(LOCKOUT_MINUTES - 1));
    assert!(app.login("minzheng", PASSWORD, None, ELSEWHERE).await.is_err(), "still locked a minute before the end");
    clock.advance(Duration::minutes(1));
    app.login("minzheng", PASSWORD, None, ELSEWHERE).await.unwrap();
}

#[test]
fn each_further_round_of_failures_doubles_the_lock_up_to_a_day() {
    let locks: Vec<Option<i64>> = [1, 4, 5, 6, 10, 15, 20, 40, 200].iter().map(|n| lockout_minutes(*n)).collect();
    assert_eq!(locks, [None, None, Some(15), None, Some(30), Some(60), Some(120), Some(1440), Some(1440)]);
}

#[tokio::test]
async fn an_unknown_name_and_a_wrong_password_get_the_same_answer() {
    let (app, _, _) = app_with_user(false).await;
    let unknown = reason(app.login("nobody-here", "Wrong@password-1", None, HERE).await.unwrap_err());
    let wrong = reason(app.login("minzheng", "Wrong@password-1", None, HERE).await.unwrap_err());
    assert_eq!(unknown, wrong);
    for _ in 0..MAX_FAILED_LOGINS {
        let _ = app.login("nobody-here", "Wrong@password-1", None, HERE).await;
    }
    let still = reason(app.login("nobody-here", "Wrong@password-1", None, HERE).await.unwrap_err());
    assert_eq!(still, wrong, "no lock message tells an unknown name from a known one");
}

#[tokio::test]
async fn a_successful_login_starts_the_count_of_failures_again() {
    let (app, _, _) = app_with_user(false).await;
    for _ in 1..MAX_FAILED_LOGINS {
        assert!(app.login("minzheng", "Wrong@password-1", None, HERE).await.is_err());
    }
    app.login("minzheng", PASSWORD, None, HERE).await.unwrap();
    for _ in 1..MAX_FAILED_LOGINS {
        assert!(app.login("minzheng", "Wrong@password-1", None, HERE).await.is_err());
    }
    app.login("minzheng", PASSWORD, None, HERE).await.expect("four failures after a success lock nothing");
}

#[tokio::test]
async fn an_administrators_save_unlocks_a_locked_account() {
    let (app, _, id) = app_with_user(false).await;
    for _ in 0..MAX_FAILED_LOGINS {
        assert!(app.login("minzheng", "Wrong@password-1", None, "127.0.0.1").await.is_err());
    }
    assert!(app.login("minzheng", PASSWORD, None, "127.0.0.1").await.is_err());
    app.update_account(&administrator(Role::SystemAdmin), id, true, None).await.unwrap();
    app.login("minzheng", PASSWORD, None, "127.0.0.1").await.unwrap();
}

#[tokio::test]
async fn a_user_changes_their_password_only_with_the_current_one_and_within_the_policy() {
    let (app, _, id) = app_with_user(true).await;
    let field = |e: AppError| match e {
        AppError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(app.change_password(id, "Not@the-current1", "Brand@New-pass-1").await.unwrap_err()), "current");
    assert_eq!(field(app.change_password(id, PASSWORD, PASSWORD).await.unwrap_err()), "new");
    assert_eq!(field(app.change_password(id, PASSWORD, "short").await.unwrap_err()), "new");
    assert_eq!(field(app.change_password(id, PASSWORD, "minzheng@Pass-2026").await.unwrap_err()), "new");
    assert!(app.store().user(id).await.unwrap().unwrap().must_change_password);

    app.change_password(id, PASSWORD, "Brand@New-pass-1").await.unwrap();
    assert!(!app.store().user(id).await.unwrap().unwrap().must_change_password, "the forced change is done");
    assert!(app.login("minzheng", PASSWORD, None, "127.0.0.1").await.is_err());
    app.login("minzheng", "Brand@New-pass-1", None, "127.0.0.1").await.unwrap();
    let kinds = kinds(&app).await;
    assert!(kinds.contains(&"password_changed".to_owned()) && kinds.contains(&"password_change_failed".to_owned()));
}

#[tokio::test]
async fn a_session_in_use_is_written_at_most_once_a_minute_and_stays_alive() {
    use govit_app::accounts::{IDLE_TIMEOUT_MINUTES, TOUCH_EVERY_SECONDS};
    let (app, clock, _) = app_with_user(false).await;
    let session = app.login("minzheng", PASSWORD, None, "127.0.0.1").await.unwrap();
    let digest = |token: &str| hex::encode(<sm3::Sm3 as sm3::Digest>::digest(token.as_bytes()));
    let last_seen = || async { app.store().session(&digest(&session.token)).await.unwrap().unwrap().last_seen };
    let at_login = last_seen().await;
    clock.advance(Duration::seconds(TOUCH_EVERY_SECONDS - 1));
    assert!(app.session_user(&session.token).await.unwrap().is_some());
    assert_eq!(last_seen().await, at_login, "a request within the minute writes nothing");
    clock.advance(Duration::seconds(1));
    assert!(app.session_user(&session.token).await.unwrap().is_some());
    assert_ne!(last_seen().await, at_login, "a request a minute later keeps the session alive");
    for _ in 0..3 {
        clock.advance(Duration::minutes(IDLE_TIMEOUT_MINUTES - 1));
        assert!(app.session_user(&session.token).await.unwrap().is_some(), "used within the idle timeout");
    }
    clock.advance(Duration::minutes(IDLE_TIMEOUT_MINUTES) + Duration::seconds(1));
    assert!(app.session_user(&session.token).await.unwrap().is_none(), "idle for longer than the timeout");
}

#[tokio::test]
async fn only_the_administrator_opens_accounts_whatever_front_end_asks() {
    let (app, _, _) = app_with_user(false).await;
    let before = app.store().organizations().await.unwrap().len();
    let bureau = administrator(Role::Bureau);
    let org = NewOrganization {
        name: "市财政局".to_owned(),
        jurisdiction: "wuhan".to_owned(),
        owner_kind: None,
        duty: Some(Role::Finance),
    };
    let refused = app.create_organization(&bureau, org).await.unwrap_err();
    assert!(matches!(&refused, AppError::Forbidden { reason } if reason.starts_with("仅系统管理员")));
    assert_eq!(app.store().organizations().await.unwrap().len(), before, "nothing was written");
}
