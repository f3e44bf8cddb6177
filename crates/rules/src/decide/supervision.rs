//! Supervision [25]: rectification with a due date, and measures only once it has passed unrectified.

use super::{Context, Outcome, Ruling};
use crate::actor::Role;
use crate::command::Command;
use crate::event::Event;
use crate::notice::{Checks, refuse};
use crate::state::Project;
use crate::vocab::*;

/// [25] "发现违反国家、省、市有关规定或者批复要求的,应当要求项目建设单位限期整改。逾期不整改或者整改后仍不符合要求的,
/// 项目审批部门可以对其进行通报批评、暂缓安排政务信息化项目年度实施计划、暂停项目建设直至终止项目".
pub(super) fn decide(ctx: &Context<'_>, p: &Project, command: &Command) -> Ruling {
    let id = p.id.clone();
    let on = ctx.on;
    match command {
        Command::OrderRectification { area, finding, due, .. } => {
            if *due < on {
                return refuse(&[25], format!("整改期限{due}早于下达日期{on}"));
            }
            let number = u32::try_from(p.rectifications.len()).unwrap_or(u32::MAX).saturating_add(1);
            Ok(Outcome::event(Event::RectificationOrdered {
                project: id,
                number,
                area: *area,
                finding: finding.clone(),
                due: *due,
            }))
        }
        Command::ReportRectified { .. } => {
            let numbers: Vec<u32> = p.open_rectifications().map(|r| r.number).collect();
            if numbers.is_empty() {
                return refuse(&[25], "没有未完成的整改事项");
            }
            Ok(Outcome::event(Event::RectificationReported { project: id, numbers }))
        }
        // [25] "整改后仍不符合要求": the ordering department, or the bureau, verifies the reports of the orders it
        // may verify; a failed one is open again with the due date it was given.
        Command::VerifyRectification { result, finding, .. } => {
            let bureau = ctx.actor.role == Role::Bureau;
            let numbers: Vec<u32> = p
                .rectifications
                .iter()
                .filter(|r| r.awaits_verification() && (bureau || r.ordered_by == ctx.actor.organization))
                .map(|r| r.number)
                .collect();
            Checks::new()
                .require(!numbers.is_empty(), &[25], || "没有已报告整改完成、待核查的整改事项".to_owned())
                .finish()?;
            Ok(Outcome::event(Event::RectificationVerified {
                project: id,
                numbers,
                result: *result,
                finding: finding.clone(),
            }))
        }
        // Grounds [25]: an order open past its due date ("逾期不整改"), reported after it, or found falling short.
        Command::ImposeMeasure { measure, .. } => {
            let grounds = p.rectifications.iter().any(|r| r.is_ground_for_measures(on));
            Checks::new()
                .require(grounds, &[25], || match p.open_rectifications().map(|r| r.due).min() {
                    Some(due) => format!("整改期限{due}尚未届满,不能采取处理措施"),
                    None => "没有逾期不整改或者整改后仍不符合要求的事项,不能采取处理措施".to_owned(),
                })
                .require(
                    *measure != Measure::SuspendConstruction || p.status == Status::UnderConstruction,
                    &[25],
                    || format!("项目当前状态为“{}”,不在建设中,无从暂停", p.status.label()),
                )
                .finish()?;
            Ok(Outcome::event(Event::MeasureImposed { project: id, measure: *measure }))
        }
        Command::LiftSuspension { .. } => {
            let open = p.open_rectifications().count();
            Checks::new()
                .require(p.status == Status::Suspended, &[25], || "项目未被暂停建设".to_owned())
                .require(open == 0, &[25], || {
                    format!("尚有{open}项整改未完成(或经核查仍不符合要求、尚未重新报告),不能恢复建设")
                })
                .finish()?;
            Ok(Outcome::event(Event::SuspensionLifted { project: id }))
        }
        _ => Err(super::mismatch_refusal()),
    }
}
