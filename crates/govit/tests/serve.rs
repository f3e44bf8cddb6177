//! `govit serve` as an operator runs it: a data folder created on first start, the demo city seeded, the
//! login page served, and a clean exit on SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serve_seeds_the_demo_city_serves_pages_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_govit"))
        .args(["serve", "--addr", "127.0.0.1:0", "--demo", "--data"])
        .arg(&data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut addr = None;
    let mut seeded = false;
    for line in lines.by_ref().take(10) {
        let line = line.unwrap();
        seeded |= line.contains("示范数据");
        if let Some(url) = line.split("http://").nth(1) {
            addr = Some(url.trim().to_owned());
            break;
        }
    }
    let addr = addr.expect("no address printed");
    assert!(seeded, "demo data not reported");
    assert!(data.join("govit.db").exists());
    let login = get(&addr, "/login");
    assert!(login.starts_with("HTTP/1.1 200") && login.contains("登录"), "{login}");
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "govit did not exit cleanly on SIGTERM: {exit:?}");
    assert!(data.join("keys/audit-sm2.pem").exists() && data.join("keys/audit-sm2.pub.pem").exists());

    // The record of the demo city verifies, checkpoints included …
    let verify =
        || Command::new(env!("CARGO_BIN_EXE_govit")).args(["audit", "verify", "--data"]).arg(&data).output().unwrap();
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success() && text.contains("校验通过"), "{text}{}", String::from_utf8_lossy(&out.stderr));
    // … exports for OpenSSL …
    let export = dir.path().join("export");
    let out = Command::new(env!("CARGO_BIN_EXE_govit"))
        .args(["audit", "export"])
        .arg(&export)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(export.join("verify-with-openssl.sh").exists() && export.join("public-key.pem").exists());
    // … and fails, naming the event, once one is changed.
    let db = data.join("govit.db");
    let seq: i64 = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        let (seq,): (i64,) = sqlx::query_as("SELECT MIN(seq) FROM events WHERE kind = 'project_registered'")
            .fetch_one(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE events SET body = replace(body, '\"investment\":', '\"investment\": ') WHERE seq = $1")
            .bind(seq)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        seq
    });
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!out.status.success() && text.contains(&format!("第{seq}号")), "{text}");
}

#[test]
fn serve_refuses_a_single_sign_on_configuration_that_cannot_work_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("sso.yaml"),
        "issuer: sso.wuhan.example\nclient_id: govit\nredirect_url: https://govit.example/login/sso/callback\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_govit"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(&data)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "govit must not start with a single sign-on it cannot use");
    assert!(said.contains("sso.yaml") && said.contains("字段“issuer”:不是有效的网址"), "{said}");
    assert!(!data.join("govit.db").exists(), "nothing was created: {said}");
}
