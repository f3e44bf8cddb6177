//! The health rating over HTTP on the demo city: on the project resource and page factor by factor, on the
//! project list (filter and sort), the owner's own rating beside it, and the supervisors' 工作台 flags.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use govit_app::demo::DEMO_PASSWORD;
use serde_json::Value;

async fn get(s: &common::Server, c: &reqwest::Client, path: &str) -> Value {
    let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_api_and_the_project_page_explain_the_rating_factor_by_factor() {
    let s = common::spawn_demo().await;
    let (bureau, _) = common::login_with(&s, "bureau", DEMO_PASSWORD).await;
    let red = get(&s, &bureau, "/api/v1/projects?rating=red&per_page=500").await;
    let rows = red["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "the demo city has red projects");
    assert!(rows.iter().all(|r| r["rating"] == "red"), "{red}");
    let id = rows[0]["id"].as_str().unwrap();
    let view = get(&s, &bureau, &format!("/api/v1/projects/{id}")).await;
    let rating = &view["rating"];
    assert_eq!(rating["level"], "red");
    assert!(rating["score"].as_u64().unwrap() <= 2);
    let factors = rating["factors"].as_array().unwrap();
    assert_eq!(factors.len(), 9);
    assert_eq!(factors.iter().map(|f| f["weight"].as_u64().unwrap()).sum::<u64>(), 100);
    assert!(factors.iter().all(|f| !f["articles"].as_array().unwrap().is_empty() && f["value"].is_string()));
    let html = bureau.get(format!("{}/projects/{id}", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"id="rating" data-level="red""#), "{html}");
    assert_eq!(html.matches("data-factor=").count(), 9);
    assert!(html.contains("data-chart=\"rating-history\""), "a month-by-month history is drawn");
}

#[tokio::test]
async fn the_project_list_sorts_by_the_rating_worst_first() {
    let s = common::spawn_demo().await;
    let (bureau, _) = common::login_with(&s, "bureau", DEMO_PASSWORD).await;
    let list = get(&s, &bureau, "/api/v1/projects?sort=rating&per_page=500").await;
    let scores: Vec<u64> =
        list["rows"].as_array().unwrap().iter().map(|r| r["rating_score"].as_u64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    assert!(scores.first() < scores.last(), "the demo city has more than one score: {scores:?}");
    let html = bureau.get(format!("{}/projects?rating=yellow", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains(r#"data-rating="red""#) && !html.contains(r#"data-rating="green""#), "{html}");
    let bad = bureau.get(format!("{}/api/v1/projects?rating=purple", s.base)).send().await.unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn a_green_self_rating_beside_a_computed_red_is_flagged_on_the_supervisors_workbench_only() {
    let s = common::spawn_demo().await;
    let (bureau, _) = common::login_with(&s, "bureau", DEMO_PASSWORD).await;
    let bench = get(&s, &bureau, "/api/v1/workbench").await;
    let flagged = bench["ratings"].as_array().unwrap();
    let optimistic = flagged.iter().find(|r| r["optimistic"] == true).expect("an optimistic self-rating in the demo");
    assert_eq!((optimistic["own"].as_str(), optimistic["computed"].as_str()), (Some("green"), Some("red")));
    let html = bureau.get(format!("{}/", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"data-flag="optimistic""#), "{html}");
    // The owner sees its own projects' ratings, not a supervisor's list of flags.
    let (owner, _) = common::login_with(&s, "minzheng", DEMO_PASSWORD).await;
    let bench = get(&s, &owner, "/api/v1/workbench").await;
    assert!(bench["ratings"].as_array().unwrap().is_empty(), "{bench}");
    let id = optimistic["project"].as_str().unwrap();
    let view = get(&s, &bureau, &format!("/api/v1/projects/{id}")).await;
    assert_eq!(view["rating_optimistic"], true);
    let html = bureau.get(format!("{}/projects/{id}", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"id="rating-own""#) && html.contains(r#"id="rating-optimistic""#), "{html}");
}
