//! Deadlines during construction and operation: [20] the annual performance report, [26] the periodic
//! cryptography assessment. A deadline is met by an action on the due date itself; the day after, it is
//! overdue.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use govit_rules::Command;
use govit_rules::date::MonthDay;
use govit_rules::policy::{Months, Overrides};
use govit_rules::vocab::*;
use std::collections::BTreeSet;

fn names(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

/// Project `P` approved at 1,000,000 on 2022-02-01, construction from `start`.
fn building_from(start: &str) -> Sim {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, start);
    sim
}

// [20] annual_report_due = 12-31 ---------------------------------------------------------------------------

#[test]
fn the_current_years_report_is_pending_from_the_start_of_construction() {
    let sim = building_from("2022-03-01");
    assert_eq!(sim.deadlines("P", "2022-03-01").get("annual_report_2022"), Some(&(d("2022-03-01"), d("2022-12-31"))));
}

#[test]
fn no_report_is_pending_before_construction_starts() {
    let mut sim = Sim::new();
    sim.approved("P", 1_000_000, "2022-02-01");
    assert!(sim.deadlines("P", "2022-12-31").is_empty());
    assert_refused(sim.act("2022-12-31", &owner(), annual_report("P", 2022)), 20);
}

#[test]
fn the_next_years_report_is_pending_from_the_first_of_january() {
    let sim = building_from("2022-03-01");
    assert_eq!(sim.deadlines("P", "2023-01-01").get("annual_report_2023"), Some(&(d("2023-01-01"), d("2023-12-31"))));
    assert!(!sim.deadlines("P", "2022-12-31").contains_key("annual_report_2023"));
}

#[test]
fn an_annual_report_on_the_due_day_is_not_late() {
    let mut sim = building_from("2022-03-01");
    assert!(sim.overdue("P", "2022-12-31").is_empty());
    ok(sim.act("2022-12-31", &owner(), annual_report("P", 2022)));
    assert!(!sim.deadlines("P", "2022-12-31").contains_key("annual_report_2022"));
    assert!(sim.overdue("P", "2023-01-01").is_empty());
}

#[test]
fn the_day_after_the_due_day_the_report_is_overdue() {
    let sim = building_from("2022-03-01");
    assert_eq!(sim.overdue("P", "2023-01-01"), names(&["annual_report_2022"]));
}

#[test]
fn a_late_report_is_accepted_without_warning() {
    let mut sim = building_from("2022-03-01");
    ok(sim.act("2023-03-01", &owner(), annual_report("P", 2022)));
    assert!(sim.overdue("P", "2023-03-01").is_empty());
    assert!(sim.project("P").warnings.is_empty());
}

#[test]
fn reports_owed_for_several_years_are_each_overdue() {
    let sim = building_from("2022-03-01");
    assert_eq!(sim.overdue("P", "2024-01-01"), names(&["annual_report_2022", "annual_report_2023"]));
    assert!(sim.deadlines("P", "2024-01-01").contains_key("annual_report_2024"));
}

#[test]
fn a_project_completed_the_day_before_the_due_day_owes_no_report_for_that_year() {
    let mut sim = building_from("2022-03-01");
    ok(sim.act("2022-12-30", &owner(), complete_construction("P")));
    assert!(!sim.deadlines("P", "2022-12-30").contains_key("annual_report_2022"));
    assert!(!sim.overdue("P", "2023-01-01").contains(&"annual_report_2022".to_owned()));
    assert_refused(sim.act("2022-12-31", &owner(), annual_report("P", 2022)), 20);
}

#[test]
fn a_project_completed_on_the_due_day_owes_no_report_for_that_year() {
    let mut sim = building_from("2022-03-01");
    assert!(sim.deadlines("P", "2022-12-30").contains_key("annual_report_2022"));
    ok(sim.act("2022-12-31", &owner(), complete_construction("P")));
    assert!(!sim.deadlines("P", "2022-12-31").contains_key("annual_report_2022"));
    assert!(!sim.overdue("P", "2023-01-01").contains(&"annual_report_2022".to_owned()));
    assert_refused(sim.act("2023-01-01", &owner(), annual_report("P", 2022)), 20);
}

#[test]
fn a_project_completed_the_day_after_the_due_day_still_owes_that_years_report() {
    let mut sim = building_from("2022-03-01");
    ok(sim.act("2023-01-01", &owner(), complete_construction("P")));
    let overdue = sim.overdue("P", "2023-01-02");
    assert!(overdue.contains(&"annual_report_2022".to_owned()), "{overdue:?}");
    assert!(!sim.deadlines("P", "2023-01-02").contains_key("annual_report_2023"));
    ok(sim.act("2023-01-02", &owner(), annual_report("P", 2022)));
    assert_refused(sim.act("2023-01-02", &owner(), annual_report("P", 2023)), 20);
}

#[test]
fn construction_started_on_the_due_day_owes_that_years_report() {
    let mut sim = building_from("2022-12-31");
    assert_eq!(sim.deadlines("P", "2022-12-31").get("annual_report_2022"), Some(&(d("2022-12-31"), d("2022-12-31"))));
    assert_eq!(sim.overdue("P", "2023-01-01"), names(&["annual_report_2022"]));
    ok(sim.act("2022-12-31", &owner(), annual_report("P", 2022)));
}

#[test]
fn construction_started_on_new_years_day_owes_no_report_for_the_year_before() {
    let mut sim = building_from("2023-01-01");
    assert!(!sim.deadlines("P", "2023-01-01").contains_key("annual_report_2022"));
    assert_refused(sim.act("2023-01-01", &owner(), annual_report("P", 2022)), 20);
}

#[test]
fn the_current_years_report_may_be_submitted_before_the_due_day() {
    let mut sim = building_from("2022-03-01");
    ok(sim.act("2022-06-01", &owner(), annual_report("P", 2022)));
    assert!(!sim.deadlines("P", "2022-06-02").contains_key("annual_report_2022"));
}

#[test]
fn a_report_for_a_year_not_yet_begun_or_a_second_report_is_refused() {
    let mut sim = building_from("2022-03-01");
    assert_refused(sim.act("2022-12-31", &owner(), annual_report("P", 2023)), 20);
    ok(sim.act("2022-12-31", &owner(), annual_report("P", 2022)));
    assert_refused(sim.act("2022-12-31", &owner(), annual_report("P", 2022)), 20);
}

#[test]
fn a_report_needs_the_opinions_of_the_user_units_and_the_supervision_unit() {
    for missing in ReportOpinion::ALL {
        let mut sim = building_from("2022-03-01");
        let mut opinions_from: BTreeSet<ReportOpinion> = ReportOpinion::ALL.iter().copied().collect();
        opinions_from.remove(missing);
        let report =
            Command::SubmitAnnualReport { project: pid("P"), year: plan_year(2022), opinions_from, self_rating: None };
        assert_refused(sim.act("2022-12-01", &owner(), report), 20);
    }
}

#[test]
fn a_suspended_project_is_still_in_its_construction_period() {
    let mut sim = building_from("2022-03-01");
    ok(sim.act("2022-05-01", &bureau(), order_rectification("P", Area::Funds, "2022-06-30")));
    ok(sim.act("2022-07-01", &bureau(), impose("P", Measure::SuspendConstruction)));
    assert_eq!(sim.project("P").status, Status::Suspended);
    assert!(sim.overdue("P", "2023-01-01").contains(&"annual_report_2022".to_owned()));
    ok(sim.act("2022-12-31", &owner(), annual_report("P", 2022)));
}

fn due_on_june_30th_in_hanyang() -> Sim {
    Sim::new().with_version(
        "hanyang",
        Some("wuhan"),
        "2022-01-01",
        Overrides { annual_report_due: Some(MonthDay::new(6, 30).unwrap()), ..Overrides::default() },
    )
}

#[test]
fn a_district_due_day_of_june_30th_is_met_on_june_30th_and_overdue_on_july_1st() {
    let mut sim = due_on_june_30th_in_hanyang();
    sim.registered_in("P", 1_000_000, "hanyang", "2022-01-05");
    sim.approve_existing("P", 1_000_000, "2022-01-10");
    sim.started("P", "2022-03-01");
    assert_eq!(sim.due("P", "annual_report_2022", "2022-03-01"), Some(d("2022-06-30")));
    assert!(sim.overdue("P", "2022-06-30").is_empty());
    assert_eq!(sim.overdue("P", "2022-07-01"), names(&["annual_report_2022"]));
}

#[test]
fn construction_started_after_a_june_30th_due_day_owes_no_report_that_year() {
    let mut sim = due_on_june_30th_in_hanyang();
    sim.registered_in("P", 1_000_000, "hanyang", "2022-01-05");
    sim.approve_existing("P", 1_000_000, "2022-01-10");
    sim.started("P", "2022-07-01");
    assert!(!sim.deadlines("P", "2022-07-01").contains_key("annual_report_2022"));
    assert_refused(sim.act("2022-07-02", &owner(), annual_report("P", 2022)), 20);
    assert_eq!(sim.due("P", "annual_report_2023", "2023-01-01"), Some(d("2023-06-30")));
}

// [26] cryptography_assessment_interval_months = 12 --------------------------------------------------------

#[test]
fn the_first_cryptography_assessment_is_due_twelve_months_after_operation_starts() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-03-15");
    assert_eq!(
        sim.deadlines("P", "2023-03-15").get("cryptography_assessment"),
        Some(&(d("2023-03-15"), d("2024-03-15")))
    );
}

#[test]
fn a_cryptography_assessment_on_the_due_day_is_not_late() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-03-15");
    assert!(!sim.overdue("P", "2024-03-15").contains(&"cryptography_assessment".to_owned()));
    ok(sim.act("2024-03-15", &owner(), record_assessment("P", AssessmentKind::CryptographyAssessment)));
    assert_eq!(sim.due("P", "cryptography_assessment", "2024-03-16"), Some(d("2025-03-15")));
    assert!(!sim.overdue("P", "2024-03-16").contains(&"cryptography_assessment".to_owned()));
}

#[test]
fn the_day_after_the_due_day_the_cryptography_assessment_is_overdue() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-03-15");
    assert!(sim.overdue("P", "2024-03-16").contains(&"cryptography_assessment".to_owned()));
}

#[test]
fn an_early_assessment_restarts_the_interval_from_its_own_date() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-03-15");
    ok(sim.act("2023-09-30", &owner(), record_assessment("P", AssessmentKind::CryptographyAssessment)));
    assert_eq!(
        sim.deadlines("P", "2023-10-01").get("cryptography_assessment"),
        Some(&(d("2023-09-30"), d("2024-09-30")))
    );
}

#[test]
fn the_assessment_before_acceptance_does_not_start_the_operating_interval() {
    let mut sim = Sim::new();
    sim.completed("P", "2023-01-10");
    ok(sim.act("2023-01-11", &owner(), accept("P")));
    ok(sim.act("2023-03-15", &owner(), start_operation("P")));
    assert_eq!(sim.due("P", "cryptography_assessment", "2023-03-15"), Some(d("2024-03-15")));
}

#[test]
fn the_cryptography_interval_is_clamped_to_the_end_of_february() {
    let mut sim = Sim::new();
    sim.operating("P", "2024-02-29");
    assert_eq!(sim.due("P", "cryptography_assessment", "2024-02-29"), Some(d("2025-02-28")));
    assert!(!sim.overdue("P", "2025-02-28").contains(&"cryptography_assessment".to_owned()));
    assert!(sim.overdue("P", "2025-03-01").contains(&"cryptography_assessment".to_owned()));
}

#[test]
fn a_district_interval_of_six_months_applies_in_that_district() {
    let mut sim = Sim::new().with_version(
        "hanyang",
        Some("wuhan"),
        "2022-01-01",
        Overrides { cryptography_assessment_interval_months: Some(Months(6)), ..Overrides::default() },
    );
    sim.registered_in("P", 1_000_000, "hanyang", "2022-01-05");
    sim.approve_existing("P", 1_000_000, "2022-01-10");
    sim.started("P", "2022-02-01");
    ok(sim.act("2022-08-31", &owner(), complete_construction("P")));
    sim.ready_for_acceptance("P", "2022-08-31");
    ok(sim.act("2022-08-31", &owner(), accept("P")));
    ok(sim.act("2022-08-31", &owner(), start_operation("P")));
    assert_eq!(sim.due("P", "cryptography_assessment", "2022-08-31"), Some(d("2023-02-28")));
}
