//! Commands: load what the command acts on, decide with the rules, append, all under the writer guard.

use crate::{App, AppError};
use govit_rules::command::Target;
use govit_rules::decide::default_jurisdiction;
use govit_rules::{Actor, Command, Context, Date, Notice, Plan, ProjectId, Recorded, Rejection, World, decide};
use govit_store::StoredEvent;
use serde::Serialize;

/// One command from any front end.
#[derive(Debug, Clone)]
pub struct CommandRequest {
    pub actor: Actor,
    /// The date the action happens (today, for people; the step's date, for scenarios).
    pub on: Date,
    pub command: Command,
    /// A client's id for the request: a retry with the same id returns the first outcome and changes nothing.
    pub request_id: Option<String>,
    /// The documents the action used (lowercase hex SM3 digests of uploaded files): written into the
    /// decision's first event.
    pub attachments: Vec<String>,
}

/// What became of a command.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Executed {
    /// Done: the events written, any warnings, and the project it concerned.
    Done { project: Option<ProjectId>, events: Vec<StoredEvent>, warnings: Vec<Notice>, replayed: bool },
    /// Not done: forbidden, or refused by the regulation. Nothing changed.
    Rejected { rejection: Rejection },
}

impl App {
    /// Executes one command: the only way anything is written.
    pub async fn execute(&self, request: CommandRequest) -> Result<Executed, AppError> {
        if let Some(id) = &request.request_id
            && let Some(done) = self.store.find_request(id).await?
        {
            return self.replay(done.first_seq, done.last_seq).await;
        }
        // Personal data leaves the command here: the rules and the log see only a reference to it.
        let mut request = request;
        let contact = self.take_contact(&mut request.command)?;
        let mut attachments = self.check_attachments(&request.attachments).await?;
        let guard = self.store.lock().await;
        let ctx = Context { on: request.on, actor: &request.actor, policies: &self.policies };
        let decision = match request.command.target() {
            Target::NewProject => {
                let jurisdiction = match &request.command {
                    Command::RegisterProject(r) => default_jurisdiction(r.jurisdiction.as_ref(), &request.actor),
                    _ => &request.actor.jurisdiction,
                };
                let id = self.store.next_project_id(&guard, jurisdiction, chrono::Datelike::year(&request.on)).await?;
                decide(&ctx, World::NewProject(&id), &request.command)
            }
            Target::Project(id) => {
                let project = self.load_project(id).await?;
                not_before(request.on, project.last_event_on, &format!("项目 {id}"))?;
                let plan = match plan_year(&request.command) {
                    Some(year) => self.store.plan(&project.jurisdiction, year).await?,
                    None => None,
                };
                decide(&ctx, World::Project { project: &project, plan: plan.as_ref() }, &request.command)
            }
            Target::Plan { year, jurisdiction } => {
                let jurisdiction = default_jurisdiction(jurisdiction, &request.actor).clone();
                let plan = self
                    .store
                    .plan(&jurisdiction, year)
                    .await?
                    .unwrap_or_else(|| Plan::new(jurisdiction.clone(), year));
                if let Some(last) = plan.approved_on.or(plan.reviewed_on) {
                    not_before(request.on, last, &format!("{year}年度计划"))?;
                }
                let proposals = self.store.proposals(&jurisdiction, year).await?;
                decide(&ctx, World::Plan { plan: &plan, proposals: &proposals }, &request.command)
            }
        };
        let decision = match decision {
            Ok(d) => d,
            Err(rejection) => return Ok(Executed::Rejected { rejection }),
        };
        let mut warnings = decision.warnings.clone();
        let records: Vec<Recorded> = decision
            .events
            .into_iter()
            .map(|event| Recorded {
                on: request.on,
                actor: request.actor.clone(),
                policy: decision.policy.clone(),
                event,
                warnings: std::mem::take(&mut warnings),
                attachments: std::mem::take(&mut attachments),
            })
            .collect();
        let recorded_at = self.clock.now().to_rfc3339();
        if let Some(pending) = &contact {
            self.seal_contact(&guard, pending, &recorded_at).await?;
        }
        let appended = self.store.append(&guard, request.request_id.as_deref(), &recorded_at, &records).await;
        if appended.is_err()
            && let Some(pending) = &contact
        {
            self.discard_contact(&guard, pending.reference()).await;
        }
        let appended = appended?;
        drop(guard);
        tracing::debug!(action = request.command.action().code(), first_seq = appended.first_seq, "command done");
        let events = self.store.events_between(appended.first_seq, appended.last_seq).await?;
        Ok(done(events, false))
    }

    async fn replay(&self, first: i64, last: i64) -> Result<Executed, AppError> {
        let events = self.store.events_between(first, last).await?;
        Ok(done(events, true))
    }

    pub(crate) async fn load_project(&self, id: &ProjectId) -> Result<govit_rules::Project, AppError> {
        self.store.project(id).await?.ok_or_else(|| AppError::NotFound { what: format!("项目 {id}") })
    }
}

fn done(events: Vec<StoredEvent>, replayed: bool) -> Executed {
    let project = events.iter().find_map(|e| e.record.event.projects().first().map(|p| (*p).clone()));
    let warnings = events.iter().flat_map(|e| e.record.warnings.clone()).collect();
    Executed::Done { project, events, warnings, replayed }
}

/// The plan year a project command concerns, so the plan's state can be consulted.
fn plan_year(command: &Command) -> Option<i32> {
    match command {
        Command::ProposeForPlan { year, .. } | Command::RequestSupplementaryInclusion { year, .. } => Some(*year),
        _ => None,
    }
}

/// Nothing may be dated before what is already recorded: the record is never rewritten after the fact.
fn not_before(on: Date, last: Date, what: &str) -> Result<(), AppError> {
    if on < last {
        return Err(AppError::invalid("on", format!("日期 {on} 早于{what}最近一次记录的日期 {last},不能倒签")));
    }
    Ok(())
}
