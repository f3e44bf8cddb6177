//! The HTML pages, one module per screen.

mod account;
mod actions;
mod admin;
mod audit_log;
mod dashboard;
pub(crate) mod documents;
pub(crate) mod exports;
mod imports;
mod login;
mod notifications;
mod open_data;
mod papers;
mod plans;
mod policies;
mod project;
mod project_rating;
mod projects;
mod public;
pub(crate) mod rankings;
mod second_factor;
mod supervision;
mod workbench;

pub(crate) use dashboard::charts;
pub(crate) use papers::download as paper_download;
pub(crate) use projects::parse_query;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/login/sso", get(login::sso_start))
        .route("/login/sso/callback", get(login::sso_callback))
        .route("/logout", post(login::logout))
        .route("/session/role", post(login::switch_role))
        .route("/account/password", get(account::form).post(account::submit))
        .route("/account/second-factor", get(second_factor::form).post(second_factor::submit))
        .route("/", get(workbench::page))
        .route("/projects", get(projects::list))
        .route("/projects/export.xlsx", get(exports::projects))
        .route("/plans/export.xlsx", get(exports::plan))
        .route("/plans/template.xlsx", get(exports::template))
        .route("/projects/new", get(actions::register_form).post(actions::register_submit))
        .route("/projects/{id}", get(project::detail))
        .route("/projects/{id}/paper/{seq}", get(papers::download))
        .route("/documents/{digest}", get(documents::download))
        .route("/projects/{id}/act/{action}", get(actions::form).post(actions::submit))
        .route("/plans", get(plans::page))
        .route("/plans/import", get(imports::form))
        .route("/plans/act/{action}", post(plans::act))
        .route("/plans/assign", get(actions::assign_form).post(actions::assign_submit))
        .route("/supervision", get(supervision::supervision))
        .route("/alerts", get(supervision::alerts))
        .route("/rankings", get(rankings::page))
        .route("/rankings/export.xlsx", get(rankings::export))
        .route("/rankings/publish", post(rankings::publish))
        .route("/notifications", get(notifications::page))
        .route("/notifications/count", get(notifications::count))
        .route("/notifications/read", post(notifications::mark))
        .route("/notifications/email", post(notifications::email))
        .route("/dashboard", get(dashboard::page))
        .route("/policies", get(policies::page))
        .route("/public", get(public::page))
        .route("/public/statistics", get(public::statistics))
        .route("/public/data", get(open_data::page))
        .route("/public/dictionary", get(open_data::dictionary))
        .route("/public/catalog.json", get(open_data::catalog))
        .route("/public/verify-open-data.sh", get(open_data::script))
        .route("/public/datasets/{id}/{file}", get(open_data::numbered))
        .route("/public/{file}", get(open_data::latest))
        .route("/public/projects/{id}", get(public::project))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}", post(admin::update_account))
        .route("/admin/users/{id}/roles", post(admin::grant_roles))
        .route("/admin/audit", get(audit_log::page))
        .route("/admin/organizations", get(admin::organizations).post(admin::create_organization))
}

/// The page upload route, served under its own larger body limit ([`crate::UPLOAD_BODY_LIMIT`]).
pub(crate) fn upload_routes() -> Router<AppState> {
    Router::new().route("/documents", post(documents::upload)).route("/plans/import", post(imports::submit))
}
