//! 数据看板: figures over the projects one may see.

use crate::{App, AppError};
use chrono::Datelike;
use govit_rules::vocab::Status;
use govit_rules::{Actor, Date, Money};
use serde::Serialize;
use std::collections::BTreeMap;

/// One labelled figure: a count and an amount in yuan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub label: String,
    pub projects: usize,
    /// Yuan: the approved investment where there is one, else the registered.
    pub investment: Money,
}

/// Everything the dashboard draws; each chart's data is also served by the API.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub on: Date,
    pub projects: usize,
    pub investment: Money,
    pub by_department: Vec<Figure>,
    pub by_category: Vec<Figure>,
    pub by_status: Vec<Figure>,
    /// 计划 → 审批 → 建设 → 验收 → 运行: how many projects reached each step.
    pub funnel: Vec<Figure>,
    pub overdue_by_department: Vec<Figure>,
    /// 电子监察 [25]: the projects carrying an open red card, per owner unit (most first).
    pub red_cards_by_unit: Vec<Figure>,
    /// Per registration year.
    pub by_year: Vec<Figure>,
}

/// A sum of amounts, checked: every amount is at most `Money::MAX`, so no real sum overflows, and one that did
/// would be a fault to report, never a total quietly held at its ceiling.
pub(crate) fn plus(sum: Money, amount: Money) -> Result<Money, AppError> {
    sum.checked_add(amount).ok_or_else(|| AppError::internal(format!("金额合计超出范围:{sum} + {amount}")))
}

fn add(map: &mut BTreeMap<String, (usize, Money)>, key: String, amount: Money) -> Result<(), AppError> {
    let slot = map.entry(key).or_insert((0, Money::ZERO));
    slot.0 += 1;
    slot.1 = plus(slot.1, amount)?;
    Ok(())
}

fn figures(map: BTreeMap<String, (usize, Money)>) -> Vec<Figure> {
    map.into_iter().map(|(label, (projects, investment))| Figure { label, projects, investment }).collect()
}

const FUNNEL: [&str; 5] = ["列入年度计划", "批复或备案", "开工建设", "通过验收", "投入运行"];

impl App {
    pub async fn dashboard(&self, actor: &Actor, on: Date) -> Result<Dashboard, AppError> {
        let projects = self.visible_digests(actor, on).await?;
        let (mut dept, mut category, mut status, mut overdue, mut year) =
            (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let mut red = BTreeMap::new();
        let mut funnel = [(0usize, Money::ZERO); 5];
        let mut total = Money::ZERO;
        for p in &projects {
            // A proposal merged into another [7] is counted there, with its amount: not twice.
            let amount = if p.status == govit_rules::vocab::Status::Merged { Money::ZERO } else { p.estimate() };
            total = plus(total, amount)?;
            add(&mut dept, p.owner.to_string(), amount)?;
            add(&mut category, p.category.label().to_owned(), amount)?;
            add(&mut status, p.status.label().to_owned(), amount)?;
            add(&mut year, format!("{}年", p.registered_on.year()), amount)?;
            if p.overdue(on).next().is_some() {
                add(&mut overdue, p.owner.to_string(), amount)?;
            }
            if p.facts.cards().iter().any(|c| c.is_open() && c.card == govit_rules::vocab::Card::Red) {
                add(&mut red, p.owner.to_string(), amount)?;
            }
            if let Some(step) = p.funnel {
                for slot in funnel.iter_mut().take(step + 1) {
                    slot.0 += 1;
                    slot.1 = plus(slot.1, amount)?;
                }
            }
        }
        let mut by_department = figures(dept);
        by_department.sort_by(|a, b| b.investment.cmp(&a.investment).then(a.label.cmp(&b.label)));
        let mut overdue_by_department = figures(overdue);
        overdue_by_department.sort_by(|a, b| b.projects.cmp(&a.projects).then(a.label.cmp(&b.label)));
        let mut red_cards_by_unit = figures(red);
        red_cards_by_unit.sort_by(|a, b| b.projects.cmp(&a.projects).then(a.label.cmp(&b.label)));
        let order = |label: &str| Status::ALL.iter().position(|s| s.label() == label).unwrap_or(usize::MAX);
        let mut by_status = figures(status);
        by_status.sort_by_key(|f| order(&f.label));
        Ok(Dashboard {
            on,
            projects: projects.len(),
            investment: total,
            by_department,
            by_category: figures(category),
            by_status,
            funnel: FUNNEL
                .iter()
                .zip(funnel)
                .map(|(label, (projects, investment))| Figure { label: (*label).to_owned(), projects, investment })
                .collect(),
            overdue_by_department,
            red_cards_by_unit,
            by_year: figures(year),
        })
    }
}
