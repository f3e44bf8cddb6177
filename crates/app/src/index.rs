//! 项目索引: a compact row of every project, held in memory and brought up to date from the projections before
//! each read. The dashboard, the project list and the workbench of a province with 100,000 projects read it
//! instead of parsing 100,000 project histories per request (docs/benchmarks.md has the before and after).
//!
//! A row keeps what those screens show and what decides who may see and act on the project
//! ([`authz::Audience`]), plus the deadlines pending and the duties open on the index's day. Rows are
//! refreshed by the `last_seq` of the projections, so a command written by another process (an import from
//! the command line) shows on the next read; a new day recomputes every row, since deadlines move with it.

use crate::{App, AppError};
use govit_rules::authz::{self, Audience};
use govit_rules::cards;
use govit_rules::command::Action;
use govit_rules::derive::{self, Deadline};
use govit_rules::ranking::Facts;
use govit_rules::rating::{self, HealthLevel};
use govit_rules::vocab::{Authority, Category, Construction, Route, Status};
use govit_rules::{Date, JurisdictionId, Money, OrgName, PolicySet, Project, ProjectId};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use tokio::sync::Mutex;

/// Projects read per page when the whole index is built.
const PAGE: i64 = 2_000;

/// One project as lists, figures and to-do lists need it, without its history.
#[derive(Debug, Clone)]
pub struct Digest {
    pub id: ProjectId,
    pub name: String,
    pub owner: OrgName,
    pub jurisdiction: JurisdictionId,
    pub category: Category,
    pub construction: Construction,
    pub status: Status,
    pub route: Route,
    pub approver: Authority,
    pub investment: Money,
    pub approved_investment: Option<Money>,
    pub plan_year: Option<i32>,
    /// Proposed by a supplementary request [7] rather than for the plan's review.
    pub supplementary: bool,
    pub registered_on: Date,
    /// The furthest step of the dashboard's funnel reached (0 = in an approved plan … 4 = operating).
    pub funnel: Option<usize>,
    /// The deadlines pending on the index's day.
    pub deadlines: Vec<Deadline>,
    /// The duties ([`derive::is_duty`]) that make sense on the index's day, before anyone's powers.
    pub duties: Vec<Action>,
    /// When the self-evaluation report was filed [22].
    pub self_evaluated_on: Option<Date>,
    /// 电子监察 [25]: every card of the project, open or closed, and the rest a monthly ranking reads.
    pub facts: Facts,
    /// Whether the cards differ from what the deadlines call for on the index's day (the daily run's work).
    pub cards_due: bool,
    /// The computed health rating on the index's day.
    pub rating: HealthLevel,
    pub rating_score: u8,
    /// The owner's latest own rating [20], and whether it is two levels better than the computed one
    /// (自评偏乐观) or unchanged for six months while a factor worsened (自评久未更新).
    pub self_rating: Option<HealthLevel>,
    pub rating_optimistic: bool,
    pub rating_stale: bool,
    industry_authority: Option<OrgName>,
    consultant: Option<OrgName>,
    evaluator: Option<OrgName>,
    post_evaluator: Option<OrgName>,
    supervisors: Vec<OrgName>,
    co_builders: Vec<OrgName>,
}

impl Digest {
    fn of(p: &Project, on: Date, policies: &PolicySet) -> Digest {
        let audience = p.audience();
        let deadlines = derive::deadlines(p, on, policies);
        let cards_due = !cards::changes_given(p, &deadlines, on, policies).is_empty();
        let computed = rating::rate_with(p, &deadlines, on, policies);
        Digest {
            id: p.id.clone(),
            name: p.name.to_string(),
            owner: p.owner.name.clone(),
            jurisdiction: p.jurisdiction.clone(),
            category: p.category,
            construction: p.construction,
            status: p.status,
            route: p.route,
            approver: p.approver,
            investment: p.investment,
            approved_investment: p.approved_investment,
            plan_year: p.plan.as_ref().map(|e| e.year),
            supplementary: p.plan.as_ref().is_some_and(|e| e.supplementary.is_some()),
            registered_on: p.registered_on,
            funnel: funnel_step(p),
            deadlines,
            duties: derive::relevant_actions(p, on).into_iter().filter(|a| derive::is_duty(*a)).collect(),
            self_evaluated_on: p.self_evaluation_on,
            facts: Facts::of(p),
            cards_due,
            rating: computed.level,
            rating_score: computed.score,
            self_rating: p.self_ratings.last().map(|s| s.level),
            rating_optimistic: rating::optimistic(p, &computed),
            rating_stale: rating::stale(p, &computed, on),
            industry_authority: audience.industry_authority.cloned(),
            consultant: audience.consultant.cloned(),
            evaluator: audience.evaluator.cloned(),
            post_evaluator: audience.post_evaluator.cloned(),
            supervisors: p.supervisors.clone(),
            co_builders: p.co_builders.clone(),
        }
    }

    pub fn audience(&self) -> Audience<'_> {
        Audience {
            jurisdiction: &self.jurisdiction,
            owner: &self.owner,
            approver: self.approver,
            industry_authority: self.industry_authority.as_ref(),
            consultant: self.consultant.as_ref(),
            evaluator: self.evaluator.as_ref(),
            post_evaluator: self.post_evaluator.as_ref(),
            supervisors: &self.supervisors,
            co_builders: &self.co_builders,
        }
    }

    /// The approved investment where there is one, else the registered.
    pub fn estimate(&self) -> Money {
        self.approved_investment.unwrap_or(self.investment)
    }

    /// The pending deadlines past due on the index's day.
    pub fn overdue(&self, on: Date) -> impl Iterator<Item = &Deadline> {
        self.deadlines.iter().filter(move |d| d.is_overdue(on))
    }
}

/// The furthest step of the funnel a project has reached (0 = in an approved plan … 4 = operating), if any.
fn funnel_step(p: &Project) -> Option<usize> {
    if p.operation_started_on.is_some() {
        Some(4)
    } else if p.accepted_on.is_some() {
        Some(3)
    } else if p.construction_started_on.is_some() {
        Some(2)
    } else if p.approved_investment.is_some() || matches!(p.status, Status::Approved | Status::Filed) {
        Some(1)
    } else if p.in_approved_plan() {
        Some(0)
    } else {
        None
    }
}

/// The index: rows by project number, the day they were computed for, and the last event they include.
#[derive(Debug, Default)]
pub(crate) struct ProjectIndex {
    inner: Mutex<Rows>,
    /// Set while a server builds the index as it starts ([`App::warm_index`]).
    warming: AtomicBool,
}

#[derive(Debug, Default)]
struct Rows {
    on: Option<Date>,
    seen: i64,
    rows: BTreeMap<ProjectId, Arc<Digest>>,
}

/// Clears [`App::warming`] when dropped.
struct Warmed(Arc<App>);

impl Drop for Warmed {
    fn drop(&mut self) {
        self.0.index.warming.store(false, Ordering::SeqCst);
    }
}

impl App {
    /// Every project's row as of `on`, in number order, brought up to date first.
    pub async fn digests(&self, on: Date) -> Result<Vec<Arc<Digest>>, AppError> {
        let mut index = self.index.inner.lock().await;
        if index.on != Some(on) {
            // Any event after this is read again by the next refresh, even one that lands while paging.
            let seen = self.store.projects_last_seq().await?;
            let mut rows = BTreeMap::new();
            let mut after: Option<ProjectId> = None;
            loop {
                let page = self.store.project_states_page(after.as_ref().map(ProjectId::as_str), PAGE).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id.clone());
                for p in &page {
                    rows.insert(p.id.clone(), Arc::new(Digest::of(p, on, &self.policies)));
                }
            }
            *index = Rows { on: Some(on), seen, rows };
        } else {
            for (seq, p) in self.store.projects_changed_since(index.seen).await? {
                index.seen = index.seen.max(seq);
                index.rows.insert(p.id.clone(), Arc::new(Digest::of(&p, on, &self.policies)));
            }
        }
        Ok(index.rows.values().cloned().collect())
    }

    /// Builds the index in the background, as a server starts, so that no request waits for it; until it is
    /// built, [`App::warming`] says so (and `/readyz` sends the node no requests). Said before this returns.
    pub fn warm_index(self: &Arc<Self>) {
        self.index.warming.store(true, Ordering::SeqCst);
        let app = self.clone();
        tokio::spawn(async move {
            // Cleared however the build ends, a panic included: a node must not stay unready for good.
            let _done = Warmed(app.clone());
            let started = Instant::now();
            match app.digests(app.clock.today()).await {
                Ok(rows) => tracing::info!(projects = rows.len(), took = ?started.elapsed(), "project index built"),
                Err(e) => tracing::warn!(error = %e, "the project index will be built by the first request instead"),
            }
        });
    }

    /// Whether the index a starting server builds is not built yet.
    pub fn warming(&self) -> bool {
        self.index.warming.load(Ordering::SeqCst)
    }

    /// The rows of the projects `actor` may see ([`authz::may_view`]), as of `on`.
    pub async fn visible_digests(&self, actor: &govit_rules::Actor, on: Date) -> Result<Vec<Arc<Digest>>, AppError> {
        let mut rows = self.digests(on).await?;
        rows.retain(|d| authz::may_view(actor, d.audience(), &self.policies));
        Ok(rows)
    }
}
