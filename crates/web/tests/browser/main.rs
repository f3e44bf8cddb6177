//! Browser tests: headless Chromium driven through WebDriver (chromedriver), against a real server on port 0
//! (`common::spawn`), going through the pages as people would — logging in and out through the forms.
//!
//! The harness starts chromedriver on a free port and Chromium with a fresh profile, and stops both at the end.
//! Without Chromium and chromedriver the tests print a loud `SKIPPED` and pass, except with `CI=true`, where a
//! missing browser fails them. Every step that fails saves a screenshot to
//! `target/browser-screenshots/<test>-<step>.png` and names the step. `CHROMEDRIVER` and `CHROMIUM` override
//! the paths of the two programs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod administration;
mod cards;
#[path = "../common/mod.rs"]
mod common;
mod harness;
mod plan_shaping;
mod portal;
mod rectification;
#[path = "../../../app/tests/support/services.rs"]
mod services;
mod sso;

use harness::{Browser, Res, WAIT, ensure};
use serde_json::json;
use std::process::Command;
use std::time::{Duration, Instant};

const PROJECT: &str = "城市运行一网统管平台";
const DOCUMENTS: [&str; 3] = ["information_sharing_analysis", "cryptography_plan", "secure_reliable_statement"];
const OPINIONS: [&str; 2] = ["information_sharing", "cryptography"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_registers_and_the_project_goes_through_plan_and_approval_to_construction() {
    let server = common::spawn().await;
    let Some(b) = Browser::start(
        "an_owner_registers_and_the_project_goes_through_plan_and_approval_to_construction",
        &server.base,
    )
    .await
    else {
        return;
    };

    let project = b
        .step("01-owner-registers", async {
            b.login("minzheng").await?;
            let project = b.register(PROJECT, "3000万").await?;
            b.expect_text("#facts", &["3000.00万元", "市政务服务和大数据管理局"]).await?;
            Ok(project)
        })
        .await;

    b.step("02-owner-proposes-for-the-2026-plan", async {
        b.open_action(&project, "propose_for_plan").await?;
        let year = b.find("#f-year").await?.prop("value").await?.unwrap_or_default();
        ensure(year == "2026", || format!("the plan year defaults to `{year}`, not 2026"))?;
        b.submit_expecting("proposed").await?;
        b.logout().await
    })
    .await;

    b.step("03-bureau-reviews-the-plan", async {
        b.login("bureau").await?;
        b.expect_text("#todo", &["2026年度实施计划", "1个申报项目"]).await?;
        b.click(r#"#todo a[href="/plans?jurisdiction=wuhan&year=2026"]"#).await?;
        b.expect_text("#proposals", &[PROJECT, "待论证"]).await?;
        b.click("#review-plan").await?;
        b.expect_outcome("ok").await?;
        b.expect_text("#plan-status", &["已论证"]).await?;
        b.logout().await
    })
    .await;

    b.step("04-government-approves-the-plan-after-confirming", async {
        b.login("government").await?;
        b.open_plan_2026().await?;
        b.click_confirming("#approve-plan", "确认批准2026年度实施计划").await?;
        b.expect_outcome("ok").await?;
        b.expect_text("#plan-status", &["已批准"]).await?;
        b.expect_text("#included", &[PROJECT]).await?;
        b.goto(&project).await?;
        b.expect_status("planned").await?;
        b.logout().await
    })
    .await;

    b.step("05-owner-submits-the-implementation-plan", async {
        b.login("minzheng").await?;
        b.open_action(&project, "submit_stage").await?;
        b.choose("f-stage", "implementation_plan").await?;
        b.tick_all("documents", &DOCUMENTS).await?;
        b.choose("f-preparer", "consulting_credit").await?;
        b.tick("design_depth_sufficient", None).await?;
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("实施方案.pdf");
        std::fs::write(&file, b"%PDF-1.7\n%%EOF\n")?;
        b.upload(&file, "实施方案.pdf").await?;
        b.submit_expecting("in_approval").await?;
        b.expect_text("#documents", &["项目实施方案", "密码应用方案", "实施方案.pdf", "报送审批材料"]).await?;
        b.logout().await
    })
    .await;

    b.step("06-bureau-commissions-the-review", async {
        b.login("bureau").await?;
        b.open_action(&project, "commission_review").await?;
        b.fill("f-consultant", "武汉某工程咨询公司").await?;
        b.submit_expecting("in_approval").await?;
        b.logout().await
    })
    .await;

    b.step("07-consultant-submits-the-evaluation", async {
        b.login("consultant").await?;
        b.goto("/projects").await?;
        b.expect_text("#project-table", &[PROJECT]).await?;
        b.open_action(&project, "submit_evaluation").await?;
        let recommended = b.find("#f-recommended_investment").await?.prop("value").await?.unwrap_or_default();
        ensure(recommended == "30000000", || format!("the recommended investment starts as `{recommended}`"))?;
        b.tick_all("opinions", &OPINIONS).await?;
        b.submit_expecting("in_approval").await?;
        b.logout().await
    })
    .await;

    b.step("08-bureau-approves-the-stage", async {
        b.login("bureau").await?;
        b.open_action(&project, "approve_stage").await?;
        b.tick_all("opinions", &OPINIONS).await?;
        b.fill("f-approved_investment", "30000000").await?;
        b.submit_expecting("awaiting_government_approval").await?;
        b.logout().await
    })
    .await;

    b.step("09-government-approves-the-project", async {
        b.login("government").await?;
        b.open_action(&project, "government_approve").await?;
        b.submit_expecting("approved").await?;
        b.logout().await
    })
    .await;

    b.step("10-owner-appoints-the-team-and-starts-construction", async {
        b.login("minzheng").await?;
        b.open_action(&project, "appoint_team").await?;
        b.fill("f-agency", "市民政局信息中心").await?;
        b.fill("f-leader", "张三").await?;
        b.submit_expecting("approved").await?;
        b.open_action(&project, "start_construction").await?;
        b.submit_expecting("under_construction").await?;
        let entries = b.count("#timeline li").await?;
        ensure(entries >= 9, || format!("the timeline has {entries} entries, expected at least 9"))?;
        b.goto("/projects").await?;
        let id = project.trim_start_matches("/projects/");
        let badge = b.text(&format!(r#"#project-table tr:has(a[href="/projects/{id}"]) .badge"#)).await?;
        ensure(badge == "建设中", || format!("the project library shows the badge `{badge}`, expected 建设中"))?;
        b.logout().await
    })
    .await;

    b.finish().await;
}

/// `file_record` before any plan: not offered, its form refused outright (403), and a post made anyway (a
/// stale or hand-made form) answered with the refusal quoting 第七条.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_shown_with_the_cited_articles_text() {
    let server = common::spawn().await;
    let Some(b) = Browser::start("a_refusal_is_shown_with_the_cited_articles_text", &server.base).await else {
        return;
    };

    let project = b
        .step("01-owner-registers-a-small-project", async {
            b.login("minzheng").await?;
            let project = b.register("社区养老服务小程序", "30万").await?;
            b.expect_text("#facts", &["30.00万元", "自行实施并备案"]).await?;
            ensure(b.count(r#"#my-actions a[data-action="propose_for_plan"]"#).await? == 1, || {
                "proposing for the plan is not offered".to_owned()
            })?;
            ensure(b.count(r#"a[data-action="file_record"]"#).await? == 0, || {
                "filing a record is offered before any plan".to_owned()
            })?;
            Ok(project)
        })
        .await;

    b.step("02-the-file-record-form-is-forbidden", async {
        b.goto(&format!("{project}/act/file_record")).await?;
        b.expect_text(".notice-error", &["403", "您当前不能对该项目办理“备案”"]).await?;
        let title = b.client.title().await?;
        ensure(title.starts_with("403"), || format!("the page's title is `{title}`"))?;
        ensure(b.count("#action-form").await? == 0, || "a form is shown on the 403 page".to_owned())
    })
    .await;

    b.step("03-a-post-anyway-is-refused-citing-article-7", async {
        b.goto(&project).await?;
        b.mark_page().await?;
        let post = r#"
            const form = document.createElement("form");
            form.method = "post";
            form.action = arguments[0];
            const token = document.createElement("input");
            token.type = "hidden";
            token.name = "_csrf";
            token.value = document.querySelector('meta[name="csrf-token"]').content;
            form.appendChild(token);
            document.body.appendChild(form);
            form.submit();"#;
        b.client.execute(post, vec![json!(format!("{project}/act/file_record"))]).await?;
        b.wait_new_page().await?;
        let text = b.expect_outcome("refused").await?;
        ensure(text.contains("不予办理:备案"), || format!("the refusal's title is missing: {text}"))?;
        b.expect_text("#outcome .article-ref", &["第七条"]).await?;
        b.expect_text("#outcome .article-body", &["未列入计划的项目不得申请立项"]).await?;
        b.goto(&project).await?;
        b.expect_status("registered").await?;
        let entries = b.count("#timeline li").await?;
        ensure(entries == 1, || format!("the refusal was recorded: the timeline has {entries} entries"))?;
        b.logout().await
    })
    .await;

    b.finish().await;
}

/// The text of a PDF by poppler's `pdftotext`, without line breaks (the typeset lines break anywhere).
fn pdf_text(bytes: &[u8]) -> Res<String> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("paper.pdf");
    std::fs::write(&path, bytes)?;
    let out =
        Command::new("pdftotext").arg(&path).arg("-").output().map_err(|e| {
            format!("pdftotext (apt-get install poppler-utils) is needed to read the downloaded PDF: {e}")
        })?;
    Ok(String::from_utf8(out.stdout)?.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The rows of a workbook's first sheet, as text.
fn workbook_rows(bytes: &[u8]) -> Res<Vec<Vec<String>>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))?;
    let name = book.sheet_names().first().cloned().ok_or("the workbook has no sheet")?;
    let range = book.worksheet_range(&name)?;
    Ok(range.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect())
}

/// The demo city as people brief with it: the bureau downloads the 2026 plan as Excel and an approval reply as
/// PDF from the project page, and the dashboard draws every chart from the demo city's data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_city_downloads_its_plan_and_an_approval_reply_and_charts_its_projects() {
    let server = common::spawn_demo().await;
    let test = "the_demo_city_downloads_its_plan_and_an_approval_reply_and_charts_its_projects";
    let Some(b) = Browser::start(test, &server.base).await else {
        return;
    };

    b.step("01-bureau-downloads-the-2026-plan-as-excel", async {
        b.login_with("bureau", govit_app::demo::DEMO_PASSWORD).await?;
        b.goto("/plans?jurisdiction=wuhan&year=2026").await?;
        let included = b.text("#included").await?;
        let (name, bytes) = b.download("#export-plan", ".xlsx").await?;
        ensure(name.contains("2026"), || format!("the workbook is named {name}"))?;
        let rows = workbook_rows(&bytes)?;
        let title = rows.first().and_then(|r| r.first()).cloned().unwrap_or_default();
        ensure(title.contains("武汉市2026年度"), || format!("the workbook's title is `{title}`"))?;
        let names: Vec<&String> =
            rows.iter().filter_map(|r| r.get(2)).filter(|n| included.contains(n.as_str())).collect();
        ensure(names.len() >= 3, || format!("the workbook lists {} of the plan's projects: {names:?}", names.len()))?;
        let total = rows.iter().any(|r| r.iter().any(|c| c.contains("合计")));
        ensure(total, || "the workbook has no 合计 row".to_owned())
    })
    .await;

    b.step("02-bureau-downloads-an-approval-reply-as-pdf", async {
        b.goto("/projects/wuhan-2025-0006").await?;
        let (name, bytes) = b.download("#timeline a.paper", ".pdf").await?;
        ensure(name.contains("批复"), || format!("the PDF is named {name}"))?;
        ensure(bytes.starts_with(b"%PDF-"), || "the download is not a PDF".to_owned())?;
        let text = pdf_text(&bytes)?;
        for wanted in
            ["市政务服务和大数据管理局", "关于综合交通运行监测调度中心二期", "核定项目总投资", "第十三条", "此复。"]
        {
            ensure(text.contains(wanted), || format!("the reply lacks {wanted}: {text}"))?;
        }
        Ok(())
    })
    .await;

    b.step("03-the-dashboard-draws-every-chart", async {
        b.goto("/dashboard").await?;
        let count = b.count(".chart[data-chart]").await?;
        ensure(count == 7, || format!("the dashboard has {count} charts, expected 7"))?;
        let script = r#"
            const out = [];
            for (const el of document.querySelectorAll('.chart[data-chart]')) {
                const chart = window.echarts && window.echarts.getInstanceByDom(el);
                const series = chart ? chart.getOption().series : [];
                const points = series.reduce((n, s) => n + (s.data ? s.data.length : 0), 0);
                out.push([el.id, !!chart, !!el.querySelector('canvas, svg'), points]);
            }
            return out;"#;
        let started = Instant::now();
        loop {
            let drawn: Vec<(String, bool, bool, u64)> =
                serde_json::from_value(b.client.execute(script, Vec::new()).await?)?;
            let missing: Vec<&(String, bool, bool, u64)> =
                drawn.iter().filter(|(_, chart, canvas, points)| !(*chart && *canvas && *points > 0)).collect();
            if missing.is_empty() {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                return Err(format!("charts not drawn with data: {missing:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;

    b.finish().await;
}
