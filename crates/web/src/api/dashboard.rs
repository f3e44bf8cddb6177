//! The overviews: the workbench, the dashboard with its charts, and the public list.

use super::{ApiError, ApiUser};
use crate::AppState;
use axum::Json;
use axum::extract::{RawQuery, State};
use govit_app::work::WorkPage;
use serde_json::{Value, json};

/// Which page of the workbench's lists: `?page=2&per_page=50`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PageQuery {
    page: Option<usize>,
    per_page: Option<usize>,
}

pub(super) async fn workbench(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query: PageQuery =
        crate::pages::parse_query(raw.as_deref()).map_err(|e| ApiError::invalid("query", e.to_string()))?;
    let page = WorkPage::new(query.page, query.per_page)?;
    let bench = state.app.workbench(&user.session.actor, state.app.clock().today(), page).await?;
    Ok(Json(json!(bench)))
}

/// Which month's ranking, of which jurisdiction: `?period=2026-11&jurisdiction=wuhan`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RankingQuery {
    period: Option<String>,
    jurisdiction: Option<String>,
}

/// 电子监察 ranking [25] of a month (last month by default): the published table if it was published.
pub(super) async fn ranking(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query: RankingQuery =
        crate::pages::parse_query(raw.as_deref()).map_err(|e| ApiError::invalid("query", e.to_string()))?;
    let today = state.app.clock().today();
    let (period, jurisdiction) =
        crate::pages::rankings::ranking_target(query.period.as_deref(), query.jurisdiction, today)?;
    Ok(Json(json!(state.app.ranking(&user.session.actor, jurisdiction, period).await?)))
}

pub(super) async fn dashboard(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ApiError> {
    let d = state.app.dashboard(&user.session.actor, state.app.clock().today()).await?;
    let charts: serde_json::Map<String, Value> = crate::pages::charts(&d)
        .into_iter()
        .map(|(id, _, option)| (id.trim_start_matches("chart-").to_owned(), option))
        .collect();
    let mut out = json!(d);
    out["charts"] = Value::Object(charts);
    Ok(Json(out))
}

/// A page of the public list (no login), searched and filtered as on /public; the whole list is the published
/// data set (`/public/projects.csv|json`).
pub(super) async fn open_data(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<Value>, ApiError> {
    let query: govit_app::portal::PortalQuery =
        crate::pages::parse_query(raw.as_deref()).map_err(|e| ApiError::invalid("query", e.to_string()))?;
    Ok(Json(json!(state.app.portal(&state.open_data, &query).await?)))
}
