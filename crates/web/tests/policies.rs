//! [30] What a district's implementation rules change from the city's, on the policy page and in
//! `GET /api/v1/policies`: every differing parameter, looser or stricter than the city's (docs/READINGS.md [29][30]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{client, login, spawn};
use serde_json::{Value, json};

/// The entry of `jurisdiction` in the policies list.
fn entry<'a>(list: &'a Value, jurisdiction: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|j| j["jurisdiction"] == jurisdiction)
        .unwrap_or_else(|| panic!("{jurisdiction} in {list}"))
}

#[tokio::test]
async fn the_policies_api_lists_each_districts_differences_from_the_city_with_their_direction() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let r = c.get(format!("{}/api/v1/policies", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    assert_eq!(
        entry(&list, "jiangan")["differences"],
        json!([
            { "parameter": "approval_threshold", "city": 500000, "value": 300000, "direction": "stricter" },
            { "parameter": "approval_authority", "city": "bureau", "value": "district_authority", "direction": "different" }
        ]),
        "{list}"
    );
    // 2026-03-02: wuchang's 2024 revision is in force — each change measured alone, nine months to accept.
    assert_eq!(
        entry(&list, "wuchang")["differences"],
        json!([
            { "parameter": "adjustment_basis", "city": "cumulative", "value": "per_change", "direction": "looser" },
            { "parameter": "acceptance_window_months", "city": 6, "value": 9, "direction": "looser" },
            { "parameter": "approval_authority", "city": "bureau", "value": "district_authority", "direction": "different" }
        ]),
        "{list}"
    );
    assert_eq!(entry(&list, "wuhan")["differences"], json!([]));
    assert_eq!(entry(&list, "jiangan")["in_force"]["parameters"]["approval_threshold"], 300000);
}

#[tokio::test]
async fn the_policy_page_shows_in_chinese_what_each_district_loosens_or_tightens() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let r = c.get(format!("{}/policies", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let section = |code: &str| {
        let start = html.find(&format!("id=\"policy-{code}\"")).unwrap_or_else(|| panic!("{code}: {html}"));
        let end = html[start..].find("</section>").map_or(html.len(), |e| start + e);
        html[start..end].to_owned()
    };
    let jiangan = section("jiangan");
    assert!(jiangan.contains("data-parameter=\"approval_threshold\" data-direction=\"stricter\""), "{jiangan}");
    assert!(jiangan.contains("较市级从严"), "{jiangan}");
    assert!(jiangan.contains("50.00万元") && jiangan.contains("30.00万元"), "{jiangan}");
    assert!(jiangan.contains("与市级不同"), "{jiangan}");
    assert!(!jiangan.contains("较市级放宽"), "jiangan loosens nothing: {jiangan}");
    let wuchang = section("wuchang");
    assert!(wuchang.contains("data-parameter=\"adjustment_basis\" data-direction=\"looser\""), "{wuchang}");
    assert!(wuchang.contains("data-parameter=\"acceptance_window_months\" data-direction=\"looser\""), "{wuchang}");
    assert!(wuchang.contains("较市级放宽"), "{wuchang}");
    let wuhan = section("wuhan");
    assert!(wuhan.contains("data-parameter=\"government_approval_threshold\""), "{wuhan}");
    assert!(wuhan.contains("3000.00万元"), "{wuhan}");
    assert!(html.contains("各区、各部门可根据本办法,结合实际制定相应的实施细则。"), "[30] quoted word for word");
    let at = |code: &str| html.find(&format!("id=\"policy-{code}\"")).unwrap();
    assert!(at("wuhan") < at("jiangan") && at("jiangan") < at("wuchang"), "the city first, then its districts");
    // Linked from every logged-in page's navigation, for every role.
    for user in ["minzheng", "bureau", "admin", "consultant"] {
        let (c, _) = login(&s, user).await;
        let home = c.get(format!("{}/", s.base)).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("href=\"/policies\""), "{user}: {home}");
    }
}

#[tokio::test]
async fn the_policy_page_and_api_need_a_session() {
    let s = spawn().await;
    let anonymous = client();
    let page = anonymous.get(format!("{}/policies", s.base)).send().await.unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/login");
    let api = anonymous.get(format!("{}/api/v1/policies", s.base)).send().await.unwrap();
    assert_eq!(api.status(), 401);
}

#[tokio::test]
async fn the_openapi_document_describes_the_differences() {
    let s = spawn().await;
    let doc: Value =
        client().get(format!("{}/api/v1/openapi.json", s.base)).send().await.unwrap().json().await.unwrap();
    let item =
        &doc["paths"]["/api/v1/policies"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"];
    let difference = &item["properties"]["differences"]["items"];
    assert_eq!(difference["required"], json!(["parameter", "city", "value", "direction"]));
    assert_eq!(difference["properties"]["direction"]["enum"], json!(["looser", "stricter", "different"]));
}
