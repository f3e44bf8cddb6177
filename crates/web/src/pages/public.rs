//! 政务公开: the public set of projects without login — searched, filtered, sorted and paged (50 a page, stable
//! URLs), a page per project with what the operator publishes, and its charts with their tables. What is
//! public is the operator's choice (`DATA/open-data.yaml`); the published data sets are [`super::open_data`].

use super::dashboard::{bar, embed, wan_number};
use super::projects::{parse_query, without_page};
use crate::AppState;
use crate::error::{WebError, render};
use crate::view::wan;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use govit_app::open_data::PublicProject;
use govit_app::portal::{PortalFigures, PortalQuery, PublicDetail};
use govit_app::stats::Figure;
use govit_papers::PaperKind;
use govit_rules::vocab::{Category, Status};
use govit_rules::{Money, ProjectId};
use serde_json::{Value, json};

/// A row with its investment as people read it (万元, or — when withheld or not yet approved).
fn shown(r: PublicProject) -> (PublicProject, String) {
    let money = r.approved_investment.and_then(|y| Money::from_yuan(y).ok()).map_or_else(|| "—".to_owned(), wan);
    (r, money)
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    rows: Vec<(PublicProject, String)>,
    show_investment: bool,
    today: String,
    total: usize,
    page: usize,
    pages: usize,
    q: String,
    year: String,
    min: String,
    max: String,
    sort: String,
    desc: bool,
    categories: Vec<(&'static str, &'static str, bool)>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    districts: Vec<(String, String, bool)>,
    /// The query without `page`, for the pager's links.
    base: String,
}

pub(super) async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, WebError> {
    let query: PortalQuery = parse_query(raw.as_deref())?;
    let config = &state.open_data;
    let found = state.app.portal(config, &query).await?;
    let base = without_page(raw.as_deref());
    let money = |m: Option<Money>| m.map(|m| m.yuan().to_string()).unwrap_or_default();
    let districts = state
        .app
        .policies()
        .jurisdictions()
        .map(|j| {
            let code = j.jurisdiction.to_string();
            (code, state.app.policies().name_of(&j.jurisdiction), query.district.as_ref() == Some(&j.jurisdiction))
        })
        .collect();
    Ok(render(&PublicPage {
        rows: found.rows.into_iter().map(shown).collect(),
        show_investment: config.show_investment,
        today: state.app.clock().today().to_string(),
        total: found.total,
        page: found.page,
        pages: found.pages,
        q: query.q.clone().unwrap_or_default(),
        year: query.year.map(|y| y.to_string()).unwrap_or_default(),
        min: money(query.min),
        max: money(query.max),
        sort: query.sort.clone().unwrap_or_else(|| "id".to_owned()),
        desc: query.desc == Some(true),
        categories: Category::ALL.iter().map(|c| (c.code(), c.label(), query.category == Some(*c))).collect(),
        statuses: Status::ALL
            .iter()
            .filter(|s| config.statuses.contains(s))
            .map(|s| (s.code(), s.label(), query.status == Some(*s)))
            .collect(),
        districts,
        base,
    }))
}

#[derive(Template)]
#[template(path = "public_project.html")]
struct PublicProjectPage {
    detail: PublicDetail,
    /// `(批复 or 备案, 文号, date)`.
    replies: Vec<(&'static str, String, String)>,
    investment: String,
    show_investment: bool,
}

pub(super) async fn project(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, WebError> {
    let id = ProjectId::parse(id).map_err(|e| WebError::NotFound(e.into()))?;
    let detail = state.app.public_project(&state.open_data, &id).await?;
    let (_, investment) = shown(detail.project.clone());
    let replies = detail
        .replies
        .iter()
        .map(|r| {
            let kind = if r.approval { PaperKind::ApprovalReply } else { PaperKind::FilingReceipt };
            let number = govit_papers::document_number(&state.app, &detail.jurisdiction, kind, r.on, r.seq);
            (if r.approval { "批复" } else { "备案" }, number, r.on.to_string())
        })
        .collect();
    Ok(render(&PublicProjectPage { detail, replies, investment, show_investment: state.open_data.show_investment }))
}

#[derive(Template)]
#[template(path = "public_statistics.html")]
struct StatisticsPage {
    figures: PortalFigures,
    today: String,
    year_title: &'static str,
    year_chart: String,
    /// `(year, a cell per category)`.
    year_rows: Vec<(String, Vec<String>)>,
    status_chart: String,
    status_rows: Vec<(&'static str, usize, String)>,
}

/// The portal's charts, each with its table: the public set by plan year and category (approved investment
/// where it is published, else the number of projects) and by status.
pub(super) async fn statistics(State(state): State<AppState>) -> Result<Response, WebError> {
    let figures = state.app.portal_figures(&state.open_data).await?;
    let money = figures.show_investment;
    let year_label = |y: Option<i32>| y.map_or_else(|| "未列入计划".to_owned(), |y| format!("{y}年"));
    let cell = |(n, m): (usize, Money)| if money { wan_number(m) } else { json!(n) };
    let series: Vec<Value> = figures
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let data: Vec<Value> =
                figures.years.iter().map(|y| y.cells.get(i).copied().map_or(Value::Null, cell)).collect();
            json!({ "name": c, "type": "bar", "stack": "all", "data": data })
        })
        .collect();
    let years: Vec<String> = figures.years.iter().map(|y| year_label(y.year)).collect();
    // Drawn at once: a chart growing into place is motion some readers cannot take, and a screenshot mid-way.
    let year_chart = json!({
        "animation": false,
        "tooltip": { "trigger": "axis" },
        "legend": { "type": "scroll", "bottom": 0 },
        "grid": { "left": 60, "right": 20, "top": 30, "bottom": 60 },
        "xAxis": { "type": "category", "data": years },
        "yAxis": { "type": "value", "name": if money { "万元" } else { "个" } },
        "series": series,
    });
    let year_rows = figures
        .years
        .iter()
        .map(|y| {
            let cells =
                y.cells.iter().map(|(n, m)| if money { format!("{n} 个 / {}", wan(*m)) } else { format!("{n} 个") });
            (year_label(y.year), cells.collect())
        })
        .collect();
    let status_figures: Vec<Figure> = figures
        .by_status
        .iter()
        .map(|(label, n, m)| Figure { label: (*label).to_owned(), projects: *n, investment: *m })
        .collect();
    let mut status_chart = bar("", &status_figures, |f| json!(f.projects), "个", false);
    status_chart["animation"] = json!(false);
    let status_rows = figures.by_status.iter().map(|(label, n, m)| (*label, *n, wan(*m))).collect();
    Ok(render(&StatisticsPage {
        today: state.app.clock().today().to_string(),
        year_title: if money {
            "按计划年度和类别的核定投资(万元)"
        } else {
            "按计划年度和类别的项目数"
        },
        year_chart: embed(&year_chart),
        year_rows,
        status_chart: embed(&status_chart),
        status_rows,
        figures,
    }))
}
