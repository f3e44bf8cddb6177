//! The audit record: SM2-signed checkpoints over the SM3 chain, every kind of tampering named where it
//! shows, and an export that stock OpenSSL verifies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_app::audit::{self, AuditReport};
use govit_app::keys::{AuditKey, AuditPublicKey};
use govit_app::{App, CommandRequest, FixedClock};
use govit_rules::{Actor, Command, JurisdictionId, OrgName, Role};
use govit_store::Store;
use std::path::Path;
use std::process::Command as Process;
use std::sync::Arc;

fn owner() -> Actor {
    Actor {
        role: Role::Owner,
        organization: OrgName::parse("市民政局").unwrap(),
        jurisdiction: JurisdictionId::wuhan(),
        person: None,
    }
}

fn register(n: usize) -> Command {
    serde_json::from_value(serde_json::json!({"do": "register_project", "with": {
        "name": format!("项目{n}"), "owner": {"name": "市民政局", "kind": "party_government_organ"},
        "category": "business_application", "construction": "new", "funding": "government_investment", "investment": 800_000}}))
    .unwrap()
}

async fn app(db: &Path) -> App {
    let store = Store::open_file(db).await.unwrap();
    App::new(
        store,
        govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap(),
        Arc::new(FixedClock::at("2022-03-01".parse().unwrap())),
    )
}

async fn add_events(app: &App, from: usize, count: usize) {
    for n in from..from + count {
        let request = CommandRequest {
            actor: owner(),
            on: "2022-03-01".parse().unwrap(),
            command: register(n),
            request_id: None,
            attachments: Vec::new(),
        };
        app.execute(request).await.unwrap();
    }
}

/// A store with 6 events, a checkpoint at 4 and one at 6, closed; returns its key.
async fn seeded(dir: &Path) -> AuditKey {
    let key = AuditKey::load_or_create(&dir.join("keys/audit.pem")).unwrap();
    let app = app(&dir.join("govit.db")).await;
    add_events(&app, 0, 4).await;
    app.sign_checkpoint(&key).await.unwrap().unwrap();
    add_events(&app, 4, 2).await;
    app.sign_checkpoint(&key).await.unwrap().unwrap();
    assert!(app.sign_checkpoint(&key).await.unwrap().is_none(), "a covered head is not signed twice");
    app.store().close().await;
    key
}

async fn check(dir: &Path, key: &AuditPublicKey) -> AuditReport {
    let app = app(&dir.join("govit.db")).await;
    audit::verify(&app, key, |_, _| ()).await.unwrap()
}

async fn sql(dir: &Path, statements: &[&str]) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("govit.db").display())).await.unwrap();
    for s in statements {
        sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

#[tokio::test]
async fn an_untouched_record_verifies_with_its_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let key = seeded(dir.path()).await;
    let report = check(dir.path(), &key.public()).await;
    assert!(report.ok(), "{report:?}");
    assert_eq!((report.events, report.checkpoints), (6, 2));
}

#[cfg(unix)]
#[test]
fn the_private_key_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k/audit.pem");
    let key = AuditKey::load_or_create(&path).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(AuditKey::load_or_create(&path).unwrap().key_id, key.key_id, "the key is kept, not replaced");
    assert!(govit_app::keys::public_path(&path).exists());
}

#[tokio::test]
async fn a_projection_changed_beside_the_log_is_caught_naming_the_project_and_the_column() {
    let tampering = [
        ("UPDATE projects SET status = 'accepted' WHERE id LIKE '%-0003'", "列表数据(status)"),
        ("UPDATE projects SET investment = 100 WHERE id LIKE '%-0002'", "列表数据(investment)"),
        ("UPDATE projects SET state = replace(state, '项目4', '项目Z') WHERE id LIKE '%-0005'", "状态数据"),
        ("DELETE FROM project_events WHERE seq = 4", "办理记录缺少第4号事件"),
        ("DELETE FROM projects WHERE id LIKE '%-0006'", "不在项目表中"),
        (
            "INSERT INTO plans (jurisdiction, year, status, state) VALUES ('wuhan', 2022, 'approved', '{}')",
            "在日志中没有记载",
        ),
    ];
    for (statement, said) in tampering {
        let dir = tempfile::tempdir().unwrap();
        let key = seeded(dir.path()).await;
        let untouched = check(dir.path(), &key.public()).await;
        assert!(untouched.ok() && untouched.projects == 6, "{untouched:?}");
        sql(dir.path(), &[statement]).await;
        let report = check(dir.path(), &key.public()).await;
        assert_eq!(report.events, 6, "the chain itself still holds");
        let f = report.first_break.unwrap_or_else(|| panic!("`{statement}` passes verify"));
        assert!(f.reason.contains(said), "{statement}: {f:?}");
    }
}

#[tokio::test]
async fn changing_a_byte_of_an_event_is_caught_at_that_event() {
    let dir = tempfile::tempdir().unwrap();
    let key = seeded(dir.path()).await;
    sql(dir.path(), &["UPDATE events SET body = replace(body, '项目2', '项目X') WHERE seq = 3"]).await;
    let f = check(dir.path(), &key.public()).await.first_break.unwrap();
    assert_eq!(f.seq, 3, "{f:?}");
}

#[tokio::test]
async fn every_column_kept_beside_the_hashed_body_is_checked_against_it() {
    let dir = tempfile::tempdir().unwrap();
    let key = seeded(dir.path()).await;
    let db = dir.path().join("govit.db");
    let app = app(&db).await;
    app.record_security("login_failed", "someone", "密码错误").await.unwrap();
    app.store().close().await;
    // The event's date and recording time are no longer copied out of the body: beside it are only its
    // place, its hashes and `kind`. A column added later fails here until it is checked too.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let columns: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM pragma_table_info('events') ORDER BY cid").fetch_all(&pool).await.unwrap();
    pool.close().await;
    let columns: Vec<&str> = columns.iter().map(|(c,)| c.as_str()).collect();
    assert_eq!(columns, ["seq", "kind", "body", "prev_hash", "hash"]);
    // A decision's kind, then a security event's.
    for (seq, kind) in [(3, "project_terminated"), (7, "security.login_succeeded")] {
        let save = format!("CREATE TABLE saved AS SELECT kind FROM events WHERE seq = {seq}");
        sql(dir.path(), &[&save, &format!("UPDATE events SET kind = '{kind}' WHERE seq = {seq}")]).await;
        let f = check(dir.path(), &key.public()).await.first_break.expect("a changed kind column passes");
        assert_eq!(f.seq, seq, "{f:?}");
        assert!(f.reason.contains(kind), "{f:?}");
        let restore = format!("UPDATE events SET kind = (SELECT kind FROM saved) WHERE seq = {seq}");
        sql(dir.path(), &[&restore, "DROP TABLE saved"]).await;
        assert!(check(dir.path(), &key.public()).await.ok(), "restored, the record verifies again");
    }
}

#[tokio::test]
async fn rewriting_an_event_and_recomputing_the_chain_is_caught_by_the_signed_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let key = seeded(dir.path()).await;
    // The forger edits event 2 and recomputes every later hash so that the chain itself is consistent.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("govit.db").display())).await.unwrap();
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT seq, body FROM events ORDER BY seq").fetch_all(&pool).await.unwrap();
    let mut prev = govit_store::GENESIS;
    for (seq, body) in rows {
        let body = if seq == 2 { body.replace("项目1", "项目Y") } else { body };
        let hash = govit_store::hash_event(&prev, body.as_bytes());
        sqlx::query("UPDATE events SET body = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&body)
            .bind(hex::encode(prev))
            .bind(hex::encode(hash))
            .bind(seq)
            .execute(&pool)
            .await
            .unwrap();
        prev = hash;
    }
    pool.close().await;
    let f = check(dir.path(), &key.public()).await.first_break.unwrap();
    assert_eq!(f.seq, 4, "the first checkpoint after the forgery names it: {f:?}");
    assert!(f.reason.contains("链头"), "{f:?}");
}

#[tokio::test]
async fn deleting_an_event_is_caught_where_the_gap_is() {
    let dir = tempfile::tempdir().unwrap();
    let key = seeded(dir.path()).await;
    sql(dir.path(), &["DELETE FROM events WHERE seq = 2"]).await;
    assert_eq!(check(dir.path(), &key.public()).await.first_break.unwrap().seq, 3);
}

#[tokio::test]
async fn reordering_two_events_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let key = seeded(dir.path()).await;
    sql(
        dir.path(),
        &[
            "UPDATE events SET seq = -1 WHERE seq = 4",
            "UPDATE events SET seq = 4 WHERE seq = 5",
            "UPDATE events SET seq = 5 WHERE seq = -1",
        ],
    )
    .await;
    assert_eq!(check(dir.path(), &key.public()).await.first_break.unwrap().seq, 4);
}

#[tokio::test]
async fn truncating_the_tail_is_caught_against_the_last_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let key = seeded(dir.path()).await;
    sql(dir.path(), &["DELETE FROM events WHERE seq > 4"]).await;
    let f = check(dir.path(), &key.public()).await.first_break.unwrap();
    assert_eq!(f.seq, 5, "{f:?}");
    assert!(f.reason.contains("截断"), "{f:?}");
}

#[tokio::test]
async fn swapping_the_key_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    seeded(dir.path()).await;
    let other = AuditKey::load_or_create(&dir.path().join("other/audit.pem")).unwrap();
    let f = check(dir.path(), &other.public()).await.first_break.unwrap();
    assert_eq!(f.seq, 4);
    assert!(f.reason.contains("签名无效"), "{f:?}");
}

#[tokio::test]
async fn a_forged_checkpoint_signed_with_another_key_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let key = seeded(dir.path()).await;
    sql(dir.path(), &["UPDATE checkpoints SET signed_at = '2030-01-01T00:00:00+08:00' WHERE seq = 6"]).await;
    let f = check(dir.path(), &key.public()).await.first_break.unwrap();
    assert_eq!(f.seq, 6);
}

#[tokio::test]
async fn the_export_verifies_with_stock_openssl_and_a_tampered_export_does_not() {
    if !govit_store::testing::openssl("the OpenSSL cross-checks") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = seeded(dir.path()).await;
    let out = dir.path().join("export");
    let app = app(&dir.path().join("govit.db")).await;
    let report = audit::export(&app, &key.public(), &out, |_, _| ()).await.unwrap();
    assert_eq!((report.events, report.checkpoints), (6, 2));
    let run = Process::new("sh").arg("verify-with-openssl.sh").current_dir(&out).output().unwrap();
    let text = String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success() && text.contains("OK: 6 events chained, 2 checkpoints verified"), "{text}");
    let event = out.join("events/3.json");
    let body = std::fs::read_to_string(&event).unwrap().replace("项目2", "项目Z");
    std::fs::write(&event, body).unwrap();
    let run = Process::new("sh").arg("verify-with-openssl.sh").current_dir(&out).output().unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stdout).contains("FAIL event 3"), "{}", String::from_utf8_lossy(&run.stdout));
}

#[test]
fn a_signature_made_by_openssl_verifies_in_govit() {
    if !govit_store::testing::openssl("the OpenSSL cross-checks") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ok = |args: &[&str]| {
        assert!(Process::new("openssl").args(args).current_dir(d).status().unwrap().success(), "{args:?}")
    };
    ok(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "k.pem"]);
    ok(&["pkey", "-in", "k.pem", "-pubout", "-out", "pub.pem"]);
    std::fs::write(d.join("m.txt"), "govit-checkpoint\nseq=1\n").unwrap();
    ok(&[
        "pkeyutl",
        "-sign",
        "-in",
        "m.txt",
        "-inkey",
        "k.pem",
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
        "-out",
        "m.sig",
    ]);
    let key = AuditPublicKey::read(&d.join("pub.pem")).unwrap();
    let sig = std::fs::read(d.join("m.sig")).unwrap();
    assert!(key.verify(b"govit-checkpoint\nseq=1\n", &sig));
    assert!(!key.verify(b"govit-checkpoint\nseq=2\n", &sig));
}
