//! Plans, filing and stage-by-stage approval: [7][9][10][11][12][13][14][15][16][27].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use govit_rules::derive::{funds_releasable, next_stage};
use govit_rules::vocab::*;

/// A planned project registered at `registered`, in wuhan.
fn planned(registered: i64) -> Sim {
    let mut sim = Sim::new();
    sim.registered("P", registered, "2022-01-05");
    sim.planned("P", "2022-01-10");
    sim
}

// [15] government_approval_threshold on the approved investment at the final stage --------------------------

#[test]
fn a_final_approval_of_29_999_999_needs_no_government_approval() {
    let mut sim = planned(29_999_999);
    sim.stage_approved("P", Stage::ImplementationPlan, 29_999_999, "2022-02-01");
    let p = sim.project("P");
    assert_eq!(p.status, Status::Approved);
    assert!(!p.government_approval_required);
    assert_eq!(p.approved_investment, Some(yuan(29_999_999)));
}

#[test]
fn a_final_approval_of_exactly_30m_awaits_the_municipal_government() {
    let mut sim = planned(30_000_000);
    sim.stage_approved("P", Stage::ImplementationPlan, 30_000_000, "2022-02-01");
    let p = sim.project("P");
    assert_eq!(p.status, Status::AwaitingGovernmentApproval);
    assert!(p.government_approval_required);
    assert_eq!(p.approved_investment, Some(yuan(30_000_000)), "the approved investment shows while awaiting");
}

#[test]
fn a_project_registered_at_30m_but_approved_at_29_999_999_needs_no_government_approval() {
    let mut sim = planned(30_000_000);
    assert!(sim.project("P").government_approval_required);
    sim.stage_approved("P", Stage::ImplementationPlan, 29_999_999, "2022-02-01");
    assert_eq!(sim.project("P").status, Status::Approved);
    assert!(!sim.project("P").government_approval_required);
}

#[test]
fn a_project_registered_at_1m_but_approved_at_30m_awaits_the_government() {
    let mut sim = planned(1_000_000);
    assert!(!sim.project("P").government_approval_required);
    sim.stage_approved("P", Stage::ImplementationPlan, 30_000_000, "2022-02-01");
    assert_eq!(sim.project("P").status, Status::AwaitingGovernmentApproval);
}

#[test]
fn an_intermediate_approval_of_30m_sets_the_flag_but_the_project_stays_in_approval() {
    let mut sim = planned(1_000_000);
    sim.stage_approved("P", Stage::Proposal, 30_000_000, "2022-02-01");
    let p = sim.project("P");
    assert_eq!(p.status, Status::InApproval);
    assert!(p.government_approval_required, "judged on the latest approved investment once a stage is approved");
}

#[test]
fn on_the_three_stage_path_only_the_preliminary_design_amount_decides_government_approval() {
    let mut sim = planned(30_000_000);
    sim.stage_approved("P", Stage::Proposal, 30_000_000, "2022-02-01");
    sim.stage_approved("P", Stage::FeasibilityStudy, 30_000_000, "2022-03-01");
    sim.stage_approved("P", Stage::PreliminaryDesign, 29_999_999, "2022-04-01");
    assert_eq!(sim.project("P").status, Status::Approved);
    assert!(!sim.project("P").government_approval_required);
}

#[test]
fn the_government_can_approve_only_a_project_awaiting_it() {
    let mut sim = planned(29_999_999);
    assert_refused(sim.act("2022-01-20", &government(), government_approve("P")), 15);
    sim.stage_approved("P", Stage::ImplementationPlan, 29_999_999, "2022-02-01");
    assert_refused(sim.act("2022-02-02", &government(), government_approve("P")), 15);
}

#[test]
fn the_governments_approval_clears_a_30m_project_for_construction() {
    let mut sim = planned(30_000_000);
    sim.stage_approved("P", Stage::ImplementationPlan, 30_000_000, "2022-02-01");
    assert!(!funds_releasable(sim.project("P")).construction);
    ok(sim.act("2022-02-10", &government(), government_approve("P")));
    assert_eq!(sim.project("P").status, Status::Approved);
    assert!(funds_releasable(sim.project("P")).construction);
    ok(sim.act("2022-02-11", &finance(), release_funds("P", Purpose::Construction, 30_000_000)));
}

#[test]
fn no_construction_funds_or_construction_while_awaiting_the_government() {
    let mut sim = planned(30_000_000);
    sim.stage_approved("P", Stage::ImplementationPlan, 30_000_000, "2022-02-01");
    assert_refused(sim.act("2022-02-02", &finance(), release_funds("P", Purpose::Construction, 1)), 14);
    ok(sim.act("2022-02-02", &owner(), appoint_team("P")));
    assert_refused(sim.act("2022-02-02", &owner(), start_construction("P")), 14);
}

#[test]
fn no_construction_funds_until_the_final_stage_of_the_three_is_approved() {
    let mut sim = planned(1_000_000);
    sim.stage_approved("P", Stage::Proposal, 1_000_000, "2022-02-01");
    sim.stage_approved("P", Stage::FeasibilityStudy, 1_000_000, "2022-03-01");
    assert_refused(sim.act("2022-03-02", &finance(), release_funds("P", Purpose::Construction, 1)), 14);
    sim.stage_approved("P", Stage::PreliminaryDesign, 1_000_000, "2022-04-01");
    ok(sim.act("2022-04-02", &finance(), release_funds("P", Purpose::Construction, 1)));
}

#[test]
fn a_district_project_approved_at_30m_still_needs_the_municipal_government() {
    let mut sim = Sim::new();
    sim.registered_in("P", 30_000_000, "jiangan", "2022-01-05");
    sim.planned("P", "2022-01-10");
    let decision = sim.stage_approved("P", Stage::ImplementationPlan, 30_000_000, "2022-02-01");
    assert_eq!(decision.policy, "wuhan@2021-08-21+jiangan@2021-10-01");
    assert_eq!(sim.project("P").status, Status::AwaitingGovernmentApproval);
}

#[test]
fn a_schools_own_project_approved_at_30m_by_its_industry_authority_awaits_the_government() {
    let mut sim = Sim::new();
    let mut r = registration(30_000_000);
    r.owner.kind = OwnerKind::School;
    r.self_built_self_used = true;
    r.industry_authority = Some(org(INDUSTRY_AUTHORITY));
    ok(sim.register("2022-01-05", &owner(), "P", r));
    sim.planned("P", "2022-01-10");
    sim.stage_approved("P", Stage::ImplementationPlan, 30_000_000, "2022-02-01");
    assert_eq!(sim.project("P").status, Status::AwaitingGovernmentApproval);
    ok(sim.act("2022-02-10", &government(), government_approve("P")));
    assert_eq!(sim.project("P").status, Status::Approved);
}

#[test]
fn a_government_threshold_lowered_by_a_later_version_applies_to_approvals_from_its_date() {
    use govit_rules::policy::Overrides;
    let mut sim = Sim::new().with_version(
        "wuhan",
        None,
        "2023-01-01",
        Overrides { government_approval_threshold: Some(yuan(20_000_000)), ..Overrides::default() },
    );
    sim.registered("P", 25_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    assert!(!sim.project("P").government_approval_required);
    sim.stage_approved("P", Stage::ImplementationPlan, 25_000_000, "2023-01-01");
    assert_eq!(sim.project("P").status, Status::AwaitingGovernmentApproval);
}

// [7] the annual plan ---------------------------------------------------------------------------------------

#[test]
fn a_project_not_in_an_approved_plan_may_not_apply_for_approval_or_filing() {
    let mut sim = Sim::new();
    sim.registered("A", 1_000_000, "2022-01-05");
    sim.registered("F", 100_000, "2022-01-05");
    assert_refused(sim.act("2022-01-06", &owner(), submit_stage("A", Stage::Proposal, 1_000_000)), 7);
    assert_refused(sim.act("2022-01-06", &owner(), file_record("F")), 7);
    ok(sim.act("2022-01-06", &owner(), propose("A", 2022)));
    assert_refused(sim.act("2022-01-07", &owner(), submit_stage("A", Stage::Proposal, 1_000_000)), 7);
}

#[test]
fn the_government_cannot_approve_a_plan_that_was_not_reviewed() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    ok(sim.act("2022-01-06", &owner(), propose("P", 2022)));
    assert_refused(sim.act("2022-01-07", &government(), approve_plan(2022, &wuhan())), 7);
}

#[test]
fn a_project_cut_from_the_plan_at_review_returns_to_registered() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.registered("Q", 1_000_000, "2022-01-05");
    ok(sim.act("2022-01-06", &owner(), propose("P", 2022)));
    ok(sim.act("2022-01-06", &owner(), propose("Q", 2022)));
    let review =
        govit_rules::Command::ReviewPlan { year: plan_year(2022), jurisdiction: None, exclude: vec![pid("Q")] };
    ok(sim.act("2022-01-07", &bureau(), review));
    ok(sim.act("2022-01-08", &government(), approve_plan(2022, &wuhan())));
    assert_eq!(sim.project("P").status, Status::Planned);
    assert_eq!(sim.project("Q").status, Status::Registered);
}

#[test]
fn a_plan_shows_each_project_as_awaiting_review_kept_by_the_review_included_or_cut() {
    use govit_rules::{Plan, PlanStanding, Project};
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.registered("Q", 1_000_000, "2022-01-05");
    ok(sim.act("2022-01-06", &owner(), propose("P", 2022)));
    ok(sim.act("2022-01-06", &owner(), propose("Q", 2022)));
    let plan = |sim: &Sim| sim.plans.get(&(wuhan(), 2022)).cloned().unwrap_or_else(|| Plan::new(wuhan(), 2022));
    let standing = |sim: &Sim, id: &str| PlanStanding::of(sim.project(id), &plan(sim));
    assert_eq!(standing(&sim, "P"), Some(PlanStanding::AwaitingReview));
    let review =
        govit_rules::Command::ReviewPlan { year: plan_year(2022), jurisdiction: None, exclude: vec![pid("Q")] };
    ok(sim.act("2022-01-07", &bureau(), review));
    assert_eq!(standing(&sim, "P"), Some(PlanStanding::ReviewedIn));
    assert_eq!(standing(&sim, "Q"), Some(PlanStanding::Excluded));
    ok(sim.act("2022-01-08", &government(), approve_plan(2022, &wuhan())));
    assert_eq!(standing(&sim, "P"), Some(PlanStanding::Included));
    assert_eq!(PlanStanding::Included.label(), "已列入年度实施计划");
    let projects: Vec<Project> = ["P", "Q"].iter().map(|id| sim.project(id).clone()).collect();
    assert_eq!(PlanStanding::in_plan(&projects, &plan(&sim)).len(), 2);
}

#[test]
fn a_supplementary_inclusion_for_any_other_reason_is_refused() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    let request = govit_rules::Command::RequestSupplementaryInclusion {
        project: pid("P"),
        year: plan_year(2022),
        reason: SupplementaryReason::Other,
    };
    assert_refused(sim.act("2022-03-01", &owner(), request), 7);
}

#[test]
fn an_urgent_or_required_supplementary_inclusion_approved_by_the_government_puts_the_project_in_the_plan() {
    for reason in [SupplementaryReason::Urgent, SupplementaryReason::LeadershipRequirement] {
        let mut sim = Sim::new();
        sim.registered("P", 1_000_000, "2022-01-05");
        let request =
            govit_rules::Command::RequestSupplementaryInclusion { project: pid("P"), year: plan_year(2022), reason };
        ok(sim.act("2022-03-01", &owner(), request));
        assert_eq!(sim.project("P").status, Status::Proposed);
        let approve = govit_rules::Command::ApproveSupplementaryInclusion { project: pid("P"), year: plan_year(2022) };
        ok(sim.act("2022-03-05", &government(), approve));
        assert_eq!(sim.project("P").status, Status::Planned);
        ok(sim.act("2022-03-06", &owner(), submit_stage("P", Stage::Proposal, 1_000_000)));
    }
}

#[test]
fn preliminary_work_funds_flow_once_the_plan_is_approved_and_not_before() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    assert_refused(sim.act("2022-01-06", &finance(), release_funds("P", Purpose::PreliminaryWork, 10_000)), 14);
    sim.planned("P", "2022-01-10");
    assert!(funds_releasable(sim.project("P")).preliminary_work);
    assert!(!funds_releasable(sim.project("P")).construction);
    ok(sim.act("2022-01-11", &finance(), release_funds("P", Purpose::PreliminaryWork, 10_000)));
    assert_refused(sim.act("2022-01-11", &finance(), release_funds("P", Purpose::Construction, 10_000)), 14);
}

// [10] stages -----------------------------------------------------------------------------------------------

#[test]
fn the_three_stages_run_proposal_feasibility_study_preliminary_design() {
    let mut sim = planned(1_000_000);
    assert_eq!(next_stage(sim.project("P")), Some(Stage::Proposal));
    assert_refused(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::FeasibilityStudy, 1_000_000)), 10);
    sim.stage_approved("P", Stage::Proposal, 1_000_000, "2022-02-01");
    assert_eq!(next_stage(sim.project("P")), Some(Stage::FeasibilityStudy));
    assert_refused(sim.act("2022-02-02", &owner(), submit_stage("P", Stage::PreliminaryDesign, 1_000_000)), 10);
    assert_refused(sim.act("2022-02-02", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)), 10);
    sim.stage_approved("P", Stage::FeasibilityStudy, 1_000_000, "2022-03-01");
    assert_eq!(next_stage(sim.project("P")), Some(Stage::PreliminaryDesign));
    sim.stage_approved("P", Stage::PreliminaryDesign, 1_000_000, "2022-04-01");
    assert_eq!(next_stage(sim.project("P")), None);
    assert_eq!(sim.project("P").status, Status::Approved);
}

#[test]
fn an_implementation_plan_without_design_depth_is_refused() {
    let mut sim = planned(1_000_000);
    let mut s = submission("P", Stage::ImplementationPlan, 1_000_000);
    s.design_depth_sufficient = false;
    assert_refused(sim.act("2022-01-20", &owner(), submit(s)), 10);
}

#[test]
fn no_stage_may_be_submitted_while_another_is_under_review() {
    let mut sim = planned(1_000_000);
    ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::Proposal, 1_000_000)));
    assert_eq!(next_stage(sim.project("P")), None);
    assert_refused(sim.act("2022-01-21", &owner(), submit_stage("P", Stage::Proposal, 1_000_000)), 10);
}

#[test]
fn a_returned_stage_is_submitted_again() {
    let mut sim = planned(1_000_000);
    ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
    ok(sim.act("2022-01-25", &bureau(), return_stage("P")));
    assert_eq!(sim.project("P").status, Status::InApproval);
    assert_eq!(next_stage(sim.project("P")), Some(Stage::ImplementationPlan));
    ok(sim.act("2022-01-30", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
}

// [11][12][13][27] what a submission must contain -----------------------------------------------------------

#[test]
fn a_proposal_needs_no_qualified_preparer_but_a_feasibility_study_does() {
    let mut sim = planned(1_000_000);
    let mut s = submission("P", Stage::Proposal, 1_000_000);
    s.preparer = Preparer::None;
    ok(sim.act("2022-01-20", &owner(), submit(s)));
    sim.evaluated("P", 1_000_000, "2022-01-21");
    ok(sim.act("2022-01-22", &bureau(), approve_stage("P", 1_000_000)));
    let mut s = submission("P", Stage::FeasibilityStudy, 1_000_000);
    s.preparer = Preparer::None;
    assert_refused(sim.act("2022-02-01", &owner(), submit(s)), 11);
}

#[test]
fn every_qualified_preparer_is_accepted_for_an_implementation_plan() {
    for preparer in [Preparer::ConsultingCredit, Preparer::DesignQualification, Preparer::Equivalent] {
        let mut sim = planned(1_000_000);
        let mut s = submission("P", Stage::ImplementationPlan, 1_000_000);
        s.preparer = preparer;
        ok(sim.act("2022-01-20", &owner(), submit(s)));
    }
}

#[test]
fn a_new_machine_room_private_network_or_standalone_mobile_entry_is_refused() {
    for build in [Build::NewMachineRoom, Build::PrivateNetwork, Build::StandaloneMobileEntry] {
        let mut sim = planned(1_000_000);
        let mut s = submission("P", Stage::ImplementationPlan, 1_000_000);
        s.builds.insert(build);
        assert_refused(sim.act("2022-01-20", &owner(), submit(s)), 12);
    }
}

#[test]
fn building_ones_own_platform_service_is_allowed_with_a_warning() {
    for build in [Build::OwnIdentityAuth, Build::OwnGis, Build::OwnBlockchain, Build::OwnAiPlatform] {
        let mut sim = planned(1_000_000);
        let mut s = submission("P", Stage::ImplementationPlan, 1_000_000);
        s.builds.insert(build);
        warned(sim.act("2022-01-20", &owner(), submit(s)), 12);
        assert_eq!(sim.project("P").warnings, articles(&[12]).into_iter().collect());
    }
}

#[test]
fn an_implementation_plan_without_a_sharing_chapter_or_cryptography_plan_is_refused() {
    for missing in [Document::InformationSharingAnalysis, Document::CryptographyPlan] {
        let mut sim = planned(1_000_000);
        let mut s = submission("P", Stage::ImplementationPlan, 1_000_000);
        s.documents.remove(&missing);
        assert_refused(sim.act("2022-01-20", &owner(), submit(s)), 13);
    }
}

#[test]
fn a_proposal_needs_only_the_secure_and_reliable_statement() {
    let mut sim = planned(1_000_000);
    let mut s = submission("P", Stage::Proposal, 1_000_000);
    s.documents = [Document::SecureReliableStatement].into_iter().collect();
    ok(sim.act("2022-01-20", &owner(), submit(s)));
}

#[test]
fn a_submission_without_the_secure_and_reliable_statement_is_refused() {
    let mut sim = planned(1_000_000);
    let mut s = submission("P", Stage::Proposal, 1_000_000);
    s.documents.remove(&Document::SecureReliableStatement);
    assert_refused(sim.act("2022-01-20", &owner(), submit(s)), 27);
}

#[test]
fn a_submission_breaking_several_articles_cites_them_in_the_tables_order() {
    let mut sim = planned(1_000_000);
    let mut s = submission("P", Stage::FeasibilityStudy, 1_000_000);
    s.preparer = Preparer::None;
    s.documents.clear();
    s.builds.insert(Build::NewMachineRoom);
    assert_eq!(refused(sim.act("2022-01-20", &owner(), submit(s))), articles(&[10, 11, 12, 13, 27]));
}

// [16] third-party review, [13] opinions --------------------------------------------------------------------

#[test]
fn nothing_submitted_nothing_to_commission_approve_or_return() {
    let mut sim = planned(1_000_000);
    assert_refused(sim.act("2022-01-20", &bureau(), commission_review("P")), 16);
    assert_refused(sim.act("2022-01-20", &bureau(), approve_stage("P", 1_000_000)), 16);
    assert_refused(sim.act("2022-01-20", &bureau(), return_stage("P")), 16);
}

#[test]
fn an_approval_without_an_evaluation_report_is_refused() {
    let mut sim = planned(1_000_000);
    ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
    assert_refused(sim.act("2022-01-21", &bureau(), approve_stage("P", 1_000_000)), 16);
    ok(sim.act("2022-01-21", &bureau(), commission_review("P")));
    assert_refused(sim.act("2022-01-22", &bureau(), approve_stage("P", 1_000_000)), 16);
}

#[test]
fn an_evaluation_that_was_not_commissioned_is_refused() {
    let mut sim = planned(1_000_000);
    ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
    assert_refused(sim.act("2022-01-21", &consultant(), submit_evaluation("P", 1_000_000)), 16);
}

#[test]
fn an_evaluation_or_approval_missing_an_opinion_is_refused() {
    for missing in Opinion::ALL {
        let mut sim = planned(1_000_000);
        ok(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::ImplementationPlan, 1_000_000)));
        ok(sim.act("2022-01-21", &bureau(), commission_review("P")));
        let mut opinions = all_opinions();
        opinions.remove(missing);
        let evaluation = govit_rules::Command::SubmitEvaluation {
            project: pid("P"),
            opinions: opinions.clone(),
            recommended_investment: positive(yuan(1_000_000)),
        };
        assert_refused(sim.act("2022-01-22", &consultant(), evaluation), 13);
        ok(sim.act("2022-01-22", &consultant(), submit_evaluation("P", 1_000_000)));
        let approval = govit_rules::Command::ApproveStage {
            project: pid("P"),
            approved_investment: positive(yuan(1_000_000)),
            opinions,
        };
        assert_refused(sim.act("2022-01-23", &bureau(), approval), 13);
    }
}

// [9] capital construction ----------------------------------------------------------------------------------

#[test]
fn a_capital_construction_project_is_approved_by_the_bureaus_technical_opinion() {
    let mut sim = Sim::new();
    let mut r = registration(5_000_000);
    r.bundled_with_fixed_asset = true;
    ok(sim.register("2022-01-05", &owner(), "P", r));
    sim.planned("P", "2022-01-10");
    assert_refused(sim.act("2022-01-20", &owner(), submit_stage("P", Stage::Proposal, 5_000_000)), 9);
    ok(sim.act("2022-01-20", &bureau(), issue_technical_opinion("P")));
    assert_eq!(sim.project("P").status, Status::Approved);
    assert_refused(sim.act("2022-01-21", &bureau(), issue_technical_opinion("P")), 9);
}

#[test]
fn only_a_capital_construction_project_gets_a_technical_opinion() {
    let mut sim = planned(1_000_000);
    assert_refused(sim.act("2022-01-20", &bureau(), issue_technical_opinion("P")), 9);
}
