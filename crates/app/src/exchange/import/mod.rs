//! Excel in: a 项目建设单位's proposals for a year's annual plan [6][7], all rows or none.
//!
//! 1. Only an owner may import, for its own organisation (kind and jurisdiction from the organisation).
//! 2. The file must be an `.xlsx` workbook; the sheet is found by its headers (see [`crate::exchange::template`]).
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

mod sheet;
mod unpack;
mod write;

use sheet::read_sheet;
use write::{RowFailure, dry_run, owner_org, rejected, write_row};

use crate::{App, AppError};
use govit_rules::{Action, Actor, Date, JurisdictionId, Money, Notice, ProjectId, Rejection, Year};
use serde::Serialize;
use std::fmt;

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
    /// A workbook that unpacks past the bounds of a proposal sheet (a zip bomb, a cell at XFD1048576).
    #[error("申报表过大:{reason}")]
    TooLarge { reason: String },
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
