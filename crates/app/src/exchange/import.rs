//! Excel in: a 项目建设单位's proposals for a year's annual plan [6][7], all rows or none.
//!
//! 1. Only an owner may import, for its own organisation (kind and jurisdiction from the organisation).
//! 2. The file must be an `.xlsx` workbook; the sheet is found by its headers (see [`super::template`]).
//! 3. Every row is checked, and every error named by its Excel row, column and reason; any error, nothing
//!    is written.
//! 4. Every command is decided by the rules first without writing (a dry run, a placeholder number for the new
//!    project); any refusal, nothing is written, and every refused row is reported.
//! 5. Only then each row is registered and proposed through [`App::execute`]. Each command carries a request
//!    id derived from the organisation, the year and the row's content, so uploading the same rows again does
//!    not register them twice: those rows are replayed and reported as such.
//!
//! The log is append-only and each command is its own transaction, so step 5 cannot be undone as a whole: if
//! the state changes between the dry run and the writing (another person approves the plan in that instant)
//! a later row may still be refused; the import then stops and [`ImportError::Interrupted`] names what was
//! written. Uploading the same file again completes it.

use super::MAX_IMPORT_ROWS;
use super::template::{
    F_BUNDLED, F_CATEGORY, F_CONSTRUCTION, F_FUNDING, F_INDUSTRY, F_INVESTMENT, F_NAME, F_SELF_BUILT, FIELD_KEYS,
    HEADERS, NOTES_SHEET, SHEET,
};
use crate::{App, AppError, CommandRequest, Executed};
use calamine::{Data, Range, Reader, Xlsx};
use chrono::Datelike;
use govit_rules::command::{Owner, RegisterProject};
use govit_rules::money::MoneyError;
use govit_rules::vocab::{Category, Construction, Funding, OwnerKind};
use govit_rules::{
    Action, Actor, Command, Context, Date, Event, Investment, JurisdictionId, Money, Notice, OrgName, OwnerStanding,
    Project, ProjectId, Rejection, Role, Text, World, Year, decide,
};
use serde::Serialize;
use sm3::{Digest, Sm3};
use std::fmt;
use std::io::Cursor;

/// One error in one cell: the row as Excel numbers it, the column's header, and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}行“{}”:{}", self.row, self.column, self.reason)
    }
}

/// A row the rules would not accept: which action, and the rejection with its reasons and articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowRejection {
    pub row: u32,
    pub name: String,
    pub action: Action,
    pub action_label: &'static str,
    pub rejection: Rejection,
}

impl fmt::Display for RowRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}行“{}”{}不予受理:{}", self.row, self.name, self.action_label, rejection_text(&self.rejection))
    }
}

/// A row imported: the project number it got, how it is routed, and any warnings of the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedRow {
    pub row: u32,
    pub name: String,
    pub project: ProjectId,
    pub investment: Money,
    pub route_label: &'static str,
    pub approver: String,
    pub status_label: &'static str,
    pub warnings: Vec<Notice>,
    /// Imported before (same organisation, year and content): nothing new was written for this row.
    pub replayed: bool,
}

/// What an import did: every row, in sheet order, with its project number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub year: Year,
    pub owner: String,
    pub jurisdiction: JurisdictionId,
    pub rows: Vec<ImportedRow>,
}

/// Why an import did not happen (or, for [`ImportError::Interrupted`], did not finish).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Not an `.xlsx` workbook at all (an empty upload, an old `.xls`, a PDF, a broken zip).
    #[error("上传的文件不是Excel工作簿(.xlsx):{reason}")]
    NotXlsx { reason: String },
    /// A workbook, but not a proposal sheet: no header row, a missing column, another year, too many rows.
    #[error("申报表格式不符:{reason}")]
    Layout { reason: String },
    /// Some cells are wrong: all of them, in row and column order. Nothing was written.
    #[error("申报表有{}处错误,未导入任何项目:{}", .errors.len(), join(.errors))]
    Invalid { errors: Vec<CellError> },
    /// The rules refuse some rows: all of them. Nothing was written.
    #[error("有{}行不予受理,未导入任何项目:{}", .rows.len(), join(.rows))]
    Rejected { rows: Vec<RowRejection> },
    /// The actor may not import proposals (not an owner, or its organisation owns no projects).
    #[error("{reason}")]
    Forbidden { reason: String },
    /// A command was refused or failed after earlier rows had been written: `imported` were written, and
    /// `project` is the current row's project if it was registered but not proposed.
    #[error("导入在第{row}行中断,此前{}行已导入:{reason}", .imported.len())]
    Interrupted { imported: Vec<ImportedRow>, row: u32, project: Option<ProjectId>, reason: String },
    #[error(transparent)]
    App(#[from] AppError),
}

impl ImportError {
    /// One line per problem, for a page to list: each cell error, each refused row, or the one message.
    pub fn messages(&self) -> Vec<String> {
        match self {
            ImportError::Invalid { errors } => errors.iter().map(ToString::to_string).collect(),
            ImportError::Rejected { rows } => rows.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}

fn join<T: fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(";")
}

fn rejection_text(r: &Rejection) -> String {
    match r {
        Rejection::Forbidden(f) => f.message.clone(),
        Rejection::Refused(r) => r.to_string(),
    }
}

/// One valid row of the sheet.
#[derive(Debug, Clone)]
struct Proposal {
    row: u32,
    name: Text,
    category: Category,
    construction: Construction,
    funding: Funding,
    investment: Investment,
    bundled: bool,
    self_built: bool,
    industry_authority: Option<OrgName>,
}

/// The organisation the proposals are for.
struct OwnerOrg {
    owner: Owner,
    jurisdiction: JurisdictionId,
}

/// Reads `bytes` as a proposal sheet for `year` and, if every row is valid and every command would be accepted,
/// registers each project for the actor's organisation and proposes it for `year`'s plan, on `today`.
pub async fn import_proposals(
    app: &App,
    actor: &Actor,
    year: Year,
    bytes: &[u8],
    today: Date,
) -> Result<ImportReport, ImportError> {
    import_proposals_with_progress(app, actor, year, bytes, today, |_, _| {}).await
}

/// [`import_proposals`], calling `progress(rows written, rows to write)` after the checks and after each row,
/// for a command line's progress bar.
pub async fn import_proposals_with_progress(
    app: &App,
    actor: &Actor,
    year: Year,
    bytes: &[u8],
    today: Date,
    mut progress: impl FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    let org = owner_org(app, actor).await?;
    let proposals = read_sheet(bytes, year)?;
    let planned = dry_run(app, actor, &org, year, &proposals, today).await?;
    let total = planned.len();
    progress(0, total);
    let mut imported = Vec::with_capacity(total);
    for (p, key) in planned {
        let row = write_row(app, actor, &org, year, &p, &key, today).await;
        match row {
            Ok(done) => {
                imported.push(done);
                progress(imported.len(), total);
            }
            Err(RowFailure { project, reason, rejection, error }) => {
                if imported.is_empty() && project.is_none() {
                    if let Some(rejection) = rejection {
                        return Err(ImportError::Rejected {
                            rows: vec![rejected(&p, Action::RegisterProject, rejection)],
                        });
                    }
                    if let Some(e) = error {
                        return Err(ImportError::App(e));
                    }
                }
                return Err(ImportError::Interrupted { imported, row: p.row, project, reason });
            }
        }
    }
    Ok(ImportReport { year, owner: org.owner.name.to_string(), jurisdiction: org.jurisdiction, rows: imported })
}

async fn owner_org(app: &App, actor: &Actor) -> Result<OwnerOrg, ImportError> {
    if actor.role != Role::Owner {
        return Err(ImportError::Forbidden {
            reason: format!(
                "{}({})无权导入年度计划申报表:该事项由项目建设单位办理",
                actor.role.label(),
                actor.organization
            ),
        });
    }
    let org = app.store().organization_by_name(actor.organization.as_str()).await.map_err(AppError::from)?;
    let Some(org) = org else {
        return Err(ImportError::Forbidden { reason: format!("单位“{}”不存在", actor.organization) });
    };
    let Some(kind) = org.owner_kind.as_deref().and_then(OwnerKind::from_code) else {
        return Err(ImportError::Forbidden { reason: format!("“{}”不是项目建设单位", org.name) });
    };
    let jurisdiction = JurisdictionId::parse(org.jurisdiction).map_err(|e| AppError::invalid("jurisdiction", e))?;
    Ok(OwnerOrg { owner: Owner { name: actor.organization.clone(), kind }, jurisdiction })
}

// ---------------------------------------------------------------------------------------------------------
// Reading

fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, ImportError> {
    let not = |reason: &str| Err(ImportError::NotXlsx { reason: reason.to_owned() });
    if bytes.is_empty() {
        return not("文件为空");
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return not("这是Excel 97-2003(.xls)等旧格式文件,请在Excel中另存为.xlsx后再上传");
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return not("文件内容不是.xlsx格式,请使用下载的申报表模板填写后上传");
    }
    Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        tracing::debug!(error = %e, "not an xlsx workbook");
        ImportError::NotXlsx {
            reason: "无法作为.xlsx工作簿读取(可能是其他Office文件或已损坏)".to_owned()
        }
    })
}

/// Header text as compared: no spaces, ASCII parentheses.
fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '(',
            ')' => ')',
            other => other,
        })
        .collect()
}

/// The text of a cell, or why it cannot be read as text or number.
fn cell_text(cell: Option<&Data>) -> Result<String, String> {
    match cell {
        None | Some(Data::Empty) => Ok(String::new()),
        Some(Data::String(s)) => Ok(s.trim().to_owned()),
        Some(Data::Int(i)) => Ok(i.to_string()),
        // `Display` of an f64 writes a whole number without a fraction (1200000.0 → "1200000") and any
        // fraction exactly as stored, which the amount's parser then refuses: no arithmetic on the float.
        Some(Data::Float(f)) => Ok(f.to_string()),
        Some(Data::Bool(b)) => Ok(if *b { "是" } else { "否" }.to_owned()),
        Some(Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_)) => {
            Err("应为文字或数字,不能是日期或时间".to_owned())
        }
        Some(Data::Error(e)) => Err(format!("单元格为错误值({e})")),
    }
}

/// Where the proposal table is: its sheet's range, the range row of its headers, and each field's column.
struct Table {
    range: Range<Data>,
    header: usize,
    columns: [Option<usize>; 8],
}

/// How many rows from the top the header row is looked for.
const HEADER_SEARCH_ROWS: usize = 10;

fn find_table(workbook: &mut Xlsx<Cursor<&[u8]>>) -> Result<Table, ImportError> {
    let mut names = workbook.sheet_names();
    // The template's sheet first, then the others in order; the instructions sheet never.
    names.sort_by_key(|n| n != SHEET);
    names.retain(|n| n != NOTES_SHEET);
    for name in names {
        let range = match workbook.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                // A chart sheet or a sheet calamine cannot read is not the proposal table: look further.
                tracing::debug!(error = %e, sheet = %name, "unreadable sheet");
                continue;
            }
        };
        let header = range.rows().take(HEADER_SEARCH_ROWS).position(|row| {
            row.iter().any(|c| cell_text(Some(c)).is_ok_and(|t| normalize(&t).starts_with(FIELD_KEYS[F_NAME])))
        });
        if let Some(header) = header {
            let columns = header_columns(&range, header)?;
            return Ok(Table { range, header, columns });
        }
    }
    Err(ImportError::Layout {
        reason: format!("找不到表头(应有“{}”等列),请使用申报表模板", HEADERS[F_NAME])
    })
}

fn header_columns(range: &Range<Data>, header: usize) -> Result<[Option<usize>; 8], ImportError> {
    let mut columns: [Option<usize>; 8] = [None; 8];
    let Some(row) = range.rows().nth(header) else { return Ok(columns) };
    for (col, cell) in row.iter().enumerate() {
        let text = normalize(&cell_text(Some(cell)).unwrap_or_default());
        // The longest key that the header begins with (no key is a prefix of another today; this keeps it so).
        let field =
            (0..FIELD_KEYS.len()).filter(|f| text.starts_with(FIELD_KEYS[*f])).max_by_key(|f| FIELD_KEYS[*f].len());
        if let Some(field) = field {
            if columns[field].is_some() {
                return Err(ImportError::Layout {
                    reason: format!("“{}”列出现了不止一次", HEADERS[field])
                });
            }
            columns[field] = Some(col);
        }
    }
    let missing: Vec<&str> = [F_NAME, F_CATEGORY, F_CONSTRUCTION, F_FUNDING, F_INVESTMENT]
        .into_iter()
        .filter(|f| columns[*f].is_none())
        .map(|f| HEADERS[f])
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::Layout {
            reason: format!("缺少“{}”列,请使用申报表模板", missing.join("”“"))
        });
    }
    Ok(columns)
}

/// The year a title such as `2026年度…申报表` names, if any.
fn titled_year(text: &str) -> Option<i32> {
    let (before, _) = text.split_once("年度")?;
    let digits: String = before.chars().rev().take_while(char::is_ascii_digit).collect();
    let digits: String = digits.chars().rev().collect();
    (digits.len() == 4).then(|| digits.parse().ok()).flatten()
}

fn read_sheet(bytes: &[u8], year: Year) -> Result<Vec<Proposal>, ImportError> {
    let mut workbook = open(bytes)?;
    let table = find_table(&mut workbook)?;
    let (first_row, _) = table.range.start().unwrap_or((0, 0));
    // A title above the headers that names another year: the wrong sheet for this plan.
    for row in table.range.rows().take(table.header) {
        for cell in row {
            if let Some(named) = cell_text(Some(cell)).ok().as_deref().and_then(titled_year)
                && named != year.get()
            {
                return Err(ImportError::Layout {
                    reason: format!("申报表标题为{named}年度,与所选的{year}年度不符")
                });
            }
        }
    }
    let mut proposals = Vec::new();
    let mut errors = Vec::new();
    let mut count: u32 = 0;
    for (index, cells) in table.range.rows().enumerate().skip(table.header + 1) {
        let excel_row = first_row.saturating_add(u32::try_from(index).unwrap_or(u32::MAX)).saturating_add(1);
        let cell = |field: usize| table.columns[field].and_then(|c| cells.get(c));
        let blank = table.columns.iter().flatten().all(|c| cell_text(cells.get(*c)).is_ok_and(|t| t.is_empty()));
        if blank {
            continue;
        }
        count += 1;
        if count > MAX_IMPORT_ROWS {
            return Err(ImportError::Layout {
                reason: format!("一次最多导入{MAX_IMPORT_ROWS}个项目,请分批上传")
            });
        }
        match parse_row(excel_row, cell) {
            Ok(p) => proposals.push(p),
            Err(mut e) => errors.append(&mut e),
        }
    }
    duplicates(&proposals, &mut errors);
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.row, HEADERS.iter().position(|h| *h == e.column)));
        return Err(ImportError::Invalid { errors });
    }
    if proposals.is_empty() {
        return Err(ImportError::Layout { reason: "申报表中没有填写任何项目".to_owned() });
    }
    Ok(proposals)
}

/// A name that appears twice is an error on every later row that repeats it.
fn duplicates(proposals: &[Proposal], errors: &mut Vec<CellError>) {
    for (i, p) in proposals.iter().enumerate() {
        if let Some(first) = proposals[..i].iter().find(|q| q.name == p.name) {
            errors.push(CellError {
                row: p.row,
                column: HEADERS[F_NAME].to_owned(),
                reason: format!("与第{}行的项目名称重复", first.row),
            });
        }
    }
}

/// Reads one field: its value, or `None` with the error recorded against its row and column.
fn take<T>(
    errors: &mut Vec<CellError>,
    row: u32,
    field: usize,
    cell: Option<&Data>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    match cell_text(cell).and_then(|t| parse(&t)) {
        Ok(value) => Some(value),
        Err(reason) => {
            errors.push(CellError { row, column: HEADERS[field].to_owned(), reason });
            None
        }
    }
}

/// Every field of a row, checked; all of its errors when any is wrong.
fn parse_row<'a>(row: u32, cell: impl Fn(usize) -> Option<&'a Data>) -> Result<Proposal, Vec<CellError>> {
    let mut e = Vec::new();
    let name = take(&mut e, row, F_NAME, cell(F_NAME), parse_name);
    let category = take(&mut e, row, F_CATEGORY, cell(F_CATEGORY), |t| {
        closed(t, "项目类别", Category::ALL, Category::label, Category::code)
    });
    let construction = take(&mut e, row, F_CONSTRUCTION, cell(F_CONSTRUCTION), |t| {
        closed(t, "建设性质", Construction::ALL, Construction::label, Construction::code)
    });
    let funding = take(&mut e, row, F_FUNDING, cell(F_FUNDING), |t| {
        closed(t, "资金方式", Funding::ALL, Funding::label, Funding::code)
    });
    let investment = take(&mut e, row, F_INVESTMENT, cell(F_INVESTMENT), parse_amount);
    let bundled = take(&mut e, row, F_BUNDLED, cell(F_BUNDLED), yes_no);
    let self_built = take(&mut e, row, F_SELF_BUILT, cell(F_SELF_BUILT), yes_no);
    let industry_authority = take(&mut e, row, F_INDUSTRY, cell(F_INDUSTRY), parse_industry);
    match (name, category, construction, funding, investment, bundled, self_built, industry_authority) {
        (
            Some(name),
            Some(category),
            Some(construction),
            Some(funding),
            Some(investment),
            Some(bundled),
            Some(self_built),
            Some(industry_authority),
        ) => Ok(Proposal {
            row,
            name,
            category,
            construction,
            funding,
            investment,
            bundled,
            self_built,
            industry_authority,
        }),
        _ => Err(e),
    }
}

fn parse_name(text: &str) -> Result<Text, String> {
    if text.is_empty() {
        return Err("必填,不能为空".to_owned());
    }
    Text::parse(text).map_err(|e| e.named("项目名称").to_string())
}

/// A member of a closed list by its Chinese label or its English code.
fn closed<T: Copy>(
    text: &str,
    what: &str,
    all: &[T],
    label: fn(T) -> &'static str,
    code: fn(T) -> &'static str,
) -> Result<T, String> {
    if text.is_empty() {
        return Err("必填,不能为空".to_owned());
    }
    let wanted = normalize(text);
    all.iter().copied().find(|v| normalize(label(*v)) == wanted || code(*v).eq_ignore_ascii_case(&wanted)).ok_or_else(
        || {
            let options: Vec<&str> = all.iter().map(|v| label(*v)).collect();
            format!("“{text}”不是有效的{what},应为:{}", options.join("、"))
        },
    )
}

/// Integer yuan (`1200000`, `1,200,000元`) or 万 (`120万`, `120万元`, up to four decimals), more than zero.
fn parse_amount(text: &str) -> Result<Investment, String> {
    if text.is_empty() {
        return Err("必填,不能为空".to_owned());
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.strip_suffix("万元").map_or(compact.clone(), |n| format!("{n}万"));
    match Money::parse(&compact) {
        Ok(m) => Investment::new(m).map_err(|e| e.to_string()),
        Err(MoneyError::Negative) => Err(format!("“{text}”为负数,投资额不能为负数")),
        Err(MoneyError::TooLarge) => Err(format!("“{text}”金额过大")),
        Err(MoneyError::Malformed) => {
            Err(format!("“{text}”不是有效金额:须为整数元(如 1200000),或以“万”为单位(如“120万”,最多四位小数)"))
        }
    }
}

/// 是/否 (also yes/no, true/false, 1/0); empty is 否.
fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "是" | "yes" | "y" | "true" | "1" => Ok(true),
        "否" | "no" | "n" | "false" | "0" | "" => Ok(false),
        _ => Err(format!("“{text}”应填“是”或“否”")),
    }
}

fn parse_industry(text: &str) -> Result<Option<OrgName>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    OrgName::parse(text).map(Some).map_err(|e| e.named("行业主管部门").to_string())
}

// ---------------------------------------------------------------------------------------------------------
// Deciding and writing

fn register_command(p: &Proposal, org: &OwnerOrg) -> Command {
    Command::RegisterProject(Box::new(RegisterProject {
        name: p.name.clone(),
        owner: org.owner.clone(),
        category: p.category,
        construction: p.construction,
        funding: p.funding,
        investment: p.investment,
        classified: false,
        bundled_with_fixed_asset: p.bundled,
        self_built_self_used: p.self_built,
        jurisdiction: Some(org.jurisdiction.clone()),
        industry_authority: p.industry_authority.clone(),
    }))
}

/// The request id of a row: the same organisation, year and content give the same id, so a row is never
/// registered twice by uploading it again.
fn request_key(org: &OwnerOrg, year: Year, p: &Proposal) -> String {
    let fields = [
        "govit-proposal-import-v1".to_owned(),
        org.owner.name.to_string(),
        org.jurisdiction.to_string(),
        year.to_string(),
        p.name.to_string(),
        p.category.code().to_owned(),
        p.construction.code().to_owned(),
        p.funding.code().to_owned(),
        p.investment.money().yuan().to_string(),
        p.bundled.to_string(),
        p.self_built.to_string(),
        p.industry_authority.as_ref().map(ToString::to_string).unwrap_or_default(),
    ];
    let mut h = Sm3::new();
    for f in &fields {
        h.update(f.as_bytes());
        h.update([0x1f]);
    }
    format!("import-{}", hex::encode(h.finalize()))
}

fn rejected(p: &Proposal, action: Action, rejection: Rejection) -> RowRejection {
    RowRejection { row: p.row, name: p.name.to_string(), action, action_label: action.label(), rejection }
}

/// The project a request id registered, if that request was done before.
async fn registered_before(app: &App, request_id: &str) -> Result<Option<ProjectId>, AppError> {
    let Some(done) = app.store().find_request(request_id).await? else { return Ok(None) };
    let events = app.store().events_between(done.first_seq, done.last_seq).await?;
    Ok(events.iter().find_map(|e| e.record.event.projects().first().map(|p| (*p).clone())))
}

/// Decides every row's two commands on the current state without writing anything. Returns the rows with
/// their request keys, or every rejection.
async fn dry_run(
    app: &App,
    actor: &Actor,
    org: &OwnerOrg,
    year: Year,
    proposals: &[Proposal],
    today: Date,
) -> Result<Vec<(Proposal, String)>, ImportError> {
    let ctx = Context { on: today, actor, policies: app.policies() };
    let placeholder = ProjectId::parse(format!("{}-{}-import-dry-run", org.jurisdiction, today.year()))
        .map_err(|e| AppError::invalid("project", e))?;
    let plan = app.store().plan(&org.jurisdiction, year.get()).await.map_err(AppError::from)?;
    let owned = app.store().project_states(Some(org.owner.name.as_str())).await.map_err(AppError::from)?;
    let standing = OwnerStanding::of(&owned, today);
    let mut rejections = Vec::new();
    let mut planned = Vec::with_capacity(proposals.len());
    for p in proposals {
        let key = request_key(org, year, p);
        planned.push((p.clone(), key.clone()));
        if app.store().find_request(&format!("{key}:propose")).await.map_err(AppError::from)?.is_some() {
            continue; // imported before: both commands replay.
        }
        let project = match registered_before(app, &format!("{key}:register")).await? {
            Some(id) => app.store().project(&id).await.map_err(AppError::from)?,
            None => {
                let command = register_command(p, org);
                match decide(&ctx, World::NewProject(&placeholder), &command) {
                    Err(rejection) => {
                        rejections.push(rejected(p, Action::RegisterProject, rejection));
                        continue;
                    }
                    Ok(decision) => decision.events.iter().find_map(|e| match e {
                        Event::ProjectRegistered(r) => Some(Project::register(r, today)),
                        _ => None,
                    }),
                }
            }
        };
        let Some(project) = project else {
            return Err(AppError::internal(format!("第{}行:登记的预判没有产生项目", p.row)).into());
        };
        let propose = Command::ProposeForPlan { project: project.id.clone(), year };
        let world = World::Project { project: &project, plan: plan.as_ref(), owner: Some(&standing) };
        if let Err(rejection) = decide(&ctx, world, &propose) {
            rejections.push(rejected(p, Action::ProposeForPlan, rejection));
        }
    }
    if rejections.is_empty() { Ok(planned) } else { Err(ImportError::Rejected { rows: rejections }) }
}

/// Why writing a row stopped.
struct RowFailure {
    /// The row's project, if its registration was written.
    project: Option<ProjectId>,
    reason: String,
    rejection: Option<Rejection>,
    error: Option<AppError>,
}

impl RowFailure {
    fn of(project: Option<ProjectId>, outcome: Result<Executed, AppError>) -> RowFailure {
        match outcome {
            Ok(Executed::Rejected { rejection }) => {
                RowFailure { project, reason: rejection_text(&rejection), rejection: Some(rejection), error: None }
            }
            Ok(Executed::Done { .. }) => {
                RowFailure {
                    project, reason: "登记没有产生项目编号".to_owned(), rejection: None, error: None
                }
            }
            Err(e) => RowFailure { project, reason: e.to_string(), rejection: None, error: Some(e) },
        }
    }
}

async fn write_row(
    app: &App,
    actor: &Actor,
    org: &OwnerOrg,
    year: Year,
    p: &Proposal,
    key: &str,
    today: Date,
) -> Result<ImportedRow, RowFailure> {
    let request = |command: Command, suffix: &str| CommandRequest {
        actor: actor.clone(),
        on: today,
        command,
        request_id: Some(format!("{key}:{suffix}")),
        attachments: Vec::new(),
    };
    let registered = app.execute(request(register_command(p, org), "register")).await;
    let (id, mut warnings, first_replayed) = match registered {
        Ok(Executed::Done { project: Some(id), warnings, replayed, .. }) => (id, warnings, replayed),
        other => return Err(RowFailure::of(None, other)),
    };
    let proposed = app.execute(request(Command::ProposeForPlan { project: id.clone(), year }, "propose")).await;
    let replayed = match proposed {
        Ok(Executed::Done { warnings: more, replayed, .. }) => {
            warnings.extend(more);
            first_replayed && replayed
        }
        other => return Err(RowFailure::of(Some(id), other)),
    };
    let project = match app.store().project(&id).await {
        Ok(Some(project)) => project,
        Ok(None) => {
            let missing = AppError::NotFound { what: format!("项目 {id}") };
            return Err(RowFailure::of(Some(id), Err(missing)));
        }
        Err(e) => return Err(RowFailure::of(Some(id), Err(e.into()))),
    };
    Ok(ImportedRow {
        row: p.row,
        name: p.name.to_string(),
        project: id,
        investment: p.investment.money(),
        route_label: project.route.label(),
        approver: super::approver(&project),
        status_label: project.status.label(),
        warnings,
        replayed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_yuan_or_wan() {
        assert_eq!(
            parse_amount("1200000").map(Investment::money),
            Money::from_yuan(1_200_000).map_err(|e| e.to_string())
        );
        assert_eq!(
            parse_amount("120万").map(Investment::money),
            Money::from_yuan(1_200_000).map_err(|e| e.to_string())
        );
        assert_eq!(
            parse_amount("120 万元").map(Investment::money),
            Money::from_yuan(1_200_000).map_err(|e| e.to_string())
        );
        assert_eq!(
            parse_amount("1,200,000元").map(Investment::money),
            Money::from_yuan(1_200_000).map_err(|e| e.to_string())
        );
        assert!(parse_amount("-5").is_err_and(|e| e.contains("负数")));
        assert!(parse_amount("12.5").is_err_and(|e| e.contains("不是有效金额")));
        assert!(parse_amount("0").is_err_and(|e| e.contains("大于0")));
    }

    #[test]
    fn closed_lists_take_labels_or_codes() {
        let parse = |t: &str| closed(t, "项目类别", Category::ALL, Category::label, Category::code);
        assert_eq!(parse("业务应用信息系统"), Ok(Category::BusinessApplication));
        assert_eq!(parse("business_application"), Ok(Category::BusinessApplication));
        assert_eq!(parse("楼宇智能化(含会议、视频等系统)"), Ok(Category::BuildingIntelligence));
        assert!(parse("办公软件").is_err_and(|e| e.contains("业务应用信息系统")));
    }

    #[test]
    fn a_title_names_its_year() {
        assert_eq!(titled_year("2026年度政务信息化项目年度计划申报表"), Some(2026));
        assert_eq!(titled_year("武汉市2027年度"), Some(2027));
        assert_eq!(titled_year("年度计划"), None);
    }
}
