//! The overviews: the workbench, the dashboard with its charts, and the public list.

use super::{ApiError, ApiUser};
use crate::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

pub(super) async fn workbench(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ApiError> {
    let bench = state.app.workbench(&user.session.actor, state.app.clock().today()).await?;
    Ok(Json(json!(bench)))
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

/// The public list (no login), as on /public.
pub(super) async fn open_data(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.app.open_data(&state.open_data).await?)))
}
