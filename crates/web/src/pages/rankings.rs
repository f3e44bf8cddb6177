//! 电子监察排名 [25]: a month's ranking of owner units and districts — red and yellow cards, days overdue,
//! rectifications ordered, failed and late, changes needing re-approval — with a chart, the .xlsx, and the
//! bureau's publication that freezes it.

use super::dashboard::embed;
use super::plans::{done_or_refused, execute_today};
use super::projects::parse_query;
use crate::AppState;
use crate::download::attachment;
use crate::error::{WebError, render};
use crate::session::{CurrentUser, Posted};
use crate::view::{Layout, OutcomeView};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use govit_app::exchange;
use govit_app::ranking::{self, RankingView};
use govit_rules::authz::{self, Subject};
use govit_rules::ranking::Period;
use govit_rules::{Action, Command, Date, JurisdictionId};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RankingQuery {
    period: Option<String>,
    jurisdiction: Option<String>,
    /// What was just done (after publishing).
    done: Option<String>,
}

/// The month and jurisdiction asked for: last month and the reader's own by default.
fn target(raw: Option<&str>, today: Date) -> Result<(Period, Option<JurisdictionId>), WebError> {
    let q: RankingQuery = parse_query(raw)?;
    ranking_target(q.period.as_deref(), q.jurisdiction, today)
}

/// The month and jurisdiction of a ranking as the page and the API read them from a query: last month and
/// the reader's own jurisdiction when not given.
pub(crate) fn ranking_target(
    period: Option<&str>,
    jurisdiction: Option<String>,
    today: Date,
) -> Result<(Period, Option<JurisdictionId>), WebError> {
    let bad = |field: &str, reason: String| WebError::Invalid { field: field.to_owned(), reason };
    let period = match period.filter(|p| !p.is_empty()) {
        Some(p) => Period::parse(p).map_err(|e| bad("period", e))?,
        None => Period::of(today).previous(),
    };
    let jurisdiction = match jurisdiction.filter(|j| !j.is_empty()) {
        Some(j) => Some(JurisdictionId::parse(j).map_err(|e| bad("jurisdiction", e))?),
        None => None,
    };
    Ok((period, jurisdiction))
}

/// One table of the page: the units', or the districts'.
struct Section {
    id: &'static str,
    title: &'static str,
    rows: Vec<govit_rules::ranking::RankRow>,
}

#[derive(Template)]
#[template(path = "rankings.html")]
struct RankingsPage {
    layout: Layout,
    outcome: Option<OutcomeView>,
    view: RankingView,
    sections: Vec<Section>,
    /// The month shown is not over yet: counted up to today.
    running: bool,
    /// The months offered: the last 24.
    months: Vec<(String, String)>,
    may_publish: bool,
    /// The chart of the ten units with most red cards, as ECharts JSON.
    chart: String,
    query: String,
}

pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let q: RankingQuery = parse_query(raw.as_deref())?;
    let outcome = q.done.clone().map(|message| OutcomeView { kind: "ok", title: message, reasons: Vec::new() });
    let (period, jurisdiction) = ranking_target(q.period.as_deref(), q.jurisdiction, today)?;
    let actor = &user.session.actor;
    let view = state.app.ranking(actor, jurisdiction, period).await?;
    let subject = Subject::Plan { jurisdiction: &view.jurisdiction };
    let may_publish = view.published.is_none()
        && period.last() < today
        && authz::authorize(actor, Action::PublishRanking, subject, None, state.app.policies(), today).is_ok();
    let mut months = Vec::new();
    let mut month = Period::of(today);
    for _ in 0..24 {
        months.push((month.to_string(), month.label()));
        month = month.previous();
    }
    let top: Vec<_> = view.table.units.iter().filter(|r| r.tally.red + r.tally.yellow > 0).take(10).collect();
    let names: Vec<&str> = top.iter().map(|r| r.name.as_str()).collect();
    let chart = json!({
        "tooltip": { "trigger": "axis" },
        "legend": { "data": ["红牌", "黄牌"] },
        "grid": { "left": 8, "right": 24, "top": 32, "bottom": 8, "containLabel": true },
        "xAxis": { "type": "value", "minInterval": 1 },
        "yAxis": { "type": "category", "inverse": true, "data": names },
        "series": [
            { "name": "红牌", "type": "bar", "stack": "cards", "color": "#b3261e",
              "data": top.iter().map(|r| r.tally.red).collect::<Vec<_>>() },
            { "name": "黄牌", "type": "bar", "stack": "cards", "color": "#d9a441",
              "data": top.iter().map(|r| r.tally.yellow).collect::<Vec<_>>() },
        ],
    });
    let query = format!("period={}&jurisdiction={}", view.period, view.jurisdiction);
    let sections = vec![
        Section { id: "units", title: "建设单位", rows: view.table.units.clone() },
        Section { id: "districts", title: "辖区", rows: view.table.districts.clone() },
    ];
    Ok(render(&RankingsPage {
        layout: Layout::new(&user, "电子监察排名", "/rankings", today),
        outcome,
        sections,
        running: period.last() >= today,
        months,
        may_publish,
        chart: embed(&chart),
        query,
        view,
    }))
}

pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let (period, jurisdiction) = target(raw.as_deref(), today)?;
    let view = state.app.ranking(&user.session.actor, jurisdiction, period).await?;
    Ok(attachment(exchange::XLSX_MEDIA_TYPE, &ranking::file_name(&view), ranking::workbook(&view)?))
}

/// The bureau publishes the month shown: the application layer computes the table, the rules decide.
pub(super) async fn publish(
    State(state): State<AppState>,
    Posted { user, form }: Posted,
) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let mut with = serde_json::Map::new();
    for field in ["period", "jurisdiction"] {
        with.insert(field.to_owned(), form.one(field).unwrap_or_default().into());
    }
    let command = state.app.draft(Action::PublishRanking, with, &user.session).await?.map_err(|e| {
        let (field, reason) = e.into_fields().into_iter().next().unwrap_or_default();
        WebError::Invalid { field, reason }
    })?;
    // Back to the month published, from what was parsed (never the raw form: it goes into a header).
    let back = match &command {
        Command::PublishRanking { period, jurisdiction, .. } => {
            let jurisdiction = jurisdiction.as_ref().unwrap_or(&user.session.actor.jurisdiction);
            format!("/rankings?period={period}&jurisdiction={jurisdiction}")
        }
        _ => "/rankings".to_owned(),
    };
    let executed = execute_today(&state, &user, command, today).await?;
    done_or_refused(&user, Action::PublishRanking, &executed, back, "/rankings", today)
}
