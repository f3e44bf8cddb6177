//! What follows from a project's state on a date: deadlines, overdue items, the next stage, funds.
//!
//! Each deadline is computed with the policy in force on the day it starts (completion, operation start,
//! 1 January or the start of construction), so a later policy version never moves a running deadline.

use crate::command::Action;
use crate::date::{Date, add_months};
use crate::policy::{Parameters, PolicySet};
use crate::state::Project;
use crate::vocab::*;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The name of a deadline, as docs/SCENARIOS.md spells it (`annual_report_2022`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeadlineName {
    AnnualReport(i32),
    Acceptance,
    SelfEvaluation,
    CryptographyAssessment,
    Rectification,
}

impl DeadlineName {
    pub fn parse(text: &str) -> Option<DeadlineName> {
        match text {
            "acceptance" => Some(DeadlineName::Acceptance),
            "self_evaluation" => Some(DeadlineName::SelfEvaluation),
            "cryptography_assessment" => Some(DeadlineName::CryptographyAssessment),
            "rectification" => Some(DeadlineName::Rectification),
            _ => text.strip_prefix("annual_report_").and_then(|y| y.parse().ok()).map(DeadlineName::AnnualReport),
        }
    }

    /// What a person reads.
    pub fn label(self) -> String {
        match self {
            DeadlineName::AnnualReport(y) => format!("{y}年度项目绩效评价报告"),
            DeadlineName::Acceptance => "项目验收".to_owned(),
            DeadlineName::SelfEvaluation => "项目自评".to_owned(),
            DeadlineName::CryptographyAssessment => "密码应用安全性定期评估".to_owned(),
            DeadlineName::Rectification => "限期整改".to_owned(),
        }
    }

    /// The action whose doing meets the deadline.
    pub fn met_by(self) -> Action {
        match self {
            DeadlineName::AnnualReport(_) => Action::SubmitAnnualReport,
            DeadlineName::Acceptance => Action::Accept,
            DeadlineName::SelfEvaluation => Action::SubmitSelfEvaluation,
            DeadlineName::CryptographyAssessment => Action::RecordAssessment,
            DeadlineName::Rectification => Action::ReportRectified,
        }
    }

    /// The article that sets the deadline.
    pub fn article(self) -> u8 {
        match self {
            DeadlineName::AnnualReport(_) => 20,
            DeadlineName::Acceptance => 21,
            DeadlineName::SelfEvaluation => 22,
            DeadlineName::CryptographyAssessment => 26,
            DeadlineName::Rectification => 25,
        }
    }
}

impl fmt::Display for DeadlineName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeadlineName::AnnualReport(y) => write!(f, "annual_report_{y}"),
            DeadlineName::Acceptance => f.write_str("acceptance"),
            DeadlineName::SelfEvaluation => f.write_str("self_evaluation"),
            DeadlineName::CryptographyAssessment => f.write_str("cryptography_assessment"),
            DeadlineName::Rectification => f.write_str("rectification"),
        }
    }
}

impl Serialize for DeadlineName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DeadlineName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        DeadlineName::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "“{text}”不是期限名称(annual_report_年份、acceptance、self_evaluation、cryptography_assessment、rectification)"
            ))
        })
    }
}

/// A pending deadline: open from `from`, met by an action on `due` itself, overdue the day after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub name: DeadlineName,
    pub from: Date,
    pub due: Date,
}

impl Deadline {
    pub fn is_overdue(&self, on: Date) -> bool {
        on > self.due
    }
}

fn params_at(p: &Project, policies: &PolicySet, on: Date) -> Option<Parameters> {
    policies.resolve(&p.jurisdiction, on).ok().map(|r| r.parameters)
}

fn jan_first(year: i32) -> Date {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// [20] "在建设期内每年年底之前形成项目绩效评价报告". A report for `year` is owed when the project is under
/// construction (suspension included) on that year's due day: construction started on or before it, and
/// neither completion nor termination on or before it. Returns `(from, due, owed)`.
fn annual_report_terms(p: &Project, year: i32, policies: &PolicySet) -> Option<(Date, Date, bool)> {
    let start = p.construction_started_on?;
    let from = start.max(jan_first(year));
    let due = params_at(p, policies, from)?.annual_report_due.in_year(year);
    let ended_by_due = |d: Option<Date>| d.is_some_and(|d| d <= due);
    let owed = year >= start.year() && start <= due && !ended_by_due(p.completed_on) && !ended_by_due(p.terminated_on);
    Some((from, due, owed))
}

/// Whether a report for `year` may be submitted on `on`: one is owed (or, for the current year, pending while
/// the project is under construction) and none was submitted yet. `Err` carries the reason in Chinese.
pub fn annual_report_status(p: &Project, year: i32, on: Date, policies: &PolicySet) -> Result<(), String> {
    if p.annual_reports.contains_key(&year) {
        return Err(format!("{year}年度绩效评价报告已经提交"));
    }
    if year > on.year() {
        return Err(format!("{year}年度尚未开始"));
    }
    match annual_report_terms(p, year, policies) {
        Some((_, _, true)) => Ok(()),
        Some(_) => Err(format!("项目在{year}年度报告截止日不处于建设期,无需提交该年度绩效评价报告")),
        None => Err("项目尚未开工,无需提交绩效评价报告".to_owned()),
    }
}

/// [21] "信息化项目建成后半年内……组织项目验收": due `acceptance_window_months` after completion.
pub fn acceptance_due(p: &Project, policies: &PolicySet) -> Option<Date> {
    let completed = p.completed_on?;
    Some(add_months(completed, params_at(p, policies, completed)?.acceptance_window_months))
}

/// [22] "投入运行后12至24个月内……开展自评": the window, while no self-evaluation is in.
pub fn self_evaluation_window(p: &Project, policies: &PolicySet) -> Option<(Date, Date)> {
    if p.self_evaluation_on.is_some() {
        return None;
    }
    let start = p.operation_started_on?;
    let (from, to) = params_at(p, policies, start)?.self_evaluation_window_months;
    Some((add_months(start, from), add_months(start, to)))
}

/// Every deadline pending on `on` (met ones are gone; overdue ones stay until met). A terminated project
/// accepts no action [25], so it has none.
pub fn deadlines(p: &Project, on: Date, policies: &PolicySet) -> Vec<Deadline> {
    let mut out = Vec::new();
    // A terminated project owes nothing more [25]; a proposal merged into another is built as part of it [7].
    if matches!(p.status, Status::Terminated | Status::Merged) {
        return out;
    }
    if let Some(start) = p.construction_started_on {
        for year in start.year()..=on.year() {
            if p.annual_reports.contains_key(&year) {
                continue;
            }
            let Some((from, due, owed)) = annual_report_terms(p, year, policies) else { continue };
            // Before the due day the current year's report is pending while construction goes on; it falls
            // away if the project completes first. After the due day it is owed or it is not.
            let pending = if on <= due { p.completed_on.is_none() && start <= due } else { owed };
            if pending && on >= from {
                out.push(Deadline { name: DeadlineName::AnnualReport(year), from, due });
            }
        }
    }
    if let (Some(completed), None, Some(due)) = (p.completed_on, p.accepted_on, acceptance_due(p, policies)) {
        out.push(Deadline { name: DeadlineName::Acceptance, from: completed, due });
    }
    if let Some((from, due)) = self_evaluation_window(p, policies) {
        out.push(Deadline { name: DeadlineName::SelfEvaluation, from, due });
    }
    if let Some(start) = p.operation_started_on {
        let base = p.cryptography_assessed_in_operation_on.unwrap_or(start);
        if let Some(params) = params_at(p, policies, base) {
            let due = add_months(base, params.cryptography_assessment_interval_months);
            out.push(Deadline { name: DeadlineName::CryptographyAssessment, from: base, due });
        }
    }
    if let Some(r) = p.open_rectifications().min_by_key(|r| (r.due, r.number)) {
        out.push(Deadline { name: DeadlineName::Rectification, from: r.ordered_on, due: r.due });
    }
    out
}

/// The pending deadlines past due on `on`.
pub fn overdue(p: &Project, on: Date, policies: &PolicySet) -> Vec<Deadline> {
    deadlines(p, on, policies).into_iter().filter(|d| d.is_overdue(on)).collect()
}

/// [10] The stages the owner may submit next, the first being the one to show: `proposal` (or a merged
/// `implementation_plan`) before any approval, then the next of the chosen path, the returned stage again
/// after `return_stage`; nothing while a stage is under review or after the final one.
pub fn next_stages(p: &Project) -> Vec<Stage> {
    if !matches!(p.route, Route::Approval | Route::IndustryAuthorityApproval) || p.current.is_some() {
        return Vec::new();
    }
    if p.status == Status::Terminated {
        return Vec::new();
    }
    let mut out = Vec::new();
    match p.approved_stages.last().map(|s| s.stage) {
        None => {
            out.extend(p.returned);
            for s in [Stage::Proposal, Stage::ImplementationPlan] {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        Some(Stage::Proposal) => out.push(Stage::FeasibilityStudy),
        Some(Stage::FeasibilityStudy) => out.push(Stage::PreliminaryDesign),
        Some(Stage::PreliminaryDesign | Stage::ImplementationPlan) => {}
    }
    out
}

/// the scenario format's `next_stage`.
pub fn next_stage(p: &Project) -> Option<Stage> {
    next_stages(p).first().copied()
}

/// [14]: construction funds once approved (by the government too where [15] applies) or filed, and not while
/// suspended [25]; preliminary-work funds once in an approved annual plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FundsReleasable {
    pub construction: bool,
    pub preliminary_work: bool,
}

pub fn funds_releasable(p: &Project) -> FundsReleasable {
    let alive = p.status != Status::Terminated;
    FundsReleasable {
        construction: p.is_cleared_for_construction() && p.status != Status::Suspended,
        preliminary_work: alive && p.in_approved_plan(),
    }
}

/// The actions that make sense for a project in its present state, the step that moves it forward first:
/// every project action that [`crate::decide`] accepts in this state from the person entitled to it with
/// well-formed parameters, and none that it refuses whatever the parameters (a property test ties the two
/// together). Which of them a given person may take is for [`crate::authz::authorize`] to say; whether the
/// rules then accept the parameters given is for [`crate::decide`]. The plan actions (`review_plan`,
/// `approve_plan`) are the annual plan's, not a project's, and are not listed.
///
/// Two deadlines depend on the policy in force, which this function does not see: `submit_annual_report`
/// is listed while a year from the start of construction to `on` has no report and the project was not
/// completed before that year, and `submit_self_evaluation` from the start of operation until one is in —
/// `decide` also refuses a report no longer owed on the policy's due day, or a self-evaluation before its
/// window opens [20][22]. `order_rectification` is listed for every project that is not terminated [25].
pub fn relevant_actions(p: &Project, on: Date) -> Vec<Action> {
    use Action as A;
    let mut out = Vec::new();
    // [25] a terminated project accepts no action, nor [7] one merged into another.
    if matches!(p.status, Status::Terminated | Status::Merged) {
        return out;
    }
    // The step forward.
    match p.status {
        Status::Terminated | Status::Merged => {}
        Status::Registered => out.extend([A::ProposeForPlan, A::RequestSupplementaryInclusion]),
        // [7] a proposal in the plan under review may be adjusted by the plan's reviewer until it is approved.
        Status::Proposed => {
            if p.plan.as_ref().is_some_and(|e| e.supplementary.is_some()) {
                out.push(A::ApproveSupplementaryInclusion);
            } else {
                out.push(A::AdjustProposal);
            }
        }
        Status::Planned => match p.route {
            Route::Filing => out.push(A::FileRecord),
            Route::CapitalConstruction => {}
            Route::Approval | Route::IndustryAuthorityApproval => out.push(A::SubmitStage),
        },
        // [16] the approver may commission another review until the evaluation is in.
        Status::InApproval => match &p.current {
            None => out.push(A::SubmitStage),
            // [16] the approval follows the report and [18] may not fall below what is already committed: a
            // report recommending less than that leaves only the return.
            Some(c) if c.evaluation.as_ref().is_some_and(|e| e.recommended_investment < p.committed()) => {
                out.push(A::ReturnStage)
            }
            Some(c) if c.evaluation.is_some() => out.extend([A::ApproveStage, A::ReturnStage]),
            Some(c) if c.consultant.is_some() => out.extend([A::SubmitEvaluation, A::CommissionReview, A::ReturnStage]),
            Some(_) => out.extend([A::CommissionReview, A::ReturnStage]),
        },
        Status::AwaitingGovernmentApproval => out.push(A::GovernmentApprove),
        // [9] an industry authority's approval is filed with the bureau before construction starts; [17] the
        // team is appointed before it starts.
        Status::Approved | Status::Filed => {
            if p.route == Route::IndustryAuthorityApproval && !p.filed_with_bureau {
                out.push(A::FileRecord);
            } else if p.team.is_some() {
                out.push(A::StartConstruction);
            }
        }
        Status::UnderConstruction => {
            if p.pending_adjustment.is_none() {
                out.push(A::CompleteConstruction);
            }
        }
        // [25] construction resumes once no rectification is open.
        Status::Suspended => {
            if p.open_rectifications().next().is_none() {
                out.push(A::LiftSuspension);
            }
        }
        // [21] the bureau confirms once every assessment is recorded; acceptance follows the confirmation.
        Status::Completed => {
            if p.ready_for_acceptance_on.is_some() {
                out.push(A::Accept);
            }
            if AssessmentKind::ALL.iter().all(|k| p.assessments.contains_key(k)) {
                out.push(A::ConfirmReadyForAcceptance);
            }
        }
        Status::Accepted => out.push(A::StartOperation),
        Status::Operating => {}
    }
    // [9] the technical opinion on a capital-construction project, once, before it is approved.
    if p.route == Route::CapitalConstruction
        && p.technical_opinion_on.is_none()
        && matches!(p.status, Status::Registered | Status::Proposed | Status::Planned)
    {
        out.push(A::IssueTechnicalOpinion);
    }
    // [17] the team may be named (or named again) at any time.
    out.push(A::AppointTeam);
    // [20] a year's performance report: see above.
    if annual_report_may_be_owed(p, on) {
        out.push(A::SubmitAnnualReport);
    }
    // [21] assessments once construction has started; the acceptance filed and the assets registered once
    // accepted [21][22].
    if p.construction_started_on.is_some() {
        out.push(A::RecordAssessment);
    }
    if p.accepted_on.is_some() && p.acceptance_filed_on.is_none() {
        out.push(A::FileAcceptance);
    }
    if p.accepted_on.is_some() && p.assets_registered_on.is_none() {
        out.push(A::RegisterAssets);
    }
    // [22] the self-evaluation (see above), then the post-evaluation.
    if p.operation_started_on.is_some() && p.self_evaluation_on.is_none() {
        out.push(A::SubmitSelfEvaluation);
    }
    if p.self_evaluation_on.is_some() {
        out.push(A::CommissionPostEvaluation);
    }
    // [19] adjustments.
    if let Some(pending) = &p.pending_adjustment {
        if pending.awaiting_government.is_some() {
            if !out.contains(&A::GovernmentApprove) {
                out.push(A::GovernmentApprove);
            }
        } else {
            out.extend([A::ApproveAdjustment, A::RejectAdjustment]);
        }
    } else if matches!(p.status, Status::Approved | Status::Filed | Status::UnderConstruction | Status::Suspended) {
        out.push(A::RequestAdjustment);
    }
    // [18] contracts and funds within the estimate; [14] which funds may flow.
    if p.contracts_total() < p.estimate() {
        out.push(A::SignContract);
    }
    let funds = funds_releasable(p);
    if (funds.construction || funds.preliminary_work) && p.released_total() < p.estimate() {
        out.push(A::ReleaseFunds);
    }
    if p.surplus() > crate::money::Money::ZERO {
        out.push(A::ReturnSurplus);
    }
    // [25] supervision.
    if p.rectifications.iter().any(|r| r.awaits_verification()) {
        out.push(A::VerifyRectification);
    }
    if p.open_rectifications().next().is_some() {
        out.push(A::ReportRectified);
    }
    if p.rectifications.iter().any(|r| r.is_ground_for_measures(on)) {
        out.push(A::ImposeMeasure);
    }
    out.push(A::OrderRectification);
    // [25] 电子监察: a card may be disputed once, and a dispute awaits its decision.
    if p.open_cards().any(|c| c.dispute.is_none()) {
        out.push(A::DisputeCard);
    }
    if p.open_cards().any(|c| c.disputed()) {
        out.push(A::ResolveCardDispute);
    }
    // [20] the owner's own rating, once a calendar month.
    if p.self_ratings.last().is_none_or(|s| (s.on.year(), s.on.month()) != (on.year(), on.month())) {
        out.push(A::ReportRating);
    }
    out
}

/// [20] Whether a performance report may be owed on `on`, whatever the policy's due day: a year from the
/// start of construction to `on` without a report, the project not completed (nor terminated) before it.
fn annual_report_may_be_owed(p: &Project, on: Date) -> bool {
    let Some(start) = p.construction_started_on else { return false };
    let ended_before = |d: Option<Date>, year: i32| d.is_some_and(|d| d.year() < year);
    (start.year()..=on.year()).any(|year| {
        !p.annual_reports.contains_key(&year)
            && !ended_before(p.completed_on, year)
            && !ended_before(p.terminated_on, year)
    })
}

/// The steps that move the project forward now and are somebody's duty (not discretionary powers such as
/// releasing funds or ordering rectification): what a workbench lists.
pub fn is_duty(action: Action) -> bool {
    !matches!(
        action,
        Action::ReleaseFunds
            | Action::OrderRectification
            | Action::ImposeMeasure
            | Action::SignContract
            | Action::RequestAdjustment
            | Action::RejectAdjustment
            | Action::AppointTeam
            | Action::RecordAssessment
            | Action::ReturnStage
            | Action::CommissionPostEvaluation
            | Action::RequestSupplementaryInclusion
            | Action::AdjustProposal
            | Action::DisputeCard
            | Action::IssueCards
            | Action::ReportRating
    )
}
