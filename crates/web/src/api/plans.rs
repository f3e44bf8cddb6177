//! Annual plans: one jurisdiction's plan of a year with its proposals.

use super::{ApiError, ApiUser};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, State};
use govit_rules::JurisdictionId;
use serde_json::{Value, json};

pub(super) async fn plan(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((jurisdiction, year)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let jurisdiction = JurisdictionId::parse(jurisdiction).map_err(|e| ApiError::invalid("jurisdiction", e))?;
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| ApiError::invalid("year", "年度须为2000到2100之间的整数"))?;
    let (plan, proposals) = state.app.visible_plan(&user.session.actor, &jurisdiction, year).await?;
    Ok(Json(json!({ "plan": plan, "proposals": proposals })))
}
