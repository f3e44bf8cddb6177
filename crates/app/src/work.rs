//! What each person has to do: the actions open to them, their to-do list, and the deadlines in their remit.

use crate::{App, AppError};
use chrono::Datelike;
use govit_rules::authz::{self, Subject};
use govit_rules::command::Action;
use govit_rules::derive::{self, DeadlineName};
use govit_rules::vocab::PlanStatus;
use govit_rules::{Actor, Date, Plan, Project, ProjectId, Role};
use serde::Serialize;

/// How far ahead the workbench looks for deadlines.
pub const UPCOMING_DAYS: i64 = 30;

/// An action someone must take on a project.
#[derive(Debug, Clone, Serialize)]
pub struct WorkItem {
    pub project: ProjectId,
    pub project_name: String,
    pub owner: String,
    pub action: Action,
    pub action_label: &'static str,
}

/// A plan waiting for the reader's review or approval.
#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    pub jurisdiction: String,
    pub jurisdiction_name: String,
    pub year: i32,
    pub action: Action,
    pub action_label: &'static str,
    pub proposals: usize,
}

/// A pending deadline of a project in the reader's remit.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineItem {
    pub project: ProjectId,
    pub project_name: String,
    pub owner: String,
    pub name: DeadlineName,
    pub label: String,
    pub article: u8,
    pub due: Date,
    /// Negative when overdue.
    pub days_left: i64,
    pub responsible: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Workbench {
    pub todo: Vec<WorkItem>,
    pub plans: Vec<PlanItem>,
    pub upcoming: Vec<DeadlineItem>,
    pub overdue: Vec<DeadlineItem>,
}

/// The action whose doing meets a deadline: who is responsible for it.
fn meeting_action(name: DeadlineName) -> Action {
    match name {
        DeadlineName::AnnualReport(_) => Action::SubmitAnnualReport,
        DeadlineName::Acceptance => Action::Accept,
        DeadlineName::SelfEvaluation => Action::SubmitSelfEvaluation,
        DeadlineName::CryptographyAssessment => Action::RecordAssessment,
        DeadlineName::Rectification => Action::ReportRectified,
    }
}

impl App {
    /// The projects `actor` may see ([`authz::may_view`]).
    pub async fn visible_projects(&self, actor: &Actor) -> Result<Vec<Project>, AppError> {
        let owner = (actor.role == Role::Owner).then(|| actor.organization.as_str());
        let all = self.store.project_states(owner).await?;
        Ok(all.into_iter().filter(|p| authz::may_view(actor, p.audience(), &self.policies)).collect())
    }

    /// The annual plan of `jurisdiction` and `year` and the projects proposed for it, as far as `actor` may
    /// see them: the plan's included and excluded lists and the proposals keep only visible projects.
    pub async fn visible_plan(
        &self,
        actor: &Actor,
        jurisdiction: &govit_rules::JurisdictionId,
        year: i32,
    ) -> Result<(govit_rules::Plan, Vec<ProjectId>), AppError> {
        let mut plan = self
            .store
            .plan(jurisdiction, year)
            .await?
            .unwrap_or_else(|| govit_rules::Plan::new(jurisdiction.clone(), year));
        let today = self.clock.today();
        let visible: std::collections::HashSet<ProjectId> =
            self.visible_digests(actor, today).await?.iter().map(|p| p.id.clone()).collect();
        let mut proposals = self.store.proposals(jurisdiction, year).await?;
        for list in [&mut plan.included, &mut plan.excluded, &mut proposals] {
            list.retain(|id| visible.contains(id));
        }
        Ok((plan, proposals))
    }

    /// A project, if `actor` may see it; otherwise "not found", so its existence is not disclosed.
    pub async fn visible_project(&self, actor: &Actor, id: &ProjectId) -> Result<Project, AppError> {
        let project = self.load_project(id).await?;
        if authz::may_view(actor, project.audience(), &self.policies) {
            Ok(project)
        } else {
            Err(AppError::NotFound { what: format!("项目 {id}") })
        }
    }

    /// The actions on `project` that make sense now and that `actor` has the power to take.
    pub fn available_actions(&self, actor: &Actor, project: &Project, today: Date) -> Vec<Action> {
        self.authorized(actor, project.audience(), derive::relevant_actions(project, today), today)
    }

    /// Those of `actions` on a project that `actor` has the power to take.
    fn authorized(
        &self,
        actor: &Actor,
        project: authz::Audience<'_>,
        actions: impl IntoIterator<Item = Action>,
        today: Date,
    ) -> Vec<Action> {
        actions
            .into_iter()
            .filter(|a| {
                let area = (*a == Action::OrderRectification).then(|| {
                    govit_rules::vocab::Area::ALL
                        .iter()
                        .copied()
                        .find(|area| authz::supervises(actor.role, *area))
                        .unwrap_or(govit_rules::vocab::Area::Funds)
                });
                authz::authorize(actor, *a, Subject::Project(project), area, &self.policies, today).is_ok()
            })
            .collect()
    }

    /// What `actor` must do, and the deadlines in its remit, as of `today`.
    pub async fn workbench(&self, actor: &Actor, today: Date) -> Result<Workbench, AppError> {
        let mut bench = Workbench::default();
        for p in self.visible_digests(actor, today).await? {
            for action in self.authorized(actor, p.audience(), p.duties.iter().copied(), today) {
                bench.todo.push(WorkItem {
                    project: p.id.clone(),
                    project_name: p.name.clone(),
                    owner: p.owner.to_string(),
                    action,
                    action_label: action.label(),
                });
            }
            for d in &p.deadlines {
                let days_left = (d.due - today).num_days();
                let item = DeadlineItem {
                    project: p.id.clone(),
                    project_name: p.name.clone(),
                    owner: p.owner.to_string(),
                    name: d.name,
                    label: d.name.label(),
                    article: d.name.article(),
                    due: d.due,
                    days_left,
                    responsible: authz::responsible(meeting_action(d.name), p.audience()),
                };
                if d.is_overdue(today) {
                    bench.overdue.push(item);
                } else if days_left <= UPCOMING_DAYS {
                    bench.upcoming.push(item);
                }
            }
        }
        bench.upcoming.sort_by_key(|d| d.due);
        bench.overdue.sort_by_key(|d| d.due);
        bench.plans = self.plan_work(actor, today).await?;
        Ok(bench)
    }

    async fn plan_work(&self, actor: &Actor, today: Date) -> Result<Vec<PlanItem>, AppError> {
        let mut out = Vec::new();
        let mut keys: Vec<(govit_rules::JurisdictionId, i32)> = Vec::new();
        for j in self.policies.jurisdictions() {
            for year in today.year()..=today.year() + 1 {
                keys.push((j.jurisdiction.clone(), year));
            }
        }
        for plan in self.store.plans().await? {
            if !keys.contains(&(plan.jurisdiction.clone(), plan.year)) {
                keys.push((plan.jurisdiction.clone(), plan.year));
            }
        }
        for (jurisdiction, year) in keys {
            let plan =
                self.store.plan(&jurisdiction, year).await?.unwrap_or_else(|| Plan::new(jurisdiction.clone(), year));
            let proposals = self.store.proposals(&jurisdiction, year).await?;
            let action = match plan.status {
                PlanStatus::Open | PlanStatus::Reviewed
                    if !proposals.is_empty() && !proposals.iter().all(|p| plan.included.contains(p)) =>
                {
                    Action::ReviewPlan
                }
                PlanStatus::Reviewed => Action::ApprovePlan,
                _ => continue,
            };
            let allowed = authz::authorize(
                actor,
                action,
                Subject::Plan { jurisdiction: &jurisdiction },
                None,
                &self.policies,
                today,
            )
            .is_ok();
            if allowed {
                out.push(PlanItem {
                    jurisdiction_name: self.policies.name_of(&jurisdiction),
                    jurisdiction: jurisdiction.to_string(),
                    year,
                    action,
                    action_label: action.label(),
                    proposals: proposals.len(),
                });
            }
        }
        Ok(out)
    }
}
