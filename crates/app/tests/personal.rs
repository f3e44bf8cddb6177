//! A project leader's contact data: sealed with SM4-GCM outside the log, readable only by the owner, the
//! approval authority and the bureau, refused when tampered with, and re-encrypted by a key rotation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_app::personal::{Contact, default_key_dir, rotate};
use govit_app::{App, AppError, CommandRequest, Executed, FixedClock};
use govit_rules::policy::{BUILTIN, load};
use govit_rules::{Actor, Command, Date, IdNumber, JurisdictionId, OrgName, Phone, ProjectId, Role};
use govit_store::{RequestKey, Store};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const PHONE: &str = "13812341234";
/// A resident ID number with a correct GB 11643 check character (fictitious).
const VALID_ID: &str = "420106199003071238";
/// The same number with a wrong check character.
const BAD_ID: &str = "42010619900307123X";

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn actor(role: Role, org: &str) -> Actor {
    Actor { role, organization: OrgName::parse(org).unwrap(), jurisdiction: JurisdictionId::wuhan(), person: None }
}

fn owner() -> Actor {
    actor(Role::Owner, "市民政局")
}

fn bureau() -> Actor {
    actor(Role::Bureau, "市政务服务和大数据管理局")
}

fn command(json: serde_json::Value) -> Command {
    serde_json::from_value(json).unwrap()
}

async fn run(app: &App, who: Actor, on: &str, c: Command, request_id: Option<&str>) -> Result<Executed, AppError> {
    app.execute(CommandRequest {
        actor: who,
        on: d(on),
        command: c,
        request_id: request_id.map(|id| RequestKey::account(1, id)),
        attachments: Vec::new(),
    })
    .await
}

/// A data directory with the store file and the key ring where `govit serve --data` keeps them.
struct Data {
    _dir: tempfile::TempDir,
    db: PathBuf,
    keys: PathBuf,
}

fn data() -> Data {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("govit.db");
    let keys = default_key_dir(dir.path());
    Data { _dir: dir, db, keys }
}

async fn open(data: &Data) -> App {
    let store = Store::open_file(&data.db).await.unwrap();
    App::new(store, load(BUILTIN).unwrap(), Arc::new(FixedClock::at(d("2022-01-05")))).with_personal_keys(&data.keys)
}

async fn raw(path: &Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap()
}

/// Registers a project and takes it into an approved plan, ready for its team.
async fn project(app: &App, name: &str) -> ProjectId {
    let register = command(serde_json::json!({"do": "register_project", "with": {
        "name": name, "owner": {"name": "市民政局", "kind": "party_government_organ"},
        "category": "business_application", "construction": "upgrade", "funding": "government_investment",
        "investment": 1_200_000}}));
    let Ok(Executed::Done { project: Some(id), .. }) = run(app, owner(), "2022-01-05", register, None).await else {
        panic!("not registered")
    };
    let propose =
        command(serde_json::json!({"do": "propose_for_plan", "with": {"project": id.as_str(), "year": 2022}}));
    run(app, owner(), "2022-01-10", propose, None).await.unwrap();
    id
}

async fn approve_plan(app: &App) {
    let review = command(serde_json::json!({"do": "review_plan", "with": {"year": 2022}}));
    run(app, bureau(), "2022-02-01", review, None).await.unwrap();
    let approve = command(serde_json::json!({"do": "approve_plan", "with": {"year": 2022}}));
    run(app, actor(Role::Government, "市人民政府"), "2022-02-15", approve, None).await.unwrap();
}

fn appoint(id: &ProjectId, phone: Option<&str>, id_number: Option<&str>) -> Command {
    let mut with = serde_json::json!({"project": id.as_str(), "agency": "信息中心", "leader": "张三"});
    if let Some(p) = phone {
        with["leader_phone"] = p.into();
    }
    if let Some(n) = id_number {
        with["leader_id_number"] = n.into();
    }
    command(serde_json::json!({"do": "appoint_team", "with": with}))
}

/// One project with its leader's phone and ID number recorded.
async fn seeded(data: &Data) -> (App, ProjectId) {
    let app = open(data).await;
    let id = project(&app, "养老服务信息系统升级").await;
    approve_plan(&app).await;
    let done = run(&app, owner(), "2022-02-20", appoint(&id, Some(PHONE), Some(VALID_ID)), None).await.unwrap();
    assert!(matches!(done, Executed::Done { .. }), "{done:?}");
    (app, id)
}

/// The one key file of the ring (after the first key was made).
fn only_key(data: &Data) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(&data.keys).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

fn key_id_of(path: &Path) -> String {
    path.file_stem().unwrap().to_str().unwrap().to_owned()
}

async fn count(pool: &sqlx::SqlitePool, sql: &'static str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(pool).await.unwrap();
    n
}

#[tokio::test]
async fn the_owner_reads_back_what_was_entered_and_the_page_shows_it_masked() {
    let data = data();
    let (app, id) = seeded(&data).await;
    let contact = app.contact(&owner(), &id).await.unwrap().expect("contact data");
    assert_eq!(
        contact,
        Contact { phone: Some(Phone::parse(PHONE).unwrap()), id_number: Some(IdNumber::parse(VALID_ID).unwrap()) }
    );
    let masked = contact.masked();
    assert_eq!(masked.phone.as_deref(), Some("138****1234"));
    assert_eq!(masked.id_number.as_deref(), Some("4201**********1238"));
    // The bureau reads it too.
    assert_eq!(app.contact(&bureau(), &id).await.unwrap(), Some(contact));
}

#[tokio::test]
async fn the_log_and_the_projections_never_hold_the_phone_or_id_number() {
    let data = data();
    let (app, id) = seeded(&data).await;
    let Executed::Done { events, .. } =
        run(&app, owner(), "2022-02-20", appoint(&id, Some("027-85551234"), None), None).await.unwrap()
    else {
        panic!("second appointment refused")
    };
    // The event the caller gets back carries only the reference.
    let body = serde_json::to_string(&events).unwrap();
    assert!(body.contains("\"contact\":\"pd-"), "{body}");
    assert!(!body.contains("85551234"), "{body}");
    app.store().close().await;

    let pool = raw(&data.db).await;
    let bodies: Vec<(String,)> = sqlx::query_as("SELECT body FROM events").fetch_all(&pool).await.unwrap();
    assert_eq!(bodies.len(), 6);
    for secret in [PHONE, VALID_ID, "85551234", &VALID_ID[6..14]] {
        for (body,) in &bodies {
            assert!(!body.contains(secret), "the log holds {secret}: {body}");
        }
        let like = format!("%{secret}%");
        let n: (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM projects WHERE state LIKE $1) + (SELECT COUNT(*) FROM personal_data WHERE ciphertext LIKE $1 OR id LIKE $1)",
        )
        .bind(&like)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(n.0, 0, "{secret} found in a table");
    }
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM personal_data").await, 2);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM events WHERE body LIKE '%\"contact\":\"pd-%'").await, 2);
    // The chain still verifies: nothing was written around it.
    pool.close().await;
    let app = open(&data).await;
    assert!(app.store().verify_chain().await.unwrap().first_break.is_none());
    // The latest appointment is the one read back.
    let c = app.contact(&owner(), &id).await.unwrap().unwrap();
    assert_eq!(c.phone.map(|p| p.masked()), Some("027-****1234".to_owned()));
    assert_eq!(c.id_number, None);
}

#[tokio::test]
async fn a_changed_ciphertext_byte_is_refused_not_decrypted() {
    let data = data();
    let (app, id) = seeded(&data).await;
    app.store().close().await;
    let pool = raw(&data.db).await;
    let (reference, ciphertext): (String, String) =
        sqlx::query_as("SELECT id, ciphertext FROM personal_data").fetch_one(&pool).await.unwrap();
    // Flip the lowest bit of the first byte.
    let mut bytes = hex::decode(&ciphertext).unwrap();
    bytes[0] ^= 1;
    sqlx::query("UPDATE personal_data SET ciphertext = $1 WHERE id = $2")
        .bind(hex::encode(bytes))
        .bind(&reference)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let app = open(&data).await;
    let e = app.contact(&owner(), &id).await.unwrap_err();
    assert!(matches!(e, AppError::Personal { .. }), "{e:?}");
    let message = e.to_string();
    assert!(message.contains("无法解密") && message.contains(&reference), "{message}");
}

#[tokio::test]
async fn a_ciphertext_moved_under_another_reference_is_refused() {
    let data = data();
    let (app, id) = seeded(&data).await;
    // A second appointment: the project now refers to a second row.
    run(&app, owner(), "2022-02-21", appoint(&id, Some("027-85551234"), None), None).await.unwrap();
    let current = app.store().project(&id).await.unwrap().unwrap().team.unwrap().contact.unwrap();
    app.store().close().await;
    // Copy the first row's sealed bytes over the current one: the AAD (the reference) no longer matches.
    let pool = raw(&data.db).await;
    sqlx::query(
        "UPDATE personal_data SET (nonce, ciphertext) = (SELECT nonce, ciphertext FROM personal_data WHERE id <> $1) WHERE id = $1",
    )
    .bind(&current)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let app = open(&data).await;
    let e = app.contact(&owner(), &id).await.unwrap_err();
    assert!(matches!(e, AppError::Personal { .. }), "{e:?}");
}

#[tokio::test]
async fn a_row_opened_with_another_key_is_refused() {
    let data = data();
    let (app, id) = seeded(&data).await;
    // The key file replaced by another key (a wrong restore, say): the row no longer opens.
    let key = only_key(&data);
    std::fs::write(&key, format!("{}\n", "11".repeat(16))).unwrap();
    let e = app.contact(&owner(), &id).await.unwrap_err();
    assert!(matches!(e, AppError::Personal { .. }), "{e:?}");
    assert!(e.to_string().contains(&key_id_of(&key)), "{e}");
}

#[tokio::test]
async fn rotation_puts_every_row_under_a_new_key_and_keeps_them_readable() {
    let data = data();
    let (app, first) = seeded(&data).await;
    let second = project(&app, "社会救助信息系统").await;
    run(&app, owner(), "2022-02-21", appoint(&second, None, Some("11010519491231002X")), None).await.unwrap();
    let before_first = app.contact(&owner(), &first).await.unwrap();
    let before_second = app.contact(&owner(), &second).await.unwrap();
    assert!(before_second.is_some());
    let old = only_key(&data);
    let old_id = key_id_of(&old);
    assert!(old_id.starts_with("sm4-0001-"), "{old_id}");

    let report = rotate(&app).await.unwrap();
    assert_eq!(report.rows, 2);
    assert!(report.new_key_id.starts_with("sm4-0002-"), "{}", report.new_key_id);
    assert_eq!(report.previous_key_ids, vec![old_id.clone()]);
    // Old key files are kept (backups still need them); the new one is private to its owner.
    assert!(old.exists());
    let new = data.keys.join(format!("{}.key", report.new_key_id));
    assert_eq!(std::fs::metadata(&new).unwrap().permissions().mode() & 0o777, 0o600);

    let keys_in_use = app.store().personal_keys_in_use().await.unwrap();
    assert_eq!(keys_in_use, vec![(report.new_key_id.clone(), 2)]);
    assert_eq!(app.contact(&owner(), &first).await.unwrap(), before_first);
    assert_eq!(app.contact(&owner(), &second).await.unwrap(), before_second);

    // Without the old key, the rows still open: they no longer need it.
    std::fs::remove_file(&old).unwrap();
    assert_eq!(app.contact(&owner(), &first).await.unwrap(), before_first);
    // New data is sealed with the new key.
    run(&app, owner(), "2022-02-22", appoint(&first, Some(PHONE), None), None).await.unwrap();
    let keys_in_use = app.store().personal_keys_in_use().await.unwrap();
    assert_eq!(keys_in_use, vec![(report.new_key_id, 3)]);
}

#[tokio::test]
async fn a_rotation_that_cannot_open_a_row_changes_nothing() {
    let data = data();
    let (app, id) = seeded(&data).await;
    // The key is lost (no backup restored).
    let lost = only_key(&data);
    std::fs::remove_file(&lost).unwrap();
    let e = rotate(&app).await.unwrap_err();
    assert!(matches!(e, AppError::Personal { .. }), "{e:?}");
    assert!(e.to_string().contains(&key_id_of(&lost)) && e.to_string().contains("备份"), "{e}");
    let keys_in_use = app.store().personal_keys_in_use().await.unwrap();
    assert_eq!(keys_in_use, vec![(key_id_of(&lost), 1)]);
    assert!(app.contact(&owner(), &id).await.is_err());
}

#[tokio::test]
async fn only_the_owner_the_approver_and_the_bureau_may_read_it() {
    let data = data();
    let (app, id) = seeded(&data).await;
    // Finance and audit see the project, not the person.
    for who in [actor(Role::Finance, "市财政局"), actor(Role::Audit, "市审计局")] {
        let e = app.contact(&who, &id).await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{e:?}");
        assert!(e.to_string().contains("无权查看项目责任人的联系方式"), "{e}");
    }
    // Another owner and the administrator do not even see the project.
    for who in [actor(Role::Owner, "市教育局"), actor(Role::SystemAdmin, "市政务服务和大数据管理局")] {
        let e = app.contact(&who, &id).await.unwrap_err();
        assert!(matches!(e, AppError::NotFound { .. }), "{e:?}");
    }
    assert!(app.contact(&bureau(), &id).await.unwrap().is_some());
}

#[tokio::test]
async fn a_bad_phone_or_id_number_is_refused_naming_its_field() {
    for (field, value, words) in [
        ("leader_phone", "12345", "联系电话"),
        ("leader_phone", "027-0123", "联系电话"),
        ("leader_id_number", BAD_ID, "校验码"),
        ("leader_id_number", "4201061990", "18位"),
    ] {
        let json = serde_json::json!({"do": "appoint_team", "with": {
            "project": "wuhan-2022-0001", "agency": "信息中心", "leader": "张三", field: value}});
        let e = serde_path_to_error::deserialize::<_, Command>(json).unwrap_err();
        assert_eq!(e.path().to_string(), format!("with.{field}"));
        let message = e.into_inner().to_string();
        assert!(message.contains(words), "{field}={value}: {message}");
    }
}

#[tokio::test]
async fn without_a_key_ring_contact_data_is_refused_and_nothing_is_written() {
    let store = govit_store::testing::store().await.unwrap();
    let app = App::new(store, load(BUILTIN).unwrap(), Arc::new(FixedClock::at(d("2022-01-05"))));
    let id = project(&app, "养老服务信息系统升级").await;
    approve_plan(&app).await;
    let e = run(&app, owner(), "2022-02-20", appoint(&id, Some(PHONE), None), None).await.unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid { field, reason } if field == "leader_phone" && reason.contains("密钥")),
        "{e:?}"
    );
    let e = run(&app, owner(), "2022-02-20", appoint(&id, None, Some(VALID_ID)), None).await.unwrap_err();
    assert!(matches!(&e, AppError::Invalid { field, .. } if field == "leader_id_number"), "{e:?}");
    // Without contact data the team is appointed as before.
    let done = run(&app, owner(), "2022-02-20", appoint(&id, None, None), None).await.unwrap();
    assert!(matches!(done, Executed::Done { .. }));
    assert_eq!(app.contact(&owner(), &id).await.unwrap(), None);
}

#[tokio::test]
async fn a_refused_command_and_a_retry_store_nothing_more() {
    let data = data();
    let app = open(&data).await;
    let id = project(&app, "养老服务信息系统升级").await;
    approve_plan(&app).await;
    // Another organisation may not appoint the team: rejected, nothing sealed.
    let other = actor(Role::Owner, "市教育局");
    let rejected = run(&app, other, "2022-02-20", appoint(&id, Some(PHONE), None), None).await.unwrap();
    assert!(matches!(rejected, Executed::Rejected { .. }));
    assert!(app.store().personal_keys_in_use().await.unwrap().is_empty());
    // A retry under the same request id replays the first outcome and seals nothing new.
    for _ in 0..2 {
        let done = run(&app, owner(), "2022-02-20", appoint(&id, Some(PHONE), None), Some("r-1")).await.unwrap();
        assert!(matches!(done, Executed::Done { .. }));
    }
    assert_eq!(app.store().personal_keys_in_use().await.unwrap(), vec![(key_id_of(&only_key(&data)), 1)]);
}

#[tokio::test]
async fn key_files_are_private_and_a_readable_one_is_refused() {
    let data = data();
    let (app, id) = seeded(&data).await;
    let dir_mode = std::fs::metadata(&data.keys).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o700);
    let key = only_key(&data);
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(text.trim().len(), 32);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = app.contact(&owner(), &id).await.unwrap_err();
    assert!(e.to_string().contains("chmod 600"), "{e}");
}
