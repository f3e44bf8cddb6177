//! The single sign-on routes over HTTP: `/login/sso` sends the browser to the provider with a state cookie
//! bound to it, `/login/sso/callback` accepts only that state, and a session opened there is not sent to
//! enrol govit's own second factor. The provider is real (oidc-provider, started here).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "../../app/tests/support/services.rs"]
mod services;

use govit_app::sso::Sso;
use services::OidcProvider;

#[tokio::test]
async fn without_a_provider_the_login_page_offers_no_single_sign_on_and_the_route_says_so() {
    let server = common::spawn().await;
    let c = common::client();
    let page = c.get(format!("{}/login", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("sso-login") && page.contains("id=\"password\""), "{page}");
    let r = c.get(format!("{}/login/sso", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("本系统未配置统一身份认证"));
}

#[tokio::test]
async fn a_callback_with_a_state_this_browser_was_not_given_is_refused() {
    let server = common::spawn().await;
    let r = common::client()
        .get(format!("{}/login/sso/callback?code=abc&state=forged", server.base))
        .header("cookie", "govit_sso_state=another")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("govit_session=")));
    assert!(r.text().await.unwrap().contains("登录请求与本浏览器不符或已过期,请重新登录"));
}

#[tokio::test]
async fn a_login_the_provider_refused_is_shown_on_the_login_page() {
    let server = common::spawn().await;
    let url = format!("{}/login/sso/callback?error=access_denied&error_description=End-User+aborted", server.base);
    let r = common::client().get(url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("统一身份认证未完成登录:access_denied End-User aborted"));
}

#[tokio::test]
async fn a_single_sign_on_session_is_not_sent_to_enrol_the_local_second_factor() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let redirect = format!("{base}/login/sso/callback");
    let Some(provider) = OidcProvider::start(&redirect) else { return };
    let dir = tempfile::tempdir().unwrap();
    let config = provider.config(dir.path(), &redirect);
    let sso = Sso::new(config).unwrap();
    let server = common::spawn_app_on(listener, |app| app.with_second_factor_required().with_sso(sso)).await;
    let c = common::client();

    let start = c.get(format!("{base}/login/sso")).send().await.unwrap();
    assert_eq!(start.status(), 303);
    let bound = start.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(bound.starts_with("govit_sso_state="), "{bound}");
    assert!(bound.contains("HttpOnly; SameSite=Lax; Path=/login/sso; Max-Age=600"), "{bound}");
    let to_provider = start.headers()["location"].to_str().unwrap().to_owned();
    let (code, state) = provider.log_in(&to_provider, "chen.bureau", &redirect).await;

    let back = c.get(format!("{redirect}?code={code}&state={state}")).send().await.unwrap();
    assert_eq!(back.status(), 200, "the page that moves on to / from govit's own document");
    let cookies: Vec<String> =
        back.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("govit_session=") && c.contains("SameSite=Strict")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("govit_sso_state=;") && c.contains("Max-Age=0")), "{cookies:?}");
    assert!(back.text().await.unwrap().contains(r#"<meta http-equiv="refresh" content="0;url=/">"#));

    let home = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), 200, "an approver signed on through the provider is not sent to enrol a TOTP");
    assert!(home.text().await.unwrap().contains("陈审批"));

    let (local, _) = common::login(&server, "bureau").await;
    let home = local.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), 303, "the same role logging in with a password must enrol first");
    assert_eq!(home.headers()["location"], "/account/second-factor");
}

#[tokio::test]
async fn an_account_made_by_single_sign_on_and_waiting_for_roles_is_marked_for_the_security_administrator() {
    let server = common::spawn().await;
    let store = server.app.store();
    let org = store.organization_by_name("市民政局").await.unwrap().unwrap();
    let new = govit_store::NewUser {
        username: "li.waiting",
        display_name: "李待定",
        organization_id: org.id,
        roles: &[],
        password_hash: govit_store::NO_PASSWORD,
        must_change_password: false,
    };
    let id = store.insert_user(&new, "2026-03-02T09:00:00+08:00").await.unwrap();
    store.update_user(id, &[], true).await.unwrap();
    let (admin, _) = common::login(&server, "secadmin").await;
    let page = admin.get(format!("{}/admin/users", server.base)).send().await.unwrap().text().await.unwrap();
    let row = page.split(r#"data-username="li.waiting""#).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("统一身份认证") && row.contains("待授予角色"), "{row}");
    let minzheng = page.split(r#"data-username="minzheng""#).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(!minzheng.contains("统一身份认证"), "a password account is not marked: {minzheng}");
}
