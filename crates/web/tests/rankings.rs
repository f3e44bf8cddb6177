//! 电子监察排名 [25] over HTTP on the demo city: the page, its .xlsx, publication by the bureau (once, for a
//! month that is over) and the published table frozen while the record moves on; who may read and publish.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use calamine::{Data, Reader, Xlsx};
use govit_app::FixedClock;
use govit_app::demo::DEMO_PASSWORD;
use govit_rules::Date;
use govit_rules::ranking::Period;
use std::io::Cursor;
use std::sync::Arc;

/// The demo city seeded up to 2026-11-29, its clock then moved to 2026-12-02 so that November is over.
async fn city() -> (common::Server, Arc<FixedClock>) {
    let (server, clock) = common::spawn_demo_with_clock().await;
    let today: Date = "2026-12-02".parse().unwrap();
    clock.set(today);
    server.app.issue_cards(today).await.unwrap();
    (server, clock)
}

async fn page(s: &common::Server, c: &reqwest::Client, path: &str) -> (u16, String) {
    let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The form token of the session, read from a page.
fn csrf(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a form token on the page") + 20;
    html[at..].split('"').next().unwrap().to_owned()
}

/// The red cards of `unit` in a ranking returned by the API.
fn red_of(ranking: &serde_json::Value, unit: &str) -> u64 {
    ranking["table"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == unit)
        .map_or(0, |r| r["tally"]["red"].as_u64().unwrap())
}

#[tokio::test]
async fn the_bureau_publishes_a_month_once_and_the_published_ranking_stays_as_it_was() {
    let (s, _clock) = city().await;
    let (bureau, _) = common::login_with(&s, "bureau", DEMO_PASSWORD).await;
    let (status, html) = page(&s, &bureau, "/rankings?period=2026-11").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"ranking-units\"") && html.contains("id=\"ranking-districts\""), "{html}");
    assert!(html.contains("id=\"publish-ranking\""), "the bureau may publish November");
    // 市生态环境局's overdue rectification carried a red card in November (its dispute still awaits a decision).
    let api = bureau.get(format!("{}/api/v1/rankings?period=2026-11", s.base)).send().await.unwrap();
    let before: serde_json::Value = api.json().await.unwrap();
    assert!(red_of(&before, "市生态环境局") >= 1, "{before}");
    assert!(before["published"].is_null());

    let form = [("_csrf", csrf(&html)), ("period", "2026-11".to_owned()), ("jurisdiction", "wuhan".to_owned())];
    let r = bureau.post(format!("{}/rankings/publish", s.base)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (_, html) = page(&s, &bureau, "/rankings?period=2026-11").await;
    assert!(html.contains("id=\"published\"") && !html.contains("id=\"publish-ranking\""), "{html}");
    let again = bureau.post(format!("{}/rankings/publish", s.base)).form(&form).send().await.unwrap();
    assert_eq!(again.status(), 422);
    assert!(again.text().await.unwrap().contains("已经发布"));

    // The record moves on: the bureau withdraws the disputed card. November computed anew no longer counts
    // it; the published November still does.
    let (status, answer) = common::command(
        &s,
        &bureau,
        serde_json::json!({"do": "resolve_card_dispute", "with": {"project": disputed(&s).await, "deadline": "rectification", "outcome": "withdrawn"}}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (wuhan, november) = (govit_rules::JurisdictionId::wuhan(), Period::parse("2026-11").unwrap());
    let computed = s.app.ranking_table(&wuhan, november, s.app.clock().today()).await.unwrap();
    let row = computed.units.iter().find(|r| r.name == "市生态环境局").unwrap();
    assert_eq!(row.tally.red, red_of(&before, "市生态环境局") as u32 - 1);
    let after: serde_json::Value =
        bureau.get(format!("{}/api/v1/rankings?period=2026-11", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(after["table"], before["table"], "the published ranking is frozen");
    assert!(after["published"]["seq"].as_i64().is_some());
}

/// The project whose rectification card awaits a decision on its dispute.
async fn disputed(s: &common::Server) -> String {
    let projects = s.app.store().project_states(None).await.unwrap();
    let p = projects.iter().find(|p| p.open_cards().any(|c| c.disputed())).expect("a disputed card in the demo");
    p.id.to_string()
}

#[tokio::test]
async fn the_ranking_downloads_as_a_workbook_of_units_and_districts() {
    let (s, _clock) = city().await;
    let (bureau, _) = common::login_with(&s, "bureau", DEMO_PASSWORD).await;
    let r = bureau.get(format!("{}/rankings/export.xlsx?period=2026-11", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains(".xlsx"), "{disposition}");
    let bytes = r.bytes().await.unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(book.sheet_names(), ["建设单位", "辖区"]);
    let units = book.worksheet_range("建设单位").unwrap();
    assert_eq!(units.get_value((2, 3)), Some(&Data::String("红牌".to_owned())));
    let named: Vec<String> =
        (3..units.height() as u32).filter_map(|row| units.get_value((row, 1)).map(ToString::to_string)).collect();
    assert!(named.iter().any(|n| n == "市生态环境局"), "{named:?}");
    assert_eq!(units.get_value((3, 0)), Some(&Data::Float(1.0)), "the first row ranks first");
}

#[tokio::test]
async fn only_the_bureau_publishes_and_consultants_read_no_ranking() {
    let (s, _clock) = city().await;
    let (owner, _) = common::login_with(&s, "minzheng", DEMO_PASSWORD).await;
    let (status, html) = page(&s, &owner, "/rankings?period=2026-11").await;
    assert_eq!(status, 200);
    assert!(!html.contains("id=\"publish-ranking\""));
    let (status, body) =
        common::command(&s, &owner, serde_json::json!({"do": "publish_ranking", "with": {"period": "2026-11"}})).await;
    assert_eq!(status, 403, "{body}");
    let (consultant, _) = common::login_with(&s, "changjiang", DEMO_PASSWORD).await;
    let (status, _) = page(&s, &consultant, "/rankings").await;
    assert_eq!(status, 403);
    // A month not yet over is shown (counted to today) but not published.
    let (bureau, _) = common::login_with(&s, "bureau", DEMO_PASSWORD).await;
    let (status, body) =
        common::command(&s, &bureau, serde_json::json!({"do": "publish_ranking", "with": {"period": "2026-12"}})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["articles"], serde_json::json!([25]), "{body}");
}

#[tokio::test]
async fn a_month_that_is_not_a_month_is_a_clear_error_on_the_field() {
    let (s, _clock) = city().await;
    let published = s.app.store().published_rankings().await.unwrap().len();
    let (bureau, _) = common::login_with(&s, "bureau", DEMO_PASSWORD).await;
    let (status, html) = page(&s, &bureau, "/rankings?period=2026-13").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("period") && html.contains("不是月份"), "{html}");
    let r = bureau.get(format!("{}/api/v1/rankings?period=26-1", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["field"], "period", "{body}");
    // Publishing takes the month from the form: nothing is published for a malformed one.
    let (status, body) =
        common::command(&s, &bureau, serde_json::json!({"do": "publish_ranking", "with": {"period": "十一月"}})).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["field"].as_str().unwrap().contains("period"), "{body}");
    // Nor can a client hand in a table of its own making: the table is the record's, computed when published.
    let forged = serde_json::json!({"do": "publish_ranking", "with": {"period": "2026-11",
        "table": {"units": [{"rank": 1, "name": "别的单位", "projects": 1, "tally": {"red": 99}}], "districts": []}}});
    let (status, body) = common::command(&s, &bureau, forged).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(s.app.store().published_rankings().await.unwrap().len(), published);
}
