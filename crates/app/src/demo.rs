//! A demo city to try govit with: Wuhan's departments, institutions, schools and hospitals, two districts, a
//! user for every role, and about 150 projects at every point of the regulation's lifecycle, 2022 to today.
//!
//! Everything goes through the application layer — organisations and users through the account functions,
//! projects through [`App::execute`] — so the demo log is one the rules accepted step by step, and it verifies
//! like any other. A rejected step is a bug in this file, reported with the step it failed on.
//!
//! Each project is a *story*: one row of [`STORIES`] (owner, name, amount, plan year, approval path, how far it
//! has come and what happened on the way). [`Script`] turns the rows into dated commands; all of them are then
//! played in date order, so the log reads as the city lived it. Nothing is random: the same `today` writes the
//! same log.

use crate::accounts::{NewOrganization, NewUserInput};
use crate::{App, AppError, CommandRequest, Executed};
use chrono::{Datelike, Days, Months, NaiveDate};
use govit_rules::command::Action;
use govit_rules::date::add_months;
use govit_rules::draft;
use govit_rules::policy::Parameters;
use govit_rules::vocab::{Authority, OwnerKind};
use govit_rules::{Actor, Date, JurisdictionId, OrgName, ProjectId, Rejection, Role};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The one password of every demo user (meets [`crate::accounts::check_password`]). For demos only.
pub const DEMO_PASSWORD: &str = "Wuhan@2021demo";

/// What [`seed`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DemoReport {
    pub organizations: usize,
    pub users: usize,
    pub projects: usize,
    pub events: i64,
}

/// A demo account: log in with its `username` and [`DEMO_PASSWORD`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub organization: &'static str,
    pub roles: &'static [Role],
}

/// The demo accounts' mail domain (reserved for examples, RFC 2606: nothing is ever delivered there).
pub const DEMO_MAIL_DOMAIN: &str = "demo.example.org";

/// Every demo account, for the docs, the login page and tests.
pub fn demo_users() -> &'static [DemoUser] {
    USERS
}

/// Seeds the demo city on an empty store, with stories running from January 2022 up to `today`.
///
/// The stories are written for a `today` no earlier than 2026-11-29; a later one keeps the history and moves
/// the recent events (deadlines due soon, overdue rectifications) along with it.
pub async fn seed(app: &App, today: Date) -> Result<DemoReport, AppError> {
    seed_city(app, today, STORIES.len(), |_, _| ()).await
}

/// The number of projects [`seed`] writes: one per story.
pub fn story_count() -> usize {
    STORIES.len()
}

/// Seeds a city of `projects` projects on an empty store: the stories of [`seed`], each told again in further
/// batches (“养老服务信息系统升级(第2批)”) by the same owners on the same calendar, until there are
/// `projects`. A larger city is the same city grown, so every step is still one the rules accept; the plans of
/// each year hold every batch. `progress` hears (steps done, steps in all) as the steps are played.
pub async fn seed_city(
    app: &App,
    today: Date,
    projects: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<DemoReport, AppError> {
    if !app.store().organizations().await?.is_empty() || app.store().event_count().await? > 0 {
        return Err(AppError::invalid("demo", "系统中已有数据,演示数据只能写入空系统"));
    }
    if today < ymd(2026, 11, 29) {
        return Err(AppError::invalid("demo", format!("演示数据写到2026-11-29,今天({today})不能早于该日")));
    }
    // The whole script first: a story that does not fit the calendar leaves the store untouched.
    if projects == 0 {
        return Err(AppError::invalid("projects", "项目数至少为1"));
    }
    let mut script = Script::new(app, today)?;
    for n in 0..projects {
        script.story(n)?;
    }
    let steps = script.finish()?;
    let installer = app.installer()?;
    for (name, jurisdiction, owner_kind) in ORGANIZATIONS {
        let org = NewOrganization {
            name: (*name).to_owned(),
            jurisdiction: (*jurisdiction).to_owned(),
            owner_kind: *owner_kind,
        };
        app.create_organization(&installer, org).await?;
    }
    for u in USERS {
        let id = app
            .create_user(
                &installer,
                NewUserInput {
                    username: u.username.to_owned(),
                    display_name: u.display_name.to_owned(),
                    organization: u.organization.to_owned(),
                    roles: u.roles.to_vec(),
                    password: DEMO_PASSWORD.to_owned(),
                    must_change_password: false,
                },
            )
            .await?;
        // Where `govit serve --demo --smtp-url …` mails their reminders (a local sink, in a demonstration).
        app.set_email(id, Some(&format!("{}@{DEMO_MAIL_DOMAIN}", u.username))).await?;
    }
    play(app, steps, &mut progress).await?;
    Ok(DemoReport {
        organizations: ORGANIZATIONS.len(),
        users: USERS.len(),
        projects: app.store().projects(&govit_store::ProjectFilter::default()).await?.len(),
        events: app.store().decision_count().await?,
    })
}

// ---------------------------------------------------------------------------------------------------------
// Organisations and users

const BUREAU: &str = "市政务服务和大数据管理局";
const GOVERNMENT: &str = "武汉市人民政府";
const FINANCE: &str = "市财政局";
/// The industry authorities of schools and hospitals [9].
const EDUCATION: &str = "市教育局";
const HEALTH: &str = "市卫生健康委员会";
/// Each district's own authority [29]: it approves the district's projects and reviews its plan.
const DISTRICT_AUTHORITIES: [(&str, &str); 2] =
    [("jiangan", "江岸区政务服务和大数据管理局"), ("wuchang", "武昌区政务服务和大数据管理局")];
/// The consulting firms that evaluate stages [16]; a project's firm is picked by its row number.
const FIRMS: [&str; 3] = ["武汉长江信息工程咨询有限公司", "湖北华中数字咨询评估有限公司", "武汉楚天工程咨询有限公司"];

const ORGAN: Option<OwnerKind> = Some(OwnerKind::PartyGovernmentOrgan);
const INSTITUTION: Option<OwnerKind> = Some(OwnerKind::PublicInstitution);
const SCHOOL: Option<OwnerKind> = Some(OwnerKind::School);
const HOSPITAL: Option<OwnerKind> = Some(OwnerKind::MedicalInstitution);
/// Departments that hold powers but own no projects here.
const NO_PROJECTS: Option<OwnerKind> = None;

/// (name, jurisdiction, owner kind) of every organisation.
const ORGANIZATIONS: &[(&str, &str, Option<OwnerKind>)] = &[
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

const USERS: &[DemoUser] = &[
    user("admin", "系统管理员", BUREAU, &[Role::Admin]),
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
const SUPERVISION: &[(Role, &str, &str, &str)] = &[
    (Role::Audit, "市审计局", "funds", "项目资金超进度拨付,部分支出无合同依据"),
    (Role::CyberspaceOffice, "市委网信办", "cybersecurity", "系统上线前未完成网络安全等级保护测评"),
    (Role::SecrecyBureau, "市委机要保密和档案局", "cryptography", "未按密码应用方案使用商用密码产品"),
    (Role::Bureau, BUREAU, "information_sharing", "业务数据未按目录接入市级大数据能力平台共享"),
    (Role::Finance, FINANCE, "procurement", "拆分采购项目规避公开招标"),
    (Role::DevelopmentReform, "市发展改革委", "funds", "建设内容与批复不符,擅自扩大建设规模"),
];

/// Project leaders appointed under [17].
const LEADERS: &[&str] =
    &["张伟", "王芳", "李娜", "刘洋", "陈静", "杨军", "赵磊", "黄敏", "周杰", "吴婷", "徐强", "孙丽"];

// ---------------------------------------------------------------------------------------------------------
// Stories

/// How a project is routed [8][9] and, if it is approved stage by stage, along which path [10]. A school's or
/// hospital's project is always self-built for its own use, so its industry authority approves it whatever the
/// path says [9].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// Below the approval threshold: implemented by the owner and filed [8].
    Filing,
    /// Proposal, feasibility study and preliminary design, each evaluated by a consultant [10][16].
    ThreeStage,
    /// One implementation plan, the design depth allowing [10].
    Merged,
    /// Built with a fixed-asset project: the bureau gives a technical opinion [9].
    Capital,
}

/// Where a stage under review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Point {
    Submitted,
    Commissioned,
    Evaluated,
    Returned,
}

/// How far a story has come by today, in lifecycle order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    Registered,
    /// In a plan not yet reviewed, or a supplementary request not yet approved.
    Proposed,
    Planned,
    /// `n` stages approved, the next one at this point.
    Reviewing(u8, Point),
    AwaitingGovernment,
    /// Approved, filed or given its technical opinion; not started.
    Approved,
    Building,
    Completed,
    Accepted,
    Operating,
}

/// What else happens in a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Twist {
    /// Enters its year's plan by a supplementary inclusion [7].
    Urgent,
    Leadership,
    /// Excluded by its year's plan review, so registered again [7].
    Excluded,
    /// Excluded from the year before's plan, proposed again.
    Reproposed,
    /// The first stage is returned once, then submitted again [16].
    ReturnedOnce,
    /// Preliminary-work funds once in the plan [14].
    PrelimFunds,
    /// An adjustment within 15% [19], and one beyond it.
    SelfAdjust,
    Reapproval,
    /// That year's annual report is never submitted [20].
    NoReport(i32),
    /// Builds its own GIS service: warned [12].
    OwnPlatform,
    /// Accepted after the acceptance window: warned [21].
    Late,
    /// The pending deadline of the story's last state (acceptance, self-evaluation) falls due within 30 days
    /// of today; `Overdue`: it passed a while ago.
    DueSoon,
    Overdue,
    /// Self-evaluation in its window [22]; then a post-evaluation by the bureau.
    SelfEval,
    PostEval,
    /// No periodic cryptography assessment in operation [26].
    NoCrypto,
    /// Supervision [25]: a rectification done in time; one due soon; one overdue; overdue and publicly
    /// criticised; suspended; suspended, rectified and resumed; suspended and terminated.
    Rectified,
    RectifyDueSoon,
    RectifyOverdue,
    Criticised,
    Suspended,
    Resumed,
    Terminated,
}

#[derive(Debug)]
struct Story {
    owner: &'static str,
    name: &'static str,
    /// 万元.
    wan: i64,
    /// The annual plan it is (or is to be) in.
    year: i32,
    path: Path,
    reach: Reach,
    twists: &'static [Twist],
}

impl Story {
    fn has(&self, twist: Twist) -> bool {
        self.twists.contains(&twist)
    }

    fn supervision(&self) -> Option<Twist> {
        use Twist::*;
        self.twists.iter().copied().find(|t| {
            matches!(t, Rectified | RectifyDueSoon | RectifyOverdue | Criticised | Suspended | Resumed | Terminated)
        })
    }
}

const fn s(
    owner: &'static str,
    name: &'static str,
    wan: i64,
    year: i32,
    path: Path,
    reach: Reach,
    twists: &'static [Twist],
) -> Story {
    Story { owner, name, wan, year, path, reach, twists }
}

/// The city's projects, by plan year. Rows are kept consistent with the calendar of [`Script`]: a story that
/// would need a date after today is reported as an error by [`seed`].
const STORIES: &[Story] = {
    use Path::*;
    use Point::*;
    use Reach::*;
    use Twist::*;
    &[
        // 2022: built, in operation, most of them self-evaluated.
        s("市民政局", "养老服务信息系统升级", 680, 2022, Merged, Operating, &[SelfEval, PostEval]),
        s("市公安局", "智慧警务综合应用平台", 4600, 2022, ThreeStage, Operating, &[SelfEval, PrelimFunds]),
        s("市交通运输局", "智慧交通信号联网平台", 3800, 2022, ThreeStage, Operating, &[Late]),
        s("市医疗保障局", "医保结算平台扩容", 1250, 2022, Merged, Operating, &[SelfEval, SelfAdjust]),
        s("市人社局", "社保卡一卡通服务平台", 2100, 2022, ThreeStage, Operating, &[SelfEval, PostEval, Reapproval]),
        s(HEALTH, "全民健康信息平台升级", 2600, 2022, ThreeStage, Operating, &[]),
        s("市城管执法委", "城市管理综合执法系统", 960, 2022, Merged, Operating, &[SelfEval, NoCrypto]),
        s("市档案馆", "电子档案管理系统", 420, 2022, Merged, Operating, &[SelfEval]),
        s("市信息中心", "政务外网安全防护体系建设", 1480, 2022, Merged, Operating, &[SelfEval, Rectified]),
        s("市市场监管局", "市场主体信用信息库", 35, 2022, Filing, Operating, &[SelfEval]),
        s("市水务局", "水务数据标准体系建设", 42, 2022, Filing, Operating, &[]),
        s("武汉市中心医院", "智慧医院电子病历系统升级", 880, 2022, Merged, Operating, &[SelfEval]),
        s("武汉市第一中学", "智慧校园平台", 260, 2022, Merged, Operating, &[]),
        s("市自然资源和规划局", "国土空间基础信息平台", 3200, 2022, ThreeStage, Operating, &[SelfEval, PostEval]),
        s("市文化和旅游局", "智慧文旅公共服务平台", 590, 2022, Merged, Operating, &[SelfEval]),
        s("江岸区城管局", "江岸区智慧城管平台", 680, 2022, Merged, Operating, &[SelfEval]),
        s("武昌区民政局", "武昌区社区养老服务信息平台", 45, 2022, Filing, Operating, &[]),
        s("市商务局", "外贸企业服务平台", 380, 2022, Merged, Operating, &[SelfEval, NoCrypto]),
        s("市民政局", "婚姻登记信息系统改造", 48, 2022, Filing, Operating, &[SelfEval]),
        s("市公安局", "公安视频图像信息共享平台", 2400, 2022, Merged, Operating, &[SelfEval, OwnPlatform]),
        s(EDUCATION, "教育政务服务一网通办平台", 560, 2022, Merged, Operating, &[SelfEval]),
        s("市应急管理局", "应急指挥调度平台", 1850, 2022, ThreeStage, Operating, &[SelfEval, ReturnedOnce]),
        // 2023: in operation, self-evaluations coming due.
        s("市民政局", "社会救助家庭经济状况核对系统", 720, 2023, Merged, Operating, &[DueSoon]),
        s("市公安局", "交通违法智能识别系统扩容", 1680, 2023, Merged, Operating, &[SelfEval]),
        s("市交通运输局", "公交智能调度系统升级", 980, 2023, Merged, Operating, &[DueSoon]),
        s(HEALTH, "基层医疗卫生机构信息系统", 1560, 2023, ThreeStage, Operating, &[]),
        s("市医疗保障局", "医保智能监管系统", 1320, 2023, Merged, Operating, &[SelfEval]),
        s("市城管执法委", "燃气安全监测预警平台", 2850, 2023, ThreeStage, Completed, &[Overdue]),
        s("市人社局", "就业创业服务平台", 860, 2023, Merged, Operating, &[SelfEval, PostEval]),
        s("市自然资源和规划局", "不动产登记一网通办系统", 1150, 2023, Merged, Operating, &[Late]),
        s("市生态环境局", "生态环境监测大数据平台", 2300, 2023, ThreeStage, Operating, &[ReturnedOnce, Reapproval]),
        s("市水务局", "防汛抗旱指挥系统升级", 1420, 2023, Merged, Operating, &[SelfEval, SelfAdjust]),
        s("市住房和城乡建设局", "建筑工地扬尘在线监测系统", 46, 2023, Filing, Operating, &[SelfEval]),
        s("市市场监管局", "食品安全追溯平台", 780, 2023, Merged, Operating, &[Rectified]),
        s("市应急管理局", "城市安全风险综合监测预警平台", 5200, 2023, ThreeStage, Operating, &[PrelimFunds]),
        s("市文化和旅游局", "公共文化数字资源库", 38, 2023, Filing, Operating, &[]),
        s("市档案馆", "新馆数字档案馆建设", 2600, 2023, Capital, Operating, &[]),
        s("武汉市中心医院", "互联网医院平台", 640, 2023, Merged, Operating, &[DueSoon]),
        s("武汉市第一医院", "医学影像云平台", 1100, 2023, ThreeStage, Operating, &[SelfAdjust]),
        s("武汉市儿童医院", "智慧儿科诊疗服务系统", 480, 2023, Merged, Operating, &[SelfEval]),
        s("江汉大学", "智慧校园一卡通系统升级", 320, 2023, Merged, Operating, &[]),
        s("市信息中心", "政务云灾备中心扩容", 3300, 2023, ThreeStage, Operating, &[NoCrypto, Reapproval]),
        s("江岸区教育局", "江岸区教育资源公共服务平台", 240, 2023, Merged, Operating, &[SelfEval]),
        s("武昌区卫生健康局", "武昌区区域卫生信息平台", 880, 2023, Merged, Operating, &[]),
        s("市司法局", "公共法律服务平台", 450, 2023, Merged, Operating, &[SelfEval]),
        s("市农业农村局", "农产品质量安全监管平台", 28, 2023, Filing, Operating, &[]),
        s("市退役军人事务局", "退役军人服务信息平台", 560, 2023, Merged, Operating, &[Urgent]),
        s("市公共资源交易中心", "公共资源交易电子服务系统", 980, 2023, Merged, Operating, &[Leadership, SelfEval]),
        s("市住房公积金中心", "住房公积金综合服务平台", 1260, 2023, Merged, Operating, &[SelfEval]),
        s("市体育局", "全民健身公共服务平台", 36, 2023, Filing, Operating, &[]),
        // 2024: the smaller ones in operation, the larger ones completing or still being built.
        s("市民政局", "殡葬服务管理信息系统", 420, 2024, Merged, Operating, &[SelfEval]),
        s("市公安局", "智慧社区警务平台", 1860, 2024, ThreeStage, Completed, &[DueSoon]),
        s("市交通运输局", "道路运输电子证照系统", 540, 2024, Merged, Operating, &[]),
        s(HEALTH, "公共卫生应急指挥信息系统", 3600, 2024, ThreeStage, Accepted, &[]),
        s("市医疗保障局", "医保电子凭证应用推广", 380, 2024, Merged, Operating, &[SelfEval]),
        s("市城管执法委", "户外广告招牌智能监管系统", 460, 2024, Merged, Accepted, &[Late]),
        s("市人社局", "劳动保障监察信息系统", 620, 2024, Merged, Operating, &[NoCrypto]),
        s("市自然资源和规划局", "实景三维武汉建设", 4800, 2024, ThreeStage, Building, &[NoReport(2025)]),
        s("市生态环境局", "排污许可监管系统", 44, 2024, Filing, Operating, &[]),
        s("市水务局", "智慧排水管网监测系统", 2400, 2024, ThreeStage, Completed, &[]),
        s("市住房和城乡建设局", "城市信息模型(CIM)基础平台", 3400, 2024, ThreeStage, Building, &[SelfAdjust]),
        s("市市场监管局", "特种设备安全监管平台", 680, 2024, Merged, Operating, &[SelfEval]),
        s("市应急管理局", "森林防火监测预警系统", 890, 2024, Merged, Operating, &[Rectified]),
        s("市文化和旅游局", "文物数字化保护平台", 1720, 2024, ThreeStage, Building, &[Suspended]),
        s("市商务局", "跨境电商公共服务平台", 520, 2024, Merged, Operating, &[]),
        s("市档案馆", "档案数字化加工及数据库建设", 480, 2024, Merged, Operating, &[]),
        s("市信息中心", "城市大脑数据中台", 6800, 2024, ThreeStage, Building, &[PrelimFunds, OwnPlatform]),
        s("武汉市第一中学", "数字化实验教学系统", 180, 2024, Merged, Operating, &[]),
        s("武汉市金银潭医院", "传染病监测预警信息系统", 950, 2024, Merged, Operating, &[]),
        s("江岸区城管局", "江岸区违法建设巡查系统", 26, 2024, Filing, Operating, &[]),
        s("江岸区教育局", "江岸区中小学智慧教室建设", 560, 2024, Merged, Operating, &[SelfAdjust]),
        s("武昌区民政局", "武昌区智慧养老服务平台", 680, 2024, Merged, Operating, &[SelfAdjust, Reapproval]),
        s("武昌区城管局", "武昌区环卫作业监管系统", 48, 2024, Filing, Operating, &[]),
        s("市司法局", "社区矫正信息管理系统", 420, 2024, Merged, Completed, &[Overdue]),
        s("市退役军人事务局", "优抚对象信息管理系统", 230, 2024, Merged, Operating, &[Urgent]),
        s("市体育局", "体育中心改造配套信息化工程", 1800, 2024, Capital, Operating, &[]),
        s("市不动产登记中心", "不动产登记数据治理", 390, 2024, Merged, Operating, &[]),
        s("市公共资源交易中心", "远程异地评标系统", 560, 2024, Merged, Operating, &[Rectified]),
        s("市园林和林业局", "园林绿化资源数据库", 42, 2024, Filing, Operating, &[]),
        s("市急救中心", "院前急救调度指挥系统升级", 780, 2024, Merged, Operating, &[]),
        s("市统计局", "经济普查数据处理系统", 320, 2024, Merged, Accepted, &[Late]),
        // 2025: under construction, some completed, some in trouble.
        s("市民政局", "低保边缘家庭认定系统", 360, 2025, Merged, Completed, &[DueSoon]),
        s("市公安局", "城市视频感知网络扩容", 5600, 2025, ThreeStage, Building, &[]),
        s("市公安局", "公安指挥中心大楼信息化配套工程", 4500, 2025, Capital, Building, &[]),
        s("市交通运输局", "出租车网约车监管平台", 760, 2025, Merged, Building, &[NoReport(2025)]),
        s(HEALTH, "电子健康档案共享调阅系统", 1380, 2025, Merged, Building, &[RectifyDueSoon]),
        s("市医疗保障局", "医保基金智能审核系统", 2200, 2025, ThreeStage, Building, &[Criticised]),
        s("市城管执法委", "智慧停车综合管理平台", 3500, 2025, Merged, Building, &[PrelimFunds]),
        s("市人社局", "人社业务经办系统迁移上云", 940, 2025, Merged, Completed, &[]),
        s("市自然资源和规划局", "自然资源执法监管系统", 650, 2025, Merged, Accepted, &[]),
        s("市生态环境局", "机动车尾气遥感监测系统", 480, 2025, Merged, Building, &[RectifyOverdue]),
        s("市水务局", "河湖长制信息管理系统", 45, 2025, Filing, Operating, &[]),
        s("市住房和城乡建设局", "住房保障管理信息系统升级", 820, 2025, Merged, Building, &[Resumed]),
        s("市市场监管局", "企业登记全程电子化系统升级", 560, 2025, Merged, Operating, &[]),
        s("市应急管理局", "安全生产执法信息系统", 390, 2025, Merged, Accepted, &[]),
        s("市应急管理局", "危化品安全监管信息系统", 1850, 2025, Merged, Building, &[Terminated]),
        s("市文化和旅游局", "智慧景区客流监测系统", 280, 2025, Merged, Building, &[Terminated]),
        s("市商务局", "商务诚信公共服务平台", 36, 2025, Filing, Operating, &[]),
        s("市信息中心", "政务数据共享交换平台升级", 2900, 2025, ThreeStage, Building, &[SelfAdjust, ReturnedOnce]),
        s("武汉市中心医院", "临床数据中心建设", 1650, 2025, ThreeStage, Building, &[]),
        s("武汉市第一中学", "校园安全智能防控系统", 150, 2025, Merged, Completed, &[DueSoon]),
        s("江汉大学", "教学科研数据中心", 2900, 2025, ThreeStage, Building, &[]),
        s("武汉市儿童医院", "儿童健康管理服务平台", 560, 2025, Merged, Operating, &[]),
        s("江岸区城管局", "江岸区市容环境智能巡查平台", 420, 2025, Merged, Building, &[Rectified]),
        s("江岸区教育局", "江岸区学位申请服务系统", 28, 2025, Filing, Operating, &[]),
        s("武昌区民政局", "武昌区社区网格化管理平台", 2600, 2025, ThreeStage, Building, &[Suspended]),
        s("武昌区卫生健康局", "武昌区家庭医生签约服务系统", 380, 2025, Merged, Completed, &[Overdue]),
        s("市档案馆", "档案利用服务平台", 260, 2025, Merged, Building, &[Leadership]),
        s("市司法局", "行政复议案件管理系统", 46, 2025, Filing, Completed, &[DueSoon]),
        s("市农业农村局", "智慧农业物联网平台", 720, 2025, Merged, Building, &[SelfAdjust, Reapproval]),
        // 2026: this year's plan, at every point of approval.
        s("市民政局", "儿童福利信息管理系统", 480, 2026, Merged, Building, &[RectifyDueSoon]),
        s("市公安局", "出入境智能服务系统", 3600, 2026, ThreeStage, AwaitingGovernment, &[]),
        s("市交通运输局", "综合交通运行监测调度中心二期", 6200, 2026, ThreeStage, Approved, &[PrelimFunds]),
        s(HEALTH, "疾病预防控制信息系统", 1900, 2026, ThreeStage, Reviewing(2, Evaluated), &[]),
        s("市医疗保障局", "医保药品耗材招采管理系统", 620, 2026, Merged, Building, &[]),
        s("市城管执法委", "城市生命线安全监测平台", 4200, 2026, ThreeStage, Reviewing(1, Commissioned), &[PrelimFunds]),
        s("市人社局", "技能人才评价管理系统", 360, 2026, Merged, Reviewing(0, Returned), &[]),
        s("市自然资源和规划局", "耕地保护动态监测系统", 880, 2026, ThreeStage, Reviewing(0, Submitted), &[]),
        s("市生态环境局", "碳排放监测管理平台", 1200, 2026, ThreeStage, Reviewing(1, Submitted), &[]),
        s("市水务局", "供水管网漏损监测系统", 960, 2026, Merged, Reviewing(0, Evaluated), &[OwnPlatform]),
        s("市住房和城乡建设局", "物业管理服务监管平台", 420, 2026, Merged, Reviewing(0, Commissioned), &[]),
        s("市市场监管局", "网络交易监测平台", 38, 2026, Filing, Approved, &[]),
        s("市应急管理局", "应急物资储备管理系统", 45, 2026, Filing, Building, &[]),
        s("市文化和旅游局", "全域旅游大数据平台", 1450, 2026, ThreeStage, Reviewing(2, Submitted), &[]),
        s("市商务局", "消费券发放管理系统", 320, 2026, Merged, Approved, &[]),
        s("市信息中心", "一网统管城市运行平台二期", 8800, 2026, ThreeStage, Reviewing(2, Commissioned), &[PrelimFunds]),
        s("武汉市中心医院", "医院智慧后勤管理系统", 380, 2026, Merged, Approved, &[]),
        s("武汉市第一医院", "5G远程会诊平台", 680, 2026, Merged, Reviewing(0, Submitted), &[]),
        s("武汉市第一中学", "智慧体育课堂系统", 95, 2026, Merged, Planned, &[]),
        s("江汉大学", "智慧图书馆系统升级", 480, 2026, Merged, Reviewing(0, Returned), &[]),
        s("市公共资源交易中心", "公共资源交易大数据监管平台", 1100, 2026, Merged, Building, &[]),
        s("市住房公积金中心", "公积金数据安全治理", 260, 2026, Merged, Planned, &[PrelimFunds]),
        s("江岸区城管局", "江岸区城市部件智能感知系统", 780, 2026, Merged, Reviewing(0, Evaluated), &[]),
        s("江岸区教育局", "江岸区智慧校园安全平台", 1200, 2026, ThreeStage, Reviewing(1, Returned), &[]),
        s("武昌区民政局", "武昌区残疾人服务信息系统", 42, 2026, Filing, Approved, &[]),
        s("武昌区城管局", "武昌区智慧环卫平台二期", 3200, 2026, Merged, AwaitingGovernment, &[]),
        s("市体育局", "体育赛事管理平台", 48, 2026, Filing, Planned, &[]),
        s("市不动产登记中心", "不动产登记电子证照平台", 420, 2026, Merged, Building, &[Urgent]),
        s("市急救中心", "急救车辆智能调度系统", 560, 2026, Merged, Proposed, &[Urgent]),
        s("市统计局", "统计云平台", 980, 2026, ThreeStage, Reviewing(1, Evaluated), &[]),
        s("市司法局", "智慧法务区块链存证平台", 450, 2026, Merged, Registered, &[Excluded]),
        s("市农业农村局", "农村集体资产管理平台", 320, 2026, Merged, Planned, &[Reproposed]),
        s("市园林和林业局", "古树名木智慧保护系统", 35, 2026, Filing, Building, &[]),
        s("市退役军人事务局", "退役军人就业创业服务系统", 290, 2026, Merged, Building, &[Reproposed]),
        // 2027: proposed, the plan not yet reviewed; and a few only registered.
        s("市民政局", "民政一体化政务服务平台", 1600, 2027, ThreeStage, Proposed, &[]),
        s("市公安局", "智慧交管大脑", 9800, 2027, ThreeStage, Proposed, &[]),
        s(EDUCATION, "教育数字基座", 2300, 2027, ThreeStage, Proposed, &[]),
        s(HEALTH, "医疗健康大数据中心", 3500, 2027, ThreeStage, Proposed, &[]),
        s("市交通运输局", "城市轨道交通运营监测平台", 1200, 2027, Merged, Proposed, &[]),
        s("市生态环境局", "长江水环境质量智能监管平台", 1800, 2027, ThreeStage, Proposed, &[]),
        s("江岸区城管局", "江岸区城市运行一网统管平台", 880, 2027, Merged, Proposed, &[]),
        s("武昌区卫生健康局", "武昌区智慧医养结合平台", 560, 2027, Merged, Proposed, &[]),
        s("市水务局", "城市内涝积水点预警系统", 460, 2027, Merged, Registered, &[]),
        s("市商务局", "夜间经济数据监测平台", 30, 2027, Filing, Registered, &[]),
        s("武汉市金银潭医院", "发热门诊智能预检系统", 160, 2027, Merged, Registered, &[]),
    ]
};

// ---------------------------------------------------------------------------------------------------------
// The script: stories to dated steps

const WAN: i64 = 10_000;
const DOCUMENTS: [&str; 3] = ["information_sharing_analysis", "cryptography_plan", "secure_reliable_statement"];
const OPINIONS: [&str; 2] = ["information_sharing", "cryptography"];
const REVIEWED: [&str; 3] = ["secure_reliable_products", "security_and_cryptography_review", "utilization_efficiency"];
/// The four items before acceptance [21], days after completion; a completed project has done the first two.
const ASSESSMENTS: [(&str, i64); 4] = [
    ("security_risk_assessment", 20),
    ("big_data_platform_integration", 35),
    ("cryptography_assessment", 50),
    ("final_accounts_audit", 60),
];

/// One command to play, on a date, by someone.
#[derive(Debug)]
struct Step {
    on: Date,
    actor: Arc<Actor>,
    action: &'static str,
    /// The command's `with`, as JSON text: a city of 100,000 projects has two million steps to hold.
    with: String,
    /// The story whose project the step acts on: its number exists only once it is registered.
    story: Option<usize>,
    /// Stories a plan review leaves out [7].
    exclude: Vec<usize>,
    about: String,
}

/// A story's cast, resolved once: where it is, who owns it and who approves it.
struct Cast {
    /// The project's place in the city: steps and plan exclusions name it.
    n: usize,
    /// The story it tells, by its row in [`STORIES`]: its dates and choices, so every copy of a row keeps to
    /// the calendar the row was checked against.
    i: usize,
    story: &'static Story,
    /// The story's name, told again with its batch in a larger city ([`seed_city`]).
    name: String,
    jurisdiction: JurisdictionId,
    owner: Arc<Actor>,
    kind: OwnerKind,
    /// Its industry authority, for a school's or hospital's own project [9].
    industry_authority: Option<&'static str>,
    /// Who approves its stages: the bureau, the district authority [24][29] or the industry authority [9].
    approver: Arc<Actor>,
    /// Who imposes measures [25]: the approver, or the bureau on the filing and capital routes.
    enforcer: Arc<Actor>,
    consultant: Arc<Actor>,
}

/// Whether a plan is decided in the demo, and whom its review leaves out.
#[derive(Debug, Default)]
struct PlanUse {
    decided: bool,
    excluded: Vec<usize>,
    /// A story that must stay proposed in it: the plan may then not be decided.
    stays_open: Option<usize>,
}

struct Script<'a> {
    app: &'a App,
    today: Date,
    steps: Vec<Step>,
    plans: BTreeMap<(JurisdictionId, i32), PlanUse>,
    bureau: Arc<Actor>,
    government: Arc<Actor>,
    finance: Arc<Actor>,
}

impl<'a> Script<'a> {
    fn new(app: &'a App, today: Date) -> Result<Script<'a>, AppError> {
        Ok(Script {
            app,
            today,
            steps: Vec::new(),
            plans: BTreeMap::new(),
            bureau: actor(Role::Bureau, BUREAU)?,
            government: actor(Role::Government, GOVERNMENT)?,
            finance: actor(Role::Finance, FINANCE)?,
        })
    }

    fn params(&self, jurisdiction: &JurisdictionId, on: Date) -> Result<Parameters, AppError> {
        let resolved = self.app.policies().resolve(jurisdiction, on);
        resolved.map(|r| r.parameters).map_err(|e| bug(e.to_string()))
    }

    /// The jurisdiction's approval authority on a date [24][29]: it approves stages and reviews the plan.
    fn authority(&self, jurisdiction: &JurisdictionId, on: Date) -> Result<Arc<Actor>, AppError> {
        match self.params(jurisdiction, on)?.approval_authority {
            Authority::DistrictAuthority => {
                let org = DISTRICT_AUTHORITIES.iter().find(|(j, _)| *j == jurisdiction.as_str());
                let org = org.ok_or_else(|| bug(format!("辖区 {jurisdiction} 没有主管部门")))?;
                actor(Role::DistrictAuthority, org.1)
            }
            _ => Ok(self.bureau.clone()),
        }
    }

    fn cast(&self, n: usize) -> Result<Cast, AppError> {
        let i = n % STORIES.len();
        let story = STORIES.get(i).ok_or_else(|| bug("没有演示项目"))?;
        let name = match n / STORIES.len() {
            0 => story.name.to_owned(),
            batch => format!("{}(第{}批)", story.name, batch + 1),
        };
        let owner = actor(Role::Owner, story.owner)?;
        let kind = organization(story.owner)?.2.ok_or_else(|| bug("建设单位缺少单位性质"))?;
        let industry_authority = match kind {
            OwnerKind::School => Some(EDUCATION),
            OwnerKind::MedicalInstitution => Some(HEALTH),
            _ => None,
        };
        let jurisdiction = owner.jurisdiction.clone();
        let approver = match industry_authority {
            Some(org) => actor(Role::IndustryAuthority, org)?,
            None => self.authority(&jurisdiction, self.today)?,
        };
        let enforcer = match story.path {
            Path::Filing | Path::Capital if industry_authority.is_none() => self.bureau.clone(),
            _ => approver.clone(),
        };
        let consultant = actor(Role::Consultant, FIRMS[i % FIRMS.len()])?;
        Ok(Cast { n, i, story, name, jurisdiction, owner, kind, industry_authority, approver, enforcer, consultant })
    }

    /// Adds a step on the story's project.
    fn act(&mut self, c: &Cast, on: Date, who: &Arc<Actor>, action: &'static str, with: Value) {
        let about = format!("“{}”", c.name);
        let (actor, with) = (Arc::clone(who), with.to_string());
        self.steps.push(Step { on, actor, action, with, story: Some(c.n), exclude: Vec::new(), about });
    }

    fn story(&mut self, n: usize) -> Result<(), AppError> {
        let c = self.cast(n)?;
        let (i, story) = (c.i, c.story);
        let Some(planned) = self.enter_plan(&c) else { return Ok(()) };
        let preliminary = if story.has(Twist::PrelimFunds) { cut(story.wan * WAN, 3) } else { 0 };
        if preliminary > 0 {
            let with = json!({"purpose": "preliminary_work", "amount": preliminary});
            self.act(&c, plus(planned, 40), &self.finance.clone(), "release_funds", with);
        }
        if story.reach == Reach::Planned {
            return Ok(());
        }
        let Some((cleared, estimate)) = self.approve(&c, plus(planned, 20 + spread(i, 5, 40)))? else { return Ok(()) };
        if story.reach == Reach::Approved {
            return Ok(());
        }
        let Some((completed, surplus)) = self.build(&c, cleared, estimate)? else { return Ok(()) };
        self.accept_and_operate(&c, completed, (surplus + preliminary).max(0))
    }

    /// Registration and the way into an annual plan [7]; the date the project is in an approved plan, if it
    /// gets there.
    fn enter_plan(&mut self, c: &Cast) -> Option<Date> {
        let (s, i) = (c.story, c.i);
        let supplementary = [(Twist::Urgent, "urgent"), (Twist::Leadership, "leadership_requirement")]
            .into_iter()
            .find_map(|(t, reason)| s.has(t).then_some(reason));
        let only_registered = s.reach == Reach::Registered && !s.has(Twist::Excluded);
        let first_year = if s.has(Twist::Reproposed) { s.year - 1 } else { s.year };
        let proposed = proposal_day(first_year, i);
        let registered = if only_registered {
            plus(self.today, -(5 + spread(i, 1, 50)))
        } else if supplementary.is_some() {
            plus(ymd(s.year, 3, 1), spread(i, 2, 90))
        } else {
            plus(proposed, -(3 + spread(i, 4, if first_year == 2022 { 6 } else { 45 })))
        };
        let registration = json!({
            "name": c.name, "owner": {"name": s.owner, "kind": c.kind.code()}, "category": category(s.name),
            "construction": construction(s.name), "funding": funding(i), "investment": s.wan * WAN,
            "jurisdiction": c.jurisdiction.as_str(), "bundled_with_fixed_asset": s.path == Path::Capital,
            "self_built_self_used": c.industry_authority.is_some(), "industry_authority": c.industry_authority,
        });
        self.act(c, registered, &c.owner, "register_project", registration);
        if only_registered {
            return None;
        }
        if let Some(reason) = supplementary {
            let with = json!({"year": s.year, "reason": reason});
            self.act(c, plus(registered, 10), &c.owner, "request_supplementary_inclusion", with);
            if s.reach == Reach::Proposed {
                return None;
            }
            let approved = plus(registered, 30);
            self.act(c, approved, &self.government.clone(), "approve_supplementary_inclusion", json!({"year": s.year}));
            return Some(approved);
        }
        self.act(c, proposed, &c.owner, "propose_for_plan", json!({"year": first_year}));
        if s.has(Twist::Reproposed) {
            self.plan(&c.jurisdiction, first_year).excluded.push(c.n);
            self.act(c, proposal_day(s.year, i), &c.owner, "propose_for_plan", json!({"year": s.year}));
        }
        let plan = self.plan(&c.jurisdiction, s.year);
        if s.has(Twist::Excluded) {
            plan.excluded.push(c.n);
            return None;
        }
        if s.reach == Reach::Proposed {
            plan.stays_open = Some(c.n);
            return None;
        }
        plan.decided = true;
        Some(calendar(s.year).1)
    }

    fn plan(&mut self, jurisdiction: &JurisdictionId, year: i32) -> &mut PlanUse {
        self.plans.entry((jurisdiction.clone(), year)).or_default()
    }

    /// Filing [8], the technical opinion [9] or the stages [10]–[16] and the government's approval [15]:
    /// the day the project is cleared for construction and its estimate, unless the story stops before.
    fn approve(&mut self, c: &Cast, start: Date) -> Result<Option<(Date, i64)>, AppError> {
        let s = c.story;
        let investment = s.wan * WAN;
        let first = self.steps.len();
        let cleared = match s.path {
            Path::Filing => {
                self.act(c, start, &c.owner, "file_record", json!({}));
                Some((start, investment))
            }
            Path::Capital => {
                let on = plus(start, 60);
                self.act(c, on, &self.bureau.clone(), "issue_technical_opinion", json!({}));
                Some((on, investment))
            }
            Path::ThreeStage | Path::Merged => self.stages(c, start)?,
        };
        if s.reach > Reach::Approved {
            return Ok(cleared);
        }
        // A story that stops before construction stopped lately: its approval moves later, whole, so that its
        // last step falls in the weeks before today instead of months ago.
        let last = self.steps.iter().skip(first).map(|s| s.on).max();
        let target = plus(self.today, -(7 + spread(c.i, 20, 30)));
        let shift = last.map_or(0, |last| (target - last).num_days());
        if shift > 0 {
            self.steps.iter_mut().skip(first).for_each(|s| s.on = plus(s.on, shift));
        }
        Ok(None)
    }

    fn stages(&mut self, c: &Cast, start: Date) -> Result<Option<(Date, i64)>, AppError> {
        let s = c.story;
        let investment = s.wan * WAN;
        // (stage, investment submitted, investment approved): each review trims the amount a little.
        let path = if s.path == Path::Merged {
            vec![("implementation_plan", investment, cut(investment, 96))]
        } else {
            let proposal = cut(investment, 98);
            let feasibility = cut(proposal, 97);
            vec![
                ("proposal", investment, proposal),
                ("feasibility_study", proposal, feasibility),
                ("preliminary_design", feasibility, cut(feasibility, 98)),
            ]
        };
        let mut on = start;
        for (k, (stage, submitted, approved)) in path.iter().enumerate() {
            if k == 0 && s.has(Twist::ReturnedOnce) {
                self.stage(c, on, stage, *submitted, *approved, Some(Point::Returned));
                on = plus(on, 70);
            }
            let stop = match s.reach {
                Reach::Reviewing(n, point) if usize::from(n) == k => Some(point),
                _ => None,
            };
            self.stage(c, on, stage, *submitted, *approved, stop);
            if stop.is_some() {
                return Ok(None);
            }
            on = plus(on, 45);
            if k + 1 < path.len() {
                on = plus(on, 25 + spread(c.i, 10 + k as u64, 20));
            }
        }
        let estimate = path.last().map_or(investment, |p| p.2);
        if estimate < self.params(&c.jurisdiction, on)?.government_approval_threshold.yuan() {
            return Ok(Some((on, estimate)));
        }
        if s.reach == Reach::AwaitingGovernment {
            return Ok(None);
        }
        let on = plus(on, 25);
        self.act(c, on, &self.government.clone(), "government_approve", json!({}));
        Ok(Some((on, estimate)))
    }

    /// One stage [10]–[16]: submitted, commissioned, evaluated, approved — or stopped at `stop`.
    fn stage(&mut self, c: &Cast, on: Date, stage: &str, submitted: i64, approved: i64, stop: Option<Point>) {
        let builds: &[&str] = if c.story.has(Twist::OwnPlatform) { &["own_gis"] } else { &[] };
        let preparer = if stage == "proposal" { "consulting_credit" } else { "design_qualification" };
        let submission = json!({
            "stage": stage, "investment": submitted, "documents": DOCUMENTS, "preparer": preparer,
            "design_depth_sufficient": stage == "implementation_plan", "builds": builds,
        });
        self.act(c, on, &c.owner, "submit_stage", submission);
        if stop == Some(Point::Submitted) {
            return;
        }
        let firm = c.consultant.organization.as_str();
        self.act(c, plus(on, 6), &c.approver, "commission_review", json!({"consultant": firm}));
        if stop == Some(Point::Commissioned) {
            return;
        }
        let evaluation = json!({"opinions": OPINIONS, "recommended_investment": approved});
        self.act(c, plus(on, 30), &c.consultant, "submit_evaluation", evaluation);
        match stop {
            Some(Point::Evaluated) => {}
            Some(Point::Returned) => {
                let reason = "投资估算依据不充分,信息资源共享分析篇内容不完整,请补充完善后重新报送";
                self.act(c, plus(on, 38), &c.approver, "return_stage", json!({"reason": reason}));
            }
            _ => {
                let approval = json!({"approved_investment": approved, "opinions": OPINIONS});
                self.act(c, plus(on, 45), &c.approver, "approve_stage", approval);
            }
        }
    }

    /// Construction [17]–[20] and supervision [25]; the completion date, if the story gets there, and the funds
    /// released beyond the contracts signed (the surplus at acceptance [18]).
    fn build(&mut self, c: &Cast, cleared: Date, estimate: i64) -> Result<Option<(Date, i64)>, AppError> {
        let (s, i, today) = (c.story, c.i, self.today);
        let team = json!({"agency": format!("{}信息化建设专班", s.owner), "leader": LEADERS[i % LEADERS.len()]});
        self.act(c, plus(cleared, 10), &c.owner, "appoint_team", team);
        // [9] a school's or hospital's own project, approved by its industry authority, is filed with the bureau
        // before construction starts.
        if c.industry_authority.is_some() {
            self.act(c, plus(cleared, 15), &c.owner, "file_record", json!({}));
        }
        let start = plus(cleared, 30 + spread(i, 6, 30));
        self.act(c, start, &c.owner, "start_construction", json!({}));
        let window = self.params(&c.jurisdiction, today)?.acceptance_window_months;
        let completed = match s.reach {
            Reach::Building => None,
            Reach::Completed if s.has(Twist::DueSoon) => Some(months_before(plus(today, 20), window)),
            Reach::Completed if s.has(Twist::Overdue) => Some(months_before(plus(today, -40), window)),
            _ => Some(plus(start, build_days(s.wan) + spread(i, 7, 60))),
        };
        let (suspended, terminated) = self.supervise(c, start)?;
        let end = completed.or(terminated).unwrap_or(today);
        let funds_end = suspended.map_or(end, |d| d.min(end));
        let procurement = if estimate >= 400 * WAN { "public_tender" } else { "competitive_consultation" };
        let mut surplus = 0;
        for (day, contract, share, how) in [(15, "建设合同", 55, procurement), (40, "监理服务合同", 4, "inquiry")]
        {
            let contract = format!("{}{contract}", c.name);
            let with = json!({"contract": contract, "amount": cut(estimate, share), "procurement": how});
            if plus(start, day) < end {
                self.act(c, plus(start, day), &c.owner, "sign_contract", with);
                surplus -= cut(estimate, share);
            }
        }
        for (day, share) in [(25, 40), (210, 25)] {
            let with = json!({"purpose": "construction", "amount": cut(estimate, share)});
            if plus(start, day) < funds_end {
                self.act(c, plus(start, day), &self.finance.clone(), "release_funds", with);
                surplus += cut(estimate, share);
            }
        }
        let span = (end - start).num_days();
        for (twist, at, share, reason) in [
            (Twist::SelfAdjust, span / 2, 8, "technical_optimization"),
            (Twist::Reapproval, span * 2 / 3, 22, "business_development"),
        ] {
            if s.has(twist) {
                let with = json!({"amount": cut(estimate, share), "reason": reason});
                self.act(c, plus(start, at), &c.owner, "request_adjustment", with);
            }
        }
        // [19] a change beyond the tolerance is re-approved before the project can be completed; one still
        // building keeps it pending, on its approver's 工作台.
        if s.has(Twist::Reapproval) && completed.is_some() {
            let on = plus(start, span * 2 / 3 + (span - span * 2 / 3) / 2);
            if i.is_multiple_of(2) {
                self.act(c, on, &c.approver, "approve_adjustment", json!({"approved_investment": estimate}));
            } else {
                let reason = "调整内容超出原批复的建设目标,请按原批复实施";
                self.act(c, on, &c.approver, "reject_adjustment", json!({"reason": reason}));
            }
        }
        // [20] a report for every year the project is under construction on the due day, except those the
        // story leaves out; this year's is not due yet.
        for year in start.year()..=end.year() {
            let due = self.params(&c.jurisdiction, start.max(ymd(year, 1, 1)))?.annual_report_due.in_year(year);
            if due >= end || due >= today || s.has(Twist::NoReport(year)) {
                continue;
            }
            let with = json!({"year": year, "opinions_from": ["user_units", "supervisor"]});
            self.act(c, plus(start, 1).max(plus(due, -13)), &c.owner, "submit_annual_report", with);
        }
        if let Some(on) = completed {
            self.act(c, on, &c.owner, "complete_construction", json!({}));
        }
        Ok(completed.map(|on| (on, surplus)))
    }

    /// [25] a rectification and what follows it; the days the project was suspended and terminated, if so.
    fn supervise(&mut self, c: &Cast, start: Date) -> Result<(Option<Date>, Option<Date>), AppError> {
        use Twist::*;
        let Some(twist) = c.story.supervision() else { return Ok((None, None)) };
        let (i, today) = (c.i, self.today);
        let (role, org, area, finding) = SUPERVISION[i % SUPERVISION.len()];
        let ordered = match twist {
            Rectified => plus(start, 90 + spread(i, 8, 60)),
            RectifyDueSoon => plus(today, -18),
            RectifyOverdue => plus(today, -75),
            _ => plus(start, 60).max(plus(today, -(120 + spread(i, 9, 80)))),
        };
        let due = match twist {
            RectifyDueSoon => plus(today, 12),
            RectifyOverdue => plus(today, -30),
            Rectified => plus(ordered, 45),
            _ => plus(ordered, 30),
        };
        let supervisor = actor(role, org)?;
        let with = json!({"area": area, "finding": finding, "due": due.to_string()});
        self.act(c, ordered, &supervisor, "order_rectification", with);
        let measure = |m: &str| json!({"measure": m});
        let (mut suspended, mut terminated) = (None, None);
        match twist {
            Rectified => {
                self.act(c, plus(ordered, 25), &c.owner, "report_rectified", json!({}));
                // [25] the department that ordered it verifies the report.
                self.act(c, plus(ordered, 32), &supervisor, "verify_rectification", json!({"result": "passed"}));
            }
            Criticised => self.act(c, plus(due, 15), &c.enforcer, "impose_measure", measure("public_criticism")),
            Suspended | Resumed | Terminated => {
                self.act(c, plus(due, 10), &c.enforcer, "impose_measure", measure("public_criticism"));
                suspended = Some(plus(due, 15));
                self.act(c, plus(due, 15), &c.enforcer, "impose_measure", measure("suspend_construction"));
            }
            _ => {}
        }
        if twist == Resumed {
            self.act(c, plus(due, 45), &c.owner, "report_rectified", json!({}));
            self.act(c, plus(due, 50), &c.enforcer, "lift_suspension", json!({}));
        }
        if twist == Terminated {
            terminated = Some(plus(due, 60));
            self.act(c, plus(due, 60), &c.enforcer, "impose_measure", measure("terminate"));
        }
        Ok((suspended, terminated))
    }

    /// Acceptance [21][27], operation, the periodic cryptography assessment [26] and self-evaluation [22].
    fn accept_and_operate(&mut self, c: &Cast, completed: Date, surplus: i64) -> Result<(), AppError> {
        let (s, today) = (c.story, self.today);
        let recorded = if s.reach == Reach::Completed { 2 } else { ASSESSMENTS.len() };
        for (kind, day) in ASSESSMENTS.iter().take(recorded) {
            self.act(c, plus(completed, *day), &c.owner, "record_assessment", json!({"kind": kind}));
        }
        if s.reach == Reach::Completed {
            return Ok(());
        }
        self.act(c, plus(completed, 70), &self.bureau.clone(), "confirm_ready_for_acceptance", json!({}));
        let params = self.params(&c.jurisdiction, completed)?;
        let due = add_months(completed, params.acceptance_window_months);
        let accepted = if s.has(Twist::Late) { plus(due, 20) } else { plus(completed, 85) };
        self.act(c, accepted, &c.owner, "accept", json!({"reviewed": REVIEWED}));
        self.act(c, plus(accepted, 7), &c.owner, "file_acceptance", json!({}));
        self.act(c, plus(accepted, 12), &c.owner, "register_assets", json!({}));
        // [18] most owners return the surplus soon after acceptance; every third still shows it.
        if surplus > 0 && !c.i.is_multiple_of(3) {
            self.act(c, plus(accepted, 15), &c.owner, "return_surplus", json!({"amount": surplus}));
        }
        if s.reach == Reach::Accepted {
            return Ok(());
        }
        let (from, to) = params.self_evaluation_window_months;
        let operating = if s.has(Twist::DueSoon) {
            plus(months_before(today, to), 20)
        } else if s.has(Twist::Overdue) {
            plus(months_before(today, to), -45)
        } else {
            plus(accepted, 20)
        };
        self.act(c, operating, &c.owner, "start_operation", json!({}));
        if !s.has(Twist::NoCrypto) {
            // A month before each assessment falls due, so that none is overdue.
            let every = params.cryptography_assessment_interval_months.saturating_sub(1).max(1);
            let assessments = (1..).map(|k| add_months(operating, every * k)).take_while(|on| *on < today);
            for on in assessments.collect::<Vec<_>>() {
                self.act(c, on, &c.owner, "record_assessment", json!({"kind": "cryptography_assessment"}));
            }
        }
        if s.has(Twist::SelfEval) {
            let on = add_months(operating, from + 1);
            self.act(c, on, &c.owner, "submit_self_evaluation", json!({}));
            if s.has(Twist::PostEval) {
                let with = json!({"consultant": c.consultant.organization.as_str()});
                self.act(c, plus(on, 40), &self.bureau.clone(), "commission_post_evaluation", with);
            }
        }
        Ok(())
    }

    /// The plans the stories need decided: reviewed by the jurisdiction's authority, approved by the
    /// government [7]. Then every step in date order, none after today.
    fn finish(mut self) -> Result<Vec<Step>, AppError> {
        for ((jurisdiction, year), plan) in std::mem::take(&mut self.plans) {
            if !plan.decided && plan.excluded.is_empty() {
                continue;
            }
            if let Some(n) = plan.stays_open {
                let name = STORIES.get(n % STORIES.len()).map_or("", |s| s.name);
                return Err(bug(format!("“{name}”应停留在申报状态,但{year}年度计划将被批准")));
            }
            let (review, approve) = calendar(year);
            let about = format!("{jurisdiction} {year}年度计划");
            let with = json!({"year": year, "jurisdiction": jurisdiction.as_str()}).to_string();
            self.steps.push(Step {
                on: review,
                actor: self.authority(&jurisdiction, review)?,
                action: "review_plan",
                with: with.clone(),
                story: None,
                exclude: plan.excluded,
                about: about.clone(),
            });
            let government = self.government.clone();
            self.steps.push(Step {
                on: approve,
                actor: government,
                action: "approve_plan",
                with,
                story: None,
                exclude: Vec::new(),
                about,
            });
        }
        // Stable: a project's steps on one day keep their order.
        self.steps.sort_by_key(|s| s.on);
        if let Some(late) = self.steps.iter().find(|s| s.on > self.today || s.on < ymd(2022, 1, 1)) {
            return Err(bug(format!("{}的{}日期{}不在2022-01-01至今天之间", late.about, late.action, late.on)));
        }
        Ok(self.steps)
    }
}

/// Plays the steps through [`App::execute`]; a step the rules do not accept is a bug in the demo.
async fn play(app: &App, steps: Vec<Step>, progress: &mut impl FnMut(usize, usize)) -> Result<(), AppError> {
    let mut ids: BTreeMap<usize, ProjectId> = BTreeMap::new();
    let total = steps.len();
    for (n, step) in steps.into_iter().enumerate() {
        progress(n, total);
        let what = format!("第{}步({} {} {})", n + 1, step.on, step.about, step.action);
        let id = |i: &usize| ids.get(i).map(|id| json!(id.as_str())).ok_or_else(|| bug(format!("{what}:项目尚未登记")));
        let mut with: Value = serde_json::from_str(&step.with).map_err(|e| bug(format!("{what}:{e}")))?;
        if let Some(i) = step.story
            && step.action != "register_project"
            && let Some(map) = with.as_object_mut()
        {
            map.insert("project".to_owned(), id(&i)?);
        }
        if !step.exclude.is_empty()
            && let Some(map) = with.as_object_mut()
        {
            map.insert("exclude".to_owned(), step.exclude.iter().map(id).collect::<Result<Value, _>>()?);
        }
        // The demo city declares its organisations in its own tables: the one builder, with no other record.
        let action =
            Action::from_code(step.action).ok_or_else(|| bug(format!("{what}:没有名为“{}”的事项", step.action)))?;
        let with = match with {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let command =
            draft::build(action, with, step.actor.role, None).map_err(|e| bug(format!("{what}:{:?}", e.fields())))?;
        let request = CommandRequest {
            actor: (*step.actor).clone(),
            on: step.on,
            command,
            request_id: None,
            attachments: Vec::new(),
        };
        let outcome = app.execute(request).await.map_err(|e| match e {
            AppError::Store(_) => e,
            other => bug(format!("{what}:{other}")),
        })?;
        match outcome {
            Executed::Done { project, .. } => {
                if let (Some(i), Some(project), "register_project") = (step.story, project, step.action) {
                    ids.insert(i, project);
                }
            }
            Executed::Rejected { rejection } => {
                let why = match rejection {
                    Rejection::Forbidden(f) => f.message,
                    Rejection::Refused(r) => r.to_string(),
                };
                return Err(bug(format!("{what}被拒绝:{why}")));
            }
        }
    }
    progress(total, total);
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

/// A fault in the demo's own tables or script (a step the rules refuse, an organisation missing from its
/// table): the demo's bug, not the operator's input.
fn bug(reason: impl Into<String>) -> AppError {
    AppError::internal(format!("演示数据有误:{}", reason.into()))
}

fn organization(name: &str) -> Result<&'static (&'static str, &'static str, Option<OwnerKind>), AppError> {
    ORGANIZATIONS.iter().find(|o| o.0 == name).ok_or_else(|| bug(format!("单位“{name}”不在演示单位表中")))
}

fn actor(role: Role, org: &str) -> Result<Arc<Actor>, AppError> {
    let (name, jurisdiction, _) = organization(org)?;
    Ok(Arc::new(Actor {
        role,
        organization: OrgName::parse(*name).map_err(bug)?,
        jurisdiction: JurisdictionId::parse(*jurisdiction).map_err(bug)?,
    }))
}

/// When `year`'s plan is reviewed and approved [7]: in December before the year, or — for 2022, the first
/// year on the platform — in its first weeks.
fn calendar(year: i32) -> (Date, Date) {
    if year <= 2022 { (ymd(2022, 2, 10), ymd(2022, 2, 24)) } else { (ymd(year - 1, 12, 10), ymd(year - 1, 12, 26)) }
}

/// When story `i` proposes itself for `year`'s plan: in the autumn before (January in 2022), before the review.
fn proposal_day(year: i32, i: usize) -> Date {
    if year <= 2022 { plus(ymd(2022, 1, 12), spread(i, 3, 15)) } else { plus(ymd(year - 1, 10, 10), spread(i, 3, 45)) }
}

/// Days of construction by size: small systems in months, large platforms in a year and a half.
fn build_days(wan: i64) -> i64 {
    match wan {
        ..100 => 150,
        100..1000 => 300,
        1000..3000 => 420,
        _ => 540,
    }
}

/// The category a project's name implies [3]: enough for a demo, and one column less in the table.
fn category(name: &str) -> &'static str {
    const BY_WORD: &[(&str, &str)] = &[
        ("标准", "standards"),
        ("安全防护", "security_infrastructure"),
        ("数据安全", "security_infrastructure"),
        ("灾备", "security_infrastructure"),
        ("外网", "egov_infrastructure"),
        ("感知网络", "egov_infrastructure"),
        ("数据库", "information_resource_database"),
        ("资源库", "information_resource_database"),
        ("信息库", "information_resource_database"),
        ("数据治理", "information_resource_database"),
        ("数据中心", "information_resource_database"),
        ("平台", "network_platform"),
    ];
    BY_WORD.iter().find(|(word, _)| name.contains(word)).map_or("business_application", |(_, c)| c)
}

fn construction(name: &str) -> &'static str {
    if name.contains("升级") {
        "upgrade"
    } else if name.contains("扩容") || name.contains("二期") {
        "expansion"
    } else if name.contains("改造") || name.contains("迁移") {
        "renovation"
    } else {
        "new"
    }
}

/// Mostly government investment; every tenth project buys a service, and every tenth is built jointly.
fn funding(i: usize) -> &'static str {
    match i % 10 {
        3 => "service_purchase",
        7 => "joint_construction",
        _ => "government_investment",
    }
}

/// `share` percent of `yuan`, in whole hundreds of yuan.
fn cut(yuan: i64, share: i64) -> i64 {
    yuan * share / 100 / 100 * 100
}

/// A fixed pseudo-random number in `0..n` for story `i` (a multiplicative hash, no randomness), so that 150
/// projects do not all move on the same day, and every run writes the same log.
fn spread(i: usize, salt: u64, n: u64) -> i64 {
    let x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let x = x ^ (x >> 29);
    i64::try_from(x % n.max(1)).unwrap_or(0)
}

fn ymd(year: i32, month: u32, day: u32) -> Date {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn plus(date: Date, days: i64) -> Date {
    let n = Days::new(days.unsigned_abs());
    if days >= 0 { date.checked_add_days(n) } else { date.checked_sub_days(n) }.unwrap_or(date)
}

fn months_before(date: Date, months: u32) -> Date {
    date.checked_sub_months(Months::new(months)).unwrap_or(date)
}
