//! The scenario runner of docs/SCENARIOS.md: each file played on a fresh, empty system (in-memory SQLite, the same
//! application layer the other front ends use), step by step, against what it says the system must answer.

mod check;
mod parse;
mod play;

pub use parse::{Expect, Malformed, Scenario, parse};

use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where a scenario failed.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// 1-based step number; 0 for the file as a whole.
    pub step: usize,
    pub on: Option<String>,
    pub action: Option<String>,
    pub reason: String,
}

/// One scenario's result.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    pub file: String,
    pub name: Option<String>,
    pub passed: bool,
    /// The file could not be read as a scenario.
    pub malformed: bool,
    pub steps: usize,
    pub failure: Option<Failure>,
}

impl ScenarioResult {
    /// The one line docs/SCENARIOS.md prints per scenario.
    pub fn line(&self) -> String {
        let name = self.name.as_deref().unwrap_or("");
        match &self.failure {
            None => format!("ok   {}  {name}", self.file),
            Some(f) if self.malformed => format!("FAIL {}  {name}: 格式错误:{}", self.file, f.reason),
            Some(f) => {
                let what = [f.on.as_deref(), f.action.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
                format!("FAIL {}  {name}: 第{}步({what}):{}", self.file, f.step, f.reason)
            }
        }
    }
}

/// Every `*.yaml` under the given files and folders, recursively, sorted; a missing path is an error.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out).map_err(|e| format!("{}:{e}", path.display()))?;
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            return Err(format!("{}:文件或目录不存在", path.display()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Runs one scenario file.
pub async fn run_file(path: &Path) -> ScenarioResult {
    let file = path.display().to_string();
    let malformed = |name: Option<String>, m: Malformed| ScenarioResult {
        file: file.clone(),
        name,
        passed: false,
        malformed: true,
        steps: 0,
        failure: Some(Failure { step: 0, on: None, action: None, reason: m.to_string() }),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return malformed(None, Malformed::new("(文件)", format!("无法读取:{e}"))),
    };
    let scenario = match parse(&text) {
        Ok(s) => s,
        Err(m) => return malformed(None, m),
    };
    let name = Some(scenario.name.clone());
    let steps = scenario.steps.len();
    match play::play(&file, &scenario).await {
        Ok(()) => ScenarioResult { file, name, passed: true, malformed: false, steps, failure: None },
        Err(play::Stop::Malformed(m)) => malformed(name, m),
        Err(play::Stop::Failed(f)) => {
            ScenarioResult { file, name, passed: false, malformed: false, steps, failure: Some(f) }
        }
    }
}
