//! `govit export …` and `govit import …`: the pages' workbooks, open data and 公文 as files, and a unit's
//! proposal sheet in, for operators and scheduled jobs. Everything goes through the application layer as a
//! named account, so visibility and the rules are the same as in the browser.

use crate::audit::open;
use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use govit_app::App;
use govit_app::exchange;
use govit_app::listing::ProjectQuery;
use govit_app::open_data::{OpenDataConfig, open_data_csv};
use govit_papers::{self as paper, PaperKind};
use govit_rules::Year;
use govit_rules::{Actor, JurisdictionId, ProjectId, Role};
use govit_store::Durability;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The account the work is done as (its organisation and role decide what it may see and do).
#[derive(Debug, Clone, Args)]
pub struct AsAccount {
    /// User name of an active account, e.g. `bureau` or `minzheng`.
    #[arg(long = "user")]
    pub username: String,
    /// One of the account's roles (code, e.g. `owner`); default: its first.
    #[arg(long)]
    pub role: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The annual implementation plan of a jurisdiction and year (.xlsx).
    Plan {
        #[command(flatten)]
        account: AsAccount,
        /// Jurisdiction code, e.g. `wuhan`; default: the account's.
        #[arg(long)]
        jurisdiction: Option<String>,
        /// Plan year; default: this year.
        #[arg(long)]
        year: Option<Year>,
        /// Output file; default: the name the web page gives it, in the current folder.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// The project list, filtered as on 项目库 (.xlsx).
    Projects {
        #[command(flatten)]
        account: AsAccount,
        /// The 项目库 query string, e.g. `status=approved&year=2026&min=500万`.
        #[arg(long, default_value = "")]
        query: String,
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// The blank proposal template of a year (.xlsx); needs no database.
    Template {
        /// Plan year; default: next year.
        #[arg(long)]
        year: Option<Year>,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The public project list (政务公开) as CSV or JSON, as configured in DATA/open-data.yaml.
    OpenData {
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// Every 批复 and 备案回执 the account can see (or one project's) as PDF files in a folder.
    Papers {
        /// The folder to write into (created if missing).
        dir: PathBuf,
        #[command(flatten)]
        account: AsAccount,
        /// Only this project.
        #[arg(long)]
        project: Option<String>,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A unit's filled-in proposal sheet: every row checked, then all registered and proposed, or none.
    Proposals {
        /// The .xlsx file (from `govit export template` or the 下载申报模板 button).
        file: PathBuf,
        #[command(flatten)]
        account: AsAccount,
        /// Plan year the sheet is for; default: next year.
        #[arg(long)]
        year: Option<Year>,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// A city's records from before govit (CSV, one row per act, columns in docs/EXCHANGE.md), as the
    /// 系统管理员, into a system with no decisions yet: every row through the rules, all or none.
    History {
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        account: AsAccount,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
}

async fn actor(app: &App, account: &AsAccount) -> Result<Actor> {
    let role = match &account.role {
        Some(code) => {
            Some(Role::ALL.iter().copied().find(|r| r.code() == code).with_context(|| format!("角色“{code}”不存在"))?)
        }
        None => None,
    };
    Ok(app.account_actor(&account.username, role).await?)
}

fn write(output: Option<PathBuf>, default_name: &str, bytes: &[u8]) -> Result<()> {
    let path = output.unwrap_or_else(|| PathBuf::from(default_name));
    std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
    println!("已写入 {}({} 字节)", path.display(), bytes.len());
    Ok(())
}

fn spinner(what: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn bar(total: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(u64::try_from(total).unwrap_or(0));
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, 剩余 {eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

pub async fn export(command: ExportCommand) -> Result<ExitCode> {
    match command {
        ExportCommand::Plan { account, jurisdiction, year, output, data } => {
            let app = open(&data).await?;
            let actor = actor(&app, &account).await?;
            let today = app.clock().today();
            let jurisdiction = JurisdictionId::parse(jurisdiction.unwrap_or_else(|| actor.jurisdiction.to_string()))
                .map_err(anyhow::Error::msg)?;
            let year = year.unwrap_or_else(|| Year::of(today)).get();
            let busy = spinner("生成年度计划工作簿");
            let bytes = exchange::plan_workbook(&app, &actor, &jurisdiction, year, today).await?;
            busy.finish_and_clear();
            write(output, &exchange::plan_file_name(&app, &jurisdiction, year)?, &bytes)?;
        }
        ExportCommand::Projects { account, query, output, data } => {
            let app = open(&data).await?;
            let actor = actor(&app, &account).await?;
            let today = app.clock().today();
            let query: ProjectQuery = serde_urlencoded::from_str(query.trim_start_matches('?'))
                .map_err(|e| anyhow::anyhow!("查询条件 --query 有误:{e}"))?;
            let busy = spinner("生成项目清单工作簿");
            let bytes = exchange::projects_workbook(&app, &actor, &query, today).await?;
            busy.finish_and_clear();
            write(output, &exchange::projects_file_name(today), &bytes)?;
        }
        ExportCommand::Template { year, output } => {
            let year = year.unwrap_or_else(|| Year::of(govit_app::Clock::today(&govit_app::SystemClock)).next()).get();
            write(output, &exchange::template_file_name(year), &exchange::proposal_template(year)?)?;
        }
        ExportCommand::OpenData { format, output, data } => {
            let app = open(&data).await?;
            let config = OpenDataConfig::load(&data.join("open-data.yaml"))?;
            let rows = app.open_data(&config).await?;
            match format {
                Format::Csv => write(output, "govit-open-data.csv", open_data_csv(&rows).as_bytes())?,
                Format::Json => write(output, "govit-open-data.json", &serde_json::to_vec_pretty(&rows)?)?,
            }
        }
        ExportCommand::Papers { dir, account, project, data } => {
            let app = open(&data).await?;
            let actor = actor(&app, &account).await?;
            return papers(&app, &actor, &dir, project).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn papers(app: &App, actor: &Actor, dir: &Path, project: Option<String>) -> Result<ExitCode> {
    let projects = match project {
        Some(id) => vec![ProjectId::parse(id).map_err(anyhow::Error::msg)?],
        None => app.visible_projects(actor).await?.into_iter().map(|p| p.id).collect(),
    };
    let mut todo = Vec::new();
    for id in projects {
        app.visible_project(actor, &id).await?;
        for e in app.timeline(&id).await? {
            if PaperKind::of(&e.record.event).is_some() {
                todo.push((id.clone(), e.seq));
            }
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let bar = bar(todo.len(), "排版公文");
    for (id, seq) in &todo {
        let paper = paper::print(app, actor, id, *seq).await?;
        let path = dir.join(format!("{id}-{}", paper.filename.replace('/', "_")));
        std::fs::write(&path, &paper.bytes).with_context(|| format!("无法写入 {}", path.display()))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!("已写入 {} 份公文到 {}", todo.len(), dir.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn import(command: ImportCommand) -> Result<ExitCode> {
    let (file, account, year, data) = match command {
        ImportCommand::Proposals { file, account, year, data } => (file, account, year, data),
        ImportCommand::History { file, account, data } => return history(&file, &account, &data).await,
    };
    let bytes = std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
    let app = open(&data).await?;
    let actor = actor(&app, &account).await?;
    let today = app.clock().today();
    let year = year.unwrap_or_else(|| Year::of(today).next());
    let bar = bar(0, "登记并申报");
    let result = exchange::import_proposals_with_progress(&app, &actor, year, &bytes, today, |done, total| {
        bar.set_length(u64::try_from(total).unwrap_or(0));
        bar.set_position(u64::try_from(done).unwrap_or(0));
    })
    .await;
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            for row in &report.rows {
                let note = if row.replayed { "(此前已导入)" } else { "" };
                println!("第{}行 {} {} {} {}{note}", row.row, row.project, row.name, row.route_label, row.approver);
            }
            println!("已导入 {} 个项目,申报列入{}的{}年度计划", report.rows.len(), report.owner, report.year);
            Ok(ExitCode::SUCCESS)
        }
        Err(exchange::ImportError::App(e)) => Err(e.into()),
        Err(e) => {
            for line in e.messages() {
                eprintln!("{line}");
            }
            eprintln!("未导入:{}", headline(&e));
            Ok(ExitCode::FAILURE)
        }
    }
}

fn headline(e: &exchange::ImportError) -> String {
    match e {
        exchange::ImportError::Invalid { errors } => format!("申报表有{}处错误", errors.len()),
        exchange::ImportError::Rejected { rows } => format!("有{}行不予受理", rows.len()),
        other => other.to_string(),
    }
}

/// `govit import history`: the store opened for a one-off load ([`Durability::Bulk`]), made durable when it
/// closes; a file that does not read or a row the rules refuse changes nothing (exit 1).
async fn history(file: &Path, account: &AsAccount, data: &Path) -> Result<ExitCode> {
    let size = std::fs::metadata(file).with_context(|| format!("无法读取 {}", file.display()))?.len();
    if size > exchange::history::MAX_FILE_BYTES {
        eprintln!("未导入:{}", exchange::history::HistoryError::TooLarge);
        return Ok(ExitCode::FAILURE);
    }
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let store = crate::database::open_with(data, false, Durability::Bulk).await?;
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN)?;
    let app = App::new(store, policies, std::sync::Arc::new(govit_app::SystemClock))
        .with_personal_keys(govit_app::personal::default_key_dir(data));
    let operator = actor(&app, account).await?;
    let bar = bar(0, "导入历史记录");
    let started = std::time::Instant::now();
    let result = app
        .import_history(&operator, &bytes, |done, total| {
            bar.set_length(u64::try_from(total).unwrap_or(0));
            bar.set_position(u64::try_from(done).unwrap_or(0));
        })
        .await;
    bar.finish_and_clear();
    app.store().close().await;
    match result {
        Ok(report) => {
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "已导入历史记录 {} 行:{} 个项目,{} 条决定记录,用时 {seconds:.1} 秒;文件SM3 {}",
                report.rows, report.projects, report.events, report.sm3
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(exchange::history::HistoryError::App(e)) => Err(e.into()),
        Err(e @ exchange::history::HistoryError::Invalid { .. }) => {
            if let exchange::history::HistoryError::Invalid { errors, .. } = &e {
                for cell in errors {
                    eprintln!("{cell}");
                }
            }
            eprintln!("未导入:{e}");
            Ok(ExitCode::FAILURE)
        }
        Err(e @ exchange::history::HistoryError::Interrupted { .. }) => {
            eprintln!("{e}");
            Ok(ExitCode::from(2))
        }
        Err(e) => {
            eprintln!("未导入:{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
