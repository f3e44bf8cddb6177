//! The store: open, append under the writer guard, read projections, walk the chain, rebuild.

use crate::chain::{GENESIS, hash_event};
use crate::documents::{Link, write_links};
use crate::error::StoreError;
use crate::schema::{CLEAR_PROJECTIONS, migrate};
use govit_rules::{Event, JurisdictionId, Plan, Project, ProjectId, Recorded};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyArguments;
use sqlx::any::AnyPoolOptions;
use sqlx::query::Query;
use sqlx::{Any, AnyPool, ConnectOptions, Executor, Row, Transaction};
use std::collections::HashMap;
use tokio::sync::{Mutex, MutexGuard};

/// The bytes that are hashed: the record with its place in the log.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Body {
    pub(crate) seq: i64,
    pub(crate) recorded_at: String,
    /// A decided event; absent on a security event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) record: Option<Recorded>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) security: Option<SecurityRecord>,
}

/// Something that happened to accounts, sessions or policies: logged in the same chain as the decisions,
/// so that it cannot be removed or changed afterwards either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityRecord {
    /// `login_succeeded`, `login_failed`, `account_locked`, `logout`, `password_changed`,
    /// `password_change_failed`, `user_created`, `user_changed`, `organization_created`, `policies_loaded`.
    pub kind: String,
    /// The account concerned (or the one acting).
    pub username: String,
    pub detail: String,
}

/// Writes one row of the log and returns its hash.
pub(crate) async fn insert_event(
    tx: &mut Transaction<'_, Any>,
    seq: i64,
    kind: &str,
    occurred_on: &str,
    recorded_at: &str,
    text: &str,
    prev: &[u8; 32],
) -> Result<[u8; 32], StoreError> {
    let hash = hash_event(prev, text.as_bytes());
    sqlx::query("INSERT INTO events (seq, kind, occurred_on, recorded_at, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(seq)
        .bind(kind)
        .bind(occurred_on)
        .bind(recorded_at)
        .bind(text)
        .bind(hex::encode(prev))
        .bind(hex::encode(hash))
        .execute(&mut **tx)
        .await?;
    Ok(hash)
}

/// Appends a security event to the chain inside a write transaction; returns its sequence number.
pub(crate) async fn append_security_in(
    tx: &mut Transaction<'_, Any>,
    occurred_on: &str,
    recorded_at: &str,
    record: SecurityRecord,
) -> Result<i64, StoreError> {
    let (seq, prev) = head_in(tx).await?;
    let seq = seq + 1;
    let kind = format!("security.{}", record.kind);
    let body = Body { seq, recorded_at: recorded_at.to_owned(), record: None, security: Some(record) };
    let text = serde_json::to_string(&body).map_err(|e| StoreError::corrupt(seq, e))?;
    insert_event(tx, seq, &kind, occurred_on, recorded_at, &text, &prev).await?;
    Ok(seq)
}

/// The chain head inside a transaction: `(last seq, its hash)`, or `(0, genesis)`.
pub(crate) async fn head_in(tx: &mut Transaction<'_, Any>) -> Result<(i64, [u8; 32]), StoreError> {
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetch_optional(&mut **tx).await?;
    match head {
        Some((seq, hash)) => Ok((seq, decode_hash(seq, &hash)?)),
        None => Ok((0, GENESIS)),
    }
}

/// One event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub recorded_at: String,
    pub hash: String,
    pub record: Recorded,
}

/// The sequence numbers an append wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Appended {
    pub first_seq: i64,
    pub last_seq: i64,
}

/// Proof that the caller holds the single writer's lock.
#[derive(Debug)]
pub struct WriteGuard<'a>(#[allow(dead_code)] MutexGuard<'a, ()>);

/// A project's row in the list projection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRow {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub jurisdiction: String,
    pub status: String,
    pub route: String,
    pub approver: String,
    pub category: String,
    pub investment: i64,
    pub approved_investment: Option<i64>,
    pub plan_year: Option<i64>,
    pub registered_on: String,
}

/// Which projects to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub owner: Option<String>,
    pub jurisdiction: Option<String>,
    pub status: Option<String>,
    pub limit: Option<i64>,
}

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

/// The event log and its projections, on SQLite or PostgreSQL.
#[derive(Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: Mutex<()>,
    /// The SQLite file, when the store was opened on one: the audit walk reads it directly (`verify`).
    sqlite_file: Option<std::path::PathBuf>,
}

/// Durability on SQLite, set on every connection: WAL with a full fsync at each commit, so an acknowledged
/// command survives a crash or a power cut; foreign keys enforced; a writer waits for another up to 10 s.
const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

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
            Backend::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        let options = options.after_connect(move |conn, _| {
            Box::pin(async move {
                match (backend, durability) {
                    (Backend::Sqlite, Durability::Full) => conn.execute(SQLITE_PRAGMAS).await.map(drop)?,
                    (Backend::Sqlite, Durability::Bulk) => {
                        conn.execute(SQLITE_PRAGMAS).await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await.map(drop)?
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
        Ok(Store { pool, backend, writer: Mutex::new(()), sqlite_file: None })
    }

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
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub(crate) fn sqlite_file(&self) -> Option<&std::path::Path> {
        self.sqlite_file.as_deref()
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
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

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The events a request id already produced, if a command with that id was done before.
    pub async fn find_request(&self, request_id: &str) -> Result<Option<Appended>, StoreError> {
        find_request_in(&self.pool, request_id).await
    }

    /// Appends records as one transaction: events, chain, request id and every projection they change.
    pub async fn append(
        &self,
        guard: &WriteGuard<'_>,
        request_id: Option<&str>,
        recorded_at: &str,
        records: &[Recorded],
    ) -> Result<Appended, StoreError> {
        let mut batch = self.batch(guard).await?;
        let first_seq = batch.last_seq() + 1;
        batch.append(request_id, recorded_at, records).await?;
        let last_seq = batch.last_seq();
        batch.commit().await?;
        Ok(Appended { first_seq, last_seq })
    }

    /// Appends a security event to the same chain, in its own transaction.
    pub async fn append_security(
        &self,
        _guard: &WriteGuard<'_>,
        occurred_on: &str,
        recorded_at: &str,
        record: SecurityRecord,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = append_security_in(&mut tx, occurred_on, recorded_at, record).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// The security events, newest first, up to `limit`.
    pub async fn security_events(&self, limit: i64) -> Result<Vec<(i64, String, SecurityRecord)>, StoreError> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT seq, body FROM events WHERE kind LIKE 'security.%' ORDER BY seq DESC LIMIT $1")
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(seq, body)| {
                let b: Body = serde_json::from_str(&body).map_err(|e| StoreError::corrupt(seq, e))?;
                let record = b.security.ok_or_else(|| StoreError::corrupt(seq, "不是安全事件"))?;
                Ok((seq, b.recorded_at, record))
            })
            .collect()
    }

    pub async fn project(&self, id: &ProjectId) -> Result<Option<Project>, StoreError> {
        project_in(&self.pool, id).await
    }

    pub async fn plan(&self, jurisdiction: &JurisdictionId, year: i32) -> Result<Option<Plan>, StoreError> {
        plan_in(&self.pool, jurisdiction, year).await
    }

    /// The folded state of every project, or of one owner's projects: what visibility and deadline queries
    /// start from.
    pub async fn project_states(&self, owner: Option<&str>) -> Result<Vec<Project>, StoreError> {
        project_states_in(&self.pool, owner).await
    }

    /// Up to `limit` project states in number order after `after` (from the first when `None`): a full read
    /// of 100,000 projects a page at a time, so the JSON of all of them is never held at once.
    pub async fn project_states_page(&self, after: Option<&str>, limit: i64) -> Result<Vec<Project>, StoreError> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT last_seq, state FROM projects WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2")
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        parse_states(rows)
    }

    /// The projects changed by events after `seq`, with the last event of each (by the `last_seq` index).
    pub async fn projects_changed_since(&self, seq: i64) -> Result<Vec<(i64, Project)>, StoreError> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT last_seq, state FROM projects WHERE last_seq > $1 ORDER BY last_seq")
                .bind(seq)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(seq, state)| Ok((seq, serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))?)))
            .collect()
    }

    /// The last event that changed any project (0 for none).
    pub async fn projects_last_seq(&self) -> Result<i64, StoreError> {
        let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(last_seq) FROM projects").fetch_one(&self.pool).await?;
        Ok(n.unwrap_or(0))
    }

    /// Every plan, newest year first.
    pub async fn plans(&self) -> Result<Vec<Plan>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT state FROM plans ORDER BY year DESC, jurisdiction").fetch_all(&self.pool).await?;
        rows.into_iter().map(|(state,)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(0, e))).collect()
    }

    /// Projects proposed (not by supplementary request) for a jurisdiction's plan of `year`.
    pub async fn proposals(&self, jurisdiction: &JurisdictionId, year: i32) -> Result<Vec<ProjectId>, StoreError> {
        proposals_in(&self.pool, jurisdiction, year).await
    }

    pub async fn projects(&self, filter: &ProjectFilter) -> Result<Vec<ProjectRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, owner, jurisdiction, status, route, approver, category, investment, approved_investment, plan_year, registered_on
             FROM projects
             WHERE ($1 IS NULL OR owner = $1) AND ($2 IS NULL OR jurisdiction = $2) AND ($3 IS NULL OR status = $3)
             ORDER BY id LIMIT $4",
        )
        .bind(&filter.owner)
        .bind(&filter.jurisdiction)
        .bind(&filter.status)
        .bind(filter.limit.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProjectRow {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    owner: r.try_get("owner")?,
                    jurisdiction: r.try_get("jurisdiction")?,
                    status: r.try_get("status")?,
                    route: r.try_get("route")?,
                    approver: r.try_get("approver")?,
                    category: r.try_get("category")?,
                    investment: r.try_get("investment")?,
                    approved_investment: r.try_get("approved_investment")?,
                    plan_year: r.try_get("plan_year")?,
                    registered_on: r.try_get("registered_on")?,
                })
            })
            .collect()
    }

    /// A project's events, oldest first: its timeline.
    pub async fn project_events(&self, id: &ProjectId) -> Result<Vec<StoredEvent>, StoreError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT e.seq, e.body, e.hash FROM project_events p JOIN events e ON e.seq = p.seq WHERE p.project = $1 ORDER BY e.seq",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(seq, body, hash)| stored(seq, &body, hash)).collect()
    }

    /// The decided events (not security events) with `seq` in `[first, last]`.
    pub async fn events_between(&self, first: i64, last: i64) -> Result<Vec<StoredEvent>, StoreError> {
        events_between_in(&self.pool, first, last).await
    }

    /// Empties every projection and folds the whole log again, in one transaction.
    pub async fn rebuild_projections(&self, _guard: &WriteGuard<'_>) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        for statement in CLEAR_PROJECTIONS {
            sqlx::query(*statement).execute(&mut *tx).await?;
        }
        let mut fold = Fold::default();
        let mut after = 0i64;
        loop {
            let rows: Vec<(i64, String)> =
                sqlx::query_as("SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT 5000")
                    .bind(after)
                    .fetch_all(&mut *tx)
                    .await?;
            if rows.is_empty() {
                break;
            }
            for (seq, body) in rows {
                let body: Body = serde_json::from_str(&body).map_err(|e| StoreError::corrupt(seq, e))?;
                if let Some(record) = &body.record {
                    fold.apply(&mut tx, seq, record).await?;
                }
                after = seq;
            }
        }
        fold.write(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The number of decided (not security) events in the log.
    pub async fn decision_count(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE kind NOT LIKE 'security.%'")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// The sequence number of the last event (0 for an empty log): an index lookup, where counting the rows
    /// reads the whole log. What progress bars measure against.
    pub async fn last_seq(&self) -> Result<i64, StoreError> {
        let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(seq) FROM events").fetch_one(&self.pool).await?;
        Ok(n.unwrap_or(0))
    }

    /// The number of events in the log.
    pub async fn event_count(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events").fetch_one(&self.pool).await?;
        Ok(n)
    }
}

/// Reads that a command's decision rests on, on the pool or inside a batch's transaction.
pub(crate) async fn find_request_in<'e>(
    e: impl Executor<'e, Database = Any>,
    request_id: &str,
) -> Result<Option<Appended>, StoreError> {
    let row: Option<(i64, i64)> = sqlx::query_as("SELECT first_seq, last_seq FROM requests WHERE request_id = $1")
        .bind(request_id)
        .fetch_optional(e)
        .await?;
    Ok(row.map(|(first_seq, last_seq)| Appended { first_seq, last_seq }))
}

pub(crate) async fn project_in<'e>(
    e: impl Executor<'e, Database = Any>,
    id: &ProjectId,
) -> Result<Option<Project>, StoreError> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT last_seq, state FROM projects WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(e)
        .await?;
    row.map(|(seq, state)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))).transpose()
}

/// The folded state of every project, or of one owner organisation's, in number order.
pub(crate) async fn project_states_in<'e>(
    e: impl Executor<'e, Database = Any>,
    owner: Option<&str>,
) -> Result<Vec<Project>, StoreError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT last_seq, state FROM projects WHERE ($1 IS NULL OR owner = $1) ORDER BY id")
            .bind(owner)
            .fetch_all(e)
            .await?;
    parse_states(rows)
}

pub(crate) async fn plan_in<'e>(
    e: impl Executor<'e, Database = Any>,
    jurisdiction: &JurisdictionId,
    year: i32,
) -> Result<Option<Plan>, StoreError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT state FROM plans WHERE jurisdiction = $1 AND year = $2")
        .bind(jurisdiction.as_str())
        .bind(year)
        .fetch_optional(e)
        .await?;
    row.map(|(state,)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(0, e))).transpose()
}

/// Projects proposed (not by supplementary request) for a jurisdiction's plan of `year`.
pub(crate) async fn proposals_in<'e>(
    e: impl Executor<'e, Database = Any>,
    jurisdiction: &JurisdictionId,
    year: i32,
) -> Result<Vec<ProjectId>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM projects WHERE jurisdiction = $1 AND plan_year = $2 AND status = 'proposed' AND supplementary = 0 ORDER BY id",
    )
    .bind(jurisdiction.as_str())
    .bind(year)
    .fetch_all(e)
    .await?;
    rows.into_iter().map(|(id,)| ProjectId::parse(id).map_err(|e| StoreError::corrupt(0, e))).collect()
}

/// The decided events (not security events) with `seq` in `[first, last]`.
pub(crate) async fn events_between_in<'e>(
    e: impl Executor<'e, Database = Any>,
    first: i64,
    last: i64,
) -> Result<Vec<StoredEvent>, StoreError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT seq, body, hash FROM events WHERE seq BETWEEN $1 AND $2 AND kind NOT LIKE 'security.%' ORDER BY seq",
    )
    .bind(first)
    .bind(last)
    .fetch_all(e)
    .await?;
    rows.into_iter().map(|(seq, body, hash)| stored(seq, &body, hash)).collect()
}

fn parse_states(rows: Vec<(i64, String)>) -> Result<Vec<Project>, StoreError> {
    rows.into_iter().map(|(seq, state)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))).collect()
}

fn stored(seq: i64, body: &str, hash: String) -> Result<StoredEvent, StoreError> {
    let b: Body = serde_json::from_str(body).map_err(|e| StoreError::corrupt(seq, e))?;
    let record = b.record.ok_or_else(|| StoreError::corrupt(seq, "不是业务事件"))?;
    Ok(StoredEvent { seq, recorded_at: b.recorded_at, hash, record })
}

pub(crate) fn decode_hash(seq: i64, text: impl AsRef<[u8]>) -> Result<[u8; 32], StoreError> {
    let text = text.as_ref();
    if text.len() != 64 {
        return Err(StoreError::corrupt(seq, "哈希长度不是32字节"));
    }
    // faster-hex (SIMD): the hex crate's decoding was an eighth of `audit verify` (docs/benchmarks.md [2]).
    let mut bytes = [0u8; 32];
    faster_hex::hex_decode(text, &mut bytes).map_err(|e| StoreError::corrupt(seq, e))?;
    Ok(bytes)
}

/// Folds events into projections: loads what it touches once, writes each changed row once at the end.
#[derive(Default)]
pub(crate) struct Fold {
    projects: HashMap<ProjectId, (Project, i64)>,
    plans: HashMap<(JurisdictionId, i32), Plan>,
    links: Vec<(ProjectId, i64)>,
    /// The documents the records used: the `document_links` projection.
    documents: Vec<Link>,
    /// The highest number registered per `jurisdiction-year-` prefix: the `project_numbers` projection.
    numbers: HashMap<String, i64>,
}

impl Fold {
    pub(crate) async fn apply(
        &mut self,
        tx: &mut Transaction<'_, Any>,
        seq: i64,
        record: &Recorded,
    ) -> Result<(), StoreError> {
        if let Event::ProjectRegistered(r) = &record.event {
            self.projects.insert(r.project.clone(), (Project::register(r, record.on), seq));
            let number = r.project.as_str().rsplit_once('-').and_then(|(prefix, n)| Some((prefix, n.parse().ok()?)));
            let (prefix, n) =
                number.ok_or_else(|| StoreError::corrupt(seq, format!("项目编号 {} 不合格式", r.project)))?;
            let last = self.numbers.entry(format!("{prefix}-")).or_insert(0);
            *last = (*last).max(n);
        }
        for id in record.event.projects() {
            if !self.projects.contains_key(id) {
                let row: Option<(String,)> = sqlx::query_as("SELECT state FROM projects WHERE id = $1")
                    .bind(id.as_str())
                    .fetch_optional(&mut **tx)
                    .await?;
                let Some((state,)) = row else {
                    return Err(StoreError::corrupt(seq, format!("事件涉及的项目 {id} 不存在")));
                };
                let project: Project = serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))?;
                self.projects.insert(id.clone(), (project, seq));
            }
            if let Some((project, last)) = self.projects.get_mut(id) {
                project.apply(record);
                *last = seq;
            }
            self.links.push((id.clone(), seq));
        }
        if !record.attachments.is_empty() {
            // A plan event concerns many projects: its documents belong to the plan, not to one of them.
            let project = match record.event.plan() {
                Some(_) => None,
                None => record.event.projects().first().map(|p| p.as_str().to_owned()),
            };
            for (position, digest) in (0i64..).zip(&record.attachments) {
                self.documents.push(Link { digest: digest.clone(), seq, project: project.clone(), position });
            }
        }
        if let Some((jurisdiction, year)) = record.event.plan() {
            let key = (jurisdiction.clone(), year);
            if !self.plans.contains_key(&key) {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT state FROM plans WHERE jurisdiction = $1 AND year = $2")
                        .bind(jurisdiction.as_str())
                        .bind(year)
                        .fetch_optional(&mut **tx)
                        .await?;
                let plan = match row {
                    Some((state,)) => serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))?,
                    None => Plan::new(jurisdiction.clone(), year),
                };
                self.plans.insert(key.clone(), plan);
            }
            if let Some(plan) = self.plans.get_mut(&key) {
                plan.apply(record);
            }
        }
        Ok(())
    }

    /// Whether nothing has been folded since the fold was made (or written).
    pub(crate) fn is_empty(&self) -> bool {
        self.projects.is_empty() && self.plans.is_empty() && self.links.is_empty() && self.documents.is_empty()
    }

    /// A project or plan folded but not yet written, for reads inside a batch.
    pub(crate) fn project(&self, id: &ProjectId) -> Option<&Project> {
        self.projects.get(id).map(|(p, _)| p)
    }

    pub(crate) fn plan(&self, jurisdiction: &JurisdictionId, year: i32) -> Option<&Plan> {
        self.plans.get(&(jurisdiction.clone(), year))
    }

    /// The highest number folded for a `jurisdiction-year-` prefix.
    pub(crate) fn last_number(&self, prefix: &str) -> Option<i64> {
        self.numbers.get(prefix).copied()
    }

    /// Writes every changed row, a few multi-row statements per table: a batch of commands costs about as
    /// many round trips to the database as one.
    pub(crate) async fn write(self, tx: &mut Transaction<'_, Any>) -> Result<(), StoreError> {
        let mut projects = Vec::with_capacity(self.projects.len());
        for (id, (p, last_seq)) in &self.projects {
            let state = serde_json::to_string(p).map_err(|e| StoreError::corrupt(*last_seq, e))?;
            projects.push((id, p, *last_seq, state));
        }
        insert_many(
            tx,
            "INSERT INTO projects (id, name, owner, jurisdiction, status, route, approver, category, investment, approved_investment, plan_year, supplementary, registered_on, last_seq, state) VALUES ",
            " ON CONFLICT (id) DO UPDATE SET status = excluded.status, approver = excluded.approver,
               approved_investment = excluded.approved_investment, plan_year = excluded.plan_year,
               supplementary = excluded.supplementary, last_seq = excluded.last_seq, state = excluded.state",
            15,
            &projects,
            |q, (id, p, last_seq, state)| {
                let supplementary = p.plan.as_ref().is_some_and(|e| e.supplementary.is_some());
                q.bind(id.as_str())
                    .bind(p.name.as_str())
                    .bind(p.owner.name.as_str())
                    .bind(p.jurisdiction.as_str())
                    .bind(p.status.code())
                    .bind(p.route.code())
                    .bind(p.approver.code())
                    .bind(p.category.code())
                    .bind(p.investment.yuan())
                    .bind(p.approved_investment.map(|m| m.yuan()))
                    .bind(p.plan.as_ref().map(|e| e.year))
                    .bind(i64::from(supplementary))
                    .bind(p.registered_on.to_string())
                    .bind(*last_seq)
                    .bind(state.clone())
            },
        )
        .await?;
        let mut plans = Vec::with_capacity(self.plans.len());
        for ((jurisdiction, year), plan) in &self.plans {
            let state = serde_json::to_string(plan).map_err(|e| StoreError::corrupt(0, e))?;
            plans.push((jurisdiction, *year, plan.status.code(), state));
        }
        insert_many(
            tx,
            "INSERT INTO plans (jurisdiction, year, status, state) VALUES ",
            " ON CONFLICT (jurisdiction, year) DO UPDATE SET status = excluded.status, state = excluded.state",
            4,
            &plans,
            |q, (jurisdiction, year, status, state)| {
                q.bind(jurisdiction.as_str()).bind(*year).bind(*status).bind(state.clone())
            },
        )
        .await?;
        insert_many(
            tx,
            "INSERT INTO project_events (project, seq) VALUES ",
            " ON CONFLICT (project, seq) DO NOTHING",
            2,
            &self.links,
            |q, (id, seq)| q.bind(id.as_str()).bind(*seq),
        )
        .await?;
        let numbers: Vec<(&String, &i64)> = self.numbers.iter().collect();
        insert_many(
            tx,
            "INSERT INTO project_numbers (prefix, last) VALUES ",
            " ON CONFLICT (prefix) DO UPDATE SET last = CASE WHEN excluded.last > project_numbers.last
               THEN excluded.last ELSE project_numbers.last END",
            2,
            &numbers,
            |q, (prefix, last)| q.bind(prefix.as_str()).bind(**last),
        )
        .await?;
        write_links(tx, &self.documents).await?;
        Ok(())
    }
}

/// Bound values per statement: under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_VALUES: usize = 30_000;

/// `INSERT … VALUES ($1, $2), ($3, $4) …`: `rows` written with as few statements as the limit on bound
/// values allows. `head` ends with `VALUES `; `tail` is what follows the rows (an `ON CONFLICT` clause).
pub(crate) async fn insert_many<T>(
    tx: &mut Transaction<'_, Any>,
    head: &str,
    tail: &str,
    columns: usize,
    rows: &[T],
    bind: impl Fn(Query<'static, Any, AnyArguments>, &T) -> Query<'static, Any, AnyArguments>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks((MAX_VALUES / columns).max(1)) {
        let mut sql = String::with_capacity(head.len() + tail.len() + chunk.len() * columns * 5);
        sql.push_str(head);
        let mut n = 0;
        for row in 0..chunk.len() {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for column in 0..columns {
                n += 1;
                if column > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        sql.push_str(tail);
        let query = chunk.iter().fold(sqlx::query(sqlx::AssertSqlSafe(sql)), &bind);
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
