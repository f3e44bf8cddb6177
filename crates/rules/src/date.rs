//! Calendar dates (Asia/Shanghai) and the month arithmetic of docs/READINGS.md.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

pub type Date = NaiveDate;

/// "Months are calendar months: add N months to the date; where that day does not exist, take the last day
/// of the month (2023-08-31 + 6 months = 2024-02-29)." chrono's `checked_add_months` clamps exactly so.
pub fn add_months(date: Date, months: u32) -> Date {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// A year a request names — of an annual plan [6][7] or an annual report [20]: 2000 to 2100. The regulation took effect in
/// 2021; the bounds only keep a typo (`20225`) from becoming a plan nobody will ever see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct Year(i32);

impl Year {
    pub const MIN: i32 = 2000;
    pub const MAX: i32 = 2100;

    pub fn new(year: i32) -> Result<Year, YearError> {
        if (Self::MIN..=Self::MAX).contains(&year) { Ok(Year(year)) } else { Err(YearError) }
    }

    /// Reads a year typed by a person: `2026`, with spaces around allowed.
    pub fn parse(text: &str) -> Result<Year, YearError> {
        text.trim().parse().map_err(|_| YearError).and_then(Year::new)
    }

    pub const fn get(self) -> i32 {
        self.0
    }

    /// The year `date` falls in, as the default a page or an import offers (this year's plan, next year's
    /// proposals). Only a clock outside 2000–2100 would reach the bounds; it is held at them.
    pub fn of(date: Date) -> Year {
        Year(chrono::Datelike::year(&date).clamp(Self::MIN, Self::MAX))
    }

    /// The year after this one, held at the upper bound.
    pub fn next(self) -> Year {
        Year((self.0 + 1).min(Self::MAX))
    }
}

/// Why a value is not a year a request may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("年度须为{min}到{max}之间的整数", min = Year::MIN, max = Year::MAX)]
pub struct YearError;

impl TryFrom<i32> for Year {
    type Error = YearError;
    fn try_from(year: i32) -> Result<Year, YearError> {
        Year::new(year)
    }
}

impl From<Year> for i32 {
    fn from(y: Year) -> i32 {
        y.0
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Year {
    type Err = YearError;
    fn from_str(text: &str) -> Result<Year, YearError> {
        Year::parse(text)
    }
}

/// A day of the year such as `12-31`, the form in which [20] sets the annual report's due day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MonthDay {
    month: u32,
    day: u32,
}

impl MonthDay {
    pub fn new(month: u32, day: u32) -> Option<MonthDay> {
        // 2024 is a leap year, so 02-29 is accepted; in other years it falls on 02-28 (see `in_year`).
        NaiveDate::from_ymd_opt(2024, month, day).map(|_| MonthDay { month, day })
    }

    /// This day in `year`; a day the year lacks (02-29) becomes the last day of that month.
    pub fn in_year(self, year: i32) -> Date {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month, self.day.saturating_sub(1)))
            .unwrap_or(NaiveDate::MIN)
    }
}

impl TryFrom<String> for MonthDay {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        let parsed = text
            .split_once('-')
            .and_then(|(m, d)| Some((m.parse().ok()?, d.parse().ok()?)))
            .and_then(|(m, d)| MonthDay::new(m, d));
        parsed.ok_or_else(|| format!("“{text}”不是有效的月-日(应为 MM-DD,如 12-31)"))
    }
}

impl From<MonthDay> for String {
    fn from(md: MonthDay) -> String {
        md.to_string()
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_outside_2000_to_2100_is_not_a_year_a_request_may_name() {
        assert_eq!(Year::parse(" 2026 ").map(Year::get), Ok(2026));
        assert_eq!(Year::new(2000).map(Year::get), Ok(2000));
        assert_eq!(Year::new(2100).map(Year::get), Ok(2100));
        assert_eq!(Year::new(1999), Err(YearError));
        assert_eq!(Year::parse("20225"), Err(YearError));
        assert_eq!(Year::parse("二〇二六"), Err(YearError));
        assert_eq!(YearError.to_string(), "年度须为2000到2100之间的整数");
        assert!(serde_json::from_str::<Year>("2101").is_err());
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn six_months_after_august_31st_is_the_last_day_of_february() {
        assert_eq!(add_months(d("2023-08-31"), 6), d("2024-02-29"));
        assert_eq!(add_months(d("2022-08-31"), 6), d("2023-02-28"));
    }

    #[test]
    fn six_months_after_june_30th_is_december_30th() {
        assert_eq!(add_months(d("2023-06-30"), 6), d("2023-12-30"));
    }

    #[test]
    fn twelve_months_after_february_29th_is_february_28th() {
        assert_eq!(add_months(d("2024-02-29"), 12), d("2025-02-28"));
    }

    #[test]
    fn a_due_day_of_february_29th_falls_on_the_28th_in_common_years() {
        let md = MonthDay::new(2, 29).unwrap();
        assert_eq!(md.in_year(2023), d("2023-02-28"));
        assert_eq!(md.in_year(2024), d("2024-02-29"));
    }

    #[test]
    fn month_days_parse_and_refuse_nonsense() {
        assert_eq!(MonthDay::try_from("12-31".to_owned()).unwrap().in_year(2022), d("2022-12-31"));
        assert!(MonthDay::try_from("13-01".to_owned()).is_err());
        assert!(MonthDay::try_from("12/31".to_owned()).is_err());
    }
}
