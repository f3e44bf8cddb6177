//! A project's computed health rating month by month, read back from its log: what the project page draws.
//!
//! The rating is computed from the facts of a day ([`govit_rules::rating`]), so its history needs no store of
//! its own: the project's events folded up to the end of each month give the project as it stood then.

use crate::App;
use chrono::{Datelike, Months};
use govit_rules::rating::{self, HealthLevel};
use govit_rules::{Date, Event, Project};
use govit_store::StoredEvent;
use serde::Serialize;

/// The rating at the end of a month (today, for the current one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingPoint {
    /// `2023-04`.
    pub month: String,
    pub score: u8,
    pub level: HealthLevel,
}

impl App {
    /// The computed rating at the end of every month from the project's registration to `today`, from its
    /// events in log order.
    pub fn rating_history(&self, events: &[StoredEvent], today: Date) -> Vec<RatingPoint> {
        let mut out = Vec::new();
        let Some(first) = events.first().map(|e| e.record.on) else { return out };
        let mut project: Option<Project> = None;
        let mut pending = events.iter().peekable();
        let mut month = first.with_day(1).unwrap_or(first);
        while month <= today {
            let end = month.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(month).min(today);
            while let Some(e) = pending.next_if(|e| e.record.on <= end) {
                match (&mut project, &e.record.event) {
                    (None, Event::ProjectRegistered(r)) => project = Some(Project::register(r, e.record.on)),
                    (Some(p), _) => p.apply(&e.record),
                    (None, _) => {}
                }
            }
            if let Some(p) = &project {
                let r = rating::rate(p, end, self.policies());
                out.push(RatingPoint {
                    month: format!("{}-{:02}", end.year(), end.month()),
                    score: r.score,
                    level: r.level,
                });
            }
            let Some(next) = month.checked_add_months(Months::new(1)) else { break };
            month = next;
        }
        out
    }
}
