//! The bell and 通知 over HTTP: a user's reminders and digests, their unread count, marking them read, and
//! nobody else's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{client, login_with, spawn_demo};
use govit_app::deliver::Delivery;
use govit_app::demo::DEMO_PASSWORD;
use serde_json::{Value, json};

#[tokio::test]
async fn an_owner_sees_its_reminders_under_the_bell_and_marks_them_read() {
    let s = spawn_demo().await;
    let report = s.app.remind(s.app.clock().today(), &Delivery::default()).await.unwrap();
    assert!(report.reminders > 0);
    let (c, csrf) = login_with(&s, "minzheng", DEMO_PASSWORD).await;
    let inbox: Value = c.get(format!("{}/api/v1/notifications", s.base)).send().await.unwrap().json().await.unwrap();
    let unread = inbox["unread"].as_i64().unwrap();
    assert!(unread > 0, "{inbox}");
    let bell = c.get(format!("{}/notifications/count", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(bell.contains(&format!(">{unread}<")), "the bell shows the unread count: {bell}");
    let page = c.get(format!("{}/notifications", s.base)).send().await.unwrap().text().await.unwrap();
    let first = &inbox["notifications"][0];
    assert!(page.contains(first["title"].as_str().unwrap()), "the page lists the notifications");

    let id = first["id"].as_i64().unwrap();
    let (bureau, _) = login_with(&s, "bureau", DEMO_PASSWORD).await;
    let r = bureau.post(format!("{}/api/v1/notifications/{id}/read", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 404, "another user's notification is not found");
    let r = c.post(format!("{}/api/v1/notifications/{id}/read", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let after: Value = c.get(format!("{}/api/v1/notifications", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(after["unread"].as_i64().unwrap(), unread - 1);

    let r = c.post(format!("{}/notifications/read", s.base)).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 303, "the page's 全部标为已读 redirects back");
    let after: Value = c.get(format!("{}/api/v1/notifications", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(after["unread"], 0);
    let r = c.post(format!("{}/api/v1/notifications/x/read", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn a_user_sets_where_reminders_are_mailed_and_a_bad_address_is_refused() {
    let s = spawn_demo().await;
    let (c, _) = login_with(&s, "minzheng", DEMO_PASSWORD).await;
    let r = c.post(format!("{}/api/v1/me/email", s.base)).json(&json!({ "email": "不是地址" })).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["field"], "email", "{body}");
    let r = c
        .post(format!("{}/api/v1/me/email", s.base))
        .json(&json!({ "email": "minzheng@mz.wuhan.example.org" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let user = s.app.store().user_by_username("minzheng").await.unwrap().unwrap();
    assert_eq!(user.email.as_deref(), Some("minzheng@mz.wuhan.example.org"));
    let r = client().get(format!("{}/api/v1/notifications", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 401, "no session, no notifications");
}

#[tokio::test]
async fn a_user_sets_the_reminder_address_on_the_notifications_page_and_a_bad_one_is_shown_with_the_field() {
    let s = spawn_demo().await;
    let (c, csrf) = login_with(&s, "minzheng", DEMO_PASSWORD).await;
    let page = c.get(format!("{}/notifications", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("value=\"minzheng@demo.example.org\""), "the address in use is shown");
    let post = |email: &'static str| {
        c.post(format!("{}/notifications/email", s.base)).form(&[("_csrf", csrf.as_str()), ("email", email)]).send()
    };
    let r = post("不是地址").await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("提醒邮件地址:“不是地址”不是有效的电子邮件地址"));
    let user = s.app.store().user_by_username("minzheng").await.unwrap().unwrap();
    assert_eq!(user.email.as_deref(), Some("minzheng@demo.example.org"), "a refused address changes nothing");
    let r = post("zhang.min@mz.wuhan.example.org").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("提醒邮件地址已保存"));
    let user = s.app.store().user_by_username("minzheng").await.unwrap().unwrap();
    assert_eq!(user.email.as_deref(), Some("zhang.min@mz.wuhan.example.org"));
    post("").await.unwrap();
    let user = s.app.store().user_by_username("minzheng").await.unwrap().unwrap();
    assert_eq!(user.email, None, "an empty address means the bell only");
    let r = c.post(format!("{}/notifications/email", s.base)).form(&[("email", "x@y.cn")]).send().await.unwrap();
    assert_eq!(r.status(), 403, "without the form token nothing changes");
}
