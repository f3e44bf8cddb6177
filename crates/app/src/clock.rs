//! Time comes from outside the rules: the application asks a clock, which tests and scenarios fix.

use chrono::{DateTime, FixedOffset, NaiveTime, Offset, Utc};
use govit_rules::Date;

/// China Standard Time, UTC+8 all year (no daylight saving): the calendar the regulation's dates live in.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<FixedOffset>;

    /// Today's date in Asia/Shanghai.
    fn today(&self) -> Date {
        self.now().date_naive()
    }
}

/// The machine's clock, in Asia/Shanghai.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        Utc::now().with_timezone(&shanghai())
    }
}

/// A clock that stands still at noon of a date: scenario runs record their steps' dates.
#[derive(Debug)]
pub struct FixedClock(std::sync::Mutex<DateTime<FixedOffset>>);

impl FixedClock {
    pub fn at(date: Date) -> FixedClock {
        FixedClock(std::sync::Mutex::new(noon(date)))
    }

    /// Moves the clock on by `by` (a test of a lockout or an idle timeout).
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }

    pub fn set(&self, date: Date) {
        if let Ok(mut t) = self.0.lock() {
            *t = noon(date);
        }
    }
}

fn noon(date: Date) -> DateTime<FixedOffset> {
    let naive = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN));
    naive.and_local_timezone(shanghai()).single().unwrap_or_else(|| naive.and_utc().fixed_offset())
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.0.lock().map(|t| *t).unwrap_or_else(|e| *e.into_inner())
    }
}
