//! [7] the bureau shapes the annual plan before the government approves it; [24] the two acts of other
//! departments on each approved plan.

use super::{Context, Outcome, Ruling, plan::year_in_range, register};
use crate::command::{Command, RegisterProject};
use crate::event::{Event, Rejudged};
use crate::ids::{OrgName, ProjectId};
use crate::money::Money;
use crate::notice::{Checks, refuse};
use crate::policy::Resolved;
use crate::standing::OwnerStanding;
use crate::state::{Plan, Project};
use crate::vocab::{PlanStatus, Route, Status};

/// [7] "根据实际需要下达项目建设任务": the bureau puts a project into a plan for a unit. It is registered for
/// that owner, with the refusals of a registration [2][3][9][28], and proposed in the plan, which must not yet
/// be approved (after that only a supplementary inclusion brings a project in).
pub(super) fn decide_assign(
    ctx: &Context<'_>,
    policy: &Resolved,
    id: &ProjectId,
    plan: Option<&Plan>,
    owner: Option<&OwnerStanding>,
    registration: &RegisterProject,
    year: i32,
) -> Ruling {
    let approved = plan.is_some_and(|p| p.status == PlanStatus::Approved);
    // [25] "暂缓安排政务信息化项目年度实施计划" binds the plan's reviewer too: a unit under that measure is given
    // no task in the plans it covers.
    let deferred = owner.and_then(|o| o.deferral_for(year));
    Checks::new()
        .require(deferred.is_none(), &[25], || {
            let (project, on) = deferred.map(|(p, d)| (p.to_string(), d.to_string())).unwrap_or_default();
            format!(
                "{}已于{on}(项目 {project})被暂缓安排政务信息化项目年度实施计划,{year}年度不予安排",
                registration.owner.name
            )
        })
        .require(!approved, &[7], || format!("{year}年度实施计划已经批准,不能再下达建设任务,只能申请补充列入"))
        .require(year_in_range(ctx, year), &[6, 7], || format!("{year}年度不在可安排的年度范围内"))
        .finish()?;
    let Event::ProjectRegistered(registered) = register::registration(ctx, policy, id, registration)? else {
        return Err(super::mismatch_refusal());
    };
    let jurisdiction = registered.jurisdiction.clone();
    Ok(Outcome {
        events: vec![
            Event::ProjectRegistered(registered),
            Event::ProjectAssigned { project: id.clone(), jurisdiction, year },
        ],
        warnings: Vec::new(),
    })
}

/// [7] "调整项目建设内容和实施路径", read for the investment: until the government approves the plan, the
/// bureau may change what a proposal costs. Route, approver and government approval are judged again on the
/// new amount with the policy in force that day [8][9][15] — the one case where a route is judged after
/// registration, since the plan is not yet formed.
pub(super) fn decide_adjust(policy: &Resolved, p: &Project, plan: Option<&Plan>, command: &Command) -> Ruling {
    let Command::AdjustProposal { project, investment, reason } = command else {
        return Err(super::mismatch_refusal());
    };
    open_proposal(p, plan)?;
    not_below_committed(p, investment.money())?;
    Ok(Outcome::event(Event::ProposalAdjusted {
        project: project.clone(),
        investment: investment.money(),
        reason: reason.clone(),
        rejudged: rejudge(policy, p, investment.money()),
    }))
}

/// [7] with [4] "统筹规划、共建共享": overlapping proposals of several units become one project built
/// together. The one that remains is led by its owner and takes the investment (judged again as in
/// [`decide_adjust`]); the others are `merged`, out of the plan, and their owners are its co-builders.
pub(super) fn decide_merge(
    policy: &Resolved,
    lead: &Project,
    merged: &[Project],
    plan: Option<&Plan>,
    command: &Command,
) -> Ruling {
    let Command::MergeProposals { project, merged: ids, investment } = command else {
        return Err(super::mismatch_refusal());
    };
    open_proposal(lead, plan)?;
    not_below_committed(lead, investment.money())?;
    if ids.is_empty() {
        return refuse(&[7], "合并建设须至少选择一个并入的项目");
    }
    if ids.contains(project) {
        return refuse(&[7], format!("项目 {project} 是合并后保留的项目,不能同时并入自身"));
    }
    if let Some(twice) = ids.iter().enumerate().find_map(|(i, id)| ids[..i].contains(id).then_some(id)) {
        return refuse(&[7], format!("项目 {twice} 在并入名单中重复出现"));
    }
    // Each one merged must be as open as the lead: proposed by its owner (not by supplementary request) in the
    // same plan, not yet approved.
    let same_plan = |m: &Project| {
        m.plan.as_ref().map(|e| (e.year, e.approved, e.supplementary.is_some()))
            == lead.plan.as_ref().map(|e| (e.year, e.approved, e.supplementary.is_some()))
    };
    let elsewhere: Vec<&str> = merged
        .iter()
        .filter(|m| m.status != Status::Proposed || m.jurisdiction != lead.jurisdiction || !same_plan(m))
        .map(|m| m.id.as_str())
        .collect();
    if !elsewhere.is_empty() {
        let year = lead.plan.as_ref().map_or(0, |e| e.year);
        return refuse(
            &[7],
            format!("项目 {} 不是同一{year}年度实施计划中尚待批准的申报项目,不能合并", elsewhere.join("、")),
        );
    }
    // The owners of the merged proposals, and the co-builders of any of them that was itself a merge.
    let mut co_builders: Vec<OrgName> = Vec::new();
    for owner in merged.iter().flat_map(|m| std::iter::once(&m.owner.name).chain(&m.co_builders)) {
        if owner != &lead.owner.name && !lead.co_builders.contains(owner) && !co_builders.contains(owner) {
            co_builders.push(owner.clone());
        }
    }
    let (jurisdiction, year) = (lead.jurisdiction.clone(), lead.plan.as_ref().map_or(0, |e| e.year));
    Ok(Outcome::event(Event::ProposalsMerged {
        project: project.clone(),
        merged: merged.iter().map(|m| m.id.clone()).collect(),
        investment: investment.money(),
        co_builders,
        jurisdiction,
        year,
        rejudged: rejudge(policy, lead, investment.money()),
    }))
}

/// [7] the plan may be shaped only while it is formed: the project is `proposed` in a plan not yet approved,
/// not by a supplementary request.
fn open_proposal(p: &Project, plan: Option<&Plan>) -> Result<(), crate::notice::Refusal> {
    let approved = plan.is_some_and(|pl| pl.status == PlanStatus::Approved);
    match &p.plan {
        _ if p.status != Status::Proposed => {
            refuse(&[7], format!("项目 {} 当前状态为“{}”,不是待批准年度计划中的申报项目", p.id, p.status.label()))
        }
        Some(entry) if approved || entry.approved => {
            refuse(&[7], format!("{}年度实施计划已经批准,不能再调整或合并其中的项目", entry.year))
        }
        // A supplementary inclusion is the government's to approve as requested, not part of the plan the
        // bureau reviews and shapes.
        Some(entry) if entry.supplementary.is_some() => {
            refuse(&[7], format!("项目 {} 是申请补充列入{}年度计划的项目,不在论证调整之列", p.id, entry.year))
        }
        _ => Ok(()),
    }
}

/// [18] "严格按照项目批复的初步设计(实施方案)和概算进行建设": no new amount below what is already spent or
/// contracted.
fn not_below_committed(p: &Project, investment: Money) -> Result<(), crate::notice::Refusal> {
    let committed = p.committed();
    if investment < committed {
        return refuse(&[18], format!("项目 {} 已签订合同或下达资金{committed},投资额不能调整为{investment}", p.id));
    }
    Ok(())
}

/// Route, approver and government approval judged again on `investment` with the policy of the day [8][9][15].
/// The special routes stay what registration found them to be: they follow from what the project is, not
/// from its amount.
pub(super) fn rejudge(policy: &Resolved, p: &Project, investment: Money) -> Rejudged {
    let bundled = p.route == Route::CapitalConstruction;
    let self_built = p.route == Route::IndustryAuthorityApproval;
    let (route, approver) = register::route(&policy.parameters, investment, bundled, self_built);
    let government_approval_required = register::government_approval_required(&policy.parameters, route, investment);
    Rejudged { route, approver, government_approval_required }
}

/// [24] "市委网信办……对……年度实施计划进行备案审核" and "市发展改革委……统筹纳入政府投资年度计划": acts on an
/// approved plan, each recorded once.
pub(super) fn decide_plan_act(plan: &Plan, command: &Command) -> Ruling {
    let (done, what) = match command {
        Command::FilePlanReview { .. } => (plan.filing_review.is_some(), "备案审核"),
        Command::IncludeInInvestmentPlan { .. } => (plan.investment_plan.is_some(), "纳入政府投资年度计划"),
        _ => return Err(super::mismatch_refusal()),
    };
    Checks::new()
        .require(plan.status == PlanStatus::Approved, &[24], || {
            format!("{}年度实施计划尚未经批准,不能办理{what}", plan.year)
        })
        .require(!done, &[24], || format!("{}年度实施计划已经办理过{what}", plan.year))
        .finish()?;
    let (jurisdiction, year) = (plan.jurisdiction.clone(), plan.year);
    let event = match command {
        Command::FilePlanReview { result, note, .. } => {
            Event::PlanReviewFiled { jurisdiction, year, result: *result, note: note.clone() }
        }
        _ => Event::PlanIncludedInInvestmentPlan { jurisdiction, year },
    };
    Ok(Outcome::event(event))
}
