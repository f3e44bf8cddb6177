//! Money is whole yuan in an `i64`: the regulation counts in 元 and 万元, never in fractions of a yuan.

use serde::{Deserialize, Deserializer, Serialize, de};
use std::fmt;

/// An amount of money in whole yuan, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Money(i64);

/// Why a text or number is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额不能为负数")]
    Negative,
    #[error("金额须为整数元,或以“万”为单位且不超过四位小数(如 \"50万\"、\"1.2345万\")")]
    Malformed,
    #[error("金额不能超过1000亿元")]
    TooLarge,
}

impl Money {
    pub const ZERO: Money = Money(0);
    /// The most any single amount a person states may be: 1000亿元, a hundred times the city's yearly
    /// investment in government IT. A typo of a few extra digits is refused, and sums of amounts can never
    /// come near `i64::MAX`.
    pub const MAX: Money = Money(100_000_000_000);

    pub fn from_yuan(yuan: i64) -> Result<Money, MoneyError> {
        match yuan {
            ..0 => Err(MoneyError::Negative),
            y if y > Self::MAX.0 => Err(MoneyError::TooLarge),
            y => Ok(Money(y)),
        }
    }

    pub const fn yuan(self) -> i64 {
        self.0
    }

    /// Parses `1200000`, `"1,200,000"`, `"50万"` or `"1.5万"` (at most four decimals of 万, so always whole
    /// yuan). Thousands separators stand in groups of three, or the text is not read at all: `"1,,,2"` is not
    /// twelve yuan.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let text = text.trim();
        let text = if text.contains(',') { ungroup(text)? } else { text.to_owned() };
        let (number, scale) = match text.strip_suffix('万') {
            Some(rest) => (rest.trim().to_owned(), 4u32),
            None => (text.strip_suffix('元').unwrap_or(&text).trim().to_owned(), 0u32),
        };
        if number.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let (whole, frac) = number.split_once('.').unwrap_or((&number, ""));
        let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || frac.len() > scale as usize {
            return Err(MoneyError::Malformed);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::TooLarge)?;
        let frac_value: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| MoneyError::Malformed)? };
        let frac_scale = 10i64.pow(scale - frac.len() as u32);
        whole
            .checked_mul(10i64.pow(scale))
            .and_then(|w| w.checked_add(frac_value * frac_scale))
            .ok_or(MoneyError::TooLarge)
            .and_then(Money::from_yuan)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Adds, saturating at the largest amount: sums of real budgets never get near it, and a saturated sum
    /// still compares as "over the estimate", which is the safe side.
    pub fn saturating_add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }

    /// `self − other`, never below zero: what is left of an amount (a surplus [18]).
    pub fn saturating_sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0).max(0))
    }

    /// Whether `self` is at most `share` (in basis points) of `whole`, computed exactly in integers.
    pub fn within_share_of(self, whole: Money, share: BasisPoints) -> bool {
        i128::from(self.0) * 10_000 <= i128::from(whole.0) * i128::from(share.0)
    }
}

impl fmt::Display for Money {
    /// Shows yuan with thousands separators, e.g. `1,200,000元`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        write!(f, "{out}元")
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("整数元或带“万”的金额,如 1200000 或 \"120万\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                Money::from_yuan(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                i64::try_from(v).map_err(|_| E::custom(MoneyError::TooLarge)).and_then(|v| self.visit_i64(v))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Money, E> {
                Err(E::custom(MoneyError::Malformed))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// An amount the text requires to be above zero: an investment registered, submitted, recommended or
/// approved, funds released, a contract signed, a surplus returned. A project of no money has no route under
/// [8] and nothing to approve, and a release or a contract of nothing is no act at all, so a zero is invalid
/// input, not a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Money", into = "Money")]
pub struct PositiveMoney(Money);

impl PositiveMoney {
    pub fn new(amount: Money) -> Result<PositiveMoney, PositiveMoneyError> {
        if amount == Money::ZERO { Err(PositiveMoneyError::Zero) } else { Ok(PositiveMoney(amount)) }
    }

    pub const fn money(self) -> Money {
        self.0
    }
}

/// Why an amount is not an investment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PositiveMoneyError {
    #[error("金额须大于0")]
    Zero,
}

/// `1,200,000` → `1200000`: the separators removed where every group after the first has three digits.
fn ungroup(text: &str) -> Result<String, MoneyError> {
    let (whole, rest) = text.find(['.', '万', '元']).map_or((text, ""), |at| text.split_at(at));
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let grouped = (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3);
    if grouped && !rest.contains(',') { Ok(whole.replace(',', "") + rest) } else { Err(MoneyError::Malformed) }
}

impl TryFrom<Money> for PositiveMoney {
    type Error = PositiveMoneyError;
    fn try_from(amount: Money) -> Result<PositiveMoney, PositiveMoneyError> {
        PositiveMoney::new(amount)
    }
}

impl From<PositiveMoney> for Money {
    fn from(i: PositiveMoney) -> Money {
        i.0
    }
}

impl fmt::Display for PositiveMoney {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A share in basis points (1/10,000): `0.15` is 1500. Kept in integers so that "不超过15%" is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BasisPoints(pub u32);

impl BasisPoints {
    /// Parses `0.15`, `"0.15"` or `"15%"`; at most four decimals of the fraction, between 0 and 1.
    pub fn parse(text: &str) -> Option<BasisPoints> {
        let text = text.trim();
        let (number, scale) = match text.strip_suffix('%') {
            Some(p) => (p.trim(), 2u32),
            None => (text, 4u32),
        };
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        if frac.len() > scale as usize {
            return None;
        }
        let whole: u32 = whole.parse().ok()?;
        let frac_value: u32 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
        let value =
            whole.checked_mul(10u32.pow(scale))?.checked_add(frac_value * 10u32.pow(scale - frac.len() as u32))?;
        (value <= 10_000).then_some(BasisPoints(value))
    }
}

impl fmt::Display for BasisPoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        if frac == 0 { write!(f, "{whole}%") } else { write!(f, "{whole}.{frac:02}%") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_wan_is_five_hundred_thousand_yuan() {
        assert_eq!(Money::parse("50万"), Ok(Money(500_000)));
        assert_eq!(Money::parse("1.2345万"), Ok(Money(12_345)));
        assert_eq!(Money::parse("3000万"), Ok(Money(30_000_000)));
        assert_eq!(Money::parse("1200000"), Ok(Money(1_200_000)));
    }

    #[test]
    fn fractions_of_a_yuan_are_not_money() {
        assert_eq!(Money::parse("1.23456万"), Err(MoneyError::Malformed));
        assert_eq!(Money::parse("12.5"), Err(MoneyError::Malformed));
        assert_eq!(Money::parse("-5"), Err(MoneyError::Negative));
        assert_eq!(Money::parse("万"), Err(MoneyError::Malformed));
    }

    #[test]
    fn separators_stand_in_groups_of_three_or_the_amount_is_not_read() {
        assert_eq!(Money::parse("1,200,000"), Ok(Money(1_200_000)));
        assert_eq!(Money::parse("1,200万"), Ok(Money(12_000_000)));
        assert_eq!(Money::parse("1,,,2"), Err(MoneyError::Malformed));
        assert_eq!(Money::parse("12,00"), Err(MoneyError::Malformed));
        assert_eq!(Money::parse(",100"), Err(MoneyError::Malformed));
        assert_eq!(Money::parse("1_200"), Err(MoneyError::Malformed));
    }

    #[test]
    fn no_single_amount_exceeds_one_hundred_billion_yuan() {
        assert_eq!(Money::parse("10000000万"), Ok(Money::MAX));
        assert_eq!(Money::parse("10000000.0001万"), Err(MoneyError::TooLarge));
        assert_eq!(Money::from_yuan(100_000_000_001), Err(MoneyError::TooLarge));
        assert!(serde_json::from_str::<Money>("9223372036854775807").is_err());
        assert_eq!(MoneyError::TooLarge.to_string(), "金额不能超过1000亿元");
    }

    #[test]
    fn exactly_fifteen_percent_is_within_the_share() {
        let whole = Money(1_000_000);
        let share = BasisPoints::parse("0.15").unwrap();
        assert!(Money(150_000).within_share_of(whole, share));
        assert!(!Money(150_001).within_share_of(whole, share));
    }

    #[test]
    fn shares_parse_as_fractions_or_percentages() {
        assert_eq!(BasisPoints::parse("0.15"), Some(BasisPoints(1500)));
        assert_eq!(BasisPoints::parse("15%"), Some(BasisPoints(1500)));
        assert_eq!(BasisPoints::parse("12.5%"), Some(BasisPoints(1250)));
        assert_eq!(BasisPoints::parse("1.5"), None);
    }

    #[test]
    fn an_amount_the_text_requires_is_never_nothing() {
        assert_eq!(PositiveMoney::new(Money::ZERO), Err(PositiveMoneyError::Zero));
        let read: Result<PositiveMoney, _> = serde_json::from_str("0");
        assert!(read.unwrap_err().to_string().contains("金额须大于0"));
        let one: PositiveMoney = serde_json::from_str("\"1万\"").unwrap();
        assert_eq!(one.money(), Money::from_yuan(10_000).unwrap());
    }

    #[test]
    fn money_displays_with_separators() {
        assert_eq!(Money(1_200_000).to_string(), "1,200,000元");
        assert_eq!(Money(999).to_string(), "999元");
    }
}
