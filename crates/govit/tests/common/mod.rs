//! A data folder holding the demo city, and the `govit` binary run on it.
#![allow(dead_code)]

use govit_app::{App, Clock, SystemClock, demo};
use govit_store::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
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
