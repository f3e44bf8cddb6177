//! Crash safety: `govit serve` under concurrent command load is killed with SIGKILL again and again (20 times
//! by default, `GOVIT_CRASH_CYCLES` to change) and restarted on the same data. Clients retry what was not
//! answered with the same request id, as the API asks. At the end every acknowledged command is present, none
//! was applied twice, and `govit audit verify` passes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{demo_folder, login, ok, start};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const OWNERS: [&str; 4] = ["minzheng", "jiaoyu", "weijian", "gongan"];

fn register(request_id: &str) -> Value {
    json!({ "do": "register_project", "request_id": request_id, "with": {
        "name": format!("崩溃测试项目{request_id}"), "category": "business_application", "construction": "new",
        "funding": "government_investment", "investment": "80万" } })
}

/// Sends one command; `Some((project, replayed))` if the server answered that it was done. A `429` is waited
/// out as its `Retry-After` says, as a well-behaved client would: the load is fast enough to meet the limit.
async fn send(c: &reqwest::Client, base: &str, request_id: &str) -> Option<(String, bool)> {
    loop {
        let r = c.post(format!("{base}/api/v1/commands")).json(&register(request_id)).send().await.ok()?;
        if r.status() == 429 {
            let wait = r.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(1);
            tokio::time::sleep(Duration::from_secs(wait)).await;
            continue;
        }
        if r.status() != 200 {
            return None;
        }
        let body: Value = r.json().await.ok()?;
        return Some((body["project"].as_str()?.to_owned(), body["replayed"].as_bool()?));
    }
}

/// What every client was told: request id → project.
type Acknowledged = Arc<Mutex<BTreeMap<String, String>>>;
/// A client's last request number.
type Counter = Arc<Mutex<u32>>;
/// A client's request that got no answer, to send again.
type Pending = Arc<Mutex<Option<String>>>;

/// Sends commands until the server goes away; the one unanswered is retried first next time.
async fn client(c: reqwest::Client, base: String, owner: usize, next: Counter, pending: Pending, acked: Acknowledged) {
    loop {
        let id = pending.lock().unwrap().clone().unwrap_or_else(|| {
            let mut n = next.lock().unwrap();
            *n += 1;
            format!("{owner}-{}", *n)
        });
        *pending.lock().unwrap() = Some(id.clone());
        let Some((project, _)) = send(&c, &base, &id).await else { return };
        let before = acked.lock().unwrap().insert(id.clone(), project.clone());
        assert!(before.is_none_or(|p| p == project), "request {id} answered with two projects");
        *pending.lock().unwrap() = None;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_command_survives_repeated_kill_9_and_none_is_applied_twice() {
    let cycles: u64 = std::env::var("GOVIT_CRASH_CYCLES").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let data = demo_folder(dir.path()).await;
    let acked: Acknowledged = Arc::default();
    let state: Vec<(Counter, Pending)> = OWNERS.iter().map(|_| (Arc::default(), Arc::default())).collect();

    // Sessions are stored, so the clients log in once and keep their cookies across restarts (cookies are
    // not bound to a port, so the new port each restart picks does not matter).
    let mut sessions = Vec::new();
    for cycle in 0..cycles {
        let (mut child, base) = start(&data);
        if sessions.is_empty() {
            for owner in OWNERS {
                sessions.push(login(&base, owner).await);
            }
        }
        let tasks: Vec<_> = state
            .iter()
            .enumerate()
            .map(|(owner, (next, pending))| {
                let c = sessions[owner].clone();
                tokio::spawn(client(c, base.clone(), owner, next.clone(), pending.clone(), acked.clone()))
            })
            .collect();
        // A different moment in the load each time.
        tokio::time::sleep(Duration::from_millis(300 + cycle * 97 % 500)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        for t in tasks {
            t.await.unwrap();
        }
    }

    let (mut child, base) = start(&data);
    let mut clients = Vec::new();
    for owner in OWNERS {
        clients.push(login(&base, owner).await);
    }
    for (owner, (_, pending)) in state.iter().enumerate() {
        let unanswered = pending.lock().unwrap().clone();
        if let Some(id) = unanswered {
            let (project, _) = send(&clients[owner], &base, &id).await.expect("the last unanswered command");
            acked.lock().unwrap().insert(id, project);
        }
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() as u64 >= cycles, "only {} commands were acknowledged in {cycles} cycles", acked.len());
    for (id, project) in &acked {
        let owner: usize = id.split('-').next().unwrap().parse().unwrap();
        let (again, replayed) = send(&clients[owner], &base, id).await.unwrap();
        assert!(replayed, "{id} was applied again instead of replayed");
        assert_eq!(&again, project, "{id} is recorded under {again}, acknowledged as {project}");
    }
    let bureau = login(&base, "bureau").await;
    let mut names: Vec<String> = Vec::new();
    for page in 1.. {
        let url = format!("{base}/api/v1/projects?q=崩溃测试项目&per_page=500&page={page}");
        let list: Value = bureau.get(url).send().await.unwrap().json().await.unwrap();
        let rows = list["rows"].as_array().unwrap();
        names.extend(rows.iter().map(|r| r["name"].as_str().unwrap().to_owned()));
        if page >= list["pages"].as_u64().unwrap() {
            break;
        }
    }
    let total = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), total, "a command was applied twice");
    assert_eq!(total, acked.len(), "every command is recorded exactly once");
    child.kill().unwrap();
    child.wait().unwrap();

    let verified = ok(&common::govit(&["audit", "verify"], &data));
    assert!(verified.contains("校验通过"), "{verified}");
    eprintln!("{cycles} kill -9 cycles, {} commands acknowledged, all present once, audit chain verified", acked.len());
}
