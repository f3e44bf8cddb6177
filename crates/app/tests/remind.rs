//! Deadline reminders and supervisors' digests: sent once per deadline and threshold however often they
//! run and across restarts, into the bell, by mail through a real SMTP server (aiosmtpd, started here) and
//! to a webhook with an HMAC-SM3 signature. On SQLite or PostgreSQL (`GOVIT_TEST_DATABASE`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/services.rs"]
mod services;

use govit_app::deliver::{Delivery, SIGNATURE_HEADER, signature};
use govit_app::demo::{self, DEMO_MAIL_DOMAIN};
use govit_app::{App, FixedClock};
use govit_rules::Date;
use govit_rules::policy::{BUILTIN, load};
use govit_store::testing::TestDatabase;
use services::{SmtpSink, TestCertificates};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

async fn demo_city(db: &TestDatabase) -> App {
    let app = App::new(db.open().await.unwrap(), load(BUILTIN).unwrap(), Arc::new(FixedClock::at(today())));
    demo::seed(&app, today()).await.unwrap();
    app
}

async fn user_id(app: &App, username: &str) -> i64 {
    app.store().user_by_username(username).await.unwrap().unwrap().id
}

#[tokio::test]
async fn each_reminder_goes_out_once_however_often_reminders_run() {
    let db = TestDatabase::new().await.unwrap();
    let app = demo_city(&db).await;
    let first = app.remind(today(), &Delivery::default()).await.unwrap();
    assert!(first.reminders > 0, "the demo city has deadlines within 30 days or overdue: {first:?}");
    assert!(first.notifications > 0, "owners with accounts are notified: {first:?}");
    let again = app.remind(today(), &Delivery::default()).await.unwrap();
    assert_eq!((again.reminders, again.digests, again.notifications), (0, 0, 0), "{again:?}");
    let minzheng = app.inbox(user_id(&app, "minzheng").await, 100).await.unwrap();
    assert!(minzheng.unread > 0 && minzheng.notifications.iter().all(|n| n.read_at.is_none()));
    let first_note = &minzheng.notifications[0];
    assert!(first_note.title.starts_with('【') && first_note.body.contains("管理办法》第"), "{first_note:?}");
    assert!(first_note.link.as_deref().is_some_and(|l| l.starts_with("/projects/")));
    let audit = app.store().security_events(10_000).await.unwrap();
    let sent = audit.iter().filter(|(_, _, r)| r.kind == "reminder_sent").count();
    assert_eq!(sent, first.reminders, "every reminder is an audit event in the chain");
    assert!(app.store().verify_chain().await.unwrap().first_break.is_none());
}

#[tokio::test]
async fn reminders_sent_before_a_restart_are_not_sent_again_after_it() {
    let db = TestDatabase::new().await.unwrap();
    let first = demo_city(&db).await.remind(today(), &Delivery::default()).await.unwrap();
    assert!(first.reminders > 0);
    let restarted = App::new(db.open().await.unwrap(), load(BUILTIN).unwrap(), Arc::new(FixedClock::at(today())));
    let again = restarted.remind(today(), &Delivery::default()).await.unwrap();
    assert_eq!((again.reminders, again.digests), (0, 0), "{again:?}");
}

#[tokio::test]
async fn a_later_day_sends_the_thresholds_reached_since_and_a_new_digest() {
    let db = TestDatabase::new().await.unwrap();
    let app = demo_city(&db).await;
    app.remind(today(), &Delivery::default()).await.unwrap();
    let later = today() + chrono::Duration::days(30);
    let report = app.remind(later, &Delivery::default()).await.unwrap();
    assert!(report.reminders > 0, "thirty days on, deadlines have moved to the next threshold: {report:?}");
    assert!(report.digests > 0, "a new day, a new digest: {report:?}");
}

#[tokio::test]
async fn supervisors_get_one_digest_a_day_of_the_overdue_items_in_their_remit_and_owners_none() {
    let db = TestDatabase::new().await.unwrap();
    let app = demo_city(&db).await;
    app.remind(today(), &Delivery::default()).await.unwrap();
    let digest_of = |inbox: &govit_app::remind::Inbox| {
        inbox.notifications.iter().filter(|n| n.kind == "digest").map(|n| n.body.clone()).collect::<Vec<_>>()
    };
    let bureau = digest_of(&app.inbox(user_id(&app, "bureau").await, 1000).await.unwrap());
    assert_eq!(bureau.len(), 1, "one digest for the day");
    assert!(bureau[0].contains("逾期"), "{}", bureau[0]);
    let owner = digest_of(&app.inbox(user_id(&app, "minzheng").await, 1000).await.unwrap());
    assert!(owner.is_empty(), "an owner gets reminders, not digests");
    let jiangan = digest_of(&app.inbox(user_id(&app, "jiangan").await, 1000).await.unwrap());
    for body in &jiangan {
        for line in body.lines().filter(|l| !l.starts_with("……")) {
            assert!(line.starts_with("jiangan-"), "a district sees only its own projects: {line}");
        }
    }
}

#[tokio::test]
async fn a_notification_is_marked_read_by_its_user_only() {
    let db = TestDatabase::new().await.unwrap();
    let app = demo_city(&db).await;
    app.remind(today(), &Delivery::default()).await.unwrap();
    let minzheng = user_id(&app, "minzheng").await;
    let inbox = app.inbox(minzheng, 100).await.unwrap();
    let id = inbox.notifications[0].id;
    let bureau = user_id(&app, "bureau").await;
    assert!(app.mark_read(bureau, Some(id)).await.is_err(), "another user's notification is not found");
    assert_eq!(app.mark_read(minzheng, Some(id)).await.unwrap(), 1);
    assert_eq!(app.inbox(minzheng, 100).await.unwrap().unread, inbox.unread - 1);
    app.mark_read(minzheng, None).await.unwrap();
    assert_eq!(app.inbox(minzheng, 100).await.unwrap().unread, 0);
}

#[tokio::test]
async fn a_bad_mail_address_is_refused_with_the_field() {
    let db = TestDatabase::new().await.unwrap();
    let app = demo_city(&db).await;
    let e = app.set_email(user_id(&app, "minzheng").await, Some("不是地址")).await.unwrap_err();
    assert!(matches!(e, govit_app::AppError::Invalid { ref field, .. } if field == "email"), "{e:?}");
}

#[tokio::test]
async fn a_reminder_reaches_the_owners_mailbox_through_a_real_smtp_server() {
    let Some(sink) = SmtpSink::start() else { return };
    let db = TestDatabase::new().await.unwrap();
    let app = demo_city(&db).await;
    let delivery = Delivery::default()
        .with_mail(&format!("smtp://127.0.0.1:{}", sink.port), "govit 提醒 <govit@example.org>", None)
        .unwrap();
    let report = app.remind(today(), &delivery).await.unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert!(report.mails > 0, "{report:?}");
    let mails = sink.messages(report.mails);
    let to_minzheng: Vec<_> = mails
        .iter()
        .filter(|m| m["rcpt_to"].as_array().unwrap().iter().any(|r| r == &format!("minzheng@{DEMO_MAIL_DOMAIN}")))
        .collect();
    assert!(!to_minzheng.is_empty(), "minzheng's reminders arrive: {mails:?}");
    let mail = to_minzheng[0];
    assert_eq!(mail["mail_from"], "govit@example.org");
    assert!(mail["subject"].as_str().unwrap().starts_with('【'), "{mail}");
    assert!(mail["body"].as_str().unwrap().contains("《武汉市政务信息化项目建设管理办法》第"), "{mail}");
    assert!(mails.iter().any(|m| m["subject"].as_str().unwrap().contains("逾期事项日报")), "a supervisor's digest");
}

#[tokio::test]
async fn a_webhook_receives_each_reminder_signed_with_hmac_sm3() {
    let db = TestDatabase::new().await.unwrap();
    let app = demo_city(&db).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let received = tokio::spawn(async move {
        let mut posts = Vec::new();
        while let Ok(Ok((mut socket, _))) =
            tokio::time::timeout(std::time::Duration::from_secs(5), listener.accept()).await
        {
            posts.push(read_post(&mut socket).await);
            socket
                .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
                .await
                .unwrap();
        }
        posts
    });
    let key = b"a-shared-secret-of-32-bytes-long";
    let report = app.remind(today(), &Delivery::default().with_webhook(&url, key).unwrap()).await.unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.webhooks, report.reminders);
    let posts = received.await.unwrap();
    assert_eq!(posts.len(), report.reminders);
    for (headers, body) in &posts {
        let sent = headers.lines().find_map(|l| l.strip_prefix(&format!("{}: ", SIGNATURE_HEADER.to_lowercase())));
        assert_eq!(sent, Some(signature(key, body).unwrap().as_str()), "{headers}");
        let payload: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(payload["kind"], "deadline_reminder");
        assert!(payload["article"].as_u64().is_some_and(|a| [20, 21, 22, 25, 26].contains(&a)), "{payload}");
    }
}

/// One HTTP request off a socket: its header lines (lowercased) and its body.
async fn read_post(socket: &mut tokio::net::TcpStream) -> (String, Vec<u8>) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = socket.read(&mut buf).await.unwrap();
        data.extend_from_slice(&buf[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let headers = String::from_utf8_lossy(&data[..end]).to_lowercase();
        let length: usize =
            headers.lines().find_map(|l| l.strip_prefix("content-length: ")).map_or(0, |v| v.trim().parse().unwrap());
        while data.len() < end + 4 + length {
            let n = socket.read(&mut buf).await.unwrap();
            data.extend_from_slice(&buf[..n]);
        }
        return (headers, data[end + 4..end + 4 + length].to_vec());
    }
}

#[tokio::test]
async fn a_reminder_reaches_a_relay_that_wants_starttls_and_a_login() {
    let certificates = TestCertificates::new();
    let Some(sink) = SmtpSink::start_tls(&certificates, "govit-relay", "Relay-Passw0rd") else { return };
    let db = TestDatabase::new().await.unwrap();
    let app = demo_city(&db).await;
    let ca = std::fs::read(&certificates.ca).unwrap();
    let url = format!("smtp://govit-relay:Relay-Passw0rd@127.0.0.1:{}?tls=required", sink.port);
    let delivery = Delivery::default().with_mail(&url, "govit@example.org", Some(&ca)).unwrap();
    let report = app.remind(today(), &delivery).await.unwrap();
    assert!(report.failures.is_empty() && report.mails > 0, "{report:?}");
    let mails = sink.messages(report.mails);
    assert!(mails.iter().all(|m| m["auth_user"] == "govit-relay"), "every mail went after the login: {mails:?}");
}

#[tokio::test]
async fn a_relay_whose_certificate_is_not_trusted_gets_no_mail_and_the_failure_is_counted() {
    let certificates = TestCertificates::new();
    let Some(sink) = SmtpSink::start_tls(&certificates, "govit-relay", "Relay-Passw0rd") else { return };
    let db = TestDatabase::new().await.unwrap();
    let app = demo_city(&db).await;
    let url = format!("smtp://govit-relay:Relay-Passw0rd@127.0.0.1:{}?tls=required", sink.port);
    let delivery = Delivery::default().with_mail(&url, "govit@example.org", None).unwrap();
    let report = app.remind(today(), &delivery).await.unwrap();
    assert_eq!(report.mails, 0, "{report:?}");
    assert!(!report.failures.is_empty(), "each failed mail is reported: {report:?}");
    assert!(report.reminders > 0, "the reminders are recorded and in the bell all the same");
}

#[test]
fn mail_settings_that_would_leak_or_cannot_work_are_refused_naming_the_option() {
    let refused = |url: &str, ca: Option<&[u8]>| match Delivery::default().with_mail(url, "govit@example.org", ca) {
        Err(e) => (e.option, e.reason),
        Ok(_) => panic!("{url} accepted"),
    };
    let (option, reason) = refused("smtp://govit:s3cret@relay.example:25", None);
    assert_eq!(option, "--smtp-url");
    assert!(reason.contains("口令只经TLS发送") && !reason.contains("s3cret"), "the password is not shown: {reason}");
    let (_, reason) = refused("smtp://relay.example?tls=opportunistic", None);
    assert!(reason.contains("tls=opportunistic 不受支持"), "{reason}");
    let (_, reason) = refused("http://relay.example", None);
    assert!(reason.contains("须为 smtp://"), "{reason}");
    let (option, reason) = refused("smtp://relay.example", Some(b"-----BEGIN CERTIFICATE-----"));
    assert_eq!(option, "--smtp-ca-file", "{reason}");
    let (option, _) = refused("smtps://relay.example", Some(b"not a certificate"));
    assert_eq!(option, "--smtp-ca-file");
}
