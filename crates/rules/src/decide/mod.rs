//! `decide`: one command, the state it acts on, the actor and the date in; events or a rejection out.
//!
//! Order of judgement: powers first ([`crate::authz`], `forbidden`), then [25] for a terminated project,
//! then [31] (is anything in force on that date), then the articles of the action in the scenario format's order.

mod acceptance;
mod approval;
mod cards;
mod construction;
mod plan;
mod register;
mod shape;
mod supervision;

use crate::actor::Actor;
use crate::authz::{self, Subject};
use crate::command::Command;
use crate::date::Date;
use crate::event::Event;
use crate::ids::{JurisdictionId, ProjectId};
use crate::notice::{Notice, Refusal, Rejection};
use crate::policy::{PolicySet, Resolved};
use crate::standing::OwnerStanding;
use crate::state::{Plan, Project};
use crate::vocab::Status;

/// The circumstances of a decision.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub on: Date,
    pub actor: &'a Actor,
    pub policies: &'a PolicySet,
}

/// What the application layer loaded for the command's [`crate::command::Target`].
#[derive(Debug, Clone, Copy)]
pub enum World<'a> {
    /// A registration, with the number the new project will get.
    NewProject(&'a ProjectId),
    /// A project; for plan-related project actions (`propose_for_plan`, `request_supplementary_inclusion`)
    /// the plan of the year named and how the owner organisation stands across its projects [23][25].
    Project { project: &'a Project, plan: Option<&'a Plan>, owner: Option<&'a OwnerStanding> },
    /// A plan and the projects proposed for it (not by supplementary request) that are not yet in it.
    Plan { plan: &'a Plan, proposals: &'a [ProjectId] },
    /// A project the plan's reviewer assigns [7]: the number it will get, the plan of its year, and how the
    /// unit named stands across its projects [25].
    Assign { id: &'a ProjectId, plan: Option<&'a Plan>, owner: Option<&'a OwnerStanding> },
    /// Proposals to merge [7]: the one that remains, the ones folded into it, and the plan of its year.
    Merge { lead: &'a Project, merged: &'a [Project], plan: Option<&'a Plan> },
    /// A month's ranking of a jurisdiction [25], and whether it was published already.
    Ranking { jurisdiction: &'a JurisdictionId, published: bool },
}

/// What a decision produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub events: Vec<Event>,
    pub warnings: Vec<Notice>,
    /// The policy versions used (`wuhan@2021-08-21+jiangan@2021-10-01`).
    pub policy: String,
}

/// The outcome of one chapter's rule: events, perhaps with warnings.
pub(crate) struct Outcome {
    events: Vec<Event>,
    warnings: Vec<Notice>,
}

impl Outcome {
    pub(crate) fn event(e: Event) -> Outcome {
        Outcome { events: vec![e], warnings: Vec::new() }
    }
    pub(crate) fn warn(mut self, warning: Option<Notice>) -> Outcome {
        self.warnings.extend(warning);
        self
    }
}

pub(crate) type Ruling = Result<Outcome, Refusal>;

/// The jurisdiction a command without one works in: the actor's own.
pub fn default_jurisdiction<'a>(given: Option<&'a JurisdictionId>, actor: &'a Actor) -> &'a JurisdictionId {
    given.unwrap_or(&actor.jurisdiction)
}

/// Decides one command. Pure: the same inputs always give the same answer.
pub fn decide(ctx: &Context<'_>, world: World<'_>, command: &Command) -> Result<Decision, Rejection> {
    let action = command.action();
    let area = match command {
        Command::OrderRectification { area, .. } => Some(*area),
        _ => None,
    };
    let (subject, jurisdiction) = match (world, command) {
        (World::NewProject(_), Command::RegisterProject(r)) => {
            let j = default_jurisdiction(r.jurisdiction.as_ref(), ctx.actor);
            (Subject::NewProject { owner: &r.owner.name, jurisdiction: j }, j)
        }
        (World::Assign { .. }, Command::AssignProject(a)) => {
            let j = default_jurisdiction(a.registration.jurisdiction.as_ref(), ctx.actor);
            (Subject::Plan { jurisdiction: j }, j)
        }
        (World::Project { project, .. } | World::Merge { lead: project, .. }, _) => {
            (Subject::Project(project.audience()), &project.jurisdiction)
        }
        (World::Plan { plan, .. }, _) => (Subject::Plan { jurisdiction: &plan.jurisdiction }, &plan.jurisdiction),
        (World::Ranking { jurisdiction, .. }, _) => (Subject::Plan { jurisdiction }, jurisdiction),
        (World::NewProject(_) | World::Assign { .. }, _) => return Err(mismatch()),
    };
    authz::authorize(ctx.actor, action, subject, area, ctx.policies, ctx.on)?;
    // The daily 电子监察 run still reaches a terminated or merged project: to clear the cards it left open.
    let run = matches!(command, Command::IssueCards { .. });
    if let World::Project { project, .. } | World::Merge { lead: project, .. } = world
        && !run
    {
        if project.status == Status::Terminated {
            return Err(Refusal::single(&[25], "项目已终止,不再受理任何事项").into());
        }
        // [7] a proposal merged into another is built as part of it, by its lead owner.
        if let Some(into) = &project.merged_into {
            let message = format!("项目已并入 {into} 合并建设,不再单独办理任何事项");
            return Err(Refusal::single(&[7], message).into());
        }
    }
    let policy = ctx.policies.resolve(jurisdiction, ctx.on)?;
    let mut outcome = match world {
        World::NewProject(id) => register::decide(ctx, &policy, id, command),
        World::Project { project, plan, owner } => decide_for_project(ctx, &policy, project, plan, owner, command),
        World::Plan { plan, .. }
            if matches!(command, Command::FilePlanReview { .. } | Command::IncludeInInvestmentPlan { .. }) =>
        {
            shape::decide_plan_act(plan, command)
        }
        World::Plan { plan, proposals } => plan::decide_plan(ctx, plan, proposals, command),
        World::Assign { id, plan, owner } => match command {
            Command::AssignProject(a) => {
                shape::decide_assign(ctx, &policy, id, plan, owner, &a.registration, a.year.get())
            }
            _ => Err(mismatch_refusal()),
        },
        World::Merge { lead, merged, plan } => shape::decide_merge(&policy, lead, merged, plan, command),
        World::Ranking { jurisdiction, published } => cards::decide_publish(ctx, jurisdiction, published, command),
    }?;
    if let World::Project { project, .. } = world
        && !matches!(command, Command::IssueCards { .. })
    {
        let cleared = cards::cleared_with(ctx, &policy.version, project, command, &outcome.events);
        outcome.events.extend(cleared);
    }
    Ok(Decision { events: outcome.events, warnings: outcome.warnings, policy: policy.version })
}

/// `p` as it stands once `events`, decided on `ctx`, are applied: what the decision's own consequences (a card
/// cleared, the rating of the day) are judged on.
pub(crate) fn folded(ctx: &Context<'_>, policy: &str, p: &Project, events: &[Event]) -> Project {
    let mut after = p.clone();
    for event in events {
        after.apply(&crate::event::Recorded {
            on: ctx.on,
            actor: ctx.actor.clone(),
            policy: policy.to_owned(),
            event: event.clone(),
            warnings: Vec::new(),
            attachments: Vec::new(),
        });
    }
    after
}

/// What `project`'s route, approver and government approval would be at `investment` on `on` [7][8][9][15]: what
/// the plan's reviewer is shown before confirming an adjustment or a merge.
pub fn rejudge_on(
    policies: &PolicySet,
    project: &Project,
    investment: crate::money::Money,
    on: Date,
) -> Result<crate::event::Rejudged, Refusal> {
    let policy = policies.resolve(&project.jurisdiction, on)?;
    Ok(shape::rejudge(&policy, project, investment))
}

fn decide_for_project(
    ctx: &Context<'_>,
    policy: &Resolved,
    p: &Project,
    plan: Option<&Plan>,
    owner: Option<&OwnerStanding>,
    command: &Command,
) -> Ruling {
    use Command as C;
    match command {
        C::ProposeForPlan { .. }
        | C::RequestSupplementaryInclusion { .. }
        | C::ApproveSupplementaryInclusion { .. } => plan::decide_project(ctx, p, plan, owner, command),
        C::AdjustProposal { .. } => shape::decide_adjust(policy, p, plan, command),
        C::FileRecord { .. }
        | C::SubmitStage(_)
        | C::CommissionReview { .. }
        | C::SubmitEvaluation { .. }
        | C::ApproveStage { .. }
        | C::ReturnStage { .. }
        | C::GovernmentApprove { .. }
        | C::IssueTechnicalOpinion { .. } => approval::decide(ctx, policy, p, command),
        C::ReleaseFunds { .. }
        | C::AppointTeam { .. }
        | C::StartConstruction { .. }
        | C::SignContract { .. }
        | C::RequestAdjustment(_)
        | C::ApproveAdjustment { .. }
        | C::RejectAdjustment { .. }
        | C::ReturnSurplus { .. }
        | C::SubmitAnnualReport { .. }
        | C::CompleteConstruction { .. } => construction::decide(ctx, policy, p, command),
        C::RecordAssessment { .. }
        | C::ConfirmReadyForAcceptance { .. }
        | C::Accept { .. }
        | C::FileAcceptance { .. }
        | C::RegisterAssets { .. }
        | C::StartOperation { .. }
        | C::SubmitSelfEvaluation { .. }
        | C::CommissionPostEvaluation { .. } => acceptance::decide(ctx, p, command),
        C::OrderRectification { .. }
        | C::ReportRectified { .. }
        | C::VerifyRectification { .. }
        | C::ImposeMeasure { .. }
        | C::LiftSuspension { .. } => supervision::decide(ctx, p, command),
        C::IssueCards { .. } | C::DisputeCard { .. } | C::ResolveCardDispute { .. } | C::ReportRating { .. } => {
            cards::decide(ctx, p, command)
        }
        C::RegisterProject(_)
        | C::AssignProject(_)
        | C::MergeProposals { .. }
        | C::ReviewPlan { .. }
        | C::ApprovePlan { .. }
        | C::FilePlanReview { .. }
        | C::IncludeInInvestmentPlan { .. }
        | C::PublishRanking { .. } => Err(mismatch_refusal()),
    }
}

fn mismatch_refusal() -> Refusal {
    Refusal::single(&[], "该事项与所选对象不符")
}

fn mismatch() -> Rejection {
    mismatch_refusal().into()
}
