//! A project's and a plan's state, folded from their events. `apply` is the only way state changes.

use crate::command::Owner;
use crate::date::Date;
use crate::event::{Event, ProjectRegistered, Recorded};
use crate::ids::{JurisdictionId, OrgName, ProjectId, Summary, Text};
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
    /// The body that prepared the submission, when named [16].
    #[serde(default)]
    pub prepared_by: Option<OrgName>,
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
    /// The supervision (监理) unit [17], when named: its absence is shown, not refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor: Option<OrgName>,
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
    /// The latest report that it was rectified; cleared when a verification finds it still falls short.
    pub rectified_on: Option<Date>,
    /// The latest verification of a report [25].
    #[serde(default)]
    pub verification: Option<Verification>,
    /// How many verifications found it still falling short [25] ("整改后仍不符合要求").
    #[serde(default)]
    pub failures: u32,
    /// The days those verifications were made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_on: Vec<Date>,
    /// The first report that it was rectified: whether it was reported by its due date, whatever a later
    /// verification found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_reported_on: Option<Date>,
}

/// A department's verification of a reported rectification [25].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub result: VerificationResult,
    pub by: OrgName,
    pub on: Date,
    pub finding: Option<Text>,
}

/// Where one rectification order stands, as the scenario format's `rectifications` counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationState {
    /// Not reported (and never found falling short).
    Open,
    /// Reported, not yet verified: an unverified report stands.
    Reported,
    /// Found still falling short and not reported again: open again, with the due date it was given.
    Failed,
    /// Verified as rectified.
    Closed,
}

impl Rectification {
    pub fn is_open(&self) -> bool {
        self.rectified_on.is_none()
    }
    /// [25] "逾期不整改": open after its due date.
    pub fn is_overdue(&self, on: Date) -> bool {
        self.is_open() && on > self.due
    }
    pub fn state(&self) -> RectificationState {
        let passed = self.verification.as_ref().is_some_and(|v| v.result == VerificationResult::Passed);
        match (self.rectified_on, passed) {
            (Some(_), true) => RectificationState::Closed,
            (Some(_), false) => RectificationState::Reported,
            (None, _) if self.failures > 0 => RectificationState::Failed,
            (None, _) => RectificationState::Open,
        }
    }
    /// A report waiting for the ordering department's verification.
    pub fn awaits_verification(&self) -> bool {
        self.state() == RectificationState::Reported && self.verification.is_none()
    }
    /// [25] "逾期不整改或者整改后仍不符合要求": open past its due date, reported after it, or found falling short.
    pub fn is_ground_for_measures(&self, on: Date) -> bool {
        self.is_overdue(on) || self.rectified_on.is_some_and(|d| d > self.due) || self.failures > 0
    }
}

/// A change of main content that needs re-approval [19], from its request until it is approved or rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAdjustment {
    pub amount: Money,
    pub requested_on: Date,
    /// Approved by the approver with this new investment, and waiting for the government [15].
    pub awaiting_government: Option<Money>,
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
    /// [9] on the industry-authority route: the approved project is filed with the bureau.
    #[serde(default)]
    pub filed_with_bureau: bool,
    /// [9] the bureau's technical review opinion on the capital-construction route.
    #[serde(default)]
    pub technical_opinion_on: Option<Date>,
    /// [19] every change requested, its day and outcome.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<(Date, AdjustmentOutcome)>,
    /// [19] the change awaiting re-approval, if any.
    #[serde(default)]
    pub pending_adjustment: Option<PendingAdjustment>,
    /// [18] the surplus returned at closing: amount and date.
    #[serde(default)]
    pub surplus_returned: Option<(Money, Date)>,
    /// The departments that ordered rectification of this project: they (and the bureau) verify it [25].
    #[serde(default)]
    pub supervisors: Vec<OrgName>,
    /// 建设内容摘要: the latest written, at registration or with a stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    /// Put into the plan by its reviewer (`assign_project`) rather than proposed by its owner [7].
    #[serde(default)]
    pub assigned: bool,
    /// The owners of the proposals merged into this one [7][4]: they see it and are reminded of it; only its
    /// owner acts on it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_builders: Vec<OrgName>,
    /// The project this one was merged into [7]: it takes no further action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<ProjectId>,
    /// 电子监察 [25]: every card the project was issued, open or closed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<crate::cards::CardRecord>,
    /// The owner's own ratings [20], in order, each with the computed rating of its day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub self_ratings: Vec<crate::rating::SelfRating>,
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
            filed_with_bureau: false,
            technical_opinion_on: None,
            pending_adjustment: None,
            surplus_returned: None,
            supervisors: Vec::new(),
            summary: r.summary.clone(),
            assigned: false,
            co_builders: Vec::new(),
            merged_into: None,
            cards: Vec::new(),
            self_ratings: Vec::new(),
            adjustments: Vec::new(),
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

    /// What is already spent against the estimate [18]: the funds released or the contracts signed, the larger.
    /// No approval may set the estimate below it.
    pub fn committed(&self) -> Money {
        self.released_total().max(self.contracts_total())
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
                | Status::Merged
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

    /// [18] "资金有结余的,应当按照相关规定将结余资金退回": from acceptance on, the funds released minus the contracts
    /// signed (never below 0), until the owner records its return.
    pub fn surplus(&self) -> Money {
        if self.accepted_on.is_none() || self.surplus_returned.is_some() {
            return Money::ZERO;
        }
        self.released_total().saturating_sub(self.contracts_total())
    }

    /// [19] the amount of a change awaiting re-approval (or the government).
    pub fn pending_adjustment_amount(&self) -> Option<Money> {
        self.pending_adjustment.as_ref().map(|a| a.amount)
    }

    /// A new approved investment takes effect [19]: it is the new estimate and the new basis of the
    /// tolerance, so the self-adjusted total starts again from 0.
    fn adjust_estimate(&mut self, approved: Money) {
        self.approved_investment = Some(approved);
        self.adjustment_used = Money::ZERO;
        self.pending_adjustment = None;
    }

    /// [7] a proposal's investment changed by the plan's reviewer, with what was judged again on it.
    fn rejudge(&mut self, investment: Money, rejudged: &crate::event::Rejudged) {
        self.investment = investment;
        self.route = rejudged.route;
        self.approver = rejudged.approver;
        self.government_approval_required = rejudged.government_approval_required;
    }

    /// Moves the status to `to` only from one of `from`: an event never moves a project backwards or out of
    /// a state the text does not leave that way, even if the log held one out of place.
    fn advance(&mut self, from: &[Status], to: Status) {
        if from.contains(&self.status) {
            self.status = to;
        }
    }

    /// Folds one recorded event into the state.
    pub fn apply(&mut self, recorded: &Recorded) {
        let on = recorded.on;
        self.last_event_on = self.last_event_on.max(on);
        self.warnings.extend(recorded.warnings.iter().flat_map(|w| w.articles.iter().copied()));
        match &recorded.event {
            Event::ProjectRegistered(_) => {}
            Event::ProposedForPlan { year, .. } => {
                if self.status == Status::Registered {
                    self.plan = Some(PlanEntry { year: *year, supplementary: None, approved: false });
                    self.status = Status::Proposed;
                }
            }
            Event::ProjectAssigned { year, .. } => {
                if self.status == Status::Registered {
                    self.plan = Some(PlanEntry { year: *year, supplementary: None, approved: false });
                    self.status = Status::Proposed;
                    self.assigned = true;
                }
            }
            Event::ProposalAdjusted { investment, rejudged, .. } => {
                if self.status == Status::Proposed {
                    self.rejudge(*investment, rejudged);
                }
            }
            Event::ProposalsMerged { project, investment, co_builders, rejudged, .. } => {
                if self.status == Status::Proposed {
                    if &self.id == project {
                        self.rejudge(*investment, rejudged);
                        for owner in co_builders {
                            if !self.co_builders.contains(owner) {
                                self.co_builders.push(owner.clone());
                            }
                        }
                    } else {
                        self.status = Status::Merged;
                        self.merged_into = Some(project.clone());
                    }
                }
            }
            Event::PlanReviewFiled { .. }
            | Event::PlanIncludedInInvestmentPlan { .. }
            | Event::RankingPublished { .. } => {}
            Event::PlanReviewed { excluded, .. } => {
                if excluded.contains(&self.id) && self.status == Status::Proposed {
                    self.plan = None;
                    self.status = Status::Registered;
                }
            }
            // Only a project still waiting in that year's plan is moved: one that has gone on (or was
            // suspended, or terminated) is not pulled back to `planned` by a later approval of the plan.
            Event::PlanApproved { year, .. } | Event::SupplementaryInclusionApproved { year, .. } => {
                if self.status == Status::Proposed
                    && let Some(p) = self.plan.as_mut().filter(|p| p.year == *year)
                {
                    p.approved = true;
                    self.status = Status::Planned;
                }
            }
            Event::SupplementaryInclusionRequested { year, reason, .. } => {
                if self.status == Status::Registered {
                    self.plan = Some(PlanEntry { year: *year, supplementary: Some(*reason), approved: false });
                    self.status = Status::Proposed;
                }
            }
            Event::RecordFiled { investment, .. } => {
                if self.status == Status::Planned {
                    self.approved_investment = Some(*investment);
                    self.status = Status::Filed;
                }
            }
            Event::FiledWithBureau { .. } => self.filed_with_bureau = true,
            Event::StageSubmitted(s) => {
                if let Some(summary) = &s.summary {
                    self.summary = Some(summary.clone());
                }
                self.current = Some(Submission {
                    stage: s.stage,
                    investment: s.investment.money(),
                    submitted_on: on,
                    prepared_by: s.prepared_by.clone(),
                    consultant: None,
                    evaluation: None,
                });
                self.returned = None;
                self.advance(&[Status::Planned, Status::InApproval], Status::InApproval);
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
                let to = match (final_stage, government_approval_required) {
                    (false, _) => Status::InApproval,
                    (true, true) => Status::AwaitingGovernmentApproval,
                    (true, false) => Status::Approved,
                };
                self.advance(&[Status::InApproval], to);
            }
            Event::StageReturned { stage, .. } => {
                self.current = None;
                self.returned = Some(*stage);
            }
            Event::GovernmentApproved { adjustment: Some(approved), .. } => {
                self.government_approval_required = true;
                self.adjust_estimate(*approved);
            }
            Event::GovernmentApproved { adjustment: None, .. } => {
                self.advance(&[Status::AwaitingGovernmentApproval], Status::Approved);
            }
            Event::TechnicalOpinionIssued { .. } => {
                self.technical_opinion_on = Some(on);
                self.advance(&[Status::Registered, Status::Proposed, Status::Planned], Status::Approved);
            }
            Event::FundsReleased { purpose, amount, .. } => {
                let slot = self.released.entry(*purpose).or_insert(Money::ZERO);
                *slot = slot.saturating_add(*amount);
            }
            Event::TeamAppointed { agency, leader, supervisor, contact, .. } => {
                self.team = Some(Team {
                    agency: agency.clone(),
                    leader: leader.clone(),
                    supervisor: supervisor.clone(),
                    contact: contact.clone(),
                });
            }
            Event::ConstructionStarted { .. } => {
                if matches!(self.status, Status::Approved | Status::Filed) {
                    self.construction_started_on = Some(on);
                    self.status = Status::UnderConstruction;
                }
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
                self.adjustments.push((on, *outcome));
                match outcome {
                    AdjustmentOutcome::SelfAdjusted => {
                        self.adjustment_used = self.adjustment_used.saturating_add(request.amount);
                    }
                    AdjustmentOutcome::RequiresReapproval => {
                        self.pending_adjustment = Some(PendingAdjustment {
                            amount: request.amount,
                            requested_on: on,
                            awaiting_government: None,
                        });
                    }
                }
            }
            Event::AdjustmentApproved { approved_investment, government_approval_required, .. } => {
                match (self.pending_adjustment.as_mut(), government_approval_required) {
                    (Some(pending), true) => pending.awaiting_government = Some(*approved_investment),
                    (Some(_), false) => self.adjust_estimate(*approved_investment),
                    (None, _) => {}
                }
            }
            Event::AdjustmentRejected { .. } => self.pending_adjustment = None,
            Event::SurplusReturned { amount, .. } => self.surplus_returned = Some((*amount, on)),
            Event::AnnualReportSubmitted { year, .. } => {
                self.annual_reports.insert(*year, on);
            }
            Event::ConstructionCompleted { .. } => {
                if self.status == Status::UnderConstruction {
                    self.completed_on = Some(on);
                    self.status = Status::Completed;
                }
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
                if self.status == Status::Completed {
                    self.accepted_on = Some(on);
                    self.status = Status::Accepted;
                }
            }
            Event::AcceptanceFiled { .. } => self.acceptance_filed_on = Some(on),
            Event::AssetsRegistered { .. } => self.assets_registered_on = Some(on),
            Event::OperationStarted { .. } => {
                if self.status == Status::Accepted {
                    self.operation_started_on = Some(on);
                    self.status = Status::Operating;
                }
            }
            Event::SelfEvaluationSubmitted { .. } => self.self_evaluation_on = Some(on),
            Event::PostEvaluationCommissioned { consultant, .. } => self.post_evaluation_by = Some(consultant.clone()),
            Event::RectificationOrdered { number, area, finding, due, .. } => {
                let by = recorded.actor.organization.clone();
                if !self.supervisors.contains(&by) {
                    self.supervisors.push(by.clone());
                }
                self.rectifications.push(Rectification {
                    number: *number,
                    ordered_by: by,
                    ordered_on: on,
                    area: *area,
                    finding: finding.clone(),
                    due: *due,
                    rectified_on: None,
                    verification: None,
                    failures: 0,
                    failed_on: Vec::new(),
                    first_reported_on: None,
                });
            }
            Event::RectificationReported { numbers, .. } => {
                for r in self.rectifications.iter_mut().filter(|r| numbers.contains(&r.number)) {
                    r.rectified_on = Some(on);
                    r.first_reported_on.get_or_insert(on);
                    r.verification = None;
                }
            }
            Event::RectificationVerified { numbers, result, finding, .. } => {
                for r in self.rectifications.iter_mut().filter(|r| numbers.contains(&r.number)) {
                    r.verification = Some(Verification {
                        result: *result,
                        by: recorded.actor.organization.clone(),
                        on,
                        finding: finding.clone(),
                    });
                    // [25] "整改后仍不符合要求": the order is open again, with the due date it was given.
                    if *result == VerificationResult::Failed {
                        r.rectified_on = None;
                        r.failures = r.failures.saturating_add(1);
                        r.failed_on.push(on);
                    }
                }
            }
            Event::MeasureImposed { measure, .. } => {
                self.measures.push((*measure, on));
                match measure {
                    Measure::SuspendConstruction => self.advance(&[Status::UnderConstruction], Status::Suspended),
                    Measure::Terminate => {
                        if self.status != Status::Terminated {
                            self.status = Status::Terminated;
                            self.terminated_on = Some(on);
                        }
                    }
                    Measure::PublicCriticism | Measure::DeferAnnualPlan => {}
                }
            }
            Event::SuspensionLifted { .. } => self.advance(&[Status::Suspended], Status::UnderConstruction),
            Event::CardIssued { .. }
            | Event::CardCleared { .. }
            | Event::CardDisputed { .. }
            | Event::CardDisputeResolved { .. } => crate::cards::apply(self, &recorded.event, on),
            Event::RatingReported { level, note, computed, computed_score, factors, .. } => {
                self.self_ratings.push(crate::rating::SelfRating {
                    on,
                    level: *level,
                    note: note.clone(),
                    computed: *computed,
                    computed_score: *computed_score,
                    factors: factors.clone(),
                });
            }
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
    /// [24] the cyberspace office's filing review, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing_review: Option<PlanAct>,
    /// [24] the development and reform commission's inclusion in the government investment plan, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment_plan: Option<PlanAct>,
}

/// A department's act on an approved plan [24]: when, who, and for the filing review its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAct {
    pub on: Date,
    /// Who acted, as the timeline names them ("市委网信办 李明(市委网信办)").
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<PlanReviewResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
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
            filing_review: None,
            investment_plan: None,
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
            // A project the reviewer itself puts into a reviewed plan is reviewed by that act; merged ones
            // leave it.
            Event::ProjectAssigned { project, .. }
                if self.status == PlanStatus::Reviewed && !self.included.contains(project) =>
            {
                self.included.push(project.clone());
            }
            Event::ProposalsMerged { merged, .. } => self.included.retain(|p| !merged.contains(p)),
            // Each act is recorded once [24]; a second one in the log (there is none) would not replace it.
            Event::PlanReviewFiled { result, note, .. } if self.filing_review.is_none() => {
                let by = recorded.actor.to_string();
                self.filing_review = Some(PlanAct { on: recorded.on, by, result: Some(*result), note: note.clone() });
            }
            Event::PlanIncludedInInvestmentPlan { .. } if self.investment_plan.is_none() => {
                let by = recorded.actor.to_string();
                self.investment_plan = Some(PlanAct { on: recorded.on, by, result: None, note: None });
            }
            _ => {}
        }
    }
}
