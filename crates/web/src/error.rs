//! How failures look to a person: a Chinese page, never a stack trace or SQL. A fault of the server (500) or
//! of a service it depends on (503) is logged with its detail under a fresh correlation id; the person is
//! shown the id, never the detail.

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
    /// The request contradicts one the same person made before (a request id reused with another command).
    #[error("{field}:{reason}")]
    Conflict { field: String, reason: String },
    /// Stored bytes that no longer match their digest.
    #[error("{0}")]
    Tampered(String),
    /// A fault of the server: the detail is for the log only.
    #[error("系统内部错误,请稍后重试")]
    Internal(String),
    /// A service the server depends on (the identity provider, the mail server) cannot be reached: the
    /// service is named, the reason goes to the log only.
    #[error("{service}暂不可用,请稍后重试;如持续出现请联系系统管理员")]
    Unavailable { service: String, reason: String },
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> WebError {
        match e {
            AppError::Invalid { field, reason } => WebError::Invalid { field, reason },
            AppError::NotFound { what } => WebError::NotFound(what),
            AppError::Conflict { field, reason } => WebError::Conflict { field, reason },
            e @ AppError::Tampered { .. } => WebError::Tampered(e.to_string()),
            AppError::Forbidden { reason } => WebError::Forbidden(reason),
            e @ AppError::Personal { .. } => WebError::Internal(e.to_string()),
            AppError::Internal { reason } => WebError::Internal(reason),
            AppError::Unavailable { service, reason } => WebError::Unavailable { service, reason },
            // The database restarting or failing over: nothing was done, and a retry soon may succeed.
            AppError::Store(e) if e.is_unreachable() => {
                WebError::Unavailable { service: "数据库".to_owned(), reason: e.to_string() }
            }
            AppError::Store(e) => WebError::Internal(e.to_string()),
        }
    }
}

/// How long a client is asked to wait before retrying after a 503 (a dependency, the database, was away).
pub(crate) const RETRY_AFTER_SECONDS: &str = "5";

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
            WebError::Conflict { .. } | WebError::Tampered(_) => StatusCode::CONFLICT,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// For a fault of the server or of a service it depends on: logs the detail under a fresh correlation id
    /// and returns the id, the one thing about the fault a person is shown. `None` for the person's errors.
    pub(crate) fn log_fault(&self) -> Option<String> {
        match self {
            WebError::Internal(detail) => {
                let correlation_id = govit_app::correlation_id();
                tracing::error!(%correlation_id, error = %detail, "internal error");
                Some(correlation_id)
            }
            WebError::Unavailable { service, reason } => {
                let correlation_id = govit_app::correlation_id();
                tracing::error!(%correlation_id, %service, error = %reason, "dependency unavailable");
                Some(correlation_id)
            }
            _ => None,
        }
    }
}

/// What a person is told of an error: the fault's correlation id appended when there is one.
pub(crate) fn shown(message: impl std::fmt::Display, correlation_id: Option<&str>) -> String {
    match correlation_id {
        Some(id) => format!("{message}(错误编号:{id})"),
        None => message.to_string(),
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
        let correlation_id = self.log_fault();
        let status = self.status();
        let page = ErrorPage { status: status.as_u16(), message: shown(&self, correlation_id.as_deref()) };
        let mut response = render(&page);
        *response.status_mut() = status;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static(RETRY_AFTER_SECONDS));
        }
        response
    }
}

/// A panic inside a handler becomes a plain Chinese 500 page; the details go to the log only.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let correlation_id = govit_app::correlation_id();
    tracing::error!(%correlation_id, "handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        shown("系统内部错误,请稍后重试", Some(&correlation_id)),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_answered_by_whose_fault_it_is() {
        let status = |e: AppError| WebError::from(e).status();
        assert_eq!(status(AppError::invalid("year", "须为整数")), StatusCode::UNPROCESSABLE_ENTITY);
        let reused = AppError::Conflict { field: "request_id".into(), reason: "已用于另一请求".into() };
        assert_eq!(status(reused), StatusCode::CONFLICT);
        assert_eq!(status(AppError::internal("系统随机数不可用")), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            status(AppError::unavailable("统一身份认证", "connection refused")),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn a_database_that_is_away_is_a_503_with_retry_after_and_a_failing_one_a_500() {
        let away = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let e = WebError::from(AppError::Store(govit_store::StoreError::Database(govit_store::SqlxError::Io(away))));
        assert!(matches!(&e, WebError::Unavailable { service, .. } if service == "数据库"), "{e:?}");
        let response = e.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], RETRY_AFTER_SECONDS);
        let corrupt = govit_store::StoreError::Corrupt { seq: 7, reason: "不是JSON".into() };
        assert_eq!(WebError::from(AppError::Store(corrupt)).status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn a_fault_shows_its_service_and_correlation_id_never_its_detail() {
        let e = WebError::from(AppError::unavailable("统一身份认证", "connection refused"));
        let id = e.log_fault();
        let said = shown(&e, id.as_deref());
        assert!(said.starts_with("统一身份认证暂不可用") && !said.contains("refused"), "{said}");
        assert!(id.is_some_and(|id| said.contains(&id)), "{said}");
        let e = WebError::from(AppError::internal("/data/audit.pem:无法读取私钥"));
        let said = shown(&e, e.log_fault().as_deref());
        assert!(said.starts_with("系统内部错误") && !said.contains("audit.pem"), "{said}");
        assert_eq!(WebError::from(AppError::invalid("year", "须为整数")).log_fault(), None);
    }
}
