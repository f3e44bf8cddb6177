//! 项目库: the projects a person may see, filtered, sorted and paged — the same for the page and the API.

use crate::index::Digest;
use crate::{App, AppError};
use govit_rules::rating::HealthLevel;
use govit_rules::vocab::{Route, Status};
use govit_rules::{Actor, Date, Money, ProjectId};
use serde::{Deserialize, Serialize};

/// Filters, sort and page of a project list. Empty fields do not filter.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProjectQuery {
    /// Part of the name or number.
    pub q: Option<String>,
    pub status: Option<Status>,
    pub route: Option<Route>,
    /// Part of the owner's name.
    pub owner: Option<String>,
    /// The plan year.
    pub year: Option<i32>,
    pub min: Option<Money>,
    pub max: Option<Money>,
    /// Only projects with something overdue.
    pub overdue: Option<bool>,
    /// Only projects of this computed health rating.
    pub rating: Option<HealthLevel>,
    /// `id` (default), `name`, `owner`, `investment`, `status`, `rating` (the computed score, worst first).
    pub sort: Option<String>,
    pub desc: Option<bool>,
    /// 1-based.
    pub page: Option<usize>,
    pub per_page: Option<usize>,
}

/// One project in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectSummary {
    pub id: ProjectId,
    pub name: String,
    pub owner: String,
    pub jurisdiction: String,
    pub category: &'static str,
    pub status: Status,
    pub status_label: &'static str,
    pub route: Route,
    pub route_label: &'static str,
    pub approver_label: &'static str,
    pub investment: Money,
    pub approved_investment: Option<Money>,
    pub plan_year: Option<i32>,
    pub overdue: Vec<String>,
    /// The computed health rating and its score; the owner's own latest rating [20].
    pub rating: HealthLevel,
    pub rating_label: &'static str,
    pub rating_score: u8,
    pub self_rating: Option<HealthLevel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectPage {
    pub rows: Vec<ProjectSummary>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub per_page: usize,
}

pub const DEFAULT_PER_PAGE: usize = 20;

fn summary(p: &Digest, overdue: Vec<String>) -> ProjectSummary {
    ProjectSummary {
        id: p.id.clone(),
        name: p.name.clone(),
        owner: p.owner.to_string(),
        jurisdiction: p.jurisdiction.to_string(),
        category: p.category.label(),
        status: p.status,
        status_label: p.status.label(),
        route: p.route,
        route_label: p.route.label(),
        approver_label: p.approver.label(),
        investment: p.investment,
        approved_investment: p.approved_investment,
        plan_year: p.plan_year,
        overdue,
        rating: p.rating,
        rating_label: p.rating.label(),
        rating_score: p.rating_score,
        self_rating: p.self_rating,
    }
}

impl App {
    pub async fn list_projects(
        &self,
        actor: &Actor,
        query: &ProjectQuery,
        today: Date,
    ) -> Result<ProjectPage, AppError> {
        let needle = query.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let owner = query.owner.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let mut rows: Vec<ProjectSummary> = Vec::new();
        for p in self.visible_digests(actor, today).await? {
            let keep = needle.is_none_or(|n| p.name.contains(n) || p.id.as_str().contains(n))
                && query.status.is_none_or(|s| p.status == s)
                && query.route.is_none_or(|r| p.route == r)
                && owner.is_none_or(|o| p.owner.as_str().contains(o))
                && query.year.is_none_or(|y| p.plan_year == Some(y))
                && query.min.is_none_or(|m| p.investment >= m)
                && query.max.is_none_or(|m| p.investment <= m)
                && query.rating.is_none_or(|r| p.rating == r);
            if !keep {
                continue;
            }
            let overdue: Vec<String> = p.overdue(today).map(|d| d.name.label()).collect();
            if query.overdue == Some(true) && overdue.is_empty() {
                continue;
            }
            rows.push(summary(&p, overdue));
        }
        match query.sort.as_deref().unwrap_or("id") {
            "name" => rows.sort_by(|a, b| a.name.cmp(&b.name)),
            "owner" => rows.sort_by(|a, b| a.owner.cmp(&b.owner).then(a.id.cmp(&b.id))),
            "investment" => rows.sort_by(|a, b| a.investment.cmp(&b.investment).then(a.id.cmp(&b.id))),
            "status" => rows.sort_by(|a, b| a.status.cmp(&b.status).then(a.id.cmp(&b.id))),
            "rating" => rows.sort_by(|a, b| a.rating_score.cmp(&b.rating_score).then(a.id.cmp(&b.id))),
            _ => rows.sort_by(|a, b| a.id.cmp(&b.id)),
        }
        if query.desc == Some(true) {
            rows.reverse();
        }
        let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, 500);
        let total = rows.len();
        let pages = total.div_ceil(per_page).max(1);
        let page = query.page.unwrap_or(1).clamp(1, pages);
        let rows = rows.into_iter().skip((page - 1) * per_page).take(per_page).collect();
        Ok(ProjectPage { rows, total, page, pages, per_page })
    }
}
