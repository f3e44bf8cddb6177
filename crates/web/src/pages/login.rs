//! Login, logout and switching the role one acts in.

use crate::AppState;
use crate::error::{WebError, render};
use crate::forms::Submitted;
use crate::session::{Posted, clear_cookie, cookie};
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use govit_rules::Role;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    username: String,
}

pub(super) async fn form() -> Response {
    render(&LoginPage { error: None, username: String::new() })
}

pub(super) async fn submit(State(state): State<AppState>, body: Bytes) -> Response {
    let form = Submitted::parse(&body);
    let username = form.one("username").unwrap_or_default().to_owned();
    let password = form.all("password").first().map(|s| (*s).to_owned()).unwrap_or_default();
    match state.app.login(&username, &password, form.one("totp")).await {
        Ok(session) => ([(header::SET_COOKIE, cookie(&session.token))], Redirect::to("/")).into_response(),
        Err(e) => {
            tracing::info!(user = %username, "login failed");
            let mut page = render(&LoginPage { error: Some(login_error(e)), username });
            *page.status_mut() = StatusCode::UNAUTHORIZED;
            page
        }
    }
}

fn login_error(e: govit_app::AppError) -> String {
    match e {
        govit_app::AppError::Invalid { reason, .. } => reason,
        _ => "登录暂时不可用,请稍后重试".to_owned(),
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
