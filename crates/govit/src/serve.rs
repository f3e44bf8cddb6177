//! `govit serve`: open (or create) the store, optionally seed the demo city, serve until SIGTERM, signing
//! checkpoints of the audit chain as events accumulate and once more at shutdown.

use crate::audit::KeyArgs;
use anyhow::{Context, Result};
use govit_app::keys::AuditKey;
use govit_app::{App, SystemClock};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing_subscriber::EnvFilter;

/// `govit serve`'s options, as clap reads them.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Data folder: the SQLite database (created on first start), keys, open-data configuration.
    #[arg(long, default_value = "./data")]
    pub data: PathBuf,
    /// On an empty store, seed the demo city (organisations, users, about 150 projects).
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Sign a checkpoint after this many new events.
    #[arg(long, default_value_t = 100)]
    pub checkpoint_every: i64,
    /// Sign a checkpoint of new events at least this often (minutes).
    #[arg(long, default_value_t = 10)]
    pub checkpoint_minutes: u64,
    /// The site is reached over HTTPS (through a TLS terminator): send Strict-Transport-Security and mark the
    /// session cookie Secure.
    #[arg(long)]
    pub hsts: bool,
    /// The address of a reverse proxy (TLS terminator) in front of govit whose X-Forwarded-For and
    /// X-Forwarded-Proto are believed: the client's address for the login lockout, HTTPS for the Secure cookie.
    /// Repeat for several; from any other address these headers are ignored.
    #[arg(long = "trusted-proxy", value_name = "ADDRESS")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Approvers and administrators must log in with a second factor (TOTP); they enrol at their next login.
    #[arg(long)]
    pub require_second_factor: bool,
    /// Look for deadline reminders and digests to send this often (minutes); 0 turns the scheduler off
    /// (`govit remind` from cron instead).
    #[arg(long, default_value_t = 60)]
    pub remind_minutes: u64,
    #[command(flatten)]
    pub delivery: crate::remind::DeliveryArgs,
    /// Single sign-on through the city's unified identity provider (article 12): its configuration file.
    /// Without this option, `DATA/sso.yaml` is used when it exists. See docs/SSO.md.
    #[arg(long)]
    pub sso_config: Option<PathBuf>,
}

impl Options {
    /// The single sign-on configuration in force, if any.
    fn sso(&self) -> Result<Option<govit_app::sso::Sso>> {
        let path = match &self.sso_config {
            Some(path) => path.clone(),
            None => {
                let default = self.data.join("sso.yaml");
                if !default.exists() {
                    return Ok(None);
                }
                default
            }
        };
        let config = govit_app::sso::SsoConfig::load(&path)?;
        Ok(Some(govit_app::sso::Sso::new(config)?))
    }
}

pub async fn serve(o: Options) -> Result<()> {
    let delivery = o.delivery.delivery()?;
    let sso = o.sso()?;
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    std::fs::create_dir_all(&o.data).with_context(|| format!("无法创建数据目录 {}", o.data.display()))?;
    let _only_server = match crate::database::postgres_url() {
        Some(_) => None,
        None => Some(only_server_on(&crate::database::sqlite_file(&o.data))?),
    };
    let store = crate::database::open(&o.data, true).await?;
    let db = crate::database::postgres_url()
        .map_or_else(|| crate::database::sqlite_file(&o.data).display().to_string(), crate::database::redacted);
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN)?;
    let key = Arc::new(AuditKey::load_or_create(&o.keys.private_path(&o.data))?);
    let open_data = govit_app::open_data::OpenDataConfig::load(&o.data.join("open-data.yaml"))?;
    let mut app = App::new(store, policies, Arc::new(SystemClock))
        .with_personal_keys(govit_app::personal::default_key_dir(&o.data));
    if o.require_second_factor {
        app = app.with_second_factor_required();
    }
    if let Some(sso) = sso {
        tracing::info!(issuer = %sso.config().issuer, local_login = sso.config().local_login, "single sign-on on");
        app = app.with_sso(sso);
    }
    let app = Arc::new(app);
    // Servers started together on one database take turns here, so the demo city, the first accounts and the
    // first checkpoint are made once, and a node with other keys meets the fingerprints the first one recorded.
    let startup = app.store().start_up().await?;
    let checked = app.check_node_keys(&key).await?;
    tracing::info!(audit_key = %key.key_id, personal_keys = checked, "this node holds the database's keys");
    if o.demo {
        seed_demo(&app).await?;
    }
    app.record_policies(govit_rules::policy::BUILTIN).await?;
    for made in app.bootstrap_administrators().await? {
        eprintln!(
            "已创建{}账号:用户名 {},初始密码 {}(首次登录后请修改)",
            made.role.label(),
            made.username,
            made.password
        );
    }
    app.sign_checkpoint(&key).await?;
    startup.release().await?;
    let listener = tokio::net::TcpListener::bind(o.addr).await.with_context(|| format!("无法监听 {}", o.addr))?;
    let local = listener.local_addr()?;
    tracing::info!(%local, %db, key = %key.key_id, "govit serving");
    println!("govit 已启动:http://{local}");
    // The project index is built now, in the background, rather than by the first request that needs it;
    // `/readyz` answers 503 until it is.
    app.warm_index();
    let checkpoints = tokio::spawn(checkpointer(
        app.clone(),
        key.clone(),
        o.checkpoint_every,
        Duration::from_secs(o.checkpoint_minutes * 60),
    ));
    let reminders = (o.remind_minutes > 0).then(|| {
        tokio::spawn(crate::remind::scheduler(app.clone(), delivery, Duration::from_secs(o.remind_minutes * 60)))
    });
    let cuts = tokio::spawn(open_data_cutter(app.clone(), key.clone(), open_data.clone()));
    govit_web::serve_with(
        app.clone(),
        govit_web::WebOptions { open_data, hsts: o.hsts, trusted_proxies: o.trusted_proxies, ..Default::default() },
        listener,
        shutdown(),
    )
    .await?;
    checkpoints.abort();
    cuts.abort();
    if let Some(reminders) = reminders {
        reminders.abort();
    }
    app.sign_checkpoint(&key).await?;
    app.store().close().await;
    tracing::info!("govit stopped");
    Ok(())
}

/// SQLite is one server's store: a second `govit serve` on the same file is refused, naming why, rather than
/// left to contend for the file. The lock is held while the returned file is open (the process's life).
fn only_server_on(database: &std::path::Path) -> Result<std::fs::File> {
    let path = database.with_extension("db.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("无法打开锁文件 {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "另一个 govit serve 进程正在使用 {}:SQLite 只支持单个服务进程。需要多个节点(热冗余)时,请改用 PostgreSQL:\
             govit --database postgres://… serve(见 docs/DEPLOY.md)",
            database.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("无法锁定 {}", path.display())),
    }
}

/// Whether this node runs the scheduled work now ([`govit_store::Store::leadership`]); says so when it takes
/// it over.
pub(crate) async fn leads(app: &App) -> bool {
    match app.store().leadership().await {
        Ok(govit_store::Leadership::Took) => {
            tracing::info!("this node now runs the scheduled work (checkpoints, reminders, digests)");
            true
        }
        Ok(lead) => lead.leads(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot tell whether this node leads: skipping scheduled work this time");
            false
        }
    }
}

/// Signs a checkpoint once `every` events have accumulated, or when `interval` has passed with any new
/// events since the last one, on the node that leads.
async fn checkpointer(app: Arc<App>, key: Arc<AuditKey>, every: i64, interval: Duration) {
    let mut last = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    loop {
        tick.tick().await;
        if !leads(&app).await {
            continue;
        }
        let pending = match app.events_since_checkpoint().await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "checkpoint check failed");
                continue;
            }
        };
        if pending > 0 && (pending >= every.max(1) || last.elapsed() >= interval) {
            match app.sign_checkpoint(&key).await {
                Ok(_) => last = Instant::now(),
                Err(e) => tracing::error!(error = %e, "checkpoint failed"),
            }
        }
    }
}

/// Publishes the open data set (政务公开) on the node that leads: at start, then once each new day. A set equal
/// to the last one is not published again (that one still stands); a failure is tried again a minute later.
async fn open_data_cutter(app: Arc<App>, key: Arc<AuditKey>, config: govit_app::open_data::OpenDataConfig) {
    let mut done = None;
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let today = app.clock().today();
        if done == Some(today) || !leads(&app).await {
            continue;
        }
        match app.cut_open_data(&config, &key).await {
            Ok(set) => {
                done = Some(today);
                if set.is_none() {
                    tracing::info!("open data unchanged since the last data set: nothing published");
                }
            }
            Err(e) => tracing::error!(error = %e, "open data set not published; tried again in a minute"),
        }
    }
}

async fn seed_demo(app: &App) -> Result<()> {
    if !app.store().organizations().await?.is_empty() {
        tracing::info!("store not empty: demo data not seeded");
        return Ok(());
    }
    let today = app.clock().today();
    let report = govit_app::demo::seed(app, today).await?;
    println!(
        "已生成示范数据:{} 个单位,{} 个用户,{} 个项目,{} 条记录;所有示范用户的密码为 {}",
        report.organizations,
        report.users,
        report.projects,
        report.events,
        govit_app::demo::DEMO_PASSWORD
    );
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
