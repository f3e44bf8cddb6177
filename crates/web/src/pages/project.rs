//! 项目详情: facts, status, route and approver, the next step and who takes it, deadlines, the timeline.

use super::documents::AttachmentView;
use super::projects::parse_query;
use crate::AppState;
use crate::error::{WebError, render};
use crate::session::CurrentUser;
use crate::view::{Layout, OutcomeView, wan, wan_or_dash};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use govit_app::describe::describe;
use govit_app::{Executed, ProjectView};
use govit_papers::PaperKind;
use govit_rules::authz::responsible;
use govit_rules::command::Action;
use govit_rules::derive::{is_duty, relevant_actions};
use govit_rules::state::{Rectification, RectificationState};
use govit_rules::vocab::{Purpose, Route, VerificationResult};
use govit_rules::{Date, Event, Project, ProjectId};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DetailQuery {
    /// The first event of a command just done: shown as its outcome.
    done: Option<i64>,
}

struct Step {
    label: &'static str,
    who: String,
}

struct ActionLink {
    code: &'static str,
    label: &'static str,
}

struct DeadlineRow {
    label: String,
    article: u8,
    from: String,
    due: String,
    overdue: bool,
    /// 电子监察 [25]: `yellow` or `red`, and its label, when the deadline carries a card.
    card: Option<(&'static str, &'static str)>,
}

struct TimelineRow {
    seq: i64,
    on: String,
    actor: String,
    what: String,
    policy: String,
    warnings: String,
    /// The 公文 this event stands for (批复, 备案回执), downloadable as PDF.
    paper: Option<&'static str>,
}

/// 电子监察 [25]: one card of the project, open or closed, with its dispute.
struct CardRow {
    deadline: String,
    label: String,
    card: &'static str,
    card_label: &'static str,
    due: String,
    issued: String,
    /// `None` while open; else why and when it closed.
    closed: Option<String>,
    dispute: Option<String>,
}

impl CardRow {
    fn of(c: &govit_rules::cards::CardRecord) -> CardRow {
        let dispute = c.dispute.as_ref().map(|d| {
            let mut text = format!("{} 提出异议:{}", d.on, d.reason);
            match &d.outcome {
                Some((outcome, on)) => text.push_str(&format!(";{on} {}", outcome.label())),
                None => text.push_str(";待处理"),
            }
            if let Some(note) = &d.note {
                text.push_str(&format!("({note})"));
            }
            text
        });
        CardRow {
            deadline: c.deadline.to_string(),
            label: c.deadline.label(),
            card: c.card.code(),
            card_label: c.card.label(),
            due: c.due.to_string(),
            issued: c.issued_on.to_string(),
            closed: c.closed.map(|(why, on)| format!("{on} {}", why.label())),
            dispute,
        }
    }
}

/// A document an event of the project used.
struct DocumentRow {
    file: AttachmentView,
    on: String,
    action: &'static str,
    what: String,
    seq: i64,
}

/// One rectification order [25]: where it stands, its report, and who verified it, when, and what they found.
struct RectificationRow {
    number: u32,
    area: &'static str,
    finding: String,
    ordered: String,
    by: String,
    due: String,
    /// The state's code (`open`, `reported`, `failed`, `closed`), for the page's `data-state`.
    state: &'static str,
    state_label: &'static str,
    badge: &'static str,
    overdue: bool,
    /// The date of the (latest) report, with whether it came after the due date.
    reported: Option<String>,
    /// Who verified it, when, and the conclusion; or who is to verify a report not yet verified.
    verification: Option<String>,
    verification_finding: Option<String>,
    /// Waiting for verification: `verification` names who verifies, not what was found.
    awaiting: bool,
    failures: u32,
}

/// A change of main content waiting for re-approval [19] (or for the government's approval [15]).
struct AdjustmentCard {
    amount: String,
    reason: String,
    requested_on: String,
    awaiting_government: bool,
    state: String,
}

/// A rectification's state as the pages name it: code, label and badge class.
pub(super) fn rectification_state(r: &Rectification) -> (&'static str, &'static str, &'static str) {
    match r.state() {
        RectificationState::Open => ("open", "待整改", "is-warned"),
        RectificationState::Reported => ("reported", "已报告待核查", "status-planned"),
        RectificationState::Failed => ("failed", "核查不合格待重新整改", "is-refused"),
        RectificationState::Closed => ("closed", "已核查合格", "is-ok"),
    }
}

/// The verification of `r` in words: "市审计局于2026-03-02核查:整改后仍不符合要求", or, for a report not yet
/// verified, who is to verify it.
pub(super) fn verification_text(r: &Rectification, audience: govit_rules::authz::Audience<'_>) -> Option<String> {
    match (&r.verification, r.state()) {
        (Some(v), _) => Some(format!("{}于{}核查:{}", v.by, v.on, v.result.label())),
        (None, RectificationState::Reported) => {
            Some(format!("待{}核查", responsible(Action::VerifyRectification, audience)))
        }
        (None, _) => None,
    }
}

fn rectification_row(r: &Rectification, p: &Project, today: Date) -> RectificationRow {
    let (state, state_label, badge) = rectification_state(r);
    RectificationRow {
        number: r.number,
        area: r.area.label(),
        finding: r.finding.to_string(),
        ordered: r.ordered_on.to_string(),
        by: r.ordered_by.to_string(),
        due: r.due.to_string(),
        state,
        state_label,
        badge,
        overdue: r.is_overdue(today),
        reported: r
            .rectified_on
            .map(|d| if d > r.due { format!("{d} 报告整改(逾期报告)") } else { format!("{d} 报告整改") }),
        verification: verification_text(r, p.audience()),
        verification_finding: r
            .verification
            .as_ref()
            .filter(|v| v.result == VerificationResult::Failed)
            .and_then(|v| v.finding.as_ref())
            .map(|f| format!("仍不符合要求之处:{f}")),
        awaiting: r.awaits_verification(),
        failures: r.failures,
    }
}

/// The pending adjustment [19], with its reason from the request that made it.
fn adjustment_card(p: &Project, events: &[govit_store::StoredEvent]) -> Option<AdjustmentCard> {
    let pending = p.pending_adjustment.as_ref()?;
    let reason = events
        .iter()
        .rev()
        .find_map(|e| match &e.record.event {
            Event::AdjustmentRequested { request, .. } => Some(request.reason.label().to_owned()),
            _ => None,
        })
        .unwrap_or_else(|| "—".to_owned());
    let approver = responsible(Action::ApproveAdjustment, p.audience());
    let state = match pending.awaiting_government {
        None => format!("须重新报批,待{approver}批准(第十九条)"),
        Some(approved) => format!("{approver}已批准调整后核定投资{},待市人民政府批准(第十五条)", wan(approved)),
    };
    Some(AdjustmentCard {
        amount: wan(pending.amount),
        reason,
        requested_on: pending.requested_on.to_string(),
        awaiting_government: pending.awaiting_government.is_some(),
        state,
    })
}

/// [9] the industry-authority route's filing with the bureau, and [18] the surplus from acceptance on.
fn closing_facts(v: &ProjectView, events: &[govit_store::StoredEvent]) -> Vec<(&'static str, String)> {
    let p = &v.project;
    let mut out = Vec::new();
    if v.route == Route::IndustryAuthorityApproval {
        let filed_on = events.iter().find_map(|e| match e.record.event {
            Event::FiledWithBureau { .. } => Some(e.record.on),
            _ => None,
        });
        let text = match (v.filed_with_bureau, filed_on) {
            (true, Some(on)) => format!("已于{on}向市政务服务和大数据管理局备案"),
            (true, None) => "已向市政务服务和大数据管理局备案".to_owned(),
            (false, _) if p.approved_investment.is_some() => {
                "未向市政务服务和大数据管理局备案(批准后、开工前备案,第九条)".to_owned()
            }
            (false, _) => "未向市政务服务和大数据管理局备案".to_owned(),
        };
        out.push(("备案情况", text));
    }
    if p.accepted_on.is_some() {
        let text = match p.surplus_returned {
            Some((amount, on)) => format!("已于{on}退回结余资金{}", wan(amount)),
            None if v.surplus > govit_rules::Money::ZERO => format!("{}(待退回,第十八条)", wan(v.surplus)),
            None => "无结余".to_owned(),
        };
        out.push(("结余资金", text));
    }
    out
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    layout: Layout,
    outcome: Option<OutcomeView>,
    id: String,
    name: String,
    status: &'static str,
    status_label: &'static str,
    facts: Vec<(&'static str, String)>,
    next: Vec<Step>,
    actions: Vec<ActionLink>,
    deadlines: Vec<DeadlineRow>,
    adjustment: Option<AdjustmentCard>,
    rectifications: Vec<RectificationRow>,
    /// 电子监察 [25]: the project's cards, newest first.
    cards: Vec<CardRow>,
    rating: super::project_rating::RatingCard,
    /// The measures taken [25] and suspensions lifted, with their dates.
    measures: Vec<(String, &'static str)>,
    timeline: Vec<TimelineRow>,
    /// The materials each submission declared (the checkboxes of 报送审批).
    documents: Vec<String>,
    /// The files uploaded with the project's actions.
    files: Vec<DocumentRow>,
}

fn yes_no(b: bool) -> String {
    if b { "是".to_owned() } else { "否".to_owned() }
}

fn facts(v: &ProjectView, policies: &govit_rules::PolicySet) -> Vec<(&'static str, String)> {
    let p = &v.project;
    let released = |purpose| p.released.get(&purpose).copied().map(wan).unwrap_or_else(|| "0.00万元".to_owned());
    let mut out = vec![
        ("项目编号", p.id.to_string()),
        ("建设单位", format!("{}({})", p.owner.name, p.owner.kind.label())),
        ("辖区", policies.name_of(&p.jurisdiction)),
        ("项目类别", p.category.label().to_owned()),
        ("建设性质", p.construction.label().to_owned()),
        ("资金方式", p.funding.label().to_owned()),
        ("登记投资", wan(p.investment)),
        ("核定投资", wan_or_dash(v.approved_investment)),
        ("管理路径", v.route.label().to_owned()),
        ("审批部门", responsible(govit_rules::command::Action::ApproveStage, p.audience())),
        ("须报市人民政府批准", yes_no(v.government_approval_required)),
        (
            "年度计划",
            p.plan.as_ref().map_or_else(
                || "未列入".to_owned(),
                |e| format!("{}年度{}", e.year, if e.approved { "(已批准)" } else { "(待批准)" }),
            ),
        ),
        ("下一审批环节", v.next_stage.map_or_else(|| "—".to_owned(), |s| s.label().to_owned())),
        (
            "可下达资金",
            format!(
                "建设资金:{};前期工作经费:{}",
                yes_no(v.funds_releasable.construction),
                yes_no(v.funds_releasable.preliminary_work)
            ),
        ),
        (
            "已下达资金",
            format!("前期工作经费{},建设资金{}", released(Purpose::PreliminaryWork), released(Purpose::Construction)),
        ),
        ("合同总额", wan(p.contracts_total())),
        ("自行调整累计", wan(v.adjustment_used)),
    ];
    if let Some(current) = &p.current {
        out.push((
            "审批中环节",
            format!("{}(申报投资{},{}报送)", current.stage.label(), wan(current.investment), current.submitted_on),
        ));
    }
    if let Some(summary) = &p.summary {
        out.push(("建设内容摘要", summary.to_string()));
    }
    if p.assigned {
        out.push(("计划来源", "市政务服务和大数据管理局下达建设任务(第七条)".to_owned()));
    }
    if !p.co_builders.is_empty() {
        let names: Vec<&str> = p.co_builders.iter().map(|o| o.as_str()).collect();
        out.push(("共建单位(第七条)", format!("{}(由建设单位{}牵头办理)", names.join("、"), p.owner.name)));
    }
    if let Some(into) = &p.merged_into {
        out.push(("合并建设", format!("已并入项目 {into},不再单独办理")));
    }
    if let Some(team) = &p.team {
        out.push(("实施机构与责任人", format!("{} / {}", team.agency, team.leader)));
        // [17] the supervision unit whose opinion every annual report carries [20]: its absence is shown.
        let supervisor =
            team.supervisor.as_ref().map_or_else(|| "未登记(年度绩效评价须征求其意见)".to_owned(), ToString::to_string);
        out.push(("监理单位", supervisor));
    }
    if let Some(a) = v.last_adjustment {
        out.push(("最近调整结果", a.label().to_owned()));
    }
    if !v.warnings.is_empty() {
        out.push(("提示条款", v.warnings.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")));
    }
    out
}

pub(super) async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let query: DetailQuery = parse_query(raw.as_deref())?;
    let id = ProjectId::parse(id).map_err(|e| WebError::NotFound(e.into()))?;
    let actor = &user.session.actor;
    let app = &state.app;
    let today = app.clock().today();
    let project = app.visible_project(actor, &id).await?;
    let actions = app.available_actions(actor, &project, today);
    let contact = masked_contact(app, actor, &project).await;
    let view = ProjectView::of(project, today, app);
    let events = app.visible_timeline(actor, &id).await?;
    let outcome = query.done.and_then(|seq| events.iter().find(|e| e.seq == seq)).map(|e| {
        let done = Executed::Done {
            project: Some(id.clone()),
            events: vec![e.clone()],
            warnings: e.record.warnings.clone(),
            replayed: false,
        };
        OutcomeView::of(e.record.event.action(), &done)
    });
    let p = &view.project;
    let next = relevant_actions(p, today)
        .into_iter()
        .filter(|a| is_duty(*a))
        .map(|a| Step { label: a.label(), who: responsible(a, p.audience()) })
        .collect();
    let deadlines = view
        .deadlines
        .iter()
        .map(|d| DeadlineRow {
            label: d.name.label(),
            article: d.name.article(),
            from: d.from.to_string(),
            due: d.due.to_string(),
            overdue: d.is_overdue(today),
            card: view.cards.iter().find(|(name, _)| *name == d.name).map(|(_, c)| (c.code(), c.label())),
        })
        .collect();
    let rectifications = p.rectifications.iter().map(|r| rectification_row(r, p, today)).collect();
    // The measures taken [25] and the suspensions lifted, in the order of the log.
    let measures = events
        .iter()
        .filter_map(|e| match &e.record.event {
            Event::MeasureImposed { measure, .. } => Some((e.record.on.to_string(), measure.label())),
            Event::SuspensionLifted { .. } => Some((e.record.on.to_string(), "解除暂停,恢复建设")),
            _ => None,
        })
        .collect();
    let documents = events
        .iter()
        .filter_map(|e| match &e.record.event {
            Event::StageSubmitted(s) => Some(format!(
                "{} {}:{}",
                e.record.on,
                s.stage.label(),
                s.documents.iter().map(|d| d.label()).collect::<Vec<_>>().join("、")
            )),
            _ => None,
        })
        .collect();
    let files = app
        .project_documents(actor, &id)
        .await?
        .into_iter()
        .map(|d| DocumentRow {
            file: AttachmentView::of(&d.document),
            on: d.on,
            action: d.action,
            what: d.what,
            seq: d.seq,
        })
        .collect();
    let timeline = events
        .iter()
        .rev()
        .map(|e| TimelineRow {
            seq: e.seq,
            on: e.record.on.to_string(),
            actor: govit_app::describe::who(&e.record),
            what: describe(&e.record.event),
            policy: e.record.policy.clone(),
            warnings: e.record.warnings.iter().map(ToString::to_string).collect::<Vec<_>>().join(";"),
            paper: PaperKind::of(&e.record.event).map(PaperKind::label),
        })
        .collect();
    Ok(render(&ProjectPage {
        layout: Layout::new(&user, p.name.to_string(), "/projects/x", today),
        outcome,
        id: p.id.to_string(),
        name: p.name.to_string(),
        status: view.status.code(),
        status_label: view.status.label(),
        facts: facts(&view, app.policies())
            .into_iter()
            .chain(closing_facts(&view, &events))
            .chain(contact.map(|c| ("项目责任人联系方式", c)))
            .collect(),
        next,
        actions: actions.into_iter().map(|a| ActionLink { code: a.code(), label: a.label() }).collect(),
        deadlines,
        adjustment: adjustment_card(p, &events),
        rectifications,
        cards: p.cards.iter().rev().map(CardRow::of).collect(),
        rating: super::project_rating::RatingCard::of(&view, app.rating_history(&events, today)),
        measures,
        timeline,
        documents,
        files,
    }))
}

/// The leader's contact data, masked, for those who may read it (owner, approval authority, bureau); nothing
/// for anyone else. A sealed record that cannot be opened shows as such, with the details in the log only.
async fn masked_contact(
    app: &govit_app::App,
    actor: &govit_rules::Actor,
    project: &govit_rules::Project,
) -> Option<String> {
    if !app.may_read_contact(actor, project) || project.team.as_ref().and_then(|t| t.contact.as_ref()).is_none() {
        return None;
    }
    match app.contact(actor, &project.id).await {
        Ok(Some(c)) => {
            let m = c.masked();
            let parts: Vec<String> = [m.phone.map(|p| format!("电话 {p}")), m.id_number.map(|i| format!("身份证 {i}"))]
                .into_iter()
                .flatten()
                .collect();
            Some(parts.join(";"))
        }
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, project = %project.id, "contact data could not be opened");
            Some("无法解密(已记录日志,请联系系统管理员)".to_owned())
        }
    }
}
