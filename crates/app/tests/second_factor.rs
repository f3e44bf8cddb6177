//! The second factor (TOTP, RFC 6238; GB/T 22239-2019 level 3, 8.1.4.1 d): a user who turns it on logs in
//! with a current code, each code works once, wrong codes count towards the lockout, the secret is sealed
//! with SM4, and a server that requires it makes approvers and administrators enrol first.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;
mod common;

use common::{administrator, open_account};
use govit_app::accounts::MAX_FAILED_LOGINS;
use govit_app::administration::{NewOrganization, NewUserInput};
use govit_app::second_factor::Enrolment;
use govit_app::{App, AppError, FixedClock};
use govit_rules::Role;
use govit_rules::vocab::OwnerKind;
use std::sync::Arc;
use totp_rs::{Builder, Secret};

const PASSWORD: &str = "Civil@Affairs-2026";

struct City {
    app: App,
    clock: Arc<FixedClock>,
    owner: i64,
    bureau: i64,
    _keys: tempfile::TempDir,
}

async fn city(required: bool) -> City {
    let clock = Arc::new(FixedClock::at("2026-11-29".parse().unwrap()));
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let keys = tempfile::tempdir().unwrap();
    let mut app = App::new(govit_store::testing::store().await.unwrap(), policies, clock.clone())
        .with_personal_keys(keys.path().join("sm4"));
    if required {
        app = app.with_second_factor_required();
    }
    let organizations = [
        ("市民政局", Some(OwnerKind::PartyGovernmentOrgan), None),
        ("市政务服务和大数据管理局", None, Some(Role::Bureau)),
    ];
    for (name, kind, duty) in organizations {
        let o = NewOrganization { name: name.to_owned(), jurisdiction: "wuhan".to_owned(), owner_kind: kind, duty };
        app.create_organization(&administrator(Role::SystemAdmin), o).await.unwrap();
    }
    let mut ids = Vec::new();
    for (username, organization, role) in
        [("minzheng", "市民政局", Role::Owner), ("bureau", "市政务服务和大数据管理局", Role::Bureau)]
    {
        let input = NewUserInput {
            username: username.to_owned(),
            display_name: format!("{username}用户"),
            organization: organization.to_owned(),
            password: PASSWORD.to_owned(),
            must_change_password: false,
        };
        let id = open_account(&app, input, &[role]).await;
        ids.push(id);
    }
    City { app, clock, owner: ids[0], bureau: ids[1], _keys: keys }
}

/// The code an authenticator app shows for `enrolment` at the app's clock.
fn code(city: &City, enrolment: &Enrolment) -> String {
    let secret = Secret::try_from_base32(&enrolment.secret).unwrap();
    let totp = Builder::new().with_secret(secret).build().unwrap();
    let now = u64::try_from(govit_app::Clock::now(city.clock.as_ref()).timestamp()).unwrap();
    totp.generate(now).to_string()
}

async fn enrol(city: &City, user: i64) -> Enrolment {
    let enrolment = city.app.begin_second_factor(user).await.unwrap();
    city.app.confirm_second_factor(user, &code(city, &enrolment)).await.unwrap();
    enrolment
}

fn refusal(e: AppError) -> (String, String) {
    match e {
        AppError::Invalid { field, reason } => (field, reason),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn kinds(app: &App) -> Vec<String> {
    app.store().security_events(100).await.unwrap().into_iter().map(|(_, _, r)| r.kind).collect()
}

#[tokio::test]
async fn a_user_with_the_second_factor_on_logs_in_only_with_a_current_code_and_each_code_works_once() {
    let city = city(false).await;
    let enrolment = enrol(&city, city.owner).await;
    assert!(enrolment.url.starts_with("otpauth://totp/govit:minzheng?"), "{}", enrolment.url);

    let (field, reason) = refusal(city.app.login("minzheng", PASSWORD, None, "127.0.0.1").await.unwrap_err());
    assert_eq!(field, "totp");
    assert!(reason.contains("请输入验证器显示的6位口令"), "{reason}");
    let (field, reason) = refusal(city.app.login("minzheng", PASSWORD, Some("12345"), "127.0.0.1").await.unwrap_err());
    assert_eq!((field.as_str(), reason.as_str()), ("totp", "动态口令须为6位数字"));

    // The code that confirmed the enrolment is used up; the next step's code works once.
    city.clock.advance(Duration::seconds(30));
    let now = code(&city, &enrolment);
    city.app.login("minzheng", PASSWORD, Some(&now), "127.0.0.1").await.unwrap();
    let (_, reason) = refusal(city.app.login("minzheng", PASSWORD, Some(&now), "127.0.0.1").await.unwrap_err());
    assert!(reason.starts_with("该动态口令已使用过"), "{reason}");
    // A code from two steps ago is outside the window of one step's drift.
    city.clock.advance(Duration::seconds(90));
    let (_, reason) = refusal(city.app.login("minzheng", PASSWORD, Some(&now), "127.0.0.1").await.unwrap_err());
    assert!(reason.starts_with("动态口令错误"), "{reason}");
    // Spaces as apps show them are fine.
    let spaced = code(&city, &enrolment);
    let spaced = format!("{} {}", &spaced[..3], &spaced[3..]);
    city.app.login("minzheng", PASSWORD, Some(&spaced), "127.0.0.1").await.unwrap();
    let kinds = kinds(&city.app).await;
    assert!(kinds.contains(&"second_factor_enabled".to_owned()));
}

#[tokio::test]
async fn wrong_codes_count_towards_the_lockout_like_wrong_passwords() {
    let city = city(false).await;
    let enrolment = enrol(&city, city.owner).await;
    city.clock.advance(Duration::seconds(30));
    for _ in 1..MAX_FAILED_LOGINS {
        assert!(city.app.login("minzheng", PASSWORD, Some("000000"), "127.0.0.1").await.is_err());
    }
    assert!(city.app.login("minzheng", PASSWORD, Some("000000"), "127.0.0.1").await.is_err());
    let now = code(&city, &enrolment);
    let (field, reason) = refusal(city.app.login("minzheng", PASSWORD, Some(&now), "127.0.0.1").await.unwrap_err());
    assert_eq!(field, "password");
    assert_eq!(reason, govit_app::accounts::LOGIN_FAILED, "locked out from there, even with a good code");
}

#[tokio::test]
async fn the_secret_is_sealed_with_sm4_and_the_user_row_holds_only_its_reference() {
    let city = city(false).await;
    let enrolment = enrol(&city, city.owner).await;
    let user = city.app.store().user(city.owner).await.unwrap().unwrap();
    let reference = user.totp_secret.clone().unwrap();
    assert!(reference.starts_with("pd-"), "{reference}");
    let row = city.app.store().personal(&reference).await.unwrap().unwrap();
    let raw = Secret::try_from_base32(&enrolment.secret).unwrap().as_bytes().to_vec();
    assert!(!row.ciphertext.contains(&hex::encode(&raw)), "the secret is not stored in the clear");
    assert!(row.key_id.starts_with("sm4-"));
}

#[tokio::test]
async fn an_enrolment_needs_a_code_from_the_new_secret_and_a_restart_replaces_the_old_pending_one() {
    let city = city(false).await;
    let first = city.app.begin_second_factor(city.owner).await.unwrap();
    let second = city.app.begin_second_factor(city.owner).await.unwrap();
    assert_ne!(first.secret, second.secret);
    let (field, _) = refusal(city.app.confirm_second_factor(city.owner, &code(&city, &first)).await.unwrap_err());
    assert_eq!(field, "totp");
    city.app.confirm_second_factor(city.owner, &code(&city, &second)).await.unwrap();
    assert!(city.app.second_factor_status(&city.app.store().user(city.owner).await.unwrap().unwrap()).enabled);
}

#[tokio::test]
async fn when_the_server_requires_it_approvers_must_enrol_and_cannot_turn_it_off_but_owners_may_choose() {
    let city = city(true).await;
    let bureau = city.app.store().user(city.bureau).await.unwrap().unwrap();
    let owner = city.app.store().user(city.owner).await.unwrap().unwrap();
    assert!(city.app.must_enrol_second_factor(&bureau));
    assert!(!city.app.must_enrol_second_factor(&owner));

    let enrolment = enrol(&city, city.bureau).await;
    let bureau = city.app.store().user(city.bureau).await.unwrap().unwrap();
    assert!(!city.app.must_enrol_second_factor(&bureau));
    city.clock.advance(Duration::seconds(30));
    let (_, reason) = refusal(city.app.disable_second_factor(city.bureau, &code(&city, &enrolment)).await.unwrap_err());
    assert!(reason.contains("不能关闭"), "{reason}");

    let enrolment = enrol(&city, city.owner).await;
    city.clock.advance(Duration::seconds(30));
    city.app.disable_second_factor(city.owner, &code(&city, &enrolment)).await.unwrap();
    city.app.login("minzheng", PASSWORD, None, "127.0.0.1").await.unwrap();
}

#[tokio::test]
async fn an_administrators_reset_removes_the_second_factor_and_ends_the_users_sessions() {
    let city = city(true).await;
    let enrolment = enrol(&city, city.bureau).await;
    city.clock.advance(Duration::seconds(30));
    let session = city.app.login("bureau", PASSWORD, Some(&code(&city, &enrolment)), "127.0.0.1").await.unwrap();
    city.app.reset_second_factor(&administrator(Role::SecurityAdmin), city.bureau).await.unwrap();
    assert!(city.app.session_user(&session.token).await.unwrap().is_none(), "the session ended");
    let bureau = city.app.store().user(city.bureau).await.unwrap().unwrap();
    assert!(bureau.totp_secret.is_none());
    assert!(city.app.must_enrol_second_factor(&bureau), "enrols again at the next login");
    assert!(city.app.store().personal_keys_in_use().await.unwrap().is_empty(), "the sealed secret is deleted");
    assert!(kinds(&city.app).await.contains(&"second_factor_removed".to_owned()));
}
