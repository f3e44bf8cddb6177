//! The actions of docs/SCENARIOS.md, as typed commands. Serde reads `{do: ..., with: {...}}` directly, so the
//! scenario runner and the JSON API parse the same shape, and nothing unparsed reaches a rule.

use crate::date::{Date, Year};
use crate::derive::DeadlineName;
use crate::ids::{JurisdictionId, OrgName, ProjectId, Summary, Text};
use crate::money::{Money, PositiveMoney};
use crate::personal::{IdNumber, Phone};
use crate::ranking::{Period, RankingTable};
use crate::rating::HealthLevel;
use crate::vocab::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The owner named at registration [2].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    pub name: OrgName,
    pub kind: OwnerKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterProject {
    pub name: Text,
    pub owner: Owner,
    pub category: Category,
    pub construction: Construction,
    pub funding: Funding,
    pub investment: PositiveMoney,
    #[serde(default)]
    pub classified: bool,
    #[serde(default)]
    pub bundled_with_fixed_asset: bool,
    #[serde(default)]
    pub self_built_self_used: bool,
    /// Defaults to the jurisdiction the front end works in (the scenario's, the user's).
    #[serde(default)]
    pub jurisdiction: Option<JurisdictionId>,
    /// The 行业主管部门 that approves a school's or hospital's own project [9]; any industry authority of the
    /// jurisdiction when not named.
    #[serde(default)]
    pub industry_authority: Option<OrgName>,
    /// 建设内容摘要, when written: what the project builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

/// [7] "下达项目建设任务": a registration made by the plan's reviewer for a unit, into the plan of `year`.
/// Serde cannot refuse unknown fields through `flatten`: [`crate::draft::build`], the one way requests
/// become commands, reads the registration on its own, strictly, and adds the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignProject {
    #[serde(flatten)]
    pub registration: RegisterProject,
    pub year: Year,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitStage {
    pub project: ProjectId,
    pub stage: Stage,
    pub investment: PositiveMoney,
    #[serde(default)]
    pub documents: BTreeSet<Document>,
    pub preparer: Preparer,
    /// The body that prepared the submission, when named: it may not also review it [16].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepared_by: Option<OrgName>,
    #[serde(default)]
    pub design_depth_sufficient: bool,
    #[serde(default)]
    pub builds: BTreeSet<Build>,
    /// 建设内容摘要 as the stage describes it, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestAdjustment {
    pub project: ProjectId,
    pub amount: Money,
    pub reason: AdjustmentReason,
    #[serde(default = "yes")]
    pub goal_unchanged: bool,
    #[serde(default = "yes")]
    pub within_estimate: bool,
}

fn yes() -> bool {
    true
}

/// Every action of the scenario format's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", content = "with", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    RegisterProject(Box<RegisterProject>),
    AssignProject(Box<AssignProject>),
    /// [7] the reviewer changes what a proposal costs, before the plan is approved.
    AdjustProposal {
        project: ProjectId,
        investment: PositiveMoney,
        reason: Text,
    },
    /// [7][4] overlapping proposals folded into `project`, which its owner leads.
    MergeProposals {
        project: ProjectId,
        merged: Vec<ProjectId>,
        investment: PositiveMoney,
    },
    /// [24] the cyberspace office's filing review of an approved plan.
    FilePlanReview {
        year: Year,
        #[serde(default)]
        jurisdiction: Option<JurisdictionId>,
        result: PlanReviewResult,
        #[serde(default)]
        note: Option<Text>,
    },
    /// [24] the development and reform commission takes an approved plan into the government investment plan.
    IncludeInInvestmentPlan {
        year: Year,
        #[serde(default)]
        jurisdiction: Option<JurisdictionId>,
    },
    ProposeForPlan {
        project: ProjectId,
        year: Year,
    },
    ReviewPlan {
        year: Year,
        #[serde(default)]
        jurisdiction: Option<JurisdictionId>,
        #[serde(default)]
        exclude: Vec<ProjectId>,
    },
    ApprovePlan {
        year: Year,
        #[serde(default)]
        jurisdiction: Option<JurisdictionId>,
    },
    RequestSupplementaryInclusion {
        project: ProjectId,
        year: Year,
        reason: SupplementaryReason,
    },
    ApproveSupplementaryInclusion {
        project: ProjectId,
        year: Year,
    },
    FileRecord {
        project: ProjectId,
        /// What the filed project builds [12], as on a stage submission.
        #[serde(default)]
        builds: BTreeSet<Build>,
    },
    SubmitStage(Box<SubmitStage>),
    CommissionReview {
        project: ProjectId,
        consultant: OrgName,
    },
    SubmitEvaluation {
        project: ProjectId,
        #[serde(default)]
        opinions: BTreeSet<Opinion>,
        recommended_investment: PositiveMoney,
    },
    ApproveStage {
        project: ProjectId,
        approved_investment: PositiveMoney,
        #[serde(default)]
        opinions: BTreeSet<Opinion>,
    },
    ReturnStage {
        project: ProjectId,
        reason: Text,
    },
    GovernmentApprove {
        project: ProjectId,
    },
    IssueTechnicalOpinion {
        project: ProjectId,
    },
    ReleaseFunds {
        project: ProjectId,
        purpose: Purpose,
        amount: PositiveMoney,
    },
    AppointTeam {
        project: ProjectId,
        agency: OrgName,
        leader: Text,
        /// The supervision (监理) unit [17], when one is engaged: its opinion goes into every annual report [20].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supervisor: Option<OrgName>,
        /// The leader's phone: personal data. Read from input, never written out: the application layer
        /// takes it out of the command, encrypts it and fills `contact` before the rules see the command.
        #[serde(default, skip_serializing)]
        leader_phone: Option<Phone>,
        /// The leader's resident ID number: personal data, handled like `leader_phone`.
        #[serde(default, skip_serializing)]
        leader_id_number: Option<IdNumber>,
        /// The reference under which the application layer stored the encrypted contact data. Set only by the
        /// application layer: not accepted from input, so no one can point a project at another's data.
        #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
        contact: Option<String>,
    },
    StartConstruction {
        project: ProjectId,
    },
    SignContract {
        project: ProjectId,
        contract: Text,
        amount: PositiveMoney,
        procurement: Procurement,
    },
    RequestAdjustment(RequestAdjustment),
    ApproveAdjustment {
        project: ProjectId,
        approved_investment: PositiveMoney,
    },
    RejectAdjustment {
        project: ProjectId,
        reason: Text,
    },
    ReturnSurplus {
        project: ProjectId,
        amount: PositiveMoney,
    },
    SubmitAnnualReport {
        project: ProjectId,
        year: Year,
        #[serde(default)]
        opinions_from: BTreeSet<ReportOpinion>,
        /// The owner's own rating of the project's health, reported with the report [20].
        #[serde(default)]
        self_rating: Option<HealthLevel>,
    },
    CompleteConstruction {
        project: ProjectId,
    },
    RecordAssessment {
        project: ProjectId,
        kind: AssessmentKind,
    },
    ConfirmReadyForAcceptance {
        project: ProjectId,
    },
    Accept {
        project: ProjectId,
        #[serde(default)]
        reviewed: BTreeSet<AcceptanceReview>,
    },
    FileAcceptance {
        project: ProjectId,
    },
    RegisterAssets {
        project: ProjectId,
    },
    StartOperation {
        project: ProjectId,
    },
    SubmitSelfEvaluation {
        project: ProjectId,
    },
    CommissionPostEvaluation {
        project: ProjectId,
        consultant: OrgName,
    },
    OrderRectification {
        project: ProjectId,
        area: Area,
        finding: Text,
        due: Date,
    },
    ReportRectified {
        project: ProjectId,
    },
    VerifyRectification {
        project: ProjectId,
        result: VerificationResult,
        /// What still falls short, when the result is `failed`.
        #[serde(default)]
        finding: Option<Text>,
    },
    ImposeMeasure {
        project: ProjectId,
        measure: Measure,
    },
    LiftSuspension {
        project: ProjectId,
    },
    /// 电子监察 [25]: issue the cards the project's deadlines call for today and clear those no longer called
    /// for. What the daily run sends; the same on any day gives the same cards.
    IssueCards {
        project: ProjectId,
    },
    /// The owner's own rating of the project's health, with a note: at most once a calendar month [20].
    ReportRating {
        project: ProjectId,
        level: HealthLevel,
        note: Text,
    },
    /// The bureau publishes the 电子监察 ranking of a month that is over [25].
    PublishRanking {
        period: Period,
        #[serde(default)]
        jurisdiction: Option<JurisdictionId>,
        /// The ranking as the record has it when published. Set only by the application layer: not accepted
        /// from input, so no one can publish a table of their own making.
        #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
        table: Option<Box<RankingTable>>,
    },
    /// The owner considers the card of `deadline` wrong [25].
    DisputeCard {
        project: ProjectId,
        deadline: DeadlineName,
        reason: Text,
    },
    /// The approval authority or the bureau decides a dispute: the card stays, or it is withdrawn.
    ResolveCardDispute {
        project: ProjectId,
        deadline: DeadlineName,
        outcome: DisputeOutcome,
        #[serde(default)]
        note: Option<Text>,
    },
}

/// What a command acts on, so the application layer knows what to load before deciding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<'a> {
    NewProject,
    Project(&'a ProjectId),
    Plan {
        year: i32,
        jurisdiction: Option<&'a JurisdictionId>,
    },
    /// A month's ranking of a jurisdiction [25].
    Ranking {
        period: Period,
        jurisdiction: Option<&'a JurisdictionId>,
    },
    /// A project the plan's reviewer puts into the plan of `year` [7]: a new number, and that plan.
    Assign {
        year: i32,
        jurisdiction: Option<&'a JurisdictionId>,
    },
}

impl Command {
    pub fn target(&self) -> Target<'_> {
        use Command::*;
        match self {
            RegisterProject(_) => Target::NewProject,
            AssignProject(a) => {
                Target::Assign { year: a.year.get(), jurisdiction: a.registration.jurisdiction.as_ref() }
            }
            ReviewPlan { year, jurisdiction, .. }
            | ApprovePlan { year, jurisdiction }
            | FilePlanReview { year, jurisdiction, .. }
            | IncludeInInvestmentPlan { year, jurisdiction } => {
                Target::Plan { year: year.get(), jurisdiction: jurisdiction.as_ref() }
            }
            PublishRanking { period, jurisdiction, .. } => {
                Target::Ranking { period: *period, jurisdiction: jurisdiction.as_ref() }
            }
            SubmitStage(s) => Target::Project(&s.project),
            RequestAdjustment(r) => Target::Project(&r.project),
            ProposeForPlan { project, .. }
            | AdjustProposal { project, .. }
            | MergeProposals { project, .. }
            | RequestSupplementaryInclusion { project, .. }
            | ApproveSupplementaryInclusion { project, .. }
            | FileRecord { project, .. }
            | ApproveAdjustment { project, .. }
            | RejectAdjustment { project, .. }
            | ReturnSurplus { project, .. }
            | VerifyRectification { project, .. }
            | CommissionReview { project, .. }
            | SubmitEvaluation { project, .. }
            | ApproveStage { project, .. }
            | ReturnStage { project, .. }
            | GovernmentApprove { project }
            | IssueTechnicalOpinion { project }
            | ReleaseFunds { project, .. }
            | AppointTeam { project, .. }
            | StartConstruction { project }
            | SignContract { project, .. }
            | SubmitAnnualReport { project, .. }
            | CompleteConstruction { project }
            | RecordAssessment { project, .. }
            | ConfirmReadyForAcceptance { project }
            | Accept { project, .. }
            | FileAcceptance { project }
            | RegisterAssets { project }
            | StartOperation { project }
            | SubmitSelfEvaluation { project }
            | CommissionPostEvaluation { project, .. }
            | OrderRectification { project, .. }
            | ReportRectified { project }
            | ImposeMeasure { project, .. }
            | LiftSuspension { project }
            | IssueCards { project }
            | ReportRating { project, .. }
            | DisputeCard { project, .. }
            | ResolveCardDispute { project, .. } => Target::Project(project),
        }
    }

    /// The action's name in the scenario format (`submit_stage`).
    pub fn action(&self) -> Action {
        use Command as C;
        match self {
            C::RegisterProject(_) => Action::RegisterProject,
            C::AssignProject(_) => Action::AssignProject,
            C::AdjustProposal { .. } => Action::AdjustProposal,
            C::MergeProposals { .. } => Action::MergeProposals,
            C::FilePlanReview { .. } => Action::FilePlanReview,
            C::IncludeInInvestmentPlan { .. } => Action::IncludeInInvestmentPlan,
            C::ProposeForPlan { .. } => Action::ProposeForPlan,
            C::ReviewPlan { .. } => Action::ReviewPlan,
            C::ApprovePlan { .. } => Action::ApprovePlan,
            C::RequestSupplementaryInclusion { .. } => Action::RequestSupplementaryInclusion,
            C::ApproveSupplementaryInclusion { .. } => Action::ApproveSupplementaryInclusion,
            C::FileRecord { .. } => Action::FileRecord,
            C::SubmitStage(_) => Action::SubmitStage,
            C::CommissionReview { .. } => Action::CommissionReview,
            C::SubmitEvaluation { .. } => Action::SubmitEvaluation,
            C::ApproveStage { .. } => Action::ApproveStage,
            C::ReturnStage { .. } => Action::ReturnStage,
            C::GovernmentApprove { .. } => Action::GovernmentApprove,
            C::IssueTechnicalOpinion { .. } => Action::IssueTechnicalOpinion,
            C::ReleaseFunds { .. } => Action::ReleaseFunds,
            C::AppointTeam { .. } => Action::AppointTeam,
            C::StartConstruction { .. } => Action::StartConstruction,
            C::SignContract { .. } => Action::SignContract,
            C::RequestAdjustment(_) => Action::RequestAdjustment,
            C::ApproveAdjustment { .. } => Action::ApproveAdjustment,
            C::RejectAdjustment { .. } => Action::RejectAdjustment,
            C::ReturnSurplus { .. } => Action::ReturnSurplus,
            C::VerifyRectification { .. } => Action::VerifyRectification,
            C::SubmitAnnualReport { .. } => Action::SubmitAnnualReport,
            C::CompleteConstruction { .. } => Action::CompleteConstruction,
            C::RecordAssessment { .. } => Action::RecordAssessment,
            C::ConfirmReadyForAcceptance { .. } => Action::ConfirmReadyForAcceptance,
            C::Accept { .. } => Action::Accept,
            C::FileAcceptance { .. } => Action::FileAcceptance,
            C::RegisterAssets { .. } => Action::RegisterAssets,
            C::StartOperation { .. } => Action::StartOperation,
            C::SubmitSelfEvaluation { .. } => Action::SubmitSelfEvaluation,
            C::CommissionPostEvaluation { .. } => Action::CommissionPostEvaluation,
            C::OrderRectification { .. } => Action::OrderRectification,
            C::ReportRectified { .. } => Action::ReportRectified,
            C::ImposeMeasure { .. } => Action::ImposeMeasure,
            C::LiftSuspension { .. } => Action::LiftSuspension,
            C::IssueCards { .. } => Action::IssueCards,
            C::ReportRating { .. } => Action::ReportRating,
            C::PublishRanking { .. } => Action::PublishRanking,
            C::DisputeCard { .. } => Action::DisputeCard,
            C::ResolveCardDispute { .. } => Action::ResolveCardDispute,
        }
    }
}

crate::vocab::vocabulary_pub!(
    /// The name of an action, for authorisation tables, menus and logs.
    Action {
        RegisterProject = "register_project" => "登记项目",
        ProposeForPlan = "propose_for_plan" => "申报年度计划",
        ReviewPlan = "review_plan" => "论证年度计划",
        ApprovePlan = "approve_plan" => "批准年度计划",
        AssignProject = "assign_project" => "下达建设任务",
        AdjustProposal = "adjust_proposal" => "调整申报项目",
        MergeProposals = "merge_proposals" => "合并建设",
        FilePlanReview = "file_plan_review" => "年度计划备案审核",
        IncludeInInvestmentPlan = "include_in_investment_plan" => "纳入政府投资年度计划",
        RequestSupplementaryInclusion = "request_supplementary_inclusion" => "申请补充列入年度计划",
        ApproveSupplementaryInclusion = "approve_supplementary_inclusion" => "批准补充列入年度计划",
        FileRecord = "file_record" => "备案",
        SubmitStage = "submit_stage" => "报送审批材料",
        CommissionReview = "commission_review" => "委托第三方评估",
        SubmitEvaluation = "submit_evaluation" => "提交评估报告",
        ApproveStage = "approve_stage" => "批复",
        ReturnStage = "return_stage" => "退回",
        GovernmentApprove = "government_approve" => "市人民政府批准",
        IssueTechnicalOpinion = "issue_technical_opinion" => "出具技术审查意见",
        ReleaseFunds = "release_funds" => "下达资金",
        AppointTeam = "appoint_team" => "确定实施机构和责任人",
        StartConstruction = "start_construction" => "开工建设",
        SignContract = "sign_contract" => "签订合同",
        RequestAdjustment = "request_adjustment" => "申请调整建设内容",
        ApproveAdjustment = "approve_adjustment" => "批准调整(重新审批)",
        RejectAdjustment = "reject_adjustment" => "不予批准调整",
        ReturnSurplus = "return_surplus" => "退回结余资金",
        SubmitAnnualReport = "submit_annual_report" => "提交年度绩效评价报告",
        CompleteConstruction = "complete_construction" => "完成建设",
        RecordAssessment = "record_assessment" => "登记评估审计结果",
        ConfirmReadyForAcceptance = "confirm_ready_for_acceptance" => "确认可组织验收",
        Accept = "accept" => "组织验收",
        FileAcceptance = "file_acceptance" => "验收备案",
        RegisterAssets = "register_assets" => "资产入账",
        StartOperation = "start_operation" => "投入运行",
        SubmitSelfEvaluation = "submit_self_evaluation" => "报送自评报告",
        CommissionPostEvaluation = "commission_post_evaluation" => "委托后评价",
        OrderRectification = "order_rectification" => "责令限期整改",
        ReportRectified = "report_rectified" => "报告整改完成",
        VerifyRectification = "verify_rectification" => "核查整改情况",
        ImposeMeasure = "impose_measure" => "采取处理措施",
        LiftSuspension = "lift_suspension" => "恢复建设",
        IssueCards = "issue_cards" => "电子监察亮牌",
        ReportRating = "report_rating" => "报告项目自评状况",
        PublishRanking = "publish_ranking" => "发布电子监察排名",
        DisputeCard = "dispute_card" => "对警示牌提出异议",
        ResolveCardDispute = "resolve_card_dispute" => "处理警示牌异议",
    }
);

impl Action {
    /// The acts of 电子监察 [25]: the system's daily cards, the disputes of those cards and the monthly ranking
    /// made from them. They exist only where govit ran the supervision, so a city's records from before it
    /// cannot hold them.
    pub fn is_electronic_supervision(self) -> bool {
        matches!(self, Action::IssueCards | Action::DisputeCard | Action::ResolveCardDispute | Action::PublishRanking)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_reads_from_the_scenario_shape() {
        let c: Command = serde_json::from_str(
            r#"{"do":"submit_stage","with":{"project":"P1","stage":"implementation_plan","investment":"120万","documents":["cryptography_plan"],"preparer":"consulting_credit","design_depth_sufficient":true}}"#,
        )
        .unwrap();
        let Command::SubmitStage(s) = c else { panic!("wrong command") };
        assert_eq!(s.investment.money(), Money::from_yuan(1_200_000).unwrap());
        assert!(s.builds.is_empty());
    }

    #[test]
    fn an_unknown_parameter_is_refused() {
        let r: Result<Command, _> = serde_json::from_str(r#"{"do":"file_record","with":{"project":"P1","extra":1}}"#);
        assert!(r.is_err());
    }

    #[test]
    fn a_leaders_contact_data_is_read_but_never_written_out() {
        let c: Command = serde_json::from_str(
            r#"{"do":"appoint_team","with":{"project":"P1","agency":"信息中心","leader":"张三","leader_phone":"13812341234","leader_id_number":"11010519491231002X"}}"#,
        )
        .unwrap();
        let Command::AppointTeam { leader_phone, leader_id_number, .. } = &c else { panic!("wrong command") };
        assert_eq!(leader_phone.as_ref().map(Phone::as_str), Some("13812341234"));
        assert_eq!(leader_id_number.as_ref().map(IdNumber::as_str), Some("11010519491231002X"));
        let out = serde_json::to_string(&c).unwrap();
        assert!(!out.contains("13812341234") && !out.contains("11010519491231002X"), "{out}");
        assert!(!format!("{c:?}").contains("13812341234"));
    }

    #[test]
    fn a_contact_reference_is_not_accepted_from_input() {
        let r: Result<Command, _> = serde_json::from_str(
            r#"{"do":"appoint_team","with":{"project":"P1","agency":"信息中心","leader":"张三","contact":"someone-else"}}"#,
        );
        assert!(r.is_err());
    }

    #[test]
    fn an_assignment_reads_a_registration_and_its_year() {
        let c: Command = serde_json::from_str(
            r#"{"do":"assign_project","with":{"name":"城市大脑","owner":{"name":"市城管局","kind":"party_government_organ"},"category":"business_application","construction":"new","funding":"government_investment","investment":"80万","year":2024}}"#,
        )
        .unwrap();
        let Command::AssignProject(a) = &c else { panic!("wrong command") };
        assert_eq!((a.year.get(), a.registration.investment.money().yuan()), (2024, 800_000));
        let back: Command = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn every_action_code_round_trips() {
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(*a));
        }
    }
}
