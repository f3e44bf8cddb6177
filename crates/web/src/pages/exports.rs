//! Excel downloads: the annual plan of a year and jurisdiction, any filtered project list, and the template
//! for a unit's annual-plan proposals (`govit_app::exchange`).

use super::projects::parse_query;
use crate::AppState;
use crate::download::content_disposition;
use crate::error::WebError;
use crate::session::CurrentUser;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use govit_app::exchange;
use govit_app::listing::ProjectQuery;
use serde::Deserialize;

fn xlsx(filename: &str, bytes: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&content_disposition(filename))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(exchange::XLSX_MEDIA_TYPE)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PlanQuery {
    jurisdiction: Option<String>,
    year: Option<i32>,
}

pub(super) async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let q: PlanQuery = parse_query(raw.as_deref())?;
    let today = state.app.clock().today();
    let actor = &user.session.actor;
    let (jurisdiction, year) = super::plans::plan_target(q.jurisdiction, q.year, actor, today)?;
    let bytes = exchange::plan_workbook(&state.app, actor, &jurisdiction, year, today).await?;
    Ok(xlsx(&exchange::plan_file_name(&state.app, &jurisdiction, year)?, bytes))
}

pub(super) async fn projects(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let query: ProjectQuery = parse_query(raw.as_deref())?;
    let today = state.app.clock().today();
    let bytes = exchange::projects_workbook(&state.app, &user.session.actor, &query, today).await?;
    Ok(xlsx(&exchange::projects_file_name(today), bytes))
}

pub(super) async fn template(
    State(state): State<AppState>,
    _user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let q: PlanQuery = parse_query(raw.as_deref())?;
    let year = q.year.unwrap_or(state.app.clock().today().year() + 1);
    Ok(xlsx(&exchange::template_file_name(year), exchange::proposal_template(year)?))
}
