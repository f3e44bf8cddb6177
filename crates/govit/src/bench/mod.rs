//! `govit bench`: the figures of docs/benchmarks.md, each against a baseline measured in the same run on the
//! same machine, printed as a ratio. Nothing here asserts a timing: the figures are read, not tested.
//!
//! - durable commands per second through HTTP with concurrent clients, against a bare SQLite loop committing
//!   one row per transaction with the same durability settings (and the same figure on PostgreSQL);
//! - `audit verify` throughput against `openssl dgst -sm3` on the same bytes;
//! - with `--city DIR` (a `govit demo --projects 100000` folder): the dashboard and project-list p50 through
//!   HTTP, the server's resident memory, and a full projection rebuild.
//!
//! The rules-against-Cedar comparison needs cedar-policy, a dev-dependency: `cargo bench -p govit-rules`.

mod city;
mod http;

use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Concurrent HTTP clients.
    #[arg(long, default_value_t = 32)]
    pub clients: usize,
    /// Seconds each throughput measurement runs.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// A demo city's data folder (`govit demo --projects 100000 --data DIR`) for the big-city figures.
    #[arg(long)]
    pub city: Option<PathBuf>,
    /// Requests per query for the big-city p50.
    #[arg(long, default_value_t = 30)]
    pub samples: usize,
    /// The govit binary that serves the city (an older build, for a before-and-after); this one by default.
    #[arg(long)]
    pub server: Option<PathBuf>,
    /// Skip the PostgreSQL figure even when its binaries are installed.
    #[arg(long)]
    pub no_postgres: bool,
}

pub async fn run(args: BenchArgs) -> Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let length = Duration::from_secs(args.seconds.max(1));
    println!("govit bench:{} 个客户端,每项 {} 秒", args.clients, length.as_secs());
    println!("{}", machine());

    let bare = http::bare_sqlite(length).await?;
    let sqlite = http::commands(http::Backend::Sqlite, args.clients, length).await?;
    println!("\n[1] 持久化命令吞吐(HTTP,{} 个并发客户端,SQLite WAL + synchronous=FULL)", args.clients);
    println!("    基线:裸 SQLite 循环,每事务提交一行          {:>10} 次提交/秒", per_second(bare.done, bare.elapsed));
    sqlite.print("govit(SQLite)");
    println!("    比值 govit / 基线 = {}(目标 ≥ 0.80)", ratio(sqlite.per_milli_second(), bare.per_milli_second()));
    if !args.no_postgres {
        match http::commands(http::Backend::Postgres, args.clients, length).await {
            Ok(pg) => {
                pg.print("govit(PostgreSQL,临时集群,synchronous_commit=on)");
                println!(
                    "    比值 PostgreSQL / 裸 SQLite 基线 = {}",
                    ratio(pg.per_milli_second(), bare.per_milli_second())
                );
            }
            Err(e) => println!("    PostgreSQL:跳过({e:#})"),
        }
    }

    println!("\n[2] 审计链校验吞吐");
    city::audit_throughput(args.city.as_deref()).await?;

    println!("\n[2b] 批量写入与全量重建");
    city::bulk_and_rebuild(1_000).await?;

    match &args.city {
        Some(dir) => {
            println!("\n[3] 大城市({})", dir.display());
            city::big_city(dir, args.server.as_deref(), args.samples).await?;
        }
        None => println!("\n[3] 大城市:未给出 --city(先运行 govit demo --projects 100000 --data DIR)"),
    }
    println!("\n[4] 规则判定与 Cedar 的比较:cargo bench -p govit-rules --bench decision");
    Ok(ExitCode::SUCCESS)
}

/// The machine, as docs/benchmarks.md records it.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "未知".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| t.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0)))
        .unwrap_or(0);
    format!("机器:{cpu},{cores} 核,内存 {} MiB", memory / 1024)
}

/// What one throughput run did.
pub(crate) struct Throughput {
    pub done: u64,
    pub elapsed: Duration,
    /// Latencies of the successful requests, in microseconds, sorted.
    pub latencies: Vec<u64>,
}

impl Throughput {
    fn per_milli_second(&self) -> (u64, u64) {
        (self.done, u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX).max(1))
    }

    fn print(&self, what: &str) {
        println!(
            "    {what:<40} {:>10} 条命令/秒,p50 {},p99 {}",
            per_second(self.done, self.elapsed),
            millis(percentile(&self.latencies, 50)),
            millis(percentile(&self.latencies, 99)),
        );
    }
}

/// The `p`th percentile of sorted values (nearest rank).
pub(crate) fn percentile(sorted: &[u64], p: usize) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (sorted.len() * p).div_ceil(100).clamp(1, sorted.len());
    sorted.get(rank - 1).copied().unwrap_or(0)
}

pub(crate) fn per_second(n: u64, elapsed: Duration) -> u64 {
    let ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX).max(1);
    n.saturating_mul(1000) / ms
}

/// Microseconds as milliseconds with two decimals.
pub(crate) fn millis(us: u64) -> String {
    format!("{}.{:02} ms", us / 1000, us % 1000 / 10)
}

/// `a / b` of two rates given as (count, milliseconds), with two decimals.
pub(crate) fn ratio(a: (u64, u64), b: (u64, u64)) -> String {
    // (a.0 / a.1) / (b.0 / b.1) = a.0 * b.1 / (a.1 * b.0), in hundredths.
    let num = u128::from(a.0) * u128::from(b.1) * 100;
    let den = (u128::from(a.1) * u128::from(b.0)).max(1);
    let hundredths = num / den;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_percentile_is_the_nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50), 50);
        assert_eq!(percentile(&v, 99), 99);
        assert_eq!(percentile(&[7], 99), 7);
        assert_eq!(percentile(&[], 50), 0);
    }

    #[test]
    fn a_ratio_of_two_rates_is_printed_with_two_decimals() {
        assert_eq!(ratio((800, 1000), (1000, 1000)), "0.80");
        assert_eq!(ratio((3, 1000), (1, 2000)), "6.00");
        assert_eq!(millis(1234), "1.23 ms");
    }
}
