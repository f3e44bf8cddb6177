//! The store: open, append under the writer guard, read projections, walk the chain, rebuild.

use crate::chain::{ChainBreak, ChainReport, GENESIS, hash_event};
use crate::documents::{Link, write_links};
use crate::error::StoreError;
use crate::schema::{CLEAR_PROJECTIONS, migrate};
use govit_rules::{Event, JurisdictionId, Plan, Project, ProjectId, Recorded};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Executor, Row, Transaction};
use std::collections::HashMap;
use tokio::sync::{Mutex, MutexGuard};

/// A body read for its sequence number only (serde skips the rest without building it).
#[derive(Deserialize)]
struct BodySeq {
    seq: i64,
}

/// The bytes that are hashed: the record with its place in the log.
#[derive(Debug, Serialize, Deserialize)]
struct Body {
    seq: i64,
    recorded_at: String,
    /// A decided event; absent on a security event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<Recorded>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    security: Option<SecurityRecord>,
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
async fn insert_event(
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

/// The chain head inside a transaction: `(last seq, its hash)`, or `(0, genesis)`.
async fn head_in(tx: &mut Transaction<'_, Any>) -> Result<(i64, [u8; 32]), StoreError> {
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
        let path = path.to_str().ok_or_else(|| StoreError::NonUtf8Path(path.display().to_string()))?;
        // The URL form percent-decodes the path: keep `%`, `?` and `#` in file names as they are.
        let path = path.replace('%', "%25").replace('?', "%3F").replace('#', "%23");
        Store::open_url_with(&format!("sqlite://{path}?mode=rwc"), durability).await
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
        let pool = options.connect(url).await?;
        migrate(&pool, backend).await?;
        Ok(Store { pool, backend, writer: Mutex::new(()) })
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
        let row: Option<(i64, i64)> = sqlx::query_as("SELECT first_seq, last_seq FROM requests WHERE request_id = $1")
            .bind(request_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(first_seq, last_seq)| Appended { first_seq, last_seq }))
    }

    /// The number the next project registered in `jurisdiction` in `year` gets: `wuhan-2022-0001`.
    pub async fn next_project_id(
        &self,
        _guard: &WriteGuard<'_>,
        jurisdiction: &JurisdictionId,
        year: i32,
    ) -> Result<ProjectId, StoreError> {
        let prefix = format!("{jurisdiction}-{year}-");
        let last: Option<(i64,)> = sqlx::query_as("SELECT last FROM project_numbers WHERE prefix = $1")
            .bind(&prefix)
            .fetch_optional(&self.pool)
            .await?;
        let next = last.map_or(1, |(n,)| n + 1);
        ProjectId::parse(format!("{prefix}{next:04}")).map_err(|e| StoreError::corrupt(0, e))
    }

    /// Appends records as one transaction: events, chain, request id and every projection they change.
    pub async fn append(
        &self,
        _guard: &WriteGuard<'_>,
        request_id: Option<&str>,
        recorded_at: &str,
        records: &[Recorded],
    ) -> Result<Appended, StoreError> {
        let mut tx = self.begin_write().await?;
        let (mut seq, mut prev) = head_in(&mut tx).await?;
        let first_seq = seq + 1;
        let mut fold = Fold::default();
        for record in records {
            seq += 1;
            let body = Body { seq, recorded_at: recorded_at.to_owned(), record: Some(record.clone()), security: None };
            let text = serde_json::to_string(&body).map_err(|e| StoreError::corrupt(seq, e))?;
            let hash =
                insert_event(&mut tx, seq, record.event.kind(), &record.on.to_string(), recorded_at, &text, &prev)
                    .await?;
            fold.apply(&mut tx, seq, record).await?;
            prev = hash;
        }
        if let Some(id) = request_id {
            sqlx::query("INSERT INTO requests (request_id, first_seq, last_seq) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(first_seq)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        fold.write(&mut tx).await?;
        tx.commit().await?;
        Ok(Appended { first_seq, last_seq: seq })
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
        let (seq, prev) = head_in(&mut tx).await?;
        let seq = seq + 1;
        let kind = format!("security.{}", record.kind);
        let body = Body { seq, recorded_at: recorded_at.to_owned(), record: None, security: Some(record) };
        let text = serde_json::to_string(&body).map_err(|e| StoreError::corrupt(seq, e))?;
        insert_event(&mut tx, seq, &kind, occurred_on, recorded_at, &text, &prev).await?;
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
        let row: Option<(i64, String)> = sqlx::query_as("SELECT last_seq, state FROM projects WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(seq, state)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))).transpose()
    }

    pub async fn plan(&self, jurisdiction: &JurisdictionId, year: i32) -> Result<Option<Plan>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT state FROM plans WHERE jurisdiction = $1 AND year = $2")
            .bind(jurisdiction.as_str())
            .bind(year)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(state,)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(0, e))).transpose()
    }

    /// The folded state of every project, or of one owner's projects: what visibility and deadline queries
    /// start from.
    pub async fn project_states(&self, owner: Option<&str>) -> Result<Vec<Project>, StoreError> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT last_seq, state FROM projects WHERE ($1 IS NULL OR owner = $1) ORDER BY id")
                .bind(owner)
                .fetch_all(&self.pool)
                .await?;
        parse_states(rows)
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
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM projects WHERE jurisdiction = $1 AND plan_year = $2 AND status = 'proposed' AND supplementary = 0 ORDER BY id",
        )
        .bind(jurisdiction.as_str())
        .bind(year)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(id,)| ProjectId::parse(id).map_err(|e| StoreError::corrupt(0, e))).collect()
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
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT seq, body, hash FROM events WHERE seq BETWEEN $1 AND $2 AND kind NOT LIKE 'security.%' ORDER BY seq")
                .bind(first)
                .bind(last)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(|(seq, body, hash)| stored(seq, &body, hash)).collect()
    }

    /// Walks the whole log: contiguous sequence numbers from 1, each body naming its own row, each hash
    /// recomputed from the previous one. Reports the first place where the log is not what was written.
    pub async fn verify_chain(&self) -> Result<ChainReport, StoreError> {
        self.verify_chain_with(|_, _| ()).await
    }

    /// [`Store::verify_chain`], telling `on_verified` the sequence number and hash of every event that
    /// checked out, in order: for checkpoints and progress bars.
    pub async fn verify_chain_with(
        &self,
        mut on_verified: impl FnMut(i64, &[u8; 32]),
    ) -> Result<ChainReport, StoreError> {
        let mut report = ChainReport { events: 0, bytes: 0, head: GENESIS, first_break: None };
        let mut expected_seq = 1i64;
        let mut after = 0i64;
        loop {
            let rows: Vec<(i64, String, String, String)> =
                sqlx::query_as("SELECT seq, body, prev_hash, hash FROM events WHERE seq > $1 ORDER BY seq LIMIT 5000")
                    .bind(after)
                    .fetch_all(&self.pool)
                    .await?;
            if rows.is_empty() {
                return Ok(report);
            }
            for (seq, body, prev_hash, hash) in rows {
                after = seq;
                let broken = |reason: String| Some(ChainBreak { seq, reason });
                // Compared as bytes: a stored hash that is not 64 hex digits cannot match.
                let computed = hash_event(&report.head, body.as_bytes());
                let problem = if seq != expected_seq {
                    broken(format!("序号不连续:应为 {expected_seq},实为 {seq}(事件被删除或插入)"))
                } else if decode_hash(seq, &prev_hash).ok() != Some(report.head) {
                    broken("前一哈希与上一事件的哈希不符(事件被删除、插入或重排)".to_owned())
                } else if decode_hash(seq, &hash).ok() != Some(computed) {
                    broken("内容与哈希不符(事件内容被改动)".to_owned())
                } else {
                    // Only the body's own sequence number is checked here; the rest was hashed above.
                    match serde_json::from_str::<BodySeq>(&body) {
                        Ok(b) if b.seq == seq => None,
                        Ok(b) => broken(format!("事件内容记载的序号为 {},与所在位置 {seq} 不符", b.seq)),
                        Err(e) => broken(format!("事件内容无法解析:{e}")),
                    }
                };
                if problem.is_some() {
                    report.first_break = problem;
                    return Ok(report);
                }
                report.head = computed;
                on_verified(seq, &report.head);
                report.events += 1;
                report.bytes += body.len() as u64;
                expected_seq += 1;
            }
        }
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

    /// The number of events in the log.
    pub async fn event_count(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events").fetch_one(&self.pool).await?;
        Ok(n)
    }
}

fn parse_states(rows: Vec<(i64, String)>) -> Result<Vec<Project>, StoreError> {
    rows.into_iter().map(|(seq, state)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))).collect()
}

fn stored(seq: i64, body: &str, hash: String) -> Result<StoredEvent, StoreError> {
    let b: Body = serde_json::from_str(body).map_err(|e| StoreError::corrupt(seq, e))?;
    let record = b.record.ok_or_else(|| StoreError::corrupt(seq, "不是业务事件"))?;
    Ok(StoredEvent { seq, recorded_at: b.recorded_at, hash, record })
}

fn decode_hash(seq: i64, text: &str) -> Result<[u8; 32], StoreError> {
    let bytes = hex::decode(text).map_err(|e| StoreError::corrupt(seq, e))?;
    bytes.try_into().map_err(|_| StoreError::corrupt(seq, "哈希长度不是32字节"))
}

/// Folds events into projections: loads what it touches once, writes each changed row once at the end.
#[derive(Default)]
struct Fold {
    projects: HashMap<ProjectId, (Project, i64)>,
    plans: HashMap<(JurisdictionId, i32), Plan>,
    links: Vec<(ProjectId, i64)>,
    /// The documents the records used: the `document_links` projection.
    documents: Vec<Link>,
    /// The highest number registered per `jurisdiction-year-` prefix: the `project_numbers` projection.
    numbers: HashMap<String, i64>,
}

impl Fold {
    async fn apply(&mut self, tx: &mut Transaction<'_, Any>, seq: i64, record: &Recorded) -> Result<(), StoreError> {
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

    async fn write(self, tx: &mut Transaction<'_, Any>) -> Result<(), StoreError> {
        for (id, (p, last_seq)) in &self.projects {
            let state = serde_json::to_string(p).map_err(|e| StoreError::corrupt(*last_seq, e))?;
            let plan_year = p.plan.as_ref().map(|e| e.year);
            let supplementary = p.plan.as_ref().is_some_and(|e| e.supplementary.is_some());
            sqlx::query(
                "INSERT INTO projects (id, name, owner, jurisdiction, status, route, approver, category, investment, approved_investment, plan_year, supplementary, registered_on, last_seq, state)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status, approver = excluded.approver,
                   approved_investment = excluded.approved_investment, plan_year = excluded.plan_year,
                   supplementary = excluded.supplementary, last_seq = excluded.last_seq, state = excluded.state",
            )
            .bind(id.as_str())
            .bind(p.name.as_str())
            .bind(p.owner.name.as_str())
            .bind(p.jurisdiction.as_str())
            .bind(p.status.code())
            .bind(p.route.code())
            .bind(p.approver.code())
            .bind(p.category.code())
            .bind(p.investment.yuan())
            .bind(p.approved_investment.map(|m| m.yuan()))
            .bind(plan_year)
            .bind(i64::from(supplementary))
            .bind(p.registered_on.to_string())
            .bind(last_seq)
            .bind(state)
            .execute(&mut **tx)
            .await?;
        }
        for ((jurisdiction, year), plan) in &self.plans {
            let state = serde_json::to_string(plan).map_err(|e| StoreError::corrupt(0, e))?;
            sqlx::query(
                "INSERT INTO plans (jurisdiction, year, status, state) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (jurisdiction, year) DO UPDATE SET status = excluded.status, state = excluded.state",
            )
            .bind(jurisdiction.as_str())
            .bind(year)
            .bind(plan.status.code())
            .bind(state)
            .execute(&mut **tx)
            .await?;
        }
        for (id, seq) in &self.links {
            sqlx::query(
                "INSERT INTO project_events (project, seq) VALUES ($1, $2) ON CONFLICT (project, seq) DO NOTHING",
            )
            .bind(id.as_str())
            .bind(seq)
            .execute(&mut **tx)
            .await?;
        }
        for (prefix, last) in &self.numbers {
            sqlx::query(
                "INSERT INTO project_numbers (prefix, last) VALUES ($1, $2)
                 ON CONFLICT (prefix) DO UPDATE SET last = CASE WHEN excluded.last > project_numbers.last
                   THEN excluded.last ELSE project_numbers.last END",
            )
            .bind(prefix)
            .bind(last)
            .execute(&mut **tx)
            .await?;
        }
        write_links(tx, &self.documents).await?;
        Ok(())
    }
}
