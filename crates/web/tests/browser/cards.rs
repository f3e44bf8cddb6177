//! 电子监察 cards on the project page [25]: on the demo city's last day, a project whose deadline is past shows
//! a red card beside it, one whose deadline is within the warning days a yellow card; axe-core on both pages.

use crate::common;
use crate::harness::{Browser, ensure};
use govit_app::demo::DEMO_PASSWORD;
use govit_rules::derive;
use govit_rules::vocab::Card;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_past_deadline_shows_a_red_card_and_a_near_one_a_yellow_card_on_the_project_page() {
    let test = "a_past_deadline_shows_a_red_card_and_a_near_one_a_yellow_card_on_the_project_page";
    let server = common::spawn_demo().await;
    let today = server.app.clock().today();
    let projects = server.app.store().project_states(None).await.unwrap();
    let carrying = |wanted: Card| {
        projects
            .iter()
            .find(|p| derive::cards(p, today, server.app.policies()).iter().any(|(_, card)| *card == wanted))
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
