//! `govit demo`: a demo city of any size on an empty store, every step through the application layer —
//! for trying govit at the scale of a province, and for `govit bench`.

use anyhow::{Context, Result};
use govit_app::{App, SystemClock};
use govit_rules::Date;
use govit_store::Durability;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// Writes `projects` projects (with their organisations and users) into the empty store of `data`, dated up
/// to `today` (by default the real today). The load commits without waiting for the disk
/// ([`Durability::Bulk`]) and is made durable when the store closes at the end.
///
/// With `history`, the projects are written to that file as a history file instead, and only the city's
/// organisations and accounts into the store.
pub async fn demo(data: &Path, projects: usize, today: Option<Date>, history: Option<&Path>) -> Result<ExitCode> {
    std::fs::create_dir_all(data).with_context(|| format!("无法创建数据目录 {}", data.display()))?;
    let store = crate::database::open_with(data, true, Durability::Bulk).await?;
    let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN)?;
    let app = App::new(store, policies, Arc::new(SystemClock));
    let today = today.unwrap_or_else(|| app.clock().today());
    if let Some(file) = history {
        let written = write_history(&app, today, projects, file).await;
        app.store().close().await;
        return written;
    }
    let bar = crate::audit::bar(0, "生成示范城市");
    let started = Instant::now();
    let report = govit_app::demo::seed_city(&app, today, projects, |done, total| {
        if bar.length() != Some(total as u64) {
            bar.set_length(total as u64);
        }
        bar.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    app.store().close().await;
    let report = report?;
    let millis = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX).max(1);
    println!(
        "已生成示范城市:{} 个单位,{} 个用户,{} 个项目,{} 条记录,用时 {}.{} 秒(每秒 {} 条);示范用户的密码为 {}",
        report.organizations,
        report.users,
        report.projects,
        report.events,
        millis / 1000,
        millis % 1000 / 100,
        report.events.saturating_mul(1000) / millis,
        govit_app::demo::DEMO_PASSWORD
    );
    Ok(ExitCode::SUCCESS)
}

async fn write_history(app: &App, today: Date, projects: usize, file: &Path) -> Result<ExitCode> {
    let bytes = govit_app::demo::history(app, today, projects)?;
    govit_app::demo::install(app).await?;
    std::fs::write(file, &bytes).with_context(|| format!("无法写入 {}", file.display()))?;
    let rows = bytes.iter().filter(|b| **b == b'\n').count().saturating_sub(1);
    println!(
        "已写出示范城市的历史记录 {}({} 行,{} 个项目),并在数据库中建立其单位和账号;导入:govit import history {} --user admin",
        file.display(),
        rows,
        projects,
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}
