//! 项目库: search, filter, sort and page through the projects one may see.

use crate::AppState;
use crate::error::{WebError, render};
use crate::session::CurrentUser;
use crate::view::{Layout, wan, wan_or_dash};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use govit_app::listing::{ProjectPage, ProjectQuery};
use govit_rules::rating::HealthLevel;
use govit_rules::vocab::{Route, Status};

/// Parses a query string, ignoring empty fields (an unset filter in a form submits as empty).
pub(crate) fn parse_query<T: serde::de::DeserializeOwned + Default>(raw: Option<&str>) -> Result<T, WebError> {
    let Some(raw) = raw else { return Ok(T::default()) };
    let kept: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(raw.as_bytes()).filter(|(_, v)| !v.trim().is_empty()))
        .finish();
    serde_urlencoded::from_str(&kept)
        .map_err(|e| WebError::Invalid { field: "查询条件".to_owned(), reason: e.to_string() })
}

/// A list's query without its page and empty fields: what the pager's links start from.
pub(crate) fn without_page(raw: Option<&str>) -> String {
    let pairs = raw.map(|r| {
        form_urlencoded::parse(r.as_bytes()).filter(|(k, v)| k != "page" && !v.is_empty()).collect::<Vec<_>>()
    });
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs.unwrap_or_default()).finish()
}

#[derive(Debug)]
struct Row {
    id: String,
    name: String,
    owner: String,
    status: &'static str,
    status_label: &'static str,
    route_label: &'static str,
    investment: String,
    approved: String,
    year: String,
    overdue: String,
    rating: &'static str,
    rating_label: &'static str,
    rating_score: u8,
    self_rating: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    layout: Layout,
    rows: Vec<Row>,
    total: usize,
    page: usize,
    pages: usize,
    statuses: Vec<(&'static str, &'static str, bool)>,
    routes: Vec<(&'static str, &'static str, bool)>,
    ratings: Vec<(&'static str, &'static str, bool)>,
    q: String,
    owner: String,
    year: String,
    min: String,
    max: String,
    overdue: bool,
    sort: String,
    desc: bool,
    /// The query without `page`, for the pager's links.
    base: String,
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let query: ProjectQuery = parse_query(raw.as_deref())?;
    let today = state.app.clock().today();
    let ProjectPage { rows, total, page, pages, .. } =
        state.app.list_projects(&user.session.actor, &query, today).await?;
    let rows = rows
        .into_iter()
        .map(|r| Row {
            id: r.id.to_string(),
            name: r.name,
            owner: r.owner,
            status: r.status.code(),
            status_label: r.status_label,
            route_label: r.route_label,
            investment: wan(r.investment),
            approved: wan_or_dash(r.approved_investment),
            year: r.plan_year.map_or_else(|| "—".to_owned(), |y| y.to_string()),
            overdue: r.overdue.join("、"),
            rating: r.rating.code(),
            rating_label: r.rating_label,
            rating_score: r.rating_score,
            self_rating: r.self_rating.map(|l| l.label()),
        })
        .collect();
    let base = without_page(raw.as_deref());
    let money = |m: Option<govit_rules::Money>| m.map(|m| m.yuan().to_string()).unwrap_or_default();
    Ok(render(&ProjectsPage {
        layout: Layout::new(&user, "项目库", "/projects", today),
        rows,
        total,
        page,
        pages,
        statuses: Status::ALL.iter().map(|s| (s.code(), s.label(), query.status == Some(*s))).collect(),
        routes: Route::ALL.iter().map(|r| (r.code(), r.label(), query.route == Some(*r))).collect(),
        ratings: HealthLevel::ALL.iter().map(|r| (r.code(), r.label(), query.rating == Some(*r))).collect(),
        q: query.q.clone().unwrap_or_default(),
        owner: query.owner.clone().unwrap_or_default(),
        year: query.year.map(|y| y.to_string()).unwrap_or_default(),
        min: money(query.min),
        max: money(query.max),
        overdue: query.overdue == Some(true),
        sort: query.sort.clone().unwrap_or_else(|| "id".to_owned()),
        desc: query.desc == Some(true),
        base,
    }))
}
