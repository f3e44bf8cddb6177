//! Excel downloads: the annual plan of a year and jurisdiction, any filtered project list, and the template
//! for a unit's annual-plan proposals (`govit_app::exchange`).

use super::projects::parse_query;
use crate::AppState;
use crate::download::attachment;
use crate::error::WebError;
use crate::session::CurrentUser;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use govit_app::exchange;
use govit_app::listing::ProjectQuery;
use govit_rules::Year;
use serde::Deserialize;

fn xlsx(filename: &str, bytes: Vec<u8>) -> Response {
    attachment(exchange::XLSX_MEDIA_TYPE, filename, bytes)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct YearQuery {
    year: Option<Year>,
}

pub(crate) async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let actor = &user.session.actor;
    let (jurisdiction, year) = super::plans::plan_target(raw.as_deref(), actor, today)?;
    let bytes = exchange::plan_workbook(&state.app, actor, &jurisdiction, year, today).await?;
    Ok(xlsx(&exchange::plan_file_name(&state.app, &jurisdiction, year)?, bytes))
}

pub(crate) async fn projects(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let query: ProjectQuery = parse_query(raw.as_deref())?;
    let today = state.app.clock().today();
    let bytes = exchange::projects_workbook(&state.app, &user.session.actor, &query, today).await?;
    Ok(xlsx(&exchange::projects_file_name(today), bytes))
}

pub(crate) async fn template(
    State(state): State<AppState>,
    _user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let q: YearQuery = parse_query(raw.as_deref())?;
    let year = q.year.unwrap_or_else(|| Year::of(state.app.clock().today()).next()).get();
    Ok(xlsx(&exchange::template_file_name(year), exchange::proposal_template(year)?))
}
