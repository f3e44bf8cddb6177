//! `govit remind`, as cron runs it: the reminders due today are sent and recorded once; run again, nothing
//! new goes out. Bad delivery settings are refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{demo_folder, govit, ok};

fn sent(line: &str) -> usize {
    let count = line.split("新发提醒 ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap();
    count.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn govit_remind_sends_what_is_due_once_and_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_folder(dir.path()).await;
    let first = ok(&govit(&["remind"], &data));
    assert!(sent(&first) > 0, "{first}");
    assert!(first.contains("逾期日报"), "{first}");
    let second = ok(&govit(&["remind"], &data));
    assert_eq!(sent(&second), 0, "{second}");
    assert!(second.contains("逾期日报 0 份"), "{second}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_delivery_settings_are_refused_with_the_option_and_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_folder(dir.path()).await;
    let out = govit(&["remind", "--smtp-url", "mail.example.org"], &data);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--smtp-url"), "{stderr}");
    let out = govit(&["remind", "--smtp-url", "smtp://govit:s3cret@mail.example.org"], &data);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("口令只经TLS发送") && !stderr.contains("s3cret"), "{stderr}");
    let missing = dir.path().join("no-such-ca.pem");
    let ca = ["remind", "--smtp-url", "smtps://mail.example.org", "--smtp-ca-file", missing.to_str().unwrap()];
    assert!(String::from_utf8_lossy(&govit(&ca, &data).stderr).contains("无法读取根证书文件"));
    let out = govit(&["remind", "--webhook-url", "https://oa.example.org/hook"], &data);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--webhook-key-file"));
    let first = ok(&govit(&["remind"], &data));
    assert!(sent(&first) > 0, "nothing was recorded by the refused runs: {first}");
}
