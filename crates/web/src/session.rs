//! The session cookie: who is logged in, checked on every request; the form token checked on every post.

use crate::AppState;
use crate::error::WebError;
use crate::forms::Submitted;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::header;
use axum::http::request::Parts;
use govit_app::accounts::SessionUser;

pub const SESSION_COOKIE: &str = "govit_session";

/// The header that carries the session's form token on the API's unsafe methods (and on htmx requests).
pub const CSRF_HEADER: &str = "X-CSRF-Token";

const API_PREFIX: &str = "/api/v1/";

/// What an account that must change its password may still reach: the change itself, who it is, and logout.
const PASSWORD_CHANGE_ALLOWS: &[&str] =
    &[crate::error::PASSWORD_PAGE, "/logout", "/api/v1/me", "/api/v1/me/password", "/api/v1/session"];

/// What an account that must first enrol a second factor may still reach.
const SECOND_FACTOR_ALLOWS: &[&str] = &[
    crate::error::SECOND_FACTOR_PAGE,
    "/logout",
    "/api/v1/me",
    "/api/v1/me/second-factor",
    "/api/v1/me/second-factor/confirm",
    "/api/v1/session",
];

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
    token_in(&parts.headers)
}

/// The session token among `headers`' cookies, if well formed.
pub fn token_in(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie_in(headers, SESSION_COOKIE).filter(|v| v.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The value of cookie `name` among `headers`, if present, not empty and at most 128 characters.
pub fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = token(parts).ok_or(WebError::Unauthenticated)?;
        let session = state.app.session_user(&token).await?.ok_or(WebError::Unauthenticated)?;
        // Under `nest("/api/v1", …)` the URI is the nested one; the original keeps the full path.
        let path = parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.path(), |o| o.0.path());
        if session.user.must_change_password && !PASSWORD_CHANGE_ALLOWS.contains(&path) {
            return Err(WebError::PasswordChangeRequired);
        }
        let enrol = !session.single_sign_on && state.app.must_enrol_second_factor(&session.user);
        if enrol && !SECOND_FACTOR_ALLOWS.contains(&path) {
            return Err(WebError::SecondFactorRequired);
        }
        // The API is reached with the session cookie too, so a forged cross-site request would carry it: an
        // unsafe method must also bring the token the login handed out, which another site cannot read. The
        // Origin / Sec-Fetch-Site check (`CsrfLayer`) stays in front; this does not rely on it alone.
        if path.starts_with(API_PREFIX) && !parts.method.is_safe() {
            let given = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if given != Some(session.csrf.as_str()) {
                return Err(WebError::Forbidden(format!(
                    "请求缺少或带有错误的 {CSRF_HEADER} 请求头:请带上登录时返回的 csrf 值"
                )));
            }
        }
        Ok(CurrentUser { session, token })
    }
}

/// The `Set-Cookie` value that installs a session (HttpOnly, SameSite=Strict, whole site), `Secure` when the
/// site is reached over HTTPS, so that the browser never sends it over plain HTTP.
pub fn cookie(token: &str, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/{secure}")
}

/// The `Set-Cookie` value that removes it.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// A form posted by the logged-in user (`application/x-www-form-urlencoded`), its `_csrf` token checked.
pub struct Posted {
    pub user: CurrentUser,
    pub form: Submitted,
}

impl FromRequest<AppState> for Posted {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Posted, WebError> {
        let (mut parts, body) = request.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, crate::BODY_LIMIT)
            .await
            .map_err(|_| WebError::Invalid {
                field: "表单".to_owned(), reason: "表单内容过大或无法读取".to_owned()
            })?;
        let form = Submitted::parse(&bytes);
        user.check_csrf(form.one("_csrf"))?;
        Ok(Posted { user, form })
    }
}
