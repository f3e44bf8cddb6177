//! Issue 15, point 11: the consequences of verification [25] and re-approval [19] on the pages.
//!
//! The 工作台 lists a reported rectification for the department that ordered it (and not for another
//! supervisor), and a change waiting for re-approval for its approver; the project page shows each
//! rectification's state with who verified it and when, the pending adjustment (its amount, date and whether
//! it waits for 市人民政府), and on the demo city the industry-authority route's filing with the bureau and
//! the surplus from acceptance on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Server, command, login, login_with, spawn, spawn_demo};
use govit_rules::vocab::Route;
use govit_rules::{Actor, JurisdictionId, OrgName, Role};
use serde_json::{Value, json};

/// The test city's clock: every command is dated today.
const TODAY: &str = "2026-03-02";

/// Adds 市审计局 (`audit`) and 市委网信办 (`cyberspace`) to the small city of [`spawn`].
async fn add_supervisors(s: &Server) {
    common::add_department(s, "市审计局", "audit", Role::Audit).await;
    common::add_department(s, "市委网信办", "cyberspace", Role::CyberspaceOffice).await;
}

thread_local! {
    /// One logged-in client per server and account: logging in anew for every request would meet the login
    /// rate limit (30 a minute).
    static CLIENTS: std::cell::RefCell<std::collections::HashMap<(String, String), reqwest::Client>> =
        std::cell::RefCell::default();
}

/// A client logged in as `username` on `s` (the test city's password, or the demo city's).
async fn client(s: &Server, username: &str) -> reqwest::Client {
    let key = (s.base.clone(), username.to_owned());
    if let Some(c) = CLIENTS.with(|m| m.borrow().get(&key).cloned()) {
        return c;
    }
    let (c, _) = login(s, username).await;
    CLIENTS.with(|m| m.borrow_mut().insert(key, c.clone()));
    c
}

/// Runs `body` as `username` and expects it done.
async fn done(s: &Server, username: &str, body: Value) -> Value {
    let c = client(s, username).await;
    let (status, answer) = command(s, &c, body.clone()).await;
    assert_eq!(status, 200, "{username}: {body}\n→ {answer}");
    answer
}

/// Registers a project of 市民政局, has it planned for 2026, approved (or filed, under 50万) and under
/// construction; returns its id.
async fn under_construction(s: &Server, name: &str, investment: i64) -> String {
    let registered = done(
        s,
        "minzheng",
        json!({"do": "register_project", "with": {"name": name, "category": "business_application",
            "construction": "upgrade", "funding": "government_investment", "investment": investment}}),
    )
    .await;
    let id = registered["project"].as_str().unwrap().to_owned();
    done(s, "minzheng", json!({"do": "propose_for_plan", "with": {"project": id, "year": 2026}})).await;
    done(s, "bureau", json!({"do": "review_plan", "with": {"year": 2026}})).await;
    done(s, "government", json!({"do": "approve_plan", "with": {"year": 2026}})).await;
    if investment < 500_000 {
        done(s, "minzheng", json!({"do": "file_record", "with": {"project": id}})).await;
    } else {
        done(
            s,
            "minzheng",
            json!({"do": "submit_stage", "with": {"project": id, "stage": "implementation_plan",
                "design_depth_sufficient": true, "investment": investment, "preparer": "consulting_credit",
                "documents": ["information_sharing_analysis", "cryptography_plan", "secure_reliable_statement"]}}),
        )
        .await;
        done(
            s,
            "bureau",
            json!({"do": "commission_review", "with": {"project": id, "consultant": "武汉某工程咨询公司"}}),
        )
        .await;
        done(
            s,
            "consultant",
            json!({"do": "submit_evaluation", "with": {"project": id, "opinions": ["information_sharing", "cryptography"],
                "recommended_investment": investment}}),
        )
        .await;
        done(
            s,
            "bureau",
            json!({"do": "approve_stage", "with": {"project": id, "approved_investment": investment,
                "opinions": ["information_sharing", "cryptography"]}}),
        )
        .await;
    }
    done(
        s,
        "minzheng",
        json!({"do": "appoint_team", "with": {"project": id, "agency": "市民政局信息中心", "leader": "张三"}}),
    )
    .await;
    let started = done(s, "minzheng", json!({"do": "start_construction", "with": {"project": id}})).await;
    assert_eq!(started["outcome"], "done", "{started}");
    id
}

async fn get_html(s: &Server, username: &str, path: &str) -> String {
    let c = client(s, username).await;
    let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{username} GET {path}");
    r.text().await.unwrap()
}

/// The rows of the 待我办理 table of `username`'s 工作台 that concern project `id`.
async fn workbench_rows(s: &Server, username: &str, id: &str) -> Vec<String> {
    let html = get_html(s, username, "/").await;
    let start = html.find(r#"id="todo""#).expect("the workbench has its 待我办理 table");
    let end = html[start..].find("</table>").map_or(html.len(), |e| start + e);
    html[start..end].split("<tr>").filter(|row| row.contains(&format!("/projects/{id}\""))).map(str::to_owned).collect()
}

/// Whether `username`'s 工作台 offers `action` on project `id` (the page's 办理 link and label, and the same item
/// on `GET /api/v1/workbench`).
async fn on_workbench(s: &Server, username: &str, id: &str, action: &str, label: &str) -> bool {
    let rows = workbench_rows(s, username, id).await;
    let link = format!("/projects/{id}/act/{action}\"");
    let on_page = rows.iter().any(|r| r.contains(&link));
    if on_page {
        let row = rows.iter().find(|r| r.contains(&link)).unwrap();
        assert!(row.contains(label), "the row of {action} reads: {row}");
    }
    let c = client(s, username).await;
    let bench: Value = c.get(format!("{}/api/v1/workbench", s.base)).send().await.unwrap().json().await.unwrap();
    let in_api = bench["todo"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["project"] == id && w["action"] == action && w["action_label"] == label);
    assert_eq!(on_page, in_api, "{username}: the page and the API disagree about {action} on {id}: {bench}");
    on_page
}

/// The `<tr>` of rectification `number` on the project page.
fn rectification_row(html: &str, number: u32) -> String {
    let start =
        html.find(&format!(r#"data-number="{number}""#)).unwrap_or_else(|| panic!("no order #{number}: {html}"));
    let end = html[start..].find("</tr>").map_or(html.len(), |e| start + e);
    html[start..end].to_owned()
}

#[tokio::test]
async fn a_report_waits_on_the_ordering_departments_workbench_and_the_page_shows_who_verified_it() {
    let s = spawn().await;
    add_supervisors(&s).await;
    let id = under_construction(&s, "社区养老服务小程序", 300_000).await;
    let verify = ("verify_rectification", "核查整改情况");

    done(
        &s,
        "audit",
        json!({"do": "order_rectification", "with": {"project": id, "area": "funds",
            "finding": "工程款超合同约定支付", "due": "2026-03-31"}}),
    )
    .await;
    // Ordered, not reported: nothing to verify yet.
    assert!(!on_workbench(&s, "audit", &id, verify.0, verify.1).await);
    let html = get_html(&s, "audit", &format!("/projects/{id}")).await;
    let row = rectification_row(&html, 1);
    assert!(row.contains(r#"data-state="open""#) && row.contains("待整改") && row.contains("市审计局"), "{row}");
    assert!(on_workbench(&s, "minzheng", &id, "report_rectified", "报告整改完成").await);

    done(&s, "minzheng", json!({"do": "report_rectified", "with": {"project": id}})).await;
    // The report waits for the department that ordered it (and the bureau), not for another supervisor.
    assert!(on_workbench(&s, "audit", &id, verify.0, verify.1).await, "audit's workbench lacks the verification");
    assert!(on_workbench(&s, "bureau", &id, verify.0, verify.1).await, "the bureau's workbench lacks it");
    assert!(!on_workbench(&s, "cyberspace", &id, verify.0, verify.1).await, "cyberspace office is offered it");
    assert!(!on_workbench(&s, "minzheng", &id, verify.0, verify.1).await, "the owner is offered it");
    assert!(!workbench_rows(&s, "cyberspace", &id).await.iter().any(|r| r.contains("核查整改情况")));
    let cyberspace = client(&s, "cyberspace").await;
    let (status, answer) =
        command(&s, &cyberspace, json!({"do": "verify_rectification", "with": {"project": id, "result": "passed"}}))
            .await;
    assert_eq!(status, 403, "cyberspace office may not verify audit's order: {answer}");
    let html = get_html(&s, "audit", &format!("/projects/{id}")).await;
    let row = rectification_row(&html, 1);
    assert!(row.contains(r#"data-state="reported""#) && row.contains("已报告待核查"), "{row}");
    assert!(row.contains(&format!("{TODAY} 报告整改")), "{row}");
    assert!(row.contains("待市审计局或市政务服务和大数据管理局核查"), "{row}");

    done(
        &s,
        "audit",
        json!({"do": "verify_rectification", "with": {"project": id, "result": "failed", "finding": "超付款项未追回"}}),
    )
    .await;
    assert!(!on_workbench(&s, "audit", &id, verify.0, verify.1).await, "a verified report is still offered");
    assert!(on_workbench(&s, "minzheng", &id, "report_rectified", "报告整改完成").await);
    let html = get_html(&s, "minzheng", &format!("/projects/{id}")).await;
    let row = rectification_row(&html, 1);
    assert!(row.contains(r#"data-state="failed""#) && row.contains("核查不合格待重新整改"), "{row}");
    assert!(row.contains(&format!("市审计局于{TODAY}核查:整改后仍不符合要求")), "{row}");
    assert!(row.contains("仍不符合要求之处:超付款项未追回") && row.contains("累计核查不合格1次"), "{row}");

    done(&s, "minzheng", json!({"do": "report_rectified", "with": {"project": id}})).await;
    assert!(on_workbench(&s, "audit", &id, verify.0, verify.1).await, "the second report is not offered");
    done(&s, "audit", json!({"do": "verify_rectification", "with": {"project": id, "result": "passed"}})).await;
    let html = get_html(&s, "bureau", &format!("/projects/{id}")).await;
    let row = rectification_row(&html, 1);
    assert!(row.contains(r#"data-state="closed""#) && row.contains("已核查合格"), "{row}");
    assert!(row.contains(&format!("市审计局于{TODAY}核查:整改合格")) && row.contains("累计核查不合格1次"), "{row}");
    assert!(!on_workbench(&s, "audit", &id, verify.0, verify.1).await);
    assert!(!on_workbench(&s, "bureau", &id, verify.0, verify.1).await);

    // The 监督整改 page names the same states.
    let html = get_html(&s, "audit", "/supervision").await;
    assert!(html.contains(r#"data-state="closed""#) && html.contains("已核查合格"), "{html}");
}

#[tokio::test]
async fn an_adjustment_waiting_for_reapproval_is_on_the_approvers_workbench_and_the_project_page() {
    let s = spawn().await;
    let id = under_construction(&s, "养老服务信息系统升级", 28_000_000).await;
    let approve = ("approve_adjustment", "批准调整(重新审批)");
    assert!(!on_workbench(&s, "bureau", &id, approve.0, approve.1).await);
    let html = get_html(&s, "minzheng", &format!("/projects/{id}")).await;
    assert!(!html.contains(r#"id="pending-adjustment""#), "a pending adjustment shown before any request");

    // 2800万 → 3000万 goes beyond the estimate: re-approval by the bureau, then by the government [15][19].
    let answer = done(
        &s,
        "minzheng",
        json!({"do": "request_adjustment", "with": {"project": id, "amount": 2_000_000, "reason": "business_development",
            "within_estimate": false}}),
    )
    .await;
    assert_eq!(answer["outcome"], "done", "{answer}");
    assert!(on_workbench(&s, "bureau", &id, approve.0, approve.1).await, "the bureau's workbench lacks it");
    assert!(!on_workbench(&s, "minzheng", &id, approve.0, approve.1).await, "the owner is offered it");
    assert!(!on_workbench(&s, "government", &id, approve.0, approve.1).await, "the government is offered it");
    assert!(
        !workbench_rows(&s, "bureau", &id).await.iter().any(|r| r.contains("/act/reject_adjustment")),
        "rejecting is a power, not a duty of its own on the workbench"
    );

    let html = get_html(&s, "minzheng", &format!("/projects/{id}")).await;
    let shown = card(&html, "pending-adjustment");
    assert!(shown.contains(r#"data-awaiting-government="false""#), "{shown}");
    for wanted in ["待批调整", "200.00万元", "业务发展需要", TODAY, "须重新报批,待市政务服务和大数据管理局批准"]
    {
        assert!(shown.contains(wanted), "the card lacks {wanted}: {shown}");
    }

    done(&s, "bureau", json!({"do": "approve_adjustment", "with": {"project": id, "approved_investment": "3000万"}}))
        .await;
    assert!(!on_workbench(&s, "bureau", &id, approve.0, approve.1).await, "an approved change is still offered");
    assert!(on_workbench(&s, "government", &id, "government_approve", "市人民政府批准").await);
    let html = get_html(&s, "bureau", &format!("/projects/{id}")).await;
    let shown = card(&html, "pending-adjustment");
    assert!(shown.contains(r#"data-awaiting-government="true""#), "{shown}");
    assert!(shown.contains("市政务服务和大数据管理局已批准调整后核定投资3000.00万元,待市人民政府批准"), "{shown}");

    done(&s, "government", json!({"do": "government_approve", "with": {"project": id}})).await;
    let html = get_html(&s, "bureau", &format!("/projects/{id}")).await;
    assert!(!html.contains(r#"id="pending-adjustment""#), "the card stays after the government's approval");
    assert!(html.contains("<dt>核定投资</dt><dd>3000.00万元</dd>"), "{html}");
}

/// The `<section>` `id` of a page.
fn card(html: &str, id: &str) -> String {
    let start = html.find(&format!(r#"id="{id}""#)).unwrap_or_else(|| panic!("no #{id} on the page: {html}"));
    let end = html[start..].find("</section>").map_or(html.len(), |e| start + e);
    html[start..end].to_owned()
}

/// The value of the fact `key` on a project page, if shown.
fn fact(html: &str, key: &str) -> Option<String> {
    let start = html.find(&format!("<dt>{key}</dt><dd>"))? + format!("<dt>{key}</dt><dd>").len();
    let end = html[start..].find("</dd>")? + start;
    Some(html[start..end].to_owned())
}

#[tokio::test]
async fn the_demo_city_shows_filings_with_the_bureau_and_surpluses_on_its_project_pages() {
    let s = spawn_demo().await;
    let (bureau, _) = login_with(&s, "bureau", govit_app::demo::DEMO_PASSWORD).await;
    let actor = Actor {
        role: Role::Bureau,
        organization: OrgName::parse("市政务服务和大数据管理局").unwrap(),
        jurisdiction: JurisdictionId::parse("wuhan").unwrap(),
        person: None,
    };
    let projects = s.app.visible_projects(&actor).await.unwrap();
    let page = |id: String| {
        let bureau = bureau.clone();
        let base = s.base.clone();
        async move { bureau.get(format!("{base}/projects/{id}")).send().await.unwrap().text().await.unwrap() }
    };

    let mut industry = 0;
    let mut accepted = 0;
    for p in &projects {
        let route = s.app.project_view(&p.id, TODAY_DEMO.parse().unwrap()).await.unwrap().route;
        let checks_route = route == Route::IndustryAuthorityApproval;
        let checks_surplus = p.accepted_on.is_some();
        if !checks_route && !checks_surplus {
            continue;
        }
        let html = page(p.id.to_string()).await;
        let filed = fact(&html, "备案情况");
        if checks_route {
            industry += 1;
            let filed = filed.unwrap_or_else(|| panic!("{}: no 备案情况 on the industry-authority route", p.id));
            if p.filed_with_bureau {
                assert!(
                    filed.contains("向市政务服务和大数据管理局备案") && filed.starts_with("已"),
                    "{}: {filed}",
                    p.id
                );
            } else {
                assert!(filed.starts_with("未向市政务服务和大数据管理局备案"), "{}: {filed}", p.id);
            }
        } else {
            assert!(filed.is_none(), "{}: 备案情况 shown off the industry-authority route", p.id);
        }
        let surplus = fact(&html, "结余资金");
        if checks_surplus {
            accepted += 1;
            let surplus = surplus.unwrap_or_else(|| panic!("{}: accepted, but no 结余资金", p.id));
            match p.surplus_returned {
                Some((_, on)) => assert!(surplus.starts_with(&format!("已于{on}退回结余资金")), "{}: {surplus}", p.id),
                None if p.surplus() > govit_rules::Money::ZERO => {
                    assert!(surplus.contains("待退回"), "{}: {surplus}", p.id);
                }
                None => assert_eq!(surplus, "无结余", "{}", p.id),
            }
        } else {
            assert!(surplus.is_none(), "{}: 结余资金 shown before acceptance", p.id);
        }
    }
    assert!(industry > 0, "the demo city has no project on the industry-authority route");
    assert!(accepted > 0, "the demo city has no accepted project");
}

/// The demo city's last day, the server's today.
const TODAY_DEMO: &str = "2026-11-29";
