//! The API's errors: `{code, message, articles}` with a status, and how the application's and the web
//! layer's errors become one.

use crate::error::WebError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use govit_app::AppError;
use govit_rules::draft::DraftError;
use serde_json::{Value, json};

/// An API error: `{code, message, articles, field?}` with its status; a fault of the server (500, `internal`)
/// or of a service it depends on (503, `unavailable`) adds `correlation_id`, which finds the detail in the log.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(super) status: StatusCode,
    pub(super) body: Value,
}

/// A body over the limit is refused by the body-limit layers before any handler runs, in plain text; on the
/// API it answers in the same `{code, message}` shape as every other error (`too_large`).
pub(crate) async fn too_large_as_json(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !api || response.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return response;
    }
    let (limit, upload) = (crate::BODY_LIMIT / (1024 * 1024), crate::UPLOAD_BODY_LIMIT / (1024 * 1024));
    let message = format!("请求体超过上限:一般请求至多{limit} MiB,上传文件至多{upload} MiB");
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message).into_response()
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError { status, body: json!({ "code": code, "message": message.into(), "articles": [] }) }
    }
    /// A request that is not a command: 400 when malformed, 422 when well formed but contradicting the record
    /// (another owner kind than the organisation's [2][9]). The first field is named; all are listed.
    pub(super) fn drafted(error: DraftError) -> ApiError {
        let status = match error {
            DraftError::Malformed(_) => StatusCode::BAD_REQUEST,
            DraftError::ContradictsRecord(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let fields = error.into_fields();
        let (field, reason) = fields.iter().next().map_or(("with", "参数有误"), |(f, r)| (f.as_str(), r.as_str()));
        let mut e = ApiError::invalid(field, reason);
        e.status = status;
        e.body["fields"] = json!(fields);
        e
    }

    /// A fault of the server or of a dependency: logged under a fresh correlation id, which the body carries
    /// (also in the message); the detail is never in the body.
    pub(super) fn fault(e: WebError, code: &str) -> ApiError {
        let correlation_id = e.log_fault();
        let mut a = ApiError::new(e.status(), code, crate::error::shown(&e, correlation_id.as_deref()));
        a.body["correlation_id"] = json!(correlation_id);
        if let WebError::Unavailable { service, .. } = &e {
            a.body["service"] = json!(service);
        }
        a
    }

    pub(super) fn invalid(field: &str, reason: impl Into<String>) -> ApiError {
        let reason = reason.into();
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid", format!("{field}:{reason}"));
        e.body["field"] = json!(field);
        e
    }

    /// 409 `conflict`: the request contradicts one the same account made before; the field is named.
    pub(super) fn conflict(field: &str, reason: impl Into<String>) -> ApiError {
        let mut e = ApiError::invalid(field, reason);
        e.status = StatusCode::CONFLICT;
        e.body["code"] = json!("conflict");
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            let wait = axum::http::HeaderValue::from_static(crate::error::RETRY_AFTER_SECONDS);
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, wait);
        }
        response
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e {
            AppError::Invalid { field, reason } => ApiError::invalid(&field, reason),
            AppError::NotFound { what } => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what}不存在或您无权查看"))
            }
            AppError::Conflict { field, reason } => ApiError::conflict(&field, reason),
            e @ AppError::Tampered { .. } => ApiError::new(StatusCode::CONFLICT, "tampered", e.to_string()),
            AppError::Forbidden { reason } => ApiError::new(StatusCode::FORBIDDEN, "forbidden", reason),
            e @ AppError::Personal { .. } => {
                // What went wrong with a key is said (never the data): an operator fixes it, not a retry.
                let mut a = ApiError::fault(WebError::Internal(e.to_string()), "personal_data");
                a.body["message"] = json!(crate::error::shown(&e, a.body["correlation_id"].as_str()));
                a
            }
            e @ (AppError::Internal { .. } | AppError::Store(_) | AppError::Unavailable { .. }) => {
                let fault: WebError = e.into();
                let code = if matches!(fault, WebError::Unavailable { .. }) { "unavailable" } else { "internal" };
                ApiError::fault(fault, code)
            }
        }
    }
}

impl From<WebError> for ApiError {
    fn from(e: WebError) -> ApiError {
        let code = match &e {
            WebError::Unauthenticated => "unauthenticated",
            WebError::PasswordChangeRequired => "password_change_required",
            WebError::SecondFactorRequired => "second_factor_required",
            WebError::Forbidden(_) => "forbidden",
            WebError::NotFound(_) => "not_found",
            WebError::Invalid { field, reason } => return ApiError::invalid(field, reason.clone()),
            WebError::Conflict { field, reason } => return ApiError::conflict(field, reason.clone()),
            WebError::Tampered(_) => "tampered",
            WebError::Internal(_) => return ApiError::fault(e, "internal"),
            WebError::Unavailable { .. } => return ApiError::fault(e, "unavailable"),
        };
        ApiError::new(e.status(), code, e.to_string())
    }
}
