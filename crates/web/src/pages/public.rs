//! 政务公开: the public set of projects without login — searched, filtered, sorted and paged (50 a page, stable
//! URLs), a page per project with what the operator publishes — and the same set as CSV and JSON. What is
//! public is the operator's choice (`DATA/open-data.yaml`).

use super::projects::{parse_query, without_page};
use crate::AppState;
use crate::error::{WebError, render};
use crate::view::wan;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use govit_app::portal::{PortalQuery, PublicDetail};
use govit_app::stats::{PublicProject, open_data_csv};
use govit_papers::PaperKind;
use govit_rules::vocab::{Category, Status};
use govit_rules::{Money, ProjectId};

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

async fn rows(state: &AppState) -> Result<Vec<PublicProject>, WebError> {
    Ok(state.app.open_data(&state.open_data).await?)
}

pub(super) async fn csv(State(state): State<AppState>) -> Result<Response, WebError> {
    let body = open_data_csv(&rows(&state).await?);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"govit-projects.csv\""),
        ],
        body,
    )
        .into_response())
}

pub(super) async fn json(State(state): State<AppState>) -> Result<Response, WebError> {
    Ok(axum::Json(rows(&state).await?).into_response())
}
