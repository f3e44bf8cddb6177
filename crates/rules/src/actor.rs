//! Who acts: a person's account, the role they act in, the organisation they act for, and the jurisdiction
//! that organisation belongs to.

use crate::ids::{AccountName, JurisdictionId, OrgName, PersonName};
use serde::{Deserialize, Serialize};
use std::fmt;

crate::vocab::vocabulary_pub!(
    /// The roles people act in. The deciding roles are one per kind of organisation in the regulation; `owner`
    /// is any 项目建设单位, whose project it is depends on the organisation, not the role. The three
    /// administrators of GB/T 22239-2019 level 3 (三员分立, 8.1.4.2 d/e) decide nothing under the text.
    Role {
        Owner = "owner" => "项目建设单位",
        Bureau = "bureau" => "市政务服务和大数据管理局",
        Government = "government" => "人民政府",
        Consultant = "consultant" => "咨询评估单位",
        IndustryAuthority = "industry_authority" => "行业主管部门",
        DistrictAuthority = "district_authority" => "区政务信息化主管部门",
        CyberspaceOffice = "cyberspace_office" => "市委网信办",
        DevelopmentReform = "development_reform" => "市发展改革委",
        Finance = "finance" => "市财政局",
        Audit = "audit" => "市审计局",
        SecrecyBureau = "secrecy_bureau" => "市委机要保密和档案局",
        SystemAdmin = "admin" => "系统管理员",
        SecurityAdmin = "security_admin" => "安全管理员",
        AuditAdmin = "audit_admin" => "审计管理员",
    }
);

impl Role {
    /// One of the three administrators: they run the system, and none of them takes a decision of the text.
    pub fn administers(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin)
    }

    /// A role an organisation exercises as a department (its duty): every deciding role but the owner's, which
    /// goes with the organisation's kind under [2][9] instead.
    pub fn is_duty(self) -> bool {
        !self.administers() && self != Role::Owner
    }
}

/// The person behind an act: their account and name. Recorded inside every event's hashed body, so that a
/// decision names who made it for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub account: AccountName,
    pub name: PersonName,
}

/// The one acting: checked by [`crate::authz`] before any article is looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub role: Role,
    pub organization: OrgName,
    pub jurisdiction: JurisdictionId,
    /// The account acting. Absent only where no person acts: a scenario's `by` column, events recorded before
    /// persons were, the installation setting itself up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<Person>,
}

/// "市民政局 张敏(项目建设单位)": the organisation, the person when known, and the role.
impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.person {
            Some(p) => write!(f, "{} {}({})", self.organization, p.name, self.role.label()),
            None => write!(f, "{}({})", self.organization, self.role.label()),
        }
    }
}
