//! 历史记录迁移: a city's project records from before govit, brought in through the rules.
//!
//! A city that adopts govit has years of projects in an older system or in spreadsheets. They come in as a
//! *history file*: one CSV row per act on record — a registration, a plan's review and approval, a stage's
//! submission and reply, a report, an acceptance — with its date, the unit that acted and in what role, the
//! action (the scenario format's action codes) and its parameters (the scenario format's `with`, as JSON).
//! Every row is played through [`App::execute_all`] as if it happened that day, so the imported log is one
//! the rules accepted step by step, cites its articles and verifies like any other; a row the regulation
//! refuses stops the import with the row and the articles.
//!
//! All rows or none: the whole file is first played on a scratch copy of the organisations (in memory);
//! only when every row is accepted is it played again on the real store, on the writer's bulk path. The
//! real store must hold no decision yet (the plans of a year would otherwise mix two histories). The columns
//! and an example are in docs/EXCHANGE.md.

use super::CellError;
use crate::accounts::{not_on_record, org_record};
use crate::playback::{self, Step, Stopped, fields, registers};
use crate::{App, AppError};
use govit_rules::authz::Administration;
use govit_rules::draft::{self, OrgRecord};
use govit_rules::{Action, Actor, Date, JurisdictionId, OrgName, Role};
use govit_store::{OrganizationRow, Store};
use serde::Serialize;
use serde_json::{Map, Value};
use sm3::{Digest, Sm3};
use std::collections::HashMap;
use std::sync::Arc;

/// The columns of a history file, in this order.
pub const COLUMNS: [&str; 7] = ["date", "project", "organization", "role", "person", "action", "with"];

/// The largest history file: a province's twenty years (the 100,000-project demo city is about 300 MB).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// The most rows a history file may hold.
pub const MAX_ROWS: usize = 5_000_000;

/// The longest `with` cell, in bytes: the longest command (a registration with its documents) is a few KB.
pub const MAX_WITH_BYTES: usize = 64 * 1024;

/// The most errors listed: a file with a wrong column has one in every row.
const MAX_ERRORS: usize = 100;

/// A project number that stands in for the projects a row names while its parameters are checked: any
/// well-formed number, since only the command's shape is checked then.
const PLACEHOLDER: &str = "wuhan-2000-0001";

/// Why a history file was not imported. Nothing was written, except after [`HistoryError::Interrupted`].
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// Rows that do not read: the row (as a spreadsheet numbers it, the header being row 1), column, reason;
    /// `more` when there were more than those listed.
    #[error("历史记录文件有{}{}处错误", if *more { "超过" } else { "" }, errors.len())]
    Invalid { errors: Vec<CellError>, more: bool },
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("历史记录文件超过{} MiB", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge,
    /// The store already holds decisions.
    #[error("历史记录只能导入尚无项目记录的系统(已有{decisions}条决定记录)")]
    NotEmpty { decisions: i64 },
    /// A row the regulation refuses (with its articles), found while rehearsing: nothing written.
    #[error("第{row}行({action} {date})未能导入:{reason}")]
    Refused { row: u32, date: Date, action: &'static str, reason: String },
    /// The real run stopped after the rehearsal had accepted every row: the database failed, or another
    /// process wrote to it meanwhile. What was written stays (the log is never rewritten): `written` says how
    /// much, where it could be read.
    #[error("导入中断,{}历史不完整:请恢复导入前的备份后再导入(原因:{reason})", written_text(*written))]
    Interrupted { written: Option<i64>, reason: String },
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<govit_store::StoreError> for HistoryError {
    fn from(e: govit_store::StoreError) -> HistoryError {
        HistoryError::App(e.into())
    }
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryReport {
    pub rows: usize,
    pub projects: usize,
    pub events: i64,
    /// The file's SM3 digest (lowercase hex), as the security log records it.
    pub sm3: String,
}

/// A history file read and checked: the steps to play, and the row, date and action of each.
struct History {
    steps: Vec<Step>,
    rows: Vec<(u32, Date, Action)>,
    projects: usize,
}

impl App {
    /// Imports the history file `bytes` as the 系统管理员 `operator`: read and checked whole, rehearsed on a
    /// scratch store, then played on this one; all rows or none. `progress` hears (rows played, rows in all)
    /// of the real run.
    pub async fn import_history(
        &self,
        operator: &Actor,
        bytes: &[u8],
        mut progress: impl FnMut(usize, usize),
    ) -> Result<HistoryReport, HistoryError> {
        self.administering(operator, Administration::ImportHistory).await?;
        if u64::try_from(bytes.len()).map_or(true, |n| n > MAX_FILE_BYTES) {
            return Err(HistoryError::TooLarge);
        }
        self.nothing_decided().await?;
        let organizations = self.store().organizations().await?;
        let History { steps, rows, projects } = self.read_history(bytes, &organizations).await?;
        // The key personal data is sealed with, made now as the real run would make it: the rehearsal must
        // not be the one to create it.
        if let Some(ring) = &self.personal {
            ring.ensure_current()?;
        }
        let rehearsal = self.rehearsal(Store::open_memory().await?);
        let now = self.clock().now().to_rfc3339();
        for org in &organizations {
            let (kind, duty) = (org.owner_kind.as_deref(), org.duty.as_deref());
            let store = rehearsal.store();
            store.insert_organization(&org.name, &org.jurisdiction, kind, duty, &now).await?;
        }
        let rehearsed = playback::play(&rehearsal, steps.clone(), None, &mut |_, _| ()).await;
        rehearsal.store().close().await;
        rehearsed.map_err(|stopped| match stopped {
            Stopped::Fault(e) => HistoryError::App(e),
            Stopped::Step { index, reason, .. } => {
                let (row, date, action) = rows.get(index).copied().unwrap_or((0, Date::MIN, Action::RegisterProject));
                HistoryError::Refused { row, date, action: action.label(), reason }
            }
        })?;
        // Rehearsing a large file takes a while: a decision written meanwhile would mix into the history.
        self.nothing_decided().await?;
        let count = steps.len();
        if let Err(stopped) = playback::play(self, steps, None, &mut progress).await {
            let reason = match stopped {
                Stopped::Step { index, reason, .. } => format!("第{}行:{reason}", rows.get(index).map_or(0, |r| r.0)),
                Stopped::Fault(e) => e.to_string(),
            };
            let written = self.store().decision_count().await.ok();
            tracing::error!(?written, %reason, "history import interrupted after its rehearsal");
            return Err(HistoryError::Interrupted { written, reason });
        }
        let sm3 = hex::encode(Sm3::digest(bytes));
        let detail = format!("导入历史记录{count}行({projects}个项目),文件SM3 {sm3}");
        self.record_security_by(operator, "history_imported", "", detail).await?;
        Ok(HistoryReport { rows: count, projects, events: self.store().decision_count().await?, sm3 })
    }

    async fn nothing_decided(&self) -> Result<(), HistoryError> {
        match self.store().decision_count().await? {
            0 => Ok(()),
            decisions => Err(HistoryError::NotEmpty { decisions }),
        }
    }

    /// Reads every row of `bytes`, resolving units, roles, persons and project references and checking each
    /// command's parameters; every error found (up to [`MAX_ERRORS`]) is listed.
    async fn read_history(&self, bytes: &[u8], organizations: &[OrganizationRow]) -> Result<History, HistoryError> {
        let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text);
        let headers = reader.headers().map_err(|e| only(1, "表头", unreadable(&e)))?.clone();
        if headers.iter().map(str::trim).ne(COLUMNS) {
            let found = headers.iter().collect::<Vec<_>>().join(",");
            return Err(only(1, "表头", format!("表头须为 {}(实为 {})", COLUMNS.join(","), clip(&found))));
        }
        let units = organizations.iter().map(|o| (o.name.as_str(), o)).collect();
        let today = self.clock().today();
        let mut reading = Reading { app: self, units, today, refs: HashMap::new(), actors: HashMap::new(), last: None };
        let (mut steps, mut rows, mut errors) = (Vec::new(), Vec::new(), Vec::new());
        // Rows as a spreadsheet numbers them: the header is row 1, whatever line breaks a quoted cell holds.
        for (record, row) in reader.records().zip(2u32..) {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    errors.push(cell(row, "整行", unreadable(&e)));
                    break;
                }
            };
            if steps.len() >= MAX_ROWS {
                errors.push(cell(row, "整行", format!("历史记录最多{MAX_ROWS}行")));
                break;
            }
            if record.len() != COLUMNS.len() {
                errors.push(cell(row, "整行", format!("列数应为{},实为{}", COLUMNS.len(), record.len())));
            } else {
                let cells: [&str; 7] = std::array::from_fn(|i| record.get(i).unwrap_or_default().trim());
                match reading.step(cells).await? {
                    Ok((step, action)) => {
                        rows.push((row, step.on, action));
                        steps.push(step);
                    }
                    Err((column, reason)) => errors.push(cell(row, column, reason)),
                }
            }
            if errors.len() > MAX_ERRORS {
                break;
            }
        }
        if steps.is_empty() && errors.is_empty() {
            errors.push(cell(2, "整行", "文件中没有历史记录".to_owned()));
        }
        if !errors.is_empty() {
            let more = errors.len() > MAX_ERRORS;
            errors.truncate(MAX_ERRORS);
            return Err(HistoryError::Invalid { errors, more });
        }
        Ok(History { steps, rows, projects: reading.refs.len() })
    }

    /// A second application on `store` with this one's policies, clock and keys: where an import is rehearsed.
    fn rehearsal(&self, store: Store) -> App {
        let mut app = App::new(store, (*self.policies).clone(), self.clock.clone());
        app.personal = self.personal.clone();
        app
    }
}

/// The rows read so far: the units on record, the projects registered, the actors met, the last date.
struct Reading<'a> {
    app: &'a App,
    units: HashMap<&'a str, &'a OrganizationRow>,
    today: Date,
    /// Each project reference registered so far, and its place among the file's projects.
    refs: HashMap<String, usize>,
    actors: HashMap<[String; 3], Arc<Actor>>,
    last: Option<Date>,
}

impl Reading<'_> {
    /// The step of one row (`date, project, organization, role, person, action, with`) and its action, or
    /// the first of its cells that does not read and why. The outer error is the store's.
    async fn step(&mut self, cells: [&str; 7]) -> Result<Result<(Step, Action), (&'static str, String)>, AppError> {
        let [date, project, organization, role, person, action, with] = cells;
        let on = match self.date(date) {
            Ok(on) => on,
            Err(reason) => return Ok(Err(("date", reason))),
        };
        let Some(action) = Action::from_code(action) else {
            return Ok(Err(("action", format!("没有代码为“{}”的事项", clip(action)))));
        };
        if action.is_electronic_supervision() {
            let reason = format!("“{}”是本系统电子监察的事项,不属于此前的记录", action.label());
            return Ok(Err(("action", reason)));
        }
        let Some(role) = Role::from_code(role) else {
            return Ok(Err(("role", format!("没有代码为“{}”的角色", clip(role)))));
        };
        let actor = match self.actor(organization, role, person).await? {
            Ok(actor) => actor,
            Err(fault) => return Ok(Err(fault)),
        };
        let read = parameters(with).and_then(|mut with| {
            let others = self.others(action, &mut with)?;
            let held_to = self.record(action, &actor, &mut with)?;
            Ok((with, others, held_to))
        });
        let (with, others, held_to) = match read {
            Ok(read) => read,
            Err(reason) => return Ok(Err(("with", reason))),
        };
        let story = match self.project(action, project) {
            Ok(story) => story,
            Err(reason) => return Ok(Err(("project", reason))),
        };
        // The command's shape now, with stand-ins for the projects it names, rather than when it is played.
        let mut probe = with.clone();
        if story.is_some() && !registers(action.code()) {
            probe.insert("project".to_owned(), Value::from(PLACEHOLDER));
        }
        if !others.is_empty() {
            let key = if action == Action::MergeProposals { "merged" } else { "exclude" };
            probe.insert(key.to_owned(), Value::from(vec![PLACEHOLDER; others.len()]));
        }
        if let Err(e) = draft::build(action, probe, role, held_to.as_ref()) {
            return Ok(Err(("with", fields(e.fields()))));
        }
        let with = Value::Object(with).to_string();
        let about = project.to_owned();
        Ok(Ok((Step { on, actor, action: action.code(), with, story, others, about, held_to }, action)))
    }

    /// The row's date: a calendar date, not before the row above it, not after today.
    fn date(&mut self, text: &str) -> Result<Date, String> {
        let on =
            Date::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("“{}”不是日期(应如 2023-03-15)", clip(text)))?;
        if on > self.today {
            return Err(format!("{on}晚于今天({}),历史记录只记已经发生的事", self.today));
        }
        if let Some(last) = self.last.filter(|last| on < *last) {
            return Err(format!("须按日期先后排列:{on}早于上一行的{last}"));
        }
        self.last = Some(on);
        Ok(on)
    }

    /// Who acted: `organization` on record, in a `role` it may act in [2][9], and the account `person`
    /// (of that unit, holding that role) when the row names one; or the column at fault and why.
    async fn actor(
        &mut self,
        organization: &str,
        role: Role,
        person: &str,
    ) -> Result<Result<Arc<Actor>, (&'static str, String)>, AppError> {
        let key = [organization.to_owned(), role.code().to_owned(), person.to_owned()];
        if let Some(actor) = self.actors.get(&key) {
            return Ok(Ok(actor.clone()));
        }
        let Some(org) = self.units.get(organization) else {
            let reason = format!("“{}”不是本系统登记的单位(须先由系统管理员新建)", clip(organization));
            return Ok(Err(("organization", reason)));
        };
        let standing = crate::administration::standing(org);
        let fits = match role {
            Role::Owner => standing.owns_projects,
            role => standing.duty == Some(role),
        };
        if !fits {
            return Ok(Err(("role", format!("“{organization}”不以“{}”的身份办理事项", role.label()))));
        }
        let actor = if person.is_empty() {
            let organization = OrgName::parse(&org.name).map_err(AppError::internal)?;
            let jurisdiction = JurisdictionId::parse(&org.jurisdiction).map_err(AppError::internal)?;
            Actor { role, organization, jurisdiction, person: None }
        } else {
            let actor = match self.app.account_actor(person, Some(role)).await {
                Ok(actor) => actor,
                Err(AppError::Invalid { reason, .. }) => return Ok(Err(("person", reason))),
                Err(e) => return Err(e),
            };
            if actor.organization.as_str() != organization {
                let reason = format!("账号“{person}”属于“{}”,不属于“{organization}”", actor.organization);
                return Ok(Err(("person", reason)));
            }
            actor
        };
        let actor = Arc::new(actor);
        self.actors.insert(key, actor.clone());
        Ok(Ok(actor))
    }

    /// The projects a plan decision names besides its own (`exclude` of a plan review, `merged` of a merger
    /// [7]), by their references, taken out of `with`: playback puts their numbers back.
    fn others(&self, action: Action, with: &mut Map<String, Value>) -> Result<Vec<usize>, String> {
        let key = if action == Action::MergeProposals { "merged" } else { "exclude" };
        let Some(list) = with.remove(key) else { return Ok(Vec::new()) };
        let Value::Array(list) = list else { return Err(format!("{key} 须为项目编号的列表")) };
        list.iter()
            .map(|reference| {
                let reference = reference.as_str().ok_or_else(|| format!("{key} 须为项目编号的列表"))?;
                self.refs
                    .get(reference)
                    .copied()
                    .ok_or_else(|| format!("{key} 中的项目“{}”在此前的行中尚未登记", clip(reference)))
            })
            .collect()
    }

    /// The unit a new project is held to [2][9]: the acting unit for an owner's registration, the unit named
    /// for a task the plan's reviewer assigns [7].
    fn record(
        &self,
        action: Action,
        actor: &Actor,
        with: &mut Map<String, Value>,
    ) -> Result<Option<OrgRecord>, String> {
        let name = match action {
            Action::RegisterProject if actor.role == Role::Owner => actor.organization.clone(),
            Action::AssignProject => draft::assigned_owner(with).map_err(|e| fields(e.fields()))?,
            _ => return Ok(None),
        };
        let org = self.units.get(name.as_str()).ok_or_else(|| not_on_record(&name))?;
        org_record(name, org).map(Some).map_err(|e| e.to_string())
    }

    /// The story of the row's project: a new one for a registration or an assigned task (the reference is
    /// then given to it), the one an earlier row registered otherwise, none where the column is empty.
    fn project(&mut self, action: Action, reference: &str) -> Result<Option<usize>, String> {
        if reference.chars().count() > 100 {
            return Err("项目编号最长100个字符".to_owned());
        }
        let registers = registers(action.code());
        match (registers, reference.is_empty(), self.refs.get(reference)) {
            (true, true, _) => Err(format!("{}须写明项目编号(本文件中的编号,后续各行以它指称该项目)", action.label())),
            (true, false, Some(_)) => Err(format!("项目“{reference}”已在此前的行中登记")),
            (true, false, None) => {
                let story = self.refs.len();
                self.refs.insert(reference.to_owned(), story);
                Ok(Some(story))
            }
            (false, true, _) => Ok(None),
            (false, false, Some(story)) => Ok(Some(*story)),
            (false, false, None) => Err(format!("项目“{reference}”在此前的行中尚未登记")),
        }
    }
}

/// The `with` cell: a JSON object of the action's parameters (empty for none), without `project`.
fn parameters(text: &str) -> Result<Map<String, Value>, String> {
    if text.len() > MAX_WITH_BYTES {
        return Err(format!("参数最长{}KB", MAX_WITH_BYTES / 1024));
    }
    if text.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(with)) if with.contains_key("project") => Err("项目写在 project 列,不写在参数中".to_owned()),
        Ok(Value::Object(with)) => Ok(with),
        Ok(_) => Err("参数须为JSON对象,如 {\"name\":\"…\"}".to_owned()),
        Err(e) => Err(format!("参数不是有效的JSON:{e}")),
    }
}

fn cell(row: u32, column: &str, reason: String) -> CellError {
    CellError { row, column: column.to_owned(), reason }
}

fn only(row: u32, column: &str, reason: String) -> HistoryError {
    HistoryError::Invalid { errors: vec![cell(row, column, reason)], more: false }
}

fn written_text(written: Option<i64>) -> String {
    written.map_or_else(String::new, |n| format!("系统中已写入{n}条决定记录,"))
}

/// Why the CSV reader stopped, in words.
fn unreadable(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "不是UTF-8编码的文本".to_owned(),
        csv::ErrorKind::Io(e) => format!("无法读取:{e}"),
        _ => "不是有效的CSV(引号不成对或格式有误)".to_owned(),
    }
}

/// A cell quoted in a message, cut to 40 characters: an error list must not echo a whole file back.
fn clip(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
