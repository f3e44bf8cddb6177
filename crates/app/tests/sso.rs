//! Single sign-on (article 12) against a real OpenID provider (oidc-provider, started here): the
//! authorization code flow with PKCE, accounts matched, created and kept in step by the configured claims,
//! refusals in words and in the audit chain. The provider's login form is driven over HTTP here; the browser
//! test drives it in Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "support/services.rs"]
mod services;

use common::administrator;
use govit_app::administration::NewUserInput;
use govit_app::sso::{Sso, SsoConfig};
use govit_app::{App, AppError, FixedClock};
use govit_rules::policy::{BUILTIN, load};
use govit_rules::{Date, Role};
use govit_store::testing::TestDatabase;
use services::OidcProvider;
use std::sync::Arc;

const REDIRECT: &str = "http://127.0.0.1:9/login/sso/callback";

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

struct World {
    provider: OidcProvider,
    _dir: tempfile::TempDir,
    config: SsoConfig,
    _db: TestDatabase,
    app: App,
}

/// The demo city with single sign-on configured by `adjust`; `None` when the provider cannot run here.
async fn world(adjust: impl FnOnce(&mut SsoConfig)) -> Option<World> {
    let provider = OidcProvider::start(REDIRECT)?;
    let dir = tempfile::tempdir().unwrap();
    let mut config = provider.config(dir.path(), REDIRECT);
    adjust(&mut config);
    let db = TestDatabase::new().await.unwrap();
    let app = App::new(db.open().await.unwrap(), load(BUILTIN).unwrap(), Arc::new(FixedClock::at(today())))
        .with_sso(Sso::new(config.clone()).unwrap());
    govit_app::demo::seed(&app, today()).await.unwrap();
    Some(World { provider, _dir: dir, config, _db: db, app })
}

async fn sso_login(w: &World, login: &str) -> Result<govit_app::accounts::NewSession, AppError> {
    let start = w.app.sso_begin().await.unwrap();
    assert!(start.url.starts_with(&w.provider.issuer), "{}", start.url);
    assert!(start.url.contains("code_challenge_method=S256"), "PKCE: {}", start.url);
    let (code, state) = w.provider.log_in(&start.url, login, REDIRECT).await;
    assert_eq!(state, start.state);
    w.app.sso_finish(&state, &code).await
}

fn refusal(r: Result<govit_app::accounts::NewSession, AppError>) -> String {
    match r {
        Err(AppError::Invalid { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn audit(app: &App, kind: &str) -> Vec<String> {
    let events = app.store().security_events(10_000).await.unwrap();
    events
        .into_iter()
        .filter(|(_, _, r)| r.kind == kind)
        .map(|(_, _, r)| format!("{} {}", r.username, r.detail))
        .collect()
}

#[tokio::test]
async fn a_person_the_provider_vouches_for_gets_an_account_in_the_claimed_organisation_with_the_claimed_roles() {
    let Some(w) = world(|_| {}).await else { return };
    assert!(w.app.store().user_by_username("wang.minzheng").await.unwrap().is_none());
    let session = sso_login(&w, "wang.minzheng").await.unwrap();
    let user = w.app.session_user(&session.token).await.unwrap().unwrap();
    assert_eq!(user.user.username, "wang.minzheng");
    assert_eq!(user.user.display_name, "王民政");
    assert_eq!(user.user.email.as_deref(), Some("wang.minzheng@mz.wuhan.example.org"));
    assert_eq!(user.organization.name, "市民政局");
    assert_eq!(user.roles, vec![Role::Owner]);
    assert!(user.single_sign_on, "the session says how it was opened");
    assert!(!w.app.local_login() || w.config.local_login);
    let created = audit(&w.app, "user_created").await;
    assert!(
        created.iter().any(|d| d.starts_with("wang.minzheng 统一身份认证开通,单位“市民政局”,角色 owner")),
        "{created:?}"
    );
    let logins = audit(&w.app, "login_succeeded").await;
    assert!(logins.iter().any(|d| d.starts_with("wang.minzheng 统一身份认证登录(sub wang.minzheng)")), "{logins:?}");
    let again = sso_login(&w, "wang.minzheng").await.unwrap();
    assert_ne!(again.token, session.token, "every login opens a fresh session");
    assert_eq!(w.app.store().users().await.unwrap().iter().filter(|u| u.username == "wang.minzheng").count(), 1);
    assert!(w.app.store().verify_chain().await.unwrap().first_break.is_none());
}

#[tokio::test]
async fn an_existing_account_is_matched_by_the_user_name_claim_and_follows_the_claimed_organisation_and_roles() {
    let Some(w) = world(|_| {}).await else { return };
    w.app
        .create_user(
            &administrator(Role::SystemAdmin),
            NewUserInput {
                username: "wang.minzheng".to_owned(),
                display_name: "王旧名".to_owned(),
                organization: "武昌区民政局".to_owned(),
                password: "Local-Passw0rd!".to_owned(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let session = sso_login(&w, "wang.minzheng").await.unwrap();
    let user = w.app.session_user(&session.token).await.unwrap().unwrap();
    assert_eq!((user.organization.name.as_str(), user.roles.clone()), ("市民政局", vec![Role::Owner]));
    assert_eq!(user.user.display_name, "王民政");
    let changed = audit(&w.app, "user_changed").await;
    assert!(
        changed.iter().any(|d| d.contains("统一身份认证同步:单位“市民政局”,角色 owner,姓名“王民政”,电子邮件")),
        "{changed:?}"
    );
}

#[tokio::test]
async fn a_provider_granting_no_role_govit_knows_is_refused_and_no_account_is_made() {
    let Some(w) = world(|_| {}).await else { return };
    let said = refusal(sso_login(&w, "li.nobody").await);
    assert_eq!(said, "统一身份认证未授予本系统的任何角色,请联系管理员");
    assert!(w.app.store().user_by_username("li.nobody").await.unwrap().is_none());
    let failed = audit(&w.app, "login_failed").await;
    assert!(failed.iter().any(|d| d.starts_with("li.nobody 统一身份认证:统一身份认证未授予")), "{failed:?}");
}

#[tokio::test]
async fn an_organisation_govit_does_not_know_is_refused_by_name() {
    let Some(w) = world(|_| {}).await else { return };
    let said = refusal(sso_login(&w, "zhao.unknown").await);
    assert_eq!(said, "单位“不存在的单位”在本系统中不存在,请联系管理员先建立该单位");
    assert!(w.app.store().user_by_username("zhao.unknown").await.unwrap().is_none());
}

#[tokio::test]
async fn without_provisioning_a_person_without_an_account_is_refused() {
    let Some(w) = world(|c| c.provision = false).await else { return };
    let said = refusal(sso_login(&w, "wang.minzheng").await);
    assert_eq!(said, "本系统没有与统一身份认证账号“wang.minzheng”对应的用户,请联系管理员开通");
}

#[tokio::test]
async fn without_a_roles_claim_a_new_account_waits_until_the_security_administrator_grants_its_roles() {
    let Some(w) = world(|c| c.claims.roles = None).await else { return };
    let said = refusal(sso_login(&w, "li.nobody").await);
    assert_eq!(said, "账号已开通,待安全管理员授予角色后方可使用");
    let waiting = w.app.store().user_by_username("li.nobody").await.unwrap().unwrap();
    assert!(waiting.roles.is_empty(), "{waiting:?}");
    assert_eq!(refusal(sso_login(&w, "li.nobody").await), "账号已开通,待安全管理员授予角色后方可使用");
    w.app.grant_roles(&administrator(Role::SecurityAdmin), waiting.id, vec![Role::Owner]).await.unwrap();
    let session = sso_login(&w, "li.nobody").await.unwrap();
    let user = w.app.session_user(&session.token).await.unwrap().unwrap();
    assert_eq!(user.roles, vec![Role::Owner], "the administrator's roles stand: the provider does not decide them");
}

#[tokio::test]
async fn a_state_is_good_for_one_login_only() {
    let Some(w) = world(|_| {}).await else { return };
    let start = w.app.sso_begin().await.unwrap();
    let (code, state) = w.provider.log_in(&start.url, "wang.minzheng", REDIRECT).await;
    w.app.sso_finish(&state, &code).await.unwrap();
    let replayed = refusal(w.app.sso_finish(&state, &code).await);
    assert_eq!(replayed, "登录请求已过期或无效,请重新登录");
    assert_eq!(refusal(w.app.sso_finish("not-issued-here", &code).await), "登录请求已过期或无效,请重新登录");
}

#[tokio::test]
async fn a_code_not_issued_for_the_pending_login_is_refused_by_the_provider() {
    let Some(w) = world(|_| {}).await else { return };
    let start = w.app.sso_begin().await.unwrap();
    let refused = refusal(w.app.sso_finish(&start.state, "forged-code").await);
    assert!(refused.starts_with("统一身份认证未能完成登录(授权码兑换失败:invalid_grant"), "{refused}");
    assert!(audit(&w.app, "login_failed").await.iter().any(|d| d.contains("授权码兑换失败")));
}

#[tokio::test]
async fn with_local_login_off_the_password_form_refuses_and_points_to_single_sign_on() {
    let Some(w) = world(|c| c.local_login = false).await else { return };
    assert!(!w.app.local_login());
    let said = match w.app.login("minzheng", govit_app::demo::DEMO_PASSWORD, None, "127.0.0.1").await {
        Err(AppError::Invalid { reason, .. }) => reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(said, "本系统已启用统一身份认证,请使用“武汉市统一身份认证平台”登录");
    assert!(audit(&w.app, "login_failed").await.iter().any(|d| d == "minzheng 本地登录已关闭"));
    sso_login(&w, "wang.minzheng").await.unwrap();
}

#[test]
fn a_configuration_that_cannot_work_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sso.yaml");
    let load = |yaml: &str| {
        std::fs::write(&file, yaml).unwrap();
        match SsoConfig::load(&file) {
            Err(AppError::Invalid { reason, .. }) => reason,
            other => panic!("{other:?}"),
        }
    };
    let said = load("issuer: not a url\nclient_id: govit\nredirect_url: https://govit.example/login/sso/callback\n");
    assert!(said.contains("字段“issuer”:不是有效的网址"), "{said}");
    let said =
        load("issuer: https://sso.example\nclient_id: govit\nredirect_url: https://g.example/cb\nprovision: true\n");
    assert!(said.contains("字段“provision”:自动开通账号须配置 claims.organization"), "{said}");
    let said = load("issuer: https://sso.example\nclient_id: govit\nredirect_url: https://g.example/cb\nclaim: {}\n");
    assert!(said.contains("unknown field `claim`"), "{said}");
    let said = load("issuer: https://sso.example\nredirect_url: https://g.example/cb\n");
    assert!(said.contains("missing field `client_id`"), "{said}");
}

#[tokio::test]
async fn the_provider_grants_no_administrators_role_and_cannot_log_anyone_into_an_administrators_account() {
    let Some(w) = world(|_| {}).await else { return };
    let said = refusal(sso_login(&w, "sun.claims.admin").await);
    assert!(said.contains("只能由安全管理员在本系统中授予"), "{said}");
    assert!(w.app.store().user_by_username("sun.claims.admin").await.unwrap().is_none(), "no account made");
    let said = refusal(sso_login(&w, "secadmin").await);
    assert_eq!(said, "管理员账号不能通过统一身份认证登录,请使用本系统的口令和动态口令");
    let secadmin = w.app.store().user_by_username("secadmin").await.unwrap().unwrap();
    assert_eq!(secadmin.roles, ["security_admin"], "the local administrator is untouched");
}
