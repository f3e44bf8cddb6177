//! What several app test files share: an owner of the city and its registration of a project.
#![allow(dead_code, clippy::unwrap_used)]

use govit_rules::{Actor, Command, JurisdictionId, OrgName, Role};

/// The city's civil-affairs bureau, as an owner.
pub fn minzheng() -> Actor {
    Actor {
        role: Role::Owner,
        organization: OrgName::parse("市民政局").unwrap(),
        jurisdiction: JurisdictionId::parse("wuhan").unwrap(),
    }
}

/// `minzheng` registering a 120万 business application called `name`.
pub fn registration(name: &str) -> Command {
    serde_json::from_value(serde_json::json!({"do": "register_project", "with": {
        "name": name, "owner": {"name": "市民政局", "kind": "party_government_organ"},
        "category": "business_application", "construction": "new", "funding": "government_investment",
        "investment": 1_200_000, "jurisdiction": "wuhan"}}))
    .unwrap()
}
