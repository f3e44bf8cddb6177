//! 政务公开 in the browser, as a citizen without an account: the portal searched through its form, the next page,
//! a project's public page; axe-core on each; screenshots at desktop and phone width.

use crate::common;
use crate::harness::{Browser, ensure};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_searches_the_portal_pages_through_it_and_opens_a_project() {
    let test = "a_citizen_searches_the_portal_pages_through_it_and_opens_a_project";
    let server = common::spawn_demo().await;
    let Some(b) = Browser::start(test, &server.base).await else {
        return;
    };

    b.step("01-the-portal-and-its-next-page", async {
        b.goto("/public").await?;
        ensure(b.count("#public-table tbody tr").await? == 50, || "the first page holds 50 projects".to_owned())?;
        b.screenshots("01-portal", "#public-table").await?;
        b.axe("01 portal").await?;
        b.click("#next-page").await?;
        ensure(b.path().await?.contains("page=2"), || "the next page has its own URL".to_owned())?;
        b.axe("01 portal, page 2").await
    })
    .await;

    b.step("02-a-search-and-a-project", async {
        b.goto("/public").await?;
        b.fill("q", "平台").await?;
        b.choose("status", "under_construction").await?;
        b.click("form.filters button[type=submit]").await?;
        let rows = b.count("#public-table tbody tr").await?;
        ensure(rows > 0, || "the search finds projects under construction named 平台".to_owned())?;
        b.expect_text("#public-table tbody", &["平台", "建设中"]).await?;
        b.click("#public-table tbody tr:first-child td:nth-child(2) a").await?;
        b.find("#public-facts").await?;
        b.expect_text("#public-dates", &["开工建设"]).await?;
        b.screenshots("02-project", "#public-facts").await?;
        b.axe("02 public project page").await
    })
    .await;

    b.finish().await;
}
