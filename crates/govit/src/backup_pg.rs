//! `govit backup` and `govit restore` on PostgreSQL: `pg_dump` (one consistent snapshot, taken while govit
//! serves) and `pg_restore`, with the same rule as on SQLite: a copy counts only after its whole audit chain
//! (and, with the public key, every signed checkpoint) verified. A backup is verified by restoring it into a
//! scratch database; a restore goes into a staging database first and is renamed into place only once
//! verified, the old database kept under another name.

use crate::backup::{Verified, describe, verify_store};
use crate::database::redacted;
use anyhow::{Context, Result, bail};
use govit_app::keys::AuditPublicKey;
use govit_store::{Store, postgres_admin, postgres_tool};
use std::path::Path;
use std::process::{Command, ExitCode};

/// A PostgreSQL URL taken apart: the server part, the database name, the password (passed to the tools
/// through `PGPASSWORD`, never on their command line).
struct Target {
    /// `postgres://user@host:port` (no password, no database).
    server: String,
    database: String,
    password: Option<String>,
    query: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target> {
        let scheme_end = url.find("://").context("数据库地址缺少 ://")? + 3;
        let (rest, query) = url[scheme_end..].split_once('?').map_or((&url[scheme_end..], ""), |(r, q)| (r, q));
        let (authority, database) = rest.split_once('/').context("数据库地址缺少数据库名")?;
        anyhow::ensure!(
            !database.is_empty() && database.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "数据库名“{database}”须由字母、数字和下划线组成"
        );
        let (credentials, host) = authority.rsplit_once('@').map_or(("", authority), |(c, h)| (c, h));
        let (user, password) = credentials.split_once(':').map_or((credentials, None), |(u, p)| (u, Some(p)));
        let user = if user.is_empty() { String::new() } else { format!("{user}@") };
        Ok(Target {
            server: format!("{}{user}{host}", &url[..scheme_end]),
            database: database.to_owned(),
            password: password.map(str::to_owned),
            query: if query.is_empty() { String::new() } else { format!("?{query}") },
        })
    }

    /// The URL of database `name` on the same server, with the password.
    fn url_of(&self, name: &str) -> String {
        let server = match &self.password {
            Some(p) => self.server.replacen('@', &format!(":{p}@"), 1),
            None => self.server.clone(),
        };
        format!("{server}/{name}{}", self.query)
    }

    /// The URL for the tools: no password (that goes in the environment).
    fn tool_url(&self, name: &str) -> String {
        format!("{}/{name}{}", self.server, self.query)
    }

    fn tool(&self, name: &str) -> Result<Command> {
        let path = postgres_tool(name).with_context(|| format!("找不到 {name}:请安装 PostgreSQL 客户端程序"))?;
        let mut command = Command::new(path);
        if let Some(p) = &self.password {
            command.env("PGPASSWORD", p);
        }
        Ok(command)
    }

    fn run(&self, mut command: Command, what: &str) -> Result<()> {
        let out = command.output().with_context(|| format!("无法运行 {what}"))?;
        if !out.status.success() {
            bail!("{what} 失败:{}", String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(())
    }

    /// Runs statements on the server's maintenance database (creating, dropping, renaming databases).
    async fn admin(&self, statements: &[String]) -> Result<()> {
        postgres_admin(&self.url_of("postgres"), statements)
            .await
            .with_context(|| format!("在 PostgreSQL 上执行失败:{}", statements.join("; ")))
    }

    /// Restores `file` into a new database `name` (dropping one left from an interrupted run).
    async fn restore_into(&self, file: &Path, name: &str) -> Result<()> {
        self.admin(&[format!("DROP DATABASE IF EXISTS {name}"), format!("CREATE DATABASE {name}")]).await?;
        let mut restore = self.tool("pg_restore")?;
        restore.args(["--no-owner", "--exit-on-error", "--dbname", &self.tool_url(name)]).arg(file);
        self.run(restore, "pg_restore")
    }

    /// Verifies database `name`.
    async fn verify(&self, name: &str, key: Option<&AuditPublicKey>) -> Result<std::result::Result<Verified, String>> {
        let store = Store::open_url(&self.url_of(name)).await.with_context(|| format!("无法打开 {name}"))?;
        verify_store(store, key).await
    }
}

pub async fn backup(file: &Path, url: &str, key: Option<&AuditPublicKey>) -> Result<ExitCode> {
    let target = Target::parse(url)?;
    let mut dump = target.tool("pg_dump")?;
    dump.args(["--format=custom", "--no-owner", "--file"])
        .arg(file)
        .args(["--dbname", &target.tool_url(&target.database)]);
    target.run(dump, "pg_dump")?;
    let scratch = format!("{}_verify_{}", target.database, std::process::id());
    let verified = match target.restore_into(file, &scratch).await {
        Ok(()) => target.verify(&scratch, key).await,
        Err(e) => Err(e),
    };
    target.admin(&[format!("DROP DATABASE IF EXISTS {scratch}")]).await?;
    match verified? {
        Ok(v) => {
            println!("已用 pg_dump 备份 {} 到 {}:{}", redacted(url), file.display(), describe(&v));
            Ok(ExitCode::SUCCESS)
        }
        Err(reason) => {
            println!("备份校验失败({reason}):源数据库的哈希链已断裂,请先运行 govit audit verify");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub async fn restore(file: &Path, url: &str, key: Option<&AuditPublicKey>, force: bool) -> Result<ExitCode> {
    let target = Target::parse(url)?;
    let existing = match Store::open_url(url).await {
        Ok(store) => {
            let events = store.event_count().await?;
            store.close().await;
            Some(events)
        }
        Err(_) => None,
    };
    if existing.is_some_and(|n| n > 0) && !force {
        bail!("数据库 {} 已有数据;确认要用备份替换时加 --force(原数据库会改名保留)", redacted(url));
    }
    let staging = format!("{}_restoring", target.database);
    target.restore_into(file, &staging).await?;
    let v = match target.verify(&staging, key).await? {
        Ok(v) => v,
        Err(reason) => {
            target.admin(&[format!("DROP DATABASE IF EXISTS {staging}")]).await?;
            println!("恢复已取消:备份的审计链校验失败({reason}),原数据库未改动");
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut swap = Vec::new();
    if existing.is_some() {
        let kept = format!("{}_before_restore_{}", target.database, chrono::Utc::now().format("%Y%m%d%H%M%S"));
        swap.push(format!("ALTER DATABASE {} RENAME TO {kept}", target.database));
        println!("原数据库已改名保留为 {kept}");
    }
    swap.push(format!("ALTER DATABASE {staging} RENAME TO {}", target.database));
    target.admin(&swap).await.context("无法换上恢复的数据库(请先停止 govit,断开其他连接)")?;
    println!("已从 {} 恢复到 {}:{}", file.display(), redacted(url), describe(&v));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::Target;

    #[test]
    fn a_url_is_taken_apart_and_the_password_kept_off_the_tools_command_line() {
        let t = Target::parse("postgres://govit:s3cret@db.example:5432/govit?sslmode=require").unwrap();
        assert_eq!(t.tool_url("govit"), "postgres://govit@db.example:5432/govit?sslmode=require");
        assert_eq!(t.url_of("postgres"), "postgres://govit:s3cret@db.example:5432/postgres?sslmode=require");
        assert_eq!(t.password.as_deref(), Some("s3cret"));
        assert!(Target::parse("postgres://db/govit; DROP").is_err(), "a database name is an identifier");
    }
}
