//! The session and the account: logging in and out, who is logged in, the password, the mail address and
//! the second factor.

use super::{ApiError, ApiUser, parse_body};
use crate::AppState;
use crate::client::Client;
use crate::session::{clear_cookie, cookie, token};
use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use govit_app::AppError;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    username: String,
    password: String,
    /// The one-time code, for accounts with the second factor on.
    #[serde(default)]
    totp: Option<String>,
}

pub(super) async fn login(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let login: Login = parse_body(&headers, &body)?;
    match state.app.login(&login.username, &login.password, login.totp.as_deref(), &client.address).await {
        Ok(session) => {
            Ok(([(header::SET_COOKIE, cookie(&session.token, client.https))], Json(json!({ "csrf": session.csrf })))
                .into_response())
        }
        Err(AppError::Invalid { field, reason }) => {
            // `field` tells a client whether to ask for the one-time code (`totp`) or the password again.
            let mut e = ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", reason);
            e.body["field"] = json!(field);
            Err(e)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn logout(State(state): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    if let Some(t) = token(&parts) {
        state.app.logout(&t).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear_cookie())]).into_response())
}

pub(super) async fn me(State(state): State<AppState>, ApiUser(user): ApiUser) -> Json<Value> {
    let s = &user.session;
    let status = state.app.second_factor_status(&s.user);
    Json(json!({
        "username": s.user.username,
        "display_name": s.user.display_name,
        "organization": s.organization.name,
        "jurisdiction": s.organization.jurisdiction,
        "role": s.role.code(),
        "roles": s.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "second_factor": { "enabled": status.enabled, "required": status.required },
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current: String,
    new: String,
}

/// `POST /me/password {current, new}`: the user's own password; clears a forced change.
pub(super) async fn change_password(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let change: PasswordChange = parse_body(&headers, &body)?;
    state.app.change_password(user.session.user.id, &change.current, &change.new).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailChange {
    /// Empty or absent clears the address (no reminder mail).
    #[serde(default)]
    email: Option<String>,
}

/// `POST /me/email`: where the user's reminders are mailed.
pub(super) async fn change_email(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let change: EmailChange = parse_body(&headers, &body)?;
    state.app.set_email(user.session.user.id, change.email.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecondFactorCode {
    code: String,
}

pub(super) async fn begin_second_factor(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let enrolment = state.app.begin_second_factor(user.session.user.id).await?;
    Ok(Json(json!({ "secret": enrolment.secret, "url": enrolment.url })))
}

/// `POST /me/second-factor/confirm` turns the second factor on, `/disable` off, each with a current code.
pub(super) async fn second_factor_step(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    axum::extract::Path(step): axum::extract::Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let id = user.session.user.id;
    let given: SecondFactorCode = parse_body(&headers, &body)?;
    match step.as_str() {
        "confirm" => state.app.confirm_second_factor(id, &given.code).await?,
        "disable" => state.app.disable_second_factor(id, &given.code).await?,
        _ => return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个操作")),
    }
    Ok(StatusCode::NO_CONTENT)
}
