//! 修改密码: the user's own password. An account that must change it (a seeded account's first login, or an
//! administrator's reset) is sent here from every other page until it has.

use crate::AppState;
use crate::error::{WebError, render};
use crate::session::{CurrentUser, Posted};
use crate::view::Layout;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use govit_app::AppError;

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    layout: Layout,
    forced: bool,
    done: bool,
    errors: Vec<String>,
}

fn page(state: &AppState, user: &CurrentUser, done: bool, errors: Vec<String>) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut response = render(&PasswordPage {
        layout: Layout::new(user, "修改密码", crate::error::PASSWORD_PAGE, state.app.clock().today()),
        forced: user.session.user.must_change_password,
        done,
        errors,
    });
    *response.status_mut() = status;
    response
}

pub(super) async fn form(State(state): State<AppState>, user: CurrentUser) -> Response {
    page(&state, &user, false, Vec::new())
}

pub(super) async fn submit(State(state): State<AppState>, Posted { user, form }: Posted) -> Result<Response, WebError> {
    let field = |name: &str| form.all(name).first().map(|s| (*s).to_owned()).unwrap_or_default();
    let (current, new, confirm) = (field("current"), field("new"), field("confirm"));
    if new != confirm {
        return Ok(page(&state, &user, false, vec!["再次输入新密码:两次输入的新密码不一致".to_owned()]));
    }
    match state.app.change_password(user.session.user.id, &current, &new).await {
        Ok(()) if user.session.user.must_change_password => Ok(Redirect::to("/").into_response()),
        Ok(()) => Ok(page(&state, &user, true, Vec::new())),
        Err(AppError::Invalid { field, reason }) => {
            let label = match field.as_str() {
                "current" => "原密码",
                _ => "新密码",
            };
            Ok(page(&state, &user, false, vec![format!("{label}:{reason}")]))
        }
        Err(e) => Err(e.into()),
    }
}
