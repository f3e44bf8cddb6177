//! The JSON API under `/api/v1`: every command through one endpoint, every query as a resource. Errors are
//! `{code, message, articles}`; a refusal by the regulation is `422 refused` with its articles.
//!
//! This file is the route table; the handlers are in one module per resource, as the pages are.

mod account;
mod commands;
mod dashboard;
mod documents;
mod error;
pub(crate) use error::too_large_as_json;
mod exchange;
mod notifications;
mod openapi;
mod plans;
mod policies;
mod projects;
mod request;

use error::ApiError;
use request::{ApiUser, parse_body};

use crate::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", post(account::login).delete(account::logout))
        .route("/me", get(account::me))
        .route("/me/password", post(account::change_password))
        .route("/me/email", post(account::change_email))
        .route("/notifications", get(notifications::notifications))
        .route("/notifications/read", post(notifications::read_all_notifications))
        .route("/notifications/{id}/read", post(notifications::read_notification))
        .route("/me/second-factor", post(account::begin_second_factor))
        .route("/me/second-factor/{step}", post(account::second_factor_step))
        .route("/commands", post(commands::command))
        .route("/workbench", get(dashboard::workbench))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/rankings", get(dashboard::ranking))
        .route("/open-data", get(dashboard::open_data))
        .route("/projects", get(projects::projects))
        .route("/projects/{id}", get(projects::project))
        .route("/projects/{id}/timeline", get(projects::timeline))
        .route("/projects/{id}/documents", get(documents::project_documents))
        .route("/documents/{digest}", get(documents::download_document))
        .route("/plans/{jurisdiction}/{year}", get(plans::plan))
        .route("/exports/plan.xlsx", get(exchange::plan))
        .route("/exports/projects.xlsx", get(exchange::projects))
        .route("/exports/proposal-template.xlsx", get(exchange::template))
        .route("/projects/{id}/papers/{seq}", get(exchange::paper))
        .route("/policies", get(policies::policies))
        .route("/regulation", get(policies::regulation))
        .route("/openapi.json", get(openapi::document))
        .route("/docs", get(openapi::docs))
        .route("/docs/swagger-init.js", get(openapi::init_script))
        .fallback(not_found)
}

/// The upload route, served under its own larger body limit ([`crate::UPLOAD_BODY_LIMIT`]).
pub(crate) fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/documents", post(documents::upload_document))
        .route("/imports/proposals", post(exchange::import))
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个接口")
}
