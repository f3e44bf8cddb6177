//! Login, logout and switching the role one acts in.

use crate::AppState;
use crate::client::Client;
use crate::error::{WebError, render, shown};
use crate::forms::Submitted;
use crate::session::{Posted, clear_cookie, cookie, cookie_in};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use govit_rules::Role;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    username: String,
    /// The single sign-on button's words, when a provider is configured.
    sso: Option<String>,
    local: bool,
}

impl LoginPage {
    fn new(state: &AppState, error: Option<String>, username: String) -> LoginPage {
        let sso = state.app.sso_config().map(|c| c.label.clone());
        LoginPage { error, username, sso, local: state.app.local_login() }
    }
}

/// After single sign-on the browser arrives from the provider's site; a `SameSite=Strict` session cookie is
/// not sent on a redirect that chain started, so this page moves on to `/` from govit's own document.
#[derive(Template)]
#[template(path = "sso_done.html")]
struct SsoDone;

/// Binds a single sign-on login to the browser that started it, for the provider's redirect back (a
/// top-level GET from another site, hence `Lax`).
const SSO_STATE_COOKIE: &str = "govit_sso_state";

pub(super) async fn form(State(state): State<AppState>) -> Response {
    render(&LoginPage::new(&state, None, String::new()))
}

/// The login page again with why: 401 for the person's own error, 503 when the identity provider cannot be
/// reached and 500 for the server's fault (those two logged, the page showing a correlation id).
fn refused(state: &AppState, e: govit_app::AppError, username: String) -> Response {
    let (status, message) = login_error(e);
    let mut page = render(&LoginPage::new(state, Some(message), username));
    *page.status_mut() = status;
    page
}

pub(super) async fn submit(State(state): State<AppState>, client: Client, body: Bytes) -> Response {
    let form = Submitted::parse(&body);
    let username = form.one("username").unwrap_or_default().to_owned();
    let password = form.all("password").first().map(|s| (*s).to_owned()).unwrap_or_default();
    match state.app.login(&username, &password, form.one("totp"), &client.address).await {
        Ok(session) => {
            ([(header::SET_COOKIE, cookie(&session.token, client.https))], Redirect::to("/")).into_response()
        }
        Err(e) => {
            tracing::info!(user = %username, "login failed");
            refused(&state, e, username)
        }
    }
}

/// Sends the browser to the identity provider.
pub(super) async fn sso_start(State(state): State<AppState>) -> Response {
    match state.app.sso_begin().await {
        Ok(start) => {
            let bind = format!(
                "{SSO_STATE_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/login/sso; Max-Age={}",
                start.state,
                govit_app::sso::PENDING_LOGIN.as_secs()
            );
            ([(header::SET_COOKIE, bind)], Redirect::to(&start.url)).into_response()
        }
        Err(e) => refused(&state, e, String::new()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Where the provider sends the browser back: the state must be the one this browser was given.
pub(super) async fn sso_callback(
    State(state): State<AppState>,
    client: Client,
    headers: axum::http::HeaderMap,
    Query(back): Query<Callback>,
) -> Response {
    let invalid = |reason: &str| govit_app::AppError::invalid("sso", reason);
    if let Some(error) = back.error {
        let said = back.error_description.unwrap_or_default();
        tracing::info!(%error, %said, "single sign-on refused by the provider");
        return refused(&state, invalid(&format!("统一身份认证未完成登录:{error} {said}")), String::new());
    }
    let (Some(code), Some(given)) = (back.code, back.state) else {
        return refused(&state, invalid("统一身份认证的回调缺少 code 或 state"), String::new());
    };
    if cookie_in(&headers, SSO_STATE_COOKIE).as_deref() != Some(given.as_str()) {
        return refused(&state, invalid("登录请求与本浏览器不符或已过期,请重新登录"), String::new());
    }
    let clear = format!("{SSO_STATE_COOKIE}=; HttpOnly; SameSite=Lax; Path=/login/sso; Max-Age=0");
    match state.app.sso_finish(&given, &code).await {
        Ok(session) => {
            let mut page = render(&SsoDone);
            let headers = page.headers_mut();
            for value in [cookie(&session.token, client.https), clear] {
                if let Ok(value) = header::HeaderValue::from_str(&value) {
                    headers.append(header::SET_COOKIE, value);
                }
            }
            page
        }
        Err(e) => {
            let mut page = refused(&state, e, String::new());
            if let Ok(value) = header::HeaderValue::from_str(&clear) {
                page.headers_mut().append(header::SET_COOKIE, value);
            }
            page
        }
    }
}

fn login_error(e: govit_app::AppError) -> (StatusCode, String) {
    match e {
        govit_app::AppError::Invalid { reason, .. } => (StatusCode::UNAUTHORIZED, reason),
        e if e.is_fault() => {
            let e = WebError::from(e);
            let correlation_id = e.log_fault();
            (e.status(), shown(&e, correlation_id.as_deref()))
        }
        _ => (StatusCode::UNAUTHORIZED, "登录暂时不可用,请稍后重试".to_owned()),
    }
}

pub(super) async fn logout(State(state): State<AppState>, Posted { user, .. }: Posted) -> Result<Response, WebError> {
    state.app.logout(&user.token).await?;
    Ok(([(header::SET_COOKIE, clear_cookie())], Redirect::to("/login")).into_response())
}

pub(super) async fn switch_role(
    State(state): State<AppState>,
    Posted { user, form }: Posted,
) -> Result<Response, WebError> {
    let role = form
        .one("role")
        .and_then(Role::from_code)
        .ok_or_else(|| WebError::Invalid { field: "role".to_owned(), reason: "未知的角色".to_owned() })?;
    state.app.switch_role(&user.token, role).await?;
    Ok(Redirect::to("/").into_response())
}
