//! Playback: the script's steps played in date order through [`App::execute`], as the city lived them.

use super::bug;
use crate::{App, AppError, CommandRequest, Executed};
use govit_rules::command::Action;
use govit_rules::draft;
use govit_rules::{Actor, Date, ProjectId, Rejection};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One command to play, on a date, by someone.
#[derive(Debug)]
pub(super) struct Step {
    pub(super) on: Date,
    pub(super) actor: Arc<Actor>,
    pub(super) action: &'static str,
    /// The command's `with`, as JSON text: a city of 100,000 projects has two million steps to hold.
    pub(super) with: String,
    /// The story whose project the step acts on: its number exists only once it is registered.
    pub(super) story: Option<usize>,
    /// Stories a plan review leaves out, or merged into the step's story [7].
    pub(super) others: Vec<usize>,
    pub(super) about: String,
}

/// Steps handed to the writer together at most: a few of its batches.
const CHUNK: usize = 1_024;

/// Plays the steps through [`App::execute_all`], in their order, a chunk at a time so that the writer commits
/// them in batches; a step the rules do not accept is a bug in the demo. A chunk ends before a step that
/// needs a project number its own chunk has yet to give (a registration earlier in the chunk), and before the
/// first step on or after a day the 电子监察 run is played ([`sweep_after`]); the run is played once more on
/// `today`. A ranking's publication is played alone, once all before it is written: its table is computed
/// from the record when it is prepared.
pub(super) async fn play(
    app: &App,
    steps: Vec<Step>,
    today: Date,
    progress: &mut impl FnMut(usize, usize),
) -> Result<(), AppError> {
    let mut ids: BTreeMap<usize, ProjectId> = BTreeMap::new();
    let total = steps.len();
    let mut chunk: Vec<(String, Step, CommandRequest)> = Vec::new();
    let mut registering: Vec<usize> = Vec::new();
    // The last year of the city's history has its cards (what this year's rankings count); before it, a large
    // city would rebuild its index for every run for no figure anyone reads.
    let year_ago = today.checked_sub_days(chrono::Days::new(366)).unwrap_or(today);
    let mut sweep = steps.first().map(|s| sweep_after(s.on.max(year_ago)));
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
        let what = format!("第{}步({} {} {})", n + 1, step.on, step.about, step.action);
        let request = request(&step, &ids, &what)?;
        if let Some(i) = step.story.filter(|_| registers(step.action)) {
            registering.push(i);
        }
        chunk.push((what, step, request));
        if alone {
            run(app, std::mem::take(&mut chunk), &mut ids, &mut |k| progress(n + 1 - k, total)).await?;
        }
    }
    run(app, chunk, &mut ids, &mut |k| progress(total - k, total)).await?;
    while let Some(day) = sweep.filter(|day| *day < today) {
        app.issue_cards(day).await?;
        sweep = Some(sweep_after(day));
    }
    app.issue_cards(today).await?;
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
fn registers(action: &str) -> bool {
    matches!(action, "register_project" | "assign_project")
}

/// The command of `step`, with the numbers of the projects it names.
fn request(step: &Step, ids: &BTreeMap<usize, ProjectId>, what: &str) -> Result<CommandRequest, AppError> {
    let id = |i: &usize| ids.get(i).map(|id| json!(id.as_str())).ok_or_else(|| bug(format!("{what}:项目尚未登记")));
    let mut with: Value = serde_json::from_str(&step.with).map_err(|e| bug(format!("{what}:{e}")))?;
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
    // The demo city declares its organisations in its own tables: the one builder, with no other record.
    let action =
        Action::from_code(step.action).ok_or_else(|| bug(format!("{what}:没有名为“{}”的事项", step.action)))?;
    let with = match with {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let command =
        draft::build(action, with, step.actor.role, None).map_err(|e| bug(format!("{what}:{:?}", e.fields())))?;
    Ok(CommandRequest { actor: (*step.actor).clone(), on: step.on, command, request_id: None, attachments: Vec::new() })
}

/// Executes a chunk in order and notes the numbers its registrations were given; `played` hears, after each
/// step, how many of the chunk's steps are still to come.
async fn run(
    app: &App,
    chunk: Vec<(String, Step, CommandRequest)>,
    ids: &mut BTreeMap<usize, ProjectId>,
    played: &mut impl FnMut(usize),
) -> Result<(), AppError> {
    let (described, requests): (Vec<(String, Step)>, Vec<CommandRequest>) =
        chunk.into_iter().map(|(what, step, request)| ((what, step), request)).unzip();
    let mut left = described.len();
    for ((what, step), outcome) in described.into_iter().zip(app.execute_all(requests).await) {
        left -= 1;
        played(left);
        let outcome = outcome.map_err(|e| match e {
            AppError::Store(_) => e,
            other => bug(format!("{what}:{other}")),
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
                return Err(bug(format!("{what}被拒绝:{why}")));
            }
        }
    }
    Ok(())
}
