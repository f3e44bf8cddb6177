//! Queries: a project as people and scenarios see it on a date, with everything derived.

use crate::{App, AppError};
use govit_rules::derive::{self, Deadline, DeadlineName, FundsReleasable};
use govit_rules::vocab::{AdjustmentOutcome, Authority, Route, Stage, Status};
use govit_rules::{Article, Date, Money, Project, ProjectId};
use govit_store::StoredEvent;
use serde::Serialize;

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
    pub deadlines: Vec<Deadline>,
    pub overdue: Vec<DeadlineName>,
    pub warnings: Vec<Article>,
    pub project: Project,
}

impl ProjectView {
    pub fn of(project: Project, on: Date, app: &App) -> ProjectView {
        let deadlines = derive::deadlines(&project, on, app.policies());
        let overdue = deadlines.iter().filter(|d| d.is_overdue(on)).map(|d| d.name).collect();
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
            deadlines,
            overdue,
            warnings: project.warnings.iter().copied().collect(),
            project,
        }
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
}
