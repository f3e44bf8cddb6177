//! The regulation's vocabulary: every closed list of docs/SCENARIOS.md as an enum, with its Chinese name.
//!
//! `code()` is the scenario format's and the API's English word; `label()` is what a person reads.

/// Declares a closed list whose members serialize as their code and carry a Chinese label.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The Chinese name shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            /// The English word used in scenarios and the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// The member whose code is `code`.
            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub(crate) use vocabulary as vocabulary_pub;

vocabulary!(
    /// 项目建设单位的性质 [2][9].
    OwnerKind {
        PartyGovernmentOrgan = "party_government_organ" => "市级党政机关",
        PublicInstitution = "public_institution" => "市直属事业单位",
        School = "school" => "学校",
        MedicalInstitution = "medical_institution" => "医疗机构",
        StateOwnedEnterprise = "state_owned_enterprise" => "国有企业",
    }
);

vocabulary!(
    /// 项目类别 [3].
    Category {
        NetworkPlatform = "network_platform" => "电子政务网络平台",
        BusinessApplication = "business_application" => "业务应用信息系统",
        InformationResourceDatabase = "information_resource_database" => "信息资源库",
        SecurityInfrastructure = "security_infrastructure" => "信息安全基础设施",
        EgovInfrastructure = "egov_infrastructure" => "电子政务基础设施",
        Standards = "standards" => "电子政务标准化体系",
        SupportingSystem = "supporting_system" => "相关支撑体系",
        OfficeEquipment = "office_equipment" => "集中采购的办公设备",
        BuildingIntelligence = "building_intelligence" => "楼宇智能化(含会议、视频等系统)",
    }
);

vocabulary!(
    /// 建设性质 [3].
    Construction {
        New = "new" => "新建",
        Renovation = "renovation" => "改建",
        Expansion = "expansion" => "扩建",
        Upgrade = "upgrade" => "升级",
    }
);

vocabulary!(
    /// 资金方式 [3].
    Funding {
        GovernmentInvestment = "government_investment" => "政府投资建设",
        JointConstruction = "joint_construction" => "政府与社会企业联合建设",
        ServicePurchase = "service_purchase" => "政府向社会购买服务",
        OperationFunding = "operation_funding" => "政府资金运行维护",
    }
);

vocabulary!(
    /// 管理路径 [8][9].
    Route {
        Filing = "filing" => "自行实施并备案",
        Approval = "approval" => "审批",
        CapitalConstruction = "capital_construction" => "纳入基本建设项目管理",
        IndustryAuthorityApproval = "industry_authority_approval" => "行业主管部门审批并备案",
    }
);

vocabulary!(
    /// 项目审批部门 (the `approver` of a project) [8][9][24][29].
    Authority {
        Bureau = "bureau" => "市政务服务和大数据管理局",
        DistrictAuthority = "district_authority" => "区政务信息化主管部门",
        IndustryAuthority = "industry_authority" => "行业主管部门",
        DevelopmentReform = "development_reform" => "市发展改革委",
    }
);

vocabulary!(
    /// 审批环节 [10].
    Stage {
        Proposal = "proposal" => "项目建议书",
        FeasibilityStudy = "feasibility_study" => "可行性研究报告",
        PreliminaryDesign = "preliminary_design" => "初步设计",
        ImplementationPlan = "implementation_plan" => "项目实施方案",
    }
);

vocabulary!(
    /// 申报材料 [13][27].
    Document {
        InformationSharingAnalysis = "information_sharing_analysis" => "信息资源共享分析篇(章)",
        CryptographyPlan = "cryptography_plan" => "密码应用方案",
        SecureReliableStatement = "secure_reliable_statement" => "软硬件产品安全可靠情况说明",
    }
);

vocabulary!(
    /// 方案编制单位的能力 [11].
    Preparer {
        ConsultingCredit = "consulting_credit" => "具有咨询资信",
        DesignQualification = "design_qualification" => "具有设计资质",
        Equivalent = "equivalent" => "具有同等能力水平",
        None = "none" => "无相应资信资质",
    }
);

vocabulary!(
    /// 拟建设内容中与统一基础设施相关的部分 [12].
    Build {
        NewMachineRoom = "new_machine_room" => "新建机房",
        PrivateNetwork = "private_network" => "新建专网",
        StandaloneMobileEntry = "standalone_mobile_entry" => "独立的移动端入口",
        OwnIdentityAuth = "own_identity_auth" => "自建身份认证",
        OwnGis = "own_gis" => "自建地理信息服务",
        OwnBlockchain = "own_blockchain" => "自建区块链服务",
        OwnAiPlatform = "own_ai_platform" => "自建人工智能平台",
    }
);

vocabulary!(
    /// 评估报告和批复文件须含的意见 [13].
    Opinion {
        InformationSharing = "information_sharing" => "信息资源共享",
        Cryptography = "cryptography" => "密码应用",
    }
);

vocabulary!(
    /// 资金用途 [14].
    Purpose {
        Construction = "construction" => "项目建设资金",
        PreliminaryWork = "preliminary_work" => "前期工作经费",
    }
);

vocabulary!(
    /// 采购方式 [17].
    Procurement {
        PublicTender = "public_tender" => "公开招标",
        InvitedTender = "invited_tender" => "邀请招标",
        CompetitiveNegotiation = "competitive_negotiation" => "竞争性谈判",
        CompetitiveConsultation = "competitive_consultation" => "竞争性磋商",
        SingleSource = "single_source" => "单一来源采购",
        Inquiry = "inquiry" => "询价",
    }
);

vocabulary!(
    /// 调整情形 [19].
    AdjustmentReason {
        SuperiorRequirement = "superior_requirement" => "根据上级部门要求或市委、市人民政府安排部署",
        TechnicalOptimization = "technical_optimization" => "对原技术方案进行优化完善",
        BusinessDevelopment = "business_development" => "在已批复框架下根据业务发展需要调整",
        Other = "other" => "其他情形",
    }
);

vocabulary!(
    /// 调整结果 [19].
    AdjustmentOutcome {
        SelfAdjusted = "self_adjusted" => "建设单位自行调整并备案",
        RequiresReapproval = "requires_reapproval" => "须重新履行审批手续",
    }
);

vocabulary!(
    /// 绩效评价报告须征求意见的单位 [20].
    ReportOpinion {
        UserUnits = "user_units" => "项目使用单位",
        Supervisor = "supervisor" => "监理单位",
    }
);

vocabulary!(
    /// 验收前须完成的评估与对接 [21], and the periodic cryptography assessment [26].
    AssessmentKind {
        SecurityRiskAssessment = "security_risk_assessment" => "信息安全风险评估",
        CryptographyAssessment = "cryptography_assessment" => "密码应用安全性评估",
        FinalAccountsAudit = "final_accounts_audit" => "决算审计",
        BigDataPlatformIntegration = "big_data_platform_integration" => "与市级大数据能力平台对接",
    }
);

vocabulary!(
    /// 验收的重要内容 [27].
    AcceptanceReview {
        SecureReliableProducts = "secure_reliable_products" => "软硬件产品安全可靠情况",
        SecurityAndCryptographyReview = "security_and_cryptography_review" => "密码应用和安全审查情况",
        UtilizationEfficiency = "utilization_efficiency" => "软件系统、硬件设备和相关服务的利用效率",
    }
);

vocabulary!(
    /// 监管领域 [25].
    Area {
        InformationSharing = "information_sharing" => "政务信息共享",
        Procurement = "procurement" => "招标采购",
        Funds = "funds" => "资金使用",
        Cryptography = "cryptography" => "密码应用",
        Cybersecurity = "cybersecurity" => "网络安全",
    }
);

vocabulary!(
    /// 逾期不整改的处理措施 [25].
    Measure {
        PublicCriticism = "public_criticism" => "通报批评",
        DeferAnnualPlan = "defer_annual_plan" => "暂缓安排政务信息化项目年度实施计划",
        SuspendConstruction = "suspend_construction" => "暂停项目建设",
        Terminate = "terminate" => "终止项目",
    }
);

vocabulary!(
    /// 整改核查结论 [25]: "整改后仍不符合要求" is a failed verification.
    VerificationResult {
        Passed = "passed" => "整改合格",
        Failed = "failed" => "整改后仍不符合要求",
    }
);

vocabulary!(
    /// 补充列入年度计划的理由 [7].
    SupplementaryReason {
        LeadershipRequirement = "leadership_requirement" => "市委、市人民政府有明确要求",
        Urgent = "urgent" => "确属情况紧急",
        Other = "other" => "其他理由",
    }
);

vocabulary!(
    /// 项目状态.
    Status {
        Registered = "registered" => "已登记",
        Proposed = "proposed" => "已申报计划",
        Planned = "planned" => "已列入年度计划",
        Filed = "filed" => "已备案",
        InApproval = "in_approval" => "审批中",
        AwaitingGovernmentApproval = "awaiting_government_approval" => "待市人民政府批准",
        Approved = "approved" => "已批复",
        UnderConstruction = "under_construction" => "建设中",
        Suspended = "suspended" => "暂停建设",
        Completed = "completed" => "已完工",
        Accepted = "accepted" => "已验收",
        Operating = "operating" => "运行中",
        Terminated = "terminated" => "已终止",
        Merged = "merged" => "已并入合并建设项目",
    }
);

vocabulary!(
    /// 电子监察的警示牌: yellow as a due date nears, red once it has passed, until the obligation is met.
    Card {
        Yellow = "yellow" => "黄牌",
        Red = "red" => "红牌",
    }
);

vocabulary!(
    /// 对警示牌异议的处理结果 [25].
    DisputeOutcome {
        Upheld = "upheld" => "维持警示牌",
        Withdrawn = "withdrawn" => "撤销警示牌",
    }
);

vocabulary!(
    /// 市委网信办对年度实施计划的备案审核结论 [24].
    PlanReviewResult {
        Filed = "filed" => "予以备案",
        Returned = "returned" => "退回",
    }
);

vocabulary!(
    /// 年度实施计划的状态 [7].
    PlanStatus {
        Open = "open" => "申报中",
        Reviewed = "reviewed" => "已论证",
        Approved = "approved" => "已批准",
    }
);
