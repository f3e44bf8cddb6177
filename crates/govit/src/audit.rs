//! `govit audit verify | export | checkpoint`: the record, checked without trusting the running server.

use anyhow::Result;
use clap::{Args, Subcommand};
use govit_app::keys::{AuditKey, AuditPublicKey, public_path};
use govit_app::{App, SystemClock, audit};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Where the SM2 audit key lives.
#[derive(Debug, Clone, Args)]
pub struct KeyArgs {
    /// The SM2 private key that signs checkpoints (created with mode 0600 on first start).
    /// Default: DATA/keys/audit-sm2.pem.
    #[arg(long)]
    pub audit_key: Option<PathBuf>,
}

impl KeyArgs {
    pub fn private_path(&self, data: &Path) -> PathBuf {
        self.audit_key.clone().unwrap_or_else(|| data.join("keys").join("audit-sm2.pem"))
    }
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recomputes the whole SM3 chain and checks every SM2-signed checkpoint; exits 1 at the first break.
    Verify {
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        /// The public key to check signatures with (an auditor's own copy). Default: the platform's.
        #[arg(long)]
        public_key: Option<PathBuf>,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Writes events, checkpoints and the public key as plain files, with a script that checks them with
    /// OpenSSL 3 (docs/AUDIT.md).
    Export {
        dir: PathBuf,
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Signs a checkpoint of the current head now.
    Checkpoint {
        #[arg(long, default_value = "./data")]
        data: PathBuf,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

/// Opens an existing store (never creates one: a typo in `--data` must not look like an empty record).
pub async fn open(data: &Path) -> Result<App> {
    let store = crate::database::open(data, false).await?;
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN)?;
    Ok(App::new(store, policies, Arc::new(SystemClock)))
}

fn public_key(keys: &KeyArgs, data: &Path, given: Option<&Path>) -> Result<AuditPublicKey> {
    let path = given.map_or_else(|| public_path(&keys.private_path(data)), Path::to_path_buf);
    Ok(AuditPublicKey::read(&path)?)
}

pub(crate) fn bar(total: i64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(u64::try_from(total).unwrap_or(0));
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} 条 ({per_sec}, 剩余 {eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

pub async fn run(command: AuditCommand) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify { data, public_key: given, keys } => {
            let key = public_key(&keys, &data, given.as_deref())?;
            let app = open(&data).await?;
            let total = app.store().last_seq().await?;
            let bar = bar(total, "校验哈希链");
            let started = std::time::Instant::now();
            let report =
                audit::verify(&app, &key, |done, _| bar.set_position(u64::try_from(done).unwrap_or(0))).await?;
            bar.finish_and_clear();
            let seconds = started.elapsed().as_secs_f64().max(1e-9);
            #[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
            let rate = report.bytes as f64 / seconds / 1_048_576.0;
            match &report.first_break {
                None => {
                    println!(
                        "校验通过:{} 条事件({} 字节,{rate:.1} MB/s),{} 个检查点签名有效(公钥 {}),链头 {};\
                         {} 个项目和 {} 个年度计划的列表数据与日志重算一致",
                        report.events,
                        report.bytes,
                        report.checkpoints,
                        key.key_id,
                        report.head,
                        report.projects,
                        report.plans
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Some(f) => {
                    println!("校验失败:第{}号:{}", f.seq, f.reason);
                    println!("(此前 {} 条事件校验通过)", report.events);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        AuditCommand::Export { dir, data, keys } => {
            let key = public_key(&keys, &data, None)?;
            let app = open(&data).await?;
            let bar = bar(app.store().event_count().await?, "导出事件");
            let report =
                audit::export(&app, &key, &dir, |done, _| bar.set_position(u64::try_from(done).unwrap_or(0))).await?;
            bar.finish_and_clear();
            println!(
                "已导出 {} 条事件和 {} 个检查点到 {};在该目录运行 ./verify-with-openssl.sh 可用 OpenSSL 独立校验",
                report.events,
                report.checkpoints,
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Checkpoint { data, keys } => {
            let key = AuditKey::load_or_create(&keys.private_path(&data))?;
            let app = open(&data).await?;
            match app.sign_checkpoint(&key).await? {
                Some(c) => println!("已签署检查点:第{}号事件,链头 {}", c.seq, c.head_hash),
                None => println!("最新事件已有检查点,无需签署"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
