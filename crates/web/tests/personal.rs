//! A leader's contact data through the web: entered on the appoint_team form or the API, encrypted at rest,
//! shown masked on the project page to the owner and the bureau only, never echoed in events.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;

/// A filed project of 市民政局 in the approved 2026 plan, ready for its team; and the server's key directory.
async fn ready() -> (Server, tempfile::TempDir, String) {
    let keys = tempfile::tempdir().unwrap();
    let dir = keys.path().join("sm4");
    let s = spawn_app(move |app| app.with_personal_keys(dir)).await;
    let (owner, _) = login(&s, "minzheng").await;
    let (status, body) = command(
        &s,
        &owner,
        json!({"do": "register_project", "with": {
            "name": "养老服务信息系统升级", "category": "business_application", "construction": "upgrade",
            "funding": "government_investment", "investment": "30万"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id = body["project"].as_str().unwrap().to_owned();
    let (status, body) =
        command(&s, &owner, json!({"do": "propose_for_plan", "with": {"project": id, "year": 2026}})).await;
    assert_eq!(status, 200, "{body}");
    let (bureau, _) = login(&s, "bureau").await;
    let (status, body) = command(&s, &bureau, json!({"do": "review_plan", "with": {"year": 2026}})).await;
    assert_eq!(status, 200, "{body}");
    let (government, _) = login(&s, "government").await;
    let (status, body) = command(&s, &government, json!({"do": "approve_plan", "with": {"year": 2026}})).await;
    assert_eq!(status, 200, "{body}");
    // Under 50万 the project is filed, not approved [8]; once filed, its team is appointed [17].
    let (status, body) = command(&s, &owner, json!({"do": "file_record", "with": {"project": id}})).await;
    assert_eq!(status, 200, "{body}");
    (s, keys, id)
}

async fn page(s: &Server, c: &reqwest::Client, id: &str) -> String {
    let r = c.get(format!("{}/projects/{id}", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

#[tokio::test]
async fn the_form_takes_the_contact_data_and_the_page_shows_it_masked_to_those_allowed() {
    let (s, _keys, id) = ready().await;
    let (owner, csrf) = login(&s, "minzheng").await;
    let form = owner.get(format!("{}/projects/{id}/act/appoint_team", s.base)).send().await.unwrap();
    let html = form.text().await.unwrap();
    assert!(html.contains("leader_phone") && html.contains("leader_id_number"), "{html}");

    // A bad phone number is named on its field; nothing is recorded.
    let before = s.app.store().event_count().await.unwrap();
    let bad = [("agency", "信息中心"), ("leader", "张三"), ("leader_phone", "12345"), ("_csrf", csrf.as_str())];
    let r = owner.post(format!("{}/projects/{id}/act/appoint_team", s.base)).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("error-leader_phone") && html.contains("联系电话须为11位手机号码"), "{html}");
    assert_eq!(s.app.store().event_count().await.unwrap(), before);

    let good = [
        ("agency", "信息中心"),
        ("leader", "张三"),
        ("leader_phone", "13812341234"),
        ("leader_id_number", "420106199003071238"),
        ("_csrf", csrf.as_str()),
    ];
    let r = owner.post(format!("{}/projects/{id}/act/appoint_team", s.base)).form(&good).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(s.app.store().event_count().await.unwrap(), before + 1);

    let html = page(&s, &owner, &id).await;
    assert!(html.contains("138****1234") && html.contains("4201**********1238"), "{html}");
    assert!(!html.contains("13812341234") && !html.contains("420106199003071238"));
    assert!(html.contains("联系方式已加密登记"));
    let (bureau, _) = login(&s, "bureau").await;
    assert!(page(&s, &bureau, &id).await.contains("138****1234"));
    // Finance sees the project, not the person.
    let (finance, _) = login(&s, "finance").await;
    let html = page(&s, &finance, &id).await;
    assert!(html.contains("养老服务信息系统升级") && !html.contains("138****") && !html.contains("项目责任人联系方式"));
}

#[tokio::test]
async fn the_api_takes_the_contact_data_and_returns_only_a_reference() {
    let (s, _keys, id) = ready().await;
    let (owner, _) = login(&s, "minzheng").await;
    let (status, body) = command(
        &s,
        &owner,
        json!({"do": "appoint_team", "with": {"project": id, "agency": "信息中心", "leader": "张三",
            "leader_phone": "027-85551234"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let text = body.to_string();
    assert!(!text.contains("85551234"), "{text}");
    assert!(body["events"][0]["record"]["event"]["contact"].as_str().unwrap().starts_with("pd-"), "{text}");
    let timeline = owner.get(format!("{}/api/v1/projects/{id}/timeline", s.base)).send().await.unwrap();
    assert!(!timeline.text().await.unwrap().contains("85551234"));

    // An ID number with a wrong check character: 400 naming the field.
    let (status, err) = command(
        &s,
        &owner,
        json!({"do": "appoint_team", "with": {"project": id, "agency": "信息中心", "leader": "张三",
            "leader_id_number": "42010619900307123X"}}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["field"], "leader_id_number");
    assert!(err["message"].as_str().unwrap().contains("校验码"), "{err}");
    // A reference cannot be supplied from outside.
    let (status, err) = command(
        &s,
        &owner,
        json!({"do": "appoint_team", "with": {"project": id, "agency": "信息中心", "leader": "张三", "contact": "pd-x"}}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
}

#[tokio::test]
async fn without_a_key_ring_the_form_refuses_contact_data_on_its_field() {
    let s = spawn().await;
    let (owner, _) = login(&s, "minzheng").await;
    let (_, body) = command(
        &s,
        &owner,
        json!({"do": "register_project", "with": {
            "name": "某系统", "category": "business_application", "construction": "upgrade",
            "funding": "government_investment", "investment": "120万"}}),
    )
    .await;
    let id = body["project"].as_str().unwrap().to_owned();
    let (status, err) = command(
        &s,
        &owner,
        json!({"do": "appoint_team", "with": {"project": id, "agency": "信息中心", "leader": "张三",
            "leader_phone": "13812341234"}}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["field"], "leader_phone");
    assert!(err["message"].as_str().unwrap().contains("密钥"), "{err}");
}
