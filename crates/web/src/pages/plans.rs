//! 年度计划: per year and jurisdiction — proposals, review with exclusions, approval, supplementary inclusion.

use super::projects::parse_query;
use crate::AppState;
use crate::error::{WebError, render};
use crate::session::{CurrentUser, Posted};
use crate::view::{Layout, OutcomeView, wan};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use govit_app::{CommandRequest, Executed};
use govit_rules::Year;
use govit_rules::authz::{self, Subject};
use govit_rules::command::Action;
use govit_rules::{Command, JurisdictionId, PlanStanding};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PlanQuery {
    jurisdiction: Option<String>,
    year: Option<Year>,
    done: Option<String>,
}

struct Item {
    id: String,
    name: String,
    owner: String,
    investment: String,
    status_label: &'static str,
    note: String,
    /// [23] the owner's evaluation and rectification record, shown when its proposals are reviewed.
    record: String,
    /// [7] how the plan's reviewer shaped it: a task it assigned, the projects merged into it, its co-builders.
    shaped: String,
}

/// [23] "将评价结果作为下一年度安排政府投资政务信息化项目……的重要依据": what the reviewer should know about an
/// owner — rectifications, measures (deferral of annual plans above all) and evaluations on its projects.
fn owner_record(owner: &str, all: &[govit_rules::Project], today: govit_rules::Date) -> String {
    let mine: Vec<&govit_rules::Project> = all.iter().filter(|p| p.owner.name.as_str() == owner).collect();
    let open = mine.iter().flat_map(|p| p.open_rectifications()).count();
    let overdue = mine.iter().flat_map(|p| p.rectifications.iter()).filter(|r| r.is_overdue(today)).count();
    let measures: Vec<&str> = mine.iter().flat_map(|p| p.measures.iter().map(|(m, _)| m.label())).collect();
    let evaluated = mine.iter().filter(|p| p.self_evaluation_on.is_some()).count();
    let mut parts = Vec::new();
    if open > 0 {
        parts.push(format!("未完成整改{open}项(逾期{overdue}项)"));
    }
    if !measures.is_empty() {
        parts.push(format!("处理措施:{}", measures.join("、")));
    }
    if evaluated > 0 {
        parts.push(format!("已自评项目{evaluated}个"));
    }
    if parts.is_empty() { "无整改与处理记录".to_owned() } else { parts.join(";") }
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    layout: Layout,
    outcome: Option<OutcomeView>,
    jurisdiction: String,
    jurisdictions: Vec<(String, String, bool)>,
    year: i32,
    status_label: &'static str,
    reviewed_on: String,
    approved_on: String,
    proposals: Vec<Item>,
    included: Vec<Item>,
    supplementary: Vec<Item>,
    excluded: Vec<Item>,
    may_review: bool,
    may_approve: bool,
    /// [7] the reviewer may still assign, adjust and merge: the plan is not approved.
    may_shape: bool,
    merged: Vec<Item>,
    /// [24] the two acts on the approved plan, in words (who, when, the result), once made.
    filing_review: Option<String>,
    investment_plan: Option<String>,
    may_file_review: bool,
    may_include: bool,
}

/// The answer to an action taken from a list page: the outcome and the way back.
#[derive(Template)]
#[template(path = "outcome_page.html")]
pub(crate) struct OutcomePage {
    pub layout: Layout,
    pub outcome: Option<OutcomeView>,
    pub back: String,
}

fn item(p: &govit_rules::Project, note: String) -> Item {
    let mut shaped = Vec::new();
    if p.assigned {
        shaped.push("下达建设任务".to_owned());
    }
    if !p.co_builders.is_empty() {
        let names: Vec<&str> = p.co_builders.iter().map(|o| o.as_str()).collect();
        shaped.push(format!("合并建设,共建单位:{}", names.join("、")));
    }
    if let Some(into) = &p.merged_into {
        shaped.push(format!("已并入 {into}"));
    }
    Item {
        shaped: shaped.join(";"),
        record: String::new(),
        id: p.id.to_string(),
        name: p.name.to_string(),
        owner: p.owner.name.to_string(),
        investment: wan(p.investment),
        status_label: p.status.label(),
        note,
    }
}

/// The plan a page or download is about: the one named, else the user's own jurisdiction this year.
/// Read from the query string (`?jurisdiction=&year=`).
pub(super) fn plan_target(
    raw: Option<&str>,
    actor: &govit_rules::Actor,
    today: govit_rules::Date,
) -> Result<(JurisdictionId, i32), WebError> {
    let q: PlanQuery = parse_query(raw)?;
    let jurisdiction = JurisdictionId::parse(q.jurisdiction.unwrap_or_else(|| actor.jurisdiction.to_string()))
        .map_err(|e| WebError::Invalid { field: "jurisdiction".to_owned(), reason: e })?;
    Ok((jurisdiction, q.year.unwrap_or_else(|| Year::of(today)).get()))
}

pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let q: PlanQuery = parse_query(raw.as_deref())?;
    let today = state.app.clock().today();
    let actor = &user.session.actor;
    let (jurisdiction, year) = plan_target(raw.as_deref(), actor, today)?;
    let app = &state.app;
    let (plan, _) = app.visible_plan(actor, &jurisdiction, year).await?;
    let visible = app.visible_projects(actor).await?;
    let mut proposals = Vec::new();
    let mut included = Vec::new();
    let mut supplementary = Vec::new();
    let mut excluded = Vec::new();
    let mut merged = Vec::new();
    for (p, standing) in PlanStanding::in_plan(&visible, &plan) {
        match standing {
            PlanStanding::AwaitingReview | PlanStanding::ReviewedIn => {
                let mut it = item(p, standing.label());
                it.record = owner_record(p.owner.name.as_str(), &visible, today);
                proposals.push(it);
            }
            PlanStanding::Included | PlanStanding::SupplementaryIncluded(_) => included
                .push(item(p, if standing == PlanStanding::Included { String::new() } else { standing.label() })),
            PlanStanding::SupplementaryRequested(_) => supplementary.push(item(p, standing.label())),
            PlanStanding::Excluded => excluded.push(item(p, standing.label())),
            PlanStanding::Merged => merged.push(item(p, standing.label())),
        }
    }
    let act = |a: &Option<govit_rules::state::PlanAct>| {
        a.as_ref().map(|a| {
            let result = a.result.map(|r| format!("{},", r.label())).unwrap_or_default();
            let note = a.note.as_ref().map(|n| format!(";意见:{n}")).unwrap_or_default();
            format!("{result}{} 于 {} 办理{note}", a.by, a.on)
        })
    };
    let approved = plan.status == govit_rules::vocab::PlanStatus::Approved;
    let subject = Subject::Plan { jurisdiction: &jurisdiction };
    let may = |a| authz::authorize(actor, a, subject, None, app.policies(), today).is_ok();
    let outcome = q.done.map(|message| OutcomeView { kind: "ok", title: message, reasons: Vec::new() });
    Ok(render(&PlansPage {
        layout: Layout::new(&user, "年度计划", "/plans", today),
        outcome,
        jurisdictions: app
            .policies()
            .jurisdictions()
            .map(|j| (j.jurisdiction.to_string(), j.name.clone(), j.jurisdiction == jurisdiction))
            .collect(),
        jurisdiction: jurisdiction.to_string(),
        year,
        status_label: plan.status.label(),
        reviewed_on: plan.reviewed_on.map(|d| d.to_string()).unwrap_or_default(),
        approved_on: plan.approved_on.map(|d| d.to_string()).unwrap_or_default(),
        proposals,
        included,
        supplementary,
        excluded,
        may_review: may(Action::ReviewPlan) && !approved,
        may_approve: may(Action::ApprovePlan) && plan.status == govit_rules::vocab::PlanStatus::Reviewed,
        may_shape: may(Action::AssignProject) && !approved,
        merged,
        may_file_review: may(Action::FilePlanReview) && approved && plan.filing_review.is_none(),
        may_include: may(Action::IncludeInInvestmentPlan) && approved && plan.investment_plan.is_none(),
        filing_review: act(&plan.filing_review),
        investment_plan: act(&plan.investment_plan),
    }))
}

/// The acts on a plan taken from its page: the review (with the unticked proposals excluded), the approval,
/// a merge of proposals (shown for confirmation first) [7], and the two acts on an approved plan [24].
pub(super) async fn act(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Posted { user, form }: Posted,
) -> Result<Response, WebError> {
    let bad = |field: &str, reason: String| WebError::Invalid { field: field.to_owned(), reason };
    let action = Action::from_code(&code)
        .filter(|a| {
            matches!(
                a,
                Action::ReviewPlan
                    | Action::ApprovePlan
                    | Action::MergeProposals
                    | Action::FilePlanReview
                    | Action::IncludeInInvestmentPlan
            )
        })
        .ok_or_else(|| WebError::NotFound(format!("事项“{code}”")))?;
    let jurisdiction =
        JurisdictionId::parse(form.one("jurisdiction").unwrap_or_default()).map_err(|e| bad("jurisdiction", e))?;
    let year = Year::parse(form.one("year").unwrap_or_default()).map_err(|e| bad("year", e.to_string()))?;
    let back = format!("/plans?jurisdiction={jurisdiction}&year={year}");
    let mut with = serde_json::Map::new();
    match action {
        Action::MergeProposals => {
            let lead = form.one("lead").unwrap_or_default();
            let merged: Vec<&str> = form.all("merge").into_iter().filter(|m| *m != lead).collect();
            with.insert("project".to_owned(), lead.into());
            with.insert("merged".to_owned(), merged.into());
            with.insert("investment".to_owned(), form.one("investment").unwrap_or_default().into());
        }
        _ => {
            with.insert("year".to_owned(), year.get().into());
            with.insert("jurisdiction".to_owned(), jurisdiction.to_string().into());
        }
    }
    match action {
        Action::ReviewPlan => {
            // The review excludes what was proposed and left unticked.
            let kept = form.all("include");
            let exclude: Vec<&str> = form.all("proposed").into_iter().filter(|p| !kept.contains(p)).collect();
            with.insert("exclude".to_owned(), exclude.into());
        }
        Action::FilePlanReview => {
            with.insert("result".to_owned(), form.one("result").unwrap_or_default().into());
            if let Some(note) = form.one("note") {
                with.insert("note".to_owned(), note.into());
            }
        }
        _ => {}
    }
    let command = state.app.draft(action, with, &user.session).await?.map_err(|e| {
        let (field, reason) = e.into_fields().into_iter().next().unwrap_or_default();
        bad(&field, reason)
    })?;
    let today = state.app.clock().today();
    if let Command::MergeProposals { project, merged, investment } = &command {
        // Merging reaches other units' projects: each must be one the reviewer may see, and the outcome is shown
        // before it is done.
        let lead = state.app.visible_project(&user.session.actor, project).await?;
        let mut names = Vec::with_capacity(merged.len());
        for id in merged {
            let p = state.app.visible_project(&user.session.actor, id).await?;
            names.push((p.id.to_string(), format!("{}({})", p.name, p.owner.name)));
        }
        let may_merge = authz::authorize(
            &user.session.actor,
            action,
            Subject::Project(lead.audience()),
            None,
            state.app.policies(),
            today,
        )
        .is_ok();
        if may_merge
            && !merged.is_empty()
            && form.one("confirmed") != Some(investment.money().yuan().to_string().as_str())
            && let Ok(after) = govit_rules::decide::rejudge_on(state.app.policies(), &lead, investment.money(), today)
        {
            return Ok(render(&MergeConfirmPage {
                layout: Layout::new(&user, action.label(), "/plans", today),
                outcome: Some(OutcomeView::rejudged(&lead, investment.money(), &after)),
                jurisdiction: jurisdiction.to_string(),
                year: year.get(),
                lead: lead.id.to_string(),
                lead_name: lead.name.to_string(),
                merged: names,
                investment: investment.money().yuan().to_string(),
                back,
            }));
        }
    }
    let action = command.action();
    let executed = execute_today(&state, &user, command, today).await?;
    done_or_refused(&user, action, &executed, back, "/plans", today)
}

/// A plan-level act of `user`, done today (no request id, no attachments: the plan pages have none).
pub(super) async fn execute_today(
    state: &AppState,
    user: &CurrentUser,
    command: Command,
    today: govit_rules::Date,
) -> Result<Executed, WebError> {
    let request = CommandRequest {
        actor: user.session.actor.clone(),
        on: today,
        command,
        request_id: None,
        attachments: Vec::new(),
    };
    Ok(state.app.execute(request).await?)
}

/// Back to the plan with the outcome on a done act; a refusal or a forbidden act in the rules' own words.
pub(super) fn done_or_refused(
    user: &CurrentUser,
    action: Action,
    executed: &Executed,
    back: String,
    page: &str,
    today: govit_rules::Date,
) -> Result<Response, WebError> {
    match executed {
        Executed::Done { .. } => {
            let done: String =
                form_urlencoded::byte_serialize(format!("已办理:{}", action.label()).as_bytes()).collect();
            Ok(Redirect::to(&format!("{back}&done={done}")).into_response())
        }
        rejected => {
            let page = OutcomePage {
                layout: Layout::new(user, action.label(), page, today),
                outcome: Some(OutcomeView::of(action, rejected)),
                back,
            };
            let mut response = render(&page);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

/// A merge of proposals shown before it is done [7]: the new route of the project that remains.
#[derive(Template)]
#[template(path = "plan_merge_confirm.html")]
struct MergeConfirmPage {
    layout: Layout,
    outcome: Option<OutcomeView>,
    jurisdiction: String,
    year: i32,
    lead: String,
    lead_name: String,
    /// The projects folded in: number, and name with owner.
    merged: Vec<(String, String)>,
    investment: String,
    back: String,
}
