//! The second factor over HTTP: on a server that requires it, an approver reaches nothing but enrolment
//! (pages redirect to 动态口令, the API answers `403 second_factor_required`), enrols through the API with a
//! code from the secret it was given, and from then on logs in with a code; the login form asks for it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use totp_rs::{Builder, Secret};

/// The code an authenticator shows for `secret` `ahead` steps after the server's clock.
fn code(server: &common::Server, secret: &str, ahead: u64) -> String {
    let totp = Builder::new().with_secret(Secret::try_from_base32(secret).unwrap()).build().unwrap();
    let now = u64::try_from(server.app.clock().now().timestamp()).unwrap();
    totp.generate(now + 30 * ahead).to_string()
}

async fn login(server: &common::Server, username: &str, totp: Option<&str>) -> (u16, Value, reqwest::Client) {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let r = common::session_client(&jar, None)
        .post(format!("{}/api/v1/session", server.base))
        .json(&json!({ "username": username, "password": common::PASSWORD, "totp": totp }))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    (status, body.clone(), common::session_client(&jar, body["csrf"].as_str()))
}

#[tokio::test]
async fn an_approver_enrols_before_anything_else_and_then_logs_in_with_a_code() {
    let keys = tempfile::tempdir().unwrap();
    let dir = keys.path().join("sm4");
    let server = common::spawn_app(|app| app.with_personal_keys(dir).with_second_factor_required()).await;
    let base = &server.base;

    let (status, _, c) = login(&server, "bureau", None).await;
    assert_eq!(status, 200, "the password alone opens a session that can only enrol");
    let r = c.get(format!("{base}/api/v1/workbench")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "second_factor_required");
    let r = c.get(format!("{base}/projects")).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/account/second-factor"));
    let page = c.get(format!("{base}/account/second-factor")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"second-factor-required\""), "{page}");
    let me: Value = c.get(format!("{base}/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["second_factor"], json!({ "enabled": false, "required": true }));

    let enrolment: Value =
        c.post(format!("{base}/api/v1/me/second-factor")).send().await.unwrap().json().await.unwrap();
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    assert!(enrolment["url"].as_str().unwrap().starts_with("otpauth://totp/govit:bureau"));
    let r = c
        .post(format!("{base}/api/v1/me/second-factor/confirm"))
        .json(&json!({ "code": "000000" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a wrong code does not enrol");
    let r = c
        .post(format!("{base}/api/v1/me/second-factor/confirm"))
        .json(&json!({ "code": code(&server, &secret, 0) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = c.get(format!("{base}/api/v1/workbench")).send().await.unwrap();
    assert_eq!(r.status(), 200, "enrolled, the session goes on");

    let (status, body, _) = login(&server, "bureau", None).await;
    assert_eq!((status, body["field"].as_str()), (401, Some("totp")), "{body}");
    let (status, _, _) = login(&server, "bureau", Some(&code(&server, &secret, 0))).await;
    assert_eq!(status, 401, "the code that enrolled is used up");
    let (status, _, c) = login(&server, "bureau", Some(&code(&server, &secret, 1))).await;
    assert_eq!(status, 200, "the next step's code is inside the window");
    let r = c.get(format!("{base}/api/v1/workbench")).send().await.unwrap();
    assert_eq!(r.status(), 200);

    let (status, _, c) = login(&server, "minzheng", None).await;
    assert_eq!(status, 200, "an owner is not required to use a second factor");
    assert_eq!(c.get(format!("{base}/api/v1/workbench")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_login_form_and_the_account_page_speak_of_the_second_factor() {
    let keys = tempfile::tempdir().unwrap();
    let dir = keys.path().join("sm4");
    let server = common::spawn_app(|app| app.with_personal_keys(dir)).await;
    let base = &server.base;
    let page = common::client().get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("name=\"totp\"") && page.contains("autocomplete=\"one-time-code\""), "{page}");

    let (c, csrf) = common::login(&server, "minzheng").await;
    let page = c.get(format!("{base}/account/second-factor")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("未启用") && page.contains("id=\"begin-second-factor\""), "{page}");
    let r = c
        .post(format!("{base}/account/second-factor"))
        .form(&[("_csrf", csrf.as_str()), ("step", "begin")])
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("src=\"data:image/svg+xml,"), "the QR code is an SVG data image: {page}");
    let secret = page.split("id=\"second-factor-secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let form = [("_csrf", csrf.as_str()), ("step", "confirm"), ("code", &code(&server, &secret, 0))];
    let page = c.post(format!("{base}/account/second-factor")).form(&form).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("动态口令已启用") && page.contains("id=\"disable-second-factor\""), "{page}");

    let login = [("username", "minzheng"), ("password", common::PASSWORD)];
    let r = common::client().post(format!("{base}/login")).form(&login).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("请输入验证器显示的6位口令"));
    let next = code(&server, &secret, 1);
    let login = [("username", "minzheng"), ("password", common::PASSWORD), ("totp", next.as_str())];
    let r = common::client().post(format!("{base}/login")).form(&login).send().await.unwrap();
    assert_eq!(r.status(), 303, "logged in with password and code");
}
