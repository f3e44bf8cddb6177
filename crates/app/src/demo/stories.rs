//! The stories: one row per project — owner, name, amount, plan year, approval path, how far it has come by
//! today and what happened to it on the way.

use super::tables::{EDUCATION, HEALTH};

/// How a project is routed [8][9] and, if it is approved stage by stage, along which path [10]. A school's or
/// hospital's project is always self-built for its own use, so its industry authority approves it whatever the
/// path says [9].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Path {
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
pub(super) enum Point {
    Submitted,
    Commissioned,
    Evaluated,
    Returned,
}

/// How far a story has come by today, in lifecycle order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Reach {
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
pub(super) enum Twist {
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
    /// Put into its plan by the bureau [7] rather than proposed by its owner.
    Assigned,
    /// Merged by the bureau into the proposal of the story just before it [7][4].
    MergedIntoPrevious,
    /// Its proposal's amount is cut by the plan's reviewer [7].
    AdjustedInReview,
}

#[derive(Debug)]
pub(super) struct Story {
    pub(super) owner: &'static str,
    pub(super) name: &'static str,
    /// 万元.
    pub(super) wan: i64,
    /// The annual plan it is (or is to be) in.
    pub(super) year: i32,
    pub(super) path: Path,
    pub(super) reach: Reach,
    pub(super) twists: &'static [Twist],
}

impl Story {
    pub(super) fn has(&self, twist: Twist) -> bool {
        self.twists.contains(&twist)
    }

    pub(super) fn supervision(&self) -> Option<Twist> {
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

/// The city's projects, by plan year. Rows are kept consistent with the calendar of
/// [`Script`](super::script::Script): a story that would need a date after today is reported as an error by
/// [`seed`](super::seed).
pub(super) const STORIES: &[Story] = {
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
        s("市城管执法委", "轨道交通沿线视频监控系统", 400, 2027, Merged, Proposed, &[MergedIntoPrevious]),
        s("市信息中心", "城市运行数据底座", 1500, 2027, ThreeStage, Proposed, &[Assigned]),
        s("市生态环境局", "长江水环境质量智能监管平台", 1800, 2027, ThreeStage, Proposed, &[AdjustedInReview]),
        s("江岸区城管局", "江岸区城市运行一网统管平台", 880, 2027, Merged, Proposed, &[]),
        s("武昌区卫生健康局", "武昌区智慧医养结合平台", 560, 2027, Merged, Proposed, &[]),
        s("市水务局", "城市内涝积水点预警系统", 460, 2027, Merged, Registered, &[]),
        s("市商务局", "夜间经济数据监测平台", 30, 2027, Filing, Registered, &[]),
        s("武汉市金银潭医院", "发热门诊智能预检系统", 160, 2027, Merged, Registered, &[]),
    ]
};

/// The category a project's name implies [3]: enough for a demo, and one column less in the table.
pub(super) fn category(name: &str) -> &'static str {
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

pub(super) fn construction(name: &str) -> &'static str {
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
pub(super) fn funding(i: usize) -> &'static str {
    match i % 10 {
        3 => "service_purchase",
        7 => "joint_construction",
        _ => "government_investment",
    }
}
