//! Policy as data: the parameters of `policies/wuhan.yaml` per jurisdiction, in versions with effective dates.
//!
//! [29] "各区应当明确本区政务信息化工作的主管部门" and [30] "各区、各部门可根据本办法,结合实际制定相应的实施细则":
//! a district's policy names its parent (`wuhan`) and overrides only what it sets. A version changes only
//! what it sets, on top of the version before it; a decision uses the versions in force on its date and
//! records them ([`Resolved::version`]). [31] "本办法自印发之日起施行": before `wuhan`'s first version
//! nothing is in force and every action is refused.

use crate::date::{Date, MonthDay};
use crate::ids::JurisdictionId;
use crate::money::{BasisPoints, Money};
use crate::notice::{Refusal, refuse};
use crate::vocab::Authority;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// [19] "累计" or "每次": whether self-made adjustments add up against the tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentBasis {
    Cumulative,
    PerChange,
}

/// Every parameter of the policy files, all set: what a decision works with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameters {
    pub approval_threshold: Money,
    pub government_approval_threshold: Money,
    pub adjustment_tolerance: BasisPoints,
    pub adjustment_basis: AdjustmentBasis,
    pub annual_report_due: MonthDay,
    pub acceptance_window_months: u32,
    pub self_evaluation_window_months: (u32, u32),
    pub cryptography_assessment_interval_months: u32,
    pub approval_authority: Authority,
    /// 电子监察: a yellow card from this many days before a due date (the text names no number: the platform's
    /// setting, 15 unless a policy sets another).
    pub warning_days: u32,
}

/// The yellow card's lead when no policy sets one.
pub const DEFAULT_WARNING_DAYS: u32 = 15;

/// What one version sets; unset parameters come from the version before it, or from the parent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    pub approval_threshold: Option<Money>,
    pub government_approval_threshold: Option<Money>,
    #[serde(default, deserialize_with = "share")]
    pub adjustment_tolerance: Option<BasisPoints>,
    pub adjustment_basis: Option<AdjustmentBasis>,
    pub annual_report_due: Option<MonthDay>,
    pub acceptance_window_months: Option<Months>,
    pub self_evaluation_window_months: Option<Window>,
    pub cryptography_assessment_interval_months: Option<Months>,
    pub approval_authority: Option<PolicyAuthority>,
    pub warning_days: Option<WarningDays>,
}

/// Days of a yellow card's lead: between 1 and 90.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u32")]
pub struct WarningDays(pub u32);

impl TryFrom<u32> for WarningDays {
    type Error = String;
    fn try_from(n: u32) -> Result<WarningDays, String> {
        if (1..=90).contains(&n) {
            Ok(WarningDays(n))
        } else {
            Err(format!("预警天数须在1到90之间,得到{n}"))
        }
    }
}

/// A number of months between 1 and 120.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u32")]
pub struct Months(pub u32);

impl TryFrom<u32> for Months {
    type Error = String;
    fn try_from(n: u32) -> Result<Months, String> {
        if (1..=120).contains(&n) { Ok(Months(n)) } else { Err(format!("月数须在1到120之间,得到{n}")) }
    }
}

/// A window `[from, to]` in months, `from < to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Vec<u32>")]
pub struct Window(pub u32, pub u32);

impl TryFrom<Vec<u32>> for Window {
    type Error = String;
    fn try_from(v: Vec<u32>) -> Result<Window, String> {
        match v.as_slice() {
            [a, b] if a < b && *b <= 120 => Ok(Window(*a, *b)),
            _ => Err("须为两个月数 [起, 止],且起小于止(如 [12, 24])".to_owned()),
        }
    }
}

/// Who approves in a jurisdiction: the bureau (the city) or the district's own authority [24][29].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct PolicyAuthority(pub Authority);

impl TryFrom<String> for PolicyAuthority {
    type Error = String;
    fn try_from(s: String) -> Result<PolicyAuthority, String> {
        match Authority::from_code(&s) {
            Some(a @ (Authority::Bureau | Authority::DistrictAuthority)) => Ok(PolicyAuthority(a)),
            _ => Err(format!("审批部门“{s}”无效:只能是 bureau 或 district_authority")),
        }
    }
}

/// `0.15`, `"0.15"` or `"15%"`; formatted back to text so that no float arithmetic touches the share.
fn share<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<BasisPoints>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(f64),
        Text(String),
    }
    let text = match Raw::deserialize(deserializer)? {
        Raw::Number(n) => n.to_string(),
        Raw::Text(t) => t,
    };
    BasisPoints::parse(&text).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!("比例“{text}”无效:须在0到1之间(如 0.15 或 \"15%\"),至多四位小数"))
    })
}

impl Parameters {
    fn overlay(&mut self, o: &Overrides) {
        let Overrides {
            approval_threshold,
            government_approval_threshold,
            adjustment_tolerance,
            adjustment_basis,
            annual_report_due,
            acceptance_window_months,
            self_evaluation_window_months,
            cryptography_assessment_interval_months,
            approval_authority,
            warning_days,
        } = o;
        set(&mut self.approval_threshold, *approval_threshold);
        set(&mut self.government_approval_threshold, *government_approval_threshold);
        set(&mut self.adjustment_tolerance, *adjustment_tolerance);
        set(&mut self.adjustment_basis, *adjustment_basis);
        set(&mut self.annual_report_due, *annual_report_due);
        set(&mut self.acceptance_window_months, acceptance_window_months.map(|m| m.0));
        set(&mut self.self_evaluation_window_months, self_evaluation_window_months.map(|w| (w.0, w.1)));
        set(&mut self.cryptography_assessment_interval_months, cryptography_assessment_interval_months.map(|m| m.0));
        set(&mut self.approval_authority, approval_authority.map(|a| a.0));
        set(&mut self.warning_days, warning_days.map(|d| d.0));
    }

    /// A root jurisdiction's first version must set everything.
    fn complete(o: &Overrides) -> Result<Parameters, &'static str> {
        Ok(Parameters {
            approval_threshold: o.approval_threshold.ok_or("approval_threshold")?,
            government_approval_threshold: o.government_approval_threshold.ok_or("government_approval_threshold")?,
            adjustment_tolerance: o.adjustment_tolerance.ok_or("adjustment_tolerance")?,
            adjustment_basis: o.adjustment_basis.ok_or("adjustment_basis")?,
            annual_report_due: o.annual_report_due.ok_or("annual_report_due")?,
            acceptance_window_months: o.acceptance_window_months.ok_or("acceptance_window_months")?.0,
            self_evaluation_window_months: o
                .self_evaluation_window_months
                .map(|w| (w.0, w.1))
                .ok_or("self_evaluation_window_months")?,
            cryptography_assessment_interval_months: o
                .cryptography_assessment_interval_months
                .ok_or("cryptography_assessment_interval_months")?
                .0,
            approval_authority: o.approval_authority.ok_or("approval_authority")?.0,
            warning_days: o.warning_days.map_or(DEFAULT_WARNING_DAYS, |d| d.0),
        })
    }
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

/// One version of a jurisdiction's policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    pub effective: Date,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub set: Overrides,
}

/// A jurisdiction's policy file: `policies/wuhan.yaml`, `policies/jiangan.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionPolicy {
    pub jurisdiction: JurisdictionId,
    pub name: String,
    #[serde(default)]
    pub parent: Option<JurisdictionId>,
    pub versions: Vec<Version>,
}

/// [31] "本办法自印发之日起施行": 2021-08-21. No policy version takes effect before it, and nothing is
/// decided before it, whatever a policy file says.
pub fn regulation_in_force() -> Date {
    Date::from_ymd_opt(2021, 8, 21).unwrap_or(Date::MIN)
}

/// A policy file or entry that cannot be used: where, which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("政策文件 {source_name}:字段 {field}:{reason}")]
pub struct PolicyError {
    pub source_name: String,
    pub field: String,
    pub reason: String,
}

/// The parameters in force for one jurisdiction on one date, and the versions they came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub jurisdiction: JurisdictionId,
    pub parameters: Parameters,
    /// E.g. `wuhan@2021-08-21+jiangan@2021-10-01`: every version that contributed, root first.
    pub version: String,
}

/// All jurisdictions' policies; validated whole, so resolution never fails for a known jurisdiction after
/// the city's first effective date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicySet {
    jurisdictions: BTreeMap<JurisdictionId, JurisdictionPolicy>,
}

impl PolicySet {
    /// Parses one YAML policy file; `source_name` names it in errors.
    pub fn parse_file(source_name: &str, yaml: &str) -> Result<JurisdictionPolicy, PolicyError> {
        let de = serde_yaml_ng::Deserializer::from_str(yaml);
        serde_path_to_error::deserialize(de).map_err(|e| PolicyError {
            source_name: source_name.to_owned(),
            field: display_path(&e.path().to_string()),
            reason: e.into_inner().to_string(),
        })
    }

    /// Builds a set from parsed files, refusing unknown parents, cycles, unordered or duplicate effective
    /// dates, a root whose first version does not set every parameter, and any jurisdiction whose resolved
    /// `approval_threshold` exceeds its `government_approval_threshold` on any date [8][15][30].
    pub fn build(files: Vec<(String, JurisdictionPolicy)>) -> Result<PolicySet, PolicyError> {
        let mut set = PolicySet::default();
        let mut sources = BTreeMap::new();
        for (source, file) in files {
            if set.jurisdictions.contains_key(&file.jurisdiction) {
                return Err(err(&source, "jurisdiction", format!("辖区 {} 重复定义", file.jurisdiction)));
            }
            sources.insert(file.jurisdiction.clone(), source);
            set.jurisdictions.insert(file.jurisdiction.clone(), file);
        }
        for (id, policy) in &set.jurisdictions {
            let source = sources.get(id).map(String::as_str).unwrap_or("?");
            set.validate(source, policy)?;
        }
        if let Some(conflict) = set.threshold_conflict() {
            let source = sources.get(&conflict.jurisdiction).map(String::as_str).unwrap_or("?");
            let field = set
                .jurisdictions
                .get(&conflict.jurisdiction)
                .map_or_else(|| "approval_threshold".to_owned(), |policy| conflict.field_in(policy));
            return Err(err(source, &field, conflict.reason(&set)));
        }
        Ok(set)
    }

    /// [8][15][30]: the first jurisdiction and date (ancestors first, so a fault is laid at the file that made
    /// it) on which the resolved `approval_threshold` exceeds the resolved `government_approval_threshold`.
    /// Parameters change only on a version's effective date, so the effective dates of every version in a
    /// jurisdiction's chain are all the dates there are to check.
    fn threshold_conflict(&self) -> Option<ThresholdConflict> {
        let mut order: Vec<(usize, &JurisdictionId)> =
            self.jurisdictions.keys().map(|id| (self.ancestry(id).len(), id)).collect();
        order.sort();
        order.into_iter().find_map(|(_, id)| {
            let mut dates: Vec<Date> =
                self.ancestry(id).iter().flat_map(|p| p.versions.iter().map(|v| v.effective)).collect();
            dates.sort();
            dates.dedup();
            dates.into_iter().find_map(|on| {
                let resolved = self.resolve(id, on).ok()?;
                let p = &resolved.parameters;
                (p.approval_threshold > p.government_approval_threshold).then(|| ThresholdConflict {
                    jurisdiction: id.clone(),
                    on,
                    resolved,
                })
            })
        })
    }

    /// `jurisdiction`'s policy and its ancestors' (known ones only, at most 64), itself first.
    fn ancestry(&self, jurisdiction: &JurisdictionId) -> Vec<&JurisdictionPolicy> {
        let mut chain = Vec::new();
        let mut cursor = self.jurisdictions.get(jurisdiction);
        while let Some(policy) = cursor {
            if chain.len() > 64 {
                break;
            }
            chain.push(policy);
            cursor = policy.parent.as_ref().and_then(|p| self.jurisdictions.get(p));
        }
        chain
    }

    fn validate(&self, source: &str, policy: &JurisdictionPolicy) -> Result<(), PolicyError> {
        if policy.versions.is_empty() {
            return Err(err(source, "versions", "至少需要一个版本".to_owned()));
        }
        if let Some((i, early)) = policy.versions.iter().enumerate().find(|(_, v)| v.effective < regulation_in_force())
        {
            return Err(err(
                source,
                &format!("versions[{i}].effective"),
                format!("生效日期{}早于《办法》施行日期{}(第三十一条)", early.effective, regulation_in_force()),
            ));
        }
        for (i, pair) in policy.versions.windows(2).enumerate() {
            if pair[0].effective >= pair[1].effective {
                return Err(err(
                    source,
                    &format!("versions[{}].effective", i + 1),
                    "生效日期须晚于上一版本".to_owned(),
                ));
            }
        }
        match &policy.parent {
            None => {
                if let Err(missing) = Parameters::complete(&policy.versions[0].set) {
                    return Err(err(
                        source,
                        &format!("versions[0].set.{missing}"),
                        "顶层辖区的首个版本须设定全部参数".to_owned(),
                    ));
                }
            }
            Some(parent) => {
                let mut seen = vec![policy.jurisdiction.clone()];
                let mut cursor = Some(parent.clone());
                while let Some(p) = cursor {
                    if seen.contains(&p) {
                        return Err(err(source, "parent", format!("上级辖区形成循环:{p}")));
                    }
                    let Some(up) = self.jurisdictions.get(&p) else {
                        return Err(err(source, "parent", format!("上级辖区 {p} 未定义")));
                    };
                    seen.push(p);
                    cursor = up.parent.clone();
                }
            }
        }
        Ok(())
    }

    /// Adds a version to a jurisdiction, creating the jurisdiction under `parent` if it is new: what a
    /// scenario's `policies:` entries do. Refused, leaving the set as it was, on the same grounds as
    /// [`PolicySet::build`]; a threshold-order fault is laid at `set.approval_threshold` (or
    /// `set.government_approval_threshold` if the version sets only that).
    pub fn add_version(
        &mut self,
        source: &str,
        jurisdiction: JurisdictionId,
        parent: Option<JurisdictionId>,
        version: Version,
    ) -> Result<(), PolicyError> {
        // The parameter a threshold-order fault is laid at: the one this version sets (the set was in order
        // before it was added).
        let field = if version.set.approval_threshold.is_none() && version.set.government_approval_threshold.is_some() {
            "set.government_approval_threshold"
        } else {
            "set.approval_threshold"
        };
        let mut candidate = self.clone();
        match candidate.jurisdictions.get_mut(&jurisdiction) {
            Some(existing) => {
                if parent.is_some() && parent != existing.parent {
                    return Err(err(source, "parent", format!("辖区 {jurisdiction} 已有上级,不能改为其他上级")));
                }
                // A scenario restating a shipped version (same date) replaces it rather than clashing with it.
                existing.versions.retain(|v| v.effective != version.effective);
                existing.versions.push(version);
                existing.versions.sort_by_key(|v| v.effective);
            }
            None => {
                let policy = JurisdictionPolicy {
                    jurisdiction: jurisdiction.clone(),
                    name: jurisdiction.to_string(),
                    parent,
                    versions: vec![version],
                };
                candidate.jurisdictions.insert(jurisdiction.clone(), policy);
            }
        }
        if let Some(policy) = candidate.jurisdictions.get(&jurisdiction) {
            candidate.validate(source, policy)?;
        }
        // A city version reaches every district under it, so the whole candidate is checked.
        if let Some(conflict) = candidate.threshold_conflict() {
            return Err(err(source, field, conflict.reason(&candidate)));
        }
        *self = candidate;
        Ok(())
    }

    pub fn contains(&self, jurisdiction: &JurisdictionId) -> bool {
        self.jurisdictions.contains_key(jurisdiction)
    }

    pub fn jurisdictions(&self) -> impl Iterator<Item = &JurisdictionPolicy> {
        self.jurisdictions.values()
    }

    /// The display name of a jurisdiction (`武汉市`), or its code when unknown.
    pub fn name_of(&self, jurisdiction: &JurisdictionId) -> String {
        self.jurisdictions.get(jurisdiction).map_or_else(|| jurisdiction.to_string(), |j| j.name.clone())
    }

    /// The top of `jurisdiction`'s chain of parents: the city whose departments act for all its districts.
    pub fn root_of(&self, jurisdiction: &JurisdictionId) -> JurisdictionId {
        let mut cursor = jurisdiction.clone();
        for _ in 0..64 {
            match self.jurisdictions.get(&cursor).and_then(|p| p.parent.clone()) {
                Some(parent) => cursor = parent,
                None => break,
            }
        }
        cursor
    }

    /// Whether `outer` is `inner` or one of its ancestors: a city department's remit covers its districts.
    pub fn covers(&self, outer: &JurisdictionId, inner: &JurisdictionId) -> bool {
        // Asked for every project of a list: walks the parents by reference, allocating nothing.
        let mut cursor = Some(inner);
        let mut steps = 0;
        while let Some(j) = cursor {
            if j == outer {
                return true;
            }
            steps += 1;
            if steps > 64 {
                return false;
            }
            cursor = self.jurisdictions.get(j).and_then(|p| p.parent.as_ref());
        }
        false
    }

    /// The parameters in force in `jurisdiction` on `on`. Refused [31] before the regulation took effect.
    pub fn resolve(&self, jurisdiction: &JurisdictionId, on: Date) -> Result<Resolved, Refusal> {
        if on < regulation_in_force() {
            return refuse(
                &[31],
                format!("{on} 时《武汉市政务信息化项目建设管理办法》尚未施行(自{}起施行)", regulation_in_force()),
            );
        }
        let mut chain = Vec::new();
        let mut cursor = Some(jurisdiction.clone());
        while let Some(j) = cursor {
            let Some(policy) = self.jurisdictions.get(&j) else {
                return refuse(&[29, 30], format!("辖区 {j} 没有实施细则,无法适用"));
            };
            if chain.len() > 64 {
                return refuse(&[30], "辖区层级过深");
            }
            cursor = policy.parent.clone();
            chain.push(policy);
        }
        chain.reverse();
        let mut parameters: Option<Parameters> = None;
        let mut used = Vec::new();
        for policy in chain {
            for version in policy.versions.iter().filter(|v| v.effective <= on) {
                match parameters.as_mut() {
                    Some(p) => p.overlay(&version.set),
                    None => match Parameters::complete(&version.set) {
                        Ok(p) => parameters = Some(p),
                        Err(_) => continue,
                    },
                }
                used.push(format!("{}@{}", policy.jurisdiction, version.effective));
            }
        }
        match parameters {
            Some(parameters) => {
                Ok(Resolved { jurisdiction: jurisdiction.clone(), parameters, version: used.join("+") })
            }
            None => refuse(&[31], format!("{on} 时《武汉市政务信息化项目建设管理办法》尚未施行")),
        }
    }
}

/// A jurisdiction whose thresholds are out of order on a date: `approval_threshold` above
/// `government_approval_threshold`.
struct ThresholdConflict {
    jurisdiction: JurisdictionId,
    on: Date,
    resolved: Resolved,
}

impl ThresholdConflict {
    /// The field of `policy`'s own versions that brought the conflict: in the latest version in force on the
    /// date that sets either threshold, `approval_threshold` if it sets it, else `government_approval_threshold`.
    fn field_in(&self, policy: &JurisdictionPolicy) -> String {
        let latest = policy.versions.iter().enumerate().rev().find(|(_, v)| {
            v.effective <= self.on
                && (v.set.approval_threshold.is_some() || v.set.government_approval_threshold.is_some())
        });
        match latest {
            Some((i, v)) if v.set.approval_threshold.is_some() => format!("versions[{i}].set.approval_threshold"),
            Some((i, _)) => format!("versions[{i}].set.government_approval_threshold"),
            None => "approval_threshold".to_owned(),
        }
    }

    fn reason(&self, set: &PolicySet) -> String {
        let p = &self.resolved.parameters;
        format!(
            "{}自{}起适用的参数({})中,审批限额 approval_threshold {} 高于报市人民政府批准的限额 \
             government_approval_threshold {}:介于两者之间的项目将自行实施并备案(第八条),却又须报市人民政府批准\
             (第十五条);第三十条的实施细则须“根据本办法”制定,审批限额不得高于报市人民政府批准的限额",
            set.name_of(&self.jurisdiction),
            self.on,
            self.resolved.version,
            p.approval_threshold,
            p.government_approval_threshold,
        )
    }
}

impl fmt::Display for AdjustmentBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AdjustmentBasis::Cumulative => "累计计算",
            AdjustmentBasis::PerChange => "每次单独计算",
        })
    }
}

fn err(source: &str, field: &str, reason: String) -> PolicyError {
    PolicyError { source_name: source.to_owned(), field: field.to_owned(), reason }
}

fn display_path(path: &str) -> String {
    if path == "." || path.is_empty() { "(文件)".to_owned() } else { path.to_owned() }
}

/// The policies shipped with govit (`policies/` at the repository root), compiled in so that a scenario run
/// needs no files beside the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    ("policies/wuhan.yaml", include_str!("../../../policies/wuhan.yaml")),
    ("policies/jiangan.yaml", include_str!("../../../policies/jiangan.yaml")),
    ("policies/wuchang.yaml", include_str!("../../../policies/wuchang.yaml")),
];

/// Parses and builds a set from `(source name, YAML text)` pairs.
pub fn load(files: &[(&str, &str)]) -> Result<PolicySet, PolicyError> {
    let parsed = files
        .iter()
        .map(|(name, text)| PolicySet::parse_file(name, text).map(|p| ((*name).to_owned(), p)))
        .collect::<Result<Vec<_>, _>>()?;
    PolicySet::build(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn builtin() -> PolicySet {
        load(BUILTIN).unwrap()
    }

    #[test]
    fn the_shipped_policies_load() {
        let set = builtin();
        let wuhan = set.resolve(&JurisdictionId::wuhan(), d("2022-01-01")).unwrap();
        assert_eq!(wuhan.parameters.approval_threshold, Money::from_yuan(500_000).unwrap());
        assert_eq!(wuhan.parameters.adjustment_tolerance, BasisPoints(1500));
        assert_eq!(wuhan.version, "wuhan@2021-08-21");
    }

    #[test]
    fn nothing_is_in_force_before_the_regulation_was_issued() {
        let refusal = builtin().resolve(&JurisdictionId::wuhan(), d("2021-08-20")).unwrap_err();
        assert_eq!(refusal.articles(), vec![crate::notice::Article(31)]);
    }

    #[test]
    fn a_district_inherits_the_city_and_overrides_only_what_it_sets() {
        let set = builtin();
        let jiangan = JurisdictionId::parse("jiangan").unwrap();
        let before = set.resolve(&jiangan, d("2021-09-01")).unwrap();
        assert_eq!(before.parameters.approval_authority, Authority::Bureau);
        let after = set.resolve(&jiangan, d("2022-01-01")).unwrap();
        assert_eq!(after.parameters.approval_authority, Authority::DistrictAuthority);
        assert_eq!(after.parameters.government_approval_threshold, Money::from_yuan(30_000_000).unwrap());
        assert!(after.version.starts_with("wuhan@2021-08-21+jiangan@"));
    }

    #[test]
    fn a_later_version_changes_only_what_it_sets() {
        let mut set = builtin();
        let v = Version {
            effective: d("2025-01-01"),
            title: None,
            set: Overrides { approval_threshold: Some(Money::from_yuan(1_000_000).unwrap()), ..Overrides::default() },
        };
        set.add_version("test", JurisdictionId::wuhan(), None, v).unwrap();
        let old = set.resolve(&JurisdictionId::wuhan(), d("2024-12-31")).unwrap();
        let new = set.resolve(&JurisdictionId::wuhan(), d("2025-01-01")).unwrap();
        assert_eq!(old.parameters.approval_threshold, Money::from_yuan(500_000).unwrap());
        assert_eq!(new.parameters.approval_threshold, Money::from_yuan(1_000_000).unwrap());
        assert_eq!(new.parameters.acceptance_window_months, 6);
        assert_eq!(new.version, "wuhan@2021-08-21+wuhan@2025-01-01");
    }

    #[test]
    fn the_yellow_cards_lead_is_fifteen_days_unless_a_policy_sets_another_between_1_and_90() {
        assert_eq!(builtin().resolve(&JurisdictionId::wuhan(), d("2022-01-01")).unwrap().parameters.warning_days, 15);
        let e = PolicySet::parse_file("w.yaml", "jurisdiction: w\nname: W\nparent: wuhan\nversions:\n  - effective: 2022-01-01\n    set: {warning_days: 0}\n").unwrap_err();
        assert!(e.field.contains("warning_days"), "{}", e.field);
    }

    #[test]
    fn a_bad_policy_file_is_refused_with_its_field_and_reason() {
        let e = PolicySet::parse_file("x.yaml", "jurisdiction: x\nname: X\nparent: wuhan\nversions:\n  - effective: 2022-01-01\n    set: {adjustment_tolerance: 1.5}\n").unwrap_err();
        assert_eq!(e.source_name, "x.yaml");
        assert!(e.field.contains("adjustment_tolerance"), "{}", e.field);
        let e = PolicySet::parse_file(
            "y.yaml",
            "jurisdiction: y\nname: Y\nversions:\n  - effective: 2022-01-01\n    set: {approval_treshold: 1}\n",
        )
        .unwrap_err();
        assert!(e.reason.contains("approval_treshold"), "{}", e.reason);
        let e = PolicySet::parse_file("z.yaml", "jurisdiction: z\nname: Z\nparent: wuhan\nversions:\n  - effective: 2022-01-01\n    set: {approval_authority: finance}\n").unwrap_err();
        assert!(e.field.contains("approval_authority"), "{}", e.field);
    }

    #[test]
    fn an_unknown_parent_or_an_incomplete_root_is_refused() {
        let orphan = PolicySet::parse_file(
            "o.yaml",
            "jurisdiction: o\nname: O\nparent: nowhere\nversions:\n  - effective: 2022-01-01\n",
        )
        .unwrap();
        let e = PolicySet::build(vec![("o.yaml".to_owned(), orphan)]).unwrap_err();
        assert_eq!(e.field, "parent");
        let root = PolicySet::parse_file(
            "r.yaml",
            "jurisdiction: r\nname: R\nversions:\n  - effective: 2022-01-01\n    set: {approval_threshold: 1}\n",
        )
        .unwrap();
        let e = PolicySet::build(vec![("r.yaml".to_owned(), root)]).unwrap_err();
        assert!(e.field.starts_with("versions[0].set."), "{}", e.field);
    }

    const WUHAN: &str = BUILTIN[0].1;

    fn threshold(yuan: i64) -> Option<Money> {
        Some(Money::from_yuan(yuan).unwrap())
    }

    #[test]
    fn a_district_whose_approval_threshold_exceeds_the_government_threshold_is_refused_at_load() {
        let hanyang = "jurisdiction: hanyang\nname: 汉阳区\nparent: wuhan\nversions:\n  - effective: 2022-01-01\n    set: {approval_threshold: 40000000}\n";
        let e = load(&[("policies/wuhan.yaml", WUHAN), ("policies/hanyang.yaml", hanyang)]).unwrap_err();
        assert_eq!(e.source_name, "policies/hanyang.yaml");
        assert_eq!(e.field, "versions[0].set.approval_threshold");
        assert!(e.reason.contains("government_approval_threshold"), "{}", e.reason);
        assert!(e.reason.contains("汉阳区自2022-01-01起"), "{}", e.reason);
        assert!(e.to_string().contains("policies/hanyang.yaml"), "{e}");
    }

    #[test]
    fn a_city_whose_approval_threshold_exceeds_its_government_threshold_is_refused_at_load() {
        let wuhan = WUHAN.replace("approval_threshold: 500000 ", "approval_threshold: 40000000 ");
        assert_ne!(wuhan, WUHAN);
        let e = load(&[("policies/wuhan.yaml", &wuhan), BUILTIN[1], BUILTIN[2]]).unwrap_err();
        assert_eq!(
            (e.source_name.as_str(), e.field.as_str()),
            ("policies/wuhan.yaml", "versions[0].set.approval_threshold")
        );
    }

    #[test]
    fn a_later_version_that_lowers_only_the_government_threshold_below_the_approval_threshold_is_refused_at_load() {
        let wuhan =
            format!("{WUHAN}  - effective: 2025-01-01\n    set:\n      government_approval_threshold: 400000\n");
        let e = load(&[("policies/wuhan.yaml", &wuhan)]).unwrap_err();
        assert_eq!(e.source_name, "policies/wuhan.yaml");
        assert_eq!(e.field, "versions[1].set.government_approval_threshold");
        assert!(e.reason.contains("2025-01-01"), "{}", e.reason);
    }

    #[test]
    fn a_district_threshold_that_a_later_city_version_overtakes_is_refused_at_load_in_the_district_file() {
        let wuhan = format!("{WUHAN}  - effective: 2025-01-01\n    set:\n      approval_threshold: 2000000\n");
        let hanyang = "jurisdiction: hanyang\nname: 汉阳区\nparent: wuhan\nversions:\n  - effective: 2022-01-01\n    set: {government_approval_threshold: 1000000}\n";
        let e = load(&[("policies/wuhan.yaml", &wuhan), ("policies/hanyang.yaml", hanyang)]).unwrap_err();
        assert_eq!(e.source_name, "policies/hanyang.yaml");
        assert_eq!(e.field, "versions[0].set.government_approval_threshold");
        assert!(e.reason.contains("wuhan@2021-08-21+wuhan@2025-01-01+hanyang@2022-01-01"), "{}", e.reason);
    }

    #[test]
    fn an_approval_threshold_equal_to_the_government_threshold_is_allowed() {
        let mut set = builtin();
        let v = Version {
            effective: d("2025-01-01"),
            title: None,
            set: Overrides { approval_threshold: threshold(30_000_000), ..Overrides::default() },
        };
        set.add_version("s.yaml", JurisdictionId::parse("jiangan").unwrap(), None, v).unwrap();
    }

    #[test]
    fn a_scenario_version_whose_approval_threshold_exceeds_the_government_threshold_is_refused_and_changes_nothing() {
        let mut set = builtin();
        let v = Version {
            effective: d("2025-01-01"),
            title: None,
            set: Overrides { approval_threshold: threshold(30_000_001), ..Overrides::default() },
        };
        let e = set.add_version("s.yaml", JurisdictionId::parse("jiangan").unwrap(), None, v).unwrap_err();
        assert_eq!((e.source_name.as_str(), e.field.as_str()), ("s.yaml", "set.approval_threshold"));
        assert!(e.reason.contains("江岸区自2025-01-01起"), "{}", e.reason);
        assert_eq!(set, builtin());
    }

    #[test]
    fn a_scenario_city_version_that_lowers_only_the_government_threshold_below_its_own_is_refused() {
        let mut set = builtin();
        let v = Version {
            effective: d("2025-01-01"),
            title: None,
            set: Overrides { government_approval_threshold: threshold(400_000), ..Overrides::default() },
        };
        let e = set.add_version("s.yaml", JurisdictionId::wuhan(), None, v).unwrap_err();
        assert_eq!((e.source_name.as_str(), e.field.as_str()), ("s.yaml", "set.government_approval_threshold"));
        assert!(e.reason.contains("武汉市自2025-01-01起"), "{}", e.reason);
        assert_eq!(set, builtin());
    }

    #[test]
    fn a_scenario_city_version_that_a_district_threshold_overtakes_is_refused_naming_the_district() {
        let mut set = builtin();
        // In order for the city (200,000 ≤ 250,000), but jiangan keeps its own 300,000 and inherits 250,000.
        let v = Version {
            effective: d("2025-01-01"),
            title: None,
            set: Overrides {
                approval_threshold: threshold(200_000),
                government_approval_threshold: threshold(250_000),
                ..Overrides::default()
            },
        };
        let e = set.add_version("s.yaml", JurisdictionId::wuhan(), None, v).unwrap_err();
        assert_eq!(e.field, "set.approval_threshold");
        assert!(e.reason.contains("江岸区自2025-01-01起"), "{}", e.reason);
        assert_eq!(set, builtin());
    }

    #[test]
    fn a_city_department_covers_its_districts_but_not_the_reverse() {
        let set = builtin();
        let jiangan = JurisdictionId::parse("jiangan").unwrap();
        assert!(set.covers(&JurisdictionId::wuhan(), &jiangan));
        assert!(!set.covers(&jiangan, &JurisdictionId::wuhan()));
    }
}
