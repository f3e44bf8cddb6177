//! The user's notifications: the inbox, and marking them read.

use super::{ApiError, ApiUser};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

/// `GET /notifications`: the newest 200 notifications and the unread count.
pub(super) async fn notifications(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let inbox = state.app.inbox(user.session.user.id, 200).await?;
    Ok(Json(json!(inbox)))
}

pub(super) async fn read_notification(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = id.parse::<i64>().map_err(|_| ApiError::invalid("id", format!("“{id}”不是通知编号")))?;
    state.app.mark_read(user.session.user.id, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn read_all_notifications(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<StatusCode, ApiError> {
    state.app.mark_read(user.session.user.id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
