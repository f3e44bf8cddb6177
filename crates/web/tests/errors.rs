//! Errors that say whose fault they are: the store failing is the server's fault (500, with a correlation id
//! and never the detail), an identity provider that cannot be reached is a dependency's (503), neither is
//! the person's (400/401).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use govit_app::sso::{ClaimNames, Sso, SsoConfig};
use serde_json::json;

fn is_correlation_id(id: &str) -> bool {
    id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit())
}

#[tokio::test]
async fn a_store_that_fails_is_a_500_with_a_correlation_id_not_the_persons_error() {
    let server = common::spawn().await;
    let (c, _) = common::login(&server, "minzheng").await;
    server.app.store().close().await;

    let (status, body) =
        common::command(&server, &c, json!({ "do": "register_project", "with": { "name": "市民政局养老服务平台" } }))
            .await;
    assert_eq!(status, 500, "the server's fault, not 400 nor 401: {body}");
    assert_eq!(body["code"], "internal", "{body}");
    let id = body["correlation_id"].as_str().unwrap_or_default().to_owned();
    assert!(is_correlation_id(&id), "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.starts_with("系统内部错误") && message.contains(&id), "{message}");
    for detail in ["数据库", "closed", "pool", "sqlx"] {
        assert!(!body.to_string().contains(detail), "the detail stays in the log: {body}");
    }

    let page = c.get(format!("{}/", server.base)).send().await.unwrap();
    assert_eq!(page.status(), 500);
    let html = page.text().await.unwrap();
    assert!(html.contains("系统内部错误") && html.contains("错误编号"), "{html}");
    let shown = html.split("错误编号:").nth(1).unwrap().chars().take(16).collect::<String>();
    assert!(is_correlation_id(&shown), "{html}");
    assert_ne!(shown, id, "each fault has its own id");
    assert!(!html.contains("数据库") && !html.contains("closed"), "{html}");
}

#[tokio::test]
async fn an_identity_provider_that_cannot_be_reached_is_a_503_naming_the_service() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let config = SsoConfig {
        issuer: issuer.clone(),
        client_id: "govit".to_owned(),
        client_secret_file: None,
        redirect_url: "http://127.0.0.1:9/login/sso/callback".to_owned(),
        label: "武汉市统一身份认证平台".to_owned(),
        scopes: vec!["profile".to_owned()],
        claims: ClaimNames::default(),
        provision: false,
        local_login: true,
    };
    let sso = Sso::new(config).unwrap();
    let server = common::spawn_app(|app| app.with_sso(sso)).await;

    let r = common::client().get(format!("{}/login/sso", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 503, "the provider's outage, not the person's error");
    assert!(r.headers().get("set-cookie").is_none(), "no login was started");
    let html = r.text().await.unwrap();
    assert!(html.contains("统一身份认证暂不可用") && html.contains("错误编号"), "{html}");
    assert!(!html.contains(&issuer) && !html.contains("发现文档"), "the detail stays in the log: {html}");
}
