//! 电子监察 rankings [25]: how the owner units, and the districts, compare over a calendar month — by red and
//! yellow cards, days overdue, rectifications ordered, failed and late, and changes that needed re-approval
//! [19]. The text names no ranking; it is the platform's reading of supervision "按照职责分工" (see
//! docs/READINGS.md). A month's ranking is computed from the record whenever asked; the bureau may publish it,
//! and the published one is an event that keeps the table as it stood.

use crate::cards::{CardRecord, Closure};
use crate::date::Date;
use crate::state::Project;
use crate::vocab::{AdjustmentOutcome, Card};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// A calendar month (`2026-11`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    first: Date,
}

impl Period {
    /// `2026-11`; years 2000–2100.
    pub fn parse(text: &str) -> Result<Period, String> {
        let bad = || format!("“{text}”不是月份,应写作如 2026-11");
        let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
        let (year, month): (i32, u32) = (year.parse().map_err(|_| bad())?, month.parse().map_err(|_| bad())?);
        if !(2000..=2100).contains(&year) {
            return Err(format!("年份{year}超出范围(2000-2100)"));
        }
        NaiveDate::from_ymd_opt(year, month, 1).map(|first| Period { first }).ok_or_else(bad)
    }

    /// The month `on` falls in.
    pub fn of(on: Date) -> Period {
        Period { first: on.with_day(1).unwrap_or(on) }
    }

    pub fn first(self) -> Date {
        self.first
    }

    pub fn last(self) -> Date {
        self.first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(self.first)
    }

    pub fn previous(self) -> Period {
        Period { first: self.first.checked_sub_months(Months::new(1)).unwrap_or(self.first) }
    }

    /// 2026年11月.
    pub fn label(self) -> String {
        format!("{}年{}月", self.first.year(), self.first.month())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.first.year(), self.first.month())
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Period::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// What a project, a unit or a district counts for in a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Red and yellow cards open on any day of the month (a card withdrawn on a dispute counts for nothing).
    pub red: u32,
    pub yellow: u32,
    /// The days of the month red cards were open, added up.
    pub days_overdue: u32,
    /// Rectifications ordered in the month, verifications in the month that found one still falling short,
    /// and orders whose due date passed in the month without a report by it [25].
    pub ordered: u32,
    pub failed: u32,
    pub late: u32,
    /// Changes requested in the month that needed re-approval [19].
    pub reapprovals: u32,
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        self.red = self.red.saturating_add(o.red);
        self.yellow = self.yellow.saturating_add(o.yellow);
        self.days_overdue = self.days_overdue.saturating_add(o.days_overdue);
        self.ordered = self.ordered.saturating_add(o.ordered);
        self.failed = self.failed.saturating_add(o.failed);
        self.late = self.late.saturating_add(o.late);
        self.reapprovals = self.reapprovals.saturating_add(o.reapprovals);
    }

    /// Worst first: red cards, days overdue, yellow cards, failed, late and ordered rectifications, then
    /// re-approvals.
    pub fn worse(&self, o: &Tally) -> Ordering {
        let key = |t: &Tally| (t.red, t.days_overdue, t.yellow, t.failed, t.late, t.ordered, t.reapprovals);
        key(o).cmp(&key(self))
    }
}

/// One rectification order as a ranking reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Order {
    ordered_on: Date,
    due: Date,
    first_reported_on: Option<Date>,
    failed_on: Vec<Date>,
}

/// The facts of a project a ranking reads: small enough to keep for every project of a large city.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    cards: Vec<CardRecord>,
    orders: Vec<Order>,
    reapprovals: Vec<Date>,
}

impl Facts {
    pub fn of(p: &Project) -> Facts {
        Facts {
            cards: p.cards.clone(),
            orders: p
                .rectifications
                .iter()
                .map(|r| Order {
                    ordered_on: r.ordered_on,
                    due: r.due,
                    first_reported_on: r.first_reported_on,
                    failed_on: r.failed_on.clone(),
                })
                .collect(),
            reapprovals: p
                .adjustments
                .iter()
                .filter(|(_, outcome)| *outcome == AdjustmentOutcome::RequiresReapproval)
                .map(|(on, _)| *on)
                .collect(),
        }
    }

    pub fn cards(&self) -> &[CardRecord] {
        &self.cards
    }

    /// What the project counts for in `period`, as of `today`: a month not yet over counts up to today.
    pub fn tally(&self, period: Period, today: Date) -> Tally {
        let (from, to) = (period.first(), period.last().min(today));
        let mut t = Tally::default();
        if to < from {
            return t;
        }
        let within = |d: Date| from <= d && d <= to;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        // A card withdrawn on a dispute counts for nothing; one open on no day of the month neither.
        let counted: Vec<&CardRecord> = self
            .cards
            .iter()
            .filter(|c| !matches!(c.closed, Some((Closure::Withdrawn, _))) && c.days_open_within(from, to) > 0)
            .collect();
        let red = || counted.iter().filter(|c| c.card == Card::Red);
        t.red = count(red().count());
        t.yellow = count(counted.iter().filter(|c| c.card == Card::Yellow).count());
        let days: i64 = red().map(|c| c.days_open_within(from, to)).sum();
        t.days_overdue = u32::try_from(days).unwrap_or(u32::MAX);
        t.ordered = count(self.orders.iter().filter(|o| within(o.ordered_on)).count());
        t.failed = count(self.orders.iter().flat_map(|o| &o.failed_on).filter(|d| within(**d)).count());
        // Late in the month of the day after its due date, with no report made by the due date (what a
        // verification later found does not move it: that is `failed`).
        let late = |o: &&Order| o.due.succ_opt().is_some_and(within) && o.first_reported_on.is_none_or(|r| r > o.due);
        t.late = count(self.orders.iter().filter(late).count());
        t.reapprovals = count(self.reapprovals.iter().filter(|d| within(**d)).count());
        t
    }
}

/// One line of a ranking: a unit (or a district), how many of its projects counted, and its tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRow {
    pub rank: u32,
    pub name: String,
    pub projects: u32,
    pub tally: Tally,
}

/// A month's ranking: the owner units and the districts, worst first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingTable {
    pub units: Vec<RankRow>,
    pub districts: Vec<RankRow>,
}

/// Orders `rows` worst first (by name among equals) and numbers them; equal tallies share a rank.
pub fn rank(rows: &mut [RankRow]) {
    rows.sort_by(|a, b| a.tally.worse(&b.tally).then_with(|| a.name.cmp(&b.name)));
    let mut previous: Option<(Tally, u32)> = None;
    for (i, row) in rows.iter_mut().enumerate() {
        let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
        row.rank = match previous {
            Some((t, r)) if t == row.tally => r,
            _ => position,
        };
        previous = Some((row.tally, row.rank));
    }
}
