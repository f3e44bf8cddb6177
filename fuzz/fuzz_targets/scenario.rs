//! The scenario parser (`govit scenario run`): any bytes as a scenario file must give a scenario or a
//! `Malformed`, never a panic. A parsed scenario's `policies:` entries are then laid over the shipped policies
//! as a run does, and the policies in force on each step's date are resolved.
#![no_main]

use govit_app::scenario;
use govit_rules::JurisdictionId;
use govit_rules::policy::{self, BUILTIN, Version};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = scenario::parse(text) else { return };
    // What `scenario::play` does before its first step: the shipped policies plus the scenario's versions.
    let Ok(mut set) = policy::load(BUILTIN) else { return };
    for entry in &parsed.policies {
        let version = Version { effective: entry.effective, title: entry.title.clone(), set: entry.set.clone() };
        if set.add_version("fuzz.yaml", entry.jurisdiction.clone(), entry.parent.clone(), version).is_err() {
            return;
        }
    }
    let jurisdiction = parsed.jurisdiction.clone().unwrap_or_else(JurisdictionId::wuhan);
    if !set.contains(&jurisdiction) {
        return;
    }
    let _ = set.root_of(&jurisdiction);
    for step in &parsed.steps {
        let _ = set.resolve(&jurisdiction, step.on);
    }
});
