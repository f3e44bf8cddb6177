//! What several app test files share: an owner of the city and its registration of a project.
#![allow(dead_code, clippy::unwrap_used)]

use govit_rules::{Actor, Command, JurisdictionId, OrgName, Role};

/// The city's civil-affairs bureau, as an owner.
pub fn minzheng() -> Actor {
    Actor {
        role: Role::Owner,
        organization: OrgName::parse("市民政局").unwrap(),
        jurisdiction: JurisdictionId::parse("wuhan").unwrap(),
        person: None,
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

/// The administrator in `role` who sets up a test's organisations, accounts and roles, naming no person (as
/// the installation does).
pub fn administrator(role: Role) -> Actor {
    Actor {
        role,
        organization: OrgName::parse("系统管理").unwrap(),
        jurisdiction: JurisdictionId::wuhan(),
        person: None,
    }
}

/// Opens an account (as the 系统管理员) and grants it `roles` (as the 安全管理员); returns its id.
pub async fn open_account(app: &govit_app::App, input: govit_app::administration::NewUserInput, roles: &[Role]) -> i64 {
    let id = app.create_user(&administrator(Role::SystemAdmin), input).await.unwrap();
    app.grant_roles(&administrator(Role::SecurityAdmin), id, roles.to_vec()).await.unwrap();
    id
}
