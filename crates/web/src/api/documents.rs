//! Documents: a project's, uploading one, and downloading one by its digest.

use super::projects::project_id;
use super::{ApiError, ApiUser};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde_json::{Value, json};

pub(super) async fn project_documents(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = project_id(id)?;
    let documents = state.app.project_documents(&user.session.actor, &id).await?;
    Ok(Json(json!(documents)))
}

/// `POST /documents`: the raw file as the body, its media type as `Content-Type`, its name (percent-encoded
/// UTF-8) as `X-Filename`.
pub(super) async fn upload_document(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let media_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let filename = match headers.get("x-filename") {
        Some(v) => {
            let raw = v.to_str().map_err(|_| ApiError::invalid("X-Filename", "须为百分号编码的UTF-8文件名"))?;
            percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .map_err(|_| ApiError::invalid("X-Filename", "须为百分号编码的UTF-8文件名"))?
                .into_owned()
        }
        None => String::new(),
    };
    let meta = state.app.upload_document(&user.session.actor, &filename, media_type, &body).await?;
    Ok(Json(json!({
        "digest": meta.digest,
        "size": meta.size,
        "media_type": meta.media_type,
        "filename": meta.filename,
    })))
}

pub(super) async fn download_document(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(digest): Path<String>,
) -> Result<Response, ApiError> {
    let (meta, bytes) = state.app.document(&user.session.actor, &digest).await?;
    Ok(crate::download::response(&meta, bytes))
}
