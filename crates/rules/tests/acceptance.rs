//! Completion to operation: [21] acceptance and its window, [22] self-evaluation and its window, [27].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use govit_rules::Command;
use govit_rules::notice::Article;
use govit_rules::vocab::*;
use std::collections::BTreeSet;

// [21] acceptance_window_months, months clamped to the month's end ------------------------------------------

#[test]
fn acceptance_is_due_six_months_after_completion_clamped_to_the_end_of_february() {
    let mut sim = Sim::new();
    sim.completed("P", "2023-08-31");
    assert_eq!(sim.deadlines("P", "2023-08-31").get("acceptance"), Some(&(d("2023-08-31"), d("2024-02-29"))));
}

#[test]
fn in_a_common_year_the_clamp_falls_on_february_28th() {
    let mut sim = Sim::new();
    sim.completed("P", "2022-08-31");
    assert_eq!(sim.due("P", "acceptance", "2022-09-01"), Some(d("2023-02-28")));
}

#[test]
fn an_acceptance_on_the_due_date_is_not_late() {
    let mut sim = Sim::new();
    sim.completed("P", "2023-08-31");
    assert!(!sim.overdue("P", "2024-02-29").contains(&"acceptance".to_owned()));
    ok(sim.act("2024-02-29", &owner(), accept("P")));
    assert_eq!(sim.project("P").status, Status::Accepted);
    assert!(sim.project("P").warnings.is_empty());
}

#[test]
fn an_acceptance_the_day_after_the_due_date_is_accepted_with_a_warning() {
    let mut sim = Sim::new();
    sim.completed("P", "2023-08-31");
    assert!(sim.overdue("P", "2024-03-01").contains(&"acceptance".to_owned()));
    warned(sim.act("2024-03-01", &owner(), accept("P")), 21);
    assert_eq!(sim.project("P").status, Status::Accepted);
    assert_eq!(sim.project("P").warnings, BTreeSet::from([Article(21)]));
}

#[test]
fn once_accepted_the_acceptance_deadline_is_gone() {
    let mut sim = Sim::new();
    sim.completed("P", "2023-08-31");
    warned(sim.act("2024-05-01", &owner(), accept("P")), 21);
    assert!(!sim.deadlines("P", "2024-05-02").contains_key("acceptance"));
    assert!(!sim.overdue("P", "2024-05-02").contains(&"acceptance".to_owned()));
}

#[test]
fn the_acceptance_window_is_the_one_in_force_on_the_day_of_completion() {
    // wuchang extends the window to 9 months from 2024-01-01.
    for (id, completed, due) in [("A", "2023-12-31", "2024-06-30"), ("B", "2024-01-01", "2024-10-01")] {
        let mut sim = Sim::new();
        sim.registered_in(id, 1_000_000, "wuchang", "2023-01-05");
        sim.approve_existing(id, 1_000_000, "2023-01-10");
        sim.started(id, "2023-02-01");
        ok(sim.act(completed, &owner(), complete_construction(id)));
        assert_eq!(sim.due(id, "acceptance", completed), Some(d(due)), "{id}");
    }
}

#[test]
fn a_running_acceptance_window_is_not_extended_by_a_later_policy_version() {
    let mut sim = Sim::new();
    sim.registered_in("P", 1_000_000, "wuchang", "2023-01-05");
    sim.approve_existing("P", 1_000_000, "2023-01-10");
    sim.started("P", "2023-02-01");
    ok(sim.act("2023-12-31", &owner(), complete_construction("P")));
    sim.ready_for_acceptance("P", "2024-06-01");
    warned(sim.act("2024-07-01", &owner(), accept("P")), 21);
}

#[test]
fn a_nine_month_window_accepts_on_its_due_date_without_warning() {
    let mut sim = Sim::new();
    sim.registered_in("P", 1_000_000, "wuchang", "2024-01-05");
    sim.approve_existing("P", 1_000_000, "2024-01-10");
    sim.started("P", "2024-02-01");
    ok(sim.act("2024-05-31", &owner(), complete_construction("P")));
    assert_eq!(sim.due("P", "acceptance", "2024-05-31"), Some(d("2025-02-28")));
    sim.ready_for_acceptance("P", "2024-06-01");
    ok(sim.act("2025-02-28", &owner(), accept("P")));
}

// [21] what comes before acceptance; [27] what acceptance reviews ------------------------------------------

#[test]
fn the_bureau_confirms_only_after_all_four_assessments() {
    for missing in AssessmentKind::ALL {
        let mut sim = Sim::new();
        sim.under_construction("P", 1_000_000, "2022-03-01");
        ok(sim.act("2023-01-10", &owner(), complete_construction("P")));
        for kind in AssessmentKind::ALL.iter().filter(|k| *k != missing) {
            ok(sim.act("2023-01-11", &owner(), record_assessment("P", *kind)));
        }
        assert_refused(sim.act("2023-01-12", &bureau(), confirm_ready("P")), 21);
        ok(sim.act("2023-01-12", &owner(), record_assessment("P", *missing)));
        ok(sim.act("2023-01-13", &bureau(), confirm_ready("P")));
    }
}

#[test]
fn no_confirmation_before_completion() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    // The final-accounts audit waits for completion; the other three can be done on the system being built.
    for kind in AssessmentKind::ALL.iter().filter(|k| **k != AssessmentKind::FinalAccountsAudit) {
        ok(sim.act("2022-06-01", &owner(), record_assessment("P", *kind)));
    }
    assert_refused(sim.act("2022-06-01", &owner(), record_assessment("P", AssessmentKind::FinalAccountsAudit)), 21);
    assert_refused(sim.act("2022-06-02", &bureau(), confirm_ready("P")), 21);
}

#[test]
fn acceptance_without_the_bureaus_confirmation_is_refused() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    ok(sim.act("2023-01-10", &owner(), complete_construction("P")));
    assert_refused(sim.act("2023-01-11", &owner(), accept("P")), 21);
}

#[test]
fn acceptance_must_review_products_security_and_utilisation() {
    for missing in AcceptanceReview::ALL {
        let mut sim = Sim::new();
        sim.completed("P", "2023-01-10");
        let mut reviewed: BTreeSet<AcceptanceReview> = AcceptanceReview::ALL.iter().copied().collect();
        reviewed.remove(missing);
        assert_refused(sim.act("2023-01-11", &owner(), Command::Accept { project: pid("P"), reviewed }), 27);
    }
}

#[test]
fn acceptance_is_filed_with_the_approval_authority_only_after_it_happens() {
    let mut sim = Sim::new();
    sim.completed("P", "2023-01-10");
    assert_refused(sim.act("2023-01-11", &owner(), Command::FileAcceptance { project: pid("P") }), 21);
    ok(sim.act("2023-01-11", &owner(), accept("P")));
    ok(sim.act("2023-01-12", &owner(), Command::FileAcceptance { project: pid("P") }));
    assert_refused(sim.act("2023-01-13", &owner(), Command::FileAcceptance { project: pid("P") }), 21);
}

#[test]
fn assets_and_operation_come_only_after_acceptance() {
    let mut sim = Sim::new();
    sim.completed("P", "2023-01-10");
    assert_refused(sim.act("2023-01-11", &owner(), Command::RegisterAssets { project: pid("P") }), 22);
    assert_refused(sim.act("2023-01-11", &owner(), start_operation("P")), 22);
    ok(sim.act("2023-01-11", &owner(), accept("P")));
    ok(sim.act("2023-01-12", &owner(), Command::RegisterAssets { project: pid("P") }));
    ok(sim.act("2023-01-12", &owner(), start_operation("P")));
    assert_eq!(sim.project("P").status, Status::Operating);
}

// [22] self_evaluation_window_months = [12, 24] ------------------------------------------------------------

#[test]
fn the_self_evaluation_window_opens_12_and_closes_24_months_after_operation_starts() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-01-31");
    assert_eq!(sim.deadlines("P", "2023-01-31").get("self_evaluation"), Some(&(d("2024-01-31"), d("2025-01-31"))));
}

#[test]
fn the_self_evaluation_window_is_clamped_to_month_ends() {
    let mut sim = Sim::new();
    sim.operating("P", "2024-02-29");
    assert_eq!(sim.deadlines("P", "2024-02-29").get("self_evaluation"), Some(&(d("2025-02-28"), d("2026-02-28"))));
}

#[test]
fn a_self_evaluation_the_day_before_the_window_opens_is_refused() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-01-31");
    assert_refused(sim.act("2024-01-30", &owner(), self_evaluation("P")), 22);
    assert_eq!(sim.project("P").self_evaluation_on, None);
}

#[test]
fn a_self_evaluation_on_the_day_the_window_opens_is_accepted() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-01-31");
    ok(sim.act("2024-01-31", &owner(), self_evaluation("P")));
    assert!(!sim.deadlines("P", "2024-02-01").contains_key("self_evaluation"));
}

#[test]
fn a_self_evaluation_on_the_due_date_is_accepted_without_warning() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-01-31");
    assert!(!sim.overdue("P", "2025-01-31").contains(&"self_evaluation".to_owned()));
    ok(sim.act("2025-01-31", &owner(), self_evaluation("P")));
    assert!(sim.project("P").warnings.is_empty());
}

#[test]
fn a_self_evaluation_the_day_after_the_due_date_is_accepted_with_a_warning() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-01-31");
    assert!(sim.overdue("P", "2025-02-01").contains(&"self_evaluation".to_owned()));
    warned(sim.act("2025-02-01", &owner(), self_evaluation("P")), 22);
    assert_eq!(sim.project("P").warnings, BTreeSet::from([Article(22)]));
    assert!(!sim.overdue("P", "2025-02-02").contains(&"self_evaluation".to_owned()));
}

#[test]
fn a_self_evaluation_at_the_clamped_window_edges() {
    let mut sim = Sim::new();
    sim.operating("P", "2024-02-29");
    assert_refused(sim.act("2025-02-27", &owner(), self_evaluation("P")), 22);
    let mut late = sim.clone();
    ok(sim.act("2025-02-28", &owner(), self_evaluation("P")));
    warned(late.act("2026-03-01", &owner(), self_evaluation("P")), 22);
}

#[test]
fn a_self_evaluation_before_operation_or_a_second_one_is_refused() {
    let mut sim = Sim::new();
    sim.completed("P", "2023-01-10");
    ok(sim.act("2023-01-11", &owner(), accept("P")));
    assert_refused(sim.act("2024-06-01", &owner(), self_evaluation("P")), 22);
    ok(sim.act("2023-01-31", &owner(), start_operation("P")));
    ok(sim.act("2024-06-01", &owner(), self_evaluation("P")));
    assert_refused(sim.act("2024-06-02", &owner(), self_evaluation("P")), 22);
}

#[test]
fn a_post_evaluation_is_commissioned_only_once_the_self_evaluation_is_in() {
    let mut sim = Sim::new();
    sim.operating("P", "2023-01-31");
    assert_refused(sim.act("2024-02-01", &bureau(), commission_post_evaluation("P")), 22);
    ok(sim.act("2024-02-01", &owner(), self_evaluation("P")));
    ok(sim.act("2024-02-02", &bureau(), commission_post_evaluation("P")));
}

#[test]
fn a_district_window_of_6_to_18_months_applies_in_that_district() {
    use govit_rules::policy::{Overrides, Window};
    let mut sim = Sim::new().with_version(
        "hanyang",
        Some("wuhan"),
        "2022-01-01",
        Overrides { self_evaluation_window_months: Some(Window(6, 18)), ..Overrides::default() },
    );
    sim.registered_in("P", 1_000_000, "hanyang", "2022-01-05");
    sim.approve_existing("P", 1_000_000, "2022-01-10");
    sim.started("P", "2022-02-01");
    ok(sim.act("2022-08-31", &owner(), complete_construction("P")));
    sim.ready_for_acceptance("P", "2022-08-31");
    ok(sim.act("2022-08-31", &owner(), accept("P")));
    ok(sim.act("2022-08-31", &owner(), start_operation("P")));
    assert_eq!(sim.deadlines("P", "2022-09-01").get("self_evaluation"), Some(&(d("2023-02-28"), d("2024-02-29"))));
    assert_refused(sim.act("2023-02-27", &owner(), self_evaluation("P")), 22);
    ok(sim.act("2023-02-28", &owner(), self_evaluation("P")));
}
