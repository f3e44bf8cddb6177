//! Registration: scope [2][3][28] and routing by amount [8][9], with [15] judged on the registered amount.

use super::{Context, Outcome, Ruling, default_jurisdiction};
use crate::command::{Command, RegisterProject};
use crate::event::{Event, ProjectRegistered};
use crate::ids::ProjectId;
use crate::notice::{Checks, Refusal};
use crate::policy::{Parameters, Resolved};
use crate::vocab::{Authority, Category, OwnerKind, Route};

/// [2] "本办法适用于市级党政机关、市直属事业单位(不含国有企业,下同)的政务信息化项目";
/// [3] "集中采购的办公设备和楼宇智能化项目(含会议、视频等系统)不纳入本办法管理的范畴";
/// [28] "涉密信息化项目的建设管理依照《中华人民共和国保守国家秘密法》及相关规定执行";
/// [9] "学校、医疗机构等使用市级财政性资金自建自用的信息化项目由行业主管部门负责审批": read as schools and
/// medical institutions only, so no other kind of owner can take itself off the bureau's route by saying so.
pub(super) fn decide(ctx: &Context<'_>, policy: &Resolved, id: &ProjectId, command: &Command) -> Ruling {
    let Command::RegisterProject(r) = command else { return Err(super::mismatch_refusal()) };
    Ok(Outcome::event(registration(ctx, policy, id, r)?))
}

/// The registration of `r` as project `id`, or the refusal of [2][3][9][28]: what registering a project and
/// the bureau's assigning one [7] have in common.
pub(super) fn registration(
    ctx: &Context<'_>,
    policy: &Resolved,
    id: &ProjectId,
    r: &RegisterProject,
) -> Result<Event, Refusal> {
    Checks::new()
        .require(r.owner.kind != OwnerKind::StateOwnedEnterprise, &[2], || {
            "国有企业的项目不适用本办法,不予登记".to_owned()
        })
        .require(!matches!(r.category, Category::OfficeEquipment | Category::BuildingIntelligence), &[3], || {
            format!("{}不纳入本办法管理的范畴", r.category.label())
        })
        .require(!r.classified, &[28], || "涉密信息化项目依照保密法律法规管理,不在本系统登记".to_owned())
        .require(
            !r.self_built_self_used || matches!(r.owner.kind, OwnerKind::School | OwnerKind::MedicalInstitution),
            &[9],
            || format!("{}不是学校、医疗机构,不适用自建自用项目由行业主管部门审批的规定", r.owner.kind.label()),
        )
        .finish()?;
    let jurisdiction = default_jurisdiction(r.jurisdiction.as_ref(), ctx.actor).clone();
    let mut registered = ProjectRegistered::from_command(id.clone(), r, jurisdiction);
    let (route, approver) =
        route(&policy.parameters, r.investment.money(), r.bundled_with_fixed_asset, r.self_built_self_used);
    registered.route = route;
    registered.approver = approver;
    registered.government_approval_required =
        government_approval_required(&policy.parameters, route, r.investment.money());
    Ok(Event::ProjectRegistered(Box::new(registered)))
}

/// [9] "可与固定资产投资项目同步设计、同步施工的……纳入基本建设项目管理" (the bureau only gives a technical
/// opinion; the capital-construction approver is development and reform) and "学校、医疗机构等使用市级财政性资金
/// 自建自用的信息化项目由行业主管部门负责审批" whatever the amount; otherwise [8] "投资50万元以下的……自行组织实施,
/// 并向市政务服务和大数据管理局备案;投资50万元以上(含本数,下同)的……报项目审批部门审批".
pub fn route(
    params: &Parameters,
    investment: crate::money::Money,
    bundled: bool,
    self_built: bool,
) -> (Route, Authority) {
    if bundled {
        (Route::CapitalConstruction, Authority::DevelopmentReform)
    } else if self_built {
        (Route::IndustryAuthorityApproval, Authority::IndustryAuthority)
    } else if investment >= params.approval_threshold {
        (Route::Approval, params.approval_authority)
    } else {
        (Route::Filing, params.approval_authority)
    }
}

/// [15] "核定投资3000万元以上的政务信息化项目,项目审批部门应当报市人民政府批准" — inclusive, and only where
/// a 项目审批部门 approves (the approval and industry-authority routes).
pub fn government_approval_required(params: &Parameters, route: Route, investment: crate::money::Money) -> bool {
    matches!(route, Route::Approval | Route::IndustryAuthorityApproval)
        && investment >= params.government_approval_threshold
}
