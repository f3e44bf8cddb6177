//! Playing a parsed scenario through the application layer.

use super::Failure;
use super::check::{check_expect, check_then};
use super::parse::{As, Malformed, Scenario, Step, project_handle};
use crate::{App, CommandRequest, Executed, FixedClock};
use govit_rules::command::Action;
use govit_rules::draft;
use govit_rules::policy::{self, PolicySet, Version};
use govit_rules::{Actor, Command, JurisdictionId, OrgName, ProjectId, Role};
use govit_store::Store;
use serde_yaml_ng::{Mapping, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub(super) enum Stop {
    Malformed(Malformed),
    Failed(Failure),
}

impl From<Malformed> for Stop {
    fn from(m: Malformed) -> Stop {
        Stop::Malformed(m)
    }
}

struct Run {
    app: App,
    clock: Arc<FixedClock>,
    jurisdiction: JurisdictionId,
    handles: HashMap<String, ProjectId>,
    /// The project most recently named: a step without one (approve_plan) checks `then` on it, as the shared
    /// example 01 does.
    last_handle: Option<String>,
}

pub(super) async fn play(file: &str, scenario: &Scenario) -> Result<(), Stop> {
    let policies = policies(file, scenario)?;
    let jurisdiction = scenario.jurisdiction.clone().unwrap_or_else(JurisdictionId::wuhan);
    if !policies.contains(&jurisdiction) {
        return Err(Malformed::new("jurisdiction", format!("辖区 {jurisdiction} 没有政策定义")).into());
    }
    let store = Store::open_memory().await.map_err(|e| Malformed::new("(系统)", e.to_string()))?;
    let first = scenario.steps.first().map(|s| s.on).unwrap_or_default();
    let clock = Arc::new(FixedClock::at(first));
    let app = App::new(store, policies, clock.clone());
    let mut run = Run { app, clock, jurisdiction, handles: HashMap::new(), last_handle: None };
    for (index, step) in scenario.steps.iter().enumerate() {
        run.step(index, step).await?;
    }
    run.app.store().close().await;
    Ok(())
}

/// The shipped policies, plus the scenario's own versions.
fn policies(file: &str, scenario: &Scenario) -> Result<PolicySet, Stop> {
    let mut set = policy::load(policy::BUILTIN).map_err(|e| Malformed::new("(内置政策)", e.to_string()))?;
    for (i, entry) in scenario.policies.iter().enumerate() {
        let version = Version { effective: entry.effective, title: entry.title.clone(), set: entry.set.clone() };
        set.add_version(file, entry.jurisdiction.clone(), entry.parent.clone(), version)
            .map_err(|e| Malformed::new(format!("policies[{i}].{}", e.field), e.reason))?;
    }
    Ok(set)
}

impl Run {
    async fn step(&mut self, index: usize, step: &Step) -> Result<(), Stop> {
        self.clock.set(step.on);
        // The day's 电子监察 run goes first, as the server's scheduler runs it each day.
        self.app.issue_cards(step.on).await.map_err(|e| Malformed::new("(系统)", e.to_string()))?;
        let fail = |reason: String| {
            Stop::Failed(Failure {
                step: index + 1,
                on: Some(step.on.to_string()),
                action: Some(match (&step.actor, &step.action, &step.check) {
                    (Some(a), Some(d), _) => format!("{} {}", role_name(*a), d.code()),
                    (_, _, Some(c)) => format!("check {c}"),
                    _ => String::new(),
                }),
                reason,
            })
        };
        let at = |field: &str| format!("steps[{index}].{field}");
        if let (Some(action), Some(who)) = (step.action, step.actor) {
            let handle = project_handle(step);
            let registers = matches!(action, Action::RegisterProject | Action::AssignProject);
            let project = match &handle {
                Some(h) if !registers => Some(self.resolve(h)),
                _ => None,
            };
            // The step's shape is checked before its project is looked up, so a malformed step is reported as
            // such even when its project was never registered.
            let placeholder = handle.as_deref().and_then(|h| ProjectId::parse(h).ok());
            let id = project.as_ref().and_then(|r| r.as_ref().ok()).or(placeholder.as_ref());
            let command = self.command(action, who, step, id).map_err(|m| Malformed::new(at(&m.field), m.reason))?;
            let project = project.transpose().map_err(fail)?;
            let actor = self.actor(who, action, step, project.as_ref()).await.map_err(fail)?;
            let outcome = self
                .app
                .execute(CommandRequest { actor, on: step.on, command, request_id: None, attachments: Vec::new() })
                .await
                .map_err(|e| fail(format!("系统错误:{e}")))?;
            if let (Executed::Done { project: Some(id), .. }, Some(h), true) = (&outcome, &handle, registers) {
                self.handles.insert(h.clone(), id.clone());
            }
            check_expect(step.expect.as_ref(), &outcome).map_err(fail)?;
        }
        if let Some(h) = project_handle(step) {
            self.last_handle = Some(h);
        }
        if let Some(then) = &step.then {
            let handle = self.last_handle.clone().unwrap_or_default();
            let id = self.resolve(&handle).map_err(fail)?;
            let view = self.app.project_view(&id, step.on).await.map_err(|e| fail(e.to_string()))?;
            check_then(then, &view).map_err(fail)?;
        }
        Ok(())
    }

    fn resolve(&self, handle: &str) -> Result<ProjectId, String> {
        self.handles.get(handle).cloned().ok_or_else(|| format!("项目“{handle}”未登记(登记被拒绝,或此前没有登记步骤)"))
    }

    /// Builds the command from `do` and `with` through the one builder every front end uses
    /// ([`govit_rules::draft::build`]): handles become project numbers, defaults are filled in. A scenario
    /// declares its organisations in its registration steps, so there is no other record to hold them to.
    fn command(&self, action: Action, who: As, step: &Step, project: Option<&ProjectId>) -> Result<Command, Malformed> {
        let mut with = match &step.with {
            Some(Value::Mapping(m)) => m.clone(),
            _ => Mapping::new(),
        };
        let jurisdiction = Value::String(self.jurisdiction.to_string());
        match action {
            Action::RegisterProject | Action::AssignProject => {
                if with.remove("project").is_none() {
                    return Err(Malformed::new("with.project", "登记须给项目一个句柄(如 P1)"));
                }
                with.entry("jurisdiction".into()).or_insert(jurisdiction);
            }
            Action::ReviewPlan | Action::ApprovePlan | Action::FilePlanReview | Action::IncludeInInvestmentPlan => {
                with.entry("jurisdiction".into()).or_insert(jurisdiction);
            }
            _ => {
                if let Some(id) = project {
                    with.insert("project".into(), Value::String(id.to_string()));
                }
            }
        }
        // Lists of handles (`exclude` of review_plan, `merged` of merge_proposals) become project numbers.
        for key in ["exclude", "merged"] {
            if let Some(Value::Sequence(list)) = with.get_mut(key) {
                for item in list.iter_mut() {
                    let handle = item.as_str().unwrap_or_default().to_owned();
                    let id = self
                        .handles
                        .get(&handle)
                        .ok_or_else(|| Malformed::new(format!("with.{key}"), format!("项目“{handle}”未登记")))?;
                    *item = Value::String(id.to_string());
                }
            }
        }
        let with = match serde_json::to_value(Value::Mapping(with)) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) | Err(_) => return Err(Malformed::new("with", "参数须为以文字为键的映射")),
        };
        draft::build(action, with, city_role(who), None).map_err(|e| {
            let (field, reason) = e.fields().iter().next().map_or(("with", ""), |(f, r)| (f.as_str(), r.as_str()));
            Malformed::new(format!("with.{field}"), reason)
        })
    }

    /// The actor a role stands for in this step: the project's own owner, its commissioned consultant, the
    /// district authority of its jurisdiction; the city's departments act for the whole city.
    async fn actor(&self, who: As, action: Action, step: &Step, project: Option<&ProjectId>) -> Result<Actor, String> {
        let state = match project {
            Some(id) => Some(self.app.project_view(id, step.on).await.map_err(|e| e.to_string())?.project),
            None => None,
        };
        let with_str =
            |key: &str| step.with.as_ref().and_then(|w| w.get(key)).and_then(Value::as_str).map(str::to_owned);
        let target_jurisdiction = state
            .as_ref()
            .map(|p| p.jurisdiction.clone())
            .or_else(|| with_str("jurisdiction").and_then(|j| JurisdictionId::parse(j).ok()))
            .unwrap_or_else(|| self.jurisdiction.clone());
        let city = self.app.policies().root_of(&target_jurisdiction);
        let org = |name: &str| OrgName::parse(name).map_err(|e| e.to_string());
        let (role, organization, jurisdiction) = match who {
            As::Owner => {
                let name = match (&state, action) {
                    (Some(p), _) => p.owner.name.to_string(),
                    (None, Action::RegisterProject) => step
                        .with
                        .as_ref()
                        .and_then(|w| w.get("owner"))
                        .and_then(|o| o.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or("某项目建设单位")
                        .to_owned(),
                    (None, _) => "某项目建设单位".to_owned(),
                };
                (Role::Owner, org(&name)?, target_jurisdiction)
            }
            As::OtherOwner => (Role::Owner, org("另一项目建设单位")?, target_jurisdiction),
            As::OtherConsultant => (Role::Consultant, org("另一咨询评估单位")?, city),
            As::Consultant => {
                let name = state
                    .as_ref()
                    .and_then(|p| p.current.as_ref().and_then(|c| c.consultant.clone()))
                    .map_or_else(|| "某咨询评估单位".to_owned(), |c| c.to_string());
                (Role::Consultant, org(&name)?, city)
            }
            As::DistrictAuthority => {
                let name = format!("{}政务信息化主管部门", self.app.policies().name_of(&target_jurisdiction));
                (Role::DistrictAuthority, org(&name)?, target_jurisdiction)
            }
            As::IndustryAuthority => {
                let name = state
                    .as_ref()
                    .and_then(|p| p.industry_authority.clone())
                    .map_or_else(|| "行业主管部门".to_owned(), |o| o.to_string());
                (Role::IndustryAuthority, org(&name)?, target_jurisdiction)
            }
            other => {
                let role = city_role(other);
                (role, org(role.label())?, city)
            }
        };
        Ok(Actor { role, organization, jurisdiction, person: None })
    }
}

fn city_role(who: As) -> Role {
    match who {
        As::Bureau => Role::Bureau,
        As::Government => Role::Government,
        As::CyberspaceOffice => Role::CyberspaceOffice,
        As::DevelopmentReform => Role::DevelopmentReform,
        As::Finance => Role::Finance,
        As::Audit => Role::Audit,
        As::SecrecyBureau => Role::SecrecyBureau,
        As::Owner | As::OtherOwner => Role::Owner,
        As::Consultant | As::OtherConsultant => Role::Consultant,
        As::IndustryAuthority => Role::IndustryAuthority,
        As::DistrictAuthority => Role::DistrictAuthority,
    }
}

fn role_name(who: As) -> &'static str {
    match who {
        As::Owner => "owner",
        As::OtherOwner => "other_owner",
        As::OtherConsultant => "other_consultant",
        As::Bureau => "bureau",
        As::Government => "government",
        As::Consultant => "consultant",
        As::IndustryAuthority => "industry_authority",
        As::DistrictAuthority => "district_authority",
        As::CyberspaceOffice => "cyberspace_office",
        As::DevelopmentReform => "development_reform",
        As::Finance => "finance",
        As::Audit => "audit",
        As::SecrecyBureau => "secrecy_bureau",
    }
}
