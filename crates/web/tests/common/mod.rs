//! A real server on port 0 over an in-memory store, with a small city of accounts.
#![allow(dead_code)]

use govit_app::accounts::{NewOrganization, NewUserInput};
use govit_app::{App, FixedClock};
use govit_rules::Role;
use govit_rules::vocab::OwnerKind;
use govit_store::Store;
use std::sync::Arc;

pub const PASSWORD: &str = "Test@Password-2026";

pub struct Server {
    pub base: String,
    pub app: Arc<App>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

pub async fn spawn() -> Server {
    spawn_app(|app| app).await
}

/// [`spawn`], with the app adjusted first (a key ring for personal data, say).
pub async fn spawn_app(adjust: impl FnOnce(App) -> App) -> Server {
    spawn_app_on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(), adjust).await
}

/// [`spawn_app`] on a listener bound beforehand, for when the address must be known first (to register it
/// with an identity provider, say).
pub async fn spawn_app_on(listener: tokio::net::TcpListener, adjust: impl FnOnce(App) -> App) -> Server {
    let store = Store::open_memory().await.unwrap();
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let app = App::new(store, policies, Arc::new(FixedClock::at("2026-03-02".parse().unwrap())));
    let app = Arc::new(adjust(app));
    let orgs: &[(&str, &str, Option<OwnerKind>)] = &[
        ("市民政局", "wuhan", Some(OwnerKind::PartyGovernmentOrgan)),
        ("市教育局", "wuhan", Some(OwnerKind::PartyGovernmentOrgan)),
        ("市政务服务和大数据管理局", "wuhan", None),
        ("武汉市人民政府", "wuhan", None),
        ("市财政局", "wuhan", None),
        ("武汉某工程咨询公司", "wuhan", None),
    ];
    for (name, j, kind) in orgs {
        app.create_organization(
            &admin_actor(),
            NewOrganization { name: (*name).to_owned(), jurisdiction: (*j).to_owned(), owner_kind: *kind },
        )
        .await
        .unwrap();
    }
    let users: &[(&str, &str, &[Role])] = &[
        ("minzheng", "市民政局", &[Role::Owner]),
        ("jiaoyu", "市教育局", &[Role::Owner, Role::IndustryAuthority]),
        ("bureau", "市政务服务和大数据管理局", &[Role::Bureau]),
        ("admin", "市政务服务和大数据管理局", &[Role::Admin]),
        ("government", "武汉市人民政府", &[Role::Government]),
        ("finance", "市财政局", &[Role::Finance]),
        ("consultant", "武汉某工程咨询公司", &[Role::Consultant]),
    ];
    for (username, org, roles) in users {
        app.create_user(
            &admin_actor(),
            NewUserInput {
                username: (*username).to_owned(),
                display_name: format!("{username}用户"),
                organization: (*org).to_owned(),
                roles: roles.to_vec(),
                password: PASSWORD.to_owned(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    }
    serve_on(app, govit_web::WebOptions::default(), listener).await
}

/// Adds a department (no projects of its own) and one account acting for it in `role`, password [`PASSWORD`].
pub async fn add_department(server: &Server, organization: &str, username: &str, role: Role) {
    server
        .app
        .create_organization(
            &admin_actor(),
            NewOrganization { name: organization.to_owned(), jurisdiction: "wuhan".to_owned(), owner_kind: None },
        )
        .await
        .unwrap();
    server
        .app
        .create_user(
            &admin_actor(),
            NewUserInput {
                username: username.to_owned(),
                display_name: format!("{username}用户"),
                organization: organization.to_owned(),
                roles: vec![role],
                password: PASSWORD.to_owned(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
}

/// A real server over the demo city (`govit_app::demo`) on its last day, 2026-11-29; every demo account's
/// password is [`govit_app::demo::DEMO_PASSWORD`].
pub async fn spawn_demo() -> Server {
    let store = Store::open_memory().await.unwrap();
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let today = "2026-11-29".parse().unwrap();
    let app = Arc::new(App::new(store, policies, Arc::new(FixedClock::at(today))));
    govit_app::demo::seed(&app, today).await.unwrap();
    serve(app).await
}

async fn serve(app: Arc<App>) -> Server {
    serve_with(app, govit_web::WebOptions::default()).await
}

/// The small city of [`spawn`], served with the operator's `options` (rate limits, HSTS).
pub async fn spawn_with(options: govit_web::WebOptions) -> Server {
    let server = spawn().await;
    serve_with(server.app.clone(), options).await
}

/// Serves `app` with the operator's `options` on a free port.
pub async fn serve_with(app: Arc<App>, options: govit_web::WebOptions) -> Server {
    serve_on(app, options, tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()).await
}

async fn serve_on(app: Arc<App>, options: govit_web::WebOptions, listener: tokio::net::TcpListener) -> Server {
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let served = app.clone();
    tokio::spawn(async move {
        govit_web::serve_with(served, options, listener, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Server { base, app, _shutdown: tx }
}

/// A browser-like client with its own cookie jar, not following redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Logs in through the JSON API; returns the client and the session's form token.
pub async fn login(server: &Server, username: &str) -> (reqwest::Client, String) {
    login_with(server, username, PASSWORD).await
}

/// [`login`] with a given password (the demo city's, say).
pub async fn login_with(server: &Server, username: &str, password: &str) -> (reqwest::Client, String) {
    let c = client();
    let r = c
        .post(format!("{}/api/v1/session", server.base))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {username}");
    let body: serde_json::Value = r.json().await.unwrap();
    (c, body["csrf"].as_str().unwrap().to_owned())
}

/// Posts a command through the API and returns (status, body).
pub async fn command(server: &Server, c: &reqwest::Client, body: serde_json::Value) -> (u16, serde_json::Value) {
    let r = c.post(format!("{}/api/v1/commands", server.base)).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// The administrator who sets up the test's organisations and accounts.
fn admin_actor() -> govit_rules::Actor {
    govit_rules::Actor {
        role: govit_rules::Role::Admin,
        organization: govit_rules::OrgName::parse("系统管理").unwrap(),
        jurisdiction: govit_rules::JurisdictionId::wuhan(),
    }
}
