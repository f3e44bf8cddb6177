//! 公文: the approval reply (批复) of an approved stage and the filing receipt (备案回执) of a filing, filled in
//! from the recorded events and typeset after GB/T 9704 by `govit-pdf`.
//!
//! The paper is not stored: the events are the record, and the same events always give the same bytes
//! (`govit-pdf` has no clock), so a reprint is identical to the first print. The 文号 is made from the
//! authority, the year and the event's sequence number in the log, which is unique and never reused.

use chrono::Datelike;
use govit_app::describe::wan;
use govit_app::{App, AppError};
use govit_pdf::{ApprovalReply, FilingReceipt, PdfError};
use govit_rules::command::Action;
use govit_rules::vocab::Opinion;
use govit_rules::{Actor, Date, Event, Project, ProjectId};
use govit_store::StoredEvent;

const REGULATION: &str = "《武汉市政务信息化项目建设管理办法》";

/// Which paper an event stands for, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperKind {
    /// 批复: a stage approved by its approving department [13][16].
    ApprovalReply,
    /// 备案回执: an investment under 50万 filed with the approving department [8].
    FilingReceipt,
}

impl PaperKind {
    pub fn of(event: &Event) -> Option<PaperKind> {
        match event {
            Event::StageApproved { .. } => Some(PaperKind::ApprovalReply),
            Event::RecordFiled { .. } => Some(PaperKind::FilingReceipt),
            _ => None,
        }
    }

    /// The link text on the project page and the end of the file name.
    pub fn label(self) -> &'static str {
        match self {
            PaperKind::ApprovalReply => "批复",
            PaperKind::FilingReceipt => "备案回执",
        }
    }
}

/// A typeset document and the name to save it under.
#[derive(Debug)]
pub struct Paper {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Why a paper could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    #[error(transparent)]
    App(#[from] AppError),
    /// The event exists but stands for no paper.
    #[error("第{seq}号记录不是批复或备案,没有对应的公文")]
    NoPaper { seq: i64 },
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error("排版任务中断:{0}")]
    Task(String),
}

/// The paper for event `seq` of project `id`, as `actor` may see it (others get "not found").
pub async fn print(app: &App, actor: &Actor, id: &ProjectId, seq: i64) -> Result<Paper, PaperError> {
    let project = app.visible_project(actor, id).await?;
    let events = app.timeline(id).await?;
    let Some(event) = events.iter().find(|e| e.seq == seq) else {
        return Err(AppError::NotFound { what: format!("项目 {id} 的第{seq}号记录") }.into());
    };
    let job = match PaperKind::of(&event.record.event) {
        Some(PaperKind::ApprovalReply) => approval(app, &project, &events, event).map(Job::Reply),
        Some(PaperKind::FilingReceipt) => receipt(app, &project, event).map(Job::Receipt),
        None => None,
    };
    let Some(job) = job else { return Err(PaperError::NoPaper { seq }) };
    let filename = format!("{}-{}-{}.pdf", project.name, job.kind().label(), seq);
    // Typesetting takes tens of milliseconds of CPU: keep it off the async workers.
    let bytes = tokio::task::spawn_blocking(move || match job {
        Job::Reply(r) => govit_pdf::approval_reply(&r),
        Job::Receipt(r) => govit_pdf::filing_receipt(&r),
    })
    .await
    .map_err(|e| PaperError::Task(e.to_string()))??;
    Ok(Paper { filename, bytes })
}

enum Job {
    Reply(ApprovalReply),
    Receipt(FilingReceipt),
}

impl Job {
    fn kind(&self) -> PaperKind {
        match self {
            Job::Reply(_) => PaperKind::ApprovalReply,
            Job::Receipt(_) => PaperKind::FilingReceipt,
        }
    }
}

fn chinese_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn articles(numbers: &[u8]) -> Vec<(String, String)> {
    numbers
        .iter()
        .filter_map(|n| govit_rules::regulation::article(*n).map(|a| (a.heading.clone(), a.text.to_owned())))
        .collect()
}

/// The 文号 prefix of an authority: 武数 for the city, 江岸数 for a district.
fn prefix(app: &App, jurisdiction: &govit_rules::JurisdictionId) -> String {
    let name = app.policies().name_of(jurisdiction);
    let short: String = name.trim_end_matches(['市', '区']).chars().take(2).collect();
    format!("{short}数")
}

/// The 文号 of the paper of event `seq` on `on` of a project in `jurisdiction`: 武数审〔2024〕12号 for a 批复,
/// 武数备〔2024〕12号 for a 备案回执 — the one the PDF carries, and the portal shows.
pub fn document_number(
    app: &App,
    jurisdiction: &govit_rules::JurisdictionId,
    kind: PaperKind,
    on: Date,
    seq: i64,
) -> String {
    let mark = match kind {
        PaperKind::ApprovalReply => "审",
        PaperKind::FilingReceipt => "备",
    };
    format!("{}{mark}〔{}〕{seq}号", prefix(app, jurisdiction), on.year())
}

/// The opinion [13] asks the approval to give on each reviewed chapter.
fn opinion_text(o: Opinion) -> &'static str {
    match o {
        Opinion::InformationSharing => {
            "关于信息资源共享：同意项目信息资源共享分析篇（章）。项目建成后须依托市级大数据能力平台实现信息资源共享，按要求开放共享数据。"
        }
        Opinion::Cryptography => {
            "关于密码应用：同意项目密码应用方案。项目须同步规划、同步建设、同步运行密码保障系统，并定期开展密码应用安全性评估。"
        }
    }
}

fn approval(app: &App, p: &Project, events: &[StoredEvent], e: &StoredEvent) -> Option<ApprovalReply> {
    let Event::StageApproved {
        stage, approved_investment, opinions, government_approval_required, final_stage, ..
    } = &e.record.event
    else {
        return None;
    };
    let before = || events.iter().rev().filter(|x| x.seq < e.seq);
    let submitted = before().find(|x| matches!(x.record.event, Event::StageSubmitted(_)));
    let evaluation = before().find_map(|x| match &x.record.event {
        Event::EvaluationSubmitted { consultant, recommended_investment, .. } => {
            Some((consultant.to_string(), wan(*recommended_investment)))
        }
        _ => None,
    });
    let government = *final_stage && *government_approval_required;
    let mut cited = vec![13, 16, 18];
    if government {
        cited.push(15);
        cited.sort_unstable();
    }
    let (evaluated_by, recommended_investment_wan) = evaluation.unzip();
    Some(ApprovalReply {
        issuing_authority: e.record.actor.organization.to_string(),
        document_number: document_number(app, &p.jurisdiction, PaperKind::ApprovalReply, e.record.on, e.seq),
        addressee: p.owner.name.to_string(),
        project_name: p.name.to_string(),
        project_id: p.id.to_string(),
        stage_label: stage.label().to_owned(),
        submitted_on: submitted.map(|x| chinese_date(x.record.on)).unwrap_or_default(),
        evaluated_by,
        recommended_investment_wan,
        approved_investment_wan: wan(*approved_investment),
        approved_investment_yuan: approved_investment.yuan(),
        opinions: opinions.iter().map(|o| opinion_text(*o).to_owned()).collect(),
        government_approval_note: government.then(|| {
            let threshold = parameters(app, p, e).map(|params| amount(params.government_approval_threshold));
            format!(
                "项目核定投资达到{}，依照第十五条报市人民政府批准后方可实施。",
                threshold.unwrap_or_else(|| "市人民政府批准限额".to_owned())
            )
        }),
        regulation: REGULATION.to_owned(),
        articles: articles(&cited),
        date: chinese_date(e.record.on),
        imprint: None,
        note: note("审批人", e),
    })
}

/// 附注 naming the person who took the decision behind a paper, when the event names one.
fn note(what: &str, e: &StoredEvent) -> Option<String> {
    e.record.actor.person.as_ref().map(|_| format!("{what}：{}", e.record.actor))
}

/// A threshold as the regulation writes it: whole 万元 without decimals ("50万元").
fn amount(m: govit_rules::Money) -> String {
    if m.yuan() % 10_000 == 0 { format!("{}万元", m.yuan() / 10_000) } else { wan(m) }
}

/// The parameters of the policy in force for the project on the day of the event: a district with another
/// threshold reads its own figure [30].
fn parameters(app: &App, p: &Project, e: &StoredEvent) -> Option<govit_rules::policy::Parameters> {
    app.policies().resolve(&p.jurisdiction, e.record.on).ok().map(|r| r.parameters)
}

fn receipt(app: &App, p: &Project, e: &StoredEvent) -> Option<FilingReceipt> {
    let Event::RecordFiled { investment, .. } = &e.record.event else { return None };
    Some(FilingReceipt {
        issuing_authority: govit_rules::authz::responsible(Action::ApproveStage, p.audience()),
        document_number: document_number(app, &p.jurisdiction, PaperKind::FilingReceipt, e.record.on, e.seq),
        addressee: p.owner.name.to_string(),
        project_name: p.name.to_string(),
        project_id: p.id.to_string(),
        subject: String::new(),
        filed_on: chinese_date(e.record.on),
        investment_wan: wan(*investment),
        investment_yuan: investment.yuan(),
        route_note: format!(
            "投资{}以下，由项目建设单位自行组织实施，并向项目审批部门备案",
            parameters(app, p, e).map_or_else(|| "审批限额".to_owned(), |params| amount(params.approval_threshold))
        ),
        remarks: vec!["项目应当按照第十三条的要求做好信息资源共享和密码应用，建成后按第二十一条组织验收。".to_owned()],
        regulation: REGULATION.to_owned(),
        articles: articles(&[7, 8, 14]),
        date: chinese_date(e.record.on),
        imprint: None,
        note: note("备案人", e),
    })
}
