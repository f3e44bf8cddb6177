//! Construction and funds: [14][17][18][19][20], and [25] for a suspended project.

use super::register::government_approval_required;
use super::{Context, Outcome, Ruling};
use crate::command::{Command, RequestAdjustment};
use crate::derive::annual_report_status;
use crate::event::Event;
use crate::money::Money;
use crate::notice::{Checks, refuse};
use crate::policy::{AdjustmentBasis, Resolved};
use crate::state::Project;
use crate::vocab::*;

pub(super) fn decide(ctx: &Context<'_>, policy: &Resolved, p: &Project, command: &Command) -> Ruling {
    let id = p.id.clone();
    match command {
        Command::ReleaseFunds { purpose, amount, .. } => release_funds(p, *purpose, amount.money()),
        // [17] "项目建设单位应当确定项目实施机构和项目责任人".
        // The contact data itself stays out of the rules and the log: only its reference is copied. The
        // supervision (监理) unit is recorded when named; its absence is shown, not refused.
        Command::AppointTeam { agency, leader, supervisor, contact, .. } => Ok(Outcome::event(Event::TeamAppointed {
            project: id,
            agency: agency.clone(),
            leader: leader.clone(),
            supervisor: supervisor.clone(),
            contact: contact.clone(),
        })),
        Command::StartConstruction { .. } => {
            Checks::new()
                .require(matches!(p.status, Status::Approved | Status::Filed), &[14], || match p.status {
                    Status::UnderConstruction
                    | Status::Suspended
                    | Status::Completed
                    | Status::Accepted
                    | Status::Operating => "项目已经开工".to_owned(),
                    Status::AwaitingGovernmentApproval => "项目尚待市人民政府批准,不能开工".to_owned(),
                    _ => "项目初步设计(实施方案)未获批复或未备案,不能开工".to_owned(),
                })
                // [9] "由行业主管部门负责审批,并向市政务服务和大数据管理局备案": approved is not enough on this route.
                .require(p.route != Route::IndustryAuthorityApproval || p.filed_with_bureau, &[9], || {
                    "行业主管部门批复的项目须先向市政务服务和大数据管理局备案,方可开工".to_owned()
                })
                .require(p.team.is_some(), &[17], || "开工前须确定项目实施机构和项目责任人".to_owned())
                .finish()?;
            Ok(Outcome::event(Event::ConstructionStarted { project: id }))
        }
        // [18] "项目建设单位应当严格按照项目批复的初步设计(实施方案)和概算进行建设".
        Command::SignContract { contract, amount, procurement, .. } => {
            let total = p.contracts_total().saturating_add(amount.money());
            if total > p.estimate() {
                return refuse(&[18], format!("合同总额将达{total},超过{}{}", estimate_name(p), p.estimate()));
            }
            Ok(Outcome::event(Event::ContractSigned {
                project: id,
                contract: contract.clone(),
                amount: amount.money(),
                procurement: *procurement,
            }))
        }
        Command::RequestAdjustment(r) => request_adjustment(policy, p, r),
        Command::ApproveAdjustment { approved_investment, .. } => {
            if p.pending_adjustment.as_ref().is_none_or(|a| a.awaiting_government.is_some()) {
                return refuse(&[19], no_pending_adjustment(p));
            }
            if approved_investment.money() < p.committed() {
                return refuse(&[18], super::approval::committed_message(p, approved_investment.money()));
            }
            // [15] judged on the new estimate: only a change that brings it up to the threshold goes to the
            // government; one already over it was approved by the government before.
            let params = &policy.parameters;
            let needs = |amount| government_approval_required(params, p.route, amount);
            let government_approval_required = needs(approved_investment.money()) && !needs(p.estimate());
            Ok(Outcome::event(Event::AdjustmentApproved {
                project: id,
                approved_investment: approved_investment.money(),
                government_approval_required,
            }))
        }
        Command::RejectAdjustment { reason, .. } => {
            if p.pending_adjustment.as_ref().is_none_or(|a| a.awaiting_government.is_some()) {
                return refuse(&[19], no_pending_adjustment(p));
            }
            Ok(Outcome::event(Event::AdjustmentRejected { project: id, reason: reason.clone() }))
        }
        Command::ReturnSurplus { amount, .. } => {
            let surplus = p.surplus();
            Checks::new()
                .require(surplus > Money::ZERO, &[18], || match p.surplus_returned {
                    Some((returned, on)) => format!("结余资金{returned}已于{on}退回"),
                    None if p.accepted_on.is_none() => "项目验收后方可核定并退回结余资金".to_owned(),
                    None => "项目没有结余资金".to_owned(),
                })
                .require(surplus == Money::ZERO || amount.money() == surplus, &[18], || {
                    format!("应退回全部结余资金{surplus},而非{amount}")
                })
                .finish()?;
            Ok(Outcome::event(Event::SurplusReturned { project: id, amount: amount.money() }))
        }
        Command::SubmitAnnualReport { year, opinions_from, self_rating, .. } => {
            let status = annual_report_status(p, year.get(), ctx.on, ctx.policies);
            let missing: Vec<&str> =
                ReportOpinion::ALL.iter().filter(|o| !opinions_from.contains(o)).map(|o| o.label()).collect();
            Checks::new()
                .require(status.is_ok(), &[20], || status.err().unwrap_or_default())
                .require(missing.is_empty(), &[20], || format!("绩效评价报告须征求{}的意见", missing.join("、")))
                .finish()?;
            // [17][20]: a report that carries the supervision unit's opinion while none is on record is noted.
            let supervisor_unrecorded = opinions_from.contains(&ReportOpinion::Supervisor)
                && p.team.as_ref().is_none_or(|t| t.supervisor.is_none());
            let mut events = vec![Event::AnnualReportSubmitted {
                project: id,
                year: year.get(),
                opinions_from: opinions_from.clone(),
                supervisor_unrecorded,
            }];
            // [20] the owner's own rating, part of the report: not held to the monthly limit of `report_rating`,
            // and beside the computed rating of the project with the report in.
            if let Some(level) = self_rating {
                let after = super::folded(ctx, &policy.version, p, &events);
                events.push(crate::rating::reported(&after, *level, None, ctx.on, ctx.policies));
            }
            Ok(Outcome { events, warnings: Vec::new() })
        }
        Command::CompleteConstruction { .. } => match p.status {
            // [19] "应当按照国家有关规定履行相应手续": a change awaiting re-approval is not yet settled.
            Status::UnderConstruction if p.pending_adjustment.is_some() => refuse(
                &[19],
                format!(
                    "调整建设内容{}尚待重新审批,审批完成前不能完工",
                    p.pending_adjustment_amount().unwrap_or_default()
                ),
            ),
            Status::UnderConstruction => Ok(Outcome::event(Event::ConstructionCompleted { project: id })),
            Status::Suspended => refuse(&[25], "项目已被暂停建设,恢复建设前不能完工"),
            other => refuse(&[21], format!("项目当前状态为“{}”,不在建设期", other.label())),
        },
        _ => Err(super::mismatch_refusal()),
    }
}

fn estimate_name(p: &Project) -> &'static str {
    if p.approved_investment.is_some() { "核定投资" } else { "登记投资" }
}

/// [14] "项目初步设计(实施方案)未获批复前,原则上不予下达项目投资……在市人民政府批复同意该项目纳入年度实施计划后,
/// 项目申报单位可以列支项目前期工作经费"; [18] all funds released, preliminary work included, stay within the
/// estimate; and a project suspended under [25] receives no construction funds until the suspension is lifted.
fn release_funds(p: &Project, purpose: Purpose, amount: Money) -> Ruling {
    let mut checks = Checks::new();
    match purpose {
        Purpose::Construction => {
            checks.require(p.is_cleared_for_construction(), &[14], || match p.status {
                Status::AwaitingGovernmentApproval => {
                    "项目核定投资达到市人民政府批准限额,须经市人民政府批准后方可下达建设资金".to_owned()
                }
                _ => "项目初步设计(实施方案)未获批复或未备案,不予下达建设资金".to_owned(),
            });
        }
        Purpose::PreliminaryWork => {
            checks.require(p.in_approved_plan(), &[14], || {
                "项目纳入经批准的年度实施计划后方可列支前期工作经费".to_owned()
            });
        }
    }
    let total = p.released_total().saturating_add(amount);
    checks.require(total <= p.estimate(), &[18], || {
        format!("累计下达资金将达{total},超过{}{}", estimate_name(p), p.estimate())
    });
    checks.require(!(purpose == Purpose::Construction && p.status == Status::Suspended), &[25], || {
        "项目已被暂停建设,暂停期间不下达建设资金".to_owned()
    });
    checks.finish()?;
    Ok(Outcome::event(Event::FundsReleased { project: p.id.clone(), purpose, amount }))
}

/// [19] "项目投资规模未超出概算批复、建设目标不变,项目主要建设内容确需调整且资金调整数额不超过概算总投资15%,并符合下列
/// 情形之一的,可以由项目建设单位调整,同时向项目审批部门备案……不符合上述情形的,应当按照国家有关规定履行相应手续".
/// The request is recorded with its outcome; it is refused only when there is nothing to adjust — before the
/// project is approved or filed, or once construction is completed — or while an earlier change awaits
/// re-approval. "不超过" is inclusive; with the `cumulative` basis all self-made adjustments add up against the
/// tolerance of the approved estimate in force.
fn request_adjustment(policy: &Resolved, p: &Project, r: &RequestAdjustment) -> Ruling {
    let adjustable =
        matches!(p.status, Status::Approved | Status::Filed | Status::UnderConstruction | Status::Suspended);
    Checks::new()
        .require(adjustable, &[19], || match p.status {
            Status::Completed | Status::Accepted | Status::Operating => {
                format!("项目当前状态为“{}”,建设已完成,无从调整建设内容", p.status.label())
            }
            _ => format!("项目当前状态为“{}”,尚未批复或备案,无从调整建设内容", p.status.label()),
        })
        .require(p.pending_adjustment.is_none(), &[19], || no_second_adjustment(p))
        .finish()?;
    let params = &policy.parameters;
    let estimate = p.estimate();
    let counted = match params.adjustment_basis {
        AdjustmentBasis::Cumulative => p.adjustment_used.saturating_add(r.amount),
        AdjustmentBasis::PerChange => r.amount,
    };
    let self_adjustable = r.goal_unchanged
        && r.within_estimate
        && r.reason != AdjustmentReason::Other
        && counted.within_share_of(estimate, params.adjustment_tolerance);
    let outcome = if self_adjustable { AdjustmentOutcome::SelfAdjusted } else { AdjustmentOutcome::RequiresReapproval };
    let limit = share_of(estimate, params.adjustment_tolerance.0);
    Ok(Outcome::event(Event::AdjustmentRequested { request: r.clone(), outcome, limit }))
}

fn no_second_adjustment(p: &Project) -> String {
    format!("调整建设内容{}尚待重新审批,审批完成前不受理新的调整", p.pending_adjustment_amount().unwrap_or_default())
}

fn no_pending_adjustment(p: &Project) -> String {
    match p.pending_adjustment.as_ref().and_then(|a| a.awaiting_government) {
        Some(amount) => format!("调整后的核定投资{amount}已经批准,待市人民政府批准"),
        None => "该项目没有待重新审批的调整".to_owned(),
    }
}

/// `whole × bp / 10000`, rounded down to whole yuan.
fn share_of(whole: Money, bp: u32) -> Money {
    let value = i128::from(whole.yuan()) * i128::from(bp) / 10_000;
    Money::from_yuan(i64::try_from(value).unwrap_or(i64::MAX)).unwrap_or(Money::ZERO)
}
