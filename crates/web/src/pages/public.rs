//! 政务公开: the approved projects, without login — owner, category, approved investment, status — and the
//! same list as CSV and JSON. What is public is the operator's choice (`DATA/open-data.yaml`).

use crate::AppState;
use crate::error::{WebError, render};
use crate::view::wan;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use govit_app::stats::{PublicProject, open_data_csv};
use govit_rules::Money;

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    rows: Vec<(PublicProject, String)>,
    show_investment: bool,
    today: String,
}

async fn rows(state: &AppState) -> Result<Vec<PublicProject>, WebError> {
    Ok(state.app.open_data(&state.open_data).await?)
}

pub(super) async fn page(State(state): State<AppState>) -> Result<Response, WebError> {
    let rows = rows(&state).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let shown =
                r.approved_investment.and_then(|y| Money::from_yuan(y).ok()).map_or_else(|| "—".to_owned(), wan);
            (r, shown)
        })
        .collect();
    Ok(render(&PublicPage {
        rows,
        show_investment: state.open_data.show_investment,
        today: state.app.clock().today().to_string(),
    }))
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
