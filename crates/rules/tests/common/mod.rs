//! A small in-memory world for the integration tests: the built-in policies, the projects and plans, and a
//! `Sim::act` that runs `decide` and folds the events back with `Project::apply` / `Plan::apply`, as the
//! application layer does. Helpers panic when a step that should pass does not: a test that reaches a
//! boundary through them fails loudly at the step that broke.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_rules::command::{Owner, RegisterProject, RequestAdjustment, SubmitStage};
use govit_rules::derive::{self, DeadlineName};
use govit_rules::money::PositiveMoney;
use govit_rules::notice::Article;
use govit_rules::policy::{self, Overrides, PolicySet, Version};
use govit_rules::vocab::*;
use govit_rules::{
    Actor, Command, Date, Decision, Event, JurisdictionId, Money, OrgName, Plan, Project, ProjectId, Recorded,
    Rejection, Role, Target, Text, World, decide,
};
use std::collections::{BTreeMap, BTreeSet};

pub const OWNER: &str = "武汉市民政局";
pub const OTHER_OWNER: &str = "武汉市城管执法委";
pub const CONSULTANT: &str = "湖北省工程咨询公司";
pub const INDUSTRY_AUTHORITY: &str = "武汉市教育局";

// ---------------------------------------------------------------------------------------------------------
// Values

pub fn d(text: &str) -> Date {
    text.parse().unwrap_or_else(|e| panic!("bad date {text}: {e}"))
}

pub fn yuan(n: i64) -> Money {
    Money::from_yuan(n).unwrap()
}

pub fn pid(text: &str) -> ProjectId {
    ProjectId::parse(text).unwrap()
}

pub fn org(text: &str) -> OrgName {
    OrgName::parse(text).unwrap()
}

pub fn text(t: &str) -> Text {
    Text::parse(t).unwrap()
}

pub fn jur(text: &str) -> JurisdictionId {
    JurisdictionId::parse(text).unwrap()
}

pub fn wuhan() -> JurisdictionId {
    JurisdictionId::wuhan()
}

pub fn articles(numbers: &[u8]) -> Vec<Article> {
    numbers.iter().copied().map(Article).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Actors

/// The one exercising `p`'s approval authority.
pub fn approver_of(p: &Project) -> Actor {
    match p.approver {
        Authority::Bureau => bureau(),
        Authority::DevelopmentReform => development_reform(),
        Authority::DistrictAuthority => district_authority(p.jurisdiction.as_str()),
        Authority::IndustryAuthority => {
            let name = p.industry_authority.as_ref().map_or(INDUSTRY_AUTHORITY, |o| o.as_str());
            actor(Role::IndustryAuthority, name, p.jurisdiction.as_str())
        }
    }
}

pub fn actor(role: Role, organization: &str, jurisdiction: &str) -> Actor {
    Actor { role, organization: org(organization), jurisdiction: jur(jurisdiction), person: None }
}

/// The owner of every project the helpers register (unless a test names another).
pub fn owner() -> Actor {
    actor(Role::Owner, OWNER, "wuhan")
}

/// Some other unit's owner: never may act on `owner()`'s projects.
pub fn other_owner() -> Actor {
    actor(Role::Owner, OTHER_OWNER, "wuhan")
}

pub fn bureau() -> Actor {
    actor(Role::Bureau, "武汉市政务服务和大数据管理局", "wuhan")
}

pub fn government() -> Actor {
    actor(Role::Government, "武汉市人民政府", "wuhan")
}

pub fn consultant() -> Actor {
    actor(Role::Consultant, CONSULTANT, "wuhan")
}

pub fn finance() -> Actor {
    actor(Role::Finance, "武汉市财政局", "wuhan")
}

pub fn audit() -> Actor {
    actor(Role::Audit, "武汉市审计局", "wuhan")
}

pub fn cyberspace_office() -> Actor {
    actor(Role::CyberspaceOffice, "中共武汉市委网信办", "wuhan")
}

pub fn development_reform() -> Actor {
    actor(Role::DevelopmentReform, "武汉市发展改革委", "wuhan")
}

pub fn secrecy_bureau() -> Actor {
    actor(Role::SecrecyBureau, "中共武汉市委机要保密和档案局", "wuhan")
}

pub fn industry_authority() -> Actor {
    actor(Role::IndustryAuthority, INDUSTRY_AUTHORITY, "wuhan")
}

pub fn admin() -> Actor {
    actor(Role::SystemAdmin, "系统管理", "wuhan")
}

pub fn security_admin() -> Actor {
    actor(Role::SecurityAdmin, "系统管理", "wuhan")
}

pub fn audit_admin() -> Actor {
    actor(Role::AuditAdmin, "系统管理", "wuhan")
}

/// The three administrators of 三员分立.
pub fn administrators() -> [Actor; 3] {
    [admin(), security_admin(), audit_admin()]
}

/// The district authority of `district` (`jiangan`, `wuchang`).
pub fn district_authority(district: &str) -> Actor {
    actor(Role::DistrictAuthority, &format!("{district}区政务信息化主管部门"), district)
}

// ---------------------------------------------------------------------------------------------------------
// Commands

/// A registration that passes [2][3][28], in the actor's jurisdiction, owned by `OWNER`.
pub fn registration(investment: i64) -> RegisterProject {
    RegisterProject {
        name: text("社会救助信息管理系统"),
        owner: Owner { name: org(OWNER), kind: OwnerKind::PartyGovernmentOrgan },
        category: Category::BusinessApplication,
        construction: Construction::New,
        funding: Funding::GovernmentInvestment,
        investment: PositiveMoney::new(yuan(investment.max(1))).unwrap(),
        classified: false,
        bundled_with_fixed_asset: false,
        self_built_self_used: false,
        jurisdiction: None,
        industry_authority: None,
        summary: None,
    }
}

/// A stage submission that passes [10][11][12][13][27]: every document, a qualified preparer, enough depth.
pub fn submission(project: &str, stage: Stage, investment: i64) -> SubmitStage {
    SubmitStage {
        project: pid(project),
        stage,
        investment: PositiveMoney::new(yuan(investment)).unwrap(),
        documents: Document::ALL.iter().copied().collect(),
        preparer: Preparer::ConsultingCredit,
        prepared_by: None,
        design_depth_sufficient: true,
        builds: BTreeSet::new(),
        summary: None,
    }
}

pub fn submit(s: SubmitStage) -> Command {
    Command::SubmitStage(Box::new(s))
}

pub fn submit_stage(project: &str, stage: Stage, investment: i64) -> Command {
    submit(submission(project, stage, investment))
}

pub fn propose(project: &str, year: i32) -> Command {
    Command::ProposeForPlan { project: pid(project), year: plan_year(year) }
}

pub fn review_plan(year: i32, jurisdiction: &JurisdictionId) -> Command {
    Command::ReviewPlan { year: plan_year(year), jurisdiction: Some(jurisdiction.clone()), exclude: Vec::new() }
}

pub fn approve_plan(year: i32, jurisdiction: &JurisdictionId) -> Command {
    Command::ApprovePlan { year: plan_year(year), jurisdiction: Some(jurisdiction.clone()) }
}

pub fn file_record(project: &str) -> Command {
    Command::FileRecord { project: pid(project), builds: BTreeSet::new() }
}

pub fn commission_review(project: &str) -> Command {
    Command::CommissionReview { project: pid(project), consultant: org(CONSULTANT) }
}

pub fn all_opinions() -> BTreeSet<Opinion> {
    Opinion::ALL.iter().copied().collect()
}

pub fn submit_evaluation(project: &str, recommended: i64) -> Command {
    Command::SubmitEvaluation {
        project: pid(project),
        opinions: all_opinions(),
        recommended_investment: positive(yuan(recommended)),
    }
}

pub fn approve_stage(project: &str, approved: i64) -> Command {
    Command::ApproveStage {
        project: pid(project),
        approved_investment: positive(yuan(approved)),
        opinions: all_opinions(),
    }
}

pub fn return_stage(project: &str) -> Command {
    Command::ReturnStage { project: pid(project), reason: text("材料不全") }
}

pub fn government_approve(project: &str) -> Command {
    Command::GovernmentApprove { project: pid(project) }
}

pub fn issue_technical_opinion(project: &str) -> Command {
    Command::IssueTechnicalOpinion { project: pid(project) }
}

pub fn release_funds(project: &str, purpose: Purpose, amount: i64) -> Command {
    Command::ReleaseFunds { project: pid(project), purpose, amount: positive(yuan(amount)) }
}

pub fn appoint_team(project: &str) -> Command {
    Command::AppointTeam {
        project: pid(project),
        agency: org("信息中心"),
        leader: text("张三"),
        supervisor: None,
        leader_phone: None,
        leader_id_number: None,
        contact: None,
    }
}

pub fn start_construction(project: &str) -> Command {
    Command::StartConstruction { project: pid(project) }
}

pub fn sign_contract(project: &str, contract: &str, amount: i64) -> Command {
    Command::SignContract {
        project: pid(project),
        contract: text(contract),
        amount: positive(yuan(amount)),
        procurement: Procurement::PublicTender,
    }
}

pub fn adjustment(project: &str, amount: i64, reason: AdjustmentReason) -> RequestAdjustment {
    RequestAdjustment {
        project: pid(project),
        amount: yuan(amount),
        reason,
        goal_unchanged: true,
        within_estimate: true,
    }
}

pub fn adjust(project: &str, amount: i64) -> Command {
    Command::RequestAdjustment(adjustment(project, amount, AdjustmentReason::TechnicalOptimization))
}

pub fn annual_report(project: &str, year: i32) -> Command {
    Command::SubmitAnnualReport {
        project: pid(project),
        year: plan_year(year),
        opinions_from: ReportOpinion::ALL.iter().copied().collect(),
        self_rating: None,
    }
}

pub fn complete_construction(project: &str) -> Command {
    Command::CompleteConstruction { project: pid(project) }
}

pub fn record_assessment(project: &str, kind: AssessmentKind) -> Command {
    Command::RecordAssessment { project: pid(project), kind }
}

pub fn confirm_ready(project: &str) -> Command {
    Command::ConfirmReadyForAcceptance { project: pid(project) }
}

pub fn accept(project: &str) -> Command {
    Command::Accept { project: pid(project), reviewed: AcceptanceReview::ALL.iter().copied().collect() }
}

pub fn start_operation(project: &str) -> Command {
    Command::StartOperation { project: pid(project) }
}

pub fn self_evaluation(project: &str) -> Command {
    Command::SubmitSelfEvaluation { project: pid(project) }
}

pub fn commission_post_evaluation(project: &str) -> Command {
    Command::CommissionPostEvaluation { project: pid(project), consultant: org(CONSULTANT) }
}

pub fn order_rectification(project: &str, area: Area, due: &str) -> Command {
    Command::OrderRectification { project: pid(project), area, finding: text("未按要求整改"), due: d(due) }
}

pub fn report_rectified(project: &str) -> Command {
    Command::ReportRectified { project: pid(project) }
}

pub fn impose(project: &str, measure: Measure) -> Command {
    Command::ImposeMeasure { project: pid(project), measure }
}

pub fn lift_suspension(project: &str) -> Command {
    Command::LiftSuspension { project: pid(project) }
}

// ---------------------------------------------------------------------------------------------------------
// Outcomes

pub type Answer = Result<Decision, Rejection>;

/// The decision of an action that must pass, with no warning.
#[track_caller]
pub fn ok(answer: Answer) -> Decision {
    match answer {
        Ok(decision) => {
            assert!(decision.warnings.is_empty(), "expected no warning, got {:?}", decision.warnings);
            decision
        }
        Err(e) => panic!("expected ok, got {e:?}"),
    }
}

/// The decision of an action that must pass with a warning citing `article`.
#[track_caller]
pub fn warned(answer: Answer, article: u8) -> Decision {
    match answer {
        Ok(decision) => {
            let cited: Vec<Article> = decision.warnings.iter().flat_map(|w| w.articles.iter().copied()).collect();
            assert!(
                cited.contains(&Article(article)),
                "expected a warning citing [{article}], got {:?}",
                decision.warnings
            );
            decision
        }
        Err(e) => panic!("expected ok with a warning [{article}], got {e:?}"),
    }
}

/// The articles of a refusal (the first reason's first); panics unless the action was refused.
#[track_caller]
pub fn refused(answer: Answer) -> Vec<Article> {
    match answer {
        Err(Rejection::Refused(r)) => r.articles(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Refused, and the first reason cites `article` (docs/SCENARIOS.md: "the refusal cites at least the first").
#[track_caller]
pub fn assert_refused(answer: Answer, article: u8) {
    match answer {
        Err(Rejection::Refused(r)) => {
            let first = r.reasons.first().map(|n| n.articles.clone()).unwrap_or_default();
            assert!(first.contains(&Article(article)), "expected the first reason to cite [{article}], got {r:?}");
        }
        other => panic!("expected a refusal citing [{article}], got {other:?}"),
    }
}

#[track_caller]
pub fn assert_forbidden(answer: Answer) {
    assert!(matches!(answer, Err(Rejection::Forbidden(_))), "expected forbidden, got {answer:?}");
}

// ---------------------------------------------------------------------------------------------------------
// The world

/// The built-in policies, plus whatever versions a test adds, and everything that has happened.
#[derive(Debug, Clone)]
pub struct Sim {
    pub policies: PolicySet,
    pub projects: BTreeMap<ProjectId, Project>,
    pub plans: BTreeMap<(JurisdictionId, i32), Plan>,
    /// Every recorded event, in order.
    pub log: Vec<Recorded>,
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new()
    }
}

impl Sim {
    pub fn new() -> Sim {
        let policies = policy::load(policy::BUILTIN).expect("the built-in policies load");
        Sim { policies, projects: BTreeMap::new(), plans: BTreeMap::new(), log: Vec::new() }
    }

    /// Adds a policy version, as a scenario's `policies:` entry does.
    pub fn with_version(mut self, jurisdiction: &str, parent: Option<&str>, effective: &str, set: Overrides) -> Sim {
        let version = Version { effective: d(effective), title: None, set };
        self.policies
            .add_version("test", jur(jurisdiction), parent.map(jur), version)
            .expect("the policy version is valid");
        self
    }

    pub fn project(&self, id: &str) -> &Project {
        self.projects.get(&pid(id)).unwrap_or_else(|| panic!("no project {id}"))
    }

    /// Registers project `id`.
    pub fn register(&mut self, on: &str, actor: &Actor, id: &str, r: RegisterProject) -> Answer {
        let id = pid(id);
        let command = Command::RegisterProject(Box::new(r));
        self.run(d(on), actor, World::NewProject(&id), &command)
    }

    /// Runs any other command on the state it targets.
    pub fn act(&mut self, on: &str, actor: &Actor, command: Command) -> Answer {
        let on = d(on);
        match command.target() {
            Target::NewProject | Target::Assign { .. } => panic!("use Sim::register for a registration"),
            Target::Project(id) => {
                let project = self.projects.get(id).unwrap_or_else(|| panic!("no project {id}")).clone();
                let plan_year = match &command {
                    Command::ProposeForPlan { year, .. }
                    | Command::RequestSupplementaryInclusion { year, .. }
                    | Command::ApproveSupplementaryInclusion { year, .. } => Some(year.get()),
                    _ => None,
                };
                let plan = plan_year.and_then(|y| self.plans.get(&(project.jurisdiction.clone(), y)).cloned());
                let owner = govit_rules::OwnerStanding::of(
                    self.projects.values().filter(|p| p.owner.name == project.owner.name),
                    on,
                );
                self.run(
                    on,
                    actor,
                    World::Project { project: &project, plan: plan.as_ref(), owner: Some(&owner) },
                    &command,
                )
            }
            Target::Plan { year, jurisdiction } => {
                let jurisdiction = jurisdiction.cloned().unwrap_or_else(|| actor.jurisdiction.clone());
                let plan = self
                    .plans
                    .get(&(jurisdiction.clone(), year))
                    .cloned()
                    .unwrap_or_else(|| Plan::new(jurisdiction.clone(), year));
                let proposals: Vec<ProjectId> = self
                    .projects
                    .values()
                    .filter(|p| p.jurisdiction == jurisdiction && p.status == Status::Proposed)
                    .filter(|p| p.plan.as_ref().is_some_and(|e| e.year == year && e.supplementary.is_none()))
                    .map(|p| p.id.clone())
                    .collect();
                self.run(on, actor, World::Plan { plan: &plan, proposals: &proposals }, &command)
            }
            // A ranking is published once per jurisdiction and month: the simulation keeps none.
            Target::Ranking { jurisdiction, .. } => {
                let jurisdiction = jurisdiction.cloned().unwrap_or_else(|| actor.jurisdiction.clone());
                self.run(on, actor, World::Ranking { jurisdiction: &jurisdiction, published: false }, &command)
            }
        }
    }

    fn run(&mut self, on: Date, actor: &Actor, world: World<'_>, command: &Command) -> Answer {
        let ctx = govit_rules::Context { on, actor, policies: &self.policies };
        let decision = decide(&ctx, world, command)?;
        for event in &decision.events {
            let recorded = Recorded {
                on,
                actor: actor.clone(),
                policy: decision.policy.clone(),
                event: event.clone(),
                warnings: decision.warnings.clone(),
                attachments: Vec::new(),
            };
            self.fold(&recorded);
        }
        Ok(decision)
    }

    fn fold(&mut self, recorded: &Recorded) {
        if let Event::ProjectRegistered(r) = &recorded.event {
            self.projects.insert(r.project.clone(), Project::register(r, recorded.on));
        }
        for id in recorded.event.projects() {
            if let Some(p) = self.projects.get_mut(id) {
                p.apply(recorded);
            }
        }
        if let Some((jurisdiction, year)) = recorded.event.plan() {
            let key = (jurisdiction.clone(), year);
            let plan = self.plans.entry(key).or_insert_with(|| Plan::new(jurisdiction.clone(), year));
            plan.apply(recorded);
        }
        self.log.push(recorded.clone());
    }

    // -----------------------------------------------------------------------------------------------------
    // Derived views

    /// Pending deadlines on `on`, by name: `(from, due)`.
    pub fn deadlines(&self, id: &str, on: &str) -> BTreeMap<String, (Date, Date)> {
        derive::deadlines(self.project(id), d(on), &self.policies)
            .into_iter()
            .map(|dl| (dl.name.to_string(), (dl.from, dl.due)))
            .collect()
    }

    /// The due date of the pending deadline `name` on `on`, if any.
    pub fn due(&self, id: &str, name: &str, on: &str) -> Option<Date> {
        let wanted = DeadlineName::parse(name).expect("a deadline name of docs/SCENARIOS.md");
        derive::deadlines(self.project(id), d(on), &self.policies)
            .into_iter()
            .find(|dl| dl.name == wanted)
            .map(|dl| dl.due)
    }

    /// The names of the overdue deadlines on `on`, sorted.
    pub fn overdue(&self, id: &str, on: &str) -> Vec<String> {
        let mut names: Vec<String> = derive::overdue(self.project(id), d(on), &self.policies)
            .into_iter()
            .map(|dl| dl.name.to_string())
            .collect();
        names.sort();
        names
    }

    // -----------------------------------------------------------------------------------------------------
    // Who acts for a project

    /// The actor that exercises project `id`'s approval authority.
    pub fn approver(&self, id: &str) -> Actor {
        approver_of(self.project(id))
    }

    /// The actor that reviews plans in `jurisdiction` on `on`.
    pub fn plan_reviewer(&self, jurisdiction: &JurisdictionId, on: &str) -> Actor {
        let resolved = self.policies.resolve(jurisdiction, d(on)).expect("a policy is in force");
        match resolved.parameters.approval_authority {
            Authority::DistrictAuthority => district_authority(jurisdiction.as_str()),
            _ => bureau(),
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // Getting a project to a state quickly (every step must pass)

    /// Registers `id` for `OWNER` in wuhan.
    pub fn registered(&mut self, id: &str, investment: i64, on: &str) {
        ok(self.register(on, &owner(), id, registration(investment)));
    }

    /// Registers `id` for `OWNER` in `jurisdiction`.
    pub fn registered_in(&mut self, id: &str, investment: i64, jurisdiction: &str, on: &str) {
        let mut r = registration(investment);
        r.jurisdiction = Some(jur(jurisdiction));
        // An owner registers in its own jurisdiction [29]; `OWNER` stands for a unit of that district here.
        ok(self.register(on, &actor(Role::Owner, OWNER, jurisdiction), id, r));
    }

    /// Proposes registered `id` for the plan of `on`'s year, has it reviewed and approved, all on `on`.
    pub fn planned(&mut self, id: &str, on: &str) {
        let year = chrono::Datelike::year(&d(on));
        let jurisdiction = self.project(id).jurisdiction.clone();
        ok(self.act(on, &owner(), propose(id, year)));
        let reviewer = self.plan_reviewer(&jurisdiction, on);
        ok(self.act(on, &reviewer, review_plan(year, &jurisdiction)));
        ok(self.act(on, &government(), approve_plan(year, &jurisdiction)));
        assert_eq!(self.project(id).status, Status::Planned);
    }

    /// Submits `stage`, has it evaluated and approved at `approved`, all on `on`; returns the approval.
    pub fn stage_approved(&mut self, id: &str, stage: Stage, approved: i64, on: &str) -> Decision {
        ok(self.act(on, &owner(), submit_stage(id, stage, approved)));
        self.evaluated(id, approved, on);
        let approver = self.approver(id);
        ok(self.act(on, &approver, approve_stage(id, approved)))
    }

    /// Commissions a review of the stage under review and has the consultant submit it, on `on`.
    pub fn evaluated(&mut self, id: &str, recommended: i64, on: &str) {
        let approver = self.approver(id);
        ok(self.act(on, &approver, commission_review(id)));
        ok(self.act(on, &consultant(), submit_evaluation(id, recommended)));
    }

    /// Registers, plans and approves `id` on the merged path at `investment` (government too where [15]
    /// applies), all on `on`: the project is `approved`.
    pub fn approved(&mut self, id: &str, investment: i64, on: &str) {
        self.registered(id, investment, on);
        self.approve_existing(id, investment, on);
    }

    /// Plans and approves an already registered project, all on `on`.
    pub fn approve_existing(&mut self, id: &str, investment: i64, on: &str) {
        self.planned(id, on);
        self.stage_approved(id, Stage::ImplementationPlan, investment, on);
        if self.project(id).status == Status::AwaitingGovernmentApproval {
            ok(self.act(on, &government(), government_approve(id)));
        }
        assert_eq!(self.project(id).status, Status::Approved);
    }

    /// Registers, plans and files `id` (below the approval threshold), all on `on`.
    pub fn filed(&mut self, id: &str, investment: i64, on: &str) {
        self.registered(id, investment, on);
        self.planned(id, on);
        ok(self.act(on, &owner(), file_record(id)));
        assert_eq!(self.project(id).status, Status::Filed);
    }

    /// Appoints the team and starts construction of an approved or filed project on `on`.
    pub fn started(&mut self, id: &str, on: &str) {
        ok(self.act(on, &owner(), appoint_team(id)));
        ok(self.act(on, &owner(), start_construction(id)));
        assert_eq!(self.project(id).status, Status::UnderConstruction);
    }

    /// A project approved at `investment` on 2022-02-01 whose construction started on `start`.
    pub fn under_construction(&mut self, id: &str, investment: i64, start: &str) {
        self.approved(id, investment, "2022-02-01");
        self.started(id, start);
    }

    /// Records the four assessments of [21] and has the bureau confirm, on `on`.
    pub fn ready_for_acceptance(&mut self, id: &str, on: &str) {
        for kind in AssessmentKind::ALL {
            ok(self.act(on, &owner(), record_assessment(id, *kind)));
        }
        ok(self.act(on, &bureau(), confirm_ready(id)));
    }

    /// A project completed on `completed` and confirmed ready for acceptance the same day.
    pub fn completed(&mut self, id: &str, completed: &str) {
        self.under_construction(id, 1_000_000, "2022-03-01");
        ok(self.act(completed, &owner(), complete_construction(id)));
        self.ready_for_acceptance(id, completed);
    }

    /// A project in operation from `start` (completed, confirmed and accepted that day).
    pub fn operating(&mut self, id: &str, start: &str) {
        self.completed(id, start);
        ok(self.act(start, &owner(), accept(id)));
        ok(self.act(start, &owner(), start_operation(id)));
        assert_eq!(self.project(id).status, Status::Operating);
    }
}

/// A year the tests name, which is always in bounds.
pub fn plan_year(year: i32) -> govit_rules::Year {
    govit_rules::Year::new(year).unwrap()
}

/// An amount the text requires above zero, as the tests name it (never zero).
pub fn positive(amount: Money) -> PositiveMoney {
    PositiveMoney::new(amount).unwrap()
}
