//! Login controls over HTTP: an account that must change its password reaches nothing else until it has (pages
//! redirect to 修改密码, the API answers `403 password_change_required`), and a lockout is explained on the form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use govit_app::accounts::NewUserInput;
use govit_rules::Role;
use serde_json::{Value, json};

#[tokio::test]
async fn an_account_that_must_change_its_password_reaches_nothing_else_until_it_has() {
    let server = common::spawn().await;
    server
        .app
        .create_user(NewUserInput {
            username: "newcomer".to_owned(),
            display_name: "新用户".to_owned(),
            organization: "市民政局".to_owned(),
            roles: vec![Role::Owner],
            password: common::PASSWORD.to_owned(),
            must_change_password: true,
        })
        .await
        .unwrap();
    let (c, csrf) = common::login(&server, "newcomer").await;

    let r = c.get(format!("{}/projects", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account/password");
    let r = c.get(format!("{}/api/v1/projects", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "password_change_required");
    let r = c.get(format!("{}/api/v1/me", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200, "who am I stays reachable");
    let page = c.get(format!("{}/account/password", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"password-required\""), "{page}");

    let form = [("_csrf", csrf.as_str()), ("current", common::PASSWORD), ("new", "Fresh@Start-2026"), ("confirm", "x")];
    let r = c.post(format!("{}/account/password", server.base)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("两次输入的新密码不一致"));
    let form = [
        ("_csrf", csrf.as_str()),
        ("current", common::PASSWORD),
        ("new", "Fresh@Start-2026"),
        ("confirm", "Fresh@Start-2026"),
    ];
    let r = c.post(format!("{}/account/password", server.base)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    let r = c.get(format!("{}/projects", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);

    let r = c
        .post(format!("{}/api/v1/me/password", server.base))
        .json(&json!({ "current": "Fresh@Start-2026", "new": "Fresh@Start-2026" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["field"], "new");
}

#[tokio::test]
async fn the_login_form_says_how_many_tries_are_left_and_when_the_lock_ends() {
    let server = common::spawn().await;
    let c = common::client();
    let mut last = String::new();
    for _ in 0..5 {
        let form = [("username", "minzheng"), ("password", "Wrong@password-1")];
        let r = c.post(format!("{}/login", server.base)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 401);
        last = r.text().await.unwrap();
    }
    assert!(last.contains("账号已锁定15分钟"), "{last}");
    let r = c
        .post(format!("{}/api/v1/session", server.base))
        .json(&json!({ "username": "minzheng", "password": common::PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("账号已锁定至"), "{body}");
}
