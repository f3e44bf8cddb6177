//! 政务公开 over HTTP on the demo city, without login: search, filters, 50 a page with stable URLs, a public
//! page per project that shows only what `open-data.yaml` publishes, and clear errors for bad queries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use govit_rules::vocab::Status;

async fn get(s: &common::Server, path: &str) -> (u16, String) {
    let r = common::client().get(format!("{}{path}", s.base)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The table's rows (each from its number cell to the end of the row).
fn rows(html: &str) -> Vec<&str> {
    html.split("<tr><td class=\"mono\">").skip(1).map(|r| r.split("</tr>").next().unwrap()).collect()
}

fn total(html: &str) -> usize {
    let at = html.find("id=\"public-total\">").unwrap() + "id=\"public-total\">".len();
    html[at..].split('<').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_portal_searches_filters_and_pages_fifty_at_a_time_with_stable_urls() {
    let s = common::spawn_demo().await;
    let (status, first) = get(&s, "/public").await;
    assert_eq!(status, 200);
    let all = total(&first);
    assert!(all > 50, "the demo city publishes more than a page: {all}");
    assert_eq!(rows(&first).len(), 50);
    assert!(first.contains("id=\"next-page\""));
    let (_, second) = get(&s, "/public?page=2").await;
    assert_ne!(rows(&first)[0], rows(&second)[0]);
    assert_eq!(get(&s, "/public?page=2").await.1, second, "the same URL gives the same page");

    let (_, found) = get(&s, "/public?q=%E5%B8%82%E6%B0%91%E6%94%BF%E5%B1%80").await; // 市民政局
    assert!(total(&found) > 0 && total(&found) < all);
    assert!(rows(&found).iter().all(|r| r.contains("市民政局")), "{found}");

    let (_, operating) = get(&s, "/public?status=operating&sort=name").await;
    assert!(rows(&operating).iter().all(|r| r.contains(Status::Operating.label())));
    let (_, district) = get(&s, "/public?district=jiangan").await;
    assert!(total(&district) > 0 && rows(&district).iter().all(|r| r.contains("jiangan-")), "{district}");
}

#[tokio::test]
async fn a_public_project_page_shows_what_is_published_and_nothing_outside_the_public_set() {
    let s = common::spawn_demo().await;
    let projects = s.app.store().project_states(None).await.unwrap();
    let approved =
        projects.iter().find(|p| p.status == Status::UnderConstruction && !p.approved_stages.is_empty()).unwrap();
    let (status, html) = get(&s, &format!("/public/projects/{}", approved.id)).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(approved.name.as_str()) && html.contains(approved.owner.name.as_str()));
    assert!(html.contains("id=\"public-investment\"") && html.contains("批复") && html.contains("开工建设"));
    // The 批复's 文号, as its PDF carries it.
    assert!(html.contains("id=\"public-replies\"") && html.contains("审〔"), "{html}");
    // Never the team, its leader or anything personal.
    let team = approved.team.as_ref().unwrap();
    assert!(!html.contains(team.leader.as_str()), "the leader's name is not published");
    let registered = projects.iter().find(|p| p.status == Status::Registered).unwrap();
    let (status, _) = get(&s, &format!("/public/projects/{}", registered.id)).await;
    assert_eq!(status, 404, "a project outside the public set is not found");
    let (status, _) = get(&s, "/public/projects/not-a-number").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_withheld_investment_is_neither_shown_nor_filterable() {
    let demo = common::spawn_demo().await;
    let mut options = govit_web::WebOptions::default();
    options.open_data.show_investment = false;
    let s = common::serve_with(demo.app.clone(), options).await;
    let (_, html) = get(&s, "/public").await;
    assert!(!html.contains("核定投资"), "{html}");
    let id = rows(&html)[0].split("/public/projects/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let (_, page) = get(&s, &format!("/public/projects/{id}")).await;
    assert!(!page.contains("public-investment") && !page.contains("核定投资"), "{page}");
    let (status, page) = get(&s, "/public?min=1000000").await;
    assert_eq!(status, 422);
    assert!(page.contains("不公开"), "{page}");
}

#[tokio::test]
async fn a_bad_query_is_a_clear_error_naming_the_field() {
    let s = common::spawn_demo().await;
    for (query, field) in
        [("page=999", "page"), ("category=bogus", "查询条件"), ("district=nowhere", "district"), ("sort=owner", "sort")]
    {
        let (status, html) = get(&s, &format!("/public?{query}")).await;
        assert_eq!(status, 422, "{query}: {html}");
        assert!(html.contains(field), "{query}: {html}");
    }
}
