//! Construction and funds: [14][17][18][19], and the adjustment basis in force on the action's date.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use govit_rules::Command;
use govit_rules::policy::{AdjustmentBasis, Overrides};
use govit_rules::vocab::*;

/// The outcome of one adjustment request on `sim`'s project `P`, on `on`.
fn request(sim: &mut Sim, on: &str, amount: i64) -> AdjustmentOutcome {
    request_with(sim, on, adjustment("P", amount, AdjustmentReason::TechnicalOptimization))
}

/// The outcome of one request; a change that needs re-approval is then rejected by the approver, so that the
/// next request is not refused for a pending one [19].
fn request_with(sim: &mut Sim, on: &str, r: govit_rules::command::RequestAdjustment) -> AdjustmentOutcome {
    ok(sim.act(on, &owner(), Command::RequestAdjustment(r)));
    let outcome = sim.project("P").last_adjustment.expect("the request is recorded");
    if outcome == AdjustmentOutcome::RequiresReapproval {
        let reject = Command::RejectAdjustment { project: pid("P"), reason: text("超出自行调整的范围") };
        let approver = sim.approver("P");
        ok(sim.act(on, &approver, reject));
    }
    outcome
}

/// Project `P` approved at 1,000,000 in wuhan and under construction from 2022-03-01.
fn building() -> Sim {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    sim
}

// [19] adjustment_tolerance: "不超过15%" is inclusive -------------------------------------------------------

#[test]
fn an_adjustment_of_exactly_15_percent_is_self_adjusted() {
    let mut sim = building();
    assert_eq!(request(&mut sim, "2022-04-01", 150_000), AdjustmentOutcome::SelfAdjusted);
    assert_eq!(sim.project("P").adjustment_used, yuan(150_000));
}

#[test]
fn an_adjustment_one_yuan_over_15_percent_requires_reapproval() {
    let mut sim = building();
    assert_eq!(request(&mut sim, "2022-04-01", 150_001), AdjustmentOutcome::RequiresReapproval);
    assert_eq!(sim.project("P").adjustment_used, yuan(0), "a refused self-adjustment uses none of the tolerance");
}

#[test]
fn the_tolerance_is_a_share_of_the_approved_not_the_registered_estimate() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    sim.stage_approved("P", Stage::ImplementationPlan, 800_000, "2022-02-01");
    assert_eq!(request(&mut sim, "2022-04-01", 120_001), AdjustmentOutcome::RequiresReapproval);
    assert_eq!(request(&mut sim, "2022-04-01", 120_000), AdjustmentOutcome::SelfAdjusted);
}

#[test]
fn on_an_estimate_not_divisible_by_the_share_the_limit_is_exact_not_rounded_up() {
    // 15% of 1,000,003 is 150,000.45: 150,000 is within, 150,001 is over.
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_003, "2022-03-01");
    assert_eq!(request(&mut sim, "2022-04-01", 150_001), AdjustmentOutcome::RequiresReapproval);
    assert_eq!(request(&mut sim, "2022-04-01", 150_000), AdjustmentOutcome::SelfAdjusted);
}

#[test]
fn on_a_filed_project_the_tolerance_is_a_share_of_the_filed_investment() {
    let mut sim = Sim::new();
    sim.filed("P", 400_000, "2022-01-05");
    assert_eq!(request(&mut sim, "2022-02-01", 60_001), AdjustmentOutcome::RequiresReapproval);
    assert_eq!(request(&mut sim, "2022-02-01", 60_000), AdjustmentOutcome::SelfAdjusted);
}

#[test]
fn a_district_tolerance_of_10_percent_applies_in_that_district() {
    let mut sim = Sim::new().with_version(
        "hanyang",
        Some("wuhan"),
        "2022-01-01",
        Overrides { adjustment_tolerance: govit_rules::money::BasisPoints::parse("10%"), ..Overrides::default() },
    );
    sim.registered_in("P", 1_000_000, "hanyang", "2022-01-05");
    sim.approve_existing("P", 1_000_000, "2022-01-10");
    assert_eq!(request(&mut sim, "2022-04-01", 100_001), AdjustmentOutcome::RequiresReapproval);
    assert_eq!(request(&mut sim, "2022-04-01", 100_000), AdjustmentOutcome::SelfAdjusted);
}

// [19] the other conditions ---------------------------------------------------------------------------------

#[test]
fn each_of_the_three_reasons_allows_a_self_adjustment() {
    for reason in [
        AdjustmentReason::SuperiorRequirement,
        AdjustmentReason::TechnicalOptimization,
        AdjustmentReason::BusinessDevelopment,
    ] {
        let mut sim = building();
        assert_eq!(request_with(&mut sim, "2022-04-01", adjustment("P", 1, reason)), AdjustmentOutcome::SelfAdjusted);
    }
}

#[test]
fn any_other_reason_requires_reapproval_even_for_one_yuan() {
    let mut sim = building();
    let r = adjustment("P", 1, AdjustmentReason::Other);
    assert_eq!(request_with(&mut sim, "2022-04-01", r), AdjustmentOutcome::RequiresReapproval);
}

#[test]
fn a_changed_goal_requires_reapproval() {
    let mut sim = building();
    let mut r = adjustment("P", 1, AdjustmentReason::TechnicalOptimization);
    r.goal_unchanged = false;
    assert_eq!(request_with(&mut sim, "2022-04-01", r), AdjustmentOutcome::RequiresReapproval);
}

#[test]
fn a_total_beyond_the_estimate_requires_reapproval() {
    let mut sim = building();
    let mut r = adjustment("P", 1, AdjustmentReason::TechnicalOptimization);
    r.within_estimate = false;
    assert_eq!(request_with(&mut sim, "2022-04-01", r), AdjustmentOutcome::RequiresReapproval);
}

#[test]
fn an_adjustment_request_is_never_refused_and_never_warns() {
    let mut sim = building();
    let mut r = adjustment("P", 999_999_999, AdjustmentReason::Other);
    r.goal_unchanged = false;
    r.within_estimate = false;
    ok(sim.act("2022-04-01", &owner(), Command::RequestAdjustment(r)));
    assert!(sim.project("P").warnings.is_empty());
}

// [19] adjustment_basis: cumulative (wuhan) vs per_change --------------------------------------------------

#[test]
fn with_the_cumulative_basis_adjustments_add_up_to_exactly_15_percent() {
    let mut sim = building();
    assert_eq!(request(&mut sim, "2022-04-01", 100_000), AdjustmentOutcome::SelfAdjusted);
    assert_eq!(request(&mut sim, "2022-05-01", 50_000), AdjustmentOutcome::SelfAdjusted);
    assert_eq!(sim.project("P").adjustment_used, yuan(150_000));
}

#[test]
fn with_the_cumulative_basis_one_yuan_past_the_running_total_requires_reapproval() {
    let mut sim = building();
    assert_eq!(request(&mut sim, "2022-04-01", 100_000), AdjustmentOutcome::SelfAdjusted);
    assert_eq!(request(&mut sim, "2022-05-01", 50_001), AdjustmentOutcome::RequiresReapproval);
    assert_eq!(sim.project("P").adjustment_used, yuan(100_000));
    assert_eq!(request(&mut sim, "2022-06-01", 50_000), AdjustmentOutcome::SelfAdjusted);
    assert_eq!(request(&mut sim, "2022-07-01", 1), AdjustmentOutcome::RequiresReapproval);
}

fn per_change_from(effective: &str) -> Sim {
    Sim::new().with_version(
        "wuhan",
        None,
        effective,
        Overrides { adjustment_basis: Some(AdjustmentBasis::PerChange), ..Overrides::default() },
    )
}

#[test]
fn with_the_per_change_basis_each_adjustment_is_held_to_15_percent_alone() {
    let mut sim = per_change_from("2022-01-01");
    sim.under_construction("P", 1_000_000, "2022-03-01");
    assert_eq!(request(&mut sim, "2022-04-01", 150_000), AdjustmentOutcome::SelfAdjusted);
    assert_eq!(request(&mut sim, "2022-05-01", 150_000), AdjustmentOutcome::SelfAdjusted);
    assert_eq!(request(&mut sim, "2022-06-01", 150_001), AdjustmentOutcome::RequiresReapproval);
    assert_eq!(sim.project("P").adjustment_used, yuan(300_000), "adjustment_used sums whatever the basis");
}

#[test]
fn the_basis_in_force_on_the_day_of_the_request_decides() {
    // wuchang's rules switch to per_change on 2024-01-01.
    let mut sim = Sim::new();
    sim.registered_in("P", 1_000_000, "wuchang", "2023-01-05");
    sim.approve_existing("P", 1_000_000, "2023-01-10");
    sim.started("P", "2023-02-01");
    assert_eq!(request(&mut sim, "2023-12-30", 100_000), AdjustmentOutcome::SelfAdjusted);
    assert_eq!(request(&mut sim, "2023-12-31", 100_000), AdjustmentOutcome::RequiresReapproval, "cumulative in 2023");
    let decision = ok(sim.act("2024-01-01", &owner(), adjust("P", 100_000)));
    assert!(sim.project("P").pending_adjustment.is_none(), "self-adjusted: nothing pending");
    assert_eq!(decision.policy, "wuhan@2021-08-21+wuchang@2022-01-01+wuchang@2024-01-01");
    assert_eq!(sim.project("P").last_adjustment, Some(AdjustmentOutcome::SelfAdjusted), "per_change from 2024");
    assert_eq!(sim.project("P").adjustment_used, yuan(200_000));
}

// [18] contracts and funds within the estimate -------------------------------------------------------------

#[test]
fn contracts_may_total_exactly_the_approved_investment_but_not_one_yuan_more() {
    let mut sim = building();
    ok(sim.act("2022-04-01", &owner(), sign_contract("P", "C1", 600_000)));
    assert_refused(sim.act("2022-04-02", &owner(), sign_contract("P", "C2", 400_001)), 18);
    ok(sim.act("2022-04-02", &owner(), sign_contract("P", "C2", 400_000)));
    assert_refused(sim.act("2022-04-03", &owner(), sign_contract("P", "C3", 1)), 18);
}

#[test]
fn funds_released_including_preliminary_work_may_total_exactly_the_approved_investment() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    ok(sim.act("2022-01-11", &finance(), release_funds("P", Purpose::PreliminaryWork, 100_000)));
    sim.stage_approved("P", Stage::ImplementationPlan, 900_000, "2022-02-01");
    assert_refused(sim.act("2022-02-02", &finance(), release_funds("P", Purpose::Construction, 800_001)), 18);
    ok(sim.act("2022-02-02", &finance(), release_funds("P", Purpose::Construction, 800_000)));
    assert_refused(sim.act("2022-02-03", &finance(), release_funds("P", Purpose::PreliminaryWork, 1)), 18);
}

#[test]
fn before_any_approval_funds_are_held_to_the_registered_investment() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    assert_refused(sim.act("2022-01-11", &finance(), release_funds("P", Purpose::PreliminaryWork, 1_000_001)), 18);
    ok(sim.act("2022-01-11", &finance(), release_funds("P", Purpose::PreliminaryWork, 1_000_000)));
}

#[test]
fn construction_funds_that_are_both_early_and_too_much_cite_14_first() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    assert_eq!(
        refused(sim.act("2022-01-11", &finance(), release_funds("P", Purpose::Construction, 2_000_000))),
        articles(&[14, 18])
    );
}

// [14][17] starting construction ----------------------------------------------------------------------------

#[test]
fn construction_needs_an_implementing_agency_and_a_responsible_person() {
    let mut sim = Sim::new();
    sim.approved("P", 1_000_000, "2022-02-01");
    assert_refused(sim.act("2022-03-01", &owner(), start_construction("P")), 17);
    ok(sim.act("2022-03-01", &owner(), appoint_team("P")));
    ok(sim.act("2022-03-01", &owner(), start_construction("P")));
}

#[test]
fn construction_cannot_start_before_approval_or_filing() {
    let mut sim = Sim::new();
    sim.registered("P", 1_000_000, "2022-01-05");
    sim.planned("P", "2022-01-10");
    ok(sim.act("2022-01-11", &owner(), appoint_team("P")));
    assert_refused(sim.act("2022-01-12", &owner(), start_construction("P")), 14);
}

#[test]
fn a_filed_project_may_start_construction_and_receive_construction_funds() {
    let mut sim = Sim::new();
    sim.filed("P", 400_000, "2022-01-05");
    ok(sim.act("2022-01-06", &finance(), release_funds("P", Purpose::Construction, 400_000)));
    sim.started("P", "2022-01-07");
}

#[test]
fn a_project_that_is_not_under_construction_cannot_complete() {
    let mut sim = Sim::new();
    sim.approved("P", 1_000_000, "2022-02-01");
    assert_refused(sim.act("2022-03-01", &owner(), complete_construction("P")), 21);
}
