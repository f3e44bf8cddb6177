//! 政务公开 portal: the public set (the operator's `open-data.yaml`) searched, filtered, sorted and paged from
//! the project index — one page built, never every project loaded for it — and one project's public page.
//! Nothing personal, no document and no internal note is ever in it; a withheld investment is neither shown
//! nor filterable.

use crate::index::Digest;
use crate::open_data::{OpenDataConfig, PublicProject};
use crate::{App, AppError};
use govit_rules::vocab::{Category, Status};
use govit_rules::{Date, JurisdictionId, Money, ProjectId};
use serde::{Deserialize, Serialize};

/// Projects on a page of the portal.
pub const PORTAL_PAGE: usize = 50;

/// What a citizen asks the portal; empty fields do not filter.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortalQuery {
    /// Part of the name, the number or the unit.
    pub q: Option<String>,
    pub year: Option<i32>,
    pub category: Option<Category>,
    pub status: Option<Status>,
    pub district: Option<JurisdictionId>,
    /// Approved investment in yuan (only where the operator publishes it).
    pub min: Option<Money>,
    pub max: Option<Money>,
    /// `id` (default), `name`, `investment`, `year`.
    pub sort: Option<String>,
    pub desc: Option<bool>,
    /// 1-based.
    pub page: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortalPage {
    pub rows: Vec<PublicProject>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

/// A 批复 (or a 备案回执, `approval: false`) of the project: its day and the event it stands for, from which
/// its 文号 is made.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PublicReply {
    pub approval: bool,
    pub on: Date,
    pub seq: i64,
}

/// One project's public page: its public row and the days that matter.
#[derive(Debug, Clone, Serialize)]
pub struct PublicDetail {
    pub project: PublicProject,
    pub jurisdiction: JurisdictionId,
    pub district: String,
    /// Its 批复 and 备案回执, in order.
    pub replies: Vec<PublicReply>,
    /// `(what, date)`, in the order they happened: registration, 批复 or 备案, construction, completion,
    /// acceptance, operation.
    pub dates: Vec<(&'static str, Date)>,
}

impl PublicProject {
    pub(crate) fn of(d: &Digest, config: &OpenDataConfig) -> PublicProject {
        PublicProject {
            id: d.id.to_string(),
            name: d.name.clone(),
            owner: d.owner.to_string(),
            category: d.category.label(),
            construction: d.construction.label(),
            status: d.status.label(),
            route: d.route.label(),
            approved_investment: config.show_investment.then(|| d.approved_investment.map(Money::yuan)).flatten(),
            plan_year: d.plan_year,
        }
    }
}

fn public(d: &Digest, config: &OpenDataConfig) -> bool {
    config.statuses.contains(&d.status) && config.routes.contains(&d.route)
}

impl App {
    /// The public set, in project-number order.
    pub(crate) async fn public_digests(&self, config: &OpenDataConfig) -> Result<Vec<PublicProject>, AppError> {
        let today = self.clock.today();
        Ok(self
            .digests(today)
            .await?
            .iter()
            .filter(|d| public(d, config))
            .map(|d| PublicProject::of(d, config))
            .collect())
    }

    /// A page of the public set as `query` asks.
    pub async fn portal(&self, config: &OpenDataConfig, query: &PortalQuery) -> Result<PortalPage, AppError> {
        if !config.show_investment
            && (query.min.is_some() || query.max.is_some() || query.sort.as_deref() == Some("investment"))
        {
            return Err(AppError::invalid("min", "核定投资不公开,不能按投资额筛选或排序"));
        }
        if let Some(d) = &query.district
            && !self.policies.contains(d)
        {
            return Err(AppError::invalid("district", format!("没有辖区“{d}”")));
        }
        let needle = query.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let today = self.clock.today();
        let digests = self.digests(today).await?;
        let mut rows: Vec<&Digest> = digests
            .iter()
            .map(AsRef::as_ref)
            .filter(|d| public(d, config))
            .filter(|d| {
                needle.is_none_or(|n| d.name.contains(n) || d.id.as_str().contains(n) || d.owner.as_str().contains(n))
                    && query.year.is_none_or(|y| d.plan_year == Some(y))
                    && query.category.is_none_or(|c| d.category == c)
                    && query.status.is_none_or(|s| d.status == s)
                    && query.district.as_ref().is_none_or(|j| &d.jurisdiction == j)
                    && query.min.is_none_or(|m| d.approved_investment.is_some_and(|a| a >= m))
                    && query.max.is_none_or(|m| d.approved_investment.is_some_and(|a| a <= m))
            })
            .collect();
        match query.sort.as_deref().unwrap_or("id") {
            "name" => rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id))),
            "investment" => {
                rows.sort_by(|a, b| a.approved_investment.cmp(&b.approved_investment).then(a.id.cmp(&b.id)))
            }
            "year" => rows.sort_by(|a, b| a.plan_year.cmp(&b.plan_year).then(a.id.cmp(&b.id))),
            "id" => rows.sort_by(|a, b| a.id.cmp(&b.id)),
            other => {
                return Err(AppError::invalid("sort", format!("“{other}”不是排序方式(id、name、investment、year)")));
            }
        }
        if query.desc == Some(true) {
            rows.reverse();
        }
        let total = rows.len();
        let pages = total.div_ceil(PORTAL_PAGE).max(1);
        let page = query.page.unwrap_or(1);
        if page == 0 || page > pages {
            return Err(AppError::invalid("page", format!("页码须为1到{pages}")));
        }
        let rows = rows
            .into_iter()
            .skip((page - 1) * PORTAL_PAGE)
            .take(PORTAL_PAGE)
            .map(|d| PublicProject::of(d, config))
            .collect();
        Ok(PortalPage { rows, total, page, pages })
    }

    /// One project as the public sees it; not found when it is not in the public set (nor is its existence told).
    pub async fn public_project(&self, config: &OpenDataConfig, id: &ProjectId) -> Result<PublicDetail, AppError> {
        let not_found = || AppError::NotFound { what: format!("公开项目 {id}") };
        let today = self.clock.today();
        let digests = self.digests(today).await?;
        let d = digests.iter().find(|d| &d.id == id).filter(|d| public(d, config)).ok_or_else(not_found)?;
        let p = self.load_project(id).await?;
        let approved = p.approved_stages.last().map(|s| ("批复", s.on));
        let dates = [
            Some(("登记", p.registered_on)),
            approved,
            p.construction_started_on.map(|d| ("开工建设", d)),
            p.completed_on.map(|d| ("完成建设", d)),
            p.accepted_on.map(|d| ("通过验收", d)),
            p.operation_started_on.map(|d| ("投入运行", d)),
        ]
        .into_iter()
        .flatten()
        .collect();
        let replies = self
            .store
            .project_events(id)
            .await?
            .iter()
            .filter_map(|e| {
                let approval = match &e.record.event {
                    govit_rules::Event::StageApproved { project, .. } if project == id => true,
                    govit_rules::Event::RecordFiled { project, .. } if project == id => false,
                    _ => return None,
                };
                Some(PublicReply { approval, on: e.record.on, seq: e.seq })
            })
            .collect();
        Ok(PublicDetail {
            project: PublicProject::of(d, config),
            jurisdiction: d.jurisdiction.clone(),
            district: self.policies.name_of(&d.jurisdiction),
            replies,
            dates,
        })
    }
}

/// One plan year of the portal's chart: per category (in [`Category::ALL`] order), the projects and their
/// approved investment.
#[derive(Debug, Clone, Serialize)]
pub struct YearFigures {
    /// `None`: not (yet) in an annual plan.
    pub year: Option<i32>,
    pub cells: Vec<(usize, Money)>,
}

/// The portal's charts: the public set by plan year and category, and by status. Investment is summed only
/// where the operator publishes it.
#[derive(Debug, Clone, Serialize)]
pub struct PortalFigures {
    pub total: usize,
    pub show_investment: bool,
    pub categories: Vec<&'static str>,
    pub years: Vec<YearFigures>,
    /// `(status, projects, approved investment)`, in the order of the statuses.
    pub by_status: Vec<(&'static str, usize, Money)>,
}

impl App {
    pub async fn portal_figures(&self, config: &OpenDataConfig) -> Result<PortalFigures, AppError> {
        let digests = self.digests(self.clock.today()).await?;
        let mut years: std::collections::BTreeMap<Option<i32>, Vec<(usize, Money)>> = Default::default();
        let mut by_status: Vec<(Status, usize, Money)> =
            Status::ALL.iter().filter(|s| config.statuses.contains(s)).map(|s| (*s, 0, Money::ZERO)).collect();
        let mut total = 0;
        for d in digests.iter().filter(|d| public(d, config)) {
            total += 1;
            let amount =
                if config.show_investment { d.approved_investment.unwrap_or(Money::ZERO) } else { Money::ZERO };
            let row = years.entry(d.plan_year).or_insert_with(|| vec![(0, Money::ZERO); Category::ALL.len()]);
            if let Some(slot) = Category::ALL.iter().position(|c| *c == d.category).and_then(|i| row.get_mut(i)) {
                slot.0 += 1;
                slot.1 = crate::stats::plus(slot.1, amount)?;
            }
            if let Some(slot) = by_status.iter_mut().find(|(s, _, _)| *s == d.status) {
                slot.1 += 1;
                slot.2 = crate::stats::plus(slot.2, amount)?;
            }
        }
        // The years in order, the projects in no plan last.
        let mut years: Vec<YearFigures> = years.into_iter().map(|(year, cells)| YearFigures { year, cells }).collect();
        years.sort_by_key(|y| (y.year.is_none(), y.year));
        Ok(PortalFigures {
            total,
            show_investment: config.show_investment,
            categories: Category::ALL.iter().map(|c| c.label()).collect(),
            years,
            by_status: by_status.into_iter().map(|(s, n, m)| (s.label(), n, m)).collect(),
        })
    }
}
