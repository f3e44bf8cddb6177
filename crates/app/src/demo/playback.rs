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
    /// Stories a plan review leaves out [7].
    pub(super) exclude: Vec<usize>,
    pub(super) about: String,
}

/// Plays the steps through [`App::execute`]; a step the rules do not accept is a bug in the demo.
pub(super) async fn play(app: &App, steps: Vec<Step>, progress: &mut impl FnMut(usize, usize)) -> Result<(), AppError> {
    let mut ids: BTreeMap<usize, ProjectId> = BTreeMap::new();
    let total = steps.len();
    for (n, step) in steps.into_iter().enumerate() {
        progress(n, total);
        let what = format!("第{}步({} {} {})", n + 1, step.on, step.about, step.action);
        let id = |i: &usize| ids.get(i).map(|id| json!(id.as_str())).ok_or_else(|| bug(format!("{what}:项目尚未登记")));
        let mut with: Value = serde_json::from_str(&step.with).map_err(|e| bug(format!("{what}:{e}")))?;
        if let Some(i) = step.story
            && step.action != "register_project"
            && let Some(map) = with.as_object_mut()
        {
            map.insert("project".to_owned(), id(&i)?);
        }
        if !step.exclude.is_empty()
            && let Some(map) = with.as_object_mut()
        {
            map.insert("exclude".to_owned(), step.exclude.iter().map(id).collect::<Result<Value, _>>()?);
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
        let request = CommandRequest {
            actor: (*step.actor).clone(),
            on: step.on,
            command,
            request_id: None,
            attachments: Vec::new(),
        };
        let outcome = app.execute(request).await.map_err(|e| match e {
            AppError::Store(_) => e,
            other => bug(format!("{what}:{other}")),
        })?;
        match outcome {
            Executed::Done { project, .. } => {
                if let (Some(i), Some(project), "register_project") = (step.story, project, step.action) {
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
    progress(total, total);
    Ok(())
}
