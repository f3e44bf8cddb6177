//! Several govit servers on one PostgreSQL database (issue 18). The log is one chain, so its appends are
//! serialised by the database itself: every write transaction takes a transaction-scoped advisory lock
//! ([`LOG_LOCK`]) before it reads the head, so no two nodes ever compute the same `seq` or `prev_hash`; within
//! a node the writer's own lock still gathers commands into batches (group commit).
//!
//! Scheduled work (checkpoints, reminders and digests) runs on one node at a time: the node holding the
//! session-level advisory lock [`LEAD_LOCK`] on a connection of its own. When that node dies its connection
//! goes and PostgreSQL releases the lock, so another node takes over at its next tick.
//!
//! SQLite is one node by design: its store is a file on one machine (`govit serve` refuses a second process
//! on the same file), so there the node always leads.

use super::{Backend, Store};
use crate::error::StoreError;
use sqlx::{Any, AnyConnection, Transaction};

/// The advisory lock every write transaction on PostgreSQL takes first: "govit log" as a number.
pub(crate) const LOG_LOCK: i64 = 0x676f_7669_746c_6f67;

/// The advisory lock the node running scheduled work holds: "govit led" as a number.
const LEAD_LOCK: i64 = 0x676f_7669_746c_6564;

/// The advisory lock a server holds while it starts: migrations, the key check, the first accounts and the
/// demo city are done by one server at a time. "govit up" as a number.
const START_LOCK: i64 = 0x676f_7669_7420_7570;

/// How long the lead's connection may take to answer before it is given up.
const LEAD_CHECK: std::time::Duration = std::time::Duration::from_secs(5);

/// Takes the log's lock inside `tx`, on PostgreSQL; it is released at commit or rollback.
pub(crate) async fn lock_log(tx: &mut Transaction<'static, Any>, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(LOG_LOCK).execute(&mut **tx).await?;
    }
    Ok(())
}

/// A server's start-up, done by one server at a time on PostgreSQL: held from [`StartUp::take`] to
/// [`StartUp::release`] on a connection of its own. A server that dies while it holds it loses the connection,
/// and PostgreSQL releases the lock with it. On SQLite one server holds the file, so there is nothing to wait for.
#[derive(Debug)]
pub struct StartUp {
    connection: Held,
}

/// On PostgreSQL a connection taken out of the pool, so that the lock goes with it if the start-up fails; on
/// SQLite a pooled one (an in-memory database lives in its pool's only connection).
#[derive(Debug)]
enum Held {
    Own(AnyConnection),
    Pooled(sqlx::pool::PoolConnection<Any>),
}

impl StartUp {
    /// Waits until no other server is starting, then holds the start-up until [`StartUp::release`].
    pub(crate) async fn take(pool: &sqlx::AnyPool, backend: Backend) -> Result<StartUp, StoreError> {
        let connection = pool.acquire().await?;
        if backend != Backend::Postgres {
            return Ok(StartUp { connection: Held::Pooled(connection) });
        }
        let mut connection = connection.detach();
        let (taken,): (bool,) =
            sqlx::query_as("SELECT pg_try_advisory_lock($1)").bind(START_LOCK).fetch_one(&mut connection).await?;
        if !taken {
            // Said, so that an operator watching a node that does not come up knows what it waits for.
            tracing::info!("another server is starting on this database: waiting until it has started");
            sqlx::query("SELECT pg_advisory_lock($1)").bind(START_LOCK).execute(&mut connection).await?;
        }
        Ok(StartUp { connection: Held::Own(connection) })
    }

    pub(crate) fn connection(&mut self) -> &mut AnyConnection {
        match &mut self.connection {
            Held::Own(connection) => connection,
            Held::Pooled(connection) => connection,
        }
    }

    /// Lets the next server start.
    pub async fn release(self) -> Result<(), StoreError> {
        if let Held::Own(mut connection) = self.connection {
            sqlx::query("SELECT pg_advisory_unlock($1)").bind(START_LOCK).execute(&mut connection).await?;
            sqlx::Connection::close(connection).await?;
        }
        Ok(())
    }
}

impl Store {
    /// Holds the start-up of this server ([`StartUp`]) until it is released: what a server does once when it
    /// starts (the key check, the first accounts, the demo city) is then done by one server after the other,
    /// each seeing what the one before it did.
    pub async fn start_up(&self) -> Result<StartUp, StoreError> {
        StartUp::take(&self.pool, self.backend).await
    }
}

/// Whether this node runs the scheduled work now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leadership {
    /// It already led at the last asking.
    Holds,
    /// It has just taken the lead (at start, or from a node that went away).
    Took,
    /// Another node leads.
    Elsewhere,
}

impl Leadership {
    pub fn leads(self) -> bool {
        self != Leadership::Elsewhere
    }
}

/// The connection on which this node holds [`LEAD_LOCK`], while it leads.
#[derive(Debug, Default)]
pub(crate) struct Lead(tokio::sync::Mutex<Option<AnyConnection>>);

impl Store {
    /// Whether this node is the one to run scheduled work now: it holds the lead, or has just taken it. A
    /// lead whose connection has gone is given up (the database released its lock with the connection) and
    /// sought again. Always on SQLite.
    pub async fn leadership(&self) -> Result<Leadership, StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(Leadership::Holds);
        }
        let mut held = self.lead.0.lock().await;
        if let Some(connection) = held.as_mut() {
            // Bounded: a connection left half-open by a partition would otherwise hold every tick, and the lead,
            // until TCP keepalive gives up on it hours later.
            let alive = tokio::time::timeout(LEAD_CHECK, sqlx::query("SELECT 1").execute(&mut *connection)).await;
            if alive.is_ok_and(|r| r.is_ok()) {
                return Ok(Leadership::Holds);
            }
            *held = None;
        }
        let mut connection = self.pool.acquire().await?;
        let (taken,): (bool,) =
            sqlx::query_as("SELECT pg_try_advisory_lock($1)").bind(LEAD_LOCK).fetch_one(&mut *connection).await?;
        if !taken {
            return Ok(Leadership::Elsewhere);
        }
        // Out of the pool for good: the lock lives as long as this connection.
        *held = Some(connection.detach());
        Ok(Leadership::Took)
    }
}
