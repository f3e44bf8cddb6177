//! The computed health rating of a project (绿/黄/红, a score 1–5), from the facts of its record alone, each
//! factor with its weight, what was measured and the article behind it.
//!
//! The text asks for supervision [25] and for the results of evaluation to be used [23]; it names no rating.
//! The rating is the platform's reading (docs/READINGS.md), pinned by the scenario check `rating`:
//!
//! - nine factors in three groups — schedule (cards, days overdue, construction time against the plan),
//!   cost (the self-adjustment used against the tolerance and a change awaiting re-approval, contracts and
//!   releases against the estimate, the surplus not returned), compliance (rectifications, measures,
//!   warnings) — each scored 1 (worst) to 5 (best);
//! - the score is the weighted mean of the factors, rounded half up, and never more than one above the worst
//!   factor: a serious problem is not averaged away by the rest;
//! - the level is 绿 for 4–5, 黄 for 3, 红 for 1–2.

use crate::date::{Date, add_months};
use crate::derive::{self, Deadline};
use crate::event::Event;
use crate::ids::Text;
use crate::money::Money;
use crate::policy::PolicySet;
use crate::state::Project;
use crate::vocab::{Card, Measure, Status};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::vocab::vocabulary_pub!(
    /// 项目健康评级.
    HealthLevel {
        Green = "green" => "绿",
        Yellow = "yellow" => "黄",
        Red = "red" => "红",
    }
);

impl HealthLevel {
    /// The level a score 1–5 stands for.
    pub fn of(score: u8) -> HealthLevel {
        match score {
            4.. => HealthLevel::Green,
            3 => HealthLevel::Yellow,
            _ => HealthLevel::Red,
        }
    }

    /// The level's place from red (0) to green (2): two apart is 绿 beside 红, what 自评偏乐观 looks for.
    pub fn rank(self) -> u8 {
        match self {
            HealthLevel::Green => 2,
            HealthLevel::Yellow => 1,
            HealthLevel::Red => 0,
        }
    }
}

crate::vocab::vocabulary_pub!(
    /// The groups of factors.
    FactorGroup {
        Schedule = "schedule" => "进度",
        Cost = "cost" => "投资",
        Compliance = "compliance" => "合规",
    }
);

/// How long a self-reported level may stand unchanged while a factor worsens before it is flagged as stale.
pub const STALE_AFTER_MONTHS: u32 = 6;

/// The event recording the owner's own `level` on `on`, with the computed rating of that day.
pub fn reported(p: &Project, level: HealthLevel, note: Option<Text>, on: Date, policies: &PolicySet) -> Event {
    let computed = rate(p, on, policies);
    Event::RatingReported {
        project: p.id.clone(),
        level,
        note,
        computed: computed.level,
        computed_score: computed.score,
        factors: computed.factors.iter().map(|f| (f.key.to_owned(), f.score)).collect(),
    }
}

/// 自评偏乐观: the owner's latest level is two levels better than the computed one (绿 against 红).
pub fn optimistic(p: &Project, computed: &Rating) -> bool {
    p.self_ratings.last().is_some_and(|s| s.level.rank() >= computed.level.rank() + 2)
}

/// 自评久未更新: the owner's level has stood unchanged for [`STALE_AFTER_MONTHS`] or more (every report since
/// the first of that level gave it again, or none came), while a factor now scores below what it scored on
/// that first report.
pub fn stale(p: &Project, computed: &Rating, on: Date) -> bool {
    let Some(latest) = p.self_ratings.last() else { return false };
    let since = p.self_ratings.iter().rev().take_while(|s| s.level == latest.level).last().unwrap_or(latest);
    on >= add_months(since.on, STALE_AFTER_MONTHS)
        && computed.factors.iter().any(|f| since.factors.get(f.key).is_some_and(|then| f.score < *then))
}

/// One factor: its weight (the weights add up to 100), its score 1–5, what was measured, and the articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Factor {
    pub key: &'static str,
    pub label: &'static str,
    pub group: FactorGroup,
    pub weight: u32,
    pub score: u8,
    /// What was measured, in words.
    pub value: String,
    pub articles: &'static [u8],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rating {
    pub level: HealthLevel,
    pub score: u8,
    pub factors: Vec<Factor>,
}

/// The owner's own rating [20], with the computed one of its day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfRating {
    pub on: Date,
    pub level: HealthLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    pub computed: HealthLevel,
    pub computed_score: u8,
    pub factors: BTreeMap<String, u8>,
}

/// The rating of `p` on `on`.
pub fn rate(p: &Project, on: Date, policies: &PolicySet) -> Rating {
    rate_with(p, &derive::deadlines(p, on, policies), on, policies)
}

/// [`rate`] with the deadlines pending on `on` ([`derive::deadlines`]) already at hand.
pub fn rate_with(p: &Project, pending: &[Deadline], on: Date, policies: &PolicySet) -> Rating {
    let factors = vec![
        cards(p),
        overdue(pending, on),
        construction_time(p, on),
        adjustment(p, on, policies),
        commitment(p),
        surplus(p),
        rectifications(p, on),
        measures(p),
        warnings(p),
    ];
    let weights: u32 = factors.iter().map(|f| f.weight).sum();
    let weighted: u32 = factors.iter().map(|f| f.weight * u32::from(f.score)).sum();
    // Half up: (2·Σws + Σw) / (2·Σw).
    let mean = u8::try_from((2 * weighted + weights) / (2 * weights.max(1))).unwrap_or(5);
    let worst = factors.iter().map(|f| f.score).min().unwrap_or(5);
    let score = mean.min(worst.saturating_add(1)).clamp(1, 5);
    Rating { level: HealthLevel::of(score), score, factors }
}

fn factor(
    key: &'static str,
    label: &'static str,
    group: FactorGroup,
    weight: u32,
    articles: &'static [u8],
    (score, value): (u8, String),
) -> Factor {
    Factor { key, label, group, weight, score, value, articles }
}

/// 电子监察 [25]: the open cards.
fn cards(p: &Project) -> Factor {
    let red = p.open_cards().filter(|c| c.card == Card::Red).count();
    let yellow = p.open_cards().filter(|c| c.card == Card::Yellow).count();
    let score = match (red, yellow) {
        (0, 0) => 5,
        (0, _) => 4,
        (1, _) => 2,
        _ => 1,
    };
    factor("cards", "电子监察警示牌", FactorGroup::Schedule, 15, &[25], (score, format!("红牌{red}张、黄牌{yellow}张")))
}

/// The longest a pending deadline is overdue [20][21][22][25][26].
fn overdue(pending: &[Deadline], on: Date) -> Factor {
    let days = pending.iter().filter(|d| d.is_overdue(on)).map(|d| (on - d.due).num_days()).max().unwrap_or(0);
    let score = match days {
        ..=0 => 5,
        1..=30 => 3,
        31..=90 => 2,
        _ => 1,
    };
    let value = if days > 0 { format!("最长逾期{days}天") } else { "无逾期事项".to_owned() };
    factor("overdue", "逾期天数", FactorGroup::Schedule, 15, &[20, 21, 22, 25, 26], (score, value))
}

/// Construction against the plan [6][7]: the annual plan arranges a project for its year; one still under
/// construction after the end of the following year runs late, by the months since then.
fn construction_time(p: &Project, on: Date) -> Factor {
    let building = matches!(p.status, Status::UnderConstruction | Status::Suspended);
    let year = p.plan.as_ref().map(|e| e.year).or(p.construction_started_on.map(|d| d.year()));
    let (score, value) = match (building, year) {
        (true, Some(year)) => {
            let months = (on.year() - year - 2) * 12 + i32::try_from(on.month()).unwrap_or(12);
            let months = if on.year() >= year + 2 { months } else { 0 };
            let score = match months {
                ..=0 => 5,
                1..=6 => 4,
                7..=12 => 3,
                13..=24 => 2,
                _ => 1,
            };
            let value = if months > 0 {
                format!("{year}年度计划项目,建设期超过次年年底{months}个月")
            } else {
                format!("{year}年度计划项目,在计划建设期内")
            };
            (score, value)
        }
        _ => (5, "不在建设期".to_owned()),
    };
    factor("construction_time", "建设周期", FactorGroup::Schedule, 10, &[6, 7], (score, value))
}

/// [19] the self-adjustment used against the tolerance; a change awaiting re-approval.
fn adjustment(p: &Project, on: Date, policies: &PolicySet) -> Factor {
    let (score, value) = if let Some(amount) = p.pending_adjustment_amount() {
        (2, format!("调整{}元待重新审批", amount.yuan()))
    } else {
        let tolerance = policies.resolve(&p.jurisdiction, on).map_or(0, |r| r.parameters.adjustment_tolerance.0);
        let limit = i128::from(p.estimate().yuan()) * i128::from(tolerance) / 10_000;
        let used = i128::from(p.adjustment_used.yuan());
        // The share of the tolerance used, in percent (the rules keep it at or below 100).
        let percent = if limit > 0 { used * 100 / limit } else { 0 };
        let score = match percent {
            ..=50 => 5,
            51..=80 => 4,
            _ => 3,
        };
        (score, format!("自行调整已用容差额度的{percent}%"))
    };
    factor("adjustment", "调整与重新审批", FactorGroup::Cost, 15, &[19], (score, value))
}

/// [18] contracts and funds released against the estimate: the rules keep both within it, so what is
/// measured is the room left — at the estimate, any further contract or release needs an adjustment first.
fn commitment(p: &Project) -> Factor {
    let estimate = i128::from(p.estimate().yuan());
    let committed = i128::from(p.contracts_total().yuan().max(p.released_total().yuan()));
    let percent = if estimate > 0 { committed * 100 / estimate } else { 0 };
    let score = match percent {
        ..=90 => 5,
        91..=99 => 4,
        _ => 3,
    };
    let value =
        format!("合同{}元、已下达资金{}元,占概算的{percent}%", p.contracts_total().yuan(), p.released_total().yuan());
    factor("commitment", "合同与资金占概算", FactorGroup::Cost, 10, &[18], (score, value))
}

/// [18] the surplus not returned after acceptance.
fn surplus(p: &Project) -> Factor {
    let left = p.surplus();
    let (score, value) = if left > Money::ZERO {
        (3, format!("结余资金{}元未退回", left.yuan()))
    } else {
        (5, "无未退回的结余资金".to_owned())
    };
    factor("surplus", "结余资金", FactorGroup::Cost, 5, &[18], (score, value))
}

/// [25] rectification: open orders, overdue ones, verifications that found them still falling short.
fn rectifications(p: &Project, on: Date) -> Factor {
    let open = p.open_rectifications().count();
    let late = p.open_rectifications().filter(|r| r.is_overdue(on)).count();
    let failures: u32 = p.rectifications.iter().map(|r| r.failures).sum();
    let score = match (open, late, failures) {
        (_, _, 2..) => 1,
        (_, 1.., _) | (_, _, 1) => 2,
        (1.., ..) => 4,
        _ => 5,
    };
    let value = format!("未完成整改{open}项(逾期{late}项),核查不合格{failures}次");
    factor("rectifications", "限期整改", FactorGroup::Compliance, 15, &[25], (score, value))
}

/// [25] the measures taken.
fn measures(p: &Project) -> Factor {
    let stops = |m: &Measure| matches!(m, Measure::SuspendConstruction | Measure::Terminate);
    let score = if p.measures.iter().any(|(m, _)| stops(m)) {
        1
    } else if p.measures.is_empty() {
        5
    } else {
        2
    };
    let value = if p.measures.is_empty() {
        "未采取处理措施".to_owned()
    } else {
        p.measures.iter().map(|(m, on)| format!("{on}{}", m.label())).collect::<Vec<_>>().join("、")
    };
    factor("measures", "处理措施", FactorGroup::Compliance, 10, &[25], (score, value))
}

/// The articles the record's warnings cite: own infrastructure instead of the shared platform [12], a late
/// acceptance [21] or self-evaluation [22], a proposal from a unit with a failed or overdue rectification [23].
fn warnings(p: &Project) -> Factor {
    let n = p.warnings.len();
    let score = match n {
        0 => 5,
        1 => 4,
        2..=3 => 3,
        _ => 2,
    };
    let value = if n == 0 {
        "无警示".to_owned()
    } else {
        let list: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        format!("曾依{}提示", list.join("、"))
    };
    factor("warnings", "办理警示", FactorGroup::Compliance, 5, &[12, 21, 22, 23], (score, value))
}
