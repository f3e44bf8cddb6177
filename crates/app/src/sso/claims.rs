//! From the provider's claims to who the person is in govit: pure, so every mapping can be tested without a
//! provider.

use super::config::ClaimNames;
use govit_rules::Role;
use serde_json::{Map, Value};

/// A person as the identity provider describes them, in govit's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The provider's stable subject (`sub`), recorded in the audit chain.
    pub subject: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// Set when `claims.organization` is configured.
    pub organization: Option<String>,
    /// Set when `claims.roles` is configured: the roles govit knows among the claim's codes.
    pub roles: Option<Vec<Role>>,
}

/// A claim's text: strings as they are, numbers written out; anything else (or an empty string) is absent.
fn text(claims: &Map<String, Value>, name: &str) -> Option<String> {
    match claims.get(name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads `claims` (ID token and user info, merged) by the configured names. Refuses, in words for the person
/// logging in, when the user name claim is missing or a configured roles claim grants nothing govit knows.
pub fn identity(claims: &Map<String, Value>, names: &ClaimNames) -> Result<Identity, String> {
    let subject = text(claims, "sub").ok_or_else(|| "统一身份认证未提供用户标识(sub)".to_owned())?;
    let username =
        text(claims, &names.username).ok_or_else(|| format!("统一身份认证未提供用户名(声明“{}”)", names.username))?;
    let display_name = text(claims, &names.name).unwrap_or_else(|| username.clone());
    let email = text(claims, &names.email);
    let organization = names.organization.as_deref().and_then(|name| text(claims, name));
    let roles = names.roles.as_deref().map(|name| {
        let codes: Vec<String> = match claims.get(name) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            Some(Value::String(s)) => s.split([' ', ',']).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let mut roles: Vec<Role> = Vec::new();
        for role in codes.iter().filter_map(|c| Role::from_code(c.trim())) {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        roles
    });
    Ok(Identity { subject, username, display_name, email, organization, roles })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn names() -> ClaimNames {
        ClaimNames { organization: Some("org".to_owned()), roles: Some("govit_roles".to_owned()), ..Default::default() }
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn the_configured_claims_give_the_user_name_organisation_and_roles() {
        let c = claims(json!({"sub": "a1", "preferred_username": "zhang.san", "name": "张三",
            "email": "zs@wuhan.gov.cn", "org": "武汉市民政局", "govit_roles": ["owner", "unknown", "owner"]}));
        let id = identity(&c, &names()).unwrap();
        assert_eq!(id.username, "zhang.san");
        assert_eq!(id.display_name, "张三");
        assert_eq!(id.email.as_deref(), Some("zs@wuhan.gov.cn"));
        assert_eq!(id.organization.as_deref(), Some("武汉市民政局"));
        assert_eq!(id.roles, Some(vec![Role::Owner]));
    }

    #[test]
    fn roles_may_come_as_one_string_separated_by_spaces_or_commas() {
        let c = claims(json!({"sub": "a1", "preferred_username": "u1", "govit_roles": "bureau, audit"}));
        assert_eq!(identity(&c, &names()).unwrap().roles, Some(vec![Role::Bureau, Role::Audit]));
    }

    #[test]
    fn without_a_roles_claim_configured_the_roles_are_the_administrators_to_assign() {
        let c = claims(json!({"sub": "a1", "preferred_username": "u1", "govit_roles": ["admin"]}));
        let id = identity(&c, &ClaimNames::default()).unwrap();
        assert_eq!(id.roles, None);
        assert_eq!(id.organization, None);
        assert_eq!(id.display_name, "u1", "the user name stands in for a missing name");
    }

    #[test]
    fn a_missing_user_name_claim_is_refused_and_named() {
        let c = claims(json!({"sub": "a1", "email": "x@y.cn"}));
        assert_eq!(identity(&c, &names()).unwrap_err(), "统一身份认证未提供用户名(声明“preferred_username”)");
    }

    #[test]
    fn any_claim_can_be_the_user_name_even_a_number() {
        let c = claims(json!({"sub": "a1", "employee_no": 100234}));
        let names = ClaimNames { username: "employee_no".to_owned(), ..Default::default() };
        assert_eq!(identity(&c, &names).unwrap().username, "100234");
    }
}
