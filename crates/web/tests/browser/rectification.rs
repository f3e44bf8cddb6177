//! Issue 15 in the browser. [25]: an order is given, reported, verified as failed by the department that gave
//! it, the project suspended, reported again and the suspension lifted, then verified as rectified. [19]: a change
//! needing re-approval waits on the bureau's workbench, is approved up to the government's threshold and then
//! by the government. Every step through the pages' forms, the project page showing each state; screenshots of
//! the page at desktop and phone width.

use crate::common::{self, Server};
use crate::harness::{Browser, Res, ensure};
use govit_rules::Role;
use serde_json::{Value, json};

const PROJECT: &str = "社区养老服务小程序";
/// The test server's today (`common::spawn`).
const TODAY: &str = "2026-03-02";

/// 市审计局 and its account `audit` (display name `audit用户`, as the harness's login expects).
async fn add_audit(s: &Server) {
    common::add_department(s, "市审计局", "audit", Role::Audit).await;
}

/// Runs `body` through the API as `who` and expects it done.
async fn done(s: &Server, clients: &std::collections::HashMap<&str, reqwest::Client>, who: &str, body: Value) -> Value {
    let (status, answer) = common::command(s, &clients[who], body.clone()).await;
    assert_eq!(status, 200, "{who}: {body}\n→ {answer}");
    answer
}

/// A project of 市民政局 of `investment` yuan, in the 2026 plan, filed (under 50万) or approved by the bureau,
/// and under construction, set up through the API (the browser takes over from there); its page's path.
async fn under_construction(s: &Server, name: &str, investment: i64) -> String {
    let mut clients = std::collections::HashMap::new();
    for u in ["minzheng", "bureau", "government", "consultant"] {
        clients.insert(u, common::login(s, u).await.0);
    }
    let registered = done(
        s,
        &clients,
        "minzheng",
        json!({"do": "register_project", "with": {"name": name, "category": "business_application",
            "construction": "new", "funding": "government_investment", "investment": investment}}),
    )
    .await;
    let id = registered["project"].as_str().unwrap().to_owned();
    done(s, &clients, "minzheng", json!({"do": "propose_for_plan", "with": {"project": id, "year": 2026}})).await;
    done(s, &clients, "bureau", json!({"do": "review_plan", "with": {"year": 2026}})).await;
    done(s, &clients, "government", json!({"do": "approve_plan", "with": {"year": 2026}})).await;
    if investment < 500_000 {
        done(s, &clients, "minzheng", json!({"do": "file_record", "with": {"project": id}})).await;
    } else {
        let documents = ["information_sharing_analysis", "cryptography_plan", "secure_reliable_statement"];
        let opinions = ["information_sharing", "cryptography"];
        done(
            s,
            &clients,
            "minzheng",
            json!({"do": "submit_stage", "with": {"project": id, "stage": "implementation_plan",
            "design_depth_sufficient": true, "investment": investment, "preparer": "consulting_credit",
            "documents": documents}}),
        )
        .await;
        done(
            s,
            &clients,
            "bureau",
            json!({"do": "commission_review", "with": {"project": id,
            "consultant": "武汉某工程咨询公司"}}),
        )
        .await;
        done(
            s,
            &clients,
            "consultant",
            json!({"do": "submit_evaluation", "with": {"project": id, "opinions": opinions,
            "recommended_investment": investment}}),
        )
        .await;
        done(
            s,
            &clients,
            "bureau",
            json!({"do": "approve_stage", "with": {"project": id,
            "approved_investment": investment, "opinions": opinions}}),
        )
        .await;
    }
    done(
        s,
        &clients,
        "minzheng",
        json!({"do": "appoint_team", "with": {"project": id, "agency": "市民政局信息中心", "leader": "张三"}}),
    )
    .await;
    done(s, &clients, "minzheng", json!({"do": "start_construction", "with": {"project": id}})).await;
    format!("/projects/{id}")
}

impl Browser {
    /// The rectification `number`'s row on the project page shows state `state` (its `data-state`) and `wanted`.
    async fn expect_rectification(&self, number: u32, state: &str, wanted: &[&str]) -> Res {
        let css = format!(r#"#rectifications tr[data-number="{number}"]"#);
        let row = self.find(&css).await?;
        let got = row.attr("data-state").await?.unwrap_or_default();
        let text = row.text().await?;
        ensure(got == state, || format!("order #{number} is `{got}`, expected `{state}`: {text}"))?;
        self.expect_text(&css, wanted).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_reported_verified_as_failed_the_project_suspended_reported_again_and_resumed() {
    let test = "an_order_is_reported_verified_as_failed_the_project_suspended_reported_again_and_resumed";
    let server = common::spawn().await;
    add_audit(&server).await;
    let project = under_construction(&server, PROJECT, 300_000).await;
    let id = project.trim_start_matches("/projects/").to_owned();
    let Some(b) = Browser::start(test, &server.base).await else {
        return;
    };

    b.step("01-audit-orders-a-rectification", async {
        b.login("audit").await?;
        b.open_action(&project, "order_rectification").await?;
        b.choose("f-area", "funds").await?;
        b.fill("f-finding", "工程款超合同约定支付").await?;
        let due = b.find("#f-due").await?;
        b.client
            .execute("arguments[0].value = arguments[1];", vec![serde_json::to_value(&due)?, json!("2026-03-31")])
            .await?;
        b.submit_expecting("under_construction").await?;
        b.expect_rectification(1, "open", &["待整改", "工程款超合同约定支付", "市审计局", "2026-03-31"]).await?;
        ensure(b.count(r#"#my-actions a[data-action="verify_rectification"]"#).await? == 0, || {
            "verification is offered before any report".to_owned()
        })?;
        b.logout().await
    })
    .await;

    b.step("02-owner-reports-it-rectified", async {
        b.login("minzheng").await?;
        b.expect_text("#todo", &[PROJECT, "报告整改完成"]).await?;
        b.open_action(&project, "report_rectified").await?;
        b.submit_expecting("under_construction").await?;
        b.expect_rectification(
            1,
            "reported",
            &["已报告待核查", &format!("{TODAY} 报告整改"), "待市审计局或市政务服务和大数据管理局核查"],
        )
        .await?;
        b.logout().await
    })
    .await;

    let shots_failed = b
        .step("03-audit-verifies-it-as-failed-from-its-workbench", async {
            b.login("audit").await?;
            b.expect_text("#todo", &[PROJECT, "核查整改情况"]).await?;
            b.click(&format!(r#"#todo a[href="/projects/{id}/act/verify_rectification"]"#)).await?;
            b.find("#action-form").await?;
            b.choose("f-result", "failed").await?;
            b.fill("f-finding", "超付款项未追回").await?;
            b.submit_expecting("under_construction").await?;
            b.expect_rectification(
                1,
                "failed",
                &[
                    "核查不合格待重新整改",
                    &format!("市审计局于{TODAY}核查:整改后仍不符合要求"),
                    "超付款项未追回",
                    "累计核查不合格1次",
                ],
            )
            .await?;
            let shots = b.screenshots("03-failed", "#rectifications").await?;
            b.axe("03-failed project page").await?;
            b.goto("/").await?;
            let offered = b.count(&format!(r#"#todo a[href="/projects/{id}/act/verify_rectification"]"#)).await?;
            ensure(offered == 0, || "the verified report is still on audit's workbench".to_owned())?;
            b.logout().await?;
            Ok(shots)
        })
        .await;

    b.step("04-bureau-suspends-the-project", async {
        b.login("bureau").await?;
        b.open_action(&project, "impose_measure").await?;
        b.choose("f-measure", "suspend_construction").await?;
        b.submit_expecting("suspended").await?;
        b.expect_text("#measures", &[TODAY, "暂停项目建设"]).await?;
        b.expect_rectification(1, "failed", &["核查不合格待重新整改"]).await?;
        b.logout().await
    })
    .await;

    b.step("05-owner-reports-it-rectified-again", async {
        b.login("minzheng").await?;
        b.open_action(&project, "report_rectified").await?;
        b.submit_expecting("suspended").await?;
        b.expect_rectification(
            1,
            "reported",
            &["已报告待核查", "待市审计局或市政务服务和大数据管理局核查", "累计核查不合格1次"],
        )
        .await?;
        b.logout().await
    })
    .await;

    b.step("06-bureau-lifts-the-suspension", async {
        b.login("bureau").await?;
        b.open_action(&project, "lift_suspension").await?;
        b.submit_expecting("under_construction").await?;
        b.expect_text("#measures", &["暂停项目建设", "解除暂停,恢复建设"]).await?;
        b.expect_rectification(1, "reported", &["已报告待核查"]).await?;
        b.logout().await
    })
    .await;

    let shots_closed = b
        .step("07-audit-verifies-it-as-rectified", async {
            b.login("audit").await?;
            b.open_action(&project, "verify_rectification").await?;
            b.choose("f-result", "passed").await?;
            b.submit_expecting("under_construction").await?;
            b.expect_rectification(
                1,
                "closed",
                &["已核查合格", &format!("市审计局于{TODAY}核查:整改合格"), "累计核查不合格1次"],
            )
            .await?;
            let shots = b.screenshots("07-closed", "#rectifications").await?;
            b.axe("07-closed project page").await?;
            // The pages a supervisor works from, as they stand after the story.
            for (path, page) in [("/", "工作台"), ("/supervision", "监督整改"), ("/policies", "实施细则")] {
                b.goto(path).await?;
                b.axe(page).await?;
            }
            b.logout().await?;
            Ok(shots)
        })
        .await;

    eprintln!("[{test}] screenshots: {shots_failed:?} {shots_closed:?}");
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_needing_reapproval_waits_for_the_bureau_and_then_the_government_on_the_project_page() {
    let test = "a_change_needing_reapproval_waits_for_the_bureau_and_then_the_government_on_the_project_page";
    let name = "养老服务信息系统升级";
    let server = common::spawn().await;
    let project = under_construction(&server, name, 28_000_000).await;
    let id = project.trim_start_matches("/projects/").to_owned();
    let Some(b) = Browser::start(test, &server.base).await else {
        return;
    };

    b.step("01-owner-requests-a-change-beyond-the-estimate", async {
        b.login("minzheng").await?;
        b.goto(&project).await?;
        ensure(b.count("#pending-adjustment").await? == 0, || "a pending adjustment before any request".to_owned())?;
        b.open_action(&project, "request_adjustment").await?;
        b.fill("f-amount", "200万").await?;
        b.choose("f-reason", "business_development").await?;
        let within = b.find(r#"input[type="checkbox"][name="within_estimate"]"#).await?;
        if within.is_selected().await? {
            within.click().await?;
        }
        b.submit_expecting("under_construction").await?;
        b.expect_text(
            "#pending-adjustment",
            &["待批调整", "200.00万元", "业务发展需要", TODAY, "须重新报批,待市政务服务和大数据管理局批准"],
        )
        .await?;
        let awaiting = b.find("#pending-adjustment").await?.attr("data-awaiting-government").await?;
        ensure(awaiting.as_deref() == Some("false"), || format!("data-awaiting-government is {awaiting:?}"))?;
        ensure(b.count(r#"#my-actions a[data-action="complete_construction"]"#).await? == 0, || {
            "completion is offered while a change waits for re-approval".to_owned()
        })?;
        b.logout().await
    })
    .await;

    let shots_pending = b
        .step("02-bureau-approves-it-from-its-workbench", async {
            b.login("bureau").await?;
            b.expect_text("#todo", &[name, "批准调整(重新审批)"]).await?;
            b.click(&format!(r#"#todo a[href="/projects/{id}/act/approve_adjustment"]"#)).await?;
            b.find("#action-form").await?;
            b.fill("f-approved_investment", "3000万").await?;
            b.submit_expecting("under_construction").await?;
            b.expect_text(
                "#pending-adjustment",
                &["200.00万元", "市政务服务和大数据管理局已批准调整后核定投资3000.00万元,待市人民政府批准"],
            )
            .await?;
            let awaiting = b.find("#pending-adjustment").await?.attr("data-awaiting-government").await?;
            ensure(awaiting.as_deref() == Some("true"), || format!("data-awaiting-government is {awaiting:?}"))?;
            // Not in force before the government approves it [15].
            let approved = b.text("#facts").await?;
            ensure(
                approved.contains("核定投资\n2800.00万元") || approved.contains("核定投资 2800.00万元"),
                || format!("the approved investment changed before the government's approval: {approved}"),
            )?;
            let shots = b.screenshots("02-awaiting-government", "#next-steps").await?;
            b.axe("02-awaiting-government project page").await?;
            b.logout().await?;
            Ok(shots)
        })
        .await;

    b.step("03-government-approves-the-new-estimate", async {
        b.login("government").await?;
        b.expect_text("#todo", &[name, "市人民政府批准"]).await?;
        b.open_action(&project, "government_approve").await?;
        b.submit_expecting("under_construction").await?;
        ensure(b.count("#pending-adjustment").await? == 0, || "the change is still shown as pending".to_owned())?;
        b.expect_text("#facts", &["3000.00万元"]).await?;
        b.logout().await
    })
    .await;

    eprintln!("[{test}] screenshots: {shots_pending:?}");
    b.finish().await;
}
