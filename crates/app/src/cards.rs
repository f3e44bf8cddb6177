//! The daily 电子监察 run [25]: for every project whose cards differ from what its deadlines call for on the
//! day, an `issue_cards` command through the writer, like any other decision. The rules decide what each
//! one records ([`govit_rules::cards`]); a second run on the same day finds nothing to do, so the cards are
//! issued once whatever restarts in between, and on a cluster the run is the leading node's (as reminders).

use crate::{App, AppError, CommandRequest, Executed};
use govit_rules::{Actor, Command, Date, Event, JurisdictionId, OrgName, Role};
use serde::Serialize;
use std::collections::BTreeMap;

/// The organisation the run acts for where no bureau is on record: the name [24] gives it.
const BUREAU: &str = "市政务服务和大数据管理局";

/// What one run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct CardRun {
    /// Projects whose cards changed.
    pub projects: usize,
    pub yellow: usize,
    pub red: usize,
    pub cleared: usize,
    /// Projects the run could not record (an error, logged): tried again by the next run.
    pub failed: usize,
}

impl App {
    /// Issues and clears the cards due on `on`.
    pub async fn issue_cards(&self, on: Date) -> Result<CardRun, AppError> {
        let due: Vec<_> = self.digests(on).await?.iter().filter(|d| d.cards_due).cloned().collect();
        let mut run = CardRun::default();
        if due.is_empty() {
            return Ok(run);
        }
        let mut monitors: BTreeMap<JurisdictionId, Actor> = BTreeMap::new();
        let mut requests = Vec::with_capacity(due.len());
        for digest in &due {
            let root = self.policies().root_of(&digest.jurisdiction);
            let actor = match monitors.get(&root) {
                Some(actor) => actor.clone(),
                None => {
                    let actor = self.monitor(&root).await?;
                    monitors.insert(root, actor.clone());
                    actor
                }
            };
            requests.push(CommandRequest {
                actor,
                on,
                command: Command::IssueCards { project: digest.id.clone() },
                request_id: None,
                attachments: Vec::new(),
            });
        }
        for outcome in self.execute_all(requests).await {
            match outcome {
                Ok(Executed::Done { events, .. }) => {
                    run.projects += 1;
                    for e in &events {
                        match &e.record.event {
                            Event::CardIssued { card: govit_rules::vocab::Card::Yellow, .. } => run.yellow += 1,
                            Event::CardIssued { .. } => run.red += 1,
                            Event::CardCleared { .. } => run.cleared += 1,
                            _ => {}
                        }
                    }
                }
                // Another node's run, or a decision in between, got there first.
                Ok(Executed::Rejected { .. }) => {}
                Err(e) => {
                    tracing::warn!(error = %e, %on, "电子监察 could not record a project's cards");
                    run.failed += 1;
                }
            }
        }
        if run.projects > 0 {
            tracing::info!(projects = run.projects, yellow = run.yellow, red = run.red, cleared = run.cleared, %on, "电子监察 cards");
        }
        Ok(run)
    }

    /// Who issues cards: the bureau of the city, as an organisation (no person decides a card; the timeline
    /// says it was the automatic run).
    async fn monitor(&self, root: &JurisdictionId) -> Result<Actor, AppError> {
        let organizations = self.store.organizations().await?;
        let bureau = organizations
            .iter()
            .find(|o| o.jurisdiction == root.as_str() && o.duty.as_deref() == Some(Role::Bureau.code()))
            .map_or(BUREAU, |o| o.name.as_str());
        let organization = OrgName::parse(bureau.to_owned()).map_err(|e| AppError::invalid("organization", e))?;
        Ok(Actor { role: Role::Bureau, organization, jurisdiction: root.clone(), person: None })
    }
}
