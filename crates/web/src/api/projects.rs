//! The project library: the list, one project with the actions open to the user, and its timeline.

use super::{ApiError, ApiUser};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use govit_app::ProjectView;
use govit_rules::{Date, ProjectId};
use serde::Deserialize;
use serde_json::{Value, json};

pub(super) async fn projects(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query: govit_app::listing::ProjectQuery =
        crate::pages::parse_query(raw.as_deref()).map_err(|e| ApiError::invalid("query", e.to_string()))?;
    let page = state.app.list_projects(&user.session.actor, &query, state.app.clock().today()).await?;
    Ok(Json(json!(page)))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(super) struct OnQuery {
    on: Option<Date>,
}

pub(super) fn project_id(id: String) -> Result<ProjectId, ApiError> {
    ProjectId::parse(id).map_err(|e| ApiError::invalid("id", e))
}

pub(super) async fn project(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    query: Result<Query<OnQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::invalid("on", e.body_text()))?;
    let id = project_id(id)?;
    let actor = &user.session.actor;
    let on = q.on.unwrap_or_else(|| state.app.clock().today());
    let project = state.app.visible_project(actor, &id).await?;
    let available: Vec<&str> = state.app.available_actions(actor, &project, on).iter().map(|a| a.code()).collect();
    let view = ProjectView::of(project, on, &state.app);
    let mut out = json!(view);
    out["available_actions"] = json!(available);
    Ok(Json(out))
}

pub(super) async fn timeline(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = project_id(id)?;
    let events = state.app.visible_timeline(&user.session.actor, &id).await?;
    Ok(Json(json!(events)))
}
