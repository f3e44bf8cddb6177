//! Commands: what a front end sends, and what became of it.

use crate::idempotency::{fingerprint, replayed};
use crate::writer::{Core, Writer};
use crate::{App, AppError};
use govit_rules::{Actor, Command, Date, Notice, ProjectId, Rejection};
use govit_store::{Replay, RequestKey, StoredEvent};
use serde::Serialize;

/// One command from any front end.
#[derive(Debug, Clone)]
pub struct CommandRequest {
    pub actor: Actor,
    /// The date the action happens (today, for people; the step's date, for scenarios).
    pub on: Date,
    pub command: Command,
    /// A client's id for the request, in the space of whoever sent it (their account): a retry with the same
    /// id and command returns the first outcome and changes nothing; the same id with another command is a
    /// conflict ([`AppError::Conflict`]); the same id from another requester is another request.
    pub request_id: Option<RequestKey>,
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

/// A request as the writer takes it, or the outcome of its request id's first run.
enum Prepared {
    Replayed(Result<Executed, AppError>),
    Job(Box<CommandRequest>, Option<String>, Option<crate::personal::PendingContact>),
}

impl App {
    /// Executes one command: the only way anything is written. Checks what can be checked outside the writer
    /// guard, then hands the command to the writer ([`crate::writer`]), which decides and appends it in the
    /// next batch and answers once that batch is durable.
    pub async fn execute(&self, request: CommandRequest) -> Result<Executed, AppError> {
        match self.prepare(request).await? {
            Prepared::Replayed(outcome) => outcome,
            Prepared::Job(request, fingerprint, contact) => self.writer().submit(*request, fingerprint, contact).await,
        }
    }

    /// Executes `requests` in their order, as [`App::execute`] would one by one, but handing them to the
    /// writer together so that they are decided and committed in batches: a bulk load's way (the demo city's
    /// generator). The outcomes are in the same order.
    pub async fn execute_all(&self, requests: Vec<CommandRequest>) -> Vec<Result<Executed, AppError>> {
        let mut outcomes: Vec<Option<Result<Executed, AppError>>> = Vec::with_capacity(requests.len());
        let mut jobs = Vec::new();
        let mut slots = Vec::new();
        for request in requests {
            match self.prepare(request).await {
                Ok(Prepared::Job(request, fingerprint, contact)) => {
                    slots.push(outcomes.len());
                    outcomes.push(None);
                    jobs.push((*request, fingerprint, contact));
                }
                Ok(Prepared::Replayed(outcome)) => outcomes.push(Some(outcome)),
                Err(e) => outcomes.push(Some(Err(e))),
            }
        }
        for (slot, outcome) in slots.into_iter().zip(self.writer().submit_all(jobs).await) {
            outcomes[slot] = Some(outcome);
        }
        outcomes.into_iter().map(|o| o.unwrap_or_else(|| Err(AppError::internal("命令未得到结果")))).collect()
    }

    /// What can be checked outside the writer guard: a request id seen before (its first outcome replayed),
    /// personal data taken out of the command, the attachments checked.
    async fn prepare(&self, request: CommandRequest) -> Result<Prepared, AppError> {
        let fingerprint = match &request.request_id {
            Some(key) => {
                let fingerprint = fingerprint(&request.command, &request.attachments)?;
                if let Some(done) = self.store.find_request(key).await? {
                    let events = self.store.events_between(done.first_seq, done.last_seq).await?;
                    return Ok(Prepared::Replayed(replayed(
                        Replay { fingerprint: done.fingerprint, events },
                        &fingerprint,
                    )));
                }
                Some(fingerprint)
            }
            None => None,
        };
        // Personal data leaves the command here: the rules and the log see only a reference to it.
        let mut request = request;
        let contact = self.take_contact(&mut request.command)?;
        // [25] a ranking is published as the record has it: the table is computed here, never taken from input.
        if let Command::PublishRanking { period, jurisdiction, table } = &mut request.command
            && govit_rules::authz::could(request.actor.role, govit_rules::Action::PublishRanking)
        {
            let jurisdiction = jurisdiction.clone().unwrap_or_else(|| request.actor.jurisdiction.clone());
            if self.policies.contains(&jurisdiction) {
                *table = Some(Box::new(self.ranking_table(&jurisdiction, *period, request.on).await?));
            }
        }
        request.attachments = self.check_attachments(&request.actor, &request.attachments).await?;
        Ok(Prepared::Job(Box::new(request), fingerprint, contact))
    }

    pub(crate) async fn load_project(&self, id: &ProjectId) -> Result<govit_rules::Project, AppError> {
        self.store.project(id).await?.ok_or_else(|| AppError::NotFound { what: format!("项目 {id}") })
    }

    /// The writer task, started by the first command (on the runtime that runs it).
    fn writer(&self) -> &Writer {
        self.writer.get_or_init(|| {
            Writer::start(Core {
                store: self.store.clone(),
                policies: self.policies.clone(),
                clock: self.clock.clone(),
                personal: self.personal.clone(),
            })
        })
    }
}
