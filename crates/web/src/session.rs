//! The session cookie: who is logged in, checked on every request; the form token checked on every post.

use crate::AppState;
use crate::error::WebError;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use govit_app::accounts::SessionUser;

pub const SESSION_COOKIE: &str = "govit_session";

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub session: SessionUser,
    pub token: String,
}

impl CurrentUser {
    /// A form's `_csrf` field must equal the session's token (on top of the Origin / Sec-Fetch-Site check).
    pub fn check_csrf(&self, given: Option<&str>) -> Result<(), WebError> {
        if given == Some(self.session.csrf.as_str()) {
            Ok(())
        } else {
            Err(WebError::Forbidden("表单已过期或来源不明,请刷新页面后重试".to_owned()))
        }
    }
}

/// The session token from the request's cookies.
pub fn token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = token(parts).ok_or(WebError::Unauthenticated)?;
        let session = state.app.session_user(&token).await?.ok_or(WebError::Unauthenticated)?;
        Ok(CurrentUser { session, token })
    }
}

/// The `Set-Cookie` value that installs a session (HttpOnly, SameSite=Strict, whole site).
pub fn cookie(token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/")
}

/// The `Set-Cookie` value that removes it.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}
