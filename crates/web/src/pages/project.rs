//! 项目详情: facts, status, route and approver, the next step and who takes it, deadlines, the timeline.

use super::documents::AttachmentView;
use super::projects::parse_query;
use crate::AppState;
use crate::error::{WebError, render};
use crate::paper::PaperKind;
use crate::session::CurrentUser;
use crate::view::{Layout, OutcomeView, wan, wan_or_dash};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use govit_app::describe::describe;
use govit_app::{Executed, ProjectView};
use govit_rules::authz::responsible;
use govit_rules::derive::{is_duty, relevant_actions};
use govit_rules::vocab::Purpose;
use govit_rules::{Event, ProjectId};
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

/// A document an event of the project used.
struct DocumentRow {
    file: AttachmentView,
    on: String,
    action: &'static str,
    what: String,
    seq: i64,
}

struct RectificationRow {
    number: u32,
    area: &'static str,
    finding: String,
    ordered: String,
    by: String,
    due: String,
    state: String,
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
    rectifications: Vec<RectificationRow>,
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
    if let Some(team) = &p.team {
        out.push(("实施机构与责任人", format!("{} / {}", team.agency, team.leader)));
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
    let id = ProjectId::parse(id).map_err(WebError::NotFound)?;
    let actor = &user.session.actor;
    let app = &state.app;
    let today = app.clock().today();
    let project = app.visible_project(actor, &id).await?;
    let actions = app.available_actions(actor, &project, today);
    let contact = masked_contact(app, actor, &project).await;
    let view = ProjectView::of(project, today, app);
    let events = app.timeline(&id).await?;
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
        })
        .collect();
    let rectifications = p
        .rectifications
        .iter()
        .map(|r| RectificationRow {
            number: r.number,
            area: r.area.label(),
            finding: r.finding.to_string(),
            ordered: r.ordered_on.to_string(),
            by: r.ordered_by.to_string(),
            due: r.due.to_string(),
            state: match r.rectified_on {
                Some(d) => format!("{d} 整改完成"),
                None if r.is_overdue(today) => "逾期未整改".to_owned(),
                None => "整改中".to_owned(),
            },
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
            actor: format!("{}({})", e.record.actor.organization, e.record.actor.role.label()),
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
        facts: facts(&view, app.policies()).into_iter().chain(contact.map(|c| ("项目责任人联系方式", c))).collect(),
        next,
        actions: actions.into_iter().map(|a| ActionLink { code: a.code(), label: a.label() }).collect(),
        deadlines,
        rectifications,
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
