//! The writer: one task that decides and appends every command, a batch at a time (group commit).
//!
//! Commands queue while the batch before them commits; the writer then takes all that are waiting (up to
//! [`MAX_BATCH`]), and in one transaction loads what each acts on, decides it with the rules and appends its
//! events — each command seeing what the commands before it in the batch wrote, exactly as if they had run
//! one at a time — and commits once. Nobody hears "done" before the commit that made their command durable.
//! A lone command is committed at once: a batch never waits for company.
//!
//! The work runs in its own task, not in the caller's future, so a client that hangs up cannot cancel a
//! batch half-way and leave the others queued with it without an answer.

use crate::idempotency::replayed;
use crate::personal::{KeyRing, PendingContact};
use crate::{AppError, Clock, CommandRequest, Executed};
use govit_rules::command::Target;
use govit_rules::decide::default_jurisdiction;
use govit_rules::{Command, Context, Date, OwnerStanding, Plan, PolicySet, Recorded, World, decide};
use govit_store::{Batch, StoreError, StoredEvent};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most commands committed together: bounds a batch's transaction and the wait of its first command.
const MAX_BATCH: usize = 256;

/// What the writer task needs of the application.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    pub(crate) store: Arc<govit_store::Store>,
    pub(crate) policies: Arc<PolicySet>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) personal: Option<KeyRing>,
}

/// A command handed to the writer, checked as far as it can be outside the writer guard.
pub(crate) struct Job {
    pub(crate) request: CommandRequest,
    /// The fingerprint of the command as sent, when it has a request id ([`crate::idempotency`]).
    fingerprint: Option<String>,
    /// Contact data taken out of the command, sealed once the command is decided.
    pub(crate) contact: Option<PendingContact>,
    reply: Option<oneshot::Sender<Result<Executed, AppError>>>,
}

/// The handle commands are sent through; the task ends when the application (and so this handle) is dropped.
#[derive(Debug)]
pub(crate) struct Writer {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Writer {
    /// Starts the writer task on the current Tokio runtime.
    pub(crate) fn start(core: Core) -> Writer {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(core, queue));
        Writer { jobs }
    }

    /// Queues a command and waits for its outcome, which is only given after it is durable (or refused).
    pub(crate) async fn submit(
        &self,
        request: CommandRequest,
        fingerprint: Option<String>,
        contact: Option<PendingContact>,
    ) -> Result<Executed, AppError> {
        let (reply, outcome) = oneshot::channel();
        self.jobs.send(Job { request, fingerprint, contact, reply: Some(reply) }).map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

impl Writer {
    /// Queues `jobs` one after another, in their order and with nothing between them, and waits for each
    /// outcome: they are decided in that order, in batches of up to [`MAX_BATCH`] per transaction. For a bulk
    /// load (the demo city) that has many commands ready at once.
    pub(crate) async fn submit_all(
        &self,
        jobs: Vec<(CommandRequest, Option<String>, Option<PendingContact>)>,
    ) -> Vec<Result<Executed, AppError>> {
        let mut waiting = Vec::with_capacity(jobs.len());
        for (request, fingerprint, contact) in jobs {
            let (reply, outcome) = oneshot::channel();
            let sent = self.jobs.send(Job { request, fingerprint, contact, reply: Some(reply) });
            waiting.push(sent.map(|()| outcome));
        }
        let mut outcomes = Vec::with_capacity(waiting.len());
        for outcome in waiting {
            outcomes.push(match outcome {
                Ok(outcome) => outcome.await.unwrap_or_else(|_| Err(stopped())),
                Err(_) => Err(stopped()),
            });
        }
        outcomes
    }
}

fn stopped() -> AppError {
    AppError::Store(StoreError::Unsupported("写入任务已停止(服务正在关闭),命令未执行,请稍后重试".to_owned()))
}

async fn run(core: Core, mut queue: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        core.run_batch(&mut jobs).await;
    }
}

impl Core {
    /// Decides and appends `jobs` in one transaction and answers each. If the store fails, nothing of the
    /// batch is kept and each command is tried again alone, so one command's failure is only its own.
    async fn run_batch(&self, jobs: &mut [Job]) {
        let outcomes = self.try_batch(jobs).await;
        match outcomes {
            Ok(outcomes) => {
                for (job, outcome) in jobs.iter_mut().zip(outcomes) {
                    answer(job, outcome);
                }
            }
            Err(e) if jobs.len() == 1 => {
                if let Some(job) = jobs.first_mut() {
                    answer(job, Err(e.into()));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, commands = jobs.len(), "batch rolled back; its commands are retried one by one");
                for job in jobs.iter_mut() {
                    Box::pin(self.run_batch(std::slice::from_mut(job))).await;
                }
            }
        }
    }

    /// The outcome of every job, all committed; or the store's error, with nothing committed.
    async fn try_batch(&self, jobs: &[Job]) -> Result<Vec<Result<Executed, AppError>>, StoreError> {
        let guard = self.store.lock().await;
        let mut batch = self.store.batch(&guard).await?;
        let targets = jobs.iter().filter_map(|job| match job.request.command.target() {
            Target::Project(id) => Some(id),
            _ => None,
        });
        batch.prefetch(targets).await?;
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in jobs {
            match self.execute_in(&mut batch, job).await {
                Err(AppError::Store(e)) => return Err(e),
                outcome => outcomes.push(outcome),
            }
        }
        batch.commit().await?;
        Ok(outcomes)
    }

    /// One command inside a batch: a replay of its request id, or load, decide and append.
    async fn execute_in(&self, batch: &mut Batch<'_>, job: &Job) -> Result<Executed, AppError> {
        let request = &job.request;
        let request_key = request.request_id.as_ref().zip(job.fingerprint.as_deref());
        if let Some((key, fingerprint)) = request_key
            && let Some(replay) = batch.replay(key).await?
        {
            return replayed(replay, fingerprint);
        }
        let ctx = Context { on: request.on, actor: &request.actor, policies: &self.policies };
        let decision = match request.command.target() {
            Target::NewProject => {
                let jurisdiction = match &request.command {
                    Command::RegisterProject(r) => default_jurisdiction(r.jurisdiction.as_ref(), &request.actor),
                    _ => &request.actor.jurisdiction,
                };
                let id = batch.next_project_id(jurisdiction, chrono::Datelike::year(&request.on)).await?;
                decide(&ctx, govit_rules::World::NewProject(&id), &request.command)
            }
            Target::Project(id) => {
                let project =
                    batch.project(id).await?.ok_or_else(|| AppError::NotFound { what: format!("项目 {id}") })?;
                not_before(request.on, project.last_event_on, &format!("项目 {id}"))?;
                let (plan, owner) = match plan_year(&request.command) {
                    Some(year) => {
                        let plan = batch.plan(&project.jurisdiction, year).await?;
                        let projects = batch.owner_projects(&project.owner.name).await?;
                        (plan, Some(OwnerStanding::of_watched(&projects, request.on)))
                    }
                    None => (None, None),
                };
                match &request.command {
                    // [7] shaping a proposal: the plan it is proposed in, and the proposals folded into it.
                    Command::AdjustProposal { .. } | Command::MergeProposals { .. } => {
                        let plan = match &project.plan {
                            Some(entry) => batch.plan(&project.jurisdiction, entry.year).await?,
                            None => None,
                        };
                        let mut merged = Vec::new();
                        if let Command::MergeProposals { merged: ids, .. } = &request.command {
                            for m in ids {
                                let p = batch
                                    .project(m)
                                    .await?
                                    .ok_or_else(|| AppError::NotFound { what: format!("项目 {m}") })?;
                                not_before(request.on, p.last_event_on, &format!("项目 {m}"))?;
                                merged.push(p);
                            }
                        }
                        let world = match &request.command {
                            Command::AdjustProposal { .. } => {
                                World::Project { project: &project, plan: plan.as_ref(), owner: None }
                            }
                            _ => World::Merge { lead: &project, merged: &merged, plan: plan.as_ref() },
                        };
                        decide(&ctx, world, &request.command)
                    }
                    _ => {
                        let world = World::Project { project: &project, plan: plan.as_ref(), owner: owner.as_ref() };
                        decide(&ctx, world, &request.command)
                    }
                }
            }
            Target::Assign { year, jurisdiction } => {
                let jurisdiction = default_jurisdiction(jurisdiction, &request.actor).clone();
                let plan = batch.plan(&jurisdiction, year).await?;
                if let Some(last) = plan.as_ref().and_then(|p| p.approved_on.or(p.reviewed_on)) {
                    not_before(request.on, last, &format!("{year}年度计划"))?;
                }
                let owner = match &request.command {
                    Command::AssignProject(a) => {
                        let projects = batch.owner_projects(&a.registration.owner.name).await?;
                        Some(OwnerStanding::of_watched(&projects, request.on))
                    }
                    _ => None,
                };
                let id = batch.next_project_id(&jurisdiction, chrono::Datelike::year(&request.on)).await?;
                decide(&ctx, World::Assign { id: &id, plan: plan.as_ref(), owner: owner.as_ref() }, &request.command)
            }
            Target::Ranking { period, jurisdiction } => {
                let jurisdiction = default_jurisdiction(jurisdiction, &request.actor).clone();
                let published = batch.ranking_published(&jurisdiction, period).await?;
                decide(&ctx, World::Ranking { jurisdiction: &jurisdiction, published }, &request.command)
            }
            Target::Plan { year, jurisdiction } => {
                let jurisdiction = default_jurisdiction(jurisdiction, &request.actor).clone();
                let plan =
                    batch.plan(&jurisdiction, year).await?.unwrap_or_else(|| Plan::new(jurisdiction.clone(), year));
                if let Some(last) = plan.approved_on.or(plan.reviewed_on) {
                    not_before(request.on, last, &format!("{year}年度计划"))?;
                }
                let proposals = batch.proposals(&jurisdiction, year).await?;
                decide(&ctx, World::Plan { plan: &plan, proposals: &proposals }, &request.command)
            }
        };
        let decision = match decision {
            Ok(d) => d,
            Err(rejection) => return Ok(Executed::Rejected { rejection }),
        };
        let mut warnings = decision.warnings;
        let mut attachments = request.attachments.clone();
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
        if let Some(pending) = &job.contact {
            let ring = self
                .personal
                .as_ref()
                .ok_or_else(|| AppError::Personal { reason: "未配置密钥目录".to_owned() })?;
            batch.insert_personal(&pending.seal(ring, &recorded_at)?).await?;
        }
        let events = batch.append(request_key, &recorded_at, &records).await?;
        tracing::debug!(action = request.command.action().code(), last_seq = batch.last_seq(), "command done");
        Ok(done_with(events, false))
    }
}

fn answer(job: &mut Job, outcome: Result<Executed, AppError>) {
    if let Some(reply) = job.reply.take() {
        // A caller that stopped waiting (a client hung up) still had its command done; nobody to tell.
        let _ = reply.send(outcome);
    }
}

pub(crate) fn done_with(events: Vec<StoredEvent>, replayed: bool) -> Executed {
    let project = events.iter().find_map(|e| e.record.event.projects().first().map(|p| (*p).clone()));
    let warnings = events.iter().flat_map(|e| e.record.warnings.clone()).collect();
    Executed::Done { project, events, warnings, replayed }
}

/// The plan year a project command concerns, so the plan's state can be consulted.
fn plan_year(command: &Command) -> Option<i32> {
    match command {
        Command::ProposeForPlan { year, .. } | Command::RequestSupplementaryInclusion { year, .. } => Some(year.get()),
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
