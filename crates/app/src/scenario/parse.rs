//! Reading a scenario file: every field checked, every error named by step and field.

use govit_rules::command::Action;
use govit_rules::policy::Overrides;
use govit_rules::vocab::{AdjustmentOutcome, Authority, Card, Route, Stage, Status};
use govit_rules::{Date, JurisdictionId, Money};
use serde::{Deserialize, Deserializer};
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

/// A malformed scenario: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}:{reason}")]
pub struct Malformed {
    /// `steps[3].with.investment`, or `(文件)` for the whole file.
    pub field: String,
    pub reason: String,
}

impl Malformed {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Malformed {
        Malformed { field: field.into(), reason: reason.into() }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub cites: Vec<u8>,
    #[serde(default)]
    pub jurisdiction: Option<JurisdictionId>,
    #[serde(default)]
    pub policies: Vec<PolicyEntry>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyEntry {
    pub jurisdiction: JurisdictionId,
    #[serde(default)]
    pub parent: Option<JurisdictionId>,
    pub effective: Date,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub set: Overrides,
}

/// The roles a step may act as (docs/SCENARIOS.md, `as`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum As {
    Owner,
    OtherOwner,
    OtherConsultant,
    Bureau,
    Government,
    Consultant,
    IndustryAuthority,
    DistrictAuthority,
    CyberspaceOffice,
    DevelopmentReform,
    Finance,
    Audit,
    SecrecyBureau,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub on: Date,
    #[serde(rename = "as", default)]
    pub actor: Option<As>,
    #[serde(rename = "do", default)]
    pub action: Option<Action>,
    #[serde(default)]
    pub with: Option<Value>,
    #[serde(default, deserialize_with = "expect")]
    pub expect: Option<Expect>,
    #[serde(default)]
    pub then: Option<Then>,
    #[serde(default)]
    pub check: Option<String>,
}

/// What a step expects of its action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Ok,
    Forbidden,
    Rejected(Vec<u8>),
    Warned(Vec<u8>),
}

fn expect<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Expect>, D::Error> {
    use serde::de::Error;
    let value = Value::deserialize(d)?;
    let bad = || D::Error::custom("须为 ok、forbidden、{rejected: [条号]} 或 {warned: [条号]}");
    match &value {
        Value::String(s) if s == "ok" => Ok(Some(Expect::Ok)),
        Value::String(s) if s == "forbidden" => Ok(Some(Expect::Forbidden)),
        Value::Mapping(m) if m.len() == 1 => {
            let (key, list) = m.iter().next().ok_or_else(bad)?;
            let articles: Vec<u8> =
                serde_yaml_ng::from_value(list.clone()).map_err(|e| D::Error::custom(format!("条号列表无效:{e}")))?;
            match key.as_str() {
                Some("rejected") => Ok(Some(Expect::Rejected(articles))),
                Some("warned") => Ok(Some(Expect::Warned(articles))),
                _ => Err(bad()),
            }
        }
        _ => Err(bad()),
    }
}

/// `Some(value)` for a present key, even when the value is null: tells "absent" from "must be null".
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The checks of the scenario format's `then`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Then {
    pub status: Option<Status>,
    pub route: Option<Route>,
    pub approver: Option<Authority>,
    pub government_approval_required: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub next_stage: Option<Option<Stage>>,
    #[serde(default, deserialize_with = "present")]
    pub approved_investment: Option<Option<Money>>,
    pub funds_releasable: Option<FundsCheck>,
    #[serde(default, deserialize_with = "present")]
    pub last_adjustment: Option<Option<AdjustmentOutcome>>,
    pub adjustment_used: Option<Money>,
    #[serde(default, deserialize_with = "present")]
    pub pending_adjustment: Option<Option<Money>>,
    pub filed_with_bureau: Option<bool>,
    pub surplus: Option<Money>,
    pub rectifications: Option<RectificationsCheck>,
    pub deadlines: Option<BTreeMap<String, Option<DeadlineCheck>>>,
    pub overdue: Option<Vec<String>>,
    pub warnings: Option<Vec<u8>>,
    /// The owners of the proposals merged into the project [7], in any order.
    pub co_builders: Option<Vec<String>>,
    /// Put into the plan by its reviewer [7].
    pub assigned: Option<bool>,
    /// Exactly the open 电子监察 cards, by deadline name; `{}` for none.
    pub cards: Option<BTreeMap<String, Card>>,
    /// The computed health rating: `{level, score}`, either alone.
    pub rating: Option<RatingCheck>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingCheck {
    pub level: Option<govit_rules::rating::HealthLevel>,
    pub score: Option<u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundsCheck {
    pub construction: Option<bool>,
    pub preliminary_work: Option<bool>,
}

/// `{open: N, reported: N, failed: N, closed: N}`: each key checked only when named.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationsCheck {
    pub open: Option<u32>,
    pub reported: Option<u32>,
    pub failed: Option<u32>,
    pub closed: Option<u32>,
}

/// `name: date` or `name: {from: date, due: date}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineCheck {
    Due(Date),
    Window { from: Date, due: Date },
}

impl<'de> Deserialize<'de> for DeadlineCheck {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Window {
            from: Date,
            due: Date,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Due(Date),
            Window(Window),
        }
        match Raw::deserialize(d) {
            Ok(Raw::Due(due)) => Ok(DeadlineCheck::Due(due)),
            Ok(Raw::Window(w)) => Ok(DeadlineCheck::Window { from: w.from, due: w.due }),
            Err(_) => Err(serde::de::Error::custom("期限须为日期(YYYY-MM-DD)或 {from: 日期, due: 日期}")),
        }
    }
}

/// Parses the YAML text of a scenario (YAML 1.2: `on` is a plain key).
pub fn parse(text: &str) -> Result<Scenario, Malformed> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    let scenario: Scenario = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "(文件)".to_owned() } else { path };
        Malformed::new(field, e.into_inner().to_string())
    })?;
    if scenario.steps.is_empty() {
        return Err(Malformed::new("steps", "至少需要一个步骤"));
    }
    let mut previous: Option<Date> = None;
    for (i, step) in scenario.steps.iter().enumerate() {
        let at = |field: &str| format!("steps[{i}].{field}");
        if previous.is_some_and(|p| step.on < p) {
            return Err(Malformed::new(at("on"), "步骤的日期不能早于上一步"));
        }
        previous = Some(step.on);
        match (&step.action, &step.check) {
            (Some(_), Some(_)) => return Err(Malformed::new(at("check"), "一个步骤不能既有 do 又有 check")),
            (None, None) => return Err(Malformed::new(at("do"), "步骤须有 do(动作)或 check(检查项目)")),
            (Some(_), None) if step.actor.is_none() => {
                return Err(Malformed::new(at("as"), "有 do 的步骤须写明 as(由谁办理)"));
            }
            (None, Some(_)) if step.actor.is_some() || step.expect.is_some() || step.with.is_some() => {
                return Err(Malformed::new(at("check"), "check 步骤只能有 on、check 和 then"));
            }
            _ => {}
        }
        if step.with.as_ref().is_some_and(|with| !matches!(with, Value::Mapping(_))) {
            return Err(Malformed::new(at("with"), "须为参数映射"));
        }
        if step.then.is_some()
            && project_handle(step).is_none()
            && !scenario.steps[..i].iter().any(|s| project_handle(s).is_some())
        {
            return Err(Malformed::new(at("then"), "该步骤没有 project,此前也没有提到任何项目,不能写 then"));
        }
        if let Some(then) = &step.then {
            for name in then.deadlines.iter().flat_map(|d| d.keys()).chain(then.overdue.iter().flatten()) {
                if govit_rules::derive::DeadlineName::parse(name).is_none() {
                    return Err(Malformed::new(at("then"), format!("未知的期限名称“{name}”")));
                }
            }
        }
    }
    Ok(scenario)
}

/// The step's project handle: `check`, or `with.project`.
pub fn project_handle(step: &Step) -> Option<String> {
    if let Some(check) = &step.check {
        return Some(check.clone());
    }
    match step.with.as_ref()?.get("project")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
