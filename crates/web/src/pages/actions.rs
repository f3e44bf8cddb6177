//! A form for every action of docs/SCENARIOS.md, offered only to those who may take it: the form is built from
//! [`crate::forms`], submitted through the application layer, and answered with the rules' own words.

use super::documents::AttachmentView;
use crate::AppState;
use crate::error::{WebError, render};
use crate::forms::{FieldErrors, FieldView, Submitted, to_with, views};
use crate::session::{CurrentUser, Posted};
use crate::view::{Layout, OutcomeView};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use govit_app::{CommandRequest, Executed};
use govit_rules::command::Action;
use govit_rules::draft::{self, DraftError};
use govit_rules::{Command, ProjectId, Rejection, Role};
use govit_store::RequestKey;
use serde_json::Value;

#[derive(Template)]
#[template(path = "action_form.html")]
struct ActionPage {
    layout: Layout,
    outcome: Option<OutcomeView>,
    heading: String,
    project: Option<(String, String)>,
    post_to: String,
    fields: Vec<FieldView>,
    errors: Vec<String>,
    submit_label: &'static str,
    /// The amount whose outcome is shown for confirmation before it is done (an adjusted proposal's new route
    /// [7]): sent back with the confirmation, so that an amount changed meanwhile is shown again first.
    confirming: Option<String>,
    /// Documents already attached (kept when a submission is refused or invalid).
    attachments: Vec<AttachmentView>,
    attachments_error: Option<String>,
    max_mib: usize,
}

const MAX_MIB: usize = govit_app::documents::MAX_DOCUMENT_BYTES / (1024 * 1024);

/// The documents a submission named, described for the form again; digests the user may not read (or that
/// do not exist) are dropped, and the error says so.
async fn attachments(state: &AppState, user: &CurrentUser, form: Option<&Submitted>) -> Vec<AttachmentView> {
    let mut out = Vec::new();
    for digest in form.map(|f| f.all("attachments")).unwrap_or_default() {
        if let Ok(meta) = state.app.document_meta(&user.session.actor, digest).await
            && !out.iter().any(|a: &AttachmentView| a.digest == meta.digest)
        {
            out.push(AttachmentView::of(&meta));
        }
    }
    out
}

/// Form-level problems: those of no field of the form. Attachments have their own place.
fn stray(errors: &FieldErrors, fields: &[FieldView]) -> Vec<String> {
    let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
    errors
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()) && k.as_str() != "attachments")
        .map(|(k, v)| format!("{k}:{v}"))
        .collect()
}

fn parse_action(code: &str) -> Result<Action, WebError> {
    Action::from_code(code).ok_or_else(|| WebError::NotFound(format!("事项“{code}”")))
}

/// The values a form starts with: this year for years, today's date plus a month for due dates, the
/// submitted stage's investment for amounts where the project knows it.
fn defaults(
    action: Action,
    today: govit_rules::Date,
    project: Option<&govit_rules::Project>,
) -> Vec<(&'static str, String)> {
    let mut out =
        vec![("year", today.year().to_string()), ("due", govit_rules::date::add_months(today, 1).to_string())];
    if let Some(p) = project {
        let estimate = p.current.as_ref().map_or(p.estimate(), |c| c.investment).yuan().to_string();
        match action {
            Action::SubmitStage => out.push(("investment", p.estimate().yuan().to_string())),
            Action::ApproveStage => out.push((
                "approved_investment",
                p.current
                    .as_ref()
                    .and_then(|c| c.evaluation.as_ref())
                    .map_or(estimate, |e| e.recommended_investment.yuan().to_string()),
            )),
            Action::SubmitEvaluation => out.push(("recommended_investment", estimate)),
            // The card the action is about: the open one not yet disputed, or the one awaiting a decision.
            Action::DisputeCard | Action::ResolveCardDispute => {
                let wanted = |c: &&govit_rules::cards::CardRecord| match action {
                    Action::DisputeCard => c.dispute.is_none(),
                    _ => c.disputed(),
                };
                if let Some(c) = p.open_cards().find(wanted) {
                    out.push(("deadline", c.deadline.to_string()));
                }
            }
            _ => {}
        }
    }
    out
}

pub(super) async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let action = parse_action(&code)?;
    let id = ProjectId::parse(id).map_err(|e| WebError::NotFound(e.into()))?;
    let project = state.app.visible_project(&user.session.actor, &id).await?;
    page(&state, &user, action, &project, None, FieldErrors::new(), None, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    user: &CurrentUser,
    action: Action,
    project: &govit_rules::Project,
    form: Option<&Submitted>,
    errors: FieldErrors,
    outcome: Option<OutcomeView>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    if !state.app.available_actions(&user.session.actor, project, today).contains(&action)
        && outcome.is_none()
        && errors.is_empty()
    {
        return Err(WebError::Forbidden(format!("您当前不能对该项目办理“{}”", action.label())));
    }
    let fields = views(action, form, &errors, &defaults(action, today, Some(project)));
    let stray = stray(&errors, &fields);
    let attachments = attachments(state, user, form).await;
    let confirming = outcome
        .as_ref()
        .filter(|o| o.kind == "confirm")
        .and_then(|_| form.and_then(|f| f.one("investment")))
        .and_then(|amount| govit_rules::Money::parse(amount).ok())
        .map(|m| m.yuan().to_string());
    let mut response = render(&ActionPage {
        layout: Layout::new(user, action.label(), "/projects/x", today),
        outcome,
        heading: action.label().to_owned(),
        project: Some((project.id.to_string(), project.name.to_string())),
        post_to: format!("/projects/{}/act/{}", project.id, action.code()),
        fields,
        errors: stray,
        submit_label: if confirming.is_some() { "确认办理" } else { "提交" },
        confirming,
        attachments,
        attachments_error: errors.get("attachments").cloned(),
        max_mib: MAX_MIB,
    });
    *response.status_mut() = status;
    Ok(response)
}

pub(super) async fn submit(
    State(state): State<AppState>,
    Path((id, code)): Path<(String, String)>,
    Posted { user, form }: Posted,
) -> Result<Response, WebError> {
    let action = parse_action(&code)?;
    let id = ProjectId::parse(id).map_err(|e| WebError::NotFound(e.into()))?;
    let project = state.app.visible_project(&user.session.actor, &id).await?;
    let command = match to_with(action, &form) {
        Ok(mut with) => {
            with.insert("project".to_owned(), Value::String(id.to_string()));
            state.app.draft(action, with, &user.session).await?.map_err(DraftError::into_fields)
        }
        Err(errors) => Err(errors),
    };
    let command = match command {
        Ok(c) => c,
        Err(errors) => {
            return page(&state, &user, action, &project, Some(&form), errors, None, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    // [7] the reviewer sees the new route before an adjustment is done; to anyone else the act is answered as
    // it stands (forbidden or refused), with nothing to confirm.
    let today = state.app.clock().today();
    if let Command::AdjustProposal { investment, .. } = &command
        && form.one("confirmed") != Some(investment.money().yuan().to_string().as_str())
        && state.app.available_actions(&user.session.actor, &project, today).contains(&action)
        && let Ok(after) = govit_rules::decide::rejudge_on(state.app.policies(), &project, investment.money(), today)
    {
        let preview = Some(OutcomeView::rejudged(&project, investment.money(), &after));
        return page(&state, &user, action, &project, Some(&form), FieldErrors::new(), preview, StatusCode::OK).await;
    }
    execute(&state, &user, action, command, &form, Some(&project)).await
}

async fn execute(
    state: &AppState,
    user: &CurrentUser,
    action: Action,
    command: Command,
    form: &Submitted,
    project: Option<&govit_rules::Project>,
) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let request_id = form.one("_request").map(|id| RequestKey::account(user.session.user.id, id));
    let attachments = form.all("attachments").into_iter().map(str::to_owned).collect();
    let executed = state
        .app
        .execute(CommandRequest { actor: user.session.actor.clone(), on: today, command, request_id, attachments })
        .await;
    let executed = match executed {
        Ok(e) => e,
        Err(govit_app::AppError::Invalid { field, reason }) => {
            let mut errors = FieldErrors::new();
            errors.insert(field, reason);
            return match project {
                Some(p) => {
                    page(state, user, action, p, Some(form), errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
                }
                None => {
                    new_project_page(state, user, action, Some(form), errors, None, StatusCode::UNPROCESSABLE_ENTITY)
                        .await
                }
            };
        }
        Err(e) => return Err(e.into()),
    };
    match &executed {
        Executed::Done { project: Some(id), events, .. } => {
            let first = events.first().map_or(0, |e| e.seq);
            Ok(Redirect::to(&format!("/projects/{id}?done={first}")).into_response())
        }
        Executed::Done { project: None, .. } => Ok(Redirect::to("/").into_response()),
        Executed::Rejected { rejection } => {
            let status = match rejection {
                Rejection::Forbidden(_) => StatusCode::FORBIDDEN,
                Rejection::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let outcome = Some(OutcomeView::of(action, &executed));
            match project {
                Some(p) => page(state, user, action, p, Some(form), FieldErrors::new(), outcome, status).await,
                None => new_project_page(state, user, action, Some(form), FieldErrors::new(), outcome, status).await,
            }
        }
    }
}

/// The form a new project came from: an owner's registration, or a task the plan's reviewer assigns [7].
async fn new_project_page(
    state: &AppState,
    user: &CurrentUser,
    action: Action,
    form: Option<&Submitted>,
    errors: FieldErrors,
    outcome: Option<OutcomeView>,
    status: StatusCode,
) -> Result<Response, WebError> {
    match action {
        Action::AssignProject => assign_page(state, user, form, errors, outcome, status).await,
        _ => register_page(state, user, form, errors, outcome, status).await,
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct AssignQuery {
    jurisdiction: Option<String>,
    year: Option<String>,
}

/// [7] "下达项目建设任务": the plan's reviewer registers a project for a unit of the plan's jurisdiction and
/// puts it into the plan. The unit is chosen from those on record as 建设单位 there.
pub(super) async fn assign_form(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<AssignQuery>,
) -> Result<Response, WebError> {
    let mut given = Vec::new();
    if let Some(j) = q.jurisdiction.as_deref() {
        given.push(("jurisdiction", j));
    }
    if let Some(y) = q.year.as_deref() {
        given.push(("year", y));
    }
    assign_page(&state, &user, Some(&Submitted::of(&given)), FieldErrors::new(), None, StatusCode::OK).await
}

pub(super) async fn assign_submit(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<AssignQuery>,
    Posted { user, mut form }: Posted,
) -> Result<Response, WebError> {
    if let Some(j) = q.jurisdiction.as_deref() {
        form.set("jurisdiction", j);
    }
    let action = Action::AssignProject;
    let command = match to_with(action, &form) {
        Ok(with) => state.app.draft(action, with, &user.session).await?.map_err(DraftError::into_fields),
        Err(errors) => Err(errors),
    };
    match command {
        Ok(c) => execute(&state, &user, action, c, &form, None).await,
        Err(errors) => assign_page(&state, &user, Some(&form), errors, None, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

async fn assign_page(
    state: &AppState,
    user: &CurrentUser,
    form: Option<&Submitted>,
    errors: FieldErrors,
    outcome: Option<OutcomeView>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let actor = &user.session.actor;
    let today = state.app.clock().today();
    let jurisdiction =
        form.and_then(|f| f.one("jurisdiction")).map_or_else(|| actor.jurisdiction.to_string(), str::to_owned);
    let jurisdiction = govit_rules::JurisdictionId::parse(jurisdiction)
        .map_err(|e| WebError::Invalid { field: "jurisdiction".to_owned(), reason: e })?;
    let subject = govit_rules::authz::Subject::Plan { jurisdiction: &jurisdiction };
    let action = Action::AssignProject;
    if let Err(f) = govit_rules::authz::authorize(actor, action, subject, None, state.app.policies(), today) {
        return Err(WebError::Forbidden(f.message));
    }
    let mut fields = views(action, form, &errors, &defaults(action, today, None));
    let chosen = form.and_then(|f| f.one("owner")).unwrap_or_default().to_owned();
    let units = state.app.store().organizations().await.map_err(govit_app::AppError::from)?;
    if let Some(owner) = fields.iter_mut().find(|f| f.name == "owner") {
        owner.input = "choice";
        owner.options = units
            .iter()
            .filter(|o| o.owner_kind.is_some() && o.jurisdiction == jurisdiction.as_str())
            .map(|o| crate::forms::OptionView::new(&o.name, &o.name, o.name == chosen))
            .collect();
    }
    let page = NewProjectForm {
        title: action.label(),
        nav: "/plans",
        heading: format!("下达建设任务({})", state.app.policies().name_of(&jurisdiction)),
        post_to: format!("/plans/assign?jurisdiction={jurisdiction}"),
        submit_label: "下达",
    };
    page.render(state, user, form, fields, errors, outcome, status).await
}

/// The form of a new project — an owner's registration or the reviewer's task — around its fields.
struct NewProjectForm {
    title: &'static str,
    nav: &'static str,
    heading: String,
    post_to: String,
    submit_label: &'static str,
}

impl NewProjectForm {
    #[allow(clippy::too_many_arguments)]
    async fn render(
        self,
        state: &AppState,
        user: &CurrentUser,
        form: Option<&Submitted>,
        fields: Vec<FieldView>,
        errors: FieldErrors,
        outcome: Option<OutcomeView>,
        status: StatusCode,
    ) -> Result<Response, WebError> {
        let today = state.app.clock().today();
        let stray = stray(&errors, &fields);
        let attachments = attachments(state, user, form).await;
        let mut response = render(&ActionPage {
            layout: Layout::new(user, self.title, self.nav, today),
            outcome,
            heading: self.heading,
            project: None,
            post_to: self.post_to,
            fields,
            errors: stray,
            submit_label: self.submit_label,
            confirming: None,
            attachments,
            attachments_error: errors.get("attachments").cloned(),
            max_mib: MAX_MIB,
        });
        *response.status_mut() = status;
        Ok(response)
    }
}

async fn register_page(
    state: &AppState,
    user: &CurrentUser,
    form: Option<&Submitted>,
    errors: FieldErrors,
    outcome: Option<OutcomeView>,
    status: StatusCode,
) -> Result<Response, WebError> {
    if user.session.role != Role::Owner {
        return Err(WebError::Forbidden("只有项目建设单位可以登记项目".to_owned()));
    }
    let today = state.app.clock().today();
    let action = Action::RegisterProject;
    let fields = views(action, form, &errors, &defaults(action, today, None));
    let page = NewProjectForm {
        title: "登记项目",
        nav: "/projects/new",
        heading: format!("登记项目({})", user.session.organization.name),
        post_to: "/projects/new".to_owned(),
        submit_label: "登记",
    };
    page.render(state, user, form, fields, errors, outcome, status).await
}

pub(super) async fn register_form(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    register_page(&state, &user, None, FieldErrors::new(), None, StatusCode::OK).await
}

pub(super) async fn register_submit(
    State(state): State<AppState>,
    Posted { user, form }: Posted,
) -> Result<Response, WebError> {
    let org = user.session.org_record();
    if org.kind.is_none() {
        return Err(WebError::Forbidden(format!("“{}”不是项目建设单位", org.name)));
    }
    // The owner and jurisdiction come from the organisation's record [2][9]: the form does not ask for them.
    let command = to_with(Action::RegisterProject, &form).and_then(|with| {
        draft::build(Action::RegisterProject, with, user.session.actor.role, Some(&org))
            .map_err(DraftError::into_fields)
    });
    match command {
        Ok(c) => execute(&state, &user, Action::RegisterProject, c, &form, None).await,
        Err(errors) => register_page(&state, &user, Some(&form), errors, None, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}
