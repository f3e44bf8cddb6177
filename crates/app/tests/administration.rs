//! 三员分立 (GB/T 22239-2019 level 3, 8.1.4.2 d/e) and accountability (8.1.4.3 a/b): the 系统管理员 opens
//! accounts, the 安全管理员 grants roles, the 审计管理员 reads the log, none of them decides, every role goes
//! only to an organisation of its kind, and every act names the person who did it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{administrator, open_account};
use govit_app::administration::{NewOrganization, NewUserInput};
use govit_app::{App, AppError, CommandRequest, Executed, FixedClock};
use govit_rules::vocab::OwnerKind;
use govit_rules::{Actor, Role};
use std::sync::Arc;

const PASSWORD: &str = "Civil@Affairs-2026";
const HERE: &str = "127.0.0.1";

/// A city of 市民政局 (an owner), 市教育局 (an owner and industry authority), 武汉市人民政府 and 系统管理 (the
/// administrators), with the accounts `minzheng`, `jiaoyu`, `government`, `admin`, `secadmin`, `auditadmin`.
async fn city() -> App {
    let clock = Arc::new(FixedClock::at("2026-03-02".parse().unwrap()));
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let app = App::new(govit_store::testing::store().await.unwrap(), policies, clock);
    let organizations = [
        ("市民政局", Some(OwnerKind::PartyGovernmentOrgan), None),
        ("市教育局", Some(OwnerKind::PartyGovernmentOrgan), Some(Role::IndustryAuthority)),
        ("武汉市人民政府", None, Some(Role::Government)),
        ("系统管理", None, None),
    ];
    for (name, owner_kind, duty) in organizations {
        let o = NewOrganization { name: name.to_owned(), jurisdiction: "wuhan".to_owned(), owner_kind, duty };
        app.create_organization(&administrator(Role::SystemAdmin), o).await.unwrap();
    }
    let accounts: [(&str, &str, &str, &[Role]); 6] = [
        ("minzheng", "张敏", "市民政局", &[Role::Owner]),
        ("jiaoyu", "杨帆", "市教育局", &[Role::Owner, Role::IndustryAuthority]),
        ("government", "陈立新", "武汉市人民政府", &[Role::Government]),
        ("admin", "方志远", "系统管理", &[Role::SystemAdmin]),
        ("secadmin", "邱雅琴", "系统管理", &[Role::SecurityAdmin]),
        ("auditadmin", "潘立群", "系统管理", &[Role::AuditAdmin]),
    ];
    for (username, name, organization, roles) in accounts {
        open_account(&app, input(username, name, organization), roles).await;
    }
    app
}

fn input(username: &str, name: &str, organization: &str) -> NewUserInput {
    NewUserInput {
        username: username.to_owned(),
        display_name: name.to_owned(),
        organization: organization.to_owned(),
        password: PASSWORD.to_owned(),
        must_change_password: false,
    }
}

/// The actor of account `username` as a logged-in session sees it: with its person.
async fn me(app: &App, username: &str) -> Actor {
    let session = app.login(username, PASSWORD, None, HERE).await.unwrap();
    app.session_user(&session.token).await.unwrap().unwrap().actor
}

async fn id(app: &App, username: &str) -> i64 {
    app.store().user_by_username(username).await.unwrap().unwrap().id
}

fn forbidden(e: AppError) -> String {
    match e {
        AppError::Forbidden { reason } => reason,
        other => panic!("expected forbidden, got {other:?}"),
    }
}

fn invalid(e: AppError) -> String {
    match e {
        AppError::Invalid { reason, .. } => reason,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn the_system_administrator_opens_an_account_that_holds_no_role_until_the_security_administrator_grants_one() {
    let app = city().await;
    let admin = me(&app, "admin").await;
    let new = app.create_user(&admin, input("zhang.new", "张新", "市民政局")).await.unwrap();
    let refused = invalid(app.login("zhang.new", PASSWORD, None, HERE).await.unwrap_err());
    assert_eq!(refused, govit_app::accounts::NO_ROLE_YET);
    let refused = forbidden(app.grant_roles(&admin, new, vec![Role::Owner]).await.unwrap_err());
    assert!(refused.starts_with("仅安全管理员可以授予或收回角色"), "{refused}");
    app.grant_roles(&me(&app, "secadmin").await, new, vec![Role::Owner]).await.unwrap();
    app.login("zhang.new", PASSWORD, None, HERE).await.unwrap();
}

#[tokio::test]
async fn the_security_administrator_never_changes_its_own_roles_and_no_administrator_also_decides() {
    let app = city().await;
    let security = me(&app, "secadmin").await;
    let refused =
        forbidden(app.grant_roles(&security, id(&app, "secadmin").await, vec![Role::Owner]).await.unwrap_err());
    assert_eq!(refused, "安全管理员不能变更本人账号的角色");
    let admin = id(&app, "admin").await;
    let refused =
        invalid(app.grant_roles(&security, admin, vec![Role::SystemAdmin, Role::Government]).await.unwrap_err());
    assert!(refused.contains("三员分立"), "{refused}");
    let refused =
        invalid(app.grant_roles(&security, admin, vec![Role::SystemAdmin, Role::SecurityAdmin]).await.unwrap_err());
    assert!(refused.contains("三员分立"), "{refused}");
    assert_eq!(app.store().user(admin).await.unwrap().unwrap().roles, ["admin"], "nothing changed");
    let refusals: Vec<_> = app
        .store()
        .security_events(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, _, r)| r.kind == "roles_refused")
        .map(|(_, _, r)| (r.username, r.by.and_then(|b| b.person).map(|p| p.name.to_string())))
        .collect();
    assert_eq!(refusals.len(), 3, "every refused grant is on the record: {refusals:?}");
    assert!(refusals.iter().all(|(_, by)| by.as_deref() == Some("邱雅琴")));
}

#[tokio::test]
async fn a_role_is_granted_only_to_an_account_of_an_organisation_of_its_kind() {
    let app = city().await;
    let security = me(&app, "secadmin").await;
    let owner = id(&app, "minzheng").await;
    let refused = invalid(app.grant_roles(&security, owner, vec![Role::Government]).await.unwrap_err());
    assert_eq!(refused, "市民政局:该单位只是项目建设单位,不能授予“人民政府”角色");
    let government = id(&app, "government").await;
    let refused = invalid(app.grant_roles(&security, government, vec![Role::Bureau]).await.unwrap_err());
    assert!(refused.contains("该单位的职能是人民政府"), "{refused}");
    let refused = invalid(app.grant_roles(&security, government, vec![Role::Owner]).await.unwrap_err());
    assert!(refused.contains("不能授予“项目建设单位”角色"), "{refused}");
}

#[tokio::test]
async fn a_withdrawn_role_stops_working_in_a_session_already_open() {
    let app = city().await;
    let session = app.login("jiaoyu", PASSWORD, None, HERE).await.unwrap();
    app.switch_role(&session.token, Role::IndustryAuthority).await.unwrap();
    assert_eq!(app.session_user(&session.token).await.unwrap().unwrap().actor.role, Role::IndustryAuthority);
    let jiaoyu = id(&app, "jiaoyu").await;
    app.grant_roles(&me(&app, "secadmin").await, jiaoyu, vec![Role::Owner]).await.unwrap();
    let now = app.session_user(&session.token).await.unwrap().unwrap();
    assert_eq!((now.actor.role, now.roles), (Role::Owner, vec![Role::Owner]), "the next request acts as an owner");

    let government = app.login("government", PASSWORD, None, HERE).await.unwrap();
    app.update_account(&me(&app, "admin").await, id(&app, "government").await, false, None).await.unwrap();
    assert!(app.session_user(&government.token).await.unwrap().is_none(), "switched off: its session ends");
}

#[tokio::test]
async fn the_audit_administrator_reads_the_log_and_no_one_else_does() {
    let app = city().await;
    let auditor = me(&app, "auditadmin").await;
    let log = app.audit_log(&auditor, 100).await.unwrap();
    assert!(log.security.iter().any(|(_, _, r)| r.kind == "roles_granted"));
    for who in ["admin", "secadmin", "minzheng", "government"] {
        let refused = forbidden(app.audit_log(&me(&app, who).await, 100).await.unwrap_err());
        assert!(refused.starts_with("仅审计管理员可以查阅审计日志"), "{refused}");
    }
    let refused = forbidden(app.create_user(&auditor, input("x.y.z", "某人", "市民政局")).await.unwrap_err());
    assert!(refused.starts_with("仅系统管理员"), "{refused}");
    let refused =
        forbidden(app.grant_roles(&auditor, id(&app, "minzheng").await, vec![Role::Owner]).await.unwrap_err());
    assert!(refused.starts_with("仅安全管理员"), "{refused}");
    let log = app.audit_log(&auditor, 100).await.unwrap();
    let kinds: Vec<&str> = log.security.iter().map(|(_, _, r)| r.kind.as_str()).collect();
    assert!(kinds.contains(&"administration_refused"), "reaching for another's power is recorded: {kinds:?}");
    assert!(kinds.contains(&"audit_log_read"), "reading the log is recorded: {kinds:?}");
}

#[tokio::test]
async fn every_act_of_administration_and_every_decision_names_the_person_who_did_it() {
    let app = city().await;
    let admin = me(&app, "admin").await;
    let security = me(&app, "secadmin").await;
    let new = app.create_user(&admin, input("li.new", "李新", "市民政局")).await.unwrap();
    app.grant_roles(&security, new, vec![Role::Owner]).await.unwrap();
    let log = app.audit_log(&me(&app, "auditadmin").await, 100).await.unwrap();
    let by = |kind: &str| {
        log.security
            .iter()
            .find(|(_, _, r)| r.kind == kind && r.username == "li.new")
            .and_then(|(_, _, r)| r.by.clone())
            .unwrap_or_else(|| panic!("{kind} of li.new names who did it"))
    };
    assert_eq!(by("user_created").to_string(), "系统管理 方志远(系统管理员)");
    assert_eq!(by("roles_granted").to_string(), "系统管理 邱雅琴(安全管理员)");

    let request = CommandRequest {
        actor: me(&app, "minzheng").await,
        on: "2026-03-02".parse().unwrap(),
        command: common::registration("救助信息系统"),
        request_id: None,
        attachments: Vec::new(),
    };
    let Executed::Done { events, .. } = app.execute(request).await.unwrap() else { panic!("registered") };
    let person = events[0].record.actor.person.clone().expect("the decision names its person");
    assert_eq!((person.account.as_str(), person.name.as_str()), ("minzheng", "张敏"));
    assert_eq!(events[0].record.actor.to_string(), "市民政局 张敏(项目建设单位)");
    let stored = app.store().events_between(events[0].seq, events[0].seq).await.unwrap();
    assert_eq!(stored[0].record.actor, events[0].record.actor, "inside the hashed body as stored");
    let log = app.audit_log(&me(&app, "auditadmin").await, 100).await.unwrap();
    let login = log.security.iter().find(|(_, _, r)| r.kind == "login_succeeded" && r.username == "minzheng");
    let login = login.and_then(|(_, _, r)| r.by.clone()).expect("a login names the person logging in");
    assert_eq!(login.to_string(), "市民政局 张敏(项目建设单位)");
}

#[tokio::test]
async fn a_new_installation_gets_three_administrators_and_an_upgraded_one_the_two_it_lacks() {
    let clock = Arc::new(FixedClock::at("2026-03-02".parse().unwrap()));
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let app = App::new(govit_store::testing::store().await.unwrap(), policies, clock);
    let made = app.bootstrap_administrators().await.unwrap();
    let roles: Vec<(&str, Role)> = made.iter().map(|m| (m.username.as_str(), m.role)).collect();
    assert_eq!(
        roles,
        [("admin", Role::SystemAdmin), ("secadmin", Role::SecurityAdmin), ("auditadmin", Role::AuditAdmin)]
    );
    for m in &made {
        let user = app.store().user_by_username(&m.username).await.unwrap().unwrap();
        assert!(user.must_change_password, "{} changes the one-time password", m.username);
        app.login(&m.username, &m.password, None, HERE).await.unwrap();
    }
    assert!(app.bootstrap_administrators().await.unwrap().is_empty(), "made once");

    // An installation from before 三员分立: one administrator, who held every power.
    let app = city().await;
    let auditor = id(&app, "auditadmin").await;
    app.update_account(&me(&app, "admin").await, auditor, false, None).await.unwrap();
    let made = app.bootstrap_administrators().await.unwrap();
    let roles: Vec<(&str, Role)> = made.iter().map(|m| (m.username.as_str(), m.role)).collect();
    assert_eq!(roles, [("auditadmin2", Role::AuditAdmin)], "only the missing one, under a free name");
}

#[tokio::test]
async fn the_system_administrator_cannot_reset_another_administrators_password_to_log_in_as_it() {
    let app = city().await;
    let admin = me(&app, "admin").await;
    for target in ["secadmin", "auditadmin", "admin"] {
        let id = id(&app, target).await;
        let refused = app.update_account(&admin, id, true, Some("Taken@Over-2026x")).await.unwrap_err();
        assert!(forbidden(refused).contains("管理员账号的密码只能由本人修改"), "{target}");
        app.login(target, PASSWORD, None, HERE).await.expect("the password is unchanged");
    }
    // An ordinary account's password it does reset (the user must change it at next login).
    let owner = id(&app, "minzheng").await;
    app.update_account(&admin, owner, true, Some("Fresh@Start-2026x")).await.unwrap();
    app.login("minzheng", "Fresh@Start-2026x", None, HERE).await.unwrap();
}
