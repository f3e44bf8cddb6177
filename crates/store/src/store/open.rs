//! Opening a store: a SQLite file or memory, or PostgreSQL, each with its connection settings, the schema
//! brought up to date; and SQLite's snapshot backup.

use super::Store;
use crate::error::StoreError;
use crate::schema::migrate;
use sqlx::any::AnyPoolOptions;
use sqlx::{ConnectOptions, Executor};
use tokio::sync::Mutex;

/// The database under a store: the same SQL (and the same tests) run on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One file (or memory), for a city on one machine: the default.
    Sqlite,
    /// A server, for a province or a large city, or a PostgreSQL-compatible distributed database.
    Postgres,
}

/// Whether each commit waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// An acknowledged command survives a crash or a power cut: every store but a bulk load's.
    Full,
    /// For a one-off bulk load (`govit demo --projects`): commits return before they reach the disk (SQLite
    /// WAL with `synchronous = NORMAL`, PostgreSQL `synchronous_commit = off`). A crash may lose the last
    /// commits of the load, never corrupt the database; the load is simply run again on an empty store.
    Bulk,
}

/// Durability on SQLite, set on every connection: WAL with a full fsync at each commit, so an acknowledged
/// command survives a crash or a power cut; foreign keys enforced; a writer waits for another up to 10 s.
const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

/// A one-off load on SQLite: commits without waiting for the disk (WAL, made durable at the next checkpoint
/// or when the store closes), and temporary files in memory. A batch's multi-row upserts keep a statement
/// journal, to undo a statement that fails halfway through inside its transaction; written to a temporary
/// file, it was half of a bulk load's writes.
const SQLITE_BULK_PRAGMAS: &str = "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;";

impl Store {
    /// Opens (creating if needed) a SQLite file in WAL mode with full synchronous commits.
    pub async fn open_file(path: &std::path::Path) -> Result<Store, StoreError> {
        Store::open_file_with(path, Durability::Full).await
    }

    /// [`Store::open_file`] with the durability of commits chosen.
    pub async fn open_file_with(path: &std::path::Path, durability: Durability) -> Result<Store, StoreError> {
        let text = path.to_str().ok_or_else(|| StoreError::NonUtf8Path(path.display().to_string()))?;
        // The URL form percent-decodes the path: keep `%`, `?` and `#` in file names as they are.
        let text = text.replace('%', "%25").replace('?', "%3F").replace('#', "%23");
        let store = Store::open_url_with(&format!("sqlite://{text}?mode=rwc"), durability).await?;
        Ok(Store { sqlite_file: Some(path.to_owned()), ..store })
    }

    /// A private in-memory SQLite database: one connection, kept for the life of the store (scenario runs,
    /// tests).
    pub async fn open_memory() -> Result<Store, StoreError> {
        Store::open_url("sqlite::memory:").await
    }

    /// Opens the database at `url`: `sqlite://PATH?mode=rwc`, `sqlite::memory:` or `postgres://…`, and
    /// brings its schema up to date.
    pub async fn open_url(url: &str) -> Result<Store, StoreError> {
        Store::open_url_with(url, Durability::Full).await
    }

    /// [`Store::open_url`] with the durability of commits chosen.
    pub async fn open_url_with(url: &str, durability: Durability) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            // The URL may carry a password: name only its scheme.
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(StoreError::UnknownDatabase(format!("{scheme}:…")));
        };
        let options = match backend {
            Backend::Sqlite if url.contains(":memory:") => {
                AnyPoolOptions::new().max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
            }
            Backend::Sqlite => AnyPoolOptions::new().max_connections(8),
            // A database that is away (restarting, failing over) answers within seconds with an error the web
            // turns into 503 and Retry-After, rather than holding the request until it times out.
            Backend::Postgres => {
                AnyPoolOptions::new().max_connections(16).acquire_timeout(std::time::Duration::from_secs(5))
            }
        };
        let options = options.after_connect(move |conn, _| {
            Box::pin(async move {
                match (backend, durability) {
                    (Backend::Sqlite, Durability::Full) => conn.execute(SQLITE_PRAGMAS).await.map(drop)?,
                    (Backend::Sqlite, Durability::Bulk) => {
                        conn.execute(SQLITE_PRAGMAS).await?;
                        conn.execute(SQLITE_BULK_PRAGMAS).await.map(drop)?
                    }
                    (Backend::Postgres, Durability::Bulk) => {
                        conn.execute("SET synchronous_commit = off").await.map(drop)?
                    }
                    (Backend::Postgres, Durability::Full) => {}
                }
                Ok(())
            })
        });
        // sqlx logs a slow statement with its whole text: a batch's or a rebuild's multi-row insert would fill
        // the log with placeholders. Slow work shows in govit's own spans and in `govit bench` instead.
        let connect = url.parse::<sqlx::any::AnyConnectOptions>()?.disable_statement_logging();
        let pool = options.connect_with(connect).await?;
        migrate(&pool, backend).await?;
        Ok(Store { pool, backend, writer: Mutex::new(()), lead: super::cluster::Lead::default(), sqlite_file: None })
    }

    /// Writes a consistent snapshot of the whole database to `path` (which must not exist) while the store
    /// stays in use: SQLite's `VACUUM INTO`, one read transaction, so the copy holds every committed event and
    /// nothing half-written. Used instead of the C backup API, which sqlx does not expose without unsafe FFI.
    pub async fn backup_into(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Unsupported(
                "PostgreSQL 数据库请用 pg_dump 备份(govit backup 会调用它)".to_owned(),
            ));
        }
        let target = path.to_str().ok_or_else(|| StoreError::NonUtf8Path(path.display().to_string()))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await?;
        Ok(())
    }
}
