//! The JSON API under `/api/v1`: every command through one endpoint, every query as a resource. Errors are
//! `{code, message, articles}`; a refusal by the regulation is `422 refused` with its articles.

mod exchange;
mod openapi;

use crate::AppState;
use crate::error::WebError;
use crate::session::{CurrentUser, clear_cookie, cookie, token};
use axum::extract::{FromRequestParts, Path, Query, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use govit_app::{AppError, CommandRequest, Executed, ProjectView};
use govit_rules::Year;
use govit_rules::command::Action;
use govit_rules::draft::{self, DraftError};
use govit_rules::{Date, JurisdictionId, ProjectId, Rejection};
use serde::Deserialize;
use serde_json::{Value, json};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", post(login).delete(logout))
        .route("/me", get(me))
        .route("/me/password", post(change_password))
        .route("/me/email", post(change_email))
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(read_all_notifications))
        .route("/notifications/{id}/read", post(read_notification))
        .route("/me/second-factor", post(begin_second_factor))
        .route("/me/second-factor/{step}", post(second_factor_step))
        .route("/commands", post(command))
        .route("/workbench", get(workbench))
        .route("/dashboard", get(dashboard))
        .route("/open-data", get(open_data))
        .route("/projects", get(projects))
        .route("/projects/{id}", get(project))
        .route("/projects/{id}/timeline", get(timeline))
        .route("/projects/{id}/documents", get(project_documents))
        .route("/documents/{digest}", get(download_document))
        .route("/plans/{jurisdiction}/{year}", get(plan))
        .route("/exports/plan.xlsx", get(exchange::plan))
        .route("/exports/projects.xlsx", get(exchange::projects))
        .route("/exports/proposal-template.xlsx", get(exchange::template))
        .route("/projects/{id}/papers/{seq}", get(exchange::paper))
        .route("/policies", get(policies))
        .route("/regulation", get(regulation))
        .route("/openapi.json", get(openapi::document))
        .route("/docs", get(openapi::docs))
        .route("/docs/swagger-init.js", get(openapi::init_script))
        .fallback(not_found)
}

/// The upload route, served under its own larger body limit ([`crate::UPLOAD_BODY_LIMIT`]).
pub(crate) fn upload_routes() -> Router<AppState> {
    Router::new().route("/documents", post(upload_document)).route("/imports/proposals", post(exchange::import))
}

/// An API error: `{code, message, articles, field?}` with its status; a fault of the server (500, `internal`)
/// or of a service it depends on (503, `unavailable`) adds `correlation_id`, which finds the detail in the log.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    body: Value,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError { status, body: json!({ "code": code, "message": message.into(), "articles": [] }) }
    }
    /// A request that is not a command: 400 when malformed, 422 when well formed but contradicting the record
    /// (another owner kind than the organisation's [2][9]). The first field is named; all are listed.
    fn drafted(error: DraftError) -> ApiError {
        let status = match error {
            DraftError::Malformed(_) => StatusCode::BAD_REQUEST,
            DraftError::ContradictsRecord(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let fields = error.into_fields();
        let (field, reason) = fields.iter().next().map_or(("with", "参数有误"), |(f, r)| (f.as_str(), r.as_str()));
        let mut e = ApiError::invalid(field, reason);
        e.status = status;
        e.body["fields"] = json!(fields);
        e
    }

    /// A fault of the server or of a dependency: logged under a fresh correlation id, which the body carries
    /// (also in the message); the detail is never in the body.
    fn fault(e: WebError, code: &str) -> ApiError {
        let correlation_id = e.log_fault();
        let mut a = ApiError::new(e.status(), code, crate::error::shown(&e, correlation_id.as_deref()));
        a.body["correlation_id"] = json!(correlation_id);
        if let WebError::Unavailable { service, .. } = &e {
            a.body["service"] = json!(service);
        }
        a
    }

    fn invalid(field: &str, reason: impl Into<String>) -> ApiError {
        let reason = reason.into();
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid", format!("{field}:{reason}"));
        e.body["field"] = json!(field);
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e {
            AppError::Invalid { field, reason } => ApiError::invalid(&field, reason),
            AppError::NotFound { what } => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what}不存在或您无权查看"))
            }
            e @ AppError::Tampered { .. } => ApiError::new(StatusCode::CONFLICT, "tampered", e.to_string()),
            AppError::Forbidden { reason } => ApiError::new(StatusCode::FORBIDDEN, "forbidden", reason),
            e @ AppError::Personal { .. } => {
                // What went wrong with a key is said (never the data): an operator fixes it, not a retry.
                let mut a = ApiError::fault(WebError::Internal(e.to_string()), "personal_data");
                a.body["message"] = json!(crate::error::shown(&e, a.body["correlation_id"].as_str()));
                a
            }
            e @ (AppError::Internal { .. } | AppError::Store(_)) => ApiError::fault(e.into(), "internal"),
            e @ AppError::Unavailable { .. } => ApiError::fault(e.into(), "unavailable"),
        }
    }
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个接口")
}

/// The logged-in user of an API request; `401 unauthenticated` otherwise.
pub(crate) struct ApiUser(CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        CurrentUser::from_request_parts(parts, state).await.map(ApiUser).map_err(|e| match e {
            WebError::PasswordChangeRequired => ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "请先修改密码(POST /api/v1/me/password)",
            ),
            WebError::SecondFactorRequired => ApiError::new(
                StatusCode::FORBIDDEN,
                "second_factor_required",
                "本系统要求该岗位使用动态口令,请先启用(POST /api/v1/me/second-factor,再 POST /api/v1/me/second-factor/confirm)",
            ),
            e @ (WebError::Internal(_) | WebError::Unavailable { .. }) => e.into(),
            _ => ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录(POST /api/v1/session)"),
        })
    }
}

/// Reads a JSON body, answering a malformed one with the field and reason.
fn parse_body<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求体须为 application/json",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::invalid(if path == "." { "body" } else { &path }, e.into_inner().to_string())
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current: String,
    new: String,
}

/// `POST /me/password {current, new}`: the user's own password; clears a forced change.
async fn change_password(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let change: PasswordChange = parse_body(&headers, &body)?;
    state.app.change_password(user.session.user.id, &change.current, &change.new).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailChange {
    /// Empty or absent clears the address (no reminder mail).
    #[serde(default)]
    email: Option<String>,
}

/// `POST /me/email`: where the user's reminders are mailed.
async fn change_email(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let change: EmailChange = parse_body(&headers, &body)?;
    state.app.set_email(user.session.user.id, change.email.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /notifications`: the newest 200 notifications and the unread count.
async fn notifications(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ApiError> {
    let inbox = state.app.inbox(user.session.user.id, 200).await?;
    Ok(Json(json!(inbox)))
}

async fn read_notification(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = id.parse::<i64>().map_err(|_| ApiError::invalid("id", format!("“{id}”不是通知编号")))?;
    state.app.mark_read(user.session.user.id, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn read_all_notifications(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<StatusCode, ApiError> {
    state.app.mark_read(user.session.user.id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecondFactorCode {
    code: String,
}

async fn begin_second_factor(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ApiError> {
    let enrolment = state.app.begin_second_factor(user.session.user.id).await?;
    Ok(Json(json!({ "secret": enrolment.secret, "url": enrolment.url })))
}

/// `POST /me/second-factor/confirm` turns the second factor on, `/disable` off, each with a current code.
async fn second_factor_step(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    axum::extract::Path(step): axum::extract::Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let id = user.session.user.id;
    let given: SecondFactorCode = parse_body(&headers, &body)?;
    match step.as_str() {
        "confirm" => state.app.confirm_second_factor(id, &given.code).await?,
        "disable" => state.app.disable_second_factor(id, &given.code).await?,
        _ => return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个操作")),
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    username: String,
    password: String,
    /// The one-time code, for accounts with the second factor on.
    #[serde(default)]
    totp: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let login: Login = parse_body(&headers, &body)?;
    match state.app.login(&login.username, &login.password, login.totp.as_deref()).await {
        Ok(session) => {
            Ok(([(header::SET_COOKIE, cookie(&session.token))], Json(json!({ "csrf": session.csrf }))).into_response())
        }
        Err(AppError::Invalid { field, reason }) => {
            // `field` tells a client whether to ask for the one-time code (`totp`) or the password again.
            let mut e = ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", reason);
            e.body["field"] = json!(field);
            Err(e)
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout(State(state): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    if let Some(t) = token(&parts) {
        state.app.logout(&t).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear_cookie())]).into_response())
}

async fn me(State(state): State<AppState>, ApiUser(user): ApiUser) -> Json<Value> {
    let s = &user.session;
    let status = state.app.second_factor_status(&s.user);
    Json(json!({
        "username": s.user.username,
        "display_name": s.user.display_name,
        "organization": s.organization.name,
        "jurisdiction": s.organization.jurisdiction,
        "role": s.role.code(),
        "roles": s.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "second_factor": { "enabled": status.enabled, "required": status.required },
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandBody {
    #[serde(rename = "do")]
    action: String,
    #[serde(default)]
    with: serde_json::Map<String, Value>,
    /// A client's id for the request; a retry with the same id changes nothing and returns the first outcome.
    #[serde(default)]
    request_id: Option<String>,
    /// Documents the action used: SM3 digests returned by `POST /api/v1/documents`.
    #[serde(default)]
    attachments: Vec<String>,
}

async fn command(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let mut body: CommandBody = parse_body(&headers, &body)?;
    let request_id = body
        .request_id
        .take()
        .or_else(|| headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned));
    if let Some(id) = &request_id
        && (id.is_empty() || id.len() > 128)
    {
        return Err(ApiError::invalid("request_id", "须为1到128个字符"));
    }
    let action = Action::from_code(&body.action)
        .ok_or_else(|| ApiError::invalid("do", format!("没有名为“{}”的事项", body.action)))?;
    // As on the page, an owner registers for its own organisation, of the kind on record, in its own
    // jurisdiction [2][9]: a request that states others is refused with the field named.
    let with = std::mem::take(&mut body.with);
    let command = draft::build(action, with, user.session.actor.role, Some(&user.session.org_record()))
        .map_err(ApiError::drafted)?;
    let today = state.app.clock().today();
    let attachments = std::mem::take(&mut body.attachments);
    let executed = state
        .app
        .execute(CommandRequest { actor: user.session.actor.clone(), on: today, command, request_id, attachments })
        .await?;
    Ok(match executed {
        Executed::Done { project, events, warnings, replayed } => Json(json!({
            "outcome": "done",
            "project": project,
            "events": events,
            "warnings": warnings,
            "replayed": replayed,
        }))
        .into_response(),
        Executed::Rejected { rejection: Rejection::Refused(r) } => ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({ "code": "refused", "message": r.to_string(), "articles": r.articles(), "reasons": r.reasons }),
        }
        .into_response(),
        Executed::Rejected { rejection: Rejection::Forbidden(f) } => ApiError::new(StatusCode::FORBIDDEN, "forbidden", f.message).into_response(),
    })
}

async fn workbench(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ApiError> {
    let bench = state.app.workbench(&user.session.actor, state.app.clock().today()).await?;
    Ok(Json(json!(bench)))
}

async fn dashboard(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ApiError> {
    let d = state.app.dashboard(&user.session.actor, state.app.clock().today()).await?;
    let charts: serde_json::Map<String, Value> = crate::pages::charts(&d)
        .into_iter()
        .map(|(id, _, option)| (id.trim_start_matches("chart-").to_owned(), option))
        .collect();
    let mut out = json!(d);
    out["charts"] = Value::Object(charts);
    Ok(Json(out))
}

/// The public list (no login), as on /public.
async fn open_data(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(state.app.open_data(&state.open_data).await?)))
}

async fn projects(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query: govit_app::listing::ProjectQuery =
        crate::pages::parse_query(raw.as_deref()).map_err(|e| ApiError::invalid("query", e.to_string()))?;
    let page = state.app.list_projects(&user.session.actor, &query, state.app.clock().today()).await?;
    Ok(Json(json!(page)))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct OnQuery {
    on: Option<Date>,
}

fn project_id(id: String) -> Result<ProjectId, ApiError> {
    ProjectId::parse(id).map_err(|e| ApiError::invalid("id", e))
}

async fn project(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    query: Result<Query<OnQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::invalid("on", e.body_text()))?;
    let id = project_id(id)?;
    let actor = &user.session.actor;
    let on = q.on.unwrap_or_else(|| state.app.clock().today());
    let project = state.app.visible_project(actor, &id).await?;
    let available: Vec<&str> = state.app.available_actions(actor, &project, on).iter().map(|a| a.code()).collect();
    let view = ProjectView::of(project, on, &state.app);
    let mut out = json!(view);
    out["available_actions"] = json!(available);
    Ok(Json(out))
}

async fn timeline(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = project_id(id)?;
    state.app.visible_project(&user.session.actor, &id).await?;
    let events = state.app.timeline(&id).await?;
    Ok(Json(json!(events)))
}

async fn plan(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((jurisdiction, year)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let jurisdiction = JurisdictionId::parse(jurisdiction).map_err(|e| ApiError::invalid("jurisdiction", e))?;
    let year = Year::parse(&year).map_err(|e| ApiError::invalid("year", e.to_string()))?;
    let (plan, proposals) = state.app.visible_plan(&user.session.actor, &jurisdiction, year.get()).await?;
    Ok(Json(json!({ "plan": plan, "proposals": proposals })))
}

/// Every jurisdiction's versions and parameters in force today, and [30] every parameter in which a district
/// differs from the city, looser, stricter or different.
async fn policies(State(state): State<AppState>, ApiUser(_user): ApiUser) -> Json<Value> {
    let today = state.app.clock().today();
    let policies = state.app.policies();
    let list: Vec<Value> = policies
        .jurisdictions()
        .map(|j| {
            let resolved = policies.resolve(&j.jurisdiction, today).ok();
            let differences =
                govit_rules::policy_diff::differences_from_city(policies, &j.jurisdiction, today).unwrap_or_default();
            json!({
                "jurisdiction": j.jurisdiction,
                "name": j.name,
                "parent": j.parent,
                "versions": j.versions.iter().map(|v| json!({ "effective": v.effective, "title": v.title })).collect::<Vec<_>>(),
                "in_force": resolved,
                "differences": differences,
            })
        })
        .collect();
    Json(json!(list))
}

async fn regulation() -> Json<Value> {
    Json(json!({ "title": govit_rules::regulation::title(), "articles": govit_rules::regulation::articles() }))
}

async fn project_documents(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = project_id(id)?;
    let documents = state.app.project_documents(&user.session.actor, &id).await?;
    Ok(Json(json!(documents)))
}

/// `POST /documents`: the raw file as the body, its media type as `Content-Type`, its name (percent-encoded
/// UTF-8) as `X-Filename`.
async fn upload_document(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let media_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let filename = match headers.get("x-filename") {
        Some(v) => {
            let raw = v.to_str().map_err(|_| ApiError::invalid("X-Filename", "须为百分号编码的UTF-8文件名"))?;
            percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .map_err(|_| ApiError::invalid("X-Filename", "须为百分号编码的UTF-8文件名"))?
                .into_owned()
        }
        None => String::new(),
    };
    let meta = state.app.upload_document(&user.session.actor, &filename, media_type, &body).await?;
    Ok(Json(json!({
        "digest": meta.digest,
        "size": meta.size,
        "media_type": meta.media_type,
        "filename": meta.filename,
    })))
}

async fn download_document(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(digest): Path<String>,
) -> Result<Response, ApiError> {
    let (meta, bytes) = state.app.document(&user.session.actor, &digest).await?;
    Ok(crate::download::response(&meta, bytes))
}
