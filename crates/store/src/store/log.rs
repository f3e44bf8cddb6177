//! The event log: the hashed body of each row, appending to the chain, and reading events back.

use super::requests::{DoneRequest, RequestKey, find_request_in};
use super::{Store, WriteGuard};
use crate::chain::{GENESIS, hash_event};
use crate::error::StoreError;
use govit_rules::{ProjectId, Recorded};
use serde::{Deserialize, Serialize};
use sqlx::{Any, Executor, Transaction};

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
    /// `password_change_failed`, `user_created`, `user_changed`, `organization_created`, `policies_loaded`,
    /// `history_imported`.
    pub kind: String,
    /// The account concerned.
    pub username: String,
    pub detail: String,
    /// Who acted: the account with its organisation and role, when a person did (an administrator changing an
    /// account, a user changing their password or logging in). Absent where no one is logged in yet (a failed
    /// login), where the identity provider or the system itself acted, and on records kept before it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<govit_rules::Actor>,
}

/// Writes one row of the log and returns its hash.
pub(crate) async fn insert_event(
    tx: &mut Transaction<'_, Any>,
    seq: i64,
    kind: &str,
    text: &str,
    prev: &[u8; 32],
) -> Result<[u8; 32], StoreError> {
    let hash = hash_event(prev, text.as_bytes());
    sqlx::query("INSERT INTO events (seq, kind, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)")
        .bind(seq)
        .bind(kind)
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
    recorded_at: &str,
    record: SecurityRecord,
) -> Result<i64, StoreError> {
    let (seq, prev) = head_in(tx).await?;
    let seq = seq + 1;
    let kind = format!("security.{}", record.kind);
    let body = Body { seq, recorded_at: recorded_at.to_owned(), record: None, security: Some(record) };
    let text = serde_json::to_string(&body).map_err(|e| StoreError::corrupt(seq, e))?;
    insert_event(tx, seq, &kind, &text, &prev).await?;
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

impl Store {
    /// What a request id produced, if a command with that id was done before by the same requester.
    pub async fn find_request(&self, key: &RequestKey) -> Result<Option<DoneRequest>, StoreError> {
        find_request_in(&self.pool, key).await
    }

    /// Appends records as one transaction: events, chain, request id (with the fingerprint of its command)
    /// and every projection they change.
    pub async fn append(
        &self,
        guard: &WriteGuard<'_>,
        request: Option<(&RequestKey, &str)>,
        recorded_at: &str,
        records: &[Recorded],
    ) -> Result<Appended, StoreError> {
        let mut batch = self.batch(guard).await?;
        let first_seq = batch.last_seq() + 1;
        batch.append(request, recorded_at, records).await?;
        let last_seq = batch.last_seq();
        batch.commit().await?;
        Ok(Appended { first_seq, last_seq })
    }

    /// Appends a security event to the same chain, in its own transaction.
    pub async fn append_security(
        &self,
        _guard: &WriteGuard<'_>,
        recorded_at: &str,
        record: SecurityRecord,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = append_security_in(&mut tx, recorded_at, record).await?;
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

    /// The newest `limit` decided (not security) events, newest first.
    pub async fn recent_decisions(&self, limit: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT seq, body, hash FROM events WHERE kind NOT LIKE 'security.%' ORDER BY seq DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(seq, body, hash)| stored(seq, &body, hash)).collect()
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
