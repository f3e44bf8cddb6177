//! 电子监察 [25]: the yellow and red cards a project carries while a deadline it must meet nears or has
//! passed, as facts in the log.
//!
//! [25] "市政务信息化项目建设与管理联席工作机制各部门……实施监管" gives the departments the supervision; the text
//! names no card and no warning period, so the reading is the platform's (docs/READINGS.md): a yellow card from the
//! policy's `warning_days` before a deadline's due date, a red card from the day after it, each until the
//! obligation is met. A card is issued by the daily 电子监察 run (`issue_cards`) and cleared by the decision
//! that meets the obligation, in the same batch; both are events, so a card is in the chain like a decision.
//! The owner may dispute a card with a reason; the approval authority or the bureau upholds it or withdraws
//! it, and a withdrawn card is not issued again for that deadline and due date.

use crate::date::Date;
use crate::derive::{self, Deadline, DeadlineName};
use crate::event::Event;
use crate::ids::Text;
use crate::policy::PolicySet;
use crate::state::Project;
use crate::vocab::{Card, DisputeOutcome};
use serde::{Deserialize, Serialize};

/// One card of a project, open or closed: what the project page, the 工作台 and the rankings read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRecord {
    pub deadline: DeadlineName,
    pub card: Card,
    pub due: Date,
    pub issued_on: Date,
    /// When it stopped being open: the obligation met, a red card replacing the yellow one, or withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<(Closure, Date)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<Dispute>,
}

impl CardRecord {
    /// Still shown and counted: not met, lapsed, replaced by a red card or withdrawn.
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// The days of `[from, to]` (both included) this card was open: what a ranking counts as days overdue.
    pub fn days_open_within(&self, from: Date, to: Date) -> i64 {
        let start = self.issued_on.max(from);
        // The day it closed is the day the obligation was met (or the card withdrawn): not a day of the card.
        let end = self.closed.map_or(to, |(_, on)| on.pred_opt().unwrap_or(on)).min(to);
        if end < start { 0 } else { (end - start).num_days() + 1 }
    }

    /// Whether the dispute of this card awaits a decision.
    pub fn disputed(&self) -> bool {
        self.dispute.as_ref().is_some_and(|d| d.outcome.is_none())
    }
}

crate::vocab::vocabulary_pub!(
    /// Why a card stopped being open. `lapsed`: no longer owed without being met — the project terminated or
    /// merged, an earlier-due order put first, the current year's report fallen away on completion, a due
    /// date another policy moved.
    Closure {
        Met = "met" => "已履行",
        Lapsed = "lapsed" => "期限已取消或变更",
        Escalated = "escalated" => "升级为红牌",
        Withdrawn = "withdrawn" => "异议成立,已撤销",
    }
);

/// A unit's dispute of a card and the decision on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub reason: Text,
    pub on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<(DisputeOutcome, Date)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// What the 电子监察 run has to record for a project on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Issue {
        deadline: DeadlineName,
        card: Card,
        due: Date,
    },
    /// The open card of this deadline is no longer called for: its obligation is no longer pending.
    Clear {
        deadline: DeadlineName,
    },
}

/// The card each pending deadline calls for on `on`: red from the day after its due date, yellow from
/// `warning_days` (the policy's, on `on`) before it until then, none before that; none for a deadline whose
/// card was withdrawn on a dispute (for that due date).
fn calls(p: &Project, pending: &[Deadline], on: Date, policies: &PolicySet) -> Vec<(Deadline, Card)> {
    let warning = policies
        .resolve(&p.jurisdiction, on)
        .map_or(crate::policy::DEFAULT_WARNING_DAYS, |r| r.parameters.warning_days);
    pending
        .iter()
        .filter(|d| !p.cards.iter().any(|c| withdrawn(c) && c.deadline == d.name && c.due == d.due))
        .filter_map(|d| {
            let card = if d.is_overdue(on) {
                Card::Red
            } else if (d.due - on).num_days() <= i64::from(warning) {
                Card::Yellow
            } else {
                return None;
            };
            Some((d.clone(), card))
        })
        .collect()
}

fn withdrawn(c: &CardRecord) -> bool {
    matches!(c.closed, Some((Closure::Withdrawn, _)))
}

/// What differs between the cards `p` carries and those called for on `on`: first the open cards whose
/// deadline (with that due date) is no longer pending — met — then the cards called for that are not open
/// (a red card replacing an open yellow one of the same deadline is an issue). An open card whose deadline is
/// still pending stays, even if a later policy would not call for it yet.
pub fn changes(p: &Project, on: Date, policies: &PolicySet) -> Vec<Change> {
    changes_given(p, &derive::deadlines(p, on, policies), on, policies)
}

/// [`changes`] for the deadlines `pending` on `on` ([`derive::deadlines`]), already at hand.
pub fn changes_given(p: &Project, pending: &[Deadline], on: Date, policies: &PolicySet) -> Vec<Change> {
    let mut out = Vec::new();
    for open in p.open_cards() {
        if !pending.iter().any(|d| d.name == open.deadline && d.due == open.due) {
            out.push(Change::Clear { deadline: open.deadline });
        }
    }
    for (d, card) in calls(p, pending, on, policies) {
        let current = p.open_cards().find(|c| c.deadline == d.name && c.due == d.due).map(|c| c.card);
        let needed = match current {
            None => true,
            Some(held) => held == Card::Yellow && card == Card::Red,
        };
        if needed {
            out.push(Change::Issue { deadline: d.name, card, due: d.due });
        }
    }
    out
}

/// The clearings alone: what a decision that meets an obligation records with it.
pub fn clearings(p: &Project, on: Date, policies: &PolicySet) -> Vec<DeadlineName> {
    if p.open_cards().next().is_none() {
        return Vec::new();
    }
    changes(p, on, policies)
        .into_iter()
        .filter_map(|c| match c {
            Change::Clear { deadline } => Some(deadline),
            Change::Issue { .. } => None,
        })
        .collect()
}

/// How a card event changes the project's cards.
pub(crate) fn apply(p: &mut Project, event: &Event, on: Date) {
    match event {
        // A red card replaces the yellow one of its due date; a dispute still undecided goes on with it.
        Event::CardIssued { deadline, card, due, .. } => {
            let mut dispute = None;
            if let Some(open) = p.open_card_mut(*deadline) {
                let escalated = open.due == *due;
                open.closed = Some((if escalated { Closure::Escalated } else { Closure::Lapsed }, on));
                if escalated && open.disputed() {
                    dispute = open.dispute.take();
                }
            }
            let record =
                CardRecord { deadline: *deadline, card: *card, due: *due, issued_on: on, closed: None, dispute };
            p.cards.push(record);
        }
        Event::CardCleared { deadline, closure, .. } => {
            if let Some(open) = p.open_card_mut(*deadline) {
                open.closed = Some((*closure, on));
            }
        }
        Event::CardDisputed { deadline, reason, .. } => {
            if let Some(open) = p.open_card_mut(*deadline) {
                open.dispute = Some(Dispute { reason: reason.clone(), on, outcome: None, note: None });
            }
        }
        Event::CardDisputeResolved { deadline, outcome, note, .. } => {
            if let Some(open) = p.open_card_mut(*deadline) {
                if let Some(d) = open.dispute.as_mut() {
                    d.outcome = Some((*outcome, on));
                    d.note = note.clone();
                }
                if *outcome == DisputeOutcome::Withdrawn {
                    open.closed = Some((Closure::Withdrawn, on));
                }
            }
        }
        _ => {}
    }
}

impl Project {
    pub fn open_cards(&self) -> impl Iterator<Item = &CardRecord> {
        self.cards.iter().filter(|c| c.is_open())
    }

    /// The open card of `deadline`, if any.
    pub fn open_card(&self, deadline: DeadlineName) -> Option<&CardRecord> {
        self.open_cards().find(|c| c.deadline == deadline)
    }

    pub(crate) fn open_card_mut(&mut self, deadline: DeadlineName) -> Option<&mut CardRecord> {
        self.cards.iter_mut().find(|c| c.is_open() && c.deadline == deadline)
    }
}
