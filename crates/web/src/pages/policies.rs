//! 实施细则: every jurisdiction's policy versions and the parameters in force today, and for each district
//! every parameter that differs from the city's, 较市级放宽, 较市级从严 or 与市级不同 ([30], docs/READINGS.md [29][30]).
//! Open to everyone logged in, as `GET /api/v1/policies` is.

use crate::AppState;
use crate::error::{WebError, render};
use crate::session::CurrentUser;
use crate::view::{Layout, wan};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use govit_rules::Article;
use govit_rules::policy_diff::{self, Direction, Parameter, Value};

/// One parameter in a table: its name and articles, and its value(s) as a person reads them.
struct ParameterRow {
    code: &'static str,
    label: &'static str,
    articles: String,
    city: String,
    value: String,
    /// `looser`, `stricter`, `different` (empty in the city's own table).
    direction: &'static str,
    direction_label: &'static str,
    badge: &'static str,
}

struct VersionRow {
    effective: String,
    title: String,
}

struct JurisdictionView {
    code: String,
    name: String,
    /// The parent's name, empty for the city.
    parent: String,
    versions: Vec<VersionRow>,
    /// The versions the parameters in force today come from (`wuhan@2021-08-21+jiangan@2021-10-01`), or why
    /// none are.
    in_force: String,
    /// The city: every parameter. A district: only those that differ from the city's.
    is_city: bool,
    rows: Vec<ParameterRow>,
}

#[derive(Template)]
#[template(path = "policies.html")]
struct PoliciesPage {
    layout: Layout,
    today: String,
    jurisdictions: Vec<JurisdictionView>,
}

fn shown(value: Value) -> String {
    match value {
        Value::Amount(m) => wan(m),
        other => other.to_string(),
    }
}

fn articles(parameter: Parameter) -> String {
    parameter.articles().iter().map(|a| Article(*a).to_string()).collect::<Vec<_>>().join("、")
}

fn badge(direction: Direction) -> &'static str {
    match direction {
        Direction::Looser => "badge is-warned",
        Direction::Stricter => "badge is-ok",
        Direction::Different => "badge",
    }
}

pub(super) async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let policies = state.app.policies();
    let mut jurisdictions: Vec<JurisdictionView> = policies
        .jurisdictions()
        .map(|j| {
            let resolved = policies.resolve(&j.jurisdiction, today);
            let is_city = policies.root_of(&j.jurisdiction) == j.jurisdiction;
            let rows = match (&resolved, is_city) {
                (Ok(r), true) => policy_diff::values(&r.parameters)
                    .into_iter()
                    .map(|(parameter, value)| ParameterRow {
                        code: parameter.code(),
                        label: parameter.label(),
                        articles: articles(parameter),
                        city: shown(value),
                        value: shown(value),
                        direction: "",
                        direction_label: "",
                        badge: "",
                    })
                    .collect(),
                (Ok(_), false) => policy_diff::differences_from_city(policies, &j.jurisdiction, today)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|d| ParameterRow {
                        code: d.parameter.code(),
                        label: d.parameter.label(),
                        articles: articles(d.parameter),
                        city: shown(d.city),
                        value: shown(d.value),
                        direction: d.direction.code(),
                        direction_label: d.direction.label(),
                        badge: badge(d.direction),
                    })
                    .collect(),
                (Err(_), _) => Vec::new(),
            };
            JurisdictionView {
                code: j.jurisdiction.to_string(),
                name: j.name.clone(),
                parent: j.parent.as_ref().map(|p| policies.name_of(p)).unwrap_or_default(),
                versions: j
                    .versions
                    .iter()
                    .map(|v| VersionRow {
                        effective: v.effective.to_string(),
                        title: v.title.clone().unwrap_or_default(),
                    })
                    .collect(),
                in_force: match &resolved {
                    Ok(r) => r.version.clone(),
                    Err(refusal) => refusal.to_string(),
                },
                is_city,
                rows,
            }
        })
        .collect();
    // The city first, then its districts.
    jurisdictions.sort_by(|a, b| (!a.is_city, &a.code).cmp(&(!b.is_city, &b.code)));
    Ok(render(&PoliciesPage {
        layout: Layout::new(&user, "实施细则", "/policies", today),
        today: today.to_string(),
        jurisdictions,
    }))
}
