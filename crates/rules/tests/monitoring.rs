//! 电子监察 [25] and the health rating: cards issued and cleared as facts, disputes, the owner's own rating
//! [20] beside the computed one, and what a month's ranking counts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use govit_rules::Command;
use govit_rules::cards::Closure;
use govit_rules::derive::DeadlineName;
use govit_rules::ranking::{Facts, Period, RankRow, Tally, rank};
use govit_rules::rating::{self, HealthLevel};
use govit_rules::vocab::*;

fn issue(sim: &mut Sim, on: &str) -> Answer {
    sim.act(on, &bureau(), Command::IssueCards { project: pid("P") })
}

fn dispute(deadline: DeadlineName) -> Command {
    Command::DisputeCard { project: pid("P"), deadline, reason: text("已线下报送") }
}

fn resolve(deadline: DeadlineName, outcome: DisputeOutcome) -> Command {
    Command::ResolveCardDispute { project: pid("P"), deadline, outcome, note: None }
}

fn report_rating(level: HealthLevel) -> Command {
    Command::ReportRating { project: pid("P"), level, note: text("按计划推进") }
}

/// `P` under construction from 2022-03-01, ordered on 2022-05-01 to rectify by 2022-06-30.
fn ordered() -> Sim {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    ok(sim.act("2022-05-01", &bureau(), order_rectification("P", Area::Funds, "2022-06-30")));
    sim
}

// Cards ---------------------------------------------------------------------------------------------------

#[test]
fn the_daily_run_issues_a_card_once_and_a_second_run_the_same_day_is_refused() {
    let mut sim = ordered();
    assert_refused(issue(&mut sim, "2022-06-14"), 25);
    ok(issue(&mut sim, "2022-06-15"));
    assert_eq!(sim.project("P").open_card(DeadlineName::Rectification).map(|c| c.card), Some(Card::Yellow));
    assert_refused(issue(&mut sim, "2022-06-15"), 25);
}

#[test]
fn a_red_card_replaces_the_yellow_one_of_its_deadline() {
    let mut sim = ordered();
    ok(issue(&mut sim, "2022-06-20"));
    ok(issue(&mut sim, "2022-07-01"));
    let p = sim.project("P");
    assert_eq!(p.open_cards().map(|c| c.card).collect::<Vec<_>>(), vec![Card::Red]);
    assert_eq!(p.cards[0].closed, Some((Closure::Escalated, d("2022-07-01"))));
}

#[test]
fn the_decision_that_meets_the_obligation_clears_its_card_in_the_same_decision() {
    let mut sim = ordered();
    ok(issue(&mut sim, "2022-07-01"));
    let decision = ok(sim.act("2022-07-05", &owner(), report_rectified("P")));
    let kinds: Vec<&str> = decision.events.iter().map(govit_rules::Event::kind).collect();
    assert_eq!(kinds, ["rectification_reported", "card_cleared"]);
    assert!(sim.project("P").open_cards().next().is_none());
}

#[test]
fn a_withdrawn_card_is_not_issued_again_for_that_due_date_even_once_overdue() {
    let mut sim = ordered();
    ok(issue(&mut sim, "2022-06-20"));
    ok(sim.act("2022-06-21", &owner(), dispute(DeadlineName::Rectification)));
    ok(sim.act("2022-06-22", &bureau(), resolve(DeadlineName::Rectification, DisputeOutcome::Withdrawn)));
    assert_refused(issue(&mut sim, "2022-07-05"), 25);
    assert!(sim.overdue("P", "2022-07-05").contains(&"rectification".to_owned()));
}

#[test]
fn a_card_is_disputed_once_and_only_by_its_owner() {
    let mut sim = ordered();
    ok(issue(&mut sim, "2022-06-20"));
    assert_forbidden(sim.act("2022-06-21", &other_owner(), dispute(DeadlineName::Rectification)));
    assert_refused(sim.act("2022-06-21", &owner(), dispute(DeadlineName::Acceptance)), 25);
    ok(sim.act("2022-06-21", &owner(), dispute(DeadlineName::Rectification)));
    assert_refused(sim.act("2022-06-22", &owner(), dispute(DeadlineName::Rectification)), 25);
    ok(sim.act("2022-06-23", &bureau(), resolve(DeadlineName::Rectification, DisputeOutcome::Upheld)));
    assert_refused(
        sim.act("2022-06-24", &bureau(), resolve(DeadlineName::Rectification, DisputeOutcome::Withdrawn)),
        25,
    );
}

#[test]
fn an_undecided_dispute_goes_on_with_the_red_card_that_replaces_the_yellow_one() {
    let mut sim = ordered();
    ok(issue(&mut sim, "2022-06-20"));
    ok(sim.act("2022-06-21", &owner(), dispute(DeadlineName::Rectification)));
    ok(issue(&mut sim, "2022-07-01"));
    let red = sim.project("P").open_card(DeadlineName::Rectification).unwrap();
    assert!(red.card == Card::Red && red.disputed());
    ok(sim.act("2022-07-02", &bureau(), resolve(DeadlineName::Rectification, DisputeOutcome::Upheld)));
}

#[test]
fn a_card_whose_obligation_falls_away_unmet_is_cleared_as_lapsed_not_met() {
    let mut sim = ordered();
    ok(issue(&mut sim, "2022-07-01"));
    ok(sim.act("2022-07-10", &bureau(), impose("P", Measure::Terminate)));
    assert_eq!(sim.project("P").cards[0].closed, Some((Closure::Lapsed, d("2022-07-10"))));
}

#[test]
fn the_run_is_the_systems_and_a_person_cannot_send_it() {
    let mut sim = ordered();
    let mut person = bureau();
    person.person = Some(govit_rules::Person {
        account: govit_rules::AccountName::parse("bureau".to_owned()).unwrap(),
        name: govit_rules::PersonName::parse("刘建华".to_owned()).unwrap(),
    });
    assert_refused(sim.act("2022-07-01", &person, Command::IssueCards { project: pid("P") }), 25);
}

// The rating ----------------------------------------------------------------------------------------------

#[test]
fn a_project_without_a_problem_is_green_with_five() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    let r = rating::rate(sim.project("P"), d("2022-06-01"), &sim.policies);
    assert_eq!((r.level, r.score), (HealthLevel::Green, 5));
    assert_eq!(r.factors.iter().map(|f| f.weight).sum::<u32>(), 100);
}

#[test]
fn the_score_is_at_most_one_above_the_worst_factor() {
    let mut sim = ordered();
    ok(sim.act("2022-07-10", &bureau(), impose("P", Measure::SuspendConstruction)));
    let r = rating::rate(sim.project("P"), d("2022-07-10"), &sim.policies);
    let worst = r.factors.iter().map(|f| f.score).min().unwrap();
    assert_eq!(worst, 1);
    assert_eq!((r.level, r.score), (HealthLevel::Red, 2));
}

#[test]
fn an_owner_rates_its_project_once_a_calendar_month() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    ok(sim.act("2022-04-01", &owner(), report_rating(HealthLevel::Green)));
    assert_refused(sim.act("2022-04-30", &owner(), report_rating(HealthLevel::Yellow)), 20);
    assert_forbidden(sim.act("2022-04-30", &bureau(), report_rating(HealthLevel::Red)));
    ok(sim.act("2022-05-01", &owner(), report_rating(HealthLevel::Yellow)));
    let own = sim.project("P").self_ratings.last().unwrap();
    assert_eq!((own.level, own.computed, own.computed_score), (HealthLevel::Yellow, HealthLevel::Green, 5));
}

#[test]
fn a_green_self_rating_beside_a_computed_red_is_optimistic() {
    let mut sim = ordered();
    ok(sim.act("2022-07-10", &bureau(), impose("P", Measure::SuspendConstruction)));
    ok(sim.act("2022-07-11", &owner(), report_rating(HealthLevel::Green)));
    let p = sim.project("P");
    let computed = rating::rate(p, d("2022-07-11"), &sim.policies);
    assert!(rating::optimistic(p, &computed));
    ok(sim.act("2022-08-01", &owner(), report_rating(HealthLevel::Yellow)));
    assert!(!rating::optimistic(sim.project("P"), &computed));
}

#[test]
fn a_self_rating_unchanged_for_six_months_while_a_factor_worsened_is_stale() {
    let mut sim = Sim::new();
    sim.under_construction("P", 1_000_000, "2022-03-01");
    ok(sim.act("2022-04-01", &owner(), report_rating(HealthLevel::Green)));
    ok(sim.act("2022-08-01", &owner(), report_rating(HealthLevel::Green)));
    let p = sim.project("P");
    // Six months, nothing worse: not stale.
    let on = d("2022-10-01");
    assert!(!rating::stale(p, &rating::rate(p, on, &sim.policies), on));
    // The year's report is overdue: a factor is worse than on 2022-04-01, the first of the unchanged ratings.
    let on = d("2023-01-05");
    assert!(rating::stale(p, &rating::rate(p, on, &sim.policies), on));
    // A changed level starts the six months again.
    ok(sim.act("2023-01-06", &owner(), report_rating(HealthLevel::Yellow)));
    let p = sim.project("P");
    assert!(!rating::stale(p, &rating::rate(p, on, &sim.policies), on));
}

// Rankings ------------------------------------------------------------------------------------------------

#[test]
fn a_month_counts_the_cards_open_in_it_and_the_red_days() {
    let mut sim = ordered();
    ok(issue(&mut sim, "2022-06-20"));
    ok(issue(&mut sim, "2022-07-01"));
    ok(sim.act("2022-07-11", &owner(), report_rectified("P")));
    let facts = Facts::of(sim.project("P"));
    let june = facts.tally(Period::parse("2022-06").unwrap(), d("2022-12-31"));
    assert_eq!((june.red, june.yellow, june.days_overdue, june.ordered), (0, 1, 0, 0));
    let july = facts.tally(Period::parse("2022-07").unwrap(), d("2022-12-31"));
    // Red from 07-01 to 07-10: cleared by the report on 07-11; reported after its due date: late.
    assert_eq!((july.red, july.yellow, july.days_overdue, july.late), (1, 0, 10, 1));
    let may = facts.tally(Period::parse("2022-05").unwrap(), d("2022-12-31"));
    assert_eq!(may.ordered, 1);
}

#[test]
fn a_month_not_over_counts_up_to_today() {
    let mut sim = ordered();
    ok(issue(&mut sim, "2022-07-01"));
    let july = Facts::of(sim.project("P")).tally(Period::parse("2022-07").unwrap(), d("2022-07-05"));
    assert_eq!(july.days_overdue, 5);
}

#[test]
fn a_withdrawn_card_counts_for_nothing_in_a_ranking() {
    let mut sim = ordered();
    ok(issue(&mut sim, "2022-07-01"));
    ok(sim.act("2022-07-02", &owner(), dispute(DeadlineName::Rectification)));
    ok(sim.act("2022-07-03", &bureau(), resolve(DeadlineName::Rectification, DisputeOutcome::Withdrawn)));
    let july = Facts::of(sim.project("P")).tally(Period::parse("2022-07").unwrap(), d("2022-12-31"));
    assert_eq!((july.red, july.days_overdue), (0, 0));
}

#[test]
fn units_are_ranked_worst_first_and_equal_tallies_share_a_rank() {
    let row = |name: &str, red: u32, yellow: u32| RankRow {
        rank: 0,
        name: name.to_owned(),
        projects: 1,
        tally: Tally { red, yellow, ..Tally::default() },
    };
    let mut rows = vec![row("甲", 0, 1), row("乙", 2, 0), row("丙", 0, 1), row("丁", 0, 0)];
    rank(&mut rows);
    let ranked: Vec<(u32, &str)> = rows.iter().map(|r| (r.rank, r.name.as_str())).collect();
    assert_eq!(ranked, [(1, "乙"), (2, "丙"), (2, "甲"), (4, "丁")]);
}

#[test]
fn a_ranking_is_published_only_for_a_month_that_is_over_and_only_by_the_bureau() {
    let mut sim = Sim::new();
    let publish = |period: &str| Command::PublishRanking {
        period: Period::parse(period).unwrap(),
        jurisdiction: None,
        table: Some(Box::default()),
    };
    assert_refused(sim.act("2022-07-31", &bureau(), publish("2022-07")), 25);
    ok(sim.act("2022-08-01", &bureau(), publish("2022-07")));
    assert_forbidden(sim.act("2022-08-01", &owner(), publish("2022-07")));
}

#[test]
fn a_month_is_written_as_year_and_month() {
    assert_eq!(Period::parse("2026-11").unwrap().to_string(), "2026-11");
    assert!(Period::parse("2026-13").is_err());
    assert!(Period::parse("202611").is_err());
    assert!(Period::parse("1999-01").is_err());
    assert_eq!(Period::parse("2026-01").unwrap().previous().to_string(), "2025-12");
}
