//! Annual plans [5][6][7] and supplementary inclusion [7].

use super::{Context, Outcome, Ruling};
use crate::command::Command;
use crate::date::Date;
use crate::event::Event;
use crate::ids::ProjectId;
use crate::notice::{Checks, Notice, refuse};
use crate::standing::OwnerStanding;
use crate::state::{Plan, Project};
use crate::vocab::{PlanStatus, Status, SupplementaryReason};
use chrono::Datelike;

/// Plan years accepted: from the year of the action up to five years ahead; earlier years are over.
pub(super) fn year_in_range(ctx: &Context<'_>, year: i32) -> bool {
    (ctx.on.year()..=ctx.on.year() + 5).contains(&year)
}

/// [6] units draw up their annual plans; [7] "未列入计划的项目不得申请立项", and "市委、市人民政府有明确要求或者确属
/// 情况紧急的项目,可以申请补充列入年度实施计划" — only those two reasons.
pub(super) fn decide_project(
    ctx: &Context<'_>,
    p: &Project,
    plan: Option<&Plan>,
    owner: Option<&OwnerStanding>,
    command: &Command,
) -> Ruling {
    match command {
        Command::ProposeForPlan { project, year } => {
            let plan_approved = plan.is_some_and(|pl| pl.status == PlanStatus::Approved);
            Checks::new()
                .require(deferral(owner, year.get()).is_none(), &[25], || deferral_message(p, owner, year.get()))
                .require(p.status == Status::Registered, &[7], || {
                    format!("项目当前状态为“{}”,不能再申报年度计划", p.status.label())
                })
                .require(year_in_range(ctx, year.get()), &[6, 7], || format!("{year}年度不在可申报的年度范围内"))
                .require(!plan_approved, &[7], || format!("{year}年度实施计划已经批准,只能申请补充列入"))
                .finish()?;
            Ok(Outcome::event(Event::ProposedForPlan { project: project.clone(), year: year.get() })
                .warn(rectification_record(p, owner)))
        }
        Command::RequestSupplementaryInclusion { project, year, reason } => {
            Checks::new()
                .require(*reason != SupplementaryReason::Other, &[7], || {
                    "补充列入年度实施计划仅限市委、市人民政府有明确要求或者确属情况紧急的项目".to_owned()
                })
                .require(deferral(owner, year.get()).is_none(), &[25], || deferral_message(p, owner, year.get()))
                .require(p.status == Status::Registered, &[7], || {
                    format!("项目当前状态为“{}”,无需补充列入", p.status.label())
                })
                .require(year_in_range(ctx, year.get()), &[6, 7], || format!("{year}年度不在可申报的年度范围内"))
                .finish()?;
            Ok(Outcome::event(Event::SupplementaryInclusionRequested {
                project: project.clone(),
                year: year.get(),
                reason: *reason,
            }))
        }
        Command::ApproveSupplementaryInclusion { project, year } => {
            let pending = p.status == Status::Proposed
                && p.plan.as_ref().is_some_and(|e| e.year == year.get() && e.supplementary.is_some() && !e.approved);
            if !pending {
                return refuse(&[7], format!("该项目没有待批准的{year}年度补充列入申请"));
            }
            Ok(Outcome::event(Event::SupplementaryInclusionApproved { project: project.clone(), year: year.get() }))
        }
        _ => Err(super::mismatch_refusal()),
    }
}

/// [25] "暂缓安排政务信息化项目年度实施计划": a measure on the owner organisation, whichever of its projects it
/// was imposed on.
fn deferral(owner: Option<&OwnerStanding>, year: i32) -> Option<&(ProjectId, Date)> {
    owner.and_then(|o| o.deferral_for(year))
}

fn deferral_message(p: &Project, owner: Option<&OwnerStanding>, year: i32) -> String {
    match deferral(owner, year) {
        Some((project, on)) => {
            format!("{}已于{on}(项目 {project})被暂缓安排政务信息化项目年度实施计划,{year}年度不予安排", p.owner.name)
        }
        None => String::new(),
    }
}

/// [23] "根据评价结果对市级政务信息化项目存在的问题提出整改意见……将评价结果作为下一年度安排政府投资政务信息化项目
/// ……的重要依据": a proposal from a unit with a failed or overdue rectification carries that record.
fn rectification_record(p: &Project, owner: Option<&OwnerStanding>) -> Option<Notice> {
    let troubled = &owner?.troubled;
    (!troubled.is_empty()).then(|| {
        let list: Vec<&str> = troubled.iter().map(ProjectId::as_str).collect();
        Notice::new(
            &[23],
            format!(
                "{}的项目 {} 存在逾期未整改或整改后仍不符合要求的问题,论证年度计划时予以考虑",
                p.owner.name,
                list.join("、")
            ),
        )
    })
}

/// [7] "市政务服务和大数据管理局……对……年度实施计划进行论证……形成市级政务信息化项目年度实施计划,报市人民政府批准":
/// the review may cut items (`exclude`), and the government approves only a reviewed plan.
pub(super) fn decide_plan(_ctx: &Context<'_>, plan: &Plan, proposals: &[ProjectId], command: &Command) -> Ruling {
    match command {
        Command::ReviewPlan { exclude, .. } => {
            if plan.status == PlanStatus::Approved {
                return refuse(&[7], format!("{}年度实施计划已经批准,不能重新论证", plan.year));
            }
            let unknown: Vec<&str> = exclude.iter().filter(|e| !proposals.contains(e)).map(ProjectId::as_str).collect();
            if !unknown.is_empty() {
                return refuse(&[7], format!("项目 {} 未申报{}年度实施计划,无从调减", unknown.join("、"), plan.year));
            }
            let included = proposals.iter().filter(|p| !exclude.contains(p)).cloned().collect();
            Ok(Outcome::event(Event::PlanReviewed {
                jurisdiction: plan.jurisdiction.clone(),
                year: plan.year,
                included,
                excluded: exclude.clone(),
            }))
        }
        Command::ApprovePlan { .. } => {
            match plan.status {
                PlanStatus::Open => return refuse(&[7], format!("{}年度实施计划尚未经论证,不能批准", plan.year)),
                PlanStatus::Approved => return refuse(&[7], format!("{}年度实施计划已经批准", plan.year)),
                PlanStatus::Reviewed => {}
            }
            // [7] the government approves the plan the bureau "进行论证……形成": a project proposed after the
            // review has not been reviewed. Approving without it would leave it `proposed` for a plan that is
            // closed (it could neither be planned nor apply again); the bureau reviews the plan again first.
            let unreviewed: Vec<&str> =
                proposals.iter().filter(|p| !plan.included.contains(p)).map(ProjectId::as_str).collect();
            if !unreviewed.is_empty() {
                return refuse(
                    &[7],
                    format!(
                        "项目 {} 在{}年度实施计划论证后申报,尚未经论证,须重新论证后再批准",
                        unreviewed.join("、"),
                        plan.year
                    ),
                );
            }
            Ok(Outcome::event(Event::PlanApproved {
                jurisdiction: plan.jurisdiction.clone(),
                year: plan.year,
                projects: plan.included.clone(),
            }))
        }
        _ => Err(super::mismatch_refusal()),
    }
}
