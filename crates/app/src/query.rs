//! Queries: a project as people and scenarios see it on a date, with everything derived.

use crate::{App, AppError};
use govit_rules::derive::{self, Deadline, DeadlineName, FundsReleasable};
use govit_rules::rating::{self, Rating};
use govit_rules::state::RectificationState;
use govit_rules::vocab::{AdjustmentOutcome, Authority, Card, Route, Stage, Status};
use govit_rules::{Actor, Article, Date, Event, Money, Project, ProjectId};
use govit_store::StoredEvent;
use serde::Serialize;
use std::collections::HashSet;

/// The stage the owner submits next, with its Chinese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StageView {
    pub stage: Stage,
    pub label: &'static str,
}

/// A project on a date: its facts and what follows from them.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    pub on: Date,
    pub status: Status,
    pub route: Route,
    pub approver: Authority,
    pub government_approval_required: bool,
    pub next_stage: Option<Stage>,
    pub approved_investment: Option<Money>,
    pub funds_releasable: FundsReleasable,
    pub last_adjustment: Option<AdjustmentOutcome>,
    pub adjustment_used: Money,
    /// [19] the amount of the change awaiting re-approval (or the government).
    pub pending_adjustment: Option<Money>,
    /// [9] on the industry-authority route: filed with the bureau after approval.
    pub filed_with_bureau: bool,
    /// [18] from acceptance on, until returned.
    pub surplus: Money,
    /// [25] the project's orders by state.
    pub rectifications: RectificationCounts,
    pub deadlines: Vec<Deadline>,
    pub overdue: Vec<DeadlineName>,
    /// 电子监察 [25]: the open yellow and red cards, as the log has them.
    pub cards: Vec<(DeadlineName, Card)>,
    /// The computed health rating on `on`, factor by factor.
    pub rating: Rating,
    /// 自评偏乐观: the owner's own latest rating is two levels better than the computed one.
    pub rating_optimistic: bool,
    /// 自评久未更新: the owner's rating unchanged for six months while a factor worsened.
    pub rating_stale: bool,
    pub warnings: Vec<Article>,
    pub project: Project,
}

impl ProjectView {
    pub fn of(project: Project, on: Date, app: &App) -> ProjectView {
        let deadlines = derive::deadlines(&project, on, app.policies());
        let overdue = deadlines.iter().filter(|d| d.is_overdue(on)).map(|d| d.name).collect();
        let cards = project.open_cards().map(|c| (c.deadline, c.card)).collect();
        let rating = rating::rate_with(&project, &deadlines, on, app.policies());
        ProjectView {
            on,
            status: project.status,
            route: project.route,
            approver: project.approver,
            government_approval_required: project.government_approval_required,
            next_stage: derive::next_stage(&project),
            approved_investment: project.approved_investment,
            funds_releasable: derive::funds_releasable(&project),
            last_adjustment: project.last_adjustment,
            adjustment_used: project.adjustment_used,
            pending_adjustment: project.pending_adjustment_amount(),
            filed_with_bureau: project.filed_with_bureau,
            surplus: project.surplus(),
            rectifications: RectificationCounts::of(&project),
            deadlines,
            overdue,
            cards,
            rating_optimistic: rating::optimistic(&project, &rating),
            rating_stale: rating::stale(&project, &rating, on),
            rating,
            warnings: project.warnings.iter().copied().collect(),
            project,
        }
    }
}

/// A project's rectification orders counted by state, as the scenario format's `rectifications` check reads them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RectificationCounts {
    pub open: u32,
    pub reported: u32,
    pub failed: u32,
    pub closed: u32,
}

impl RectificationCounts {
    pub fn of(project: &Project) -> RectificationCounts {
        let mut counts = RectificationCounts::default();
        for r in &project.rectifications {
            let slot = match r.state() {
                RectificationState::Open => &mut counts.open,
                RectificationState::Reported => &mut counts.reported,
                RectificationState::Failed => &mut counts.failed,
                RectificationState::Closed => &mut counts.closed,
            };
            *slot = slot.saturating_add(1);
        }
        counts
    }
}

impl App {
    /// A project as it stands on `on`.
    pub async fn project_view(&self, id: &ProjectId, on: Date) -> Result<ProjectView, AppError> {
        let project = self.load_project(id).await?;
        Ok(ProjectView::of(project, on, self))
    }

    /// A project's timeline: every event, oldest first, with actor, date, policy and warnings.
    pub async fn timeline(&self, id: &ProjectId) -> Result<Vec<StoredEvent>, AppError> {
        self.load_project(id).await?;
        Ok(self.store.project_events(id).await?)
    }

    /// A project's timeline as `actor` may read it: not found unless the project is visible, and a plan's
    /// review or approval names only the projects `actor` may see, so that a shared annual plan does not
    /// disclose other organisations' project numbers (issue 17). The hashes stay those of the full records,
    /// which an auditor checks in the audit export, not here.
    pub async fn visible_timeline(&self, actor: &Actor, id: &ProjectId) -> Result<Vec<StoredEvent>, AppError> {
        self.visible_project(actor, id).await?;
        let visible: HashSet<ProjectId> =
            self.visible_digests(actor, self.clock.today()).await?.iter().map(|d| d.id.clone()).collect();
        let mut events = self.store.project_events(id).await?;
        for e in &mut events {
            match &mut e.record.event {
                Event::PlanReviewed { included, excluded, .. } => {
                    included.retain(|p| visible.contains(p));
                    excluded.retain(|p| visible.contains(p));
                }
                Event::PlanApproved { projects, .. } => projects.retain(|p| visible.contains(p)),
                _ => {}
            }
        }
        Ok(events)
    }
}
