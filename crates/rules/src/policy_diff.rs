//! What a district's implementation rules change from the city's, parameter by parameter.
//!
//! [30] "各区、各部门可根据本办法,结合实际制定相应的实施细则。" Rules made "根据本办法" may differ from the
//! city's; docs/READINGS.md [29][30] reads that what a district makes looser than the city (a higher threshold, a wider
//! tolerance, a longer window, a per-change basis) is allowed, but is shown wherever policies are shown,
//! parameter by parameter, as looser or stricter than the city's. [`differences`] compares two sets of resolved
//! parameters; [`differences_from_city`] compares a jurisdiction with its root (`wuhan`) on a date.
//!
//! Looser means fewer projects held to a rule, or more time or room under it: a higher `approval_threshold`
//! (fewer projects go to approval [8]) or `government_approval_threshold` (fewer to the municipal government
//! [15]), a wider `adjustment_tolerance` and a `per_change` basis [19], a later `annual_report_due` [20], a
//! longer `acceptance_window_months` [21], a self-evaluation window that closes later (at the same close, one
//! that opens earlier) [22], a longer `cryptography_assessment_interval_months` [26]. Another
//! `approval_authority` [24][29] is neither: it is `Different`.

use crate::date::{Date, MonthDay};
use crate::ids::JurisdictionId;
use crate::money::{BasisPoints, Money};
use crate::notice::Refusal;
use crate::policy::{AdjustmentBasis, Parameters, PolicySet};
use crate::vocab::{Authority, vocabulary_pub as vocabulary};
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;

vocabulary!(
    /// A parameter that a policy sets.
    Parameter {
        ApprovalThreshold = "approval_threshold" => "报审批的投资限额",
        GovernmentApprovalThreshold = "government_approval_threshold" => "报市人民政府批准的投资限额",
        AdjustmentTolerance = "adjustment_tolerance" => "自行调整比例上限",
        AdjustmentBasis = "adjustment_basis" => "自行调整的计算方式",
        AnnualReportDue = "annual_report_due" => "年度绩效报告截止日",
        AcceptanceWindowMonths = "acceptance_window_months" => "建成后验收期限",
        SelfEvaluationWindowMonths = "self_evaluation_window_months" => "绩效自评价期限(投入运行后)",
        CryptographyAssessmentIntervalMonths = "cryptography_assessment_interval_months" => "密码应用安全性评估周期",
        ApprovalAuthority = "approval_authority" => "审批部门",
    }
);

impl Parameter {
    /// The articles the parameter carries out.
    pub fn articles(self) -> &'static [u8] {
        match self {
            Parameter::ApprovalThreshold => &[8],
            Parameter::GovernmentApprovalThreshold => &[15],
            Parameter::AdjustmentTolerance | Parameter::AdjustmentBasis => &[19],
            Parameter::AnnualReportDue => &[20],
            Parameter::AcceptanceWindowMonths => &[21],
            Parameter::SelfEvaluationWindowMonths => &[22],
            Parameter::CryptographyAssessmentIntervalMonths => &[26],
            Parameter::ApprovalAuthority => &[24, 29],
        }
    }
}

vocabulary!(
    /// How a district's parameter stands against the city's.
    Direction {
        Looser = "looser" => "较市级放宽",
        Stricter = "stricter" => "较市级从严",
        Different = "different" => "与市级不同",
    }
);

/// One parameter's value, serialized as [`Parameters`] serializes it (yuan, basis points, codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Amount(Money),
    Share(BasisPoints),
    Basis(AdjustmentBasis),
    Day(MonthDay),
    Months(u32),
    Window(u32, u32),
    Authority(Authority),
}

impl fmt::Display for Value {
    /// As a person reads it: `300,000元`, `15%`, `累计计算`, `12-31`, `6个月`, `12至24个月`, `区政务信息化主管部门`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Amount(m) => write!(f, "{m}"),
            Value::Share(s) => write!(f, "{s}"),
            Value::Basis(b) => write!(f, "{b}"),
            Value::Day(d) => write!(f, "每年{d}"),
            Value::Months(n) => write!(f, "{n}个月"),
            Value::Window(from, to) => write!(f, "{from}至{to}个月"),
            Value::Authority(a) => f.write_str(a.label()),
        }
    }
}

/// A parameter whose value differs from the city's: the city's value, this jurisdiction's, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub parameter: Parameter,
    pub city: Value,
    pub value: Value,
    pub direction: Direction,
}

/// Every parameter with its value, in the order `policies/wuhan.yaml` lists them.
pub fn values(parameters: &Parameters) -> [(Parameter, Value); 9] {
    // Destructured whole, so that a new parameter cannot be left out unnoticed.
    let Parameters {
        approval_threshold,
        government_approval_threshold,
        adjustment_tolerance,
        adjustment_basis,
        annual_report_due,
        acceptance_window_months,
        self_evaluation_window_months: (opens, closes),
        cryptography_assessment_interval_months,
        approval_authority,
        // The platform's setting for 电子监察, not a parameter of the text: not compared.
        warning_days: _,
    } = *parameters;
    [
        (Parameter::ApprovalThreshold, Value::Amount(approval_threshold)),
        (Parameter::GovernmentApprovalThreshold, Value::Amount(government_approval_threshold)),
        (Parameter::AdjustmentTolerance, Value::Share(adjustment_tolerance)),
        (Parameter::AdjustmentBasis, Value::Basis(adjustment_basis)),
        (Parameter::AnnualReportDue, Value::Day(annual_report_due)),
        (Parameter::AcceptanceWindowMonths, Value::Months(acceptance_window_months)),
        (Parameter::SelfEvaluationWindowMonths, Value::Window(opens, closes)),
        (Parameter::CryptographyAssessmentIntervalMonths, Value::Months(cryptography_assessment_interval_months)),
        (Parameter::ApprovalAuthority, Value::Authority(approval_authority)),
    ]
}

/// Every parameter of `district` that differs from `city`, in the order `policies/wuhan.yaml` lists them. Equal values are
/// not listed, whether the district restates them or inherits them.
pub fn differences(city: &Parameters, district: &Parameters) -> Vec<Difference> {
    values(city)
        .into_iter()
        .zip(values(district))
        .filter(|((_, city), (_, value))| city != value)
        .map(|((parameter, city), (_, value))| Difference { parameter, city, value, direction: direction(city, value) })
        .collect()
}

/// Which way `value` departs from the city's `city` (the two differ). Every amount, share, day and number of
/// months here is looser the higher or later it is; see the module's documentation.
fn direction(city: Value, value: Value) -> Direction {
    let order = match (city, value) {
        (Value::Amount(c), Value::Amount(v)) => v.cmp(&c),
        (Value::Share(c), Value::Share(v)) => v.cmp(&c),
        (Value::Basis(c), Value::Basis(v)) => leniency(v).cmp(&leniency(c)),
        (Value::Day(c), Value::Day(v)) => day_of_year(v).cmp(&day_of_year(c)),
        (Value::Months(c), Value::Months(v)) => v.cmp(&c),
        // Closing later is looser, whatever the opening; at the same close, opening earlier is looser.
        (Value::Window(c_opens, c_closes), Value::Window(opens, closes)) => {
            closes.cmp(&c_closes).then(c_opens.cmp(&opens))
        }
        // Another approver is neither looser nor stricter.
        _ => Ordering::Equal,
    };
    match order {
        Ordering::Greater => Direction::Looser,
        Ordering::Less => Direction::Stricter,
        Ordering::Equal => Direction::Different,
    }
}

/// `per_change` lets more through than `cumulative`: each change is measured alone against the tolerance.
fn leniency(basis: AdjustmentBasis) -> u8 {
    match basis {
        AdjustmentBasis::Cumulative => 0,
        AdjustmentBasis::PerChange => 1,
    }
}

/// A month-day as a date of a leap year, so that `02-29` keeps its place.
fn day_of_year(day: MonthDay) -> Date {
    day.in_year(2024)
}

/// What `jurisdiction`'s parameters in force on `on` change from its root's (the city, `wuhan`) on the same
/// date; nothing for the root itself. Refused as [`PolicySet::resolve`] refuses (an unknown jurisdiction, or a
/// date before the regulation took effect).
pub fn differences_from_city(
    policies: &PolicySet,
    jurisdiction: &JurisdictionId,
    on: Date,
) -> Result<Vec<Difference>, Refusal> {
    let city = policies.root_of(jurisdiction);
    let own = policies.resolve(jurisdiction, on)?;
    if &city == jurisdiction {
        return Ok(Vec::new());
    }
    let city = policies.resolve(&city, on)?;
    Ok(differences(&city.parameters, &own.parameters))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{BUILTIN, load};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn jur(s: &str) -> JurisdictionId {
        JurisdictionId::parse(s).unwrap()
    }

    fn yuan(n: i64) -> Money {
        Money::from_yuan(n).unwrap()
    }

    fn city() -> Parameters {
        load(BUILTIN).unwrap().resolve(&JurisdictionId::wuhan(), d("2022-01-01")).unwrap().parameters
    }

    /// The one difference of a district that changes the city's parameters by `change`.
    fn only(change: impl FnOnce(&mut Parameters)) -> Difference {
        let mut district = city();
        change(&mut district);
        let found = differences(&city(), &district);
        assert_eq!(found.len(), 1, "{found:?}");
        found[0]
    }

    #[test]
    fn jiangan_lists_its_lower_approval_threshold_as_stricter_and_its_own_authority_as_different() {
        let found = differences_from_city(&load(BUILTIN).unwrap(), &jur("jiangan"), d("2022-01-01")).unwrap();
        assert_eq!(
            found,
            vec![
                Difference {
                    parameter: Parameter::ApprovalThreshold,
                    city: Value::Amount(yuan(500_000)),
                    value: Value::Amount(yuan(300_000)),
                    direction: Direction::Stricter,
                },
                Difference {
                    parameter: Parameter::ApprovalAuthority,
                    city: Value::Authority(Authority::Bureau),
                    value: Value::Authority(Authority::DistrictAuthority),
                    direction: Direction::Different,
                },
            ]
        );
    }

    #[test]
    fn wuchang_from_2024_lists_its_per_change_basis_and_nine_month_acceptance_as_looser() {
        let set = load(BUILTIN).unwrap();
        let found = differences_from_city(&set, &jur("wuchang"), d("2024-01-01")).unwrap();
        let looser: Vec<Parameter> =
            found.iter().filter(|f| f.direction == Direction::Looser).map(|f| f.parameter).collect();
        assert_eq!(looser, vec![Parameter::AdjustmentBasis, Parameter::AcceptanceWindowMonths]);
        let before = differences_from_city(&set, &jur("wuchang"), d("2023-12-31")).unwrap();
        assert_eq!(before.iter().map(|f| f.parameter).collect::<Vec<_>>(), vec![Parameter::ApprovalAuthority]);
    }

    #[test]
    fn the_city_differs_from_nothing_and_a_district_before_its_rules_take_effect_neither() {
        let set = load(BUILTIN).unwrap();
        assert!(differences_from_city(&set, &JurisdictionId::wuhan(), d("2022-01-01")).unwrap().is_empty());
        assert!(differences_from_city(&set, &jur("jiangan"), d("2021-09-30")).unwrap().is_empty());
    }

    #[test]
    fn an_unknown_jurisdiction_or_a_date_before_the_regulation_is_refused() {
        let set = load(BUILTIN).unwrap();
        assert!(differences_from_city(&set, &jur("nowhere"), d("2022-01-01")).is_err());
        assert!(differences_from_city(&set, &jur("jiangan"), d("2021-08-20")).is_err());
    }

    #[test]
    fn every_parameter_is_listed_once_in_the_order_of_the_table() {
        let listed: Vec<Parameter> = values(&city()).iter().map(|(p, _)| *p).collect();
        assert_eq!(listed, Parameter::ALL);
    }

    #[test]
    fn a_value_the_district_restates_equal_to_the_citys_is_not_listed() {
        assert!(differences(&city(), &city()).is_empty());
    }

    #[test]
    fn higher_thresholds_are_looser_and_lower_ones_stricter() {
        let higher = only(|p| p.approval_threshold = yuan(800_000));
        assert_eq!((higher.parameter, higher.direction), (Parameter::ApprovalThreshold, Direction::Looser));
        let lower = only(|p| p.government_approval_threshold = yuan(10_000_000));
        assert_eq!((lower.parameter, lower.direction), (Parameter::GovernmentApprovalThreshold, Direction::Stricter));
        assert_eq!(lower.city, Value::Amount(yuan(30_000_000)));
        assert_eq!(lower.value, Value::Amount(yuan(10_000_000)));
        assert_eq!(only(|p| p.government_approval_threshold = yuan(50_000_000)).direction, Direction::Looser);
    }

    #[test]
    fn a_wider_tolerance_and_a_per_change_basis_are_looser() {
        assert_eq!(only(|p| p.adjustment_tolerance = BasisPoints(2000)).direction, Direction::Looser);
        assert_eq!(only(|p| p.adjustment_tolerance = BasisPoints(1000)).direction, Direction::Stricter);
        let basis = only(|p| p.adjustment_basis = AdjustmentBasis::PerChange);
        assert_eq!((basis.parameter, basis.direction), (Parameter::AdjustmentBasis, Direction::Looser));
        let mut per_change = city();
        per_change.adjustment_basis = AdjustmentBasis::PerChange;
        assert_eq!(differences(&per_change, &city())[0].direction, Direction::Stricter);
    }

    #[test]
    fn a_later_report_day_and_longer_windows_and_intervals_are_looser() {
        let earlier = only(|p| p.annual_report_due = MonthDay::new(11, 30).unwrap());
        assert_eq!((earlier.parameter, earlier.direction), (Parameter::AnnualReportDue, Direction::Stricter));
        let mut november = city();
        november.annual_report_due = MonthDay::new(11, 30).unwrap();
        assert_eq!(differences(&november, &city())[0].direction, Direction::Looser);
        assert_eq!(only(|p| p.acceptance_window_months = 9).direction, Direction::Looser);
        assert_eq!(only(|p| p.acceptance_window_months = 3).direction, Direction::Stricter);
        assert_eq!(only(|p| p.cryptography_assessment_interval_months = 24).direction, Direction::Looser);
        assert_eq!(only(|p| p.cryptography_assessment_interval_months = 6).direction, Direction::Stricter);
    }

    #[test]
    fn a_self_evaluation_window_that_closes_later_is_looser_even_if_it_opens_later() {
        assert_eq!(only(|p| p.self_evaluation_window_months = (12, 36)).direction, Direction::Looser);
        assert_eq!(only(|p| p.self_evaluation_window_months = (18, 36)).direction, Direction::Looser);
        assert_eq!(only(|p| p.self_evaluation_window_months = (6, 18)).direction, Direction::Stricter);
        assert_eq!(only(|p| p.self_evaluation_window_months = (12, 18)).direction, Direction::Stricter);
    }

    #[test]
    fn at_the_same_close_a_self_evaluation_window_that_opens_earlier_is_looser() {
        assert_eq!(only(|p| p.self_evaluation_window_months = (6, 24)).direction, Direction::Looser);
        assert_eq!(only(|p| p.self_evaluation_window_months = (18, 24)).direction, Direction::Stricter);
    }

    #[test]
    fn another_approval_authority_is_neither_looser_nor_stricter_but_different() {
        let other = only(|p| p.approval_authority = Authority::DistrictAuthority);
        assert_eq!((other.parameter, other.direction), (Parameter::ApprovalAuthority, Direction::Different));
        assert_eq!(other.direction.label(), "与市级不同");
    }

    #[test]
    fn a_difference_serializes_as_parameter_city_value_and_direction_in_the_policy_files_units() {
        let found = differences_from_city(&load(BUILTIN).unwrap(), &jur("jiangan"), d("2022-01-01")).unwrap();
        assert_eq!(
            serde_json::to_value(found).unwrap(),
            serde_json::json!([
                { "parameter": "approval_threshold", "city": 500000, "value": 300000, "direction": "stricter" },
                { "parameter": "approval_authority", "city": "bureau", "value": "district_authority", "direction": "different" }
            ])
        );
        let window = only(|p| p.self_evaluation_window_months = (12, 36));
        assert_eq!(serde_json::to_value(window.value).unwrap(), serde_json::json!([12, 36]));
        assert_eq!(window.value.to_string(), "12至36个月");
    }
}
