//! Login controls over HTTP: an account that must change its password reaches nothing else until it has (pages
//! redirect to 修改密码, the API answers `403 password_change_required`), and a lockout is explained on the form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use govit_app::administration::NewUserInput;
use govit_rules::Role;
use serde_json::{Value, json};

#[tokio::test]
async fn an_account_that_must_change_its_password_reaches_nothing_else_until_it_has() {
    let server = common::spawn().await;
    let id = server
        .app
        .create_user(
            &common::administrator(Role::SystemAdmin),
            NewUserInput {
                username: "newcomer".to_owned(),
                display_name: "新用户".to_owned(),
                organization: "市民政局".to_owned(),
                password: common::PASSWORD.to_owned(),
                must_change_password: true,
            },
        )
        .await
        .unwrap();
    server.app.grant_roles(&common::administrator(Role::SecurityAdmin), id, vec![Role::Owner]).await.unwrap();
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
async fn the_login_form_answers_alike_for_a_wrong_password_an_unknown_name_and_a_locked_address() {
    let server = common::spawn().await;
    let c = common::client();
    let mut last = String::new();
    for _ in 0..5 {
        let form = [("username", "minzheng"), ("password", "Wrong@password-1")];
        let r = c.post(format!("{}/login", server.base)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 401);
        last = r.text().await.unwrap();
    }
    assert!(last.contains(govit_app::accounts::LOGIN_FAILED), "{last}");
    let form = [("username", "nobody-here"), ("password", "Wrong@password-1")];
    let unknown = c.post(format!("{}/login", server.base)).form(&form).send().await.unwrap().text().await.unwrap();
    assert!(unknown.contains(govit_app::accounts::LOGIN_FAILED), "{unknown}");
    let r = api_login(&c, &server, "minzheng").await;
    assert_eq!(r.status(), 401, "this address is locked out of the account, even with the right password");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["message"], govit_app::accounts::LOGIN_FAILED, "{body}");
}

/// `POST /api/v1/session` with the right password.
async fn api_login(c: &reqwest::Client, server: &common::Server, user: &str) -> reqwest::Response {
    let body = json!({ "username": user, "password": common::PASSWORD });
    c.post(format!("{}/api/v1/session", server.base)).json(&body).send().await.unwrap()
}

fn limits(logins: u32, api: u32) -> govit_web::RateLimits {
    govit_web::RateLimits {
        logins_per_minute: std::num::NonZeroU32::new(logins).unwrap(),
        api_per_minute: std::num::NonZeroU32::new(api).unwrap(),
    }
}

#[tokio::test]
async fn logins_from_one_address_are_limited_with_a_retry_after() {
    let options = govit_web::WebOptions { rate_limits: limits(3, 1000), ..Default::default() };
    let server = common::spawn_with(options).await;
    let c = common::client();
    for _ in 0..3 {
        let form = [("username", "nobody"), ("password", "Wrong@password-1")];
        let r = c.post(format!("{}/login", server.base)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 401);
    }
    let form = [("username", "minzheng"), ("password", common::PASSWORD)];
    let r = c.post(format!("{}/login", server.base)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert!(r.text().await.unwrap().contains("登录尝试过于频繁"));
    let r = api_login(&c, &server, "minzheng").await;
    assert_eq!(r.status(), 429, "the API's login shares the limit");
    let r = c.get(format!("{}/login", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200, "reading the form is not limited");
}

#[tokio::test]
async fn api_requests_are_limited_per_session() {
    let options = govit_web::WebOptions { rate_limits: limits(100, 5), ..Default::default() };
    let server = common::spawn_with(options).await;
    let (busy, _) = common::login(&server, "minzheng").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(busy.get(format!("{}/api/v1/me", server.base)).send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429], "five a minute, logging in not counted");
    let r = busy.get(format!("{}/api/v1/me", server.base)).send().await.unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
    let (other, _) = common::login(&server, "bureau").await;
    let r = other.get(format!("{}/api/v1/me", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 200, "another session has its own allowance");
}

#[tokio::test]
async fn hsts_and_secure_cookies_only_when_the_operator_says_the_site_is_served_over_tls() {
    let plain = common::spawn().await;
    let r = common::client().get(format!("{}/login", plain.base)).send().await.unwrap();
    assert!(r.headers().get("strict-transport-security").is_none());
    let tls = common::spawn_with(govit_web::WebOptions { hsts: true, ..Default::default() }).await;
    let r = common::client().get(format!("{}/login", tls.base)).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");

    // The session cookie follows: `Secure` over TLS only (a browser would not send it back over plain HTTP).
    let set_cookie = |r: &reqwest::Response| r.headers()["set-cookie"].to_str().unwrap().to_owned();
    let plain_cookie = set_cookie(&api_login(&common::client(), &plain, "minzheng").await);
    assert!(!plain_cookie.contains("Secure"), "{plain_cookie}");
    let tls_cookie = set_cookie(&api_login(&common::client(), &tls, "minzheng").await);
    assert!(tls_cookie.ends_with("; Secure") && tls_cookie.contains("HttpOnly"), "{tls_cookie}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_its_forwarded_scheme_and_address_count_and_from_anyone_else_they_do_not() {
    let proxied = common::spawn_with(govit_web::WebOptions {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Default::default()
    })
    .await;
    let login_from = |server: &common::Server, forwarded_for: &'static str, proto: &'static str, password: &str| {
        let body = json!({ "username": "minzheng", "password": password });
        common::client()
            .post(format!("{}/api/v1/session", server.base))
            .header("x-forwarded-for", forwarded_for)
            .header("x-forwarded-proto", proto)
            .json(&body)
            .send()
    };
    let set_cookie = |r: &reqwest::Response| r.headers()["set-cookie"].to_str().unwrap().to_owned();
    let r = login_from(&proxied, "203.0.113.7", "https", common::PASSWORD).await.unwrap();
    assert!(set_cookie(&r).ends_with("; Secure"), "the proxy terminated TLS: {}", set_cookie(&r));
    let r = login_from(&proxied, "203.0.113.7", "http", common::PASSWORD).await.unwrap();
    assert!(!set_cookie(&r).contains("Secure"));

    // Five failures from one client behind the proxy lock that client out, not everyone behind the proxy.
    for _ in 0..5 {
        let r = login_from(&proxied, "1.2.3.4, 203.0.113.7", "https", "Wrong@password-1").await.unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = login_from(&proxied, "203.0.113.7", "https", common::PASSWORD).await.unwrap();
    assert_eq!(r.status(), 401, "the client behind the proxy is locked out");
    let r = login_from(&proxied, "203.0.113.8", "https", common::PASSWORD).await.unwrap();
    assert_eq!(r.status(), 200, "another client behind the same proxy is not");
    let r = login_from(&proxied, "1.2.3.4", "https", common::PASSWORD).await.unwrap();
    assert_eq!(r.status(), 200, "the address the client wrote to the left was never the one counted");

    // Without the operator naming the proxy, a client writing these headers itself changes nothing.
    let direct = common::spawn().await;
    let r = login_from(&direct, "203.0.113.7", "https", common::PASSWORD).await.unwrap();
    assert!(!set_cookie(&r).contains("Secure"), "a client cannot ask for a Secure cookie over plain HTTP");
    for _ in 0..5 {
        login_from(&direct, "203.0.113.9", "http", "Wrong@password-1").await.unwrap();
    }
    let r = login_from(&direct, "203.0.113.10", "http", common::PASSWORD).await.unwrap();
    assert_eq!(r.status(), 401, "the failures were counted against the connection's own address");
}
