//! A project's and a plan's state, folded from their events. `apply` is the only way state changes.

use crate::command::Owner;
use crate::date::Date;
use crate::event::{Event, ProjectRegistered, Recorded};
use crate::ids::{JurisdictionId, OrgName, ProjectId, Text};
use crate::money::Money;
use crate::notice::Article;
use crate::vocab::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A project's place in the annual plan [7].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    pub year: i32,
    pub supplementary: Option<SupplementaryReason>,
    pub approved: bool,
}

/// The stage now with the approval authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub stage: Stage,
    pub investment: Money,
    pub submitted_on: Date,
    pub consultant: Option<OrgName>,
    pub evaluation: Option<Evaluation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub consultant: OrgName,
    pub opinions: BTreeSet<Opinion>,
    pub recommended_investment: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedStage {
    pub stage: Stage,
    pub investment: Money,
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub agency: OrgName,
    pub leader: Text,
    /// A reference to the leader's encrypted contact data, if any was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub contract: Text,
    pub amount: Money,
    pub procurement: Procurement,
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    pub number: u32,
    pub ordered_by: OrgName,
    pub ordered_on: Date,
    pub area: Area,
    pub finding: Text,
    pub due: Date,
    pub rectified_on: Option<Date>,
}

impl Rectification {
    pub fn is_open(&self) -> bool {
        self.rectified_on.is_none()
    }
    /// "逾期不整改": open after its due date.
    pub fn is_overdue(&self, on: Date) -> bool {
        self.is_open() && on > self.due
    }
}

/// Everything the rules know about one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: ProjectId,
    pub name: Text,
    pub owner: Owner,
    pub category: Category,
    pub construction: Construction,
    pub funding: Funding,
    pub investment: Money,
    pub jurisdiction: JurisdictionId,
    pub route: Route,
    pub approver: Authority,
    pub industry_authority: Option<OrgName>,
    pub government_approval_required: bool,
    pub registered_on: Date,
    pub status: Status,
    pub plan: Option<PlanEntry>,
    pub current: Option<Submission>,
    pub returned: Option<Stage>,
    pub approved_stages: Vec<ApprovedStage>,
    pub approved_investment: Option<Money>,
    pub released: BTreeMap<Purpose, Money>,
    pub team: Option<Team>,
    pub contracts: Vec<Contract>,
    pub adjustment_used: Money,
    pub last_adjustment: Option<AdjustmentOutcome>,
    pub construction_started_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub annual_reports: BTreeMap<i32, Date>,
    pub assessments: BTreeMap<AssessmentKind, Date>,
    pub ready_for_acceptance_on: Option<Date>,
    pub accepted_on: Option<Date>,
    pub acceptance_filed_on: Option<Date>,
    pub assets_registered_on: Option<Date>,
    pub operation_started_on: Option<Date>,
    /// The latest cryptography assessment during operation [26].
    pub cryptography_assessed_in_operation_on: Option<Date>,
    pub self_evaluation_on: Option<Date>,
    pub post_evaluation_by: Option<OrgName>,
    pub rectifications: Vec<Rectification>,
    pub measures: Vec<(Measure, Date)>,
    pub warnings: BTreeSet<Article>,
    pub terminated_on: Option<Date>,
    /// The date of the latest event: later actions may not be dated before it.
    pub last_event_on: Date,
}

impl Project {
    pub fn register(r: &ProjectRegistered, on: Date) -> Project {
        Project {
            id: r.project.clone(),
            name: r.name.clone(),
            owner: r.owner.clone(),
            category: r.category,
            construction: r.construction,
            funding: r.funding,
            investment: r.investment,
            jurisdiction: r.jurisdiction.clone(),
            route: r.route,
            approver: r.approver,
            industry_authority: r.industry_authority.clone(),
            government_approval_required: r.government_approval_required,
            registered_on: on,
            status: Status::Registered,
            plan: None,
            current: None,
            returned: None,
            approved_stages: Vec::new(),
            approved_investment: None,
            released: BTreeMap::new(),
            team: None,
            contracts: Vec::new(),
            adjustment_used: Money::ZERO,
            last_adjustment: None,
            construction_started_on: None,
            completed_on: None,
            annual_reports: BTreeMap::new(),
            assessments: BTreeMap::new(),
            ready_for_acceptance_on: None,
            accepted_on: None,
            acceptance_filed_on: None,
            assets_registered_on: None,
            operation_started_on: None,
            cryptography_assessed_in_operation_on: None,
            self_evaluation_on: None,
            post_evaluation_by: None,
            rectifications: Vec::new(),
            measures: Vec::new(),
            warnings: BTreeSet::new(),
            terminated_on: None,
            last_event_on: on,
        }
    }

    /// The estimate everything is held to [18]: the latest approved investment, else the registered one.
    pub fn estimate(&self) -> Money {
        self.approved_investment.unwrap_or(self.investment)
    }

    pub fn released_total(&self) -> Money {
        self.released.values().fold(Money::ZERO, |a, b| a.saturating_add(*b))
    }

    pub fn contracts_total(&self) -> Money {
        self.contracts.iter().fold(Money::ZERO, |a, c| a.saturating_add(c.amount))
    }

    /// The plan year is approved: the project is in an approved annual plan [7].
    pub fn in_approved_plan(&self) -> bool {
        self.plan.as_ref().is_some_and(|p| p.approved)
    }

    /// Approved (or filed, or given its technical opinion) and, where [15] applies, approved by the
    /// government too: the point from which construction funds may flow [14].
    pub fn is_cleared_for_construction(&self) -> bool {
        !matches!(
            self.status,
            Status::Registered
                | Status::Proposed
                | Status::Planned
                | Status::InApproval
                | Status::AwaitingGovernmentApproval
                | Status::Terminated
        )
    }

    /// The path the owner chose: the merged one once an implementation plan was submitted or approved [10].
    pub fn merged_path(&self) -> bool {
        self.approved_stages.iter().any(|s| s.stage == Stage::ImplementationPlan)
            || self.current.as_ref().is_some_and(|c| c.stage == Stage::ImplementationPlan)
            || self.returned == Some(Stage::ImplementationPlan)
    }

    pub fn open_rectifications(&self) -> impl Iterator<Item = &Rectification> {
        self.rectifications.iter().filter(|r| r.is_open())
    }

    /// Folds one recorded event into the state.
    pub fn apply(&mut self, recorded: &Recorded) {
        let on = recorded.on;
        self.last_event_on = self.last_event_on.max(on);
        self.warnings.extend(recorded.warnings.iter().flat_map(|w| w.articles.iter().copied()));
        match &recorded.event {
            Event::ProjectRegistered(_) => {}
            Event::ProposedForPlan { year, .. } => {
                self.plan = Some(PlanEntry { year: *year, supplementary: None, approved: false });
                self.status = Status::Proposed;
            }
            Event::PlanReviewed { excluded, .. } => {
                if excluded.contains(&self.id) {
                    self.plan = None;
                    self.status = Status::Registered;
                }
            }
            Event::PlanApproved { .. } | Event::SupplementaryInclusionApproved { .. } => {
                if let Some(p) = self.plan.as_mut() {
                    p.approved = true;
                }
                self.status = Status::Planned;
            }
            Event::SupplementaryInclusionRequested { year, reason, .. } => {
                self.plan = Some(PlanEntry { year: *year, supplementary: Some(*reason), approved: false });
                self.status = Status::Proposed;
            }
            Event::RecordFiled { investment, .. } => {
                self.approved_investment = Some(*investment);
                self.status = Status::Filed;
            }
            Event::StageSubmitted(s) => {
                self.current = Some(Submission {
                    stage: s.stage,
                    investment: s.investment,
                    submitted_on: on,
                    consultant: None,
                    evaluation: None,
                });
                self.returned = None;
                self.status = Status::InApproval;
            }
            Event::ReviewCommissioned { consultant, .. } => {
                if let Some(c) = self.current.as_mut() {
                    c.consultant = Some(consultant.clone());
                }
            }
            Event::EvaluationSubmitted { consultant, opinions, recommended_investment, .. } => {
                if let Some(c) = self.current.as_mut() {
                    c.evaluation = Some(Evaluation {
                        consultant: consultant.clone(),
                        opinions: opinions.clone(),
                        recommended_investment: *recommended_investment,
                    });
                }
            }
            Event::StageApproved { stage, approved_investment, final_stage, government_approval_required, .. } => {
                self.current = None;
                self.approved_stages.push(ApprovedStage { stage: *stage, investment: *approved_investment, on });
                self.approved_investment = Some(*approved_investment);
                self.government_approval_required = *government_approval_required;
                self.status = match (final_stage, government_approval_required) {
                    (false, _) => Status::InApproval,
                    (true, true) => Status::AwaitingGovernmentApproval,
                    (true, false) => Status::Approved,
                };
            }
            Event::StageReturned { stage, .. } => {
                self.current = None;
                self.returned = Some(*stage);
            }
            Event::GovernmentApproved { .. } | Event::TechnicalOpinionIssued { .. } => self.status = Status::Approved,
            Event::FundsReleased { purpose, amount, .. } => {
                let slot = self.released.entry(*purpose).or_insert(Money::ZERO);
                *slot = slot.saturating_add(*amount);
            }
            Event::TeamAppointed { agency, leader, contact, .. } => {
                self.team = Some(Team { agency: agency.clone(), leader: leader.clone(), contact: contact.clone() });
            }
            Event::ConstructionStarted { .. } => {
                self.construction_started_on = Some(on);
                self.status = Status::UnderConstruction;
            }
            Event::ContractSigned { contract, amount, procurement, .. } => {
                self.contracts.push(Contract {
                    contract: contract.clone(),
                    amount: *amount,
                    procurement: *procurement,
                    on,
                });
            }
            Event::AdjustmentRequested { request, outcome, .. } => {
                self.last_adjustment = Some(*outcome);
                if *outcome == AdjustmentOutcome::SelfAdjusted {
                    self.adjustment_used = self.adjustment_used.saturating_add(request.amount);
                }
            }
            Event::AnnualReportSubmitted { year, .. } => {
                self.annual_reports.insert(*year, on);
            }
            Event::ConstructionCompleted { .. } => {
                self.completed_on = Some(on);
                self.status = Status::Completed;
            }
            Event::AssessmentRecorded { kind, .. } => {
                if self.operation_started_on.is_some() && *kind == AssessmentKind::CryptographyAssessment {
                    self.cryptography_assessed_in_operation_on = Some(on);
                } else {
                    self.assessments.insert(*kind, on);
                }
            }
            Event::ReadyForAcceptanceConfirmed { .. } => self.ready_for_acceptance_on = Some(on),
            Event::Accepted { .. } => {
                self.accepted_on = Some(on);
                self.status = Status::Accepted;
            }
            Event::AcceptanceFiled { .. } => self.acceptance_filed_on = Some(on),
            Event::AssetsRegistered { .. } => self.assets_registered_on = Some(on),
            Event::OperationStarted { .. } => {
                self.operation_started_on = Some(on);
                self.status = Status::Operating;
            }
            Event::SelfEvaluationSubmitted { .. } => self.self_evaluation_on = Some(on),
            Event::PostEvaluationCommissioned { consultant, .. } => self.post_evaluation_by = Some(consultant.clone()),
            Event::RectificationOrdered { number, area, finding, due, .. } => {
                self.rectifications.push(Rectification {
                    number: *number,
                    ordered_by: recorded.actor.organization.clone(),
                    ordered_on: on,
                    area: *area,
                    finding: finding.clone(),
                    due: *due,
                    rectified_on: None,
                });
            }
            Event::RectificationReported { numbers, .. } => {
                for r in self.rectifications.iter_mut().filter(|r| numbers.contains(&r.number)) {
                    r.rectified_on = Some(on);
                }
            }
            Event::MeasureImposed { measure, .. } => {
                self.measures.push((*measure, on));
                match measure {
                    Measure::SuspendConstruction => self.status = Status::Suspended,
                    Measure::Terminate => {
                        self.status = Status::Terminated;
                        self.terminated_on = Some(on);
                    }
                    Measure::PublicCriticism | Measure::DeferAnnualPlan => {}
                }
            }
            Event::SuspensionLifted { .. } => self.status = Status::UnderConstruction,
        }
    }
}

/// A jurisdiction's annual implementation plan for one year [5][6][7].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub jurisdiction: JurisdictionId,
    pub year: i32,
    pub status: PlanStatus,
    pub reviewed_on: Option<Date>,
    pub approved_on: Option<Date>,
    pub included: Vec<ProjectId>,
    pub excluded: Vec<ProjectId>,
}

impl Plan {
    pub fn new(jurisdiction: JurisdictionId, year: i32) -> Plan {
        Plan {
            jurisdiction,
            year,
            status: PlanStatus::Open,
            reviewed_on: None,
            approved_on: None,
            included: Vec::new(),
            excluded: Vec::new(),
        }
    }

    pub fn apply(&mut self, recorded: &Recorded) {
        match &recorded.event {
            Event::PlanReviewed { included, excluded, .. } => {
                self.status = PlanStatus::Reviewed;
                self.reviewed_on = Some(recorded.on);
                self.included = included.clone();
                self.excluded = excluded.clone();
            }
            Event::PlanApproved { .. } => {
                self.status = PlanStatus::Approved;
                self.approved_on = Some(recorded.on);
            }
            _ => {}
        }
    }
}
