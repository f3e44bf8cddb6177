//! What a handler reads from a request: the logged-in user, and a JSON body.

use super::ApiError;
use crate::AppState;
use crate::error::WebError;
use crate::session::CurrentUser;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};

/// The logged-in user of an API request; `401 unauthenticated` otherwise.
pub(crate) struct ApiUser(pub(super) CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        CurrentUser::from_request_parts(parts, state).await.map(ApiUser).map_err(|e| match e {
            WebError::PasswordChangeRequired => ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "请先修改密码(POST /api/v1/me/password)",
            ),
            WebError::SecondFactorRequired => ApiError::new(
                StatusCode::FORBIDDEN,
                "second_factor_required",
                "本系统要求该岗位使用动态口令,请先启用(POST /api/v1/me/second-factor,再 POST /api/v1/me/second-factor/confirm)",
            ),
            e @ (WebError::Internal(_) | WebError::Unavailable { .. } | WebError::Forbidden(_)) => e.into(),
            _ => ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录(POST /api/v1/session)"),
        })
    }
}

/// Reads a JSON body, answering a malformed one with the field and reason.
pub(super) fn parse_body<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求体须为 application/json",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::invalid(if path == "." { "body" } else { &path }, e.into_inner().to_string())
    })
}
