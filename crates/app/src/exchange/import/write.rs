//! Deciding and writing: every row's commands dry-run on the current state, then each row registered and
//! proposed through the application, with a request id that makes a second upload replay it.

use super::sheet::Proposal;
use super::{ImportError, ImportedRow, RowRejection, rejection_text};

use crate::{App, AppError, CommandRequest, Executed};
use chrono::Datelike;
use govit_rules::command::Owner;
use govit_rules::draft::{self, OrgRecord};
use govit_rules::vocab::OwnerKind;
use govit_rules::{
    Action, Actor, Command, Context, Date, Event, JurisdictionId, OwnerStanding, Project, ProjectId, Rejection, Role,
    World, Year, decide,
};
use govit_store::{RequestKey, Requester};
use serde_json::{Value, json};
use sm3::{Digest, Sm3};

/// The organisation the proposals are for.
pub(super) struct OwnerOrg {
    pub(super) owner: Owner,
    pub(super) jurisdiction: JurisdictionId,
}

pub(super) async fn owner_org(app: &App, actor: &Actor) -> Result<OwnerOrg, ImportError> {
    if actor.role != Role::Owner {
        return Err(ImportError::Forbidden {
            reason: format!(
                "{}({})无权导入年度计划申报表:该事项由项目建设单位办理",
                actor.role.label(),
                actor.organization
            ),
        });
    }
    let org = app.store().organization_by_name(actor.organization.as_str()).await.map_err(AppError::from)?;
    let Some(org) = org else {
        return Err(ImportError::Forbidden { reason: format!("单位“{}”不存在", actor.organization) });
    };
    let Some(kind) = org.owner_kind.as_deref().and_then(OwnerKind::from_code) else {
        return Err(ImportError::Forbidden { reason: format!("“{}”不是项目建设单位", org.name) });
    };
    let jurisdiction = JurisdictionId::parse(org.jurisdiction).map_err(|e| AppError::invalid("jurisdiction", e))?;
    Ok(OwnerOrg { owner: Owner { name: actor.organization.clone(), kind }, jurisdiction })
}

/// A row's registration, built as every front end builds a command ([`draft::build`]): the owner and the
/// jurisdiction are not in the sheet, and the builder takes them from the organisation's record [2][9].
fn register_command(p: &Proposal, org: &OwnerOrg) -> Result<Command, AppError> {
    let with = json!({
        "name": p.name,
        "category": p.category,
        "construction": p.construction,
        "funding": p.funding,
        "investment": p.investment,
        "bundled_with_fixed_asset": p.bundled,
        "self_built_self_used": p.self_built,
        "industry_authority": p.industry_authority,
    });
    build(Action::RegisterProject, with, org)
}

fn propose_command(project: &ProjectId, year: Year, org: &OwnerOrg) -> Result<Command, AppError> {
    build(Action::ProposeForPlan, json!({ "project": project, "year": year }), org)
}

fn build(action: Action, with: Value, org: &OwnerOrg) -> Result<Command, AppError> {
    let Value::Object(with) = with else {
        return Err(AppError::internal(format!("{}的参数不是对象", action.code())));
    };
    let record =
        OrgRecord { name: org.owner.name.clone(), kind: Some(org.owner.kind), jurisdiction: org.jurisdiction.clone() };
    draft::build(action, with, Role::Owner, Some(&record)).map_err(|e| {
        let (field, reason) = e.into_fields().into_iter().next().unwrap_or_default();
        AppError::invalid(field, reason)
    })
}

/// The request id of a row: the same organisation, year and content give the same id, so a row is never
/// registered twice by uploading it again.
fn request_key(org: &OwnerOrg, year: Year, p: &Proposal) -> String {
    let fields = [
        "govit-proposal-import-v1".to_owned(),
        org.owner.name.to_string(),
        org.jurisdiction.to_string(),
        year.to_string(),
        p.name.to_string(),
        p.category.code().to_owned(),
        p.construction.code().to_owned(),
        p.funding.code().to_owned(),
        p.investment.money().yuan().to_string(),
        p.bundled.to_string(),
        p.self_built.to_string(),
        p.industry_authority.as_ref().map(ToString::to_string).unwrap_or_default(),
    ];
    let mut h = Sm3::new();
    for f in &fields {
        h.update(f.as_bytes());
        h.update([0x1f]);
    }
    format!("import-{}", hex::encode(h.finalize()))
}

pub(super) fn rejected(p: &Proposal, action: Action, rejection: Rejection) -> RowRejection {
    RowRejection { row: p.row, name: p.name.to_string(), action, action_label: action.label(), rejection }
}

/// A row's request id for one of its two commands, `register` or `propose`. The ids are the organisation's,
/// not the uploading account's: the same sheet uploaded again by any of its accounts replays.
fn row_request(org: &OwnerOrg, key: &str, command: &str) -> RequestKey {
    RequestKey { requester: Requester::Organization(org.owner.name.clone()), id: format!("{key}:{command}") }
}

/// The project a request id registered, if that request was done before.
async fn registered_before(app: &App, request: &RequestKey) -> Result<Option<ProjectId>, AppError> {
    let Some(done) = app.store().find_request(request).await? else { return Ok(None) };
    let events = app.store().events_between(done.first_seq, done.last_seq).await?;
    Ok(events.iter().find_map(|e| e.record.event.projects().first().map(|p| (*p).clone())))
}

/// Decides every row's two commands on the current state without writing anything. Returns the rows with
/// their request keys, or every rejection.
pub(super) async fn dry_run(
    app: &App,
    actor: &Actor,
    org: &OwnerOrg,
    year: Year,
    proposals: &[Proposal],
    today: Date,
) -> Result<Vec<(Proposal, String)>, ImportError> {
    let ctx = Context { on: today, actor, policies: app.policies() };
    let placeholder = ProjectId::parse(format!("{}-{}-import-dry-run", org.jurisdiction, today.year()))
        .map_err(|e| AppError::invalid("project", e))?;
    let plan = app.store().plan(&org.jurisdiction, year.get()).await.map_err(AppError::from)?;
    let owned = app.store().project_states(Some(org.owner.name.as_str())).await.map_err(AppError::from)?;
    let standing = OwnerStanding::of(&owned, today);
    let mut rejections = Vec::new();
    let mut planned = Vec::with_capacity(proposals.len());
    for p in proposals {
        let key = request_key(org, year, p);
        planned.push((p.clone(), key.clone()));
        if app.store().find_request(&row_request(org, &key, "propose")).await.map_err(AppError::from)?.is_some() {
            continue; // imported before: both commands replay.
        }
        let project = match registered_before(app, &row_request(org, &key, "register")).await? {
            Some(id) => app.store().project(&id).await.map_err(AppError::from)?,
            None => {
                let command = register_command(p, org)?;
                match decide(&ctx, World::NewProject(&placeholder), &command) {
                    Err(rejection) => {
                        rejections.push(rejected(p, Action::RegisterProject, rejection));
                        continue;
                    }
                    Ok(decision) => decision.events.iter().find_map(|e| match e {
                        Event::ProjectRegistered(r) => Some(Project::register(r, today)),
                        _ => None,
                    }),
                }
            }
        };
        let Some(project) = project else {
            return Err(AppError::internal(format!("第{}行:登记的预判没有产生项目", p.row)).into());
        };
        let propose = propose_command(&project.id, year, org)?;
        let world = World::Project { project: &project, plan: plan.as_ref(), owner: Some(&standing) };
        if let Err(rejection) = decide(&ctx, world, &propose) {
            rejections.push(rejected(p, Action::ProposeForPlan, rejection));
        }
    }
    if rejections.is_empty() { Ok(planned) } else { Err(ImportError::Rejected { rows: rejections }) }
}

/// Why writing a row stopped.
pub(super) struct RowFailure {
    /// The row's project, if its registration was written.
    pub(super) project: Option<ProjectId>,
    pub(super) reason: String,
    pub(super) rejection: Option<Rejection>,
    pub(super) error: Option<AppError>,
}

impl RowFailure {
    fn of(project: Option<ProjectId>, outcome: Result<Executed, AppError>) -> RowFailure {
        match outcome {
            Ok(Executed::Rejected { rejection }) => {
                RowFailure { project, reason: rejection_text(&rejection), rejection: Some(rejection), error: None }
            }
            Ok(Executed::Done { .. }) => {
                RowFailure {
                    project, reason: "登记没有产生项目编号".to_owned(), rejection: None, error: None
                }
            }
            Err(e) => RowFailure { project, reason: e.to_string(), rejection: None, error: Some(e) },
        }
    }
}

pub(super) async fn write_row(
    app: &App,
    actor: &Actor,
    org: &OwnerOrg,
    year: Year,
    p: &Proposal,
    key: &str,
    today: Date,
) -> Result<ImportedRow, RowFailure> {
    let request = |command: Command, suffix: &str| CommandRequest {
        actor: actor.clone(),
        on: today,
        command,
        request_id: Some(row_request(org, key, suffix)),
        attachments: Vec::new(),
    };
    let command = register_command(p, org).map_err(|e| RowFailure::of(None, Err(e)))?;
    let registered = app.execute(request(command, "register")).await;
    let (id, mut warnings, first_replayed) = match registered {
        Ok(Executed::Done { project: Some(id), warnings, replayed, .. }) => (id, warnings, replayed),
        other => return Err(RowFailure::of(None, other)),
    };
    let command = propose_command(&id, year, org).map_err(|e| RowFailure::of(Some(id.clone()), Err(e)))?;
    let proposed = app.execute(request(command, "propose")).await;
    let replayed = match proposed {
        Ok(Executed::Done { warnings: more, replayed, .. }) => {
            warnings.extend(more);
            first_replayed && replayed
        }
        other => return Err(RowFailure::of(Some(id), other)),
    };
    let project = match app.store().project(&id).await {
        Ok(Some(project)) => project,
        Ok(None) => {
            let missing = AppError::NotFound { what: format!("项目 {id}") };
            return Err(RowFailure::of(Some(id), Err(missing)));
        }
        Err(e) => return Err(RowFailure::of(Some(id), Err(e.into()))),
    };
    Ok(ImportedRow {
        row: p.row,
        name: p.name.to_string(),
        project: id,
        investment: p.investment.money(),
        route_label: project.route.label(),
        approver: crate::exchange::approver(&project),
        status_label: project.status.label(),
        warnings,
        replayed,
    })
}
