//! Who may act: the one place that decides powers, deny by default, before any article is looked at.
//!
//! [24] divides the powers: the bureau approves municipal projects and confirms acceptance, the government
//! approves plans and large projects, finance arranges funds, and so on; [29] gives districts their own
//! authority. An owner acts only on its own organisation's projects. This is not a rule of the text that
//! can be refused with an article: an actor outside its powers is `forbidden`.

use crate::actor::{Actor, Role};
use crate::command::Action;
use crate::date::Date;
use crate::ids::{JurisdictionId, OrgName};
use crate::notice::Forbidden;
use crate::policy::PolicySet;
use crate::state::Project;
use crate::vocab::{Area, Authority};

/// The few facts of a project that decide who may see it and act on it: enough for [`authorize`],
/// [`may_view`] and [`responsible`], so that a list of 100,000 projects can answer them from a compact index
/// without loading each project's history.
#[derive(Debug, Clone, Copy)]
pub struct Audience<'a> {
    pub jurisdiction: &'a JurisdictionId,
    pub owner: &'a OrgName,
    pub approver: Authority,
    /// The industry authority named at registration, for a school's or hospital's own project [9].
    pub industry_authority: Option<&'a OrgName>,
    /// The consultant commissioned to evaluate the current stage [16].
    pub consultant: Option<&'a OrgName>,
    /// The consultant whose evaluation of the current stage is in.
    pub evaluator: Option<&'a OrgName>,
    /// The consultant commissioned for the post-evaluation [22].
    pub post_evaluator: Option<&'a OrgName>,
    /// The departments that ordered rectification of the project: they verify the reports [25].
    pub supervisors: &'a [OrgName],
    /// The owners of proposals merged into the project [7]: they see it; its owner alone acts.
    pub co_builders: &'a [OrgName],
}

impl Project {
    pub fn audience(&self) -> Audience<'_> {
        let current = self.current.as_ref();
        Audience {
            jurisdiction: &self.jurisdiction,
            owner: &self.owner.name,
            approver: self.approver,
            industry_authority: self.industry_authority.as_ref(),
            consultant: current.and_then(|c| c.consultant.as_ref()),
            evaluator: current.and_then(|c| c.evaluation.as_ref()).map(|e| &e.consultant),
            post_evaluator: self.post_evaluation_by.as_ref(),
            supervisors: &self.supervisors,
            co_builders: &self.co_builders,
        }
    }
}

/// What the action is done to, as far as powers are concerned.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// Registering a project for `owner` in `jurisdiction`.
    NewProject {
        owner: &'a OrgName,
        jurisdiction: &'a JurisdictionId,
    },
    Project(Audience<'a>),
    Plan {
        jurisdiction: &'a JurisdictionId,
    },
}

/// Who is named in the scenario format's `by` column.
enum By {
    Owner,
    Approver,
    ApproverOrBureau,
    Role(Role),
    /// [15] "报市人民政府批准": the government of the city itself, not a district's.
    CityGovernment,
    PlanReviewer,
    Supervisor,
    /// [25] the department that ordered a rectification, or the bureau, verifies the report.
    Verifier,
    CommissionedConsultant,
}

fn by(action: Action) -> By {
    use Action::*;
    match action {
        RegisterProject
        | ProposeForPlan
        | RequestSupplementaryInclusion
        | FileRecord
        | SubmitStage
        | AppointTeam
        | StartConstruction
        | SignContract
        | RequestAdjustment
        | SubmitAnnualReport
        | CompleteConstruction
        | RecordAssessment
        | Accept
        | FileAcceptance
        | RegisterAssets
        | StartOperation
        | SubmitSelfEvaluation
        | ReportRectified
        | ReturnSurplus
        | DisputeCard
        | ReportRating => By::Owner,
        CommissionReview | ApproveStage | ReturnStage | ApproveAdjustment | RejectAdjustment => By::Approver,
        VerifyRectification => By::Verifier,
        ImposeMeasure | LiftSuspension | IssueCards | ResolveCardDispute => By::ApproverOrBureau,
        ReviewPlan | AssignProject | AdjustProposal | MergeProposals => By::PlanReviewer,
        FilePlanReview => By::Role(Role::CyberspaceOffice),
        IncludeInInvestmentPlan => By::Role(Role::DevelopmentReform),
        ApprovePlan | ApproveSupplementaryInclusion => By::Role(Role::Government),
        GovernmentApprove => By::CityGovernment,
        IssueTechnicalOpinion | ConfirmReadyForAcceptance | CommissionPostEvaluation | PublishRanking => {
            By::Role(Role::Bureau)
        }
        ReleaseFunds => By::Role(Role::Finance),
        SubmitEvaluation => By::CommissionedConsultant,
        OrderRectification => By::Supervisor,
    }
}

/// The role that exercises an approval authority.
pub fn role_of(authority: Authority) -> Role {
    match authority {
        Authority::Bureau => Role::Bureau,
        Authority::DistrictAuthority => Role::DistrictAuthority,
        Authority::IndustryAuthority => Role::IndustryAuthority,
        Authority::DevelopmentReform => Role::DevelopmentReform,
    }
}

/// Whether a role must log in with a second factor when the server requires one for approvers: those who
/// hold an approval authority ([24][29], [`role_of`]), the government that approves plans and large projects
/// ([15][17]), and the administrators who grant roles. GB/T 22239-2019 level 3 (8.1.4.1 d) asks for two or
/// more combined authentication techniques; a leaked password of these accounts would let someone approve
/// investment or hand out powers.
pub fn needs_second_factor(role: Role) -> bool {
    role.administers() || role == Role::Government || Authority::ALL.iter().any(|a| role_of(*a) == role)
}

/// Whether `role` oversees projects ([5][24]): the bureau, the governments, the district and industry
/// authorities and the supervising departments — everyone but owners, consultants and the administrators.
/// They see 监督整改 and 预警, and get the daily digest of overdue items in their remit.
pub fn oversees(role: Role) -> bool {
    !matches!(role, Role::Owner | Role::Consultant) && !role.administers()
}

/// What the administrators do that no one else may. GB/T 22239-2019 level 3 separates them (三员分立,
/// 8.1.4.2 d/e): the 系统管理员 sets up organisations and accounts, the 安全管理员 grants and withdraws roles
/// and resets a lost second factor, the 审计管理员 reads the audit log. None of them holds a power under [24]
/// (none is in an arm of [`authorize`]), and [`grantable`] keeps every deciding role off their accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Administration {
    ManageOrganizations,
    ManageAccounts,
    GrantRoles,
    ResetSecondFactor,
    ReadAudit,
    /// Bringing a city's records from before govit in through the rules, once, at installation.
    ImportHistory,
}

impl Administration {
    /// The one administrator who does it.
    pub fn by(self) -> Role {
        match self {
            Administration::ManageOrganizations | Administration::ManageAccounts | Administration::ImportHistory => {
                Role::SystemAdmin
            }
            Administration::GrantRoles | Administration::ResetSecondFactor => Role::SecurityAdmin,
            Administration::ReadAudit => Role::AuditAdmin,
        }
    }

    fn task(self) -> &'static str {
        match self {
            Administration::ManageOrganizations => "管理单位",
            Administration::ManageAccounts => "管理账号",
            Administration::GrantRoles => "授予或收回角色",
            Administration::ResetSecondFactor => "重置动态口令",
            Administration::ReadAudit => "查阅审计日志",
            Administration::ImportHistory => "导入历史记录",
        }
    }
}

/// Allows an act of administration, or says why not: each is the task of exactly one administrator.
pub fn administer(actor: &Actor, what: Administration) -> Result<(), Forbidden> {
    let by = what.by();
    if actor.role == by {
        return Ok(());
    }
    Err(Forbidden { message: format!("仅{}可以{},{}不能", by.label(), what.task(), actor.role.label()) })
}

/// What an organisation is, as far as the roles its accounts may hold go: whether it may own projects (it has
/// a kind under [2][9]) and which department's duty, if any, it exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgStanding {
    pub owns_projects: bool,
    pub duty: Option<Role>,
}

/// Whether an account of `org` may hold `roles`, or why not. Each deciding role goes only to an organisation
/// of its kind: `owner` to one that may own projects, every other to the organisation whose duty it is (the
/// `government` role only to a people's government, `finance` only to the finance bureau). An administrator's
/// account holds that one role and nothing else (三员分立): whoever hands out roles or reads the audit log
/// can neither approve nor be the one approving.
pub fn grantable(roles: &[Role], org: OrgStanding) -> Result<(), String> {
    if roles.is_empty() {
        return Err("至少选择一个角色".to_owned());
    }
    if let Some(admin) = roles.iter().find(|r| r.administers())
        && roles.len() > 1
    {
        return Err(format!("{}账号不能兼任其他角色(三员分立,管理员不得兼任业务角色)", admin.label()));
    }
    for role in roles {
        let fits = match role {
            Role::Owner => org.owns_projects,
            r if r.administers() => true,
            r => org.duty == Some(*r),
        };
        if !fits {
            let what = match org.duty {
                Some(duty) => format!("该单位的职能是{}", duty.label()),
                None if org.owns_projects => "该单位只是项目建设单位".to_owned(),
                None => "该单位没有登记职能".to_owned(),
            };
            return Err(format!("{what},不能授予“{}”角色", role.label()));
        }
    }
    Ok(())
}

/// The areas in which each supervising department may order rectification, after [24]'s division of
/// duties ("按照职责分工", [25]). The bureau leads the joint mechanism and supervises every area.
pub fn supervises(role: Role, area: Area) -> bool {
    use Area::*;
    match role {
        Role::Bureau => true,
        Role::CyberspaceOffice => matches!(area, Cybersecurity | InformationSharing | Cryptography),
        Role::DevelopmentReform => matches!(area, Procurement | Funds),
        Role::Finance | Role::Audit => matches!(area, Funds | Procurement),
        Role::SecrecyBureau => matches!(area, Cryptography | Cybersecurity),
        _ => false,
    }
}

/// Whether `role` could take `action` on anything at all: a necessary condition of [`authorize`], read from
/// who the action is for alone, without the subject. A list of 100,000 projects asks it first, so that the
/// actions plainly not the role's (an owner's duties for the bureau) are passed over without building the
/// reason of a refusal nobody reads.
pub fn could(role: Role, action: Action) -> bool {
    let approver = || Authority::ALL.iter().any(|a| role_of(*a) == role);
    match by(action) {
        By::Owner => role == Role::Owner,
        By::Approver | By::PlanReviewer => approver(),
        By::ApproverOrBureau => approver() || role == Role::Bureau,
        By::Role(r) => role == r,
        By::CityGovernment => role == Role::Government,
        By::Supervisor => Area::ALL.iter().any(|area| supervises(role, *area)),
        By::Verifier => role.is_duty(),
        By::CommissionedConsultant => role == Role::Consultant,
    }
}

/// Allows the action or says why not. `area` is the rectification area for `order_rectification`.
pub fn authorize(
    actor: &Actor,
    action: Action,
    subject: Subject<'_>,
    area: Option<Area>,
    policies: &PolicySet,
    on: Date,
) -> Result<(), Forbidden> {
    let denied = |why: String| {
        Err(Forbidden {
            message: format!("{}({})无权{}:{why}", actor.role.label(), actor.organization, action.label()),
        })
    };
    let jurisdiction = match subject {
        Subject::NewProject { jurisdiction, .. } | Subject::Plan { jurisdiction } => jurisdiction,
        Subject::Project(p) => p.jurisdiction,
    };
    let covers = policies.covers(&actor.jurisdiction, jurisdiction);
    let in_remit = |role: Role| actor.role == role && covers;
    match by(action) {
        By::Owner => {
            let owner = match subject {
                Subject::NewProject { owner, .. } => owner,
                Subject::Project(p) => p.owner,
                Subject::Plan { .. } => return denied("年度计划的论证和批准不由项目建设单位办理".to_owned()),
            };
            if actor.role != Role::Owner {
                return denied("该事项由项目建设单位办理".to_owned());
            }
            if &actor.organization != owner {
                return denied(format!("项目属于{owner},不是本单位的项目"));
            }
            // [29] "各区应当明确本区政务信息化工作的主管部门,统筹本区政务信息化项目管理工作": a project is managed
            // where its owner belongs. Registering it in another jurisdiction would move it to another approver.
            if matches!(subject, Subject::NewProject { .. }) && &actor.jurisdiction != jurisdiction {
                return denied(format!(
                    "本单位属于{},项目只能在本单位所属辖区登记",
                    policies.name_of(&actor.jurisdiction)
                ));
            }
            Ok(())
        }
        By::Approver | By::ApproverOrBureau => {
            let Subject::Project(p) = subject else { return denied("缺少项目".to_owned()) };
            let named = p
                .industry_authority
                .is_none_or(|o| o == &actor.organization || p.approver != Authority::IndustryAuthority);
            if in_remit(role_of(p.approver)) && named {
                return Ok(());
            }
            if matches!(by(action), By::ApproverOrBureau) && in_remit(Role::Bureau) {
                return Ok(());
            }
            denied(format!("该项目的审批部门是{}", p.approver.label()))
        }
        By::Role(role) => {
            if in_remit(role) {
                Ok(())
            } else {
                denied(format!("该事项由{}办理", role.label()))
            }
        }
        By::CityGovernment => {
            if in_remit(Role::Government) && actor.jurisdiction == policies.root_of(jurisdiction) {
                Ok(())
            } else {
                denied("核定投资达到市人民政府批准限额的项目和调整,由市人民政府批准".to_owned())
            }
        }
        By::PlanReviewer => {
            let reviewer =
                policies.resolve(jurisdiction, on).map_or(Authority::Bureau, |r| r.parameters.approval_authority);
            if in_remit(role_of(reviewer)) {
                Ok(())
            } else {
                denied(format!("该辖区的年度计划由{}论证", reviewer.label()))
            }
        }
        By::Supervisor => match area {
            Some(area) if covers && supervises(actor.role, area) => Ok(()),
            Some(area) => denied(format!("{}领域的监管不在本部门职责范围内", area.label())),
            None => denied("缺少监管领域".to_owned()),
        },
        By::Verifier => {
            let Subject::Project(p) = subject else { return denied("缺少项目".to_owned()) };
            // The ordering department acting in its duty: not an owner account of it, nor an administrator's.
            let ordered = covers && p.supervisors.contains(&actor.organization) && actor.role.is_duty();
            if in_remit(Role::Bureau) || ordered {
                Ok(())
            } else {
                denied("整改情况由下达整改要求的部门或市政务服务和大数据管理局核查".to_owned())
            }
        }
        By::CommissionedConsultant => {
            if actor.role != Role::Consultant {
                return denied("评估报告由受委托的咨询评估单位提交".to_owned());
            }
            let commissioned = match subject {
                Subject::Project(p) => p.consultant,
                _ => None,
            };
            match commissioned {
                Some(c) if c != &actor.organization => denied(format!("该项目委托的咨询评估单位是{c}")),
                _ => Ok(()),
            }
        }
    }
}

/// Whether `actor` may see `project` at all (its page, list row, timeline). Deny by default: an owner sees
/// its own organisation's projects and those it builds together with their owner [7]; an approval authority
/// those it approves; a consultant those it was commissioned on; the city's departments everything in their
/// jurisdiction; the administrators none [24].
pub fn may_view(actor: &Actor, project: Audience<'_>, policies: &PolicySet) -> bool {
    let covers = policies.covers(&actor.jurisdiction, project.jurisdiction);
    let me = Some(&actor.organization);
    match actor.role {
        Role::Owner => &actor.organization == project.owner || project.co_builders.contains(&actor.organization),
        Role::Bureau
        | Role::Government
        | Role::CyberspaceOffice
        | Role::DevelopmentReform
        | Role::Finance
        | Role::Audit
        | Role::SecrecyBureau => covers,
        Role::DistrictAuthority => covers,
        Role::IndustryAuthority => {
            covers
                && project.approver == Authority::IndustryAuthority
                && project.industry_authority.is_none_or(|o| o == &actor.organization)
        }
        Role::Consultant => project.consultant == me || project.evaluator == me || project.post_evaluator == me,
        Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin => false,
    }
}

/// Whether `actor` may read the contact data of `project`'s 项目责任人 (personal information): the owner
/// organisation, the project's approval authority and the bureau, in their jurisdictions. Narrower than
/// [`may_view`] on purpose: supervising departments, consultants and the administrators see the project, not
/// the person's phone or ID number. Deny by default.
pub fn may_read_contact(actor: &Actor, project: &Project, policies: &PolicySet) -> bool {
    let covers = policies.covers(&actor.jurisdiction, &project.jurisdiction);
    match actor.role {
        Role::Owner => actor.organization == project.owner.name,
        Role::Bureau => covers,
        role if role.administers() => false,
        role => {
            covers
                && role == role_of(project.approver)
                && (project.approver != Authority::IndustryAuthority
                    || project.industry_authority.as_ref().is_none_or(|o| o == &actor.organization))
        }
    }
}

/// Who takes `action` on `project`, in words a person reads ("项目建设单位(市民政局)").
pub fn responsible(action: Action, project: Audience<'_>) -> String {
    match by(action) {
        By::Owner => format!("项目建设单位({})", project.owner),
        By::Approver => approver_name(project),
        By::ApproverOrBureau => {
            if project.approver == Authority::Bureau {
                Authority::Bureau.label().to_owned()
            } else {
                format!("{}或{}", approver_name(project), Authority::Bureau.label())
            }
        }
        By::Role(role) => role.label().to_owned(),
        By::CityGovernment => "市人民政府".to_owned(),
        By::PlanReviewer => "年度计划论证部门".to_owned(),
        By::Supervisor => "联席工作机制各监管部门".to_owned(),
        By::Verifier => match project.supervisors {
            [] => Authority::Bureau.label().to_owned(),
            list => {
                let names: Vec<String> = list.iter().map(ToString::to_string).collect();
                format!("{}或{}", names.join("、"), Authority::Bureau.label())
            }
        },
        By::CommissionedConsultant => match project.consultant {
            Some(c) => format!("咨询评估单位({c})"),
            None => "受委托的咨询评估单位".to_owned(),
        },
    }
}

fn approver_name(project: Audience<'_>) -> String {
    match (project.industry_authority, project.approver) {
        (Some(org), Authority::IndustryAuthority) => format!("行业主管部门({org})"),
        (_, a) => a.label().to_owned(),
    }
}
