//! `govit serve`: open (or create) the store, optionally seed the demo city, serve until SIGTERM.

use anyhow::{Context, Result};
use govit_app::{App, SystemClock};
use govit_store::Store;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

pub async fn serve(addr: SocketAddr, data: &Path, demo: bool) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    std::fs::create_dir_all(data).with_context(|| format!("无法创建数据目录 {}", data.display()))?;
    let db = data.join("govit.db");
    let store = Store::open_file(&db).await.with_context(|| format!("无法打开数据库 {}", db.display()))?;
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN)?;
    let app = Arc::new(App::new(store, policies, Arc::new(SystemClock)));
    if demo {
        seed_demo(&app).await?;
    }
    if let Some(password) = app.bootstrap_admin().await? {
        eprintln!("已创建系统管理员账号:用户名 admin,初始密码 {password}(首次登录后请修改)");
    }
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("无法监听 {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(%local, db = %db.display(), "govit serving");
    println!("govit 已启动:http://{local}");
    govit_web::serve(app.clone(), listener, shutdown()).await?;
    app.store().close().await;
    tracing::info!("govit stopped");
    Ok(())
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
