//! What each person has to do: the actions open to them, their to-do list, and the deadlines in their remit.

use crate::index::Digest;
use crate::{App, AppError};
use chrono::Datelike;
use govit_rules::authz::{self, Subject};
use govit_rules::command::Action;
use govit_rules::derive::{self, DeadlineName};
use govit_rules::rating::HealthLevel;
use govit_rules::vocab::Status;
use govit_rules::vocab::{Card, PlanStatus};
use govit_rules::{Actor, Date, JurisdictionId, Plan, Project, ProjectId, Role};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

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
    /// 电子监察 [25]: the open card of this deadline, if the daily run issued one (none once withdrawn).
    pub card: Option<Card>,
    /// Whether that card's dispute awaits a decision.
    pub disputed: bool,
}

/// A project whose owner's own rating a supervisor should look at: 自评偏乐观 or 自评久未更新 [20].
#[derive(Debug, Clone, Serialize)]
pub struct RatingFlag {
    pub project: ProjectId,
    pub project_name: String,
    pub owner: String,
    pub computed: HealthLevel,
    pub score: u8,
    pub own: HealthLevel,
    pub optimistic: bool,
    pub stale: bool,
}

/// The workbench: one page of each list, with how many there are in all. At 100,000 projects the bureau's
/// overdue list alone runs to tens of thousands of rows: only a page of them is ever built.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Workbench {
    pub todo: Vec<WorkItem>,
    pub plans: Vec<PlanItem>,
    pub upcoming: Vec<DeadlineItem>,
    pub overdue: Vec<DeadlineItem>,
    /// For those who oversee projects: the owners' own ratings to look at, worst computed score first.
    pub ratings: Vec<RatingFlag>,
    /// How many items each list has in all.
    pub counts: WorkCounts,
    /// The page shown (1-based) and its size, the same for each list.
    pub page: usize,
    pub per_page: usize,
}

#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub todo: usize,
    pub upcoming: usize,
    pub overdue: usize,
    /// 电子监察 [25]: open red and yellow cards in the reader's remit.
    pub red: usize,
    pub yellow: usize,
    pub ratings: usize,
}

/// Which page of each workbench list to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkPage {
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

impl WorkPage {
    /// The page a person first sees.
    pub const FIRST: WorkPage = WorkPage { page: 1, per_page: 100 };
    /// Every item (the alerts page groups all overdue items by owner).
    pub const ALL: WorkPage = WorkPage { page: 1, per_page: usize::MAX };
    pub const MAX_PER_PAGE: usize = 500;

    /// A page asked for: `page` from 1, `per_page` from 1 to [`WorkPage::MAX_PER_PAGE`].
    pub fn new(page: Option<usize>, per_page: Option<usize>) -> Result<WorkPage, AppError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(WorkPage::FIRST.per_page);
        if page == 0 {
            return Err(AppError::invalid("page", "页码从1开始"));
        }
        if !(1..=WorkPage::MAX_PER_PAGE).contains(&per_page) {
            return Err(AppError::invalid("per_page", format!("每页条数须为1到{}", WorkPage::MAX_PER_PAGE)));
        }
        Ok(WorkPage { page, per_page })
    }

    fn slice<T>(self, items: Vec<T>) -> impl Iterator<Item = T> {
        items.into_iter().skip((self.page - 1).saturating_mul(self.per_page)).take(self.per_page)
    }
}

impl App {
    /// The projects `actor` may see ([`authz::may_view`]).
    pub async fn visible_projects(&self, actor: &Actor) -> Result<Vec<Project>, AppError> {
        let owner = (actor.role == Role::Owner).then(|| actor.organization.as_str());
        let mut all = self.store.project_states(owner).await?;
        // [7] an owner also sees the projects it builds together with their owner: few, found in the index.
        if owner.is_some() {
            let today = self.clock.today();
            for digest in self.digests(today).await? {
                if digest.audience().co_builders.contains(&actor.organization) {
                    all.push(self.load_project(&digest.id).await?);
                }
            }
            all.sort_by(|a, b| a.id.cmp(&b.id));
        }
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
            .filter(|a| authz::could(actor.role, *a))
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

    /// What `actor` must do, and the deadlines in its remit, as of `today`: page `page` of each list.
    pub async fn workbench(&self, actor: &Actor, today: Date, page: WorkPage) -> Result<Workbench, AppError> {
        let all = self.digests(today).await?;
        let digests: Vec<&Arc<Digest>> =
            all.iter().filter(|d| authz::may_view(actor, d.audience(), &self.policies)).collect();
        // What each list holds, as references into the index: only the page's rows are built.
        let mut todo = Vec::new();
        let mut upcoming = Vec::new();
        let mut overdue = Vec::new();
        let (mut red, mut yellow) = (0, 0);
        let mut flagged = Vec::new();
        for &p in &digests {
            if let Some(own) =
                p.self_rating.filter(|_| authz::oversees(actor.role) && (p.rating_optimistic || p.rating_stale))
            {
                flagged.push(RatingFlag {
                    project: p.id.clone(),
                    project_name: p.name.clone(),
                    owner: p.owner.to_string(),
                    computed: p.rating,
                    score: p.rating_score,
                    own,
                    optimistic: p.rating_optimistic,
                    stale: p.rating_stale,
                });
            }
            for c in p.facts.cards().iter().filter(|c| c.is_open()) {
                match c.card {
                    Card::Red => red += 1,
                    Card::Yellow => yellow += 1,
                }
            }
            for action in self.authorized(actor, p.audience(), p.duties.iter().copied(), today) {
                todo.push((p, action));
            }
            for d in &p.deadlines {
                if d.is_overdue(today) {
                    overdue.push((d.due, p, d));
                } else if (d.due - today).num_days() <= UPCOMING_DAYS {
                    upcoming.push((d.due, p, d));
                }
            }
        }
        upcoming.sort_by_key(|(due, ..)| *due);
        overdue.sort_by_key(|(due, ..)| *due);
        flagged.sort_by(|a, b| a.score.cmp(&b.score).then(a.project.cmp(&b.project)));
        let counts = WorkCounts {
            todo: todo.len(),
            upcoming: upcoming.len(),
            overdue: overdue.len(),
            red,
            yellow,
            ratings: flagged.len(),
        };
        let item = |(_, p, d): (Date, &Arc<Digest>, &derive::Deadline)| {
            let card = p.facts.cards().iter().find(|c| c.is_open() && c.deadline == d.name && c.due == d.due);
            DeadlineItem {
                project: p.id.clone(),
                project_name: p.name.clone(),
                owner: p.owner.to_string(),
                name: d.name,
                label: d.name.label(),
                article: d.name.article(),
                due: d.due,
                days_left: (d.due - today).num_days(),
                responsible: authz::responsible(d.name.met_by(), p.audience()),
                card: card.map(|c| c.card),
                disputed: card.is_some_and(|c| c.disputed()),
            }
        };
        Ok(Workbench {
            todo: page
                .slice(todo)
                .map(|(p, action)| WorkItem {
                    project: p.id.clone(),
                    project_name: p.name.clone(),
                    owner: p.owner.to_string(),
                    action,
                    action_label: action.label(),
                })
                .collect(),
            upcoming: page.slice(upcoming).map(item).collect(),
            overdue: page.slice(overdue).map(item).collect(),
            ratings: page.slice(flagged).collect(),
            plans: self.plan_work(actor, today, &all).await?,
            counts,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// The plans waiting for `actor`'s review, approval, filing review or inclusion; `projects` is the whole
    /// index, whatever the actor may see: a plan's proposals are counted whole.
    async fn plan_work(&self, actor: &Actor, today: Date, projects: &[Arc<Digest>]) -> Result<Vec<PlanItem>, AppError> {
        let mut proposed: HashMap<(&JurisdictionId, i32), Vec<&ProjectId>> = HashMap::new();
        for p in projects.iter().filter(|p| p.status == Status::Proposed && !p.supplementary) {
            if let Some(year) = p.plan_year {
                proposed.entry((&p.jurisdiction, year)).or_default().push(&p.id);
            }
        }
        let mut out = Vec::new();
        // Every plan on record, read once (a large city's plans list thousands of projects each), and this
        // year's and next year's of every jurisdiction even before anything is proposed.
        let mut keys: Vec<(JurisdictionId, i32)> = Vec::new();
        for j in self.policies.jurisdictions() {
            for year in today.year()..=today.year() + 1 {
                keys.push((j.jurisdiction.clone(), year));
            }
        }
        let mut plans = HashMap::new();
        for plan in self.store.plans().await? {
            let key = (plan.jurisdiction.clone(), plan.year);
            if !keys.contains(&key) {
                keys.push(key.clone());
            }
            plans.insert(key, plan);
        }
        for key in keys {
            let plan = plans.remove(&key).unwrap_or_else(|| Plan::new(key.0.clone(), key.1));
            let (jurisdiction, year) = (&plan.jurisdiction, plan.year);
            let proposals = proposed.get(&(jurisdiction, year)).map_or(&[][..], Vec::as_slice);
            let included: HashSet<&ProjectId> = plan.included.iter().collect();
            // [24] an approved plan waits for the cyberspace office's filing review and the commission's
            // inclusion in the government investment plan, each of which only that department sees.
            let actions = match plan.status {
                PlanStatus::Open | PlanStatus::Reviewed
                    if !proposals.is_empty() && !proposals.iter().all(|p| included.contains(p)) =>
                {
                    vec![Action::ReviewPlan]
                }
                PlanStatus::Reviewed => vec![Action::ApprovePlan],
                PlanStatus::Approved => [
                    (Action::FilePlanReview, plan.filing_review.is_none()),
                    (Action::IncludeInInvestmentPlan, plan.investment_plan.is_none()),
                ]
                .into_iter()
                .filter_map(|(action, pending)| pending.then_some(action))
                .collect(),
                PlanStatus::Open => continue,
            };
            let subject = Subject::Plan { jurisdiction };
            for action in actions {
                if authz::authorize(actor, action, subject, None, &self.policies, today).is_err() {
                    continue;
                }
                out.push(PlanItem {
                    jurisdiction_name: self.policies.name_of(jurisdiction),
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
