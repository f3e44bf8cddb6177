//! The policy loader (`policies/*.yaml`): any bytes as a policy file, alone or beside the shipped files, must
//! load or give a `PolicyError`, never a panic. A set that loads is resolved for each of its jurisdictions on
//! each version's effective date and on a few fixed dates.
#![no_main]

use govit_rules::policy::{self, BUILTIN, PolicySet};
use govit_rules::{Date, JurisdictionId};
use libfuzzer_sys::fuzz_target;

fn exercise(set: &PolicySet) {
    let fixed: Vec<Date> = ["2021-08-20", "2021-08-21", "2024-02-29", "2026-11-29", "9999-12-31"]
        .iter()
        .filter_map(|d| d.parse().ok())
        .chain([Date::MIN, Date::MAX])
        .collect();
    let ids: Vec<JurisdictionId> = set.jurisdictions().map(|j| j.jurisdiction.clone()).collect();
    for policy in set.jurisdictions() {
        let id = &policy.jurisdiction;
        let _ = set.name_of(id);
        let _ = set.root_of(id);
        for other in &ids {
            let _ = set.covers(other, id);
        }
        for on in policy.versions.iter().map(|v| v.effective).chain(fixed.iter().copied()) {
            let _ = set.resolve(id, on);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The file alone (a root jurisdiction such as wuhan.yaml) ...
    if let Ok(set) = policy::load(&[("fuzz.yaml", text)]) {
        exercise(&set);
    }
    // ... and beside the shipped files (a district under wuhan, like jiangan.yaml).
    let mut files: Vec<(&str, &str)> = BUILTIN.to_vec();
    files.push(("fuzz.yaml", text));
    if let Ok(set) = policy::load(&files) {
        exercise(&set);
    }
});
