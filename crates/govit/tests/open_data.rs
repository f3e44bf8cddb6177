//! A citizen checks the published open data (政务公开) of a running `govit serve`: downloads the CSV, its
//! signature, the public key and the script the portal offers, and checks them with `govit verify-open-data`
//! and with stock OpenSSL. One byte changed in the file and both checks fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn verify_cli(file: &Path, dir: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_govit"))
        .arg("verify-open-data")
        .arg(file)
        .arg(dir.join("projects.csv.sig"))
        .arg("--key")
        .arg(dir.join("audit-key.pem"))
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The portal's script, given the key id published elsewhere.
fn verify_openssl(file: &Path, dir: &Path, key_id: &str) -> (bool, String) {
    let out = Command::new("sh")
        .arg(dir.join("verify-open-data.sh"))
        .arg(file)
        .arg(dir.join("projects.csv.sig"))
        .arg(dir.join("audit-key.pem"))
        .arg(key_id)
        .output()
        .unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_downloaded_data_set_verifies_with_govit_and_with_openssl_and_one_changed_byte_fails_both() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (mut child, base) = common::start_with(&data, &["--demo"]);
    let client = reqwest::Client::new();
    // The server publishes the day's data set once it has started.
    let started = Instant::now();
    let csv = loop {
        let r = client.get(format!("{base}/public/projects.csv")).send().await.unwrap();
        if r.status() == 200 {
            break r.bytes().await.unwrap();
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no data set published: {}", r.status());
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    std::fs::write(downloads.join("projects.csv"), &csv).unwrap();
    for name in ["projects.csv.sig", "audit-key.pem", "verify-open-data.sh"] {
        let r = client.get(format!("{base}/public/{name}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{name}");
        std::fs::write(downloads.join(name), r.bytes().await.unwrap()).unwrap();
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    let served = std::fs::read_to_string(downloads.join("audit-key.pem")).unwrap();
    let own = std::fs::read_to_string(data.join("keys/audit-sm2.pub.pem")).unwrap();
    assert_eq!(served, own, "the portal serves the platform's audit key");

    let file = downloads.join("projects.csv");
    let (ok, text) = verify_cli(&file, &downloads);
    assert!(ok && text.starts_with("通过:projects.csv"), "{text}");
    // Without --key, the platform's own public key in the data folder is used.
    let out = Command::new(env!("CARGO_BIN_EXE_govit"))
        .arg("verify-open-data")
        .arg(&file)
        .arg(downloads.join("projects.csv.sig"))
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let key_id = govit_app::keys::AuditPublicKey::from_pem(&own).unwrap().key_id;
    let check_openssl = govit_store::testing::openssl("the OpenSSL check of open data");
    if check_openssl {
        let (ok, text) = verify_openssl(&file, &downloads, &key_id);
        assert!(ok && text.starts_with("OK: projects.csv") && text.ends_with(&format!("key {key_id}\n")), "{text}");
        let (ok, text) = verify_openssl(&file, &downloads, "0123456789abcdef");
        assert!(!ok && text.contains("not the published 0123456789abcdef"), "another key id than published: {text}");
        // A statement padded with a line of its own is not a govit data set's, even where its signature line
        // and digests are intact.
        let sig = std::fs::read_to_string(downloads.join("projects.csv.sig")).unwrap();
        std::fs::write(downloads.join("projects.csv.sig"), format!("note=x\n{sig}")).unwrap();
        let (ok, text) = verify_openssl(&file, &downloads, &key_id);
        assert!(!ok && text.contains("FAIL"), "{text}");
        std::fs::write(downloads.join("projects.csv.sig"), sig).unwrap();
    }

    let mut altered = csv.to_vec();
    let at = altered.len() / 2;
    altered[at] ^= 0x20;
    let tampered = downloads.join("tampered.csv");
    std::fs::write(&tampered, &altered).unwrap();
    let (ok, text) = verify_cli(&tampered, &downloads);
    assert!(!ok && text.contains("未通过") && text.contains("文件被改动"), "{text}");
    if check_openssl {
        let (ok, text) = verify_openssl(&tampered, &downloads, &key_id);
        assert!(!ok && text.contains("FAIL") && text.contains("SM3"), "{text}");
    }
}
