//! The bureau shapes the 2027 annual plan of the demo city in Chromium [7]: it merges two units' proposals into
//! one co-built project, assigns a task to a unit, adjusts that task across the 50万 line (the route changes on
//! the page, shown before it is confirmed); the government approves the plan; the cyberspace office finds the
//! filing review waiting on its 工作台 and files it [24]. Every page at desktop and phone width, with axe-core.

use crate::common;
use crate::harness::{Browser, ensure};
use govit_app::demo::DEMO_PASSWORD;

const PLAN: &str = "/plans?jurisdiction=wuhan&year=2027";
const TASK: &str = "城市生命线安全监测系统";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bureau_merges_assigns_and_adjusts_and_the_cyberspace_office_files_the_approved_plan() {
    let test = "the_bureau_merges_assigns_and_adjusts_and_the_cyberspace_office_files_the_approved_plan";
    let server = common::spawn_demo().await;
    let Some(b) = Browser::start(test, &server.base).await else {
        return;
    };

    b.step("01-bureau-merges-two-units-proposals", async {
        b.login_with("bureau", DEMO_PASSWORD).await?;
        b.goto(PLAN).await?;
        b.expect_text("#proposals", &["民政一体化政务服务平台", "智慧交管大脑", "共建单位:市城管执法委"]).await?;
        // The demo city's own merge: 市城管执法委's proposal went into 市交通运输局's.
        b.expect_text("#merged", &["轨道交通沿线视频监控系统"]).await?;
        b.axe("01 年度计划 as the bureau").await?;
        b.find(r#"input[name="merge"][aria-label="合并 民政一体化政务服务平台"]"#).await?.click().await?;
        b.find(r#"input[name="merge"][aria-label="合并 智慧交管大脑"]"#).await?.click().await?;
        let lead = b.find(r#"tr[data-project] input[aria-label="合并 民政一体化政务服务平台"]"#).await?;
        let lead = lead.attr("value").await?.unwrap_or_default();
        b.choose("merge-lead", &lead).await?;
        b.fill("merge-investment", "110000000").await?;
        b.click("#merge-proposals").await?;
        // Shown before it is done: 1.1亿 reaches the government's threshold [15].
        b.expect_outcome("confirm").await?;
        b.expect_text("#outcome", &["须报市人民政府批准", "原为无须报市人民政府批准"]).await?;
        b.expect_text("#merge-confirm", &["民政一体化政务服务平台", "智慧交管大脑(市公安局)"]).await?;
        b.screenshots("01-merge-confirmation", "#merge-confirm").await?;
        b.axe("01 合并建设 confirmation").await?;
        b.click("#confirm-merge").await?;
        b.expect_text("#merged", &["智慧交管大脑", &format!("已并入 {lead}")]).await?;
        b.expect_text(&format!(r#"#proposals tr[data-project="{lead}"]"#), &["共建单位:市公安局"]).await?;
        b.screenshots("01-plan-after-merge", "#proposals").await?;
        Ok(())
    })
    .await;

    b.step("02-bureau-assigns-a-task-to-a-unit", async {
        b.goto(PLAN).await?;
        b.click("#assign-project").await?;
        b.axe("02 下达建设任务").await?;
        b.choose("f-owner", "市水务局").await?;
        b.fill("f-year", "2027").await?;
        b.fill("f-name", TASK).await?;
        b.choose("f-category", "business_application").await?;
        b.choose("f-construction", "new").await?;
        b.choose("f-funding", "government_investment").await?;
        b.fill("f-investment", "45万").await?;
        b.submit().await?;
        b.expect_outcome("ok").await?;
        b.expect_status("proposed").await?;
        b.expect_text("#facts", &["市政务服务和大数据管理局下达建设任务", "自行实施并备案"]).await?;
        Ok(())
    })
    .await;

    b.step("03-bureau-adjusts-the-task-across-the-approval-threshold", async {
        b.click(r#"#my-actions a[data-action="adjust_proposal"]"#).await?;
        b.fill("f-investment", "80万").await?;
        b.fill("f-reason", "论证意见:增加排水管网监测点").await?;
        b.submit().await?;
        // The new route is shown before the adjustment is done.
        b.expect_outcome("confirm").await?;
        b.expect_text("#outcome", &["管理路径审批(原为自行实施并备案)"]).await?;
        b.screenshots("03-adjustment-confirmation", "#outcome").await?;
        b.axe("03 调整申报项目 confirmation").await?;
        b.submit().await?;
        b.expect_outcome("ok").await?;
        b.expect_text("#facts", &["审批", "80.00万元"]).await?;
        b.screenshots("03-task-after-adjustment", "#facts").await?;
        b.axe("03 project page after the adjustment").await?;
        Ok(())
    })
    .await;

    b.step("04-bureau-reviews-and-the-government-approves", async {
        b.goto(PLAN).await?;
        b.click("#review-plan").await?;
        b.expect_text("#plan-status", &["已论证"]).await?;
        b.logout().await?;
        b.login_with("government", DEMO_PASSWORD).await?;
        b.goto(PLAN).await?;
        b.click_confirming("#approve-plan", "确认批准2027年度实施计划").await?;
        b.expect_text("#plan-status", &["已批准"]).await?;
        b.expect_text("#included", &["民政一体化政务服务平台", TASK]).await?;
        b.logout().await
    })
    .await;

    b.step("05-cyberspace-office-files-its-review-from-its-workbench", async {
        b.login_with("cyberspace", DEMO_PASSWORD).await?;
        b.expect_text("main", &["武汉市2027年度实施计划", "年度计划备案审核"]).await?;
        b.axe("05 工作台 as the cyberspace office").await?;
        b.click(r#"a[data-action="file_plan_review"][href*="year=2027"]"#).await?;
        ensure(b.path().await?.contains("year=2027"), || "the workbench led to the 2027 plan".into())?;
        b.choose("review-result", "filed").await?;
        b.fill("review-note", "已按网络安全等级保护要求审核").await?;
        b.click("#file-plan-review").await?;
        b.expect_text("#filing-review", &["予以备案", "孙晓明"]).await?;
        ensure(b.count("#file-review-form").await? == 0, || "the review is filed once".into())?;
        b.screenshots("05-plan-with-filing-review", "#plan-status").await?;
        b.axe("05 年度计划 as the cyberspace office").await?;
        b.logout().await
    })
    .await;

    b.finish().await;
}
