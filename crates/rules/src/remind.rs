//! Reminders of deadlines before they pass. Articles 20 (the yearly performance report), 21 (acceptance),
//! 22 (self-evaluation), 25 (rectification) and 26 (the periodic cryptography assessment) set deadlines that
//! only help if the people responsible hear of them in time: a reminder goes out when a deadline is 30, 7
//! and 1 day(s) away, and once more when it has passed.
//!
//! Pure, like the rest of this crate: the application layer records what it sent, so that each reminder —
//! a project's deadline, its due day and a threshold — goes out once, whatever restarts in between.

use crate::date::Date;
use crate::derive::{self, Deadline};
use crate::policy::PolicySet;
use crate::state::Project;
use serde::Serialize;

/// How close a deadline is, in the steps reminders are sent at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    Days30,
    Days7,
    Days1,
    Overdue,
}

impl Threshold {
    pub fn code(self) -> &'static str {
        match self {
            Threshold::Days30 => "days_30",
            Threshold::Days7 => "days_7",
            Threshold::Days1 => "days_1",
            Threshold::Overdue => "overdue",
        }
    }

    pub fn parse(code: &str) -> Option<Threshold> {
        [Threshold::Days30, Threshold::Days7, Threshold::Days1, Threshold::Overdue]
            .into_iter()
            .find(|t| t.code() == code)
    }

    /// What a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Threshold::Days30 => "30日内到期",
            Threshold::Days7 => "7日内到期",
            Threshold::Days1 => "1日内到期",
            Threshold::Overdue => "已逾期",
        }
    }
}

/// The most urgent threshold `deadline` has reached on `on`; `None` while it is more than 30 days away.
///
/// Read: "due in 30 days" holds when the due day is at most 30 days after `on`, so a deadline 30 days away
/// is reminded that day; a deadline is met by an action on its due day, so it is overdue only from the day
/// after ([`Deadline::is_overdue`]). When a step was missed (the server was down), only the most urgent
/// one reached is sent: a 30-day reminder a week before the due day would mislead.
pub fn threshold(deadline: &Deadline, on: Date) -> Option<Threshold> {
    if deadline.is_overdue(on) {
        return Some(Threshold::Overdue);
    }
    match (deadline.due - on).num_days() {
        ..=1 => Some(Threshold::Days1),
        2..=7 => Some(Threshold::Days7),
        8..=30 => Some(Threshold::Days30),
        _ => None,
    }
}

/// A reminder due on a day: a project's deadline at the threshold it has reached. Every deadline of
/// [`derive::deadlines`] is the project owner's to meet, so the owner organisation is the one reminded, with
/// the co-builders of proposals merged into the project [7].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub deadline: Deadline,
    pub threshold: Threshold,
}

/// The reminders `project` calls for on `on`, one per pending deadline that has reached a threshold.
pub fn reminders(project: &Project, on: Date, policies: &PolicySet) -> Vec<Reminder> {
    derive::deadlines(project, on, policies)
        .into_iter()
        .filter_map(|deadline| threshold(&deadline, on).map(|threshold| Reminder { deadline, threshold }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::DeadlineName;

    fn due_on(due: &str) -> Deadline {
        Deadline { name: DeadlineName::Acceptance, from: date("2026-01-01"), due: date(due) }
    }

    fn date(text: &str) -> Date {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn a_deadline_more_than_thirty_days_away_calls_for_no_reminder() {
        assert_eq!(threshold(&due_on("2026-07-01"), date("2026-05-31")), None);
    }

    #[test]
    fn a_deadline_exactly_thirty_days_away_is_reminded_that_day() {
        assert_eq!(threshold(&due_on("2026-07-01"), date("2026-06-01")), Some(Threshold::Days30));
    }

    #[test]
    fn a_deadline_seven_days_away_has_reached_the_seven_day_step() {
        assert_eq!(threshold(&due_on("2026-07-01"), date("2026-06-24")), Some(Threshold::Days7));
        assert_eq!(threshold(&due_on("2026-07-01"), date("2026-06-23")), Some(Threshold::Days30));
    }

    #[test]
    fn a_deadline_due_tomorrow_or_today_has_reached_the_last_step() {
        assert_eq!(threshold(&due_on("2026-07-01"), date("2026-06-30")), Some(Threshold::Days1));
        assert_eq!(threshold(&due_on("2026-07-01"), date("2026-07-01")), Some(Threshold::Days1));
        assert_eq!(threshold(&due_on("2026-07-01"), date("2026-06-29")), Some(Threshold::Days7));
    }

    #[test]
    fn a_deadline_is_overdue_from_the_day_after_its_due_day() {
        assert_eq!(threshold(&due_on("2026-07-01"), date("2026-07-02")), Some(Threshold::Overdue));
        assert_eq!(threshold(&due_on("2026-07-01"), date("2027-07-02")), Some(Threshold::Overdue));
    }

    #[test]
    fn every_threshold_has_a_code_it_is_read_back_from() {
        for t in [Threshold::Days30, Threshold::Days7, Threshold::Days1, Threshold::Overdue] {
            assert_eq!(Threshold::parse(t.code()), Some(t));
        }
        assert_eq!(Threshold::parse("days_14"), None);
    }
}
