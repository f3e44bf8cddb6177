//! A real server on port 0 over an in-memory store, with a small city of accounts.
#![allow(dead_code)]

use govit_app::administration::{NewOrganization, NewUserInput};
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
    let organ = Some(OwnerKind::PartyGovernmentOrgan);
    let orgs: &[(&str, Option<OwnerKind>, Option<Role>)] = &[
        ("市民政局", organ, None),
        ("市教育局", organ, Some(Role::IndustryAuthority)),
        ("市政务服务和大数据管理局", None, Some(Role::Bureau)),
        ("武汉市人民政府", None, Some(Role::Government)),
        ("市财政局", None, Some(Role::Finance)),
        ("武汉某工程咨询公司", None, Some(Role::Consultant)),
    ];
    for (name, kind, duty) in orgs {
        let org = NewOrganization {
            name: (*name).to_owned(),
            jurisdiction: "wuhan".to_owned(),
            owner_kind: *kind,
            duty: *duty,
        };
        app.create_organization(&administrator(Role::SystemAdmin), org).await.unwrap();
    }
    let users: &[(&str, &str, &[Role])] = &[
        ("minzheng", "市民政局", &[Role::Owner]),
        ("jiaoyu", "市教育局", &[Role::Owner, Role::IndustryAuthority]),
        ("bureau", "市政务服务和大数据管理局", &[Role::Bureau]),
        ("admin", "市政务服务和大数据管理局", &[Role::SystemAdmin]),
        ("secadmin", "市政务服务和大数据管理局", &[Role::SecurityAdmin]),
        ("auditadmin", "市政务服务和大数据管理局", &[Role::AuditAdmin]),
        ("government", "武汉市人民政府", &[Role::Government]),
        ("finance", "市财政局", &[Role::Finance]),
        ("consultant", "武汉某工程咨询公司", &[Role::Consultant]),
    ];
    for (username, org, roles) in users {
        open_account(&app, username, org, roles).await;
    }
    serve_on(app, govit_web::WebOptions::default(), listener).await
}

/// Opens account `username` of `org` (as the 系统管理员) and grants it `roles` (as the 安全管理员).
pub async fn open_account(app: &App, username: &str, org: &str, roles: &[Role]) -> i64 {
    let input = NewUserInput {
        username: username.to_owned(),
        display_name: format!("{username}用户"),
        organization: org.to_owned(),
        password: PASSWORD.to_owned(),
        must_change_password: false,
    };
    let id = app.create_user(&administrator(Role::SystemAdmin), input).await.unwrap();
    app.grant_roles(&administrator(Role::SecurityAdmin), id, roles.to_vec()).await.unwrap();
    id
}

/// Adds a department (no projects of its own) and one account acting for it in `role`, password [`PASSWORD`].
pub async fn add_department(server: &Server, organization: &str, username: &str, role: Role) {
    server
        .app
        .create_organization(
            &administrator(Role::SystemAdmin),
            NewOrganization {
                name: organization.to_owned(),
                jurisdiction: "wuhan".to_owned(),
                owner_kind: None,
                duty: Some(role),
            },
        )
        .await
        .unwrap();
    open_account(&server.app, username, organization, &[role]).await;
}

/// A real server over the demo city (`govit_app::demo`) on its last day, 2026-11-29; every demo account's
/// password is [`govit_app::demo::DEMO_PASSWORD`].
pub async fn spawn_demo() -> Server {
    spawn_demo_with_clock().await.0
}

/// [`spawn_demo`], with the clock a test moves on (a deadline passing, a month ending).
pub async fn spawn_demo_with_clock() -> (Server, Arc<FixedClock>) {
    let store = Store::open_memory().await.unwrap();
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let today = "2026-11-29".parse().unwrap();
    let clock = Arc::new(FixedClock::at(today));
    let app = Arc::new(App::new(store, policies, clock.clone()));
    govit_app::demo::seed(&app, today).await.unwrap();
    publish_open_data(&app, &govit_app::open_data::OpenDataConfig::default()).await;
    (serve(app).await, clock)
}

/// Publishes the open data set of `app` as `govit serve` does at start, signed with the tests' audit key (one
/// key for the whole test binary, as a platform has one).
pub async fn publish_open_data(app: &App, config: &govit_app::open_data::OpenDataConfig) -> govit_app::keys::AuditKey {
    static KEY: std::sync::OnceLock<govit_app::keys::AuditKey> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        govit_app::keys::AuditKey::load_or_create(&dir.path().join("audit-sm2.pem")).unwrap()
    });
    app.cut_open_data(config, key).await.unwrap();
    key.clone()
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

/// [`login`] with a given password (the demo city's, say). The client sends the session's token as the
/// `X-CSRF-Token` header on every request, as an API client must on its unsafe methods.
pub async fn login_with(server: &Server, username: &str, password: &str) -> (reqwest::Client, String) {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let r = session_client(&jar, None)
        .post(format!("{}/api/v1/session", server.base))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {username}");
    let body: serde_json::Value = r.json().await.unwrap();
    let csrf = body["csrf"].as_str().unwrap().to_owned();
    (session_client(&jar, Some(&csrf)), csrf)
}

/// A client over cookie `jar` that follows no redirects and, given the session's `csrf`, sends it on every
/// request as `X-CSRF-Token`.
pub fn session_client(jar: &std::sync::Arc<reqwest::cookie::Jar>, csrf: Option<&str>) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(csrf) = csrf {
        headers.insert("x-csrf-token", csrf.parse().unwrap());
    }
    reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Posts a command through the API and returns (status, body).
pub async fn command(server: &Server, c: &reqwest::Client, body: serde_json::Value) -> (u16, serde_json::Value) {
    let r = c.post(format!("{}/api/v1/commands", server.base)).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// The administrator in `role` who sets up the test's organisations, accounts and roles.
pub fn administrator(role: Role) -> govit_rules::Actor {
    govit_rules::Actor {
        role,
        organization: govit_rules::OrgName::parse("系统管理").unwrap(),
        jurisdiction: govit_rules::JurisdictionId::wuhan(),
        person: None,
    }
}
