//! Filing and stage-by-stage approval: [7][8][9][10][11][12][13][15][16][27].

use super::register::government_approval_required;
use super::{Context, Outcome, Ruling};
use crate::command::{Command, SubmitStage};
use crate::derive::next_stages;
use crate::event::Event;
use crate::notice::{Checks, Notice, refuse};
use crate::policy::Resolved;
use crate::state::Project;
use crate::vocab::*;
use std::collections::BTreeSet;

pub(super) fn decide(_ctx: &Context<'_>, policy: &Resolved, p: &Project, command: &Command) -> Ruling {
    let id = p.id.clone();
    match command {
        Command::FileRecord { builds, .. } => file_record(p, builds),
        Command::SubmitStage(s) => submit_stage(p, s),
        // [16] "项目审批部门将项目委托咨询评估单位进行第三方审查": a third party is neither the owner nor the body
        // that prepared what it reviews.
        Command::CommissionReview { consultant, .. } => {
            let Some(current) = &p.current else {
                return refuse(&[16], "没有待审批的申报材料,无从委托评估");
            };
            Checks::new()
                .require(current.evaluation.is_none(), &[16], || "评估报告已经提交,不能另行委托".to_owned())
                .require(consultant != &p.owner.name, &[16], || {
                    format!("{consultant}是项目建设单位,不能作为第三方评估本单位的项目")
                })
                .require(current.prepared_by.as_ref() != Some(consultant), &[16], || {
                    format!("{consultant}编制了本次申报材料,不能再对其进行第三方评估")
                })
                .finish()?;
            Ok(Outcome::event(Event::ReviewCommissioned { project: id, consultant: consultant.clone() }))
        }
        Command::SubmitEvaluation { opinions, recommended_investment, .. } => {
            let commissioned = p.current.as_ref().and_then(|c| c.consultant.as_ref().map(|who| (c, who)));
            let Some((current, consultant)) = commissioned else {
                return refuse(&[16], "项目审批部门尚未委托咨询评估单位评估该项目");
            };
            if current.evaluation.is_some() {
                return refuse(&[16], "评估报告已经提交");
            }
            let missing = missing_opinions(opinions);
            Checks::new()
                .require(missing.is_empty(), &[13], || format!("评估报告缺少对{}的评估意见", missing.join("、")))
                .finish()?;
            Ok(Outcome::event(Event::EvaluationSubmitted {
                project: id,
                consultant: consultant.clone(),
                opinions: opinions.clone(),
                recommended_investment: recommended_investment.money(),
            }))
        }
        // [16] "项目审批部门根据评估报告,形成项目审批文件": not without a report, and not above the investment
        // the report recommends.
        Command::ApproveStage { approved_investment, opinions, .. } => {
            let Some(current) = &p.current else { return refuse(&[16], "没有待审批的申报材料") };
            let missing = missing_opinions(opinions);
            let recommended = current.evaluation.as_ref().map(|e| e.recommended_investment);
            Checks::new()
                .require(current.evaluation.is_some(), &[16], || {
                    "尚无咨询评估单位的评估报告,不能形成审批文件".to_owned()
                })
                .require(recommended.is_none_or(|r| approved_investment.money() <= r), &[16], || {
                    format!(
                        "核定投资{approved_investment}超过评估报告建议的投资{},审批文件应根据评估报告形成",
                        recommended.unwrap_or_default()
                    )
                })
                .require(missing.is_empty(), &[13], || format!("批复文件缺少对{}情况的意见", missing.join("、")))
                .require(approved_investment.money() >= p.committed(), &[18], || {
                    committed_message(p, approved_investment.money())
                })
                .finish()?;
            let final_stage = matches!(current.stage, Stage::PreliminaryDesign | Stage::ImplementationPlan);
            Ok(Outcome::event(Event::StageApproved {
                project: id,
                stage: current.stage,
                approved_investment: approved_investment.money(),
                opinions: opinions.clone(),
                final_stage,
                government_approval_required: government_approval_required(
                    &policy.parameters,
                    p.route,
                    approved_investment.money(),
                ),
            }))
        }
        Command::ReturnStage { reason, .. } => {
            let Some(current) = &p.current else { return refuse(&[16], "没有待审批的申报材料,无从退回") };
            Ok(Outcome::event(Event::StageReturned { project: id, stage: current.stage, reason: reason.clone() }))
        }
        // [15] the government approves a project's final approval, or an approved adjustment that brought the
        // estimate up to its threshold.
        Command::GovernmentApprove { .. } => {
            let adjustment = p.pending_adjustment.as_ref().and_then(|a| a.awaiting_government);
            if adjustment.is_none() && p.status != Status::AwaitingGovernmentApproval {
                return refuse(&[15], "该项目没有待市人民政府批准的批复或调整");
            }
            Ok(Outcome::event(Event::GovernmentApproved { project: id, adjustment }))
        }
        // [9] "市政务服务和大数据管理局配合出具技术审查意见": once, before the project is approved — a project that
        // went on (or was suspended) cannot be sent back to `approved` through it.
        Command::IssueTechnicalOpinion { .. } => {
            Checks::new()
                .require(p.route == Route::CapitalConstruction, &[9], || {
                    "仅纳入基本建设项目管理的项目由本局出具技术审查意见".to_owned()
                })
                .require(
                    p.technical_opinion_on.is_none()
                        && matches!(p.status, Status::Registered | Status::Proposed | Status::Planned),
                    &[9],
                    || match p.technical_opinion_on {
                        Some(on) => format!("技术审查意见已于{on}出具"),
                        None => format!("项目当前状态为“{}”,不再出具技术审查意见", p.status.label()),
                    },
                )
                .finish()?;
            Ok(Outcome::event(Event::TechnicalOpinionIssued { project: id }))
        }
        _ => Err(super::mismatch_refusal()),
    }
}

/// [18] "严格按照项目批复的初步设计(实施方案)和概算进行建设": an estimate below the funds already released or the
/// contracts already signed would leave them over it.
pub(super) fn committed_message(p: &Project, approved: crate::money::Money) -> String {
    format!(
        "核定投资{approved}低于已下达资金{}或已签订合同总额{},批复后将超出概算",
        p.released_total(),
        p.contracts_total()
    )
}

/// [13] "咨询评估单位的评估报告应当包括对信息资源共享分析篇(章)和密码应用的评估意见。项目审批部门的批复文件应当包括
/// 对信息资源共享和密码应用情况的意见": the opinions missing from `opinions`.
fn missing_opinions(opinions: &BTreeSet<Opinion>) -> Vec<&'static str> {
    Opinion::ALL.iter().filter(|o| !opinions.contains(o)).map(|o| o.label()).collect()
}

/// [8] "投资50万元以下的……自行组织实施,并向市政务服务和大数据管理局备案", after [7] "未列入计划的项目不得申请立项",
/// with [12] applying to what the filed project builds as to any submission. On the route of [9]
/// "由行业主管部门负责审批,并向市政务服务和大数据管理局备案" it files the approved project with the bureau.
fn file_record(p: &Project, builds: &BTreeSet<Build>) -> Ruling {
    if p.route == Route::IndustryAuthorityApproval {
        Checks::new()
            .require(p.status == Status::Approved && !p.filed_with_bureau, &[9], || {
                if p.filed_with_bureau {
                    "项目已向市政务服务和大数据管理局备案".to_owned()
                } else {
                    "行业主管部门批复后方可向市政务服务和大数据管理局备案".to_owned()
                }
            })
            .finish()?;
        return Ok(Outcome::event(Event::FiledWithBureau { project: p.id.clone() }));
    }
    let mut checks = Checks::new();
    checks.require(p.in_approved_plan() && p.status == Status::Planned, &[7], || {
        if p.status == Status::Filed {
            "项目已经备案".to_owned()
        } else {
            "项目未列入经批准的年度实施计划,不得备案".to_owned()
        }
    });
    checks.require(p.route == Route::Filing, &[8], || match p.route {
        // [9] routes are fixed at registration whatever the amount: the amount is not the reason.
        Route::CapitalConstruction => "纳入基本建设项目管理的项目按基本建设程序办理,不能备案".to_owned(),
        _ => format!("项目投资{},须报项目审批部门审批,不能备案", p.investment),
    });
    shared_infrastructure(&mut checks, builds);
    checks.finish()?;
    Ok(Outcome::event(Event::RecordFiled { project: p.id.clone(), investment: p.investment, builds: builds.clone() })
        .warn(own_services_warning(builds)))
}

/// [12] "不得新建机房、专网等基础设施……移动端入口应当向市级统一入口集中".
fn shared_infrastructure(checks: &mut Checks, builds: &BTreeSet<Build>) {
    let forbidden: Vec<&str> = builds
        .iter()
        .filter(|b| matches!(b, Build::NewMachineRoom | Build::PrivateNetwork | Build::StandaloneMobileEntry))
        .map(|b| b.label())
        .collect();
    checks.require(forbidden.is_empty(), &[12], || {
        format!("不得{}:应依托武汉云、市电子政务网、市级智慧城市基础平台和市级统一移动入口建设", forbidden.join("、"))
    });
}

/// [12] "应当优先使用市级智慧城市基础平台提供的身份认证、地理信息、区块链、人工智能等统一基础服务能力":
/// building one's own is allowed, with a warning.
fn own_services_warning(builds: &BTreeSet<Build>) -> Option<Notice> {
    let own: Vec<&str> = builds
        .iter()
        .filter(|b| matches!(b, Build::OwnIdentityAuth | Build::OwnGis | Build::OwnBlockchain | Build::OwnAiPlatform))
        .map(|b| b.label())
        .collect();
    (!own.is_empty()).then(|| {
        Notice::new(&[12], format!("拟{},应优先使用市级智慧城市基础平台提供的统一基础服务能力", own.join("、")))
    })
}

/// One submission, refused for every article it breaks, in the order [7] [8] [10] [11] [12] [13] [27].
fn submit_stage(p: &Project, s: &SubmitStage) -> Ruling {
    let mut checks = Checks::new();
    // [7] "未列入计划的项目不得申请立项": only whether the project is in an approved plan. A project in one
    // whose approval is already complete (approved, awaiting the government, under construction ...) is
    // refused by [10] below (no stage is left to submit), not by [7], which it does not break.
    checks.require(p.in_approved_plan(), &[7], || "项目未列入经批准的年度实施计划,不得申请立项".to_owned());
    // [8] filing below the threshold; [9] capital construction takes the technical-opinion path.
    checks.require(p.route != Route::Filing, &[8], || {
        format!("项目投资{}低于审批限额,应自行组织实施并备案", p.investment)
    });
    checks.require(p.route != Route::CapitalConstruction, &[9], || {
        "纳入基本建设项目管理的项目按基本建设程序审批".to_owned()
    });
    // [10] "审批项目建议书、可行性研究报告、初步设计等环节……前期工作深度达到初步设计要求的项目……直接编报项目实施方案".
    let expected = next_stages(p);
    let order_ok = if s.stage == Stage::ImplementationPlan {
        expected.contains(&Stage::ImplementationPlan) && s.design_depth_sufficient
    } else {
        expected.contains(&s.stage)
    };
    checks.require(order_ok, &[10], || stage_order_message(p, s, &expected));
    // [11] "应当由具有咨询资信、设计资质或者具有同等能力水平的机构编制申报方案,包括项目实施方案、可行性研究报告及初步设计".
    checks.require(s.stage == Stage::Proposal || s.preparer != Preparer::None, &[11], || {
        format!("{}须由具有咨询资信、设计资质或者同等能力水平的机构编制", s.stage.label())
    });
    shared_infrastructure(&mut checks, &s.builds);
    // [13] "项目实施方案、可行性研究报告及初步设计应当包括信息资源共享分析篇(章)和密码应用方案".
    let missing13: Vec<&str> = [Document::InformationSharingAnalysis, Document::CryptographyPlan]
        .into_iter()
        .filter(|d| !s.documents.contains(d))
        .map(Document::label)
        .collect();
    checks.require(s.stage == Stage::Proposal || missing13.is_empty(), &[13], || {
        format!("{}缺少{}", s.stage.label(), missing13.join("、"))
    });
    // [27] "在项目报批阶段,项目申报单位应当对产品的安全可靠情况进行说明".
    checks.require(s.documents.contains(&Document::SecureReliableStatement), &[27], || {
        "申报材料缺少软硬件产品安全可靠情况说明".to_owned()
    });
    checks.finish()?;
    Ok(Outcome::event(Event::StageSubmitted(Box::new(s.clone()))).warn(own_services_warning(&s.builds)))
}

fn stage_order_message(p: &Project, s: &SubmitStage, expected: &[Stage]) -> String {
    match p.route {
        Route::Filing => return "备案项目自行组织实施,不报送项目建议书、可行性研究报告、初步设计或实施方案".to_owned(),
        Route::CapitalConstruction => return "纳入基本建设项目管理的项目不在本办法下分环节报送审批".to_owned(),
        Route::Approval | Route::IndustryAuthorityApproval => {}
    }
    if p.current.is_some() {
        return "上一环节的申报材料尚在审批中".to_owned();
    }
    if s.stage == Stage::ImplementationPlan && expected.contains(&Stage::ImplementationPlan) {
        return "前期工作深度未达到初步设计要求,不能直接编报项目实施方案".to_owned();
    }
    match expected.first() {
        Some(next) => format!("当前应报送{},不能报送{}", next.label(), s.stage.label()),
        None => "审批环节已经全部完成".to_owned(),
    }
}
