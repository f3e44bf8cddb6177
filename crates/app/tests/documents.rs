//! Documents through the application layer: upload, link through a real command, list, download; the same
//! bytes kept once; type and size checks; who may read; tampered bytes refused; links rebuilt from the log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_app::documents::MAX_DOCUMENT_BYTES;
use govit_app::{App, AppError, CommandRequest, Executed, FixedClock};
use govit_rules::policy::{BUILTIN, load};
use govit_rules::{Actor, Command, Date, JurisdictionId, OrgName, ProjectId, Role};
use govit_store::Store;
use govit_store::testing::{self, TestDatabase};
use serde_json::json;
use std::sync::Arc;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn actor(role: Role, org: &str) -> Actor {
    Actor { role, organization: OrgName::parse(org).unwrap(), jurisdiction: JurisdictionId::wuhan(), person: None }
}

fn owner() -> Actor {
    actor(Role::Owner, "市民政局")
}

fn other_owner() -> Actor {
    actor(Role::Owner, "市教育局")
}

fn bureau() -> Actor {
    actor(Role::Bureau, "市政务服务和大数据管理局")
}

fn command(value: serde_json::Value) -> Command {
    serde_json::from_value(value).unwrap()
}

const PLAN: &[u8] = b"%PDF-1.7\n% \xe5\xae\x9e\xe6\x96\xbd\xe6\x96\xb9\xe6\xa1\x88\n1 0 obj << >> endobj\n%%EOF\n";

async fn app_on(store: Store) -> App {
    App::new(store, load(BUILTIN).unwrap(), Arc::new(FixedClock::at(d("2022-03-01"))))
}

/// The app on a database that outlives it: opened again, it shows what a restart would find.
async fn file_app(db: &TestDatabase) -> App {
    app_on(db.open().await.unwrap()).await
}

/// The database behind the store's back, to change what govit wrote.
async fn raw(db: &TestDatabase) -> sqlx::AnyPool {
    db.raw().await.unwrap()
}

async fn run(app: &App, who: Actor, on: &str, c: Command, attachments: Vec<String>) -> Result<Executed, AppError> {
    app.execute(CommandRequest { actor: who, on: d(on), command: c, request_id: None, attachments }).await
}

async fn done(app: &App, who: Actor, on: &str, c: Command, attachments: Vec<String>) -> Executed {
    let outcome = run(app, who, on, c, attachments).await.unwrap();
    assert!(matches!(outcome, Executed::Done { .. }), "{outcome:?}");
    outcome
}

/// A project in an approved plan, ready for its implementation plan to be submitted.
async fn planned(app: &App) -> ProjectId {
    let register = command(json!({"do": "register_project", "with": {
        "name": "养老服务信息系统升级", "owner": {"name": "市民政局", "kind": "party_government_organ"},
        "category": "business_application", "construction": "upgrade", "funding": "government_investment",
        "investment": 1_200_000}}));
    let Executed::Done { project: Some(id), .. } = done(app, owner(), "2022-01-05", register, vec![]).await else {
        panic!("not registered")
    };
    let propose = command(json!({"do": "propose_for_plan", "with": {"project": id.as_str(), "year": 2022}}));
    done(app, owner(), "2022-01-10", propose, vec![]).await;
    done(app, bureau(), "2022-02-01", command(json!({"do": "review_plan", "with": {"year": 2022}})), vec![]).await;
    let approve = command(json!({"do": "approve_plan", "with": {"year": 2022}}));
    done(app, actor(Role::Government, "市人民政府"), "2022-02-15", approve, vec![]).await;
    id
}

fn submit_stage(id: &ProjectId) -> Command {
    command(json!({"do": "submit_stage", "with": {"project": id.as_str(), "stage": "implementation_plan",
        "design_depth_sufficient": true, "investment": 1_200_000,
        "documents": ["information_sharing_analysis", "cryptography_plan", "secure_reliable_statement"],
        "preparer": "consulting_credit"}}))
}

#[tokio::test]
async fn an_uploaded_document_is_linked_by_a_command_listed_for_its_project_and_downloaded_unchanged() {
    let app = app_on(testing::store().await.unwrap()).await;
    let id = planned(&app).await;
    let meta = app.upload_document(&owner(), "实施方案.pdf", "application/pdf", PLAN).await.unwrap();
    assert_eq!(meta.digest, govit_app::documents::sm3_hex(PLAN));
    assert_eq!(
        (meta.size, meta.media_type.as_str(), meta.filename.as_str()),
        (PLAN.len() as u64, "application/pdf", "实施方案.pdf")
    );

    let Executed::Done { events, .. } =
        done(&app, owner(), "2022-03-01", submit_stage(&id), vec![meta.digest.to_uppercase()]).await
    else {
        unreachable!()
    };
    // The link is inside the hashed event body, normalised to lowercase.
    assert_eq!(events[0].record.attachments, vec![meta.digest.clone()]);
    assert!(app.store().verify_chain().await.unwrap().first_break.is_none());

    let listed = app.project_documents(&owner(), &id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].document.digest, meta.digest);
    assert_eq!(listed[0].seq, events[0].seq);
    assert_eq!(listed[0].on, "2022-03-01");
    assert_eq!(listed[0].action, "报送审批材料");

    let (got, bytes) = app.document(&owner(), &meta.digest).await.unwrap();
    assert_eq!(bytes, PLAN);
    assert_eq!(got.filename, "实施方案.pdf");
    // Whoever may see the project may read it.
    assert_eq!(app.document(&bureau(), &meta.digest).await.unwrap().1, PLAN);
}

#[tokio::test]
async fn the_same_bytes_uploaded_twice_are_one_document_with_one_digest() {
    let db = TestDatabase::new().await.unwrap();
    let app = file_app(&db).await;
    let a = app.upload_document(&owner(), "方案.pdf", "application/pdf", PLAN).await.unwrap();
    let b = app.upload_document(&owner(), "方案-副本.pdf", "", PLAN).await.unwrap();
    assert_eq!(a.digest, b.digest);
    assert_eq!(b.filename, "方案.pdf", "the first upload's name stays");
    app.store().close().await;
    let pool = raw(&db).await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM documents").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn unsupported_or_mislabelled_files_are_refused_in_chinese() {
    let app = app_on(testing::store().await.unwrap()).await;
    let cases: &[(&str, &str, &[u8])] = &[
        ("setup.exe", "application/x-msdownload", b"MZ\x90\x00\x03"),
        ("方案.pdf", "application/pdf", b"MZ\x90\x00\x03"),
        ("方案.pdf", "image/png", PLAN),
        ("报告.docx", "", b"PK\x03\x04 not a word file"),
        ("说明.txt", "text/plain", b"\xff\xfe\x00\x00"),
        ("无扩展名", "", PLAN),
    ];
    for (name, media, bytes) in cases {
        let e = app.upload_document(&owner(), name, media, bytes).await.unwrap_err();
        let AppError::Invalid { field, reason } = e else { panic!("{name}: {e:?}") };
        assert_eq!(field, "file", "{name}");
        assert!(reason.contains("不支持的文件类型"), "{name}: {reason}");
    }
    let e = app.upload_document(&owner(), "空.pdf", "application/pdf", b"").await.unwrap_err();
    assert!(matches!(e, AppError::Invalid { ref reason, .. } if reason.contains("为空")), "{e:?}");
    // Accepted: each kind with bytes that match it.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let docx = b"PK\x03\x04\x14\x00\x00\x00[Content_Types].xml...word/document.xml";
    let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00";
    for (name, media, bytes) in [
        ("图.png", "image/png", &png[..]),
        ("评估报告.docx", "application/octet-stream", &docx[..]),
        ("旧表.xls", "application/vnd.ms-excel", &ole[..]),
        ("说明.txt", "text/plain; charset=utf-8", "验收材料清单".as_bytes()),
        ("照片.JPG", "image/jpeg", b"\xFF\xD8\xFF\xE0\x00\x10JFIF"),
        ("../../etc/电子公文.ofd", "", b"PK\x03\x04....OFD.xml"),
    ] {
        let meta = app.upload_document(&owner(), name, media, bytes).await.unwrap();
        assert!(!meta.filename.contains('/'), "{}", meta.filename);
    }
}

#[tokio::test]
async fn a_file_over_the_size_limit_is_refused() {
    let app = app_on(testing::store().await.unwrap()).await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
    let e = app.upload_document(&owner(), "大.pdf", "application/pdf", &big).await.unwrap_err();
    assert!(
        matches!(e, AppError::Invalid { ref field, ref reason } if field == "file" && reason.contains("20 MiB")),
        "{e:?}"
    );
    big.truncate(MAX_DOCUMENT_BYTES);
    app.upload_document(&owner(), "刚好.pdf", "application/pdf", &big).await.unwrap();
}

#[tokio::test]
async fn another_owner_can_neither_read_nor_list_the_document() {
    let app = app_on(testing::store().await.unwrap()).await;
    let id = planned(&app).await;
    let meta = app.upload_document(&owner(), "实施方案.pdf", "application/pdf", PLAN).await.unwrap();
    // Before any action used it: only the uploader's organisation.
    assert!(matches!(app.document(&bureau(), &meta.digest).await, Err(AppError::NotFound { .. })));
    done(&app, owner(), "2022-03-01", submit_stage(&id), vec![meta.digest.clone()]).await;
    assert!(matches!(app.document(&other_owner(), &meta.digest).await, Err(AppError::NotFound { .. })));
    assert!(matches!(app.project_documents(&other_owner(), &id).await, Err(AppError::NotFound { .. })));
    assert!(matches!(app.document(&owner(), "not-a-digest").await, Err(AppError::Invalid { .. })));
}

#[tokio::test]
async fn an_unknown_attachment_is_bad_input_and_nothing_is_written() {
    let app = app_on(testing::store().await.unwrap()).await;
    let id = planned(&app).await;
    let before = app.store().decision_count().await.unwrap();
    let missing = govit_app::documents::sm3_hex(b"never uploaded");
    let e = run(&app, owner(), "2022-03-01", submit_stage(&id), vec![missing]).await.unwrap_err();
    assert!(matches!(e, AppError::Invalid { ref field, .. } if field == "attachments"), "{e:?}");
    let e = run(&app, owner(), "2022-03-01", submit_stage(&id), vec!["xyz".to_owned()]).await.unwrap_err();
    assert!(matches!(e, AppError::Invalid { ref field, .. } if field == "attachments"), "{e:?}");
    assert_eq!(app.store().decision_count().await.unwrap(), before);
}

#[tokio::test]
async fn bytes_changed_in_the_database_are_refused_on_download() {
    let db = TestDatabase::new().await.unwrap();
    let app = file_app(&db).await;
    let id = planned(&app).await;
    let meta = app.upload_document(&owner(), "实施方案.pdf", "application/pdf", PLAN).await.unwrap();
    done(&app, owner(), "2022-03-01", submit_stage(&id), vec![meta.digest.clone()]).await;
    app.store().close().await;
    let pool = raw(&db).await;
    sqlx::query("UPDATE documents SET content = $1 WHERE digest = $2")
        .bind(b"%PDF-1.7\n% forged\n".as_slice())
        .bind(&meta.digest)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let app = file_app(&db).await;
    let e = app.document(&owner(), &meta.digest).await.unwrap_err();
    assert!(matches!(e, AppError::Tampered { .. }), "{e:?}");
    assert!(e.to_string().contains("与其SM3摘要不符,可能已被篡改,拒绝下载"), "{e}");
}

#[tokio::test]
async fn a_link_written_beside_the_log_that_no_event_names_is_refused_not_listed() {
    let db = TestDatabase::new().await.unwrap();
    let app = file_app(&db).await;
    let id = planned(&app).await;
    let plan = app.upload_document(&owner(), "实施方案.pdf", "application/pdf", PLAN).await.unwrap();
    let other = app.upload_document(&owner(), "说明.txt", "text/plain", "从未附上的文件".as_bytes()).await.unwrap();
    let Executed::Done { events, .. } =
        done(&app, owner(), "2022-03-01", submit_stage(&id), vec![plan.digest.clone()]).await
    else {
        unreachable!()
    };
    app.store().close().await;
    let pool = raw(&db).await;
    sqlx::query("INSERT INTO document_links (digest, seq, project, position) VALUES ($1, $2, $3, 1)")
        .bind(&other.digest)
        .bind(events[0].seq)
        .bind(id.as_str())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let e = file_app(&db).await.project_documents(&owner(), &id).await.unwrap_err();
    assert!(matches!(e, AppError::Store(_)) && e.to_string().contains(&other.digest), "{e}");
}

#[tokio::test]
async fn links_are_a_projection_rebuilt_from_the_log() {
    let db = TestDatabase::new().await.unwrap();
    let app = file_app(&db).await;
    let id = planned(&app).await;
    let plan = app.upload_document(&owner(), "实施方案.pdf", "application/pdf", PLAN).await.unwrap();
    let note = app.upload_document(&owner(), "说明.txt", "text/plain", "密码应用方案说明".as_bytes()).await.unwrap();
    done(&app, owner(), "2022-03-01", submit_stage(&id), vec![plan.digest.clone(), note.digest.clone()]).await;
    let before = app.project_documents(&owner(), &id).await.unwrap();
    assert_eq!(
        before.iter().map(|d| d.document.digest.as_str()).collect::<Vec<_>>(),
        [plan.digest.as_str(), note.digest.as_str()]
    );
    app.store().close().await;
    let pool = raw(&db).await;
    sqlx::query("DELETE FROM document_links").execute(&pool).await.unwrap();
    pool.close().await;

    let app = file_app(&db).await;
    assert!(app.project_documents(&owner(), &id).await.unwrap().is_empty());
    let guard = app.store().lock().await;
    app.store().rebuild_projections(&guard).await.unwrap();
    drop(guard);
    let after = app.project_documents(&owner(), &id).await.unwrap();
    assert_eq!(
        after.iter().map(|d| (d.document.digest.clone(), d.seq)).collect::<Vec<_>>(),
        before.iter().map(|d| (d.document.digest.clone(), d.seq)).collect::<Vec<_>>()
    );
    assert_eq!(app.document(&bureau(), &plan.digest).await.unwrap().1, PLAN);
}

#[test]
fn a_record_without_attachments_serialises_as_before() {
    let record: govit_rules::Recorded = serde_json::from_value(json!({
        "on": "2022-01-05",
        "actor": {"role": "owner", "organization": "市民政局", "jurisdiction": "wuhan"},
        "policy": "wuhan@2021-08-21",
        "event": {"type": "construction_started", "project": "wuhan-2022-0001"}
    }))
    .unwrap();
    assert!(record.attachments.is_empty());
    assert!(!serde_json::to_string(&record).unwrap().contains("attachments"));
}
