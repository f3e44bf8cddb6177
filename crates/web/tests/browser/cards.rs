//! 电子监察 cards [25] in the browser. On the demo city's last day a project whose deadline is past shows a red
//! card beside it and one whose deadline is near a yellow card. Then the clock moves past the year's end: the
//! daily run issues a red card for the year's performance report [20], the owner sees it on the 工作台 and the
//! project page and disputes it, the bureau finds the dispute on its 工作台 and upholds the card, 监督整改
//! lists it, and the month's 电子监察 ranking counts it against the unit. axe-core on every page; screenshots at desktop and phone width.

use crate::common;
use crate::harness::{Browser, ensure};
use govit_app::demo::{DEMO_PASSWORD, demo_users};
use govit_rules::derive::{self, DeadlineName};
use govit_rules::vocab::{Card, Status};
use govit_rules::{Date, Role};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_past_deadline_shows_a_red_card_and_a_near_one_a_yellow_card_on_the_project_page() {
    let test = "a_past_deadline_shows_a_red_card_and_a_near_one_a_yellow_card_on_the_project_page";
    let server = common::spawn_demo().await;
    let projects = server.app.store().project_states(None).await.unwrap();
    let carrying = |wanted: Card| {
        projects
            .iter()
            .find(|p| p.open_cards().any(|c| c.card == wanted))
            .map(|p| p.id.to_string())
            .unwrap_or_else(|| panic!("the demo city has a project with a {} card", wanted.code()))
    };
    let (red, yellow) = (carrying(Card::Red), carrying(Card::Yellow));
    let Some(b) = Browser::start(test, &server.base).await else {
        return;
    };

    b.step("01-red-and-yellow-cards-beside-the-deadlines", async {
        b.login_with("bureau", DEMO_PASSWORD).await?;
        for (id, card, label) in [(&red, "red", "红牌"), (&yellow, "yellow", "黄牌")] {
            b.goto(&format!("/projects/{id}")).await?;
            let css = format!(r#"#deadlines [data-card="{card}"]"#);
            ensure(b.count(&css).await? > 0, || format!("{id} shows no {card} card"))?;
            b.expect_text(&css, &[label]).await?;
            b.screenshots(&format!("01-{card}-card"), "#deadlines").await?;
            b.axe(&format!("01 project page with a {card} card")).await?;
        }
        b.logout().await
    })
    .await;

    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_passes_the_red_card_appears_the_unit_disputes_it_and_the_bureau_upholds_it() {
    let test = "a_deadline_passes_the_red_card_appears_the_unit_disputes_it_and_the_bureau_upholds_it";
    let (server, clock) = common::spawn_demo_with_clock().await;
    let new_year: Date = "2027-01-01".parse().unwrap();
    let report = DeadlineName::AnnualReport(2026);
    // A project under construction whose 2026 report is still to come, of a unit with a demo account.
    let projects = server.app.store().project_states(None).await.unwrap();
    let (project, owner, unit) = projects
        .iter()
        .filter(|p| p.status == Status::UnderConstruction && p.open_card(report).is_none())
        .filter(|p| derive::deadlines(p, new_year, server.app.policies()).iter().any(|d| d.name == report))
        .find_map(|p| {
            let user = demo_users()
                .iter()
                .find(|u| u.organization == p.owner.name.as_str() && u.roles.contains(&Role::Owner))?;
            Some((p.id.to_string(), user.username, user.organization))
        })
        .expect("the demo city has a project under construction owing its 2026 report");
    // The year ends without the report: the next day's run (what `govit serve` schedules) issues the red card.
    clock.set(new_year);
    let run = server.app.issue_cards(new_year).await.unwrap();
    assert!(run.red > 0, "{run:?}");
    let page = format!("/projects/{project}");
    let Some(b) = Browser::start(test, &server.base).await else {
        return;
    };

    b.step("01-the-owner-sees-the-red-card-on-the-workbench-and-the-project", async {
        b.login_with(owner, DEMO_PASSWORD).await?;
        let row = format!(r#"#overdue tr:has(a[href="{page}"]) [data-card="red"]"#);
        ensure(b.count(&row).await? > 0, || format!("the workbench shows no red card for {project}"))?;
        ensure(b.text(r#"#card-count [data-card="red"]"#).await? != "0", || "no red card counted".to_owned())?;
        b.screenshots("01-workbench", "#overdue").await?;
        b.axe("01 workbench with a red card").await?;
        b.goto(&page).await?;
        b.expect_text(r#"#supervision-cards tr[data-deadline="annual_report_2026"]"#, &["红牌", "有效"]).await?;
        b.screenshots("01-project", "#supervision-cards").await?;
        b.expect_text("#rating-computed", &["系统评级"]).await?;
        b.screenshots("01-rating", "#rating").await?;
        b.axe("01 project page with the card").await
    })
    .await;

    b.step("02-the-owner-disputes-it", async {
        b.open_action(&page, "dispute_card").await?;
        b.choose("f-deadline", "annual_report_2026").await?;
        b.fill("f-reason", "年度绩效评价报告已于12月30日线下报送,待系统补录").await?;
        b.axe("02 dispute form").await?;
        b.submit().await?;
        b.expect_outcome("ok").await?;
        b.goto(&page).await?;
        b.expect_text(r#"#supervision-cards tr[data-deadline="annual_report_2026"]"#, &["提出异议", "待处理"]).await?;
        b.screenshots("02-disputed", "#supervision-cards").await?;
        b.logout().await
    })
    .await;

    b.step("03-the-bureau-upholds-the-card", async {
        b.login_with("bureau", DEMO_PASSWORD).await?;
        let todo = format!(r#"#todo a[href="{page}/act/resolve_card_dispute"]"#);
        ensure(b.count(&todo).await? > 0, || "the dispute is not on the bureau's workbench".to_owned())?;
        b.click(&todo).await?;
        b.find("#action-form").await?;
        b.choose("f-deadline", "annual_report_2026").await?;
        b.choose("f-outcome", "upheld").await?;
        b.fill("f-note", "系统中未见报告,第二十条要求年底前形成报告").await?;
        b.submit().await?;
        b.expect_outcome("ok").await?;
        b.goto(&page).await?;
        b.expect_text(r#"#supervision-cards tr[data-deadline="annual_report_2026"]"#, &["红牌", "维持警示牌"]).await?;
        b.screenshots("03-upheld", "#supervision-cards").await?;
        b.goto("/supervision").await?;
        let listed = format!(r#"#open-cards tr[data-card="red"]:has(a[href="{page}"])"#);
        ensure(b.count(&listed).await? > 0, || "监督整改 does not list the card".to_owned())?;
        b.screenshots("03-supervision", "#open-cards").await?;
        b.axe("03 supervision page with cards").await?;
        b.logout().await
    })
    .await;

    b.step("04-the-ranking-of-the-month-shows-the-unit", async {
        b.login_with("bureau", DEMO_PASSWORD).await?;
        b.goto("/rankings?period=2027-01").await?;
        let row = format!(r#"#ranking-units tr[data-name="{unit}"] [data-red]"#);
        let red = b.find(&row).await?.attr("data-red").await?.unwrap_or_default();
        ensure(red.parse::<u32>().unwrap_or(0) >= 1, || format!("{unit} shows {red} red cards in January"))?;
        b.expect_text("#unpublished", &["尚未发布", "计至今日"]).await?;
        b.screenshots("04-ranking", "#ranking-units").await?;
        b.axe("04 ranking page").await?;
        b.logout().await
    })
    .await;

    b.finish().await;
}
