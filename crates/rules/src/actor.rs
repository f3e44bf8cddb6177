//! Who acts: a role, the organisation they act for, and the jurisdiction that organisation belongs to.

use crate::ids::{JurisdictionId, OrgName};
use serde::{Deserialize, Serialize};

crate::vocab::vocabulary_pub!(
    /// The roles people act in, one per kind of organisation in the regulation. `owner` is any 项目建设单位; whose project it is depends on the
    /// organisation, not the role.
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
        Admin = "admin" => "系统管理员",
    }
);

/// The one acting: checked by [`crate::authz`] before any article is looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub role: Role,
    pub organization: OrgName,
    pub jurisdiction: JurisdictionId,
}
