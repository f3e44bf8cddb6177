//! 电子监察 [25]: issuing cards, disputes of them, and clearing a card with the decision that meets its
//! obligation (see [`crate::cards`] for the reading); the owner's own rating of the project [20] (see
//! [`crate::rating`]).

use super::{Context, Outcome, Ruling};
use crate::cards::{self, Change, Closure};
use crate::command::Command;
use crate::event::Event;
use crate::notice::refuse;
use crate::state::Project;
use chrono::Datelike;

pub(super) fn decide(ctx: &Context<'_>, p: &Project, command: &Command) -> Ruling {
    let project = p.id.clone();
    match command {
        Command::IssueCards { .. } => {
            if ctx.actor.person.is_some() {
                return refuse(&[25], "电子监察由系统每日自动运行,不由个人发起");
            }
            // The run meets nothing: a card it clears has lapsed (a met one is cleared by the decision that
            // met it).
            let events: Vec<Event> = cards::changes(p, ctx.on, ctx.policies)
                .into_iter()
                .map(|change| match change {
                    Change::Clear { deadline } => {
                        Event::CardCleared { project: project.clone(), deadline, closure: Closure::Lapsed }
                    }
                    Change::Issue { deadline, card, due } => {
                        Event::CardIssued { project: project.clone(), deadline, card, due }
                    }
                })
                .collect();
            if events.is_empty() {
                return refuse(&[25], format!("{}没有需要亮牌或销牌的期限", ctx.on));
            }
            Ok(Outcome { events, warnings: Vec::new() })
        }
        // [20] the owner reports how the project stands, beside the computed rating: once a calendar month.
        Command::ReportRating { level, note, .. } => {
            let month = |d: crate::date::Date| (d.year(), d.month());
            if let Some(last) = p.self_ratings.last().filter(|s| month(s.on) == month(ctx.on)) {
                return refuse(&[20], format!("本月已于{}报告过自评状况,每月至多报告一次", last.on));
            }
            Ok(Outcome::event(crate::rating::reported(p, *level, Some(note.clone()), ctx.on, ctx.policies)))
        }
        Command::DisputeCard { deadline, reason, .. } => {
            let Some(card) = p.open_card(*deadline) else {
                return refuse(&[25], format!("“{}”没有未撤销的警示牌", deadline.label()));
            };
            if card.dispute.is_some() {
                return refuse(&[25], format!("“{}”的{}已经提出过异议", deadline.label(), card.card.label()));
            }
            Ok(Outcome::event(Event::CardDisputed { project, deadline: *deadline, reason: reason.clone() }))
        }
        Command::ResolveCardDispute { deadline, outcome, note, .. } => {
            if !p.open_card(*deadline).is_some_and(|c| c.disputed()) {
                return refuse(&[25], format!("“{}”的警示牌没有待处理的异议", deadline.label()));
            }
            Ok(Outcome::event(Event::CardDisputeResolved {
                project,
                deadline: *deadline,
                outcome: *outcome,
                note: note.clone(),
            }))
        }
        _ => Err(super::mismatch_refusal()),
    }
}

/// [25] a month's ranking, published once the month is over, once.
pub(super) fn decide_publish(
    ctx: &Context<'_>,
    jurisdiction: &crate::ids::JurisdictionId,
    published: bool,
    command: &Command,
) -> Ruling {
    let Command::PublishRanking { period, table: Some(table), .. } = command else {
        return Err(super::mismatch_refusal());
    };
    if period.last() >= ctx.on {
        return refuse(&[25], format!("{}尚未结束,排名只能在月份结束后发布", period.label()));
    }
    if published {
        return refuse(&[25], format!("{}的电子监察排名已经发布,已发布的排名不再改变", period.label()));
    }
    Ok(Outcome::event(Event::RankingPublished {
        jurisdiction: jurisdiction.clone(),
        period: *period,
        table: (**table).clone(),
    }))
}

/// The cards a decision's events clear: the open cards of `p` whose obligation the project, once the events
/// are applied, no longer owes on `on` — met when the decision is the one that meets that deadline, lapsed
/// otherwise (a termination, an earlier-due order put first). Issuing stays the daily run's; clearing happens
/// with the act itself, so a card never outlives the obligation it stands for.
pub(super) fn cleared_with(
    ctx: &Context<'_>,
    policy: &str,
    p: &Project,
    command: &Command,
    events: &[Event],
) -> Vec<Event> {
    if p.open_cards().next().is_none() || events.is_empty() {
        return Vec::new();
    }
    let after = super::folded(ctx, policy, p, events);
    cards::clearings(&after, ctx.on, ctx.policies)
        .into_iter()
        .map(|deadline| {
            let closure = if deadline.met_by() == command.action() { Closure::Met } else { Closure::Lapsed };
            Event::CardCleared { project: p.id.clone(), deadline, closure }
        })
        .collect()
}
