//! 监督整改 (rectifications and measures in one's remit) and 预警 (everything overdue, by department).

use super::project::{rectification_state, verification_text};
use crate::AppState;
use crate::error::{WebError, render};
use crate::session::CurrentUser;
use crate::view::Layout;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use govit_app::work::DeadlineItem;
use std::collections::BTreeMap;

struct RectRow {
    project: String,
    name: String,
    owner: String,
    number: u32,
    area: &'static str,
    finding: String,
    by: String,
    due: String,
    state: &'static str,
    state_label: &'static str,
    badge: &'static str,
    /// Who verified it and when, or who is to verify a report.
    verification: String,
    overdue: bool,
}

/// An open 电子监察 card [25] in the reader's remit.
struct CardRow {
    project: String,
    name: String,
    owner: String,
    label: String,
    article: u8,
    card: &'static str,
    card_label: &'static str,
    due: String,
    issued: String,
    /// The dispute and where it stands, if any.
    dispute: Option<String>,
}

struct MeasureRow {
    project: String,
    name: String,
    measure: &'static str,
    on: String,
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct SupervisionPage {
    layout: Layout,
    open: Vec<RectRow>,
    closed: Vec<RectRow>,
    measures: Vec<MeasureRow>,
    cards: Vec<CardRow>,
}

pub(super) async fn supervision(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let mut open = Vec::new();
    let mut closed = Vec::new();
    let mut measures = Vec::new();
    let mut cards = Vec::new();
    for p in state.app.visible_projects(&user.session.actor).await? {
        for c in p.open_cards() {
            cards.push(CardRow {
                project: p.id.to_string(),
                name: p.name.to_string(),
                owner: p.owner.name.to_string(),
                label: c.deadline.label(),
                article: c.deadline.article(),
                card: c.card.code(),
                card_label: c.card.label(),
                due: c.due.to_string(),
                issued: c.issued_on.to_string(),
                dispute: c.dispute.as_ref().map(|d| match &d.outcome {
                    Some((outcome, on)) => format!("{on} {}", outcome.label()),
                    None => format!("{} 提出异议,待处理", d.on),
                }),
            });
        }
        for r in &p.rectifications {
            let (state, state_label, badge) = rectification_state(r);
            let row = RectRow {
                project: p.id.to_string(),
                name: p.name.to_string(),
                owner: p.owner.name.to_string(),
                number: r.number,
                area: r.area.label(),
                finding: r.finding.to_string(),
                by: r.ordered_by.to_string(),
                due: r.due.to_string(),
                state,
                state_label,
                badge,
                verification: verification_text(r, p.audience()).unwrap_or_default(),
                overdue: r.is_overdue(today),
            };
            if r.is_open() { open.push(row) } else { closed.push(row) }
        }
        for (m, on) in &p.measures {
            measures.push(MeasureRow {
                project: p.id.to_string(),
                name: p.name.to_string(),
                measure: m.label(),
                on: on.to_string(),
            });
        }
    }
    open.sort_by(|a, b| a.due.cmp(&b.due));
    measures.sort_by(|a, b| b.on.cmp(&a.on));
    // Red before yellow, the longest overdue first.
    cards.sort_by(|a, b| (a.card != "red", &a.due).cmp(&(b.card != "red", &b.due)));
    Ok(render(&SupervisionPage {
        layout: Layout::new(&user, "监督整改", "/supervision", today),
        open,
        closed,
        measures,
        cards,
    }))
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    layout: Layout,
    total: usize,
    by_owner: Vec<(String, Vec<DeadlineItem>)>,
}

pub(super) async fn alerts(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let bench = state.app.workbench(&user.session.actor, today, govit_app::work::WorkPage::ALL).await?;
    let total = bench.overdue.len();
    let mut grouped: BTreeMap<String, Vec<DeadlineItem>> = BTreeMap::new();
    for d in bench.overdue {
        grouped.entry(d.owner.clone()).or_default().push(d);
    }
    let mut by_owner: Vec<(String, Vec<DeadlineItem>)> = grouped.into_iter().collect();
    by_owner.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    Ok(render(&AlertsPage { layout: Layout::new(&user, "预警", "/alerts", today), total, by_owner }))
}
