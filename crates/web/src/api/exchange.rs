//! Data exchange over the API: the same workbooks and 公文 the pages offer, and the proposal import.

use super::{ApiError, ApiUser};
use crate::AppState;
use crate::pages::exports;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use govit_app::exchange::{self, ImportError, ImportReport};
use govit_rules::Rejection;
use govit_rules::Year;
use serde::Deserialize;
use serde_json::json;
/// `GET /api/v1/exports/plan.xlsx?jurisdiction=&year=`
pub(super) async fn plan(state: State<AppState>, ApiUser(user): ApiUser, raw: RawQuery) -> Result<Response, ApiError> {
    Ok(exports::plan(state, user, raw).await?)
}

/// `GET /api/v1/exports/projects.xlsx?<项目库 filters>`
pub(super) async fn projects(
    state: State<AppState>,
    ApiUser(user): ApiUser,
    raw: RawQuery,
) -> Result<Response, ApiError> {
    Ok(exports::projects(state, user, raw).await?)
}

/// `GET /api/v1/exports/proposal-template.xlsx?year=`
pub(super) async fn template(
    state: State<AppState>,
    ApiUser(user): ApiUser,
    raw: RawQuery,
) -> Result<Response, ApiError> {
    Ok(exports::template(state, user, raw).await?)
}

/// `GET /api/v1/projects/{id}/papers/{seq}`: the 批复 or 备案回执 of that event, as PDF.
pub(super) async fn paper(
    state: State<AppState>,
    ApiUser(user): ApiUser,
    path: Path<(String, i64)>,
) -> Result<Response, ApiError> {
    Ok(crate::pages::paper_download(state, user, path).await?)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ImportQuery {
    year: Option<Year>,
}

/// `POST /api/v1/imports/proposals?year=`: the body is the filled-in template (`.xlsx`).
pub(super) async fn import(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    query: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::invalid("year", e.body_text()))?;
    let today = state.app.clock().today();
    let year = q.year.unwrap_or_else(|| Year::of(today).next());
    exchange::import_proposals(&state.app, &user.session.actor, year, &body, today)
        .await
        .map(Json)
        .map_err(import_error)
}

/// An import that did not happen: `errors` lists every cell or row, `articles` the articles of refused rows.
fn import_error(e: ImportError) -> ApiError {
    let e = match e {
        ImportError::App(inner) => return ApiError::from(inner),
        other => other,
    };
    let (status, code) = match &e {
        ImportError::App(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        ImportError::Forbidden { .. } => (StatusCode::FORBIDDEN, "forbidden"),
        // 422, not 413: the request was within the upload limit; what it unpacks to is not.
        ImportError::TooLarge { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "too_large"),
        ImportError::NotXlsx { .. } | ImportError::Layout { .. } | ImportError::Invalid { .. } => {
            (StatusCode::BAD_REQUEST, "invalid")
        }
        ImportError::Rejected { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
        ImportError::Interrupted { .. } => (StatusCode::CONFLICT, "interrupted"),
    };
    let mut articles: Vec<u8> = match &e {
        ImportError::Rejected { rows } => rows
            .iter()
            .filter_map(|r| match &r.rejection {
                Rejection::Refused(refusal) => Some(refusal.articles()),
                Rejection::Forbidden(_) => None,
            })
            .flatten()
            .map(|a| a.0)
            .collect(),
        _ => Vec::new(),
    };
    articles.sort_unstable();
    articles.dedup();
    let mut error = ApiError::new(status, code, e.to_string());
    error.body["articles"] = json!(articles);
    error.body["field"] = json!("file");
    error.body["errors"] = json!(e.messages());
    error
}
