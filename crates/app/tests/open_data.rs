//! Published open data sets (政务公开): cut at the head of the log, kept whole, signed with the audit key and
//! tied to the checkpoint of that head; one changed byte anywhere is found; a project that later leaves the
//! public set is still provably in what was published before.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_app::dataset::{DataSet, verify};
use govit_app::keys::AuditKey;
use govit_app::open_data::OpenDataConfig;
use govit_app::{App, FixedClock};
use govit_rules::vocab::Status;
use govit_store::testing::TestDatabase;
use std::sync::Arc;

/// The demo city on the backend `GOVIT_TEST_DATABASE` names, and a key; the database lives as long as the
/// returned guard.
async fn demo_city() -> (App, AuditKey, (tempfile::TempDir, TestDatabase)) {
    let db = TestDatabase::new().await.unwrap();
    let store = db.open().await.unwrap();
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let today = "2026-11-29".parse().unwrap();
    let app = App::new(store, policies, Arc::new(FixedClock::at(today)));
    govit_app::demo::seed(&app, today).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key = AuditKey::load_or_create(&dir.path().join("audit-sm2.pem")).unwrap();
    (app, key, (dir, db))
}

/// A file of a data set, whole, as a download would give it.
async fn file(app: &App, set: &DataSet, name: &str) -> Vec<u8> {
    let f = set.file(name).unwrap();
    let mut bytes = Vec::new();
    for part in 0..f.parts {
        bytes.extend(app.open_data_part(set.id, name, part).await.unwrap());
    }
    bytes
}

#[tokio::test]
async fn a_data_set_is_the_public_set_at_the_head_signed_and_tied_to_the_checkpoint_of_that_head() {
    let (app, key, _dir) = demo_city().await;
    let config = OpenDataConfig::default();
    let set = app.cut_open_data(&config, &key).await.unwrap().expect("a first data set");
    let (head, hash) = app.store().head().await.unwrap().unwrap();
    assert_eq!((set.checkpoint.seq, set.checkpoint.head_hash.as_str()), (head, hash.as_str()));
    let kept = app.store().checkpoint_at(head).await.unwrap().expect("the checkpoint is on record");
    assert_eq!(kept, set.checkpoint, "the data set names the checkpoint the audit log keeps");

    let public = app.open_data(&config).await.unwrap();
    assert_eq!(set.rows, i64::try_from(public.len()).unwrap());
    assert!(set.rows > 50, "the demo city publishes projects: {}", set.rows);
    let csv = file(&app, &set, "projects.csv").await;
    let text = String::from_utf8(csv.clone()).unwrap();
    assert_eq!(text, govit_app::open_data::open_data_csv(&public), "the CSV is the public list, byte for byte");
    let json: Vec<serde_json::Value> = serde_json::from_slice(&file(&app, &set, "projects.json").await).unwrap();
    assert_eq!(json.len(), public.len());
    assert_eq!(json[0]["id"], public[0].id);

    for name in ["projects.csv", "projects.json"] {
        let bytes = file(&app, &set, name).await;
        let statement = verify(bytes.as_slice(), &set.file(name).unwrap().signature, &key.public()).unwrap();
        assert_eq!((statement.file.as_str(), statement.rows, statement.checkpoint_seq), (name, set.rows, head));
    }
    assert_eq!(app.open_data_set(None).await.unwrap().id, set.id, "the newest set is the one served");
}

#[tokio::test]
async fn a_public_set_that_has_not_changed_is_not_published_again() {
    let (app, key, _dir) = demo_city().await;
    let config = OpenDataConfig::default();
    let first = app.cut_open_data(&config, &key).await.unwrap().unwrap();
    assert!(app.cut_open_data(&config, &key).await.unwrap().is_none());
    assert_eq!(app.open_data_sets(10).await.unwrap().len(), 1);
    assert_eq!(app.open_data_set(None).await.unwrap().id, first.id);
}

#[tokio::test]
async fn one_changed_byte_in_the_file_or_its_signature_fails_the_check_and_says_where() {
    let (app, key, _dir) = demo_city().await;
    let set = app.cut_open_data(&OpenDataConfig::default(), &key).await.unwrap().unwrap();
    let bytes = file(&app, &set, "projects.csv").await;
    let sig = &set.file("projects.csv").unwrap().signature;

    let mut altered = bytes.clone();
    let at = altered.len() / 2;
    altered[at] ^= 0x01;
    let problems = verify(altered.as_slice(), sig, &key.public()).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("SM3") && problems[0].contains("文件被改动"), "{problems:?}");

    let longer = [bytes.as_slice(), b"\n"].concat();
    let problems = verify(longer.as_slice(), sig, &key.public()).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("文件大小")), "{problems:?}");

    let claimed = sig.replace(&format!("rows={}\n", set.rows), &format!("rows={}\n", set.rows + 1));
    let problems = verify(bytes.as_slice(), &claimed, &key.public()).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("数据集签名无效")), "{problems:?}");

    let other_head = sig.replace(&set.checkpoint.head_hash, &"0".repeat(64));
    let problems = verify(bytes.as_slice(), &other_head, &key.public()).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("数据集签名无效")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("检查点")), "{problems:?}");

    let dir = tempfile::tempdir().unwrap();
    let stranger = AuditKey::load_or_create(&dir.path().join("other.pem")).unwrap();
    let problems = verify(bytes.as_slice(), sig, &stranger.public()).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("不是所给公钥")), "{problems:?}");

    for broken in ["", "signature=AAAA\n", &sig.replacen("govit-open-data\n", "", 1)] {
        let problems = verify(bytes.as_slice(), broken, &key.public()).unwrap_err();
        assert!(problems[0].starts_with("签名文件格式无效"), "{broken:?}: {problems:?}");
    }
    assert!(verify(bytes.as_slice(), sig, &key.public()).is_ok(), "the file as published passes");
}

#[tokio::test]
async fn a_project_that_leaves_the_public_set_is_still_provably_in_the_data_set_published_before() {
    let (app, key, _dir) = demo_city().await;
    let before = app.cut_open_data(&OpenDataConfig::default(), &key).await.unwrap().unwrap();
    let approved = app
        .digests(app.clock().today())
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.status == Status::Approved)
        .expect("the demo city has an approved project");
    // The operator narrows what is published to projects in operation.
    let narrowed = OpenDataConfig { statuses: vec![Status::Operating], ..OpenDataConfig::default() };
    let after = app.cut_open_data(&narrowed, &key).await.unwrap().expect("a narrower set is a new data set");
    assert!(after.rows < before.rows);
    let now = String::from_utf8(file(&app, &after, "projects.csv").await).unwrap();
    assert!(!now.contains(approved.id.as_str()), "the approved project is no longer published");

    let then = app.open_data_set(Some(before.id)).await.unwrap();
    let bytes = file(&app, &then, "projects.csv").await;
    assert!(String::from_utf8(bytes.clone()).unwrap().contains(approved.id.as_str()));
    let statement = verify(bytes.as_slice(), &then.file("projects.csv").unwrap().signature, &key.public()).unwrap();
    assert_eq!(statement.cut_at, before.cut_at, "it was published then, signed, tied to its checkpoint");
    let sets: Vec<i64> = app.open_data_sets(10).await.unwrap().iter().map(|s| s.id).collect();
    assert_eq!(sets, vec![after.id, before.id], "newest first");
}

#[tokio::test]
async fn an_empty_record_publishes_nothing() {
    let store = govit_store::Store::open_memory().await.unwrap();
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let app = App::new(store, policies, Arc::new(FixedClock::at("2026-11-29".parse().unwrap())));
    let dir = tempfile::tempdir().unwrap();
    let key = AuditKey::load_or_create(&dir.path().join("audit-sm2.pem")).unwrap();
    assert!(app.cut_open_data(&OpenDataConfig::default(), &key).await.unwrap().is_none());
    let missing = app.open_data_set(None).await.unwrap_err();
    assert!(matches!(missing, govit_app::AppError::NotFound { .. }), "{missing:?}");
}

#[test]
fn a_site_address_for_the_catalogue_must_be_a_plain_web_address() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("open-data.yaml");
    let base = "statuses: [approved]\nroutes: [approval]\nshow_investment: true\n";
    std::fs::write(&path, format!("{base}site: https://xmgk.example.gov.cn/\n")).unwrap();
    assert_eq!(OpenDataConfig::load(&path).unwrap().site.as_deref(), Some("https://xmgk.example.gov.cn"));
    for bad in ["ftp://x", "https://", "https://a b", "https://x\"><script>", "javascript:alert(1)"] {
        std::fs::write(&path, format!("{base}site: '{bad}'\n")).unwrap();
        let e = OpenDataConfig::load(&path).unwrap_err();
        assert!(e.to_string().contains("site"), "{bad}: {e}");
    }
}

#[tokio::test]
async fn a_head_checkpointed_by_a_replaced_key_is_not_cut_until_an_event_of_its_own() {
    let (app, old, guard) = demo_city().await;
    app.sign_checkpoint(&old).await.unwrap().expect("the head is checkpointed by the old key");
    let new = AuditKey::load_or_create(&guard.0.path().join("new-audit-sm2.pem")).unwrap();
    let refused = app.cut_open_data(&OpenDataConfig::default(), &new).await.unwrap_err();
    assert!(refused.to_string().contains("另一密钥"), "{refused}");
    assert!(app.open_data_sets(10).await.unwrap().is_empty(), "nothing published that would not verify");
    // The next events (the 电子监察 run of the new year) give a head the new key signs.
    let run = app.issue_cards("2027-01-02".parse().unwrap()).await.unwrap();
    assert!(run.projects > 0);
    let set = app.cut_open_data(&OpenDataConfig::default(), &new).await.unwrap().unwrap();
    let bytes = file(&app, &set, "projects.csv").await;
    verify(bytes.as_slice(), &set.file("projects.csv").unwrap().signature, &new.public()).unwrap();
}
