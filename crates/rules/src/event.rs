//! What happened: the facts the log keeps. Every fact a decision derived from policy (route, approver,
//! whether the government must approve, an adjustment's outcome, lateness) is written into its event, so
//! replaying the log needs no policy and never reaches back.

use crate::actor::Actor;
use crate::cards::Closure;
use crate::command::{Action, Owner, RegisterProject, RequestAdjustment, SubmitStage};
use crate::date::Date;
use crate::derive::DeadlineName;
use crate::ids::{JurisdictionId, OrgName, ProjectId, Summary, Text};
use crate::money::Money;
use crate::notice::Notice;
use crate::ranking::{Period, RankingTable};
use crate::rating::HealthLevel;
use crate::vocab::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRegistered {
    pub project: ProjectId,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

impl ProjectRegistered {
    pub fn from_command(project: ProjectId, c: &RegisterProject, jurisdiction: JurisdictionId) -> ProjectRegistered {
        ProjectRegistered {
            project,
            name: c.name.clone(),
            owner: c.owner.clone(),
            category: c.category,
            construction: c.construction,
            funding: c.funding,
            investment: c.investment.money(),
            jurisdiction,
            route: Route::Filing,
            approver: Authority::Bureau,
            industry_authority: c.industry_authority.clone(),
            government_approval_required: false,
            summary: c.summary.clone(),
        }
    }
}

/// What a change of a proposal's investment [7] decided again on the new amount [8][9][15].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejudged {
    pub route: Route,
    pub approver: Authority,
    pub government_approval_required: bool,
}

/// One fact. Most concern one project; the plan events concern a plan and the projects in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    ProjectRegistered(Box<ProjectRegistered>),
    ProposedForPlan {
        project: ProjectId,
        year: i32,
    },
    /// [7] "下达项目建设任务": the project just registered is put into the plan of `year` by its reviewer.
    ProjectAssigned {
        project: ProjectId,
        jurisdiction: JurisdictionId,
        year: i32,
    },
    /// [7] the reviewer changed a proposal's investment.
    ProposalAdjusted {
        project: ProjectId,
        investment: Money,
        reason: Text,
        rejudged: Rejudged,
    },
    /// [7][4] `merged` folded into `project`, with the new investment; their owners build it together.
    ProposalsMerged {
        project: ProjectId,
        merged: Vec<ProjectId>,
        investment: Money,
        co_builders: Vec<OrgName>,
        jurisdiction: JurisdictionId,
        year: i32,
        rejudged: Rejudged,
    },
    /// [24] the cyberspace office's filing review of the approved plan.
    PlanReviewFiled {
        jurisdiction: JurisdictionId,
        year: i32,
        result: PlanReviewResult,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Text>,
    },
    /// [24] the development and reform commission took the approved plan into the government investment plan.
    PlanIncludedInInvestmentPlan {
        jurisdiction: JurisdictionId,
        year: i32,
    },
    PlanReviewed {
        jurisdiction: JurisdictionId,
        year: i32,
        included: Vec<ProjectId>,
        excluded: Vec<ProjectId>,
    },
    PlanApproved {
        jurisdiction: JurisdictionId,
        year: i32,
        projects: Vec<ProjectId>,
    },
    SupplementaryInclusionRequested {
        project: ProjectId,
        year: i32,
        reason: SupplementaryReason,
    },
    SupplementaryInclusionApproved {
        project: ProjectId,
        year: i32,
    },
    RecordFiled {
        project: ProjectId,
        investment: Money,
        /// What the filed project builds [12].
        #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
        builds: BTreeSet<Build>,
    },
    /// [9] "由行业主管部门负责审批,并向市政务服务和大数据管理局备案": the approved project filed with the bureau.
    FiledWithBureau {
        project: ProjectId,
    },
    StageSubmitted(Box<SubmitStage>),
    ReviewCommissioned {
        project: ProjectId,
        consultant: OrgName,
    },
    EvaluationSubmitted {
        project: ProjectId,
        consultant: OrgName,
        opinions: BTreeSet<Opinion>,
        recommended_investment: Money,
    },
    StageApproved {
        project: ProjectId,
        stage: Stage,
        approved_investment: Money,
        opinions: BTreeSet<Opinion>,
        /// The last stage of its path: the project is approved, or awaits the government [15].
        final_stage: bool,
        government_approval_required: bool,
    },
    StageReturned {
        project: ProjectId,
        stage: Stage,
        reason: Text,
    },
    GovernmentApproved {
        project: ProjectId,
        /// The new approved investment of an adjustment the government approves [15][19]; none for a project's
        /// final approval.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        adjustment: Option<Money>,
    },
    TechnicalOpinionIssued {
        project: ProjectId,
    },
    FundsReleased {
        project: ProjectId,
        purpose: Purpose,
        amount: Money,
    },
    TeamAppointed {
        project: ProjectId,
        agency: OrgName,
        leader: Text,
        /// The supervision (监理) unit [17], when named.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supervisor: Option<OrgName>,
        /// A reference to the leader's contact data, kept encrypted outside the log (never the data itself).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<String>,
    },
    ConstructionStarted {
        project: ProjectId,
    },
    ContractSigned {
        project: ProjectId,
        contract: Text,
        amount: Money,
        procurement: Procurement,
    },
    AdjustmentRequested {
        request: RequestAdjustment,
        outcome: AdjustmentOutcome,
        limit: Money,
    },
    /// [19] a change that needed re-approval, approved: `approved_investment` is the new estimate, unless the
    /// government must approve it first [15].
    AdjustmentApproved {
        project: ProjectId,
        approved_investment: Money,
        government_approval_required: bool,
    },
    AdjustmentRejected {
        project: ProjectId,
        reason: Text,
    },
    /// [18] "资金有结余的,应当按照相关规定将结余资金退回".
    SurplusReturned {
        project: ProjectId,
        amount: Money,
    },
    AnnualReportSubmitted {
        project: ProjectId,
        year: i32,
        opinions_from: BTreeSet<ReportOpinion>,
        /// The report claims the supervision unit's opinion [20] while none is on record with the team [17]:
        /// not a refusal, a note shown with the report.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        supervisor_unrecorded: bool,
    },
    ConstructionCompleted {
        project: ProjectId,
    },
    AssessmentRecorded {
        project: ProjectId,
        kind: AssessmentKind,
    },
    ReadyForAcceptanceConfirmed {
        project: ProjectId,
    },
    Accepted {
        project: ProjectId,
        reviewed: BTreeSet<AcceptanceReview>,
    },
    AcceptanceFiled {
        project: ProjectId,
    },
    AssetsRegistered {
        project: ProjectId,
    },
    OperationStarted {
        project: ProjectId,
    },
    SelfEvaluationSubmitted {
        project: ProjectId,
    },
    PostEvaluationCommissioned {
        project: ProjectId,
        consultant: OrgName,
    },
    RectificationOrdered {
        project: ProjectId,
        number: u32,
        area: Area,
        finding: Text,
        due: Date,
    },
    RectificationReported {
        project: ProjectId,
        numbers: Vec<u32>,
    },
    /// [25] the ordering department (or the bureau) verified the reported orders `numbers`.
    RectificationVerified {
        project: ProjectId,
        numbers: Vec<u32>,
        result: VerificationResult,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finding: Option<Text>,
    },
    MeasureImposed {
        project: ProjectId,
        measure: Measure,
    },
    SuspensionLifted {
        project: ProjectId,
    },
    /// 电子监察 [25]: a card the daily run issued (a red one replaces the open yellow one of its deadline).
    CardIssued {
        project: ProjectId,
        deadline: DeadlineName,
        card: Card,
        due: Date,
    },
    /// The obligation behind an open card is no longer pending: met (recorded with the decision that met it)
    /// or lapsed (no longer owed, or its due date changed).
    CardCleared {
        project: ProjectId,
        deadline: DeadlineName,
        #[serde(default = "met")]
        closure: Closure,
    },
    /// The owner considers a card wrong, with its reason [25].
    CardDisputed {
        project: ProjectId,
        deadline: DeadlineName,
        reason: Text,
    },
    /// The owner's own rating [20], beside the computed one of that day (recorded, so that a rating left
    /// unchanged while a factor worsened can be told later).
    RatingReported {
        project: ProjectId,
        level: HealthLevel,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Text>,
        computed: HealthLevel,
        computed_score: u8,
        /// The computed factors' scores that day, by key.
        factors: std::collections::BTreeMap<String, u8>,
    },
    /// The bureau published a month's 电子监察 ranking [25]: the table as it stood, kept for good.
    RankingPublished {
        jurisdiction: JurisdictionId,
        period: Period,
        table: RankingTable,
    },
    /// The approval authority or the bureau upheld the disputed card, or withdrew it [25].
    CardDisputeResolved {
        project: ProjectId,
        deadline: DeadlineName,
        outcome: DisputeOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Text>,
    },
}

fn met() -> Closure {
    Closure::Met
}

impl Event {
    /// The projects whose state this event changes.
    pub fn projects(&self) -> Vec<&ProjectId> {
        use Event::*;
        match self {
            ProjectRegistered(r) => vec![&r.project],
            PlanReviewed { included, excluded, .. } => included.iter().chain(excluded).collect(),
            PlanApproved { projects, .. } => projects.iter().collect(),
            ProposalsMerged { project, merged, .. } => std::iter::once(project).chain(merged).collect(),
            PlanReviewFiled { .. } | PlanIncludedInInvestmentPlan { .. } | RankingPublished { .. } => Vec::new(),
            StageSubmitted(s) => vec![&s.project],
            AdjustmentRequested { request, .. } => vec![&request.project],
            ProposedForPlan { project, .. }
            | ProjectAssigned { project, .. }
            | ProposalAdjusted { project, .. }
            | SupplementaryInclusionRequested { project, .. }
            | SupplementaryInclusionApproved { project, .. }
            | RecordFiled { project, .. }
            | FiledWithBureau { project }
            | AdjustmentApproved { project, .. }
            | AdjustmentRejected { project, .. }
            | SurplusReturned { project, .. }
            | RectificationVerified { project, .. }
            | ReviewCommissioned { project, .. }
            | EvaluationSubmitted { project, .. }
            | StageApproved { project, .. }
            | StageReturned { project, .. }
            | GovernmentApproved { project, .. }
            | TechnicalOpinionIssued { project }
            | FundsReleased { project, .. }
            | TeamAppointed { project, .. }
            | ConstructionStarted { project }
            | ContractSigned { project, .. }
            | AnnualReportSubmitted { project, .. }
            | ConstructionCompleted { project }
            | AssessmentRecorded { project, .. }
            | ReadyForAcceptanceConfirmed { project }
            | Accepted { project, .. }
            | AcceptanceFiled { project }
            | AssetsRegistered { project }
            | OperationStarted { project }
            | SelfEvaluationSubmitted { project }
            | PostEvaluationCommissioned { project, .. }
            | RectificationOrdered { project, .. }
            | RectificationReported { project, .. }
            | MeasureImposed { project, .. }
            | SuspensionLifted { project }
            | CardIssued { project, .. }
            | CardCleared { project, .. }
            | CardDisputed { project, .. }
            | RatingReported { project, .. }
            | CardDisputeResolved { project, .. } => vec![project],
        }
    }

    /// The plan this event changes, if any: `(jurisdiction, year)`.
    pub fn plan(&self) -> Option<(&JurisdictionId, i32)> {
        match self {
            Event::PlanReviewed { jurisdiction, year, .. }
            | Event::PlanApproved { jurisdiction, year, .. }
            | Event::ProjectAssigned { jurisdiction, year, .. }
            | Event::ProposalsMerged { jurisdiction, year, .. }
            | Event::PlanReviewFiled { jurisdiction, year, .. }
            | Event::PlanIncludedInInvestmentPlan { jurisdiction, year } => Some((jurisdiction, *year)),
            _ => None,
        }
    }

    /// The action that produced this event.
    pub fn action(&self) -> Action {
        use Action as A;
        match self {
            Event::ProjectRegistered(_) => A::RegisterProject,
            Event::ProposedForPlan { .. } => A::ProposeForPlan,
            Event::ProjectAssigned { .. } => A::AssignProject,
            Event::ProposalAdjusted { .. } => A::AdjustProposal,
            Event::ProposalsMerged { .. } => A::MergeProposals,
            Event::PlanReviewFiled { .. } => A::FilePlanReview,
            Event::PlanIncludedInInvestmentPlan { .. } => A::IncludeInInvestmentPlan,
            Event::PlanReviewed { .. } => A::ReviewPlan,
            Event::PlanApproved { .. } => A::ApprovePlan,
            Event::SupplementaryInclusionRequested { .. } => A::RequestSupplementaryInclusion,
            Event::SupplementaryInclusionApproved { .. } => A::ApproveSupplementaryInclusion,
            Event::RecordFiled { .. } | Event::FiledWithBureau { .. } => A::FileRecord,
            Event::AdjustmentApproved { .. } => A::ApproveAdjustment,
            Event::AdjustmentRejected { .. } => A::RejectAdjustment,
            Event::SurplusReturned { .. } => A::ReturnSurplus,
            Event::RectificationVerified { .. } => A::VerifyRectification,
            Event::StageSubmitted(_) => A::SubmitStage,
            Event::ReviewCommissioned { .. } => A::CommissionReview,
            Event::EvaluationSubmitted { .. } => A::SubmitEvaluation,
            Event::StageApproved { .. } => A::ApproveStage,
            Event::StageReturned { .. } => A::ReturnStage,
            Event::GovernmentApproved { .. } => A::GovernmentApprove,
            Event::TechnicalOpinionIssued { .. } => A::IssueTechnicalOpinion,
            Event::FundsReleased { .. } => A::ReleaseFunds,
            Event::TeamAppointed { .. } => A::AppointTeam,
            Event::ConstructionStarted { .. } => A::StartConstruction,
            Event::ContractSigned { .. } => A::SignContract,
            Event::AdjustmentRequested { .. } => A::RequestAdjustment,
            Event::AnnualReportSubmitted { .. } => A::SubmitAnnualReport,
            Event::ConstructionCompleted { .. } => A::CompleteConstruction,
            Event::AssessmentRecorded { .. } => A::RecordAssessment,
            Event::ReadyForAcceptanceConfirmed { .. } => A::ConfirmReadyForAcceptance,
            Event::Accepted { .. } => A::Accept,
            Event::AcceptanceFiled { .. } => A::FileAcceptance,
            Event::AssetsRegistered { .. } => A::RegisterAssets,
            Event::OperationStarted { .. } => A::StartOperation,
            Event::SelfEvaluationSubmitted { .. } => A::SubmitSelfEvaluation,
            Event::PostEvaluationCommissioned { .. } => A::CommissionPostEvaluation,
            Event::RectificationOrdered { .. } => A::OrderRectification,
            Event::RectificationReported { .. } => A::ReportRectified,
            Event::MeasureImposed { .. } => A::ImposeMeasure,
            Event::SuspensionLifted { .. } => A::LiftSuspension,
            Event::CardIssued { .. } | Event::CardCleared { .. } => A::IssueCards,
            Event::CardDisputed { .. } => A::DisputeCard,
            Event::RatingReported { .. } => A::ReportRating,
            Event::RankingPublished { .. } => A::PublishRanking,
            Event::CardDisputeResolved { .. } => A::ResolveCardDispute,
        }
    }

    /// The event's type name as stored (`stage_approved`).
    pub fn kind(&self) -> &'static str {
        use Event::*;
        match self {
            ProjectRegistered(_) => "project_registered",
            ProposedForPlan { .. } => "proposed_for_plan",
            ProjectAssigned { .. } => "project_assigned",
            ProposalAdjusted { .. } => "proposal_adjusted",
            ProposalsMerged { .. } => "proposals_merged",
            PlanReviewFiled { .. } => "plan_review_filed",
            PlanIncludedInInvestmentPlan { .. } => "plan_included_in_investment_plan",
            PlanReviewed { .. } => "plan_reviewed",
            PlanApproved { .. } => "plan_approved",
            SupplementaryInclusionRequested { .. } => "supplementary_inclusion_requested",
            SupplementaryInclusionApproved { .. } => "supplementary_inclusion_approved",
            RecordFiled { .. } => "record_filed",
            FiledWithBureau { .. } => "filed_with_bureau",
            AdjustmentApproved { .. } => "adjustment_approved",
            AdjustmentRejected { .. } => "adjustment_rejected",
            SurplusReturned { .. } => "surplus_returned",
            RectificationVerified { .. } => "rectification_verified",
            StageSubmitted(_) => "stage_submitted",
            ReviewCommissioned { .. } => "review_commissioned",
            EvaluationSubmitted { .. } => "evaluation_submitted",
            StageApproved { .. } => "stage_approved",
            StageReturned { .. } => "stage_returned",
            GovernmentApproved { .. } => "government_approved",
            TechnicalOpinionIssued { .. } => "technical_opinion_issued",
            FundsReleased { .. } => "funds_released",
            TeamAppointed { .. } => "team_appointed",
            ConstructionStarted { .. } => "construction_started",
            ContractSigned { .. } => "contract_signed",
            AdjustmentRequested { .. } => "adjustment_requested",
            AnnualReportSubmitted { .. } => "annual_report_submitted",
            ConstructionCompleted { .. } => "construction_completed",
            AssessmentRecorded { .. } => "assessment_recorded",
            ReadyForAcceptanceConfirmed { .. } => "ready_for_acceptance_confirmed",
            Accepted { .. } => "accepted",
            AcceptanceFiled { .. } => "acceptance_filed",
            AssetsRegistered { .. } => "assets_registered",
            OperationStarted { .. } => "operation_started",
            SelfEvaluationSubmitted { .. } => "self_evaluation_submitted",
            PostEvaluationCommissioned { .. } => "post_evaluation_commissioned",
            RectificationOrdered { .. } => "rectification_ordered",
            RectificationReported { .. } => "rectification_reported",
            MeasureImposed { .. } => "measure_imposed",
            SuspensionLifted { .. } => "suspension_lifted",
            CardIssued { .. } => "card_issued",
            CardCleared { .. } => "card_cleared",
            CardDisputed { .. } => "card_disputed",
            RatingReported { .. } => "rating_reported",
            RankingPublished { .. } => "ranking_published",
            CardDisputeResolved { .. } => "card_dispute_resolved",
        }
    }
}

/// An event as the log keeps it: when, by whom, under which policy, with which warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub on: Date,
    pub actor: Actor,
    /// The policy versions the decision used (`wuhan@2021-08-21`).
    pub policy: String,
    pub event: Event,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Notice>,
    /// The documents the action used, as lowercase hex SM3 digests of their bytes. Inside the hashed body,
    /// so the link between a decision and its 实施方案 or 验收材料 is as tamper-evident as the decision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
}
