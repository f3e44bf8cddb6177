//! `govit backup` and `govit restore`: a copy taken from a live store holds every event and verifies; a copy
//! whose record was altered is refused and the store left as it was; a good copy replaces the store, which is
//! kept under a new name, and `govit audit verify` passes on the result.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{demo_folder, govit, ok};
use govit_store::Store;

async fn count(db: &std::path::Path) -> i64 {
    let store = Store::open_file(db).await.unwrap();
    let n = store.event_count().await.unwrap();
    store.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_only_when_its_audit_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_folder(dir.path()).await;
    let events = count(&data.join("govit.db")).await;
    let serve_key = ok(&govit(&["audit", "checkpoint"], &data));
    assert!(serve_key.contains("已签署检查点"), "{serve_key}");

    let copy = dir.path().join("govit-backup.db");
    let out = ok(&govit(&["backup", copy.to_str().unwrap()], &data));
    assert!(out.contains(&format!("{events} 条事件")) && out.contains("1 个检查点签名有效"), "{out}");
    let again = govit(&["backup", copy.to_str().unwrap()], &data);
    assert_eq!(again.status.code(), Some(2), "an existing backup is never overwritten");

    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&copy, &tampered).unwrap();
    {
        let store = Store::open_file(&tampered).await.unwrap();
        store.close().await;
        let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", tampered.display())).await.unwrap();
        sqlx::query("UPDATE events SET body = replace(body, '新建单位', '撤销单位') WHERE seq = 5")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    let refused = govit(&["restore", tampered.to_str().unwrap(), "--force"], &data);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(said.contains("恢复已取消") && said.contains("第5号"), "{said}");
    assert_eq!(count(&data.join("govit.db")).await, events, "the store is as it was");

    let without_force = govit(&["restore", copy.to_str().unwrap()], &data);
    assert_eq!(without_force.status.code(), Some(2), "an existing store is replaced only with --force");
    let out = ok(&govit(&["restore", copy.to_str().unwrap(), "--force"], &data));
    assert!(out.contains("原数据库已改名保留"), "{out}");
    let kept: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("govit.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(count(&data.join("govit.db")).await, events);
    let verified = ok(&govit(&["audit", "verify"], &data));
    assert!(verified.contains("校验通过"), "{verified}");

    let fresh = dir.path().join("fresh");
    let out = ok(&govit(&["restore", copy.to_str().unwrap()], &fresh));
    assert!(out.contains("未找到公钥"), "restoring onto a new machine without keys checks the chain only: {out}");
}

/// `govit --database URL ARGS --data DATA`.
fn govit_on(url: &str, args: &[&str], data: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_govit"))
        .args(["--database", url])
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_a_pg_dump_backup_is_verified_and_restores_only_with_force() {
    let db = govit_store::testing::TestDatabase::new().await.unwrap();
    let url = db.url().to_owned();
    if !url.starts_with("postgres") {
        eprintln!("skipped: the PostgreSQL backup runs with GOVIT_TEST_DATABASE=postgres (SQLite's is tested above)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    {
        let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
        let app = govit_app::App::new(db.open().await.unwrap(), policies, std::sync::Arc::new(govit_app::SystemClock));
        govit_app::demo::seed(&app, govit_app::Clock::today(&govit_app::SystemClock)).await.unwrap();
        app.store().close().await;
    }
    let events = db.open().await.unwrap().event_count().await.unwrap();
    ok(&govit_on(&url, &["audit", "checkpoint"], &data));

    let copy = dir.path().join("govit.pgdump");
    let out = ok(&govit_on(&url, &["backup", copy.to_str().unwrap()], &data));
    assert!(out.contains("pg_dump") && out.contains(&format!("{events} 条事件")), "{out}");

    // A live database whose record was altered gives a backup that fails its check.
    let pool = db.raw().await.unwrap();
    sqlx::query("UPDATE events SET body = replace(body, '新建单位', '撤销单位') WHERE seq = 5")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let bad = dir.path().join("tampered.pgdump");
    let refused = govit_on(&url, &["backup", bad.to_str().unwrap()], &data);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stdout).contains("第5号"));

    let without_force = govit_on(&url, &["restore", copy.to_str().unwrap()], &data);
    assert_eq!(without_force.status.code(), Some(2), "a database with data is replaced only with --force");
    let out = ok(&govit_on(&url, &["restore", copy.to_str().unwrap(), "--force"], &data));
    assert!(out.contains("原数据库已改名保留为") && out.contains("1 个检查点签名有效"), "{out}");
    let verified = ok(&govit_on(&url, &["audit", "verify"], &data));
    assert!(verified.contains("校验通过"), "{verified}");
}
