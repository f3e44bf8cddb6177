//! Request ids over HTTP (issue 17): the `request_id` field or `Idempotency-Key` header belongs to the
//! account that sent it. Another organisation reusing it, or burning it first, gets its own command done and
//! never sees or stops the other's; the same account reusing it for another command is a 409.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{command, login, spawn};
use serde_json::{Value, json};

fn register(name: &str) -> Value {
    json!({ "do": "register_project", "with": { "name": name, "category": "business_application",
        "construction": "upgrade", "funding": "government_investment", "investment": 800_000 } })
}

/// Posts `body` with the `Idempotency-Key` header instead of the field.
async fn with_header(s: &common::Server, c: &reqwest::Client, key: &str, body: &Value) -> (u16, Value) {
    let r =
        c.post(format!("{}/api/v1/commands", s.base)).header("Idempotency-Key", key).json(body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn another_organisation_reusing_a_request_id_has_its_own_command_done_and_sees_nothing_of_the_first() {
    let s = spawn().await;
    let (minzheng, _) = login(&s, "minzheng").await;
    let (jiaoyu, _) = login(&s, "jiaoyu").await;
    let mut first = register("养老服务信息系统");
    first["request_id"] = json!("client-42");
    let (status, theirs) = command(&s, &minzheng, first).await;
    assert_eq!(status, 200, "{theirs}");
    let (status, ours) = with_header(&s, &jiaoyu, "client-42", &register("智慧校园平台")).await;
    assert_eq!(status, 200, "{ours}");
    assert_eq!(ours["replayed"], false);
    assert_ne!(ours["project"], theirs["project"]);
    let text = ours.to_string();
    assert!(!text.contains("养老服务信息系统") && !text.contains("市民政局"), "nothing of the first: {text}");
    assert!(text.contains("智慧校园平台"));
    assert_eq!(s.app.store().decision_count().await.unwrap(), 2);
}

#[tokio::test]
async fn a_request_id_burnt_first_by_another_organisation_does_not_stop_the_owner_s_command() {
    let s = spawn().await;
    let (minzheng, _) = login(&s, "minzheng").await;
    let (jiaoyu, _) = login(&s, "jiaoyu").await;
    let (status, _) = with_header(&s, &jiaoyu, "client-7", &register("抢先占用编号")).await;
    assert_eq!(status, 200);
    let (status, mine) = with_header(&s, &minzheng, "client-7", &register("养老服务信息系统")).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["replayed"], false);
    assert_eq!(mine["events"][0]["record"]["actor"]["organization"], "市民政局");
    assert!(mine.to_string().contains("养老服务信息系统"));
    assert_eq!(s.app.store().decision_count().await.unwrap(), 2);
}

#[tokio::test]
async fn the_same_account_reusing_a_request_id_for_another_command_is_a_409_naming_the_field() {
    let s = spawn().await;
    let (minzheng, _) = login(&s, "minzheng").await;
    let (status, _) = with_header(&s, &minzheng, "client-9", &register("养老服务信息系统")).await;
    assert_eq!(status, 200);
    let (status, error) = with_header(&s, &minzheng, "client-9", &register("另一个系统")).await;
    assert_eq!(status, 409, "{error}");
    assert_eq!(error["code"], "conflict");
    assert_eq!(error["field"], "request_id");
    assert!(error["message"].as_str().unwrap().contains("Idempotency-Key"), "{error}");
    assert_eq!(s.app.store().decision_count().await.unwrap(), 1);
    let (status, again) = with_header(&s, &minzheng, "client-9", &register("养老服务信息系统")).await;
    assert_eq!((status, &again["replayed"]), (200, &json!(true)), "the same command still replays");
}
