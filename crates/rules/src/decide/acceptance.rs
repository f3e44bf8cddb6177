//! Completion to operation: [21][22][26][27].

use super::{Context, Outcome, Ruling};
use crate::command::Command;
use crate::derive::{acceptance_due, self_evaluation_window};
use crate::event::Event;
use crate::notice::{Checks, Notice, refuse};
use crate::state::Project;
use crate::vocab::*;

pub(super) fn decide(ctx: &Context<'_>, p: &Project, command: &Command) -> Ruling {
    let id = p.id.clone();
    let on = ctx.on;
    match command {
        // [21] the assessments are work on the built system: not before construction has started, and the
        // final-accounts audit (决算) not before "项目建设任务完成后"; [26] periodic assessments during operation.
        Command::RecordAssessment { kind, .. } => {
            Checks::new()
                .require(p.construction_started_on.is_some(), &[21], || {
                    format!("项目尚未开工,无从开展{}", kind.label())
                })
                .require(*kind != AssessmentKind::FinalAccountsAudit || p.completed_on.is_some(), &[21], || {
                    "决算审计应在项目建设任务完成后开展".to_owned()
                })
                .finish()?;
            Ok(Outcome::event(Event::AssessmentRecorded { project: id, kind: *kind }))
        }
        // [21] "完成项目的信息安全风险评估、密码应用安全性评估、决算审计等工作,并按照要求完成与市级大数据能力平台等系统
        // 对接,经市政务服务和大数据管理局确认后方可组织验收".
        Command::ConfirmReadyForAcceptance { .. } => {
            let missing: Vec<&str> =
                AssessmentKind::ALL.iter().filter(|k| !p.assessments.contains_key(k)).map(|k| k.label()).collect();
            Checks::new()
                .require(p.status == Status::Completed, &[21], || {
                    format!("项目当前状态为“{}”,建设任务尚未完成", p.status.label())
                })
                .require(missing.is_empty(), &[21], || format!("尚未完成{}", missing.join("、")))
                .finish()?;
            Ok(Outcome::event(Event::ReadyForAcceptanceConfirmed { project: id }))
        }
        // [21] "信息化项目建成后半年内,建设单位应当……组织项目验收"; [27] "项目软硬件产品的安全可靠情况,项目密码应用和
        // 安全审查情况,以及软件系统、硬件设备和相关服务的利用效率情况,应当纳入项目验收的重要内容".
        Command::Accept { reviewed, .. } => {
            let missing: Vec<&str> =
                AcceptanceReview::ALL.iter().filter(|r| !reviewed.contains(r)).map(|r| r.label()).collect();
            Checks::new()
                .require(p.status == Status::Completed && p.ready_for_acceptance_on.is_some(), &[21], || {
                    "须经市政务服务和大数据管理局确认后方可组织验收".to_owned()
                })
                .require(missing.is_empty(), &[27], || format!("验收内容缺少{}", missing.join("、")))
                .finish()?;
            let late = acceptance_due(p, ctx.policies)
                .filter(|due| on > *due)
                .map(|due| Notice::new(&[21], format!("建成后应于{due}前组织验收,已逾期")));
            Ok(Outcome::event(Event::Accepted { project: id, reviewed: reviewed.clone() }).warn(late))
        }
        // [21] "验收完成后及时报项目审批部门备案".
        Command::FileAcceptance { .. } => {
            Checks::new()
                .require(p.accepted_on.is_some(), &[21], || "项目尚未验收,无从备案".to_owned())
                .require(p.acceptance_filed_on.is_none(), &[21], || "验收结果已经备案".to_owned())
                .finish()?;
            Ok(Outcome::event(Event::AcceptanceFiled { project: id }))
        }
        // [22] "项目建设单位应当在项目通过验收后,按照有关规定及时将项目资产入账".
        Command::RegisterAssets { .. } => {
            Checks::new()
                .require(p.accepted_on.is_some(), &[22], || "项目通过验收后方可资产入账".to_owned())
                .require(p.assets_registered_on.is_none(), &[22], || "项目资产已经入账".to_owned())
                .finish()?;
            Ok(Outcome::event(Event::AssetsRegistered { project: id }))
        }
        Command::StartOperation { .. } => {
            if p.status != Status::Accepted {
                return refuse(&[22], format!("项目当前状态为“{}”,通过验收后方可投入运行", p.status.label()));
            }
            Ok(Outcome::event(Event::OperationStarted { project: id }))
        }
        // [22] "投入运行后12至24个月内……开展自评": before the window refused; after it accepted with a warning.
        Command::SubmitSelfEvaluation { .. } => {
            let Some((from, due)) = self_evaluation_window(p, ctx.policies) else {
                return refuse(&[22], "项目尚未投入运行,或自评报告已经报送");
            };
            if on < from {
                return refuse(&[22], format!("自评应在投入运行后{from}至{due}期间开展,尚未到期"));
            }
            let late = (on > due).then(|| Notice::new(&[22], format!("自评应于{due}前完成,已逾期")));
            Ok(Outcome::event(Event::SelfEvaluationSubmitted { project: id }).warn(late))
        }
        // [22] "市政务服务和大数据管理局结合项目建设单位自评情况,可以委托相应的第三方咨询机构开展后评价".
        Command::CommissionPostEvaluation { consultant, .. } => {
            if p.self_evaluation_on.is_none() {
                return refuse(&[22], "项目建设单位尚未报送自评报告,不能委托后评价");
            }
            Ok(Outcome::event(Event::PostEvaluationCommissioned { project: id, consultant: consultant.clone() }))
        }
        _ => Err(super::mismatch_refusal()),
    }
}
