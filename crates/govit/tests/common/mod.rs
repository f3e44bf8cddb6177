//! A data folder holding the demo city, and the `govit` binary run on it.
#![allow(dead_code)]

use govit_app::{App, Clock, SystemClock, demo};
use govit_store::Store;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;

/// `DIR/data` with the demo city seeded on today's date, the store closed.
pub async fn demo_folder(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let store = Store::open_file(&data.join("govit.db")).await.unwrap();
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let app = App::new(store, policies, Arc::new(SystemClock));
    demo::seed(&app, SystemClock.today()).await.unwrap();
    app.store().close().await;
    data
}

/// `govit ARGS --data DATA`.
pub fn govit(args: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govit")).args(args).arg("--data").arg(data).output().unwrap()
}

/// The standard output of a run that must have succeeded.
pub fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// A client logged in to the demo city at `base` as `user`, sending the session's token as `X-CSRF-Token`
/// (the API's unsafe methods need it). Sessions are stored, so its cookie serves a restarted server, or
/// another server on the same database, too.
pub async fn login(base: &str, user: &str) -> reqwest::Client {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = |headers| {
        reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .default_headers(headers)
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .unwrap()
    };
    let r = client(reqwest::header::HeaderMap::new())
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({ "username": user, "password": demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {user}");
    let body: serde_json::Value = r.json().await.unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-csrf-token", body["csrf"].as_str().unwrap().parse().unwrap());
    client(headers)
}

/// `govit serve` on a free port with `extra` arguments (`--demo`); its address (`http://…`) once it says it is
/// listening.
pub fn start_with(data: &Path, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_govit"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .arg("--data")
        .arg(data)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines {
        let line = line.unwrap();
        if let Some(addr) = line.split("http://").nth(1) {
            return (child, format!("http://{}", addr.trim()));
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    panic!("govit serve printed no address");
}

/// A server on a free port over `data` as it is.
pub fn start(data: &Path) -> (Child, String) {
    start_with(data, &[])
}
