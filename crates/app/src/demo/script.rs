//! The script: the stories turned into dated steps — registration, the annual plan, then (in [`lifecycle`])
//! approval, construction, supervision, acceptance and operation — and the plans they need decided.

use super::stories::{Path, Reach, STORIES, Story, Twist, category, construction, funding};
use super::tables::{BUREAU, DISTRICT_AUTHORITIES, EDUCATION, FINANCE, FIRMS, GOVERNMENT, HEALTH, actor, organization};
use super::{bug, cut, plus, spread, ymd};
use crate::playback::Step;
use crate::{App, AppError};
use govit_rules::policy::Parameters;
use govit_rules::vocab::{Authority, OwnerKind};
use govit_rules::{Actor, Date, JurisdictionId, Role};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

mod lifecycle;

const WAN: i64 = 10_000;
const DOCUMENTS: [&str; 3] = ["information_sharing_analysis", "cryptography_plan", "secure_reliable_statement"];
const OPINIONS: [&str; 2] = ["information_sharing", "cryptography"];
const REVIEWED: [&str; 3] = ["secure_reliable_products", "security_and_cryptography_review", "utilization_efficiency"];
/// Supervision (监理) units engaged with the teams [17].
const SUPERVISORS: [&str; 3] = ["武汉华信工程监理有限公司", "湖北长江信息工程监理有限公司", "武汉楚天建设监理有限公司"];
/// The four items before acceptance [21], days after completion; a completed project has done the first two.
const ASSESSMENTS: [(&str, i64); 4] = [
    ("security_risk_assessment", 20),
    ("big_data_platform_integration", 35),
    ("cryptography_assessment", 50),
    ("final_accounts_audit", 60),
];

/// A story's cast, resolved once: where it is, who owns it and who approves it.
struct Cast {
    /// The project's place in the city: steps and plan exclusions name it.
    n: usize,
    /// The story it tells, by its row in [`STORIES`]: its dates and choices, so every copy of a row keeps to
    /// the calendar the row was checked against.
    i: usize,
    story: &'static Story,
    /// The story's name, told again with its batch in a larger city ([`seed_city`](super::seed_city)).
    name: String,
    jurisdiction: JurisdictionId,
    owner: Arc<Actor>,
    kind: OwnerKind,
    /// Its industry authority, for a school's or hospital's own project [9].
    industry_authority: Option<&'static str>,
    /// Who approves its stages: the bureau, the district authority [24][29] or the industry authority [9].
    approver: Arc<Actor>,
    /// Who imposes measures [25]: the approver, or the bureau on the filing and capital routes.
    enforcer: Arc<Actor>,
    consultant: Arc<Actor>,
}

/// Whether a plan is decided in the demo, and whom its review leaves out.
#[derive(Debug, Default)]
struct PlanUse {
    decided: bool,
    excluded: Vec<usize>,
    /// A story that must stay proposed in it: the plan may then not be decided.
    stays_open: Option<usize>,
}

pub(super) struct Script<'a> {
    app: &'a App,
    today: Date,
    steps: Vec<Step>,
    plans: BTreeMap<(JurisdictionId, i32), PlanUse>,
    bureau: Arc<Actor>,
    government: Arc<Actor>,
    finance: Arc<Actor>,
}

impl<'a> Script<'a> {
    pub(super) fn new(app: &'a App, today: Date) -> Result<Script<'a>, AppError> {
        Ok(Script {
            app,
            today,
            steps: Vec::new(),
            plans: BTreeMap::new(),
            bureau: actor(Role::Bureau, BUREAU)?,
            government: actor(Role::Government, GOVERNMENT)?,
            finance: actor(Role::Finance, FINANCE)?,
        })
    }

    fn params(&self, jurisdiction: &JurisdictionId, on: Date) -> Result<Parameters, AppError> {
        let resolved = self.app.policies().resolve(jurisdiction, on);
        resolved.map(|r| r.parameters).map_err(|e| bug(e.to_string()))
    }

    /// The jurisdiction's approval authority on a date [24][29]: it approves stages and reviews the plan.
    fn authority(&self, jurisdiction: &JurisdictionId, on: Date) -> Result<Arc<Actor>, AppError> {
        match self.params(jurisdiction, on)?.approval_authority {
            Authority::DistrictAuthority => {
                let org = DISTRICT_AUTHORITIES.iter().find(|(j, _)| *j == jurisdiction.as_str());
                let org = org.ok_or_else(|| bug(format!("辖区 {jurisdiction} 没有主管部门")))?;
                actor(Role::DistrictAuthority, org.1)
            }
            _ => Ok(self.bureau.clone()),
        }
    }

    fn cast(&self, n: usize) -> Result<Cast, AppError> {
        let i = n % STORIES.len();
        let story = STORIES.get(i).ok_or_else(|| bug("没有演示项目"))?;
        let name = match n / STORIES.len() {
            0 => story.name.to_owned(),
            batch => format!("{}(第{}批)", story.name, batch + 1),
        };
        let owner = actor(Role::Owner, story.owner)?;
        let kind = organization(story.owner)?.2.ok_or_else(|| bug("建设单位缺少单位性质"))?;
        let industry_authority = match kind {
            OwnerKind::School => Some(EDUCATION),
            OwnerKind::MedicalInstitution => Some(HEALTH),
            _ => None,
        };
        let jurisdiction = owner.jurisdiction.clone();
        let approver = match industry_authority {
            Some(org) => actor(Role::IndustryAuthority, org)?,
            None => self.authority(&jurisdiction, self.today)?,
        };
        let enforcer = match story.path {
            Path::Filing | Path::Capital if industry_authority.is_none() => self.bureau.clone(),
            _ => approver.clone(),
        };
        let consultant = actor(Role::Consultant, FIRMS[i % FIRMS.len()])?;
        Ok(Cast { n, i, story, name, jurisdiction, owner, kind, industry_authority, approver, enforcer, consultant })
    }

    /// Adds a step on the story's project.
    fn act(&mut self, c: &Cast, on: Date, who: &Arc<Actor>, action: &'static str, with: Value) {
        let about = format!("“{}”", c.name);
        let (actor, with) = (Arc::clone(who), with.to_string());
        self.steps.push(Step { on, actor, action, with, story: Some(c.n), others: Vec::new(), about, held_to: None });
    }

    pub(super) fn story(&mut self, n: usize) -> Result<(), AppError> {
        let c = self.cast(n)?;
        let (i, story) = (c.i, c.story);
        let Some(planned) = self.enter_plan(&c) else { return Ok(()) };
        let preliminary = if story.has(Twist::PrelimFunds) { cut(story.wan * WAN, 3) } else { 0 };
        if preliminary > 0 {
            let with = json!({"purpose": "preliminary_work", "amount": preliminary});
            self.act(&c, plus(planned, 40), &self.finance.clone(), "release_funds", with);
        }
        if story.reach == Reach::Planned {
            return Ok(());
        }
        let Some((cleared, estimate)) = self.approve(&c, plus(planned, 20 + spread(i, 5, 40)))? else { return Ok(()) };
        if story.reach == Reach::Approved {
            return Ok(());
        }
        let Some((completed, surplus)) = self.build(&c, cleared, estimate)? else { return Ok(()) };
        self.accept_and_operate(&c, completed, (surplus + preliminary).max(0))
    }

    /// Registration and the way into an annual plan [7]; the date the project is in an approved plan, if it
    /// gets there.
    fn enter_plan(&mut self, c: &Cast) -> Option<Date> {
        let (s, i) = (c.story, c.i);
        let supplementary = [(Twist::Urgent, "urgent"), (Twist::Leadership, "leadership_requirement")]
            .into_iter()
            .find_map(|(t, reason)| s.has(t).then_some(reason));
        let only_registered = s.reach == Reach::Registered && !s.has(Twist::Excluded);
        let first_year = if s.has(Twist::Reproposed) { s.year - 1 } else { s.year };
        let proposed = proposal_day(first_year, i);
        let registered = if only_registered {
            plus(self.today, -(5 + spread(i, 1, 50)))
        } else if supplementary.is_some() {
            plus(ymd(s.year, 3, 1), spread(i, 2, 90))
        } else {
            plus(proposed, -(3 + spread(i, 4, if first_year == 2022 { 6 } else { 45 })))
        };
        let registration = json!({
            "name": c.name, "owner": {"name": s.owner, "kind": c.kind.code()}, "category": category(s.name),
            "construction": construction(s.name), "funding": funding(i), "investment": s.wan * WAN,
            "jurisdiction": c.jurisdiction.as_str(), "bundled_with_fixed_asset": s.path == Path::Capital,
            "self_built_self_used": c.industry_authority.is_some(), "industry_authority": c.industry_authority,
        });
        if s.has(Twist::Assigned) {
            // [7] the bureau puts the task into the plan for the unit: registered and proposed in one act.
            let mut assignment = registration;
            assignment["year"] = json!(s.year);
            let reviewer = self.authority(&c.jurisdiction, proposed).ok()?;
            self.act(c, proposed, &reviewer, "assign_project", assignment);
            self.plan(&c.jurisdiction, s.year).stays_open = Some(c.n);
            return None;
        }
        self.act(c, registered, &c.owner, "register_project", registration);
        if only_registered {
            return None;
        }
        if let Some(reason) = supplementary {
            let with = json!({"year": s.year, "reason": reason});
            self.act(c, plus(registered, 10), &c.owner, "request_supplementary_inclusion", with);
            if s.reach == Reach::Proposed {
                return None;
            }
            let approved = plus(registered, 30);
            self.act(c, approved, &self.government.clone(), "approve_supplementary_inclusion", json!({"year": s.year}));
            return Some(approved);
        }
        self.act(c, proposed, &c.owner, "propose_for_plan", json!({"year": first_year}));
        if s.has(Twist::Reproposed) {
            self.plan(&c.jurisdiction, first_year).excluded.push(c.n);
            self.act(c, proposal_day(s.year, i), &c.owner, "propose_for_plan", json!({"year": s.year}));
        }
        let plan = self.plan(&c.jurisdiction, s.year);
        if s.has(Twist::Excluded) {
            plan.excluded.push(c.n);
            return None;
        }
        if s.reach == Reach::Proposed {
            plan.stays_open = Some(c.n);
            if s.has(Twist::MergedIntoPrevious) {
                self.merge_into_previous(c, proposed);
            }
            if s.has(Twist::AdjustedInReview) {
                // [7] the bureau trims the proposal to four fifths while the plan is formed.
                let reviewer = self.authority(&c.jurisdiction, proposed).ok()?;
                let with = json!({"investment": s.wan * WAN * 4 / 5, "reason": "论证意见:压减重复建设内容"});
                self.act(c, plus(proposed, 5), &reviewer, "adjust_proposal", with);
            }
            return None;
        }
        plan.decided = true;
        Some(calendar(s.year).1)
    }

    /// [7][4] the bureau merges the story's proposal into the one of the story before it (same plan, both
    /// proposed): that one takes both amounts, and this story's owner builds it with that one's.
    fn merge_into_previous(&mut self, c: &Cast, proposed: Date) {
        let (Some(lead_n), Some(lead_i)) = (c.n.checked_sub(1), c.i.checked_sub(1)) else { return };
        let Some(lead) = STORIES.get(lead_i) else { return };
        let on = plus(proposed.max(proposal_day(lead.year, lead_i)), 3);
        let with = json!({"investment": (lead.wan + c.story.wan) * WAN}).to_string();
        self.steps.push(Step {
            on,
            actor: self.bureau.clone(),
            action: "merge_proposals",
            with,
            story: Some(lead_n),
            others: vec![c.n],
            about: format!("“{}”并入“{}”", c.name, lead.name),
            held_to: None,
        });
    }

    fn plan(&mut self, jurisdiction: &JurisdictionId, year: i32) -> &mut PlanUse {
        self.plans.entry((jurisdiction.clone(), year)).or_default()
    }

    /// The plans the stories need decided: reviewed by the jurisdiction's authority, approved by the
    /// government [7]. Then every step in date order, none after today.
    pub(super) fn finish(mut self) -> Result<Vec<Step>, AppError> {
        for ((jurisdiction, year), plan) in std::mem::take(&mut self.plans) {
            if !plan.decided && plan.excluded.is_empty() {
                continue;
            }
            if let Some(n) = plan.stays_open {
                let name = STORIES.get(n % STORIES.len()).map_or("", |s| s.name);
                return Err(bug(format!("“{name}”应停留在申报状态,但{year}年度计划将被批准")));
            }
            let (review, approve) = calendar(year);
            let about = format!("{jurisdiction} {year}年度计划");
            let with = json!({"year": year, "jurisdiction": jurisdiction.as_str()}).to_string();
            self.steps.push(Step {
                on: review,
                actor: self.authority(&jurisdiction, review)?,
                action: "review_plan",
                with: with.clone(),
                story: None,
                others: plan.excluded,
                about: about.clone(),
                held_to: None,
            });
            let government = self.government.clone();
            self.steps.push(Step {
                on: approve,
                actor: government,
                action: "approve_plan",
                with: with.clone(),
                story: None,
                others: Vec::new(),
                about: about.clone(),
                held_to: None,
            });
            // [24] the commission takes every approved plan into the government investment plan; the cyberspace
            // office has filed its review of all but the latest, which waits on its 工作台.
            let acts = [
                (Role::DevelopmentReform, "市发展改革委", "include_in_investment_plan", 12, true),
                (
                    Role::CyberspaceOffice,
                    "市委网信办",
                    "file_plan_review",
                    20,
                    year < chrono::Datelike::year(&self.today),
                ),
            ];
            for (role, organization, action, days, done) in acts {
                let on = plus(approve, days);
                if !done || on > self.today {
                    continue;
                }
                let mut with: Value = serde_json::from_str(&with).map_err(|e| bug(e.to_string()))?;
                if action == "file_plan_review" {
                    with["result"] = json!("filed");
                }
                let step = Step {
                    on,
                    actor: actor(role, organization)?,
                    action,
                    with: with.to_string(),
                    story: None,
                    others: Vec::new(),
                    about: about.clone(),
                    held_to: None,
                };
                self.steps.push(step);
            }
        }
        // [25] the bureau publishes each month's 电子监察 ranking of this year on the 3rd of the next.
        let mut month = govit_rules::ranking::Period::of(ymd(chrono::Datelike::year(&self.today), 1, 1));
        while plus(month.last(), 3) <= self.today {
            self.steps.push(Step {
                on: plus(month.last(), 3),
                actor: self.bureau.clone(),
                action: "publish_ranking",
                with: json!({"period": month.to_string(), "jurisdiction": "wuhan"}).to_string(),
                story: None,
                others: Vec::new(),
                about: format!("{}电子监察排名", month.label()),
                held_to: None,
            });
            let Some(next) = month.last().succ_opt() else { break };
            month = govit_rules::ranking::Period::of(next);
        }
        // Stable: a project's steps on one day keep their order.
        self.steps.sort_by_key(|s| s.on);
        if let Some(late) = self.steps.iter().find(|s| s.on > self.today || s.on < ymd(2022, 1, 1)) {
            return Err(bug(format!("{}的{}日期{}不在2022-01-01至今天之间", late.about, late.action, late.on)));
        }
        Ok(self.steps)
    }
}

/// When `year`'s plan is reviewed and approved [7]: in December before the year, or — for 2022, the first
/// year on the platform — in its first weeks.
fn calendar(year: i32) -> (Date, Date) {
    if year <= 2022 { (ymd(2022, 2, 10), ymd(2022, 2, 24)) } else { (ymd(year - 1, 12, 10), ymd(year - 1, 12, 26)) }
}

/// When story `i` proposes itself for `year`'s plan: in the autumn before (January in 2022), before the review.
fn proposal_day(year: i32, i: usize) -> Date {
    if year <= 2022 { plus(ymd(2022, 1, 12), spread(i, 3, 15)) } else { plus(ymd(year - 1, 10, 10), spread(i, 3, 45)) }
}

/// Days of construction by size: small systems in months, large platforms in a year and a half.
fn build_days(wan: i64) -> i64 {
    match wan {
        ..100 => 150,
        100..1000 => 300,
        1000..3000 => 420,
        _ => 540,
    }
}
