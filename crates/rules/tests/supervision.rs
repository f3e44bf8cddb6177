//! Supervision [25]: rectification with a due date, measures only once it has passed unrectified, and a
//! terminated project that accepts nothing more.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use govit_rules::Command;
use govit_rules::derive::funds_releasable;
use govit_rules::vocab::*;

/// Project `P` under construction from 2022-03-01, ordered on 2022-05-01 to rectify by 2022-06-30.
fn ordered() -> Sim {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    ok(sim.act("2022-05-01", &cyberspace_office(), order_rectification("P", Area::Cybersecurity, "2022-06-30")));
    sim
}

/// `ordered()`, then terminated on 2022-07-01.
fn terminated() -> Sim {
    let mut sim = ordered();
    ok(sim.act("2022-07-01", &bureau(), impose("P", Measure::Terminate)));
    assert_eq!(sim.project("P").status, Status::Terminated);
    sim
}

// The rectification deadline --------------------------------------------------------------------------------

#[test]
fn a_rectification_is_pending_from_its_order_until_its_due_date() {
    let sim = ordered();
    assert_eq!(sim.deadlines("P", "2022-05-01").get("rectification"), Some(&(d("2022-05-01"), d("2022-06-30"))));
    assert!(!sim.overdue("P", "2022-06-30").contains(&"rectification".to_owned()));
    assert!(sim.overdue("P", "2022-07-01").contains(&"rectification".to_owned()));
}

#[test]
fn the_earliest_open_rectification_is_the_one_shown() {
    let mut sim = ordered();
    ok(sim.act("2022-05-02", &finance(), order_rectification("P", Area::Funds, "2022-05-31")));
    assert_eq!(sim.due("P", "rectification", "2022-05-02"), Some(d("2022-05-31")));
}

#[test]
fn a_rectification_due_before_the_day_it_is_ordered_is_refused() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    assert_refused(sim.act("2022-05-01", &bureau(), order_rectification("P", Area::Funds, "2022-04-30")), 25);
    assert!(sim.project("P").rectifications.is_empty());
}

#[test]
fn a_rectification_due_the_same_day_is_accepted_and_overdue_the_next() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    ok(sim.act("2022-05-01", &bureau(), order_rectification("P", Area::Funds, "2022-05-01")));
    assert_refused(sim.act("2022-05-01", &bureau(), impose("P", Measure::PublicCriticism)), 25);
    ok(sim.act("2022-05-02", &bureau(), impose("P", Measure::PublicCriticism)));
}

// impose_measure: due day vs the day after ------------------------------------------------------------------

#[test]
fn no_measure_may_be_imposed_on_the_rectification_due_day() {
    for measure in Measure::ALL {
        let mut sim = ordered();
        assert_refused(sim.act("2022-06-30", &bureau(), impose("P", *measure)), 25);
        assert!(sim.project("P").measures.is_empty());
    }
}

#[test]
fn every_measure_may_be_imposed_the_day_after_the_due_day_passes_unrectified() {
    for measure in Measure::ALL {
        let mut sim = ordered();
        ok(sim.act("2022-07-01", &bureau(), impose("P", *measure)));
        assert_eq!(sim.project("P").measures, vec![(*measure, d("2022-07-01"))]);
    }
}

#[test]
fn no_measure_without_any_rectification_ordered() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    assert_refused(sim.act("2022-07-01", &bureau(), impose("P", Measure::PublicCriticism)), 25);
}

#[test]
fn a_rectification_reported_on_the_due_day_prevents_any_measure() {
    let mut sim = ordered();
    ok(sim.act("2022-06-30", &owner(), report_rectified("P")));
    assert!(!sim.deadlines("P", "2022-06-30").contains_key("rectification"));
    assert!(sim.overdue("P", "2022-07-01").is_empty());
    assert_refused(sim.act("2022-07-01", &bureau(), impose("P", Measure::PublicCriticism)), 25);
}

#[test]
fn a_measure_needs_an_overdue_rectification_not_just_an_open_one() {
    let mut sim = ordered();
    ok(sim.act("2022-06-30", &owner(), report_rectified("P")));
    ok(sim.act("2022-07-01", &bureau(), order_rectification("P", Area::Procurement, "2022-08-31")));
    assert_refused(sim.act("2022-08-31", &bureau(), impose("P", Measure::PublicCriticism)), 25);
    ok(sim.act("2022-09-01", &bureau(), impose("P", Measure::PublicCriticism)));
}

#[test]
fn nothing_open_nothing_to_report_rectified() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    assert_refused(sim.act("2022-05-01", &owner(), report_rectified("P")), 25);
}

// Suspension --------------------------------------------------------------------------------------------------

#[test]
fn only_a_project_under_construction_can_be_suspended() {
    let mut sim = Sim::new();
    sim.approved("P", 1_000_000, "2022-02-01");
    ok(sim.act("2022-05-01", &bureau(), order_rectification("P", Area::Funds, "2022-06-30")));
    assert_refused(sim.act("2022-07-01", &bureau(), impose("P", Measure::SuspendConstruction)), 25);
}

#[test]
fn a_suspended_project_gets_no_construction_funds_and_cannot_complete() {
    let mut sim = ordered();
    ok(sim.act("2022-07-01", &bureau(), impose("P", Measure::SuspendConstruction)));
    assert!(!funds_releasable(sim.project("P")).construction);
    assert_refused(sim.act("2022-07-02", &finance(), release_funds("P", Purpose::Construction, 1)), 25);
    assert_refused(sim.act("2022-07-02", &owner(), complete_construction("P")), 25);
}

#[test]
fn a_suspension_is_lifted_only_once_nothing_is_open_and_stays_until_lifted() {
    let mut sim = ordered();
    ok(sim.act("2022-07-01", &bureau(), impose("P", Measure::SuspendConstruction)));
    assert_refused(sim.act("2022-07-02", &bureau(), lift_suspension("P")), 25);
    ok(sim.act("2022-07-03", &owner(), report_rectified("P")));
    assert_eq!(sim.project("P").status, Status::Suspended, "suspended until lifted, even once rectified");
    ok(sim.act("2022-07-04", &bureau(), lift_suspension("P")));
    assert_eq!(sim.project("P").status, Status::UnderConstruction);
    ok(sim.act("2022-07-05", &finance(), release_funds("P", Purpose::Construction, 1)));
}

#[test]
fn a_project_that_is_not_suspended_cannot_have_its_suspension_lifted() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    assert_refused(sim.act("2022-05-01", &bureau(), lift_suspension("P")), 25);
}

// A terminated project refuses everything --------------------------------------------------------------------

#[test]
fn a_terminated_project_refuses_every_action_of_its_owner() {
    let commands = [
        appoint_team("P"),
        start_construction("P"),
        sign_contract("P", "C9", 1),
        adjust("P", 1),
        annual_report("P", 2022),
        complete_construction("P"),
        record_assessment("P", AssessmentKind::SecurityRiskAssessment),
        accept("P"),
        Command::FileAcceptance { project: pid("P") },
        Command::RegisterAssets { project: pid("P") },
        start_operation("P"),
        self_evaluation("P"),
        report_rectified("P"),
        submit_stage("P", Stage::Proposal, 1_000_000),
        file_record("P"),
        propose("P", 2023),
    ];
    for command in commands {
        let mut sim = terminated();
        let what = format!("{:?}", command.action());
        match sim.act("2022-07-02", &owner(), command) {
            Err(govit_rules::Rejection::Refused(r)) => assert_eq!(r.articles(), articles(&[25]), "{what}"),
            other => panic!("{what}: expected a refusal citing [25], got {other:?}"),
        }
    }
}

#[test]
fn a_terminated_project_refuses_every_action_of_the_authorities() {
    let steps = [
        (bureau(), impose("P", Measure::PublicCriticism)),
        (bureau(), impose("P", Measure::Terminate)),
        (bureau(), lift_suspension("P")),
        (bureau(), order_rectification("P", Area::Funds, "2022-12-31")),
        (bureau(), commission_review("P")),
        (bureau(), approve_stage("P", 1_000_000)),
        (bureau(), confirm_ready("P")),
        (bureau(), commission_post_evaluation("P")),
        (finance(), release_funds("P", Purpose::PreliminaryWork, 1)),
        (finance(), release_funds("P", Purpose::Construction, 1)),
        (government(), government_approve("P")),
        (consultant(), submit_evaluation("P", 1_000_000)),
        (audit(), order_rectification("P", Area::Funds, "2022-12-31")),
    ];
    for (who, command) in steps {
        let mut sim = terminated();
        let what = format!("{:?} by {:?}", command.action(), who.role);
        match sim.act("2022-07-02", &who, command) {
            Err(govit_rules::Rejection::Refused(r)) => assert_eq!(r.articles(), articles(&[25]), "{what}"),
            other => panic!("{what}: expected a refusal citing [25], got {other:?}"),
        }
    }
}

#[test]
fn a_terminated_project_has_no_deadlines_and_no_funds() {
    let sim = terminated();
    assert!(sim.deadlines("P", "2023-06-01").is_empty());
    assert!(sim.overdue("P", "2023-06-01").is_empty());
    let funds = funds_releasable(sim.project("P"));
    assert!(!funds.construction && !funds.preliminary_work);
    assert_eq!(govit_rules::derive::next_stage(sim.project("P")), None);
}

#[test]
fn someone_without_the_power_is_forbidden_even_on_a_terminated_project() {
    let mut sim = terminated();
    assert_forbidden(sim.act("2022-07-02", &other_owner(), annual_report("P", 2022)));
    assert_forbidden(sim.act("2022-07-02", &finance(), impose("P", Measure::PublicCriticism)));
}

#[test]
fn a_project_terminated_in_approval_refuses_the_next_stage() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    ok(sim.act("2022-01-20", &bureau(), order_rectification("P", Area::InformationSharing, "2022-01-31")));
    ok(sim.act("2022-02-01", &bureau(), impose("P", Measure::Terminate)));
    assert_refused(sim.act("2022-02-02", &owner(), submit_stage("P", Stage::Proposal, 1_000_000)), 25);
}
