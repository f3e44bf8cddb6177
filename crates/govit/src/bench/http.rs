//! Durable commands through HTTP, with concurrent clients, and the bare SQLite loop they are measured against.

use super::Throughput;
use anyhow::{Context, Result};
use govit_app::demo::{DEMO_PASSWORD, demo_users};
use govit_app::{App, SystemClock};
use govit_rules::Role;
use govit_store::Store;
use govit_store::testing::TestDatabase;
use serde_json::{Value, json};
use sqlx::Connection;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// A folder under the system's temporary folder, removed when dropped.
pub(crate) struct Scratch(pub PathBuf);

impl Scratch {
    pub(crate) fn new(what: &str) -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("govit-bench-{what}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("无法创建 {}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The size of an event's body in the demo city (bytes): the baseline writes rows of this size.
const EVENT_BYTES: usize = 340;

/// The baseline: one connection, `journal_mode = WAL` and `synchronous = FULL` as the store sets them, one
/// 340-byte row per transaction, for `length`.
pub(crate) async fn bare_sqlite(length: Duration) -> Result<Throughput> {
    let scratch = Scratch::new("bare")?;
    let url = format!("sqlite://{}?mode=rwc", scratch.0.join("bare.db").display());
    let mut conn = sqlx::sqlite::SqliteConnection::connect(&url).await?;
    sqlx::raw_sql("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);")
        .execute(&mut conn)
        .await?;
    let body = "x".repeat(EVENT_BYTES);
    let mut latencies = Vec::new();
    let started = Instant::now();
    while started.elapsed() < length {
        let t = Instant::now();
        let mut tx = conn.begin().await?;
        sqlx::query("INSERT INTO t (body) VALUES ($1)").bind(&body).execute(&mut *tx).await?;
        tx.commit().await?;
        latencies.push(micros(t.elapsed()));
    }
    let elapsed = started.elapsed();
    conn.close().await?;
    latencies.sort_unstable();
    Ok(Throughput { done: latencies.len() as u64, elapsed, latencies })
}

/// `clients` owners registering projects through `POST /api/v1/commands` for `length`, on a fresh store of
/// `backend` seeded with the demo city, durable as `govit serve` runs it.
pub(crate) async fn commands(backend: Backend, clients: usize, length: Duration) -> Result<Throughput> {
    let scratch = Scratch::new("http")?;
    let (store, _database) = match backend {
        Backend::Sqlite => (Store::open_file(&scratch.0.join("govit.db")).await?, None),
        Backend::Postgres => {
            let db = TestDatabase::postgres().await?.context("没有安装 PostgreSQL(initdb、pg_ctl)")?;
            (db.open().await?, Some(db))
        }
    };
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN)?;
    let app = Arc::new(App::new(store, policies, Arc::new(SystemClock)));
    govit_app::demo::seed(&app, app.clock().today()).await?;
    let owners = owners(&app).await?;
    anyhow::ensure!(!owners.is_empty(), "示范城市没有可登记项目的建设单位");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    // The bench's clients share one address and send more than a person would: lift the rate limits.
    let many = NonZeroU32::new(1_000_000).context("limit")?;
    let options = govit_web::WebOptions {
        rate_limits: govit_web::RateLimits { logins_per_minute: many, api_per_minute: many },
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(govit_web::serve_with(app.clone(), options, listener, async {
        let _ = stopped.await;
    }));

    let mut sessions = Vec::with_capacity(clients);
    for k in 0..clients {
        let owner = owners.get(k % owners.len()).context("owner")?.clone();
        sessions.push((login(&base, &owner.0).await?, owner));
    }
    let started = Instant::now();
    let deadline = started + length;
    let mut tasks = Vec::new();
    for (client, (_, org, kind, jurisdiction)) in sessions {
        let url = format!("{base}/api/v1/commands");
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let body = json!({"do": "register_project", "with": {
                    "name": format!("压力测试项目{n}"), "owner": {"name": org, "kind": kind},
                    "category": "business_application", "construction": "new", "funding": "government_investment",
                    "investment": 1_200_000, "jurisdiction": jurisdiction,
                }});
                let t = Instant::now();
                let r = client.post(&url).json(&body).send().await?;
                let ok = r.status().is_success();
                let v: Value = r.json().await.unwrap_or(Value::Null);
                anyhow::ensure!(ok && v["outcome"] == "done", "命令未完成:{v}");
                latencies.push(micros(t.elapsed()));
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    server.await??;
    app.store().close().await;
    latencies.sort_unstable();
    Ok(Throughput { done: latencies.len() as u64, elapsed, latencies })
}

/// Demo users who own projects in an organ or institution: (username, organisation, kind, jurisdiction).
async fn owners(app: &App) -> Result<Vec<(String, String, String, String)>> {
    let organizations = app.store().organizations().await?;
    let mut out = Vec::new();
    for user in demo_users().iter().filter(|u| u.roles == [Role::Owner]) {
        let Some(org) = organizations.iter().find(|o| o.name == user.organization) else { continue };
        let Some(kind) = org.owner_kind.clone() else { continue };
        if kind == "party_government_organ" || kind == "public_institution" {
            out.push((user.username.to_owned(), org.name.clone(), kind, org.jurisdiction.clone()));
        }
    }
    Ok(out)
}

/// A client logged in as `username`, sending the session's token as `X-CSRF-Token` (the API's unsafe methods
/// need it).
async fn login(base: &str, username: &str) -> Result<reqwest::Client> {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let r = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .build()?
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": username, "password": DEMO_PASSWORD}))
        .send()
        .await?;
    anyhow::ensure!(r.status().is_success(), "{username} 登录失败:{}", r.status());
    let body: serde_json::Value = r.json().await?;
    let csrf = body["csrf"].as_str().unwrap_or_default();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-csrf-token", reqwest::header::HeaderValue::from_str(csrf)?);
    Ok(reqwest::Client::builder().cookie_provider(jar).default_headers(headers).build()?)
}

pub(crate) fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
