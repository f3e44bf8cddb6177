//! 数据看板 and 政务公开: figures over the projects one may see, and the part of the record that is public.

use crate::{App, AppError};
use chrono::Datelike;
use govit_rules::vocab::{Route, Status};
use govit_rules::{Actor, Date, Money};
use serde::{Deserialize, Serialize};
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

/// What is published without login (政务公开), set by the operator in `DATA/open-data.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDataConfig {
    /// Projects in these statuses are listed.
    pub statuses: Vec<Status>,
    /// Routes listed (filing-route projects are small self-implemented ones; off by default is possible).
    pub routes: Vec<Route>,
    /// Whether the approved investment is shown.
    pub show_investment: bool,
}

impl Default for OpenDataConfig {
    /// Approved projects and everything after approval, every route, with their approved investment.
    fn default() -> OpenDataConfig {
        OpenDataConfig {
            statuses: vec![
                Status::Approved,
                Status::Filed,
                Status::UnderConstruction,
                Status::Suspended,
                Status::Completed,
                Status::Accepted,
                Status::Operating,
            ],
            routes: Route::ALL.to_vec(),
            show_investment: true,
        }
    }
}

impl OpenDataConfig {
    /// Reads `path` if it exists; the defaults otherwise. A malformed file is an error, not a silent default.
    pub fn load(path: &std::path::Path) -> Result<OpenDataConfig, AppError> {
        if !path.exists() {
            return Ok(OpenDataConfig::default());
        }
        let text = std::fs::read_to_string(path).map_err(|e| AppError::internal(format!("{}:{e}", path.display())))?;
        serde_yaml_ng::from_str(&text).map_err(|e| AppError::invalid("open_data", format!("{}:{e}", path.display())))
    }
}

/// One project as the public sees it: nothing personal, nothing internal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicProject {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub category: &'static str,
    pub construction: &'static str,
    pub status: &'static str,
    pub route: &'static str,
    /// Yuan, when published.
    pub approved_investment: Option<i64>,
    pub plan_year: Option<i32>,
}

impl App {
    /// The public list, in project-number order (from the project index: [`crate::portal`]).
    pub async fn open_data(&self, config: &OpenDataConfig) -> Result<Vec<PublicProject>, AppError> {
        self.public_digests(config).await
    }
}

/// The public list as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese correctly).
pub fn open_data_csv(rows: &[PublicProject]) -> String {
    let mut out =
        String::from("\u{feff}项目编号,项目名称,建设单位,项目类别,建设性质,状态,管理路径,核定投资(元),计划年度\n");
    for r in rows {
        let cells = [
            r.id.clone(),
            r.name.clone(),
            r.owner.clone(),
            r.category.to_owned(),
            r.construction.to_owned(),
            r.status.to_owned(),
            r.route.to_owned(),
            r.approved_investment.map(|y| y.to_string()).unwrap_or_default(),
            r.plan_year.map(|y| y.to_string()).unwrap_or_default(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}
