//! Excel out: the annual plan of a year and a filtered project list, grouped by 建设单位 with subtotals.
//!
//! Layout of every exported sheet (0-based rows): row 0 the title (merged), row 1 a note (plan status or
//! filters, date of export, unit 万元), row 2 the headers (frozen, with an autofilter), then for each 建设单位
//! its projects followed by a 小计 row, and a 合计 row at the end. Amounts are numbers in 万元 with the
//! number format `#,##0.00`, exact to the yuan.

use super::{approver, jurisdiction_name, wan, xlsx_error};
use crate::listing::ProjectQuery;
use crate::{App, AppError};
use govit_rules::state::PlanEntry;
use govit_rules::vocab::PlanStatus;
use govit_rules::{Actor, Date, JurisdictionId, Money, Plan, PlanStanding, Project, ProjectId};
use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use std::collections::HashMap;

/// The headers every export has, with their column widths (in characters of the default font).
const COLUMNS: [(&str, f64); 12] = [
    ("序号", 6.0),
    ("项目编号", 18.0),
    ("项目名称", 38.0),
    ("建设单位", 24.0),
    ("项目类别", 18.0),
    ("建设性质", 9.0),
    ("管理路径", 20.0),
    ("审批部门", 24.0),
    ("登记投资(万元)", 15.0),
    ("核定投资(万元)", 15.0),
    ("状态", 14.0),
    ("列入情况", 24.0),
];
/// The extra column of a project list.
const OVERDUE_COLUMN: (&str, f64) = ("逾期事项", 36.0);

const TITLE_ROW: u32 = 0;
const NOTE_ROW: u32 = 1;
const HEADER_ROW: u32 = 2;
const COL_SEQ: u16 = 0;
const COL_ID: u16 = 1;
const COL_NAME: u16 = 2;
const COL_OWNER: u16 = 3;
const COL_INVESTMENT: u16 = 8;
const COL_APPROVED: u16 = 9;
const COL_STATUS: u16 = 10;
const COL_INCLUSION: u16 = 11;
const COL_OVERDUE: u16 = 12;

/// `list_projects` pages at most this many rows; an export walks every page.
const PAGE: usize = 500;

/// One project as a row of an export.
struct Line {
    id: ProjectId,
    name: String,
    owner: String,
    category: &'static str,
    construction: &'static str,
    route: &'static str,
    approver: String,
    investment: Money,
    approved: Option<Money>,
    status: &'static str,
    inclusion: String,
    overdue: Option<String>,
}

impl Line {
    fn of(p: &Project, inclusion: String, overdue: Option<String>) -> Line {
        Line {
            id: p.id.clone(),
            name: p.name.to_string(),
            owner: p.owner.name.to_string(),
            category: p.category.label(),
            construction: p.construction.label(),
            route: p.route.label(),
            approver: approver(p),
            investment: p.investment,
            approved: p.approved_investment,
            status: p.status.label(),
            inclusion,
            overdue,
        }
    }
}

/// How a project stands in whichever plan it is in, for a project list.
fn list_inclusion(entry: Option<&PlanEntry>) -> String {
    match entry {
        None => "未列入年度计划".to_owned(),
        Some(e) => match (e.approved, e.supplementary) {
            (true, None) => format!("{}年度计划已列入", e.year),
            (true, Some(_)) => format!("{}年度补充列入", e.year),
            (false, Some(_)) => format!("{}年度申请补充列入(待批准)", e.year),
            (false, None) => format!("{}年度已申报(待批准)", e.year),
        },
    }
}

/// The plan's title: `武汉市2026年度政务信息化项目年度实施计划`.
pub fn plan_title(app: &App, jurisdiction: &JurisdictionId, year: i32) -> Result<String, AppError> {
    Ok(format!("{}{year}年度政务信息化项目年度实施计划", jurisdiction_name(app, jurisdiction)?))
}

/// The file name to offer for [`plan_workbook`]: the title with `.xlsx`.
pub fn plan_file_name(app: &App, jurisdiction: &JurisdictionId, year: i32) -> Result<String, AppError> {
    Ok(format!("{}.xlsx", plan_title(app, jurisdiction, year)?))
}

/// The file name to offer for [`projects_workbook`]: `政务信息化项目清单-2026-11-29.xlsx`.
pub fn projects_file_name(today: Date) -> String {
    format!("政务信息化项目清单-{today}.xlsx")
}

/// The annual implementation plan of `year` in `jurisdiction` [5][6][7] as an `.xlsx` workbook: every project
/// of that plan year and jurisdiction that `actor` may see — included (approved), proposed, and supplementary
/// requests, as its 列入情况 column says — grouped by 建设单位 with subtotals and a grand total.
pub async fn plan_workbook(
    app: &App,
    actor: &Actor,
    jurisdiction: &JurisdictionId,
    year: i32,
    today: Date,
) -> Result<Vec<u8>, AppError> {
    let title = plan_title(app, jurisdiction, year)?;
    let plan = app.store().plan(jurisdiction, year).await?.unwrap_or_else(|| Plan::new(jurisdiction.clone(), year));
    let mut projects = app.visible_projects(actor).await?;
    projects.sort_by(|a, b| a.id.cmp(&b.id));
    // The sheet is the plan: what the review took out is not in it, nor what was merged into another
    // proposal (its line is the project it went into, which names it) [7].
    let merged_into = |lead: &Project| -> Vec<&str> {
        projects.iter().filter(|m| m.merged_into.as_ref() == Some(&lead.id)).map(|m| m.id.as_str()).collect()
    };
    let lines = PlanStanding::in_plan(&projects, &plan)
        .into_iter()
        .filter(|(_, standing)| !matches!(standing, PlanStanding::Excluded | PlanStanding::Merged))
        .map(|(p, standing)| {
            let mut label = standing.label();
            if p.assigned {
                label.push_str(";下达建设任务");
            }
            let merged = merged_into(p);
            if !merged.is_empty() {
                label.push_str(&format!(";合并建设(并入{})", merged.join("、")));
            }
            if !p.co_builders.is_empty() {
                let names: Vec<&str> = p.co_builders.iter().map(|o| o.as_str()).collect();
                label.push_str(&format!(";共建单位:{}", names.join("、")));
            }
            Line::of(p, label, None)
        })
        .collect();
    let status = match (plan.status, plan.approved_on, plan.reviewed_on) {
        (PlanStatus::Approved, Some(on), _) => format!("已批准({on})"),
        (PlanStatus::Reviewed, _, Some(on)) => format!("已论证({on}),待批准"),
        (s, _, _) => s.label().to_owned(),
    };
    let mut acts = String::new();
    if let Some(review) = &plan.filing_review {
        let result = review.result.map_or("", |r| r.label());
        acts.push_str(&format!("    市委网信办备案审核:{result}({})", review.on));
    }
    if let Some(included) = &plan.investment_plan {
        acts.push_str(&format!("    已纳入政府投资年度计划({})", included.on));
    }
    let note = format!("计划状态:{status}{acts}    导出日期:{today}    金额单位:万元");
    render(&Sheet { name: "年度实施计划", title: &title, note: &note, with_overdue: false, lines })
}

/// Any filtered project list (the 项目库 with `query`'s filters and sort, every page) as an `.xlsx` workbook,
/// with the plan columns plus 逾期事项 as of `today`, grouped by 建设单位 with subtotals and a grand total.
pub async fn projects_workbook(
    app: &App,
    actor: &Actor,
    query: &ProjectQuery,
    today: Date,
) -> Result<Vec<u8>, AppError> {
    let mut summaries = Vec::new();
    let mut page = 1;
    loop {
        let q = ProjectQuery { page: Some(page), per_page: Some(PAGE), ..query.clone() };
        let listed = app.list_projects(actor, &q, today).await?;
        summaries.extend(listed.rows);
        if listed.page >= listed.pages {
            break;
        }
        page += 1;
    }
    let mut states: HashMap<ProjectId, Project> =
        app.visible_projects(actor).await?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let mut lines = Vec::with_capacity(summaries.len());
    for s in summaries {
        let project = match states.remove(&s.id) {
            Some(p) => p,
            None => app.visible_project(actor, &s.id).await?,
        };
        let overdue = (!s.overdue.is_empty()).then(|| s.overdue.join("、"));
        lines.push(Line::of(&project, list_inclusion(project.plan.as_ref()), overdue));
    }
    let total = lines.len();
    let note = format!("{}    共{total}项    导出日期:{today}    金额单位:万元", describe(query));
    render(&Sheet {
        name: "项目清单", title: "政务信息化项目清单", note: &note, with_overdue: true, lines
    })
}

/// The filters of a list, in Chinese, for the sheet's note.
fn describe(q: &ProjectQuery) -> String {
    let mut parts: Vec<String> = Vec::new();
    let text = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if let Some(v) = text(&q.q) {
        parts.push(format!("名称或编号含“{v}”"));
    }
    if let Some(s) = q.status {
        parts.push(format!("状态:{}", s.label()));
    }
    if let Some(r) = q.route {
        parts.push(format!("管理路径:{}", r.label()));
    }
    if let Some(v) = text(&q.owner) {
        parts.push(format!("建设单位含“{v}”"));
    }
    if let Some(y) = q.year {
        parts.push(format!("计划年度:{y}"));
    }
    if let Some(m) = q.min {
        parts.push(format!("投资不少于{m}"));
    }
    if let Some(m) = q.max {
        parts.push(format!("投资不超过{m}"));
    }
    if q.overdue == Some(true) {
        parts.push("仅含有逾期事项的项目".to_owned());
    }
    if parts.is_empty() {
        "筛选条件:无(全部可见项目)".to_owned()
    } else {
        format!("筛选条件:{}", parts.join(","))
    }
}

struct Sheet<'a> {
    name: &'a str,
    title: &'a str,
    note: &'a str,
    with_overdue: bool,
    lines: Vec<Line>,
}

/// The formats of an export.
struct Formats {
    title: Format,
    note: Format,
    header: Format,
    text: Format,
    seq: Format,
    amount: Format,
    total_text: Format,
    total_amount: Format,
    grand_text: Format,
    grand_amount: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        let amount = cell.clone().set_num_format("#,##0.00");
        let subtotal_fill = Color::RGB(0xF2_F2_F2);
        let total_fill = Color::RGB(0xDD_EB_F7);
        Formats {
            title: Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center),
            note: Format::new().set_align(FormatAlign::Left),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9_E1_F2)),
            text: cell.clone().set_text_wrap(),
            seq: cell.clone().set_align(FormatAlign::Center),
            amount: amount.clone(),
            total_text: cell.clone().set_bold().set_background_color(subtotal_fill),
            total_amount: amount.clone().set_bold().set_background_color(subtotal_fill),
            grand_text: cell.set_bold().set_background_color(total_fill),
            grand_amount: amount.set_bold().set_background_color(total_fill),
        }
    }
}

/// The projects of each 建设单位, in the order the first of each appears.
fn by_owner(lines: &[Line]) -> Vec<(&str, Vec<&Line>)> {
    let mut groups: Vec<(&str, Vec<&Line>)> = Vec::new();
    for line in lines {
        match groups.iter_mut().find(|(owner, _)| *owner == line.owner) {
            Some((_, members)) => members.push(line),
            None => groups.push((line.owner.as_str(), vec![line])),
        }
    }
    groups
}

/// Amounts of a row in 万元, converted once before anything is written.
#[derive(Clone, Copy)]
struct Amounts {
    investment: f64,
    approved: Option<f64>,
}

impl Amounts {
    fn of(investment: Money, approved: Option<Money>) -> Result<Amounts, AppError> {
        Ok(Amounts { investment: wan(investment)?, approved: approved.map(wan).transpose()? })
    }

    /// The sums of `lines`: registered investment, and approved investment where any is known. Summed in
    /// integer yuan, converted once.
    fn total<'a>(lines: impl IntoIterator<Item = &'a Line>) -> Result<Amounts, AppError> {
        let mut investment = Money::ZERO;
        let mut approved: Option<Money> = None;
        for l in lines {
            investment = crate::stats::plus(investment, l.investment)?;
            if let Some(a) = l.approved {
                approved = Some(crate::stats::plus(approved.unwrap_or(Money::ZERO), a)?);
            }
        }
        Amounts::of(investment, approved)
    }
}

/// One 建设单位's projects with their amounts, and its subtotal.
struct Block<'a> {
    owner: &'a str,
    rows: Vec<(&'a Line, Amounts)>,
    total: Amounts,
}

fn render(sheet: &Sheet<'_>) -> Result<Vec<u8>, AppError> {
    let mut blocks = Vec::new();
    for (owner, members) in by_owner(&sheet.lines) {
        let rows = members
            .iter()
            .map(|l| Amounts::of(l.investment, l.approved).map(|a| (*l, a)))
            .collect::<Result<Vec<_>, AppError>>()?;
        blocks.push(Block { owner, total: Amounts::total(members.iter().copied())?, rows });
    }
    let grand = Amounts::total(&sheet.lines)?;
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(sheet.title).set_author("govit"));
    let ws = workbook.add_worksheet();
    write_sheet(ws, sheet, &blocks, grand).map_err(xlsx_error)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn write_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet<'_>,
    blocks: &[Block<'_>],
    grand: Amounts,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let f = Formats::new();
    let mut columns: Vec<(&str, f64)> = COLUMNS.to_vec();
    if sheet.with_overdue {
        columns.push(OVERDUE_COLUMN);
    }
    let last_col = u16::try_from(columns.len()).unwrap_or(u16::MAX).saturating_sub(1);
    ws.set_name(sheet.name)?;
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, sheet.title, &f.title)?;
    ws.set_row_height(TITLE_ROW, 30)?;
    ws.merge_range(NOTE_ROW, 0, NOTE_ROW, last_col, sheet.note, &f.note)?;
    for (col, (header, width)) in (0u16..).zip(columns.iter()) {
        ws.write_string_with_format(HEADER_ROW, col, *header, &f.header)?;
        ws.set_column_width(col, *width)?;
    }
    ws.set_row_height(HEADER_ROW, 32)?;

    let mut row = HEADER_ROW + 1;
    let mut seq: u32 = 0;
    for block in blocks {
        for (l, amounts) in &block.rows {
            seq += 1;
            ws.write_number_with_format(row, COL_SEQ, seq, &f.seq)?;
            let texts = [
                l.id.as_str(),
                l.name.as_str(),
                l.owner.as_str(),
                l.category,
                l.construction,
                l.route,
                l.approver.as_str(),
            ];
            for (col, text) in (COL_ID..).zip(texts) {
                ws.write_string_with_format(row, col, text, &f.text)?;
            }
            ws.write_number_with_format(row, COL_INVESTMENT, amounts.investment, &f.amount)?;
            match amounts.approved {
                Some(v) => ws.write_number_with_format(row, COL_APPROVED, v, &f.amount)?,
                None => ws.write_blank(row, COL_APPROVED, &f.amount)?,
            };
            ws.write_string_with_format(row, COL_STATUS, l.status, &f.text)?;
            ws.write_string_with_format(row, COL_INCLUSION, &l.inclusion, &f.text)?;
            if sheet.with_overdue {
                ws.write_string_with_format(row, COL_OVERDUE, l.overdue.as_deref().unwrap_or(""), &f.text)?;
            }
            row += 1;
        }
        let label = format!("小计({}项)", block.rows.len());
        total_row(ws, row, last_col, (&label, block.owner), block.total, (&f.total_text, &f.total_amount))?;
        row += 1;
    }
    let label = format!("合计({}项)", sheet.lines.len());
    total_row(ws, row, last_col, (&label, ""), grand, (&f.grand_text, &f.grand_amount))?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.autofilter(HEADER_ROW, 0, row, last_col)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(TITLE_ROW, HEADER_ROW)?;
    Ok(())
}

/// A 小计 or 合计 row: the label in 项目名称, the department in 建设单位, the sums under the amounts.
fn total_row(
    ws: &mut Worksheet,
    row: u32,
    last_col: u16,
    (label, owner): (&str, &str),
    sums: Amounts,
    (text, amount): (&Format, &Format),
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for col in 0..=last_col {
        ws.write_blank(row, col, text)?;
    }
    ws.write_string_with_format(row, COL_NAME, label, text)?;
    ws.write_string_with_format(row, COL_OWNER, owner, text)?;
    ws.write_number_with_format(row, COL_INVESTMENT, sums.investment, amount)?;
    match sums.approved {
        Some(v) => ws.write_number_with_format(row, COL_APPROVED, v, amount)?,
        None => ws.write_blank(row, COL_APPROVED, amount)?,
    };
    Ok(())
}
