//! Signed checkpoints of the chain, and the raw rows an export or an outside auditor needs.

use crate::error::StoreError;
use crate::store::Store;
use serde::{Deserialize, Serialize};

/// A signed statement that the chain had `seq` events with head `head_hash` at `signed_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointRow {
    pub seq: i64,
    pub head_hash: String,
    pub signed_at: String,
    pub key_id: String,
    /// DER, hex.
    pub signature: String,
}

/// One event exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub body: String,
}

impl Store {
    /// Keeps a signed checkpoint; `false` when one of that event was kept first (by another node sharing the
    /// database: both signed the same head with the same key, and one signature is enough).
    pub async fn insert_checkpoint(&self, c: &CheckpointRow) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO checkpoints (seq, head_hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (seq) DO NOTHING",
        )
        .bind(c.seq)
        .bind(&c.head_hash)
        .bind(&c.signed_at)
        .bind(&c.key_id)
        .bind(&c.signature)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn checkpoints(&self) -> Result<Vec<CheckpointRow>, StoreError> {
        let rows: Vec<(i64, String, String, String, String)> =
            sqlx::query_as("SELECT seq, head_hash, signed_at, key_id, signature FROM checkpoints ORDER BY seq")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(seq, head_hash, signed_at, key_id, signature)| CheckpointRow {
                seq,
                head_hash,
                signed_at,
                key_id,
                signature,
            })
            .collect())
    }

    pub async fn last_checkpoint(&self) -> Result<Option<CheckpointRow>, StoreError> {
        self.checkpoint_where("ORDER BY seq DESC LIMIT 1", None).await
    }

    /// The checkpoint signed of event `seq`, if there is one.
    pub async fn checkpoint_at(&self, seq: i64) -> Result<Option<CheckpointRow>, StoreError> {
        self.checkpoint_where("WHERE seq = $1", Some(seq)).await
    }

    async fn checkpoint_where(
        &self,
        clause: &'static str,
        seq: Option<i64>,
    ) -> Result<Option<CheckpointRow>, StoreError> {
        let sql = format!("SELECT seq, head_hash, signed_at, key_id, signature FROM checkpoints {clause}");
        let mut query = sqlx::query_as::<_, (i64, String, String, String, String)>(sqlx::AssertSqlSafe(sql));
        if let Some(seq) = seq {
            query = query.bind(seq);
        }
        Ok(query.fetch_optional(self.pool()).await?.map(|(seq, head_hash, signed_at, key_id, signature)| {
            CheckpointRow { seq, head_hash, signed_at, key_id, signature }
        }))
    }

    /// The last event's sequence number and hash: the chain head.
    pub async fn head(&self) -> Result<Option<(i64, String)>, StoreError> {
        Ok(sqlx::query_as("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetch_optional(self.pool()).await?)
    }

    /// Up to `limit` events after `after`, exactly as stored.
    pub async fn raw_events(&self, after: i64, limit: i64) -> Result<Vec<RawEvent>, StoreError> {
        let rows: Vec<(i64, String, String, String)> =
            sqlx::query_as("SELECT seq, prev_hash, hash, body FROM events WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(after)
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().map(|(seq, prev_hash, hash, body)| RawEvent { seq, prev_hash, hash, body }).collect())
    }
}
