//! 导入申报表: a 项目建设单位 uploads its filled-in proposal template; every row is checked and, only if all
//! pass the rules, each is registered and proposed for the year's plan (`govit_app::exchange::import_proposals`).

use super::documents::read_multipart;
use super::projects::parse_query;
use crate::AppState;
use crate::error::{WebError, render};
use crate::session::CurrentUser;
use crate::view::{Layout, wan};
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use govit_app::exchange::{self, ImportError, ImportReport};
use govit_rules::Role;
use govit_rules::Year;
use serde::Deserialize;

struct RowView {
    row: u32,
    project: String,
    name: String,
    investment: String,
    route: &'static str,
    approver: String,
    status: &'static str,
    note: String,
}

struct ReportView {
    year: i32,
    owner: String,
    rows: Vec<RowView>,
}

impl ReportView {
    fn of(r: ImportReport) -> ReportView {
        let rows = r
            .rows
            .into_iter()
            .map(|row| RowView {
                row: row.row,
                project: row.project.to_string(),
                name: row.name,
                investment: wan(row.investment),
                route: row.route_label,
                approver: row.approver,
                status: row.status_label,
                note: if row.replayed {
                    "此前已导入,未重复登记".to_owned()
                } else {
                    row.warnings.iter().map(ToString::to_string).collect::<Vec<_>>().join(";")
                },
            })
            .collect();
        ReportView { year: r.year.get(), owner: r.owner, rows }
    }
}

#[derive(Template)]
#[template(path = "plan_import.html")]
struct ImportPage {
    layout: Layout,
    year: i32,
    may_import: bool,
    errors: Vec<String>,
    report: Option<ReportView>,
}

fn page(
    user: &CurrentUser,
    state: &AppState,
    year: Year,
    errors: Vec<String>,
    report: Option<ImportReport>,
) -> Response {
    let today = state.app.clock().today();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut response = render(&ImportPage {
        layout: Layout::new(user, "导入年度计划申报表", "/plans", today),
        year: year.get(),
        may_import: user.session.actor.role == Role::Owner,
        errors,
        report: report.map(ReportView::of),
    });
    *response.status_mut() = status;
    response
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct YearQuery {
    year: Option<Year>,
}

/// `GET /plans/import?year=`: the upload form (next year's plan unless named).
pub(super) async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let q: YearQuery = parse_query(raw.as_deref())?;
    let year = q.year.unwrap_or_else(|| Year::of(state.app.clock().today()).next());
    Ok(page(&user, &state, year, Vec::new(), None))
}

/// `POST /plans/import` (multipart: `_csrf`, `year`, `file`).
pub(super) async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let default_year = Year::of(state.app.clock().today()).next();
    let multipart = multipart.map_err(|e| WebError::Invalid {
        field: "申报表".to_owned(),
        reason: format!("上传须为 multipart/form-data:{}", e.body_text()),
    })?;
    let form = read_multipart(multipart).await.map_err(|e| WebError::Invalid {
        field: "申报表".to_owned(),
        reason: if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            format!("文件超过上限 {} MiB", crate::UPLOAD_BODY_LIMIT / (1024 * 1024))
        } else {
            format!("上传的内容无法读取:{}", e.body_text())
        },
    })?;
    user.check_csrf(form.text("_csrf"))?;
    let year = match form.text("year").map(str::trim) {
        None | Some("") => default_year,
        Some(text) => match Year::parse(text) {
            Ok(y) => y,
            Err(e) => {
                let errors = vec![format!("计划年度:“{text}”不是有效的年份,{e}")];
                return Ok(page(&user, &state, default_year, errors, None));
            }
        },
    };
    let Some(file) = form.files.first() else {
        return Ok(page(&user, &state, year, vec!["申报表:请选择要上传的 .xlsx 文件".to_owned()], None));
    };
    let today = state.app.clock().today();
    match exchange::import_proposals(&state.app, &user.session.actor, year, &file.bytes, today).await {
        Ok(report) => Ok(page(&user, &state, year, Vec::new(), Some(report))),
        Err(ImportError::App(e)) => Err(e.into()),
        Err(ImportError::Forbidden { reason }) => Err(WebError::Forbidden(reason)),
        Err(e) => Ok(page(&user, &state, year, e.messages(), None)),
    }
}
