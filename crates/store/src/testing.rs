//! Throwaway databases for tests, on the backend the environment names, so that one test suite runs on both:
//! `GOVIT_TEST_DATABASE=postgres cargo test -p govit-store -p govit-app` runs every store and app test on
//! PostgreSQL; without it they run on SQLite.
//!
//! For PostgreSQL the first test of a test binary starts a private cluster: `initdb` into a temporary folder
//! and `pg_ctl start` on a free port of 127.0.0.1 (as the `postgres` user when running as root, which initdb
//! refuses). Each test then gets a database of its own. A watchdog stops the cluster and removes its folder
//! when the test process ends. Without the PostgreSQL binaries the tests say so loudly and run on SQLite;
//! under `CI=true` that is a failure instead.

use crate::error::StoreError;
use crate::store::Store;
use sqlx::AnyPool;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::OnceCell;

/// Whether stock `openssl` is here, for the tests that check govit's cryptography against it: without it they
/// say loudly that `what` did not run and pass; under `CI=true` its absence is a failure.
pub fn openssl(what: &str) -> bool {
    let found = Command::new("openssl").arg("version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "openssl is required under CI=true");
        eprintln!("\n*** SKIPPED: openssl not found; {what} did not run ***\n");
    }
    found
}

/// A database of one test: open it (again, to see what survives a restart) or reach it with raw SQL.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    /// Keeps a SQLite file's folder until the test ends.
    _dir: Option<TempDir>,
}

impl TestDatabase {
    /// A fresh, empty database on the backend `GOVIT_TEST_DATABASE` names (`postgres`; default SQLite).
    pub async fn new() -> Result<TestDatabase, StoreError> {
        if let Some(server) = postgres().await? {
            return server.database().await;
        }
        let dir = TempDir::new()?;
        let url = format!("sqlite://{}?mode=rwc", dir.0.join("govit.db").display());
        Ok(TestDatabase { url, _dir: Some(dir) })
    }

    /// A fresh database on a throwaway PostgreSQL cluster whatever `GOVIT_TEST_DATABASE` says (for `govit
    /// bench`); `None` without the PostgreSQL binaries.
    pub async fn postgres() -> Result<Option<TestDatabase>, StoreError> {
        match cluster().await? {
            Some(server) => server.database().await.map(Some),
            None => Ok(None),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens the store (migrating it the first time).
    pub async fn open(&self) -> Result<Store, StoreError> {
        Store::open_url(&self.url).await
    }

    /// A plain connection pool, for a test that changes rows behind the store's back (tampering).
    pub async fn raw(&self) -> Result<AnyPool, StoreError> {
        sqlx::any::install_default_drivers();
        Ok(AnyPool::connect(&self.url).await?)
    }
}

/// Restarts this process's PostgreSQL cluster (fast shutdown: open connections are cut, as in a failover),
/// waiting until it accepts connections again. For a test of what the servers do while it is away.
pub async fn restart_postgres() -> Result<(), StoreError> {
    let server = cluster().await?.ok_or_else(|| StoreError::Unsupported("没有测试用 PostgreSQL 集群".to_owned()))?;
    let out = {
        let mut command = Command::new(server.restart.get_program());
        command.args(server.restart.get_args()).stdout(std::process::Stdio::null());
        command.output()
    };
    match out {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(StoreError::Unsupported(format!("pg_ctl restart:{}", String::from_utf8_lossy(&o.stderr)))),
        Err(e) => Err(StoreError::Unsupported(format!("pg_ctl restart:{e}"))),
    }
}

/// A fresh store on the test backend: what most tests need.
pub async fn store() -> Result<Store, StoreError> {
    if postgres().await?.is_some() {
        return TestDatabase::new().await?.open().await;
    }
    // On SQLite, memory is enough when the test does not reopen.
    Store::open_memory().await
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug)]
struct Server {
    /// `postgres://govit@127.0.0.1:PORT`
    base: String,
    /// `pg_ctl` and the cluster's data folder, and the settings it was started with: to restart it.
    restart: Command,
}

impl Server {
    async fn database(&self) -> Result<TestDatabase, StoreError> {
        let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        crate::postgres_admin(&format!("{}/postgres", self.base), &[format!("CREATE DATABASE {name}")]).await?;
        Ok(TestDatabase { url: format!("{}/{name}", self.base), _dir: None })
    }
}

/// The cluster of this test process when `GOVIT_TEST_DATABASE=postgres`; `None` when the tests run on SQLite.
async fn postgres() -> Result<Option<&'static Server>, StoreError> {
    if std::env::var("GOVIT_TEST_DATABASE").ok().as_deref() != Some("postgres") {
        return Ok(None);
    }
    cluster().await
}

/// The cluster of this process, started on first use; `None` without the PostgreSQL binaries.
async fn cluster() -> Result<Option<&'static Server>, StoreError> {
    static SERVER: OnceCell<Option<Server>> = OnceCell::const_new();
    let server = SERVER
        .get_or_try_init(|| async {
            match binaries() {
                Some(bin) => start(&bin).map(Some),
                None if std::env::var("CI").ok().as_deref() == Some("true") => Err(StoreError::Unsupported(
                    "GOVIT_TEST_DATABASE=postgres but no PostgreSQL binaries (initdb, pg_ctl) were found; CI must install postgresql".to_owned(),
                )),
                None => {
                    eprintln!("\n!!!!!!!! initdb/pg_ctl were not found: PostgreSQL is skipped, SQLite only !!!!!!!!\n");
                    Ok(None)
                }
            }
        })
        .await?;
    Ok(server.as_ref())
}

/// The folder holding `initdb` and `pg_ctl`.
fn binaries() -> Option<PathBuf> {
    let initdb = crate::pg_tools::postgres_tool("initdb")?;
    let dir = initdb.parent()?.to_path_buf();
    dir.join("pg_ctl").is_file().then_some(dir)
}

fn start(bin: &Path) -> Result<Server, StoreError> {
    let failed = |what: &str, e: String| StoreError::Unsupported(format!("无法启动测试用 PostgreSQL({what}):{e}"));
    let dir = std::env::temp_dir().join(format!("govit-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| failed("临时目录", e.to_string()))?;
    let root = is_root();
    if root {
        let status = Command::new("chown").arg("postgres:").arg(&dir).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(failed("chown", "以 root 运行时须有 postgres 用户".to_owned()));
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| failed("端口", e.to_string()))?
        .port();
    let data = dir.join("data");
    let as_owner = |program: &str| {
        let mut c = if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(bin.join(program));
            c
        } else {
            Command::new(bin.join(program))
        };
        c.stdout(std::process::Stdio::null());
        c
    };
    let out = as_owner("initdb")
        .args(["-U", "govit", "--auth=trust", "-E", "UTF8", "--locale=C", "-D"])
        .arg(&data)
        .output()
        .map_err(|e| failed("initdb", e.to_string()))?;
    if !out.status.success() {
        return Err(failed("initdb", String::from_utf8_lossy(&out.stderr).into_owned()));
    }
    // Durability is not what these tests are about: fsync off keeps them fast.
    let settings = format!(
        "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
        dir.display()
    );
    let out = as_owner("pg_ctl")
        .args(["-w", "-t", "60", "-D"])
        .arg(&data)
        .args(["-l"])
        .arg(dir.join("log"))
        .args(["-o", &settings, "start"])
        .output()
        .map_err(|e| failed("pg_ctl", e.to_string()))?;
    if !out.status.success() {
        let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
        return Err(failed("pg_ctl start", format!("{}{log}", String::from_utf8_lossy(&out.stderr))));
    }
    // Stop the cluster and remove its folder once this test process has gone.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runas}{pg_ctl} -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        runas = if root { "runuser -u postgres -- " } else { "" },
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &stop])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| failed("watchdog", e.to_string()))?;
    eprintln!("govit tests: PostgreSQL cluster on 127.0.0.1:{port} ({})", data.display());
    let mut restart = as_owner("pg_ctl");
    restart.args(["-w", "-t", "60", "-m", "fast", "-D"]).arg(&data).args(["-l"]).arg(dir.join("log"));
    restart.args(["-o", &settings, "restart"]);
    Ok(Server { base: format!("postgres://govit@127.0.0.1:{port}"), restart })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A folder removed when dropped.
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, StoreError> {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("govit-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(|e| StoreError::Unsupported(format!("无法创建临时目录:{e}")))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
