//! Issue 8's done-when: in Chromium, a person logs in through a real OpenID provider (oidc-provider, started
//! here) with the password form switched off, lands on the workbench as the account the provider's claims
//! describe, and a deadline reminder for their organisation reaches their mailbox in a real SMTP server
//! (aiosmtpd) and their bell.

use crate::harness::{Browser, Res, ensure};
use crate::services::{OidcProvider, SmtpSink};
use govit_app::deliver::Delivery;
use govit_app::sso::Sso;
use govit_app::{App, FixedClock};
use std::sync::Arc;

const TEST: &str = "sso_login_and_reminder_mail";
const MAIL: &str = "wang.minzheng@mz.wuhan.example.org";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_logs_in_through_the_city_identity_provider_and_receives_a_reminder_mail() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let redirect = format!("{base}/login/sso/callback");
    let Some(provider) = OidcProvider::start(&redirect) else { return };
    let Some(sink) = SmtpSink::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut config = provider.config(dir.path(), &redirect);
    config.local_login = false;
    let today = "2026-11-29".parse().unwrap();
    let store = govit_store::Store::open_memory().await.unwrap();
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN).unwrap();
    let app = App::new(store, policies, Arc::new(FixedClock::at(today))).with_sso(Sso::new(config).unwrap());
    govit_app::demo::seed(&app, today).await.unwrap();
    let app = Arc::new(app);
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = app.clone();
    tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        govit_web::serve_with(served, govit_web::WebOptions::default(), listener, shutdown).await.unwrap();
    });
    let Some(b) = Browser::start(TEST, &base).await else { return };

    b.step("the login page offers single sign-on only", async {
        b.goto("/login").await?;
        b.expect_text("#sso-login", &["使用武汉市统一身份认证平台登录"]).await?;
        ensure(b.count("#password").await? == 0, || "the password form is switched off".to_owned())
    })
    .await;
    b.step("the provider's own login page asks who it is", async {
        b.click("#sso-login").await?;
        let url = b.client.current_url().await?;
        ensure(url.as_str().starts_with(&provider.issuer), || format!("at the provider: {url}"))?;
        b.find(r#"input[name="login"]"#).await?.send_keys("wang.minzheng").await?;
        b.find(r#"input[name="password"]"#).await?.send_keys("any password").await?;
        Ok(())
    })
    .await;
    b.step("back at govit, logged in as the account the claims describe", async {
        b.click(r#"button[type="submit"]"#).await?;
        b.find("#logout").await?;
        ensure(b.path().await? == "/", || "the workbench after single sign-on".to_owned())?;
        b.expect_text(".topbar", &["王民政"]).await
    })
    .await;
    let user = app.store().user_by_username("wang.minzheng").await.unwrap().unwrap();
    assert_eq!(user.email.as_deref(), Some(MAIL), "the mail address came from the provider's claims");

    let delivery =
        Delivery::default().with_mail(&format!("smtp://127.0.0.1:{}", sink.port), "govit@example.org", None).unwrap();
    let report = app.remind(today, &delivery).await.unwrap();
    assert!(report.failures.is_empty() && report.mails > 0, "{report:?}");
    let mails = sink.messages(report.mails);
    let theirs: Vec<_> = mails.iter().filter(|m| m["rcpt_to"].as_array().unwrap().iter().any(|r| r == MAIL)).collect();
    assert!(!theirs.is_empty(), "a reminder reached {MAIL}: {mails:?}");
    let subject = theirs[0]["subject"].as_str().unwrap();
    assert!(subject.starts_with('【'), "{subject}");
    assert!(theirs[0]["body"].as_str().unwrap().contains("《武汉市政务信息化项目建设管理办法》第"));

    b.step("the same reminder is in the bell", async { in_the_bell(&b, subject).await }).await;
    b.finish().await;
}

async fn in_the_bell(b: &Browser, subject: &str) -> Res {
    b.goto("/notifications").await?;
    let title = subject.split_whitespace().next().unwrap_or(subject);
    b.expect_text("main", &[title]).await
}
