//! Where PostgreSQL's programs are (initdb, pg_ctl, pg_dump, pg_restore): on the PATH, or in Debian's
//! newest `/usr/lib/postgresql/N/bin`, which the `postgresql` package does not put on the PATH.

use std::path::PathBuf;

pub fn postgres_tool(name: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|path| path.is_file());
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin").join(name))))
            .filter(|(_, path)| path.is_file())
            .collect();
        versions.sort();
        versions.pop().map(|(_, path)| path)
    })
}

/// Runs `statements` one by one on the PostgreSQL database at `url` (the server's `postgres` database, to
/// create, drop or rename others: statements that cannot run in a transaction).
pub async fn postgres_admin(url: &str, statements: &[String]) -> Result<(), crate::StoreError> {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await?;
    for statement in statements {
        pool.execute(sqlx::AssertSqlSafe(statement.clone())).await?;
    }
    pool.close().await;
    Ok(())
}
