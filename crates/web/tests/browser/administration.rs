//! The three administrators' pages in Chromium (三员分立), at desktop and phone width, each checked with
//! axe-core: the 安全管理员 grants a role, the 审计管理员 reads who did it, and a decision on a project page names
//! the person who took it.

use crate::common;
use crate::harness::{Browser, ensure};
use govit_app::demo::DEMO_PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_security_administrator_grants_a_role_and_the_audit_administrator_sees_who_did() {
    let test = "the_security_administrator_grants_a_role_and_the_audit_administrator_sees_who_did";
    let server = common::spawn_demo().await;
    let Some(b) = Browser::start(test, &server.base).await else {
        return;
    };

    b.step("01-system-administrator-opens-an-account-without-a-role", async {
        b.login_with("admin", DEMO_PASSWORD).await?;
        b.goto("/admin/users").await?;
        b.fill("u-username", "zhang.new").await?;
        b.fill("u-display", "张新来").await?;
        b.choose("u-org", "市民政局").await?;
        b.fill("u-password", "Fresh@Account-2026").await?;
        b.click("#new-user button[type=submit]").await?;
        b.expect_text("table", &["zhang.new", "张新来", "待授予角色"]).await?;
        ensure(b.count(r#"form[action$="/roles"]"#).await? == 0, || "the system administrator grants no role".into())?;
        b.screenshots("01-users-as-system-administrator", "table").await?;
        b.axe("01 用户管理 as 系统管理员").await?;
        b.goto("/admin/organizations").await?;
        b.axe("01 单位管理").await?;
        b.logout().await
    })
    .await;

    b.step("02-security-administrator-grants-the-owner-role", async {
        b.login_with("secadmin", DEMO_PASSWORD).await?;
        b.goto("/admin/users").await?;
        let row = b.find(r#"tr[data-username="zhang.new"]"#).await?;
        let id = row.attr("data-id").await?.unwrap_or_default();
        let form = format!(r#"form[action="/admin/users/{id}/roles"]"#);
        b.find(&format!(r#"{form} input[name="roles"][value="owner"]"#)).await?.click().await?;
        b.click(&format!("{form} button[type=submit]")).await?;
        b.expect_text("table", &["zhang.new"]).await?;
        let checked = b.count(&format!(r#"{form} input[value="owner"]:checked"#)).await?;
        ensure(checked == 1, || "the owner's role is granted".into())?;
        b.screenshots("02-users-as-security-administrator", "table").await?;
        b.axe("02 用户管理 as 安全管理员").await?;
        b.logout().await
    })
    .await;

    b.step("03-audit-administrator-reads-who-granted-it", async {
        b.login_with("auditadmin", DEMO_PASSWORD).await?;
        b.goto("/admin/audit").await?;
        b.expect_text("table", &["授予角色", "zhang.new", "邱雅琴(安全管理员)", "开通账号", "方志远(系统管理员)"])
            .await?;
        b.screenshots("03-audit-log", "table").await?;
        b.axe("03 审计日志").await?;
        b.logout().await
    })
    .await;

    b.step("04-a-decision-names-its-person-on-the-project-page", async {
        b.login_with("bureau", DEMO_PASSWORD).await?;
        b.goto("/projects/wuhan-2025-0006").await?;
        b.expect_text("#timeline", &["刘建华(市政务服务和大数据管理局)"]).await?;
        b.axe("04 project page").await
    })
    .await;

    b.finish().await;
}
