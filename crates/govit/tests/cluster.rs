//! Two `govit serve` processes on one PostgreSQL database (issue 18), under concurrent clients that use both;
//! one node is killed with SIGKILL and restarted, and the database itself is restarted, while the load runs.
//! Then: no answer was a 500, every acknowledged command is in the log exactly once, project numbers are
//! unique and without gaps, `govit audit verify` passes, each reminder was sent once, and only one node at a
//! time ran the scheduled work. A node whose keys are not the database's refuses to start, and a second
//! server on one SQLite file is refused.
//!
//! Needs the PostgreSQL binaries (a throwaway cluster is started); without them the test says so loudly and
//! passes, except under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{demo_folder, login, ok};
use govit_app::{App, Clock, SystemClock};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const OWNERS: [&str; 4] = ["minzheng", "jiaoyu", "weijian", "gongan"];

/// How long the clients keep both nodes busy: past the reminder scheduler's first run (a minute after start).
const LOAD: Duration = Duration::from_secs(75);

/// A node: its process and address, and every line it printed.
struct Node {
    child: Child,
    base: String,
    lines: Arc<Mutex<Vec<String>>>,
}

/// `govit serve` on `database` (empty: the SQLite file of `data`) with the keys of `data`; `Err` with what it
/// printed if it exits instead.
fn start(database: &str, data: &Path) -> Result<Node, String> {
    start_with(database, data, &[])
}

/// [`start`] with `extra` arguments (`--demo`).
fn start_with(database: &str, data: &Path, extra: &[&str]) -> Result<Node, String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_govit"));
    command.args(["serve", "--addr", "127.0.0.1:0", "--remind-minutes", "1"]).args(extra).arg("--data").arg(data);
    if !database.is_empty() {
        command.env("GOVIT_DATABASE", database);
    }
    let mut child = command
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let keep = lines.clone();
    std::thread::spawn(move || stderr.lines().map_while(Result::ok).for_each(|l| keep.lock().unwrap().push(l)));
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in stdout.by_ref() {
        let line = line.unwrap();
        lines.lock().unwrap().push(line.clone());
        if let Some(addr) = line.split("http://").nth(1).filter(|_| line.contains("govit 已启动")) {
            let keep = lines.clone();
            std::thread::spawn(move || stdout.map_while(Result::ok).for_each(|l| keep.lock().unwrap().push(l)));
            return Ok(Node { child, base: format!("http://{}", addr.trim()), lines });
        }
    }
    child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    Err(lines.lock().unwrap().join("\n"))
}

fn register(request_id: &str) -> Value {
    json!({ "do": "register_project", "request_id": request_id, "with": {
        "name": format!("集群测试项目{request_id}"), "category": "business_application", "construction": "new",
        "funding": "government_investment", "investment": "60万" } })
}

/// What the clients saw, across both nodes.
#[derive(Default)]
struct Tally {
    /// request id → project number, for every command acknowledged.
    acked: BTreeMap<String, String>,
    /// Answers of 500: each is a failure of the test.
    server_errors: Vec<String>,
    /// 503 answers (the database away), connection failures (a node killed), 429s: retried.
    retried: usize,
    /// Reads of a project just registered, on the other node.
    read_back: usize,
    read_back_missing: Vec<String>,
}

type Bases = Arc<Mutex<[String; 2]>>;

/// One owner's client: registers projects one after another, each on the next node, reading it back on the
/// other; a command without an answer is sent again with the same request id until one comes.
async fn client(c: reqwest::Client, owner: usize, bases: Bases, tally: Arc<Mutex<Tally>>, stop: Arc<AtomicBool>) {
    let mut n = 0u32;
    let mut turn = owner;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let id = format!("{owner}-{n}");
        let project = loop {
            turn += 1;
            let base = bases.lock().unwrap()[turn % 2].clone();
            match c.post(format!("{base}/api/v1/commands")).json(&register(&id)).send().await {
                Ok(r) if r.status() == 200 => {
                    let body: Value = r.json().await.unwrap();
                    break body["project"].as_str().unwrap().to_owned();
                }
                Ok(r) if r.status() == 500 => {
                    let body = r.text().await.unwrap_or_default();
                    tally.lock().unwrap().server_errors.push(format!("{id} on {base}: {body}"));
                }
                Ok(r) => {
                    let status = r.status().as_u16();
                    assert!([429, 503].contains(&status), "{id} on {base}: {status} {}", r.text().await.unwrap());
                    tally.lock().unwrap().retried += 1;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Err(_) => {
                    tally.lock().unwrap().retried += 1;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
        };
        let other = bases.lock().unwrap()[(turn + 1) % 2].clone();
        if let Ok(r) = c.get(format!("{other}/api/v1/projects/{project}")).send().await {
            let mut t = tally.lock().unwrap();
            match r.status().as_u16() {
                200 => t.read_back += 1,
                500 => t.server_errors.push(format!("reading {project} on {other}")),
                404 => t.read_back_missing.push(format!("{project} on {other}")),
                _ => {}
            }
        }
        let before = tally.lock().unwrap().acked.insert(id.clone(), project.clone());
        assert!(before.is_none(), "{id} acknowledged twice");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A store on `database` holding the demo city, and a data folder with keys for it.
async fn seeded(database: &str, dir: &Path) -> PathBuf {
    let store = govit_store::Store::open_url(database).await.unwrap();
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let app = App::new(store, policies, Arc::new(SystemClock));
    govit_app::demo::seed(&app, SystemClock.today()).await.unwrap();
    app.store().close().await;
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    data
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_share_one_postgresql_through_a_node_killed_and_the_database_restarted() {
    let Some(db) = govit_store::testing::TestDatabase::postgres().await.unwrap() else {
        eprintln!("\n!!!!!!!! no PostgreSQL binaries: the two-node test is SKIPPED !!!!!!!!\n");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = seeded(db.url(), dir.path()).await;
    let mut a = start(db.url(), &data).expect("node A starts");
    let mut b = start(db.url(), &data).expect("node B starts");
    let bases: Bases = Arc::new(Mutex::new([a.base.clone(), b.base.clone()]));

    // A node with keys of its own (another data folder) is refused: it would sign what verify refuses.
    let stranger = dir.path().join("stranger");
    let refused = start(db.url(), &stranger).err().expect("a node with other keys does not start");
    assert!(refused.contains("审计签名密钥") && refused.contains("指纹"), "{refused}");

    let tally = Arc::new(Mutex::new(Tally::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for (owner, user) in OWNERS.iter().enumerate() {
        let c = login(&a.base, user).await;
        clients.push(tokio::spawn(client(c, owner, bases.clone(), tally.clone(), stop.clone())));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(8)).await;
    b.child.kill().unwrap();
    b.child.wait().unwrap();
    let acked_when_killed = tally.lock().unwrap().acked.len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    b = start(db.url(), &data).expect("node B starts again");
    bases.lock().unwrap()[1] = b.base.clone();
    tokio::time::sleep(Duration::from_secs(10)).await;
    govit_store::testing::restart_postgres().await.unwrap();
    let acked_when_restarted = tally.lock().unwrap().acked.len();
    tokio::time::sleep(LOAD.saturating_sub(started.elapsed())).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }

    let tally = Arc::try_unwrap(tally).ok().unwrap().into_inner().unwrap();
    assert!(tally.server_errors.is_empty(), "answers of 500: {:?}", tally.server_errors);
    assert!(
        tally.read_back_missing.is_empty(),
        "a project registered on one node was missing on the other: {:?}",
        tally.read_back_missing
    );
    assert!(tally.acked.len() > acked_when_restarted && acked_when_restarted > acked_when_killed, "the load went on");

    // Every acknowledged command is in the log once: sent again, it is replayed with the same number.
    let owners = owners_at(&a.base).await;
    for (id, project) in &tally.acked {
        let owner: usize = id.split('-').next().unwrap().parse().unwrap();
        let c = &owners[owner];
        let r: Value = c
            .post(format!("{}/api/v1/commands", b.base))
            .json(&register(id))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["replayed"], true, "{id}: {r}");
        assert_eq!(r["project"].as_str(), Some(project.as_str()), "{id}");
    }
    let raw = db.raw().await.unwrap();
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM projects WHERE name LIKE '集群测试项目%'").fetch_all(&raw).await.unwrap();
    assert_eq!(names.len(), tally.acked.len(), "every acknowledged command registered exactly one project");
    let ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM projects").fetch_all(&raw).await.unwrap();
    let mut by_prefix: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for (id,) in &ids {
        let (prefix, n) = id.rsplit_once('-').unwrap();
        assert!(by_prefix.entry(prefix.to_owned()).or_default().insert(n.parse().unwrap()), "{id} twice");
    }
    for (prefix, numbers) in &by_prefix {
        let expected: BTreeSet<u32> = (1..=numbers.len() as u32).collect();
        assert_eq!(numbers, &expected, "the numbers of {prefix} have a gap");
    }

    // Scheduled work: reminders went out once each, and at any time one node ran it.
    let (reminders,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reminders_sent").fetch_one(&raw).await.unwrap();
    // Reminders and the one-off notices of filed self-evaluation reports [22] are both kept there.
    let (recorded,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM events WHERE kind IN ('security.reminder_sent', 'security.self_evaluation_notice_sent')",
    )
    .fetch_one(&raw)
    .await
    .unwrap();
    assert!(reminders > 0, "the leading node sent the demo city's reminders");
    assert_eq!(recorded, reminders, "each reminder recorded once");
    let took = |n: &Node| n.lines.lock().unwrap().iter().filter(|l| l.contains("now runs the scheduled work")).count();
    let leads = took(&a) + took(&b);
    raw.close().await;

    stop_and_verify([&mut a, &mut b], db.url(), &data);
    eprintln!(
        "two nodes, {:?} of load: {} commands acknowledged ({} read back on the other node), {} retried \
         (node killed, database restarted), 0 answers of 500, {} reminders sent once, the lead taken {leads} times; \
         audit verified",
        LOAD,
        tally.acked.len(),
        tally.read_back,
        tally.retried,
        reminders
    );
}

/// The owners' clients, logged in at `base`.
async fn owners_at(base: &str) -> Vec<reqwest::Client> {
    let mut clients = Vec::new();
    for user in OWNERS {
        clients.push(login(base, user).await);
    }
    clients
}

#[tokio::test]
async fn two_servers_started_at_once_on_an_empty_database_make_it_once() {
    let Some(db) = govit_store::testing::TestDatabase::postgres().await.unwrap() else {
        eprintln!("\n!!!!!!!! no PostgreSQL binaries: the simultaneous start test is SKIPPED !!!!!!!!\n");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The keys are handed to every node before it starts (docs/DEPLOY.md); the database is empty.
    govit_app::keys::AuditKey::load_or_create(&data.join("keys").join("audit-sm2.pem")).unwrap();
    let url = db.url().to_owned();
    let both: Vec<_> = (0..2)
        .map(|_| {
            let (url, data) = (url.clone(), data.clone());
            std::thread::spawn(move || start_with(&url, &data, &["--demo"]))
        })
        .collect();
    let mut nodes: Vec<Node> = both
        .into_iter()
        .map(|t| t.join().unwrap().unwrap_or_else(|out| panic!("a node did not start: {out}")))
        .collect();
    let said = |text: &str| nodes.iter().filter(|n| n.lines.lock().unwrap().iter().any(|l| l.contains(text))).count();
    assert_eq!(said("已生成示范数据"), 1, "one node made the demo city");
    assert_eq!(said("demo data not seeded"), 1, "the other found it made");
    let raw = db.raw().await.unwrap();
    let (migrations, versions): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations")
            .fetch_one(&raw)
            .await
            .unwrap();
    assert_eq!(migrations, versions, "each migration applied once");
    let (admins,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE username LIKE 'admin%'").fetch_one(&raw).await.unwrap();
    assert_eq!(admins, 1, "one system administrator");
    raw.close().await;
    stop_and_verify(&mut nodes, db.url(), &data);
}

/// Kills `nodes`, then `govit audit verify` must pass on `database`.
fn stop_and_verify<'a>(nodes: impl IntoIterator<Item = &'a mut Node>, database: &str, data: &Path) {
    for node in nodes {
        node.child.kill().unwrap();
        node.child.wait().unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_govit"))
        .args(["audit", "verify", "--data"])
        .arg(data)
        .env("GOVIT_DATABASE", database)
        .output()
        .unwrap();
    let verified = ok(&out);
    assert!(verified.contains("校验通过"), "{verified}");
}

#[tokio::test]
async fn a_second_server_on_one_sqlite_file_is_refused_naming_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_folder(dir.path()).await;
    let first = start("", &data).expect("the first server starts");
    let second = start("", &data).err().expect("a second server on the same file does not start");
    assert!(second.contains("SQLite 只支持单个服务进程") && second.contains("PostgreSQL"), "{second}");
    let mut first = first;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
}
