//! Annual plans: one jurisdiction's plan of a year with its proposals.

use super::{ApiError, ApiUser};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use govit_rules::{JurisdictionId, Year};
use serde_json::{Value, json};

pub(super) async fn plan(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((jurisdiction, year)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let jurisdiction = JurisdictionId::parse(jurisdiction).map_err(|e| ApiError::invalid("jurisdiction", e))?;
    let year = Year::parse(&year).map_err(|e| ApiError::invalid("year", e.to_string()))?;
    let (plan, proposals) = state.app.visible_plan(&user.session.actor, &jurisdiction, year.get()).await?;
    Ok(Json(json!({ "plan": plan, "proposals": proposals })))
}
