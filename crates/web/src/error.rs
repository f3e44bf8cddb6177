//! How failures look to a person: a Chinese page, never a stack trace or SQL.

use crate::view::ErrorPage;
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use govit_app::AppError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("请先登录")]
    Unauthenticated,
    /// The account must change its password (first login of a seeded account, or after an administrator's
    /// reset) before anything else.
    #[error("请先修改密码")]
    PasswordChangeRequired,
    /// The server requires a second factor of this account's role and it has none yet.
    #[error("请先启用动态口令")]
    SecondFactorRequired,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}不存在或您无权查看")]
    NotFound(String),
    #[error("{field}:{reason}")]
    Invalid { field: String, reason: String },
    /// Stored bytes that no longer match their digest.
    #[error("{0}")]
    Tampered(String),
    #[error("系统内部错误,请稍后重试")]
    Internal(String),
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> WebError {
        match e {
            AppError::Invalid { field, reason } => WebError::Invalid { field, reason },
            AppError::NotFound { what } => WebError::NotFound(what),
            e @ AppError::Tampered { .. } => WebError::Tampered(e.to_string()),
            AppError::Forbidden { reason } => WebError::Forbidden(reason),
            e @ AppError::Personal { .. } => WebError::Internal(e.to_string()),
            AppError::Store(e) => WebError::Internal(e.to_string()),
        }
    }
}

/// Where a user changes their own password.
pub const PASSWORD_PAGE: &str = "/account/password";

/// Where a user turns the second factor (TOTP) on or off.
pub const SECOND_FACTOR_PAGE: &str = "/account/second-factor";

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::PasswordChangeRequired | WebError::SecondFactorRequired => StatusCode::FORBIDDEN,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Tampered(_) => StatusCode::CONFLICT,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Renders a template, or a plain error when the template itself fails.
pub fn render<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::Unauthenticated => return Redirect::to("/login").into_response(),
            WebError::PasswordChangeRequired => return Redirect::to(PASSWORD_PAGE).into_response(),
            WebError::SecondFactorRequired => return Redirect::to(SECOND_FACTOR_PAGE).into_response(),
            _ => {}
        }
        if let WebError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let status = self.status();
        let page = ErrorPage { status: status.as_u16(), message: self.to_string() };
        let mut response = render(&page);
        *response.status_mut() = status;
        response
    }
}

/// A panic inside a handler becomes a plain Chinese 500 page; the details go to the log only.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "系统内部错误,请稍后重试",
    )
        .into_response()
}
