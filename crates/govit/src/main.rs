//! `govit`: the command line. Every subcommand goes through the application layer.

mod audit;
mod backup;
mod backup_pg;
mod bench;
mod database;
mod demo;
mod exchange;
mod open_data;
mod remind;
mod serve;

use anyhow::Result;

/// mimalloc instead of glibc's malloc: at 100,000 projects glibc's per-thread arenas kept about 100 MB of freed
/// memory from the index build and the JSON of each request (server RSS 300 MB against 195 MB with
/// `MALLOC_ARENA_MAX=2`); docs/benchmarks.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use clap::{Parser, Subcommand};
use govit_app::scenario;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "govit", version, about = "政务信息化项目建设管理平台(《武汉市政务信息化项目建设管理办法》)")]
struct Cli {
    /// The database: `postgres://user:password@host/db` for PostgreSQL; without it, `govit.db` (SQLite) in
    /// the data folder. Keys and configuration stay in the data folder either way.
    #[arg(long, global = true, env = "GOVIT_DATABASE", hide_env_values = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Top,
}

#[derive(Debug, Subcommand)]
enum Top {
    /// Serves the web UI and the JSON API.
    Serve(serve::Options),
    /// Sends the deadline reminders (30, 7, 1 day(s) before, and overdue) and supervisors' daily digests not
    /// sent before: for cron, besides the scheduler of `govit serve`.
    Remind {
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        /// The day to remind for (YYYY-MM-DD); today by default.
        #[arg(long)]
        on: Option<govit_rules::Date>,
        #[command(flatten)]
        delivery: remind::DeliveryArgs,
    },
    /// Empties every projection (what pages and lists read) and folds the whole log into it again: after a
    /// restore, or when `govit audit verify` found a projection that differs from the log.
    Rebuild {
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
    /// The tamper-evident record: verify it, export it for auditors, sign a checkpoint now.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Keys for personal data at rest (SM4).
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// A consistent copy of the store, taken while govit runs, verified by its audit chain (docs/BACKUP.md).
    Backup {
        /// The file to write (must not exist).
        file: PathBuf,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        #[command(flatten)]
        keys: audit::KeyArgs,
    },
    /// Puts a backup in place after verifying its whole audit chain; the current store is kept under a new name.
    Restore {
        file: PathBuf,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        /// Replace an existing store (it is renamed, not deleted).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        keys: audit::KeyArgs,
    },
    /// Checks a downloaded open data file (政务公开) against its `.sig` with the audit public key: the file's
    /// SM3 digest and size, the SM2 signature and the audit checkpoint it is tied to. Exits 1 when any fails.
    VerifyOpenData {
        /// The data file (`projects.csv` or `projects.json`).
        file: PathBuf,
        /// Its signature (`projects.csv.sig`).
        signature: PathBuf,
        /// The audit public key (PEM), as the portal publishes it. Default: this platform's own.
        #[arg(long)]
        key: Option<PathBuf>,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        #[command(flatten)]
        keys: audit::KeyArgs,
    },
    /// Workbooks, open data and 公文 out to files.
    Export {
        #[command(subcommand)]
        command: exchange::ExportCommand,
    },
    /// A unit's annual-plan proposal sheet in.
    Import {
        #[command(subcommand)]
        command: exchange::ImportCommand,
    },
    /// Writes a demo city of any size into an empty store, every step through the rules (the big-city
    /// figures of docs/benchmarks.md are taken on `--projects 100000`).
    Demo {
        /// How many projects: the 155 stories of `serve --demo`, told again in batches until there are this many.
        #[arg(long, default_value_t = 155)]
        projects: usize,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        /// The day the city has reached (YYYY-MM-DD, not before 2026-11-29); today by default.
        #[arg(long)]
        today: Option<govit_rules::Date>,
        /// Write the city's projects as a history file here instead (docs/EXCHANGE.md), and only its units and
        /// accounts into the data folder: then `govit import history FILE --user admin` brings them in.
        #[arg(long)]
        history: Option<PathBuf>,
    },
    /// Throughput, latency and memory against baselines measured in the same run (docs/benchmarks.md).
    Bench(bench::BenchArgs),
    /// Executable regulation scenarios (docs/SCENARIOS.md).
    Scenario {
        #[command(subcommand)]
        command: ScenarioCommand,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Creates a new SM4 key and re-encrypts all personal data under it in one transaction; old key files are
    /// kept (docs/KEYS.md).
    Rotate {
        /// Folder of the SQLite database; keys are in DATA/keys/sm4.
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ScenarioCommand {
    /// Runs scenario files or folders (recursively `*.yaml`), each on a fresh in-memory system.
    Run {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print a machine-readable JSON report instead of lines.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误:{e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    database::choose(cli.database);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli.command {
        Top::Serve(options) => runtime.block_on(serve::serve(options)).map(|()| ExitCode::SUCCESS),
        Top::Audit { command } => runtime.block_on(audit::run(command)),
        Top::Backup { file, data, keys } => runtime.block_on(backup::backup(&file, &data, &keys)),
        Top::Restore { file, data, force, keys } => runtime.block_on(backup::restore(&file, &data, &keys, force)),
        Top::Export { command } => runtime.block_on(exchange::export(command)),
        Top::VerifyOpenData { file, signature, key, data, keys } => {
            open_data::verify(&file, &signature, key.as_deref(), &data, &keys)
        }
        Top::Import { command } => runtime.block_on(exchange::import(command)),
        Top::Keys { command: KeysCommand::Rotate { data } } => runtime.block_on(rotate(&data)),
        Top::Rebuild { data } => runtime.block_on(rebuild(&data)),
        Top::Demo { projects, data, today, history } => {
            runtime.block_on(demo::demo(&data, projects, today, history.as_deref()))
        }
        Top::Bench(args) => runtime.block_on(bench::run(args)),
        Top::Remind { data, on, delivery } => runtime.block_on(remind::once(&data, on, &delivery)),
        Top::Scenario { command: ScenarioCommand::Run { paths, json } } => runtime.block_on(scenario_run(&paths, json)),
    }
}

async fn rotate(data: &std::path::Path) -> Result<ExitCode> {
    let app = audit::open(data).await?.with_personal_keys(govit_app::personal::default_key_dir(data));
    let r = govit_app::personal::rotate(&app).await?;
    app.store().close().await;
    println!("已轮换个人信息加密密钥:新密钥 {},重新加密 {} 条记录", r.new_key_id, r.rows);
    if !r.previous_key_ids.is_empty() {
        println!("旧密钥 {} 已保留:轮换前的数据库备份仍需要它们,一个备份周期后可删除", r.previous_key_ids.join("、"));
    }
    Ok(ExitCode::SUCCESS)
}

async fn rebuild(data: &std::path::Path) -> Result<ExitCode> {
    let store = database::open(data, false).await?;
    let started = std::time::Instant::now();
    let guard = store.lock().await;
    let last = store.rebuild_projections(&guard).await?;
    drop(guard);
    let took = started.elapsed();
    store.close().await;
    let rate = u128::try_from(last).unwrap_or(0) * 1000 / took.as_millis().max(1);
    println!("已重建投影:折叠 {last} 条事件,用时 {took:.1?}(每秒 {rate} 条)");
    Ok(ExitCode::SUCCESS)
}

async fn scenario_run(paths: &[PathBuf], json: bool) -> Result<ExitCode> {
    let files = scenario::collect(paths).map_err(anyhow::Error::msg)?;
    let mut results = Vec::with_capacity(files.len());
    for file in &files {
        let result = scenario::run_file(file).await;
        if !json {
            println!("{}", result.line());
        }
        results.push(result);
    }
    let passed = results.iter().filter(|r| r.passed).count();
    let failed = results.len() - passed;
    if json {
        let report = serde_json::json!({ "passed": passed, "failed": failed, "scenarios": results });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{passed} passed, {failed} failed");
    }
    Ok(if failed == 0 && !results.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
