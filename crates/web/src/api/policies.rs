//! The rules in force: every jurisdiction's policies with their differences from the city, and the
//! regulation's text.

use super::ApiUser;
use crate::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

/// Every jurisdiction's versions and parameters in force today, and [30] every parameter in which a district
/// differs from the city, looser, stricter or different.
pub(super) async fn policies(State(state): State<AppState>, ApiUser(_user): ApiUser) -> Json<Value> {
    let today = state.app.clock().today();
    let policies = state.app.policies();
    let list: Vec<Value> = policies
        .jurisdictions()
        .map(|j| {
            let resolved = policies.resolve(&j.jurisdiction, today).ok();
            let differences =
                govit_rules::policy_diff::differences_from_city(policies, &j.jurisdiction, today).unwrap_or_default();
            json!({
                "jurisdiction": j.jurisdiction,
                "name": j.name,
                "parent": j.parent,
                "versions": j.versions.iter().map(|v| json!({ "effective": v.effective, "title": v.title })).collect::<Vec<_>>(),
                "in_force": resolved,
                "differences": differences,
            })
        })
        .collect();
    Json(json!(list))
}

pub(super) async fn regulation() -> Json<Value> {
    Json(json!({ "title": govit_rules::regulation::title(), "articles": govit_rules::regulation::articles() }))
}
