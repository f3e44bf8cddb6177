//! 政务公开 in the browser, as a citizen without an account: the portal searched through its form, the next page,
//! a project's public page, the statistics, the open data page (the CSV downloaded) and the dictionary;
//! axe-core on each, at desktop and at 390px, where no public page scrolls sideways; screenshots at both widths.

use crate::common;
use crate::harness::{Browser, DESKTOP, PHONE, ensure};

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

    b.step("03-statistics-open-data-and-the-dictionary", async {
        b.goto("/public/statistics").await?;
        b.find("#chart-year-view canvas").await?;
        b.find("#chart-status-view canvas").await?;
        b.screenshots("03-statistics", "#table-year").await?;
        b.axe("03 statistics").await?;
        b.goto("/public/data").await?;
        b.expect_text("#latest-set", &["截取时间", "审计日志检查点"]).await?;
        let (name, bytes) = b.download("#downloads a[data-file='projects.csv']", ".csv").await?;
        ensure(name.starts_with("govit-projects-") && bytes.starts_with("\u{feff}项目编号".as_bytes()), || {
            format!("the CSV downloads under its dated name: {name}")
        })?;
        b.screenshots("03-open-data", "#latest-set").await?;
        b.axe("03 open data").await?;
        b.goto("/public/dictionary").await?;
        b.expect_text("#fields", &["核定投资(元)", "元"]).await?;
        b.screenshots("03-dictionary", "#fields").await?;
        b.axe("03 dictionary").await
    })
    .await;

    b.step("04-every-public-page-fits-a-phone", async {
        b.client.set_window_size(PHONE.0, PHONE.1).await?;
        for path in ["/public", "/public/statistics", "/public/data", "/public/dictionary"] {
            b.goto(path).await?;
            let wide = b
                .client
                .execute("return document.documentElement.scrollWidth > window.innerWidth + 1;", vec![])
                .await?;
            ensure(wide == serde_json::Value::Bool(false), || format!("{path} scrolls sideways at 390px"))?;
            b.axe(&format!("04 {path} at 390px")).await?;
        }
        b.client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        Ok(())
    })
    .await;

    b.finish().await;
}
