//! 通知: the user's reminders and digests (the bell in the top bar shows how many are unread), each marked
//! read on its own or all at once. Nobody sees or marks another user's notifications.

use crate::AppState;
use crate::error::{WebError, render};
use crate::session::{CurrentUser, Posted};
use crate::view::Layout;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use govit_store::NotificationRow;

/// Notifications listed on the page.
const SHOWN: i64 = 200;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    unread: i64,
    notifications: Vec<NotificationRow>,
    /// Where the user's reminders are mailed (empty: none).
    email: String,
    /// Signed on through the identity provider, whose address replaces this one at the next login.
    single_sign_on: bool,
    saved: bool,
    errors: Vec<String>,
}

async fn show(
    state: &AppState,
    user: &CurrentUser,
    email: String,
    saved: bool,
    errors: Vec<String>,
) -> Result<Response, WebError> {
    let inbox = state.app.inbox(user.session.user.id, SHOWN).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut response = render(&NotificationsPage {
        layout: Layout::new(user, "通知", "/notifications", state.app.clock().today()),
        unread: inbox.unread,
        notifications: inbox.notifications,
        email,
        single_sign_on: user.session.single_sign_on,
        saved,
        errors,
    });
    *response.status_mut() = status;
    Ok(response)
}

pub(super) async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let email = user.session.user.email.clone().unwrap_or_default();
    show(&state, &user, email, false, Vec::new()).await
}

/// The user sets (or, left empty, clears) where their reminders are mailed.
pub(super) async fn email(State(state): State<AppState>, Posted { user, form }: Posted) -> Result<Response, WebError> {
    let email = form.one("email").unwrap_or_default().trim().to_owned();
    match state.app.set_email(user.session.user.id, Some(&email)).await {
        Ok(()) => show(&state, &user, email, true, Vec::new()).await,
        Err(govit_app::AppError::Invalid { reason, .. }) => {
            show(&state, &user, email, false, vec![format!("提醒邮件地址:{reason}")]).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The bell's badge, fetched by htmx when a page loads and every minute.
pub(super) async fn count(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let unread = state.app.unread_notifications(user.session.user.id).await?;
    let badge = if unread > 0 {
        format!("通知 <span class=\"badge\" id=\"unread\">{unread}</span>")
    } else {
        "通知".to_owned()
    };
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], badge)
        .into_response())
}

/// `id` marks one notification read, its absence all of them.
pub(super) async fn mark(State(state): State<AppState>, Posted { user, form }: Posted) -> Result<Response, WebError> {
    let id = match form.one("id") {
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| WebError::Invalid {
                    field: "id".to_owned(), reason: format!("“{text}”不是通知编号")
                })?,
        ),
        None => None,
    };
    state.app.mark_read(user.session.user.id, id).await?;
    Ok(Redirect::to("/notifications").into_response())
}
