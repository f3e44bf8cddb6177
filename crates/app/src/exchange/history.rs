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
use crate::playback::{self, Step, Stopped, fields};
use crate::{App, AppError};
use govit_rules::authz::Administration;
use govit_rules::draft::{self, OrgRecord};
use govit_rules::vocab::OwnerKind;
use govit_rules::{Action, Actor, Date, JurisdictionId, OrgName, Role};
use govit_store::{OrganizationRow, Store};
use serde::Serialize;
use serde_json::{Map, Value};
use sm3::{Digest, Sm3};
use std::collections::HashMap;
use std::sync::Arc;

/// The columns of a history file, in this order.
pub const COLUMNS: [&str; 7] = ["date", "project", "organization", "role", "person", "action", "with"];

/// The most rows a history file may hold: a province's twenty years, with room.
pub const MAX_ROWS: usize = 5_000_000;

/// The longest `with` cell, in bytes: the longest command (a registration with its documents) is a few KB.
pub const MAX_WITH_BYTES: usize = 64 * 1024;

/// The most errors listed: a file with a wrong column has one in every row.
const MAX_ERRORS: usize = 100;

/// Why a history file was not imported. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// Rows that do not read: the row (as a spreadsheet numbers it, the header being row 1), column, reason.
    #[error("历史记录文件有{}处错误", errors.len())]
    Invalid { errors: Vec<CellError> },
    /// The store already holds decisions.
    #[error("历史记录只能导入尚无项目记录的系统(已有{decisions}条决定记录)")]
    NotEmpty { decisions: i64 },
    /// A row that could not be played: refused by the regulation (with its articles), or naming a project
    /// no earlier row registered.
    #[error("第{row}行({action} {date})未能导入:{reason}")]
    Refused { row: u32, date: Date, action: &'static str, reason: String },
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

/// A history file read and checked: the steps to play and where each came from.
struct History {
    steps: Vec<Step>,
    /// The file's row of each step.
    rows: Vec<u32>,
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
        let decisions = self.store().decision_count().await?;
        if decisions > 0 {
            return Err(HistoryError::NotEmpty { decisions });
        }
        let organizations = self.store().organizations().await?;
        let history = self.read_history(bytes, &organizations).await?;
        let rehearsal = self.rehearsal(Store::open_memory().await?);
        let now = self.clock().now().to_rfc3339();
        for org in &organizations {
            let (kind, duty) = (org.owner_kind.as_deref(), org.duty.as_deref());
            let store = rehearsal.store();
            store.insert_organization(&org.name, &org.jurisdiction, kind, duty, &now).await?;
        }
        let rehearsed = history.play(&rehearsal, history.steps.clone(), &mut |_, _| ()).await;
        rehearsal.store().close().await;
        rehearsed?;
        history.play(self, history.steps.clone(), &mut progress).await?;
        let sm3 = hex::encode(Sm3::digest(bytes));
        let (rows, projects) = (history.steps.len(), history.projects);
        let detail = format!("导入历史记录{rows}行({projects}个项目),文件SM3 {sm3}");
        self.record_security_by(operator, "history_imported", "", detail).await?;
        Ok(HistoryReport { rows, projects, events: self.store().decision_count().await?, sm3 })
    }

    /// Reads every row of `bytes`, resolving units, roles, persons and project references; every error found
    /// (up to [`MAX_ERRORS`]) is listed.
    async fn read_history(&self, bytes: &[u8], organizations: &[OrganizationRow]) -> Result<History, HistoryError> {
        let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text);
        let headers = reader.headers().map_err(|e| only(1, "表头", format!("无法读取:{e}")))?.clone();
        if headers.iter().map(str::trim).ne(COLUMNS) {
            let found = headers.iter().collect::<Vec<_>>().join(",");
            return Err(only(1, "表头", format!("表头须为 {}(实为 {found})", COLUMNS.join(","))));
        }
        let units = organizations.iter().map(|o| (o.name.as_str(), o)).collect();
        let today = self.clock().today();
        let mut reading = Reading { app: self, units, today, refs: HashMap::new(), actors: HashMap::new(), last: None };
        let (mut steps, mut rows, mut errors) = (Vec::new(), Vec::new(), Vec::new());
        for record in reader.records() {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    errors.push(cell(line(e.position()), "", format!("无法读取:{e}")));
                    break;
                }
            };
            let row = line(record.position());
            if steps.len() >= MAX_ROWS {
                errors.push(cell(row, "", format!("历史记录最多{MAX_ROWS}行")));
                break;
            }
            let cells: [&str; 7] = std::array::from_fn(|i| record.get(i).unwrap_or_default().trim());
            match reading.step(row, cells).await? {
                Ok(step) => {
                    steps.push(step);
                    rows.push(row);
                }
                Err(e) => errors.push(e),
            }
            if errors.len() >= MAX_ERRORS {
                break;
            }
        }
        if steps.is_empty() && errors.is_empty() {
            errors.push(cell(2, "", "文件中没有历史记录".to_owned()));
        }
        if !errors.is_empty() {
            return Err(HistoryError::Invalid { errors });
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

impl History {
    /// Plays `steps` (this history's, or a copy) on `app`: a step that cannot be played is named by its row.
    async fn play(
        &self,
        app: &App,
        steps: Vec<Step>,
        progress: &mut impl FnMut(usize, usize),
    ) -> Result<(), HistoryError> {
        playback::play(app, steps, None, progress).await.map_err(|stopped| match stopped {
            Stopped::Fault(e) => HistoryError::App(e),
            Stopped::Step { index, reason } => {
                let (row, step) = (self.rows.get(index).copied().unwrap_or(0), self.steps.get(index));
                let date = step.map_or(Date::MIN, |s| s.on);
                let action = step.and_then(|s| Action::from_code(s.action)).map_or("", Action::label);
                HistoryError::Refused { row, date, action, reason }
            }
        })
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
    /// The step of one row (`date, project, organization, role, person, action, with`), or the first of its
    /// cells that does not read. The outer error is the store's.
    async fn step(&mut self, row: u32, cells: [&str; 7]) -> Result<Result<Step, CellError>, AppError> {
        let [date, project, organization, role, person, action, with] = cells;
        let on = match self.date(date) {
            Ok(on) => on,
            Err(reason) => return Ok(Err(cell(row, "date", reason))),
        };
        let Some(action) = Action::from_code(action) else {
            return Ok(Err(cell(row, "action", format!("没有代码为“{action}”的事项"))));
        };
        let Some(role) = Role::from_code(role) else {
            return Ok(Err(cell(row, "role", format!("没有代码为“{role}”的角色"))));
        };
        let actor = match self.actor(organization, role, person).await? {
            Ok(actor) => actor,
            Err((column, reason)) => return Ok(Err(cell(row, column, reason))),
        };
        let mut with = match parameters(with) {
            Ok(with) => with,
            Err(reason) => return Ok(Err(cell(row, "with", reason))),
        };
        let others = match self.others(action, &mut with) {
            Ok(others) => others,
            Err(reason) => return Ok(Err(cell(row, "with", reason))),
        };
        let held_to = match self.record(action, &actor, &mut with) {
            Ok(record) => record,
            Err(reason) => return Ok(Err(cell(row, "with", reason))),
        };
        let story = match self.project(action, project) {
            Ok(story) => story,
            Err(reason) => return Ok(Err(cell(row, "project", reason))),
        };
        let with = Value::Object(with).to_string();
        let about = project.to_owned();
        Ok(Ok(Step { on, actor, action: action.code(), with, story, others, about, held_to }))
    }

    /// The row's date: a calendar date, not before the row above it, not after today.
    fn date(&mut self, text: &str) -> Result<Date, String> {
        let on = Date::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("“{text}”不是日期(应如 2023-03-15)"))?;
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
            return Ok(Err(("organization", format!("“{organization}”不是本系统登记的单位(须先由系统管理员新建)"))));
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
                    .ok_or_else(|| format!("{key} 中的项目“{reference}”在此前的行中尚未登记"))
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
        let Some(org) = self.units.get(name.as_str()) else {
            return Err(format!("“{name}”不是本系统登记的单位,不能向其下达建设任务"));
        };
        let kind = org.owner_kind.as_deref().and_then(OwnerKind::from_code);
        Ok(Some(OrgRecord { name, kind, jurisdiction: actor_jurisdiction(org)? }))
    }

    /// The story of the row's project: a new one for a registration or an assigned task (the reference is
    /// then given to it), the one an earlier row registered otherwise, none where the column is empty.
    fn project(&mut self, action: Action, reference: &str) -> Result<Option<usize>, String> {
        if reference.chars().count() > 100 {
            return Err("项目编号最长100个字符".to_owned());
        }
        let registers = matches!(action, Action::RegisterProject | Action::AssignProject);
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

fn actor_jurisdiction(org: &OrganizationRow) -> Result<JurisdictionId, String> {
    JurisdictionId::parse(&org.jurisdiction).map_err(|e| format!("单位“{}”的辖区有误:{e}", org.name))
}

fn cell(row: u32, column: &str, reason: String) -> CellError {
    CellError { row, column: column.to_owned(), reason }
}

fn only(row: u32, column: &str, reason: String) -> HistoryError {
    HistoryError::Invalid { errors: vec![cell(row, column, reason)] }
}

/// The file's line of a record (the header is line 1).
fn line(position: Option<&csv::Position>) -> u32 {
    position.map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX))
}
