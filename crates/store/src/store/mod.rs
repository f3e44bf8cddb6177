//! The store: the handle on the database, its single writer's lock and write transactions.

mod check;
mod cluster;
mod fold;
mod log;
mod open;
mod projections;
mod requests;

pub use check::ProjectionReport;
pub use cluster::{Leadership, StartUp};
pub(crate) use fold::{Fold, insert_many, linked_project};
pub use log::{Appended, SecurityRecord, StoredEvent};
pub(crate) use log::{Body, append_security_in, decode_hash, events_between_in, head_in};
pub use open::{Backend, Durability};
pub use projections::{ProjectFilter, ProjectRow};
pub(crate) use projections::{plan_in, project_in, proposals_in, watched_projects_in};
pub use requests::{DoneRequest, Replay, RequestKey, Requester};
pub(crate) use requests::{RequestRow, attribute_imports, find_request_in};

use crate::error::StoreError;
use sqlx::{Any, AnyPool, Transaction};
use tokio::sync::{Mutex, MutexGuard};

/// Proof that the caller holds the single writer's lock.
#[derive(Debug)]
pub struct WriteGuard<'a>(#[allow(dead_code)] MutexGuard<'a, ()>);

/// The event log and its projections, on SQLite or PostgreSQL.
#[derive(Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: Mutex<()>,
    /// The lead of scheduled work among the nodes sharing a PostgreSQL database ([`Store::leads`]).
    lead: cluster::Lead,
    /// The SQLite file, when the store was opened on one: the audit walk reads it directly (`verify`).
    sqlite_file: Option<std::path::PathBuf>,
}

impl Store {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Takes the single writer's lock: hold it from loading state to appending the decision's events.
    pub async fn lock(&self) -> WriteGuard<'_> {
        WriteGuard(self.writer.lock().await)
    }

    /// A transaction that writes. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a deferred
    /// transaction that reads first and writes later fails with `SQLITE_BUSY_SNAPSHOT` — which no busy
    /// timeout waits out — when another connection (a login, a session touch) wrote in between.
    ///
    /// On PostgreSQL, other govit servers may share the database: the transaction first takes the log's
    /// advisory lock ([`cluster`]), so that writes from all nodes are serialised by the database.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        cluster::lock_log(&mut tx, self.backend).await?;
        Ok(tx)
    }

    pub(crate) fn sqlite_file(&self) -> Option<&std::path::Path> {
        self.sqlite_file.as_deref()
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database answers now (a load balancer's readiness check).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
