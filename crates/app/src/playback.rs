//! Playback: dated steps of many projects played in date order through [`App::execute_all`], as the city
//! lived them, on the writer's bulk path. The demo city's script and a city's imported history
//! ([`crate::exchange::history`]) are both played here, so both go through the rules step by step.

use crate::{App, AppError, CommandRequest, Executed};
use govit_rules::command::Action;
use govit_rules::draft;
use govit_rules::{Actor, Date, ProjectId, Rejection};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One command to play, on a date, by someone.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) on: Date,
    pub(crate) actor: Arc<Actor>,
    pub(crate) action: &'static str,
    /// The command's `with`, as JSON text: a city of 100,000 projects has two million steps to hold.
    pub(crate) with: String,
    /// The story whose project the step acts on: its number exists only once it is registered.
    pub(crate) story: Option<usize>,
    /// Stories a plan review leaves out, or merged into the step's story [7].
    pub(crate) others: Vec<usize>,
    /// What the step is about, for messages (the project's name).
    pub(crate) about: String,
    /// The record a registration is held to [2][9], where the organisations are on record (an imported
    /// history); the demo city declares its own.
    pub(crate) held_to: Option<draft::OrgRecord>,
}

/// Why playback stopped: a step that could not be played (its place in the steps, what it was — date,
/// subject, action — and why: refused by the rules, a project not yet registered, a command that does not
/// build), or a fault of the store.
#[derive(Debug)]
pub(crate) enum Stopped {
    Step { index: usize, what: String, reason: String },
    Fault(AppError),
}

impl From<AppError> for Stopped {
    fn from(e: AppError) -> Stopped {
        Stopped::Fault(e)
    }
}

impl Step {
    /// The step in words, for a message: its date, what it is about and its action.
    fn what(&self) -> String {
        format!("{} {} {}", self.on, self.about, self.action)
    }
}

/// Steps handed to the writer together at most: several of its batches. Measured on the 10,000-project demo:
/// 1,024 took 27.0, 27.3 and 28.7 s; 4,096 took 22.9, 24.2 and 27.1 s (and about 20 s once).
const CHUNK: usize = 4_096;

/// Plays the steps through [`App::execute_all`], in their order, a chunk at a time so that the writer commits
/// them in batches, and stops at the first step that cannot be played. A chunk ends before a step that needs
/// a project number its own chunk has yet to give (a registration earlier in the chunk), and, when `cards_to`
/// is given, before the first step on or after a day the 电子监察 run is played ([`sweep_after`]); the run is
/// then played once more on that day. A ranking's publication is played alone, once all before it is
/// written: its table is computed from the record when it is prepared.
pub(crate) async fn play(
    app: &App,
    steps: Vec<Step>,
    cards_to: Option<Date>,
    progress: &mut impl FnMut(usize, usize),
) -> Result<(), Stopped> {
    let mut ids: BTreeMap<usize, ProjectId> = BTreeMap::new();
    let total = steps.len();
    let mut chunk: Vec<(usize, Step, CommandRequest)> = Vec::new();
    let mut registering: Vec<usize> = Vec::new();
    // The last year of the city's history has its cards (what this year's rankings count); before it, a large
    // city would rebuild its index for every run for no figure anyone reads.
    let year_ago = cards_to.and_then(|today| today.checked_sub_days(chrono::Days::new(366)));
    let mut sweep = year_ago.and_then(|year_ago| steps.first().map(|s| sweep_after(s.on.max(year_ago))));
    for (n, step) in steps.into_iter().enumerate() {
        let waits = step.story.iter().chain(&step.others).any(|i| registering.contains(i) && !registers(step.action));
        let sweeps = sweep.is_some_and(|day| step.on >= day);
        // A ranking is computed from the record when it is published: everything before it is written first.
        let alone = step.action == "publish_ranking";
        if waits || sweeps || alone || chunk.len() >= CHUNK {
            run(app, std::mem::take(&mut chunk), &mut ids, &mut |k| progress(n - k, total)).await?;
            registering.clear();
        }
        while let Some(day) = sweep.filter(|day| step.on >= *day) {
            app.issue_cards(day).await?;
            sweep = Some(sweep_after(day));
        }
        let request = request(&step, &ids).map_err(|reason| Stopped::Step { index: n, what: step.what(), reason })?;
        if let Some(i) = step.story.filter(|_| registers(step.action)) {
            registering.push(i);
        }
        chunk.push((n, step, request));
        if alone {
            run(app, std::mem::take(&mut chunk), &mut ids, &mut |k| progress(n + 1 - k, total)).await?;
        }
    }
    run(app, chunk, &mut ids, &mut |k| progress(total - k, total)).await?;
    if let Some(today) = cards_to {
        while let Some(day) = sweep.filter(|day| *day < today) {
            app.issue_cards(day).await?;
            sweep = Some(sweep_after(day));
        }
        app.issue_cards(today).await?;
    }
    progress(total, total);
    Ok(())
}

/// The next day after `on` the demo plays the 电子监察 run: the 1st and the 16th of each month. The server runs
/// it daily; twice a month keeps a history of yellow cards (15 days before a month's end is the 16th) and red
/// ones without refreshing a large city's index every day.
fn sweep_after(on: Date) -> Date {
    use chrono::Datelike;
    if on.day() < 16 {
        on.with_day(16).unwrap_or(on)
    } else {
        let first = on.with_day(1).unwrap_or(on);
        first.checked_add_months(chrono::Months::new(1)).unwrap_or(on)
    }
}

/// Whether the action gives its story a new project: an owner's registration, or a task the bureau assigns [7].
pub(crate) fn registers(action: &str) -> bool {
    matches!(action, "register_project" | "assign_project")
}

/// The command of `step`, with the numbers of the projects it names; or why it cannot be built.
fn request(step: &Step, ids: &BTreeMap<usize, ProjectId>) -> Result<CommandRequest, String> {
    let id = |i: &usize| ids.get(i).map(|id| json!(id.as_str())).ok_or_else(|| "项目尚未登记".to_owned());
    let mut with: Value = serde_json::from_str(&step.with).map_err(|e| e.to_string())?;
    if let Some(i) = step.story
        && !registers(step.action)
        && let Some(map) = with.as_object_mut()
    {
        map.insert("project".to_owned(), id(&i)?);
    }
    if !step.others.is_empty()
        && let Some(map) = with.as_object_mut()
    {
        let key = if step.action == "merge_proposals" { "merged" } else { "exclude" };
        map.insert(key.to_owned(), step.others.iter().map(id).collect::<Result<Value, _>>()?);
    }
    // The one builder of every front end, held to the unit on record where the step carries it.
    let action = Action::from_code(step.action).ok_or_else(|| format!("没有名为“{}”的事项", step.action))?;
    let with = match with {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let command = draft::build(action, with, step.actor.role, step.held_to.as_ref()).map_err(|e| fields(e.fields()))?;
    Ok(CommandRequest { actor: (*step.actor).clone(), on: step.on, command, request_id: None, attachments: Vec::new() })
}

/// Executes a chunk in order and notes the numbers its registrations were given; `played` hears, after each
/// step, how many of the chunk's steps are still to come.
async fn run(
    app: &App,
    chunk: Vec<(usize, Step, CommandRequest)>,
    ids: &mut BTreeMap<usize, ProjectId>,
    played: &mut impl FnMut(usize),
) -> Result<(), Stopped> {
    let (described, requests): (Vec<(usize, Step)>, Vec<CommandRequest>) =
        chunk.into_iter().map(|(n, step, request)| ((n, step), request)).unzip();
    let mut left = described.len();
    for ((index, step), outcome) in described.into_iter().zip(app.execute_all(requests).await) {
        left -= 1;
        played(left);
        let outcome = outcome.map_err(|e| match e {
            AppError::Store(_) => Stopped::Fault(e),
            other => Stopped::Step { index, what: step.what(), reason: other.to_string() },
        })?;
        match outcome {
            Executed::Done { project, .. } => {
                if let (Some(i), Some(project), true) = (step.story, project, registers(step.action)) {
                    ids.insert(i, project);
                }
            }
            Executed::Rejected { rejection } => {
                let why = match rejection {
                    Rejection::Forbidden(f) => f.message,
                    Rejection::Refused(r) => r.to_string(),
                };
                return Err(Stopped::Step { index, what: step.what(), reason: format!("不予受理:{why}") });
            }
        }
    }
    Ok(())
}

/// A builder's field errors in one line.
pub(crate) fn fields(errors: &draft::FieldErrors) -> String {
    errors.iter().map(|(field, reason)| format!("{field}:{reason}")).collect::<Vec<_>>().join(";")
}
