//! The demo city's tables: its organisations, users, supervising departments and project leaders.

use super::{DemoUser, bug};
use crate::AppError;
use govit_rules::vocab::OwnerKind;
use govit_rules::{AccountName, Actor, JurisdictionId, OrgName, Person, PersonName, Role};
use std::sync::Arc;

pub(super) const BUREAU: &str = "市政务服务和大数据管理局";
pub(super) const GOVERNMENT: &str = "武汉市人民政府";
pub(super) const FINANCE: &str = "市财政局";
/// The industry authorities of schools and hospitals [9].
pub(super) const EDUCATION: &str = "市教育局";
pub(super) const HEALTH: &str = "市卫生健康委员会";
/// Each district's own authority [29]: it approves the district's projects and reviews its plan.
pub(super) const DISTRICT_AUTHORITIES: [(&str, &str); 2] =
    [("jiangan", "江岸区政务服务和大数据管理局"), ("wuchang", "武昌区政务服务和大数据管理局")];
/// The consulting firms that evaluate stages [16]; a project's firm is picked by its row number.
pub(super) const FIRMS: [&str; 3] =
    ["武汉长江信息工程咨询有限公司", "湖北华中数字咨询评估有限公司", "武汉楚天工程咨询有限公司"];

const ORGAN: Option<OwnerKind> = Some(OwnerKind::PartyGovernmentOrgan);
const INSTITUTION: Option<OwnerKind> = Some(OwnerKind::PublicInstitution);
const SCHOOL: Option<OwnerKind> = Some(OwnerKind::School);
const HOSPITAL: Option<OwnerKind> = Some(OwnerKind::MedicalInstitution);
/// Departments that hold powers but own no projects here.
const NO_PROJECTS: Option<OwnerKind> = None;

/// (name, jurisdiction, owner kind) of every organisation.
pub(super) const ORGANIZATIONS: &[(&str, &str, Option<OwnerKind>)] = &[
    (BUREAU, "wuhan", NO_PROJECTS),
    (GOVERNMENT, "wuhan", NO_PROJECTS),
    (FINANCE, "wuhan", NO_PROJECTS),
    ("市审计局", "wuhan", NO_PROJECTS),
    ("市委网信办", "wuhan", NO_PROJECTS),
    ("市发展改革委", "wuhan", NO_PROJECTS),
    ("市委机要保密和档案局", "wuhan", NO_PROJECTS),
    (DISTRICT_AUTHORITIES[0].1, "jiangan", NO_PROJECTS),
    (DISTRICT_AUTHORITIES[1].1, "wuchang", NO_PROJECTS),
    (FIRMS[0], "wuhan", NO_PROJECTS),
    (FIRMS[1], "wuhan", NO_PROJECTS),
    (FIRMS[2], "wuhan", NO_PROJECTS),
    ("市民政局", "wuhan", ORGAN),
    (EDUCATION, "wuhan", ORGAN),
    (HEALTH, "wuhan", ORGAN),
    ("市公安局", "wuhan", ORGAN),
    ("市交通运输局", "wuhan", ORGAN),
    ("市城管执法委", "wuhan", ORGAN),
    ("市医疗保障局", "wuhan", ORGAN),
    ("市人社局", "wuhan", ORGAN),
    ("市自然资源和规划局", "wuhan", ORGAN),
    ("市生态环境局", "wuhan", ORGAN),
    ("市水务局", "wuhan", ORGAN),
    ("市住房和城乡建设局", "wuhan", ORGAN),
    ("市市场监管局", "wuhan", ORGAN),
    ("市应急管理局", "wuhan", ORGAN),
    ("市文化和旅游局", "wuhan", ORGAN),
    ("市商务局", "wuhan", ORGAN),
    ("市司法局", "wuhan", ORGAN),
    ("市农业农村局", "wuhan", ORGAN),
    ("市统计局", "wuhan", ORGAN),
    ("市退役军人事务局", "wuhan", ORGAN),
    ("市体育局", "wuhan", ORGAN),
    ("市园林和林业局", "wuhan", ORGAN),
    ("市档案馆", "wuhan", INSTITUTION),
    ("市信息中心", "wuhan", INSTITUTION),
    ("市公共资源交易中心", "wuhan", INSTITUTION),
    ("市住房公积金中心", "wuhan", INSTITUTION),
    ("市不动产登记中心", "wuhan", INSTITUTION),
    ("武汉市第一中学", "wuhan", SCHOOL),
    ("江汉大学", "wuhan", SCHOOL),
    ("武汉市中心医院", "wuhan", HOSPITAL),
    ("武汉市第一医院", "wuhan", HOSPITAL),
    ("武汉市儿童医院", "wuhan", HOSPITAL),
    ("武汉市金银潭医院", "wuhan", HOSPITAL),
    ("市急救中心", "wuhan", HOSPITAL),
    ("江岸区城管局", "jiangan", ORGAN),
    ("江岸区教育局", "jiangan", ORGAN),
    ("武昌区民政局", "wuchang", ORGAN),
    ("武昌区卫生健康局", "wuchang", ORGAN),
    ("武昌区城管局", "wuchang", ORGAN),
];

const fn user(
    username: &'static str,
    display_name: &'static str,
    organization: &'static str,
    roles: &'static [Role],
) -> DemoUser {
    DemoUser { username, display_name, organization, roles }
}

const OWNER: &[Role] = &[Role::Owner];

pub(super) const USERS: &[DemoUser] = &[
    user("admin", "方志远", BUREAU, &[Role::SystemAdmin]),
    user("secadmin", "邱雅琴", BUREAU, &[Role::SecurityAdmin]),
    user("auditadmin", "潘立群", BUREAU, &[Role::AuditAdmin]),
    user("bureau", "刘建华", BUREAU, &[Role::Bureau]),
    user("government", "陈立新", GOVERNMENT, &[Role::Government]),
    user("finance", "王海燕", FINANCE, &[Role::Finance]),
    user("audit", "赵志刚", "市审计局", &[Role::Audit]),
    user("cyberspace", "孙晓明", "市委网信办", &[Role::CyberspaceOffice]),
    user("devreform", "周国平", "市发展改革委", &[Role::DevelopmentReform]),
    user("secrecy", "吴秀兰", "市委机要保密和档案局", &[Role::SecrecyBureau]),
    user("jiangan", "郑文斌", DISTRICT_AUTHORITIES[0].1, &[Role::DistrictAuthority]),
    user("wuchang", "何丽萍", DISTRICT_AUTHORITIES[1].1, &[Role::DistrictAuthority]),
    user("changjiang", "黄振宇", FIRMS[0], &[Role::Consultant]),
    user("huazhong", "罗佳琪", FIRMS[1], &[Role::Consultant]),
    user("chutian", "高子健", FIRMS[2], &[Role::Consultant]),
    user("jiaoyu.hangye", "马红梅", EDUCATION, &[Role::IndustryAuthority]),
    user("weijian.hangye", "林志强", HEALTH, &[Role::IndustryAuthority]),
    user("minzheng", "张敏", "市民政局", OWNER),
    user("jiaoyu", "杨帆", EDUCATION, OWNER),
    user("weijian", "徐静", HEALTH, OWNER),
    user("gongan", "李强", "市公安局", OWNER),
    user("jiaotong", "胡斌", "市交通运输局", OWNER),
    user("chengguan", "朱涛", "市城管执法委", OWNER),
    user("yibao", "郭丽", "市医疗保障局", OWNER),
    user("renshe", "邓伟", "市人社局", OWNER),
    user("guihua", "曹磊", "市自然资源和规划局", OWNER),
    user("shuiwu", "彭军", "市水务局", OWNER),
    user("dangan", "谢娟", "市档案馆", OWNER),
    user("xinxi", "韩雪", "市信息中心", OWNER),
    user("yizhong", "冯晓东", "武汉市第一中学", OWNER),
    user("zhongxin", "蒋琳", "武汉市中心医院", OWNER),
    user("jiangan.chengguan", "沈浩", "江岸区城管局", OWNER),
    user("jiangan.jiaoyu", "董燕", "江岸区教育局", OWNER),
    user("wuchang.minzheng", "袁明", "武昌区民政局", OWNER),
];

/// Who orders rectification, in which area and why [25]: each department within its duties (see `authz`).
pub(super) const SUPERVISION: &[(Role, &str, &str, &str)] = &[
    (Role::Audit, "市审计局", "funds", "项目资金超进度拨付,部分支出无合同依据"),
    (Role::CyberspaceOffice, "市委网信办", "cybersecurity", "系统上线前未完成网络安全等级保护测评"),
    (Role::SecrecyBureau, "市委机要保密和档案局", "cryptography", "未按密码应用方案使用商用密码产品"),
    (Role::Bureau, BUREAU, "information_sharing", "业务数据未按目录接入市级大数据能力平台共享"),
    (Role::Finance, FINANCE, "procurement", "拆分采购项目规避公开招标"),
    (Role::DevelopmentReform, "市发展改革委", "funds", "建设内容与批复不符,擅自扩大建设规模"),
];

/// Project leaders appointed under [17].
pub(super) const LEADERS: &[&str] =
    &["张伟", "王芳", "李娜", "刘洋", "陈静", "杨军", "赵磊", "黄敏", "周杰", "吴婷", "徐强", "孙丽"];

pub(super) fn organization(name: &str) -> Result<&'static (&'static str, &'static str, Option<OwnerKind>), AppError> {
    ORGANIZATIONS.iter().find(|o| o.0 == name).ok_or_else(|| bug(format!("单位“{name}”不在演示单位表中")))
}

/// `org` acting in `role` in the demo's steps, through its demo account in that role: a demo decision names
/// its person wherever the organisation has an account (the owners without one act as the organisation).
pub(super) fn actor(role: Role, org: &str) -> Result<Arc<Actor>, AppError> {
    let (name, jurisdiction, _) = organization(org)?;
    let account = USERS.iter().find(|u| u.organization == org && u.roles.contains(&role));
    let person = match account {
        Some(a) => Some(Person {
            account: AccountName::parse(a.username).map_err(bug)?,
            name: PersonName::parse(a.display_name).map_err(bug)?,
        }),
        None => None,
    };
    Ok(Arc::new(Actor {
        role,
        organization: OrgName::parse(*name).map_err(bug)?,
        jurisdiction: JurisdictionId::parse(*jurisdiction).map_err(bug)?,
        person,
    }))
}

/// The department duty of demo organisation `org`: the deciding role other than `owner` its accounts act in.
pub(super) fn duty_of(org: &str) -> Option<Role> {
    USERS.iter().filter(|u| u.organization == org).flat_map(|u| u.roles.iter().copied()).find(|r| r.is_duty())
}
