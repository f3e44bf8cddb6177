//! HTTP tests against a real server on port 0: login, pages, forms, the API, refusals, safety.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{PASSWORD, client, command, login, spawn};
use serde_json::json;

fn register(name: &str, investment: i64) -> serde_json::Value {
    json!({ "do": "register_project", "with": { "name": name, "category": "business_application",
        "construction": "upgrade", "funding": "government_investment", "investment": investment } })
}

#[tokio::test]
async fn a_page_without_a_session_redirects_to_login() {
    let s = spawn().await;
    let r = client().get(format!("{}/", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
}

#[tokio::test]
async fn logins_and_account_changes_are_recorded_in_the_audit_chain() {
    let s = spawn().await;
    let bad = client()
        .post(format!("{}/login", s.base))
        .form(&[("username", "minzheng"), ("password", "Wrong-password-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let (c, csrf) = login(&s, "minzheng").await;
    c.post(format!("{}/logout", s.base)).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    let kinds: Vec<String> =
        s.app.store().security_events(100).await.unwrap().into_iter().map(|(_, _, r)| r.kind).collect();
    assert_eq!(&kinds[..3], ["logout", "login_succeeded", "login_failed"], "{kinds:?}");
    assert!(kinds.contains(&"user_created".to_owned()) && kinds.contains(&"organization_created".to_owned()));
    assert!(s.app.store().verify_chain().await.unwrap().first_break.is_none());
}

#[tokio::test]
async fn a_wrong_password_is_refused_in_chinese() {
    let s = spawn().await;
    let r = client()
        .post(format!("{}/login", s.base))
        .form(&[("username", "minzheng"), ("password", "wrong-password-1A")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
}

#[tokio::test]
async fn logging_in_through_the_form_sets_an_http_only_strict_cookie() {
    let s = spawn().await;
    let c = client();
    let r = c
        .post(format!("{}/login", s.base))
        .form(&[("username", "minzheng"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let page = c.get(format!("{}/", s.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("工作台") && html.contains("市民政局"));
}

#[tokio::test]
async fn an_owner_registers_through_the_api_and_sees_the_project() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let (status, body) = command(&s, &c, register("养老服务信息系统升级", 1_200_000)).await;
    assert_eq!(status, 200, "{body}");
    let id = body["project"].as_str().unwrap().to_owned();
    let view: serde_json::Value =
        c.get(format!("{}/api/v1/projects/{id}", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(view["status"], "registered");
    assert_eq!(view["route"], "approval");
    assert_eq!(view["project"]["owner"]["name"], "市民政局");
    let html = c.get(format!("{}/projects/{id}", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("养老服务信息系统升级") && html.contains("已登记"));
}

/// Issue 15, the exact attack: an organ (市民政局, party_government_organ on record) registered a 500万
/// project as a "school" building for its own use, and was routed away from the bureau [2][9].
#[tokio::test]
async fn an_owner_that_claims_another_kind_than_its_record_is_refused_422_and_nothing_is_stored() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let before = s.app.store().event_count().await.unwrap();
    let attack = json!({ "do": "register_project", "with": {
        "name": "自称学校的自建自用系统", "owner": { "name": "市民政局", "kind": "school" },
        "category": "business_application", "construction": "new", "funding": "government_investment",
        "investment": "500万", "self_built_self_used": true } });
    let (status, err) = command(&s, &c, attack).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["field"], "owner.kind");
    assert!(err["message"].as_str().unwrap().contains("市级党政机关"), "{err}");
    // Another owner's name, or another jurisdiction, is refused the same way.
    let (status, err) = command(
        &s,
        &c,
        json!({ "do": "register_project", "with": {
        "name": "冒名登记", "owner": { "name": "市教育局", "kind": "party_government_organ" },
        "category": "business_application", "construction": "new", "funding": "government_investment",
        "investment": 800_000 } }),
    )
    .await;
    assert_eq!((status, err["field"].as_str()), (422, Some("owner.name")), "{err}");
    assert_eq!(s.app.store().event_count().await.unwrap(), before, "nothing stored");
    // Without the claim, the same organ registers on the bureau's route; the self-built route is refused [9].
    let honest = json!({ "do": "register_project", "with": {
        "name": "自建自用系统", "category": "business_application", "construction": "new",
        "funding": "government_investment", "investment": "500万", "self_built_self_used": true } });
    let (status, err) = command(&s, &c, honest).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["code"], "refused");
    assert!(err["articles"].as_array().unwrap().iter().any(|a| a == 9), "{err}");
}

#[tokio::test]
async fn another_owner_cannot_see_or_act_on_the_project() {
    let s = spawn().await;
    let (owner, _) = login(&s, "minzheng").await;
    let (_, body) = command(&s, &owner, register("某系统", 800_000)).await;
    let id = body["project"].as_str().unwrap().to_owned();
    let (other, _) = login(&s, "jiaoyu").await;
    let r = other.get(format!("{}/api/v1/projects/{id}", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let page = other.get(format!("{}/projects/{id}", s.base)).send().await.unwrap();
    assert_eq!(page.status(), 404);
    let list: serde_json::Value =
        other.get(format!("{}/api/v1/projects", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["total"], 0);
    let (status, err) =
        command(&s, &other, json!({ "do": "propose_for_plan", "with": { "project": id, "year": 2026 } })).await;
    assert_eq!(status, 404, "acting answers as reading does: {err}");
    assert_eq!(err["code"], "not_found");
    assert!(!err.to_string().contains("市民政局") && !err.to_string().contains("某系统"), "{err}");
}

#[tokio::test]
async fn a_shared_plan_in_a_timeline_names_only_the_projects_the_reader_may_see() {
    let s = spawn().await;
    let mut ids = Vec::new();
    for (user, name) in [("minzheng", "养老服务平台"), ("jiaoyu", "教育数据平台")] {
        let (c, _) = login(&s, user).await;
        let (status, done) = command(&s, &c, register(name, 800_000)).await;
        assert_eq!(status, 200, "{done}");
        let id = done["project"].as_str().unwrap().to_owned();
        let (status, done) =
            command(&s, &c, json!({ "do": "propose_for_plan", "with": { "project": id, "year": 2026 } })).await;
        assert_eq!(status, 200, "{done}");
        ids.push(id);
    }
    let (bureau, _) = login(&s, "bureau").await;
    let (status, done) = command(&s, &bureau, json!({"do": "review_plan", "with": {"year": 2026}})).await;
    assert_eq!(status, 200, "{done}");

    let (minzheng, _) = login(&s, "minzheng").await;
    let timeline = minzheng.get(format!("{}/api/v1/projects/{}/timeline", s.base, ids[0])).send().await.unwrap();
    let timeline = timeline.text().await.unwrap();
    assert!(timeline.contains("plan_reviewed") && timeline.contains(&ids[0]), "{timeline}");
    assert!(!timeline.contains(&ids[1]), "another organisation's project number is not disclosed: {timeline}");
    let page = minzheng.get(format!("{}/projects/{}", s.base, ids[0])).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(&ids[1]), "nor on the page");
    let seen_by_bureau = bureau.get(format!("{}/api/v1/projects/{}/timeline", s.base, ids[0])).send().await.unwrap();
    assert!(seen_by_bureau.text().await.unwrap().contains(&ids[1]), "the bureau, which sees both, reads both");
}

#[tokio::test]
async fn a_refusal_is_422_with_its_articles() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let (_, body) = command(&s, &c, register("某系统", 800_000)).await;
    let id = body["project"].as_str().unwrap();
    let (status, err) = command(&s, &c, json!({ "do": "file_record", "with": { "project": id } })).await;
    assert_eq!(status, 422);
    assert_eq!(err["code"], "refused");
    let articles: Vec<i64> = err["articles"].as_array().unwrap().iter().map(|a| a.as_i64().unwrap()).collect();
    assert!(articles.contains(&7), "{err}");
}

#[tokio::test]
async fn bad_input_names_the_field_in_chinese_and_changes_nothing() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let before = s.app.store().event_count().await.unwrap();
    let (status, err) = command(&s, &c, register("某系统", -5)).await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["field"], "investment");
    assert!(err["message"].as_str().unwrap().contains("负数"));
    let (status, err) = command(&s, &c, json!({ "do": "fly", "with": {} })).await;
    assert_eq!(status, 400, "{err}");
    let r = c.post(format!("{}/api/v1/commands", s.base)).body("not json").send().await.unwrap();
    assert_eq!(r.status(), 415);
    assert_eq!(s.app.store().event_count().await.unwrap(), before);
}

#[tokio::test]
async fn a_retried_command_with_the_same_request_id_is_done_once() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let mut body = register("某系统", 800_000);
    body["request_id"] = json!("client-42");
    let (_, first) = command(&s, &c, body.clone()).await;
    let (_, second) = command(&s, &c, body).await;
    assert_eq!(first["project"], second["project"]);
    assert_eq!(second["replayed"], true);
    assert_eq!(s.app.store().decision_count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_cross_site_form_post_is_rejected() {
    let s = spawn().await;
    let (c, csrf) = login(&s, "minzheng").await;
    let r = c
        .post(format!("{}/projects/new", s.base))
        .header("Origin", "http://evil.example")
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("_csrf", csrf.as_str()), ("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c.post(format!("{}/projects/new", s.base)).form(&[("_csrf", "wrong"), ("name", "x")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(s.app.store().decision_count().await.unwrap(), 0);
}

#[tokio::test]
async fn the_registration_form_shows_field_errors_and_then_registers() {
    let s = spawn().await;
    let (c, csrf) = login(&s, "minzheng").await;
    let r = c
        .post(format!("{}/projects/new", s.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "智慧养老平台"),
            ("category", "business_application"),
            ("construction", "new"),
            ("funding", "government_investment"),
            ("investment", "十万"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("error-investment") && html.contains("金额"), "{html}");
    let r = c
        .post(format!("{}/projects/new", s.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "智慧养老平台"),
            ("category", "business_application"),
            ("construction", "new"),
            ("funding", "government_investment"),
            ("investment", "120万"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let html = c.get(format!("{}{location}", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("已办理:登记项目") && html.contains("120.00万元"), "{html}");
}

#[tokio::test]
async fn a_refused_form_quotes_the_articles_text() {
    let s = spawn().await;
    let (c, csrf) = login(&s, "minzheng").await;
    let (_, body) = command(&s, &c, register("某系统", 300_000)).await;
    let id = body["project"].as_str().unwrap();
    let r = c
        .post(format!("{}/projects/{id}/act/file_record", s.base))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("第七条") && html.contains("未列入计划的项目不得申请立项"), "{html}");
}

#[tokio::test]
async fn security_headers_are_set_on_every_page() {
    let s = spawn().await;
    let r = client().get(format!("{}/login", s.base)).send().await.unwrap();
    let h = r.headers();
    assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(!h["content-security-policy"].to_str().unwrap().contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.contains_key("referrer-policy"));
}

#[tokio::test]
async fn pages_contain_no_inline_scripts() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    for path in ["/", "/projects", "/projects/new", "/plans", "/supervision"] {
        let html = c.get(format!("{}{path}", s.base)).send().await.unwrap().text().await.unwrap();
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..html[i..].find('>').map_or(html.len(), |e| i + e)];
            assert!(tag.contains("src=") || tag.contains("application/json"), "{path}: inline script {tag}");
        }
        assert!(!html.contains(" style=\""), "{path}: inline style");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    let big = "x".repeat(govit_web::BODY_LIMIT + 1);
    let r = c
        .post(format!("{}/api/v1/commands", s.base))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}

#[tokio::test]
async fn the_openapi_document_describes_every_action() {
    let s = spawn().await;
    let doc: serde_json::Value =
        client().get(format!("{}/api/v1/openapi.json", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let variants = doc["components"]["schemas"]["Command"]["oneOf"].as_array().unwrap();
    assert_eq!(variants.len(), govit_rules::command::Action::ALL.len());
    let docs = client().get(format!("{}/api/v1/docs", s.base)).send().await.unwrap();
    assert_eq!(docs.status(), 200);
}

async fn user_id(s: &common::Server, username: &str) -> i64 {
    s.app.store().user_by_username(username).await.unwrap().unwrap().id
}

async fn roles_of(s: &common::Server, username: &str) -> Vec<String> {
    s.app.store().user_by_username(username).await.unwrap().unwrap().roles
}

#[tokio::test]
async fn the_system_administrator_opens_an_account_and_only_the_security_administrator_gives_it_a_role() {
    let s = spawn().await;
    let (admin, csrf) = login(&s, "admin").await;
    let new_user = [
        ("_csrf", csrf.as_str()),
        ("username", "newbie"),
        ("display_name", "新用户"),
        ("organization", "市民政局"),
        ("password", "Fresh@Pass-2026x"),
    ];
    let r = admin.post(format!("{}/admin/users", s.base)).form(&new_user).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let newbie = json!({ "username": "newbie", "password": "Fresh@Pass-2026x" });
    let r = client().post(format!("{}/api/v1/session", s.base)).json(&newbie).send().await.unwrap();
    assert_eq!(r.status(), 401, "an account without a role opens no session");
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["message"], govit_app::accounts::NO_ROLE_YET);

    let id = user_id(&s, "newbie").await;
    let grant = |csrf: &str, role: &str| vec![("_csrf", csrf.to_owned()), ("roles", role.to_owned())];
    let r = admin.post(format!("{}/admin/users/{id}/roles", s.base)).form(&grant(&csrf, "owner")).send().await.unwrap();
    assert_eq!(r.status(), 403, "the system administrator grants no role");
    let (security, security_csrf) = login(&s, "secadmin").await;
    let r = security
        .post(format!("{}/admin/users/{id}/roles", s.base))
        .form(&grant(&security_csrf, "owner"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = client().post(format!("{}/api/v1/session", s.base)).json(&newbie).send().await.unwrap();
    assert_eq!(r.status(), 200);

    let weak = [new_user[0], ("username", "weak"), new_user[2], new_user[3], ("password", "short")];
    let r = admin.post(format!("{}/admin/users", s.base)).form(&weak).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("密码至少12个字符"));
    let (owner, _) = login(&s, "minzheng").await;
    assert_eq!(owner.get(format!("{}/admin/users", s.base)).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn no_administrator_can_make_itself_or_anyone_an_approver_outside_the_rules() {
    let s = spawn().await;
    let (admin, admin_csrf) = login(&s, "admin").await;
    let (security, csrf) = login(&s, "secadmin").await;
    let before: Vec<Vec<String>> = roles_of_all(&s, &["admin", "secadmin", "auditadmin", "minzheng", "bureau"]).await;
    let post = |c: &reqwest::Client, csrf: &str, user: i64, roles: &[&str]| {
        let mut form = vec![("_csrf", csrf.to_owned())];
        form.extend(roles.iter().map(|r| ("roles", (*r).to_owned())));
        c.post(format!("{}/admin/users/{user}/roles", s.base)).form(&form).send()
    };
    // The system administrator tries to make itself the bureau's approver.
    let r = post(&admin, &admin_csrf, user_id(&s, "admin").await, &["bureau"]).await.unwrap();
    assert_eq!(r.status(), 403);
    // The security administrator tries to give itself a deciding role: never on its own account.
    let r = post(&security, &csrf, user_id(&s, "secadmin").await, &["bureau"]).await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("不能变更本人账号的角色"));
    // ... nor to the system administrator, keeping its administrator's role (三员分立).
    let r = post(&security, &csrf, user_id(&s, "admin").await, &["admin", "bureau"]).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("三员分立"));
    // An owner of 市民政局 made the government: the role fits no organisation but a people's government.
    let r = post(&security, &csrf, user_id(&s, "minzheng").await, &["government"]).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("不能授予“人民政府”角色"));
    // A role code that does not exist is bad input, not silently dropped.
    let r = post(&security, &csrf, user_id(&s, "minzheng").await, &["owner", "king"]).await.unwrap();
    assert_eq!(r.status(), 422);
    let after = roles_of_all(&s, &["admin", "secadmin", "auditadmin", "minzheng", "bureau"]).await;
    assert_eq!(after, before, "no role changed");

    // The audit administrator reads who granted which role and who tried, and can change nothing; no one else
    // reads the log.
    let (auditor, auditor_csrf) = login(&s, "auditadmin").await;
    let page = auditor.get(format!("{}/admin/audit", s.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("授予角色") && html.contains("secadmin用户"), "the grants name the administrator");
    assert!(html.contains("授予角色被拒") && html.contains("越权管理被拒"), "and so do the attempts refused");
    let r = post(&auditor, &auditor_csrf, user_id(&s, "minzheng").await, &["owner"]).await.unwrap();
    assert_eq!(r.status(), 403);
    for other in [&admin, &security] {
        assert_eq!(other.get(format!("{}/admin/audit", s.base)).send().await.unwrap().status(), 403);
    }
}

async fn roles_of_all(s: &common::Server, users: &[&str]) -> Vec<Vec<String>> {
    let mut roles = Vec::new();
    for u in users {
        roles.push(roles_of(s, u).await);
    }
    roles
}

#[tokio::test]
async fn the_dashboard_embeds_six_charts_and_serves_their_data() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    command(&s, &c, register("看板测试项目", 1_200_000)).await;
    let html = c.get(format!("{}/dashboard", s.base)).send().await.unwrap().text().await.unwrap();
    assert_eq!(html.matches("data-chart=").count(), 7, "{html}");
    assert_eq!(html.matches("type=\"application/json\"").count(), 7);
    let data: serde_json::Value =
        c.get(format!("{}/api/v1/dashboard", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(data["projects"], 1);
    for key in ["department", "category", "status", "funnel", "overdue", "red-cards", "trend"] {
        assert!(data["charts"][key].is_object(), "{key}: {data}");
    }
}

#[tokio::test]
async fn the_public_page_lists_only_approved_projects_without_login() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    command(&s, &c, register("尚未批复的项目", 1_200_000)).await;
    let anonymous = client();
    let page = anonymous.get(format!("{}/public", s.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("政务信息化项目公开") && !html.contains("尚未批复的项目"), "{html}");
    let before = anonymous.get(format!("{}/public/projects.csv", s.base)).send().await.unwrap();
    assert_eq!(before.status(), 404, "nothing is published before the first data set is cut");
    common::publish_open_data(&s.app, &Default::default()).await;
    let csv = anonymous.get(format!("{}/public/projects.csv", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(csv.starts_with('\u{feff}') && csv.contains("项目编号,项目名称") && !csv.contains("尚未批复"), "{csv}");
    let json: serde_json::Value =
        anonymous.get(format!("{}/api/v1/open-data", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!((json["total"].as_u64(), json["rows"].as_array().map(Vec::len)), (Some(0), Some(0)), "{json}");
}

#[tokio::test]
async fn the_plan_the_project_list_and_the_template_download_as_xlsx() {
    let s = spawn().await;
    let (c, _) = login(&s, "minzheng").await;
    command(&s, &c, register("导出测试项目", 1_200_000)).await;
    for path in
        ["/plans/export.xlsx?jurisdiction=wuhan&year=2026", "/projects/export.xlsx", "/plans/template.xlsx?year=2027"]
    {
        let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"), "{path}");
        assert!(r.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"), "{path}");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "{path}: not an xlsx");
    }
    assert_eq!(client().get(format!("{}/projects/export.xlsx", s.base)).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn a_forged_api_request_without_the_csrf_token_is_refused_and_changes_nothing() {
    let s = spawn().await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let cookie_only = common::session_client(&jar, None);
    let r = cookie_only
        .post(format!("{}/api/v1/session", s.base))
        .json(&json!({ "username": "minzheng", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let csrf = r.json::<serde_json::Value>().await.unwrap()["csrf"].as_str().unwrap().to_owned();
    // What another site's form or script can make the browser send: the cookie, not the token.
    let r = cookie_only.get(format!("{}/api/v1/me", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200, "reading needs no token");
    let before = s.app.store().event_count().await.unwrap();
    let (status, body) = command(&s, &cookie_only, register("伪造请求项目", 1_200_000)).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("X-CSRF-Token"), "{body}");
    let wrong = common::session_client(&jar, Some(&"0".repeat(64)));
    assert_eq!(command(&s, &wrong, register("伪造请求项目", 1_200_000)).await.0, 403);
    let r =
        cookie_only.post(format!("{}/api/v1/me/email", s.base)).json(&json!({ "email": null })).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(s.app.store().event_count().await.unwrap(), before, "nothing was written");
    let right = common::session_client(&jar, Some(&csrf));
    assert_eq!(command(&s, &right, register("真实请求项目", 1_200_000)).await.0, 200);
}

#[tokio::test]
async fn a_load_balancer_asks_whether_a_node_lives_and_whether_it_reaches_its_database() {
    let s = spawn().await;
    let get = |path: &'static str| client().get(format!("{}{path}", s.base)).send();
    let live = get("/healthz").await.unwrap();
    assert_eq!((live.status().as_u16(), live.text().await.unwrap()), (200, "ok".to_owned()));
    assert_eq!(get("/readyz").await.unwrap().status(), 200, "no session needed");
    // A server that has just started builds its project index: no requests until it is built.
    s.app.warm_index();
    loop {
        let r = get("/readyz").await.unwrap();
        let (status, body) = (r.status().as_u16(), r.text().await.unwrap());
        if status == 200 {
            assert!(!s.app.warming(), "ready only once the index is built");
            break;
        }
        assert_eq!((status, body.as_str()), (503, "building the project index"));
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    s.app.store().close().await;
    assert_eq!(get("/healthz").await.unwrap().status(), 200, "the process still answers");
    assert_eq!(get("/readyz").await.unwrap().status(), 503, "but sends no requests its way");
}

#[tokio::test]
async fn the_workbench_api_answers_a_page_of_each_list_with_the_totals_and_refuses_a_page_out_of_bounds() {
    let s = common::spawn_demo().await;
    let (c, _) = common::login_with(&s, "bureau", govit_app::demo::DEMO_PASSWORD).await;
    let get = |query: &'static str| c.get(format!("{}/api/v1/workbench{query}", s.base)).send();
    let all: serde_json::Value = get("?per_page=500").await.unwrap().json().await.unwrap();
    let overdue = all["counts"]["overdue"].as_u64().unwrap();
    assert!(overdue > 2, "the demo city has overdue items: {}", all["counts"]);
    let first: serde_json::Value = get("?per_page=2").await.unwrap().json().await.unwrap();
    assert_eq!(first["counts"], all["counts"], "the totals do not depend on the page");
    assert_eq!(first["overdue"].as_array().unwrap().len(), 2);
    assert_eq!(first["overdue"][1], all["overdue"][1], "the same order, longest overdue first");
    let second: serde_json::Value = get("?page=2&per_page=2").await.unwrap().json().await.unwrap();
    assert_eq!(second["overdue"][0], all["overdue"][2]);
    for bad in ["?page=0", "?per_page=501", "?per_page=abc", "?pages=2"] {
        let r = get(bad).await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "invalid", "{bad}");
    }
}
