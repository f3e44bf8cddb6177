//! Personal data, encrypted by the application layer (SM4-GCM) and kept outside the log: the store sees only
//! a reference id, the id of the key that sealed it, a nonce and the ciphertext (all hex), never a key or a
//! plaintext. Rows are written under the writer guard; a key rotation rewrites them all in one transaction.

use crate::error::StoreError;
use crate::store::{Store, WriteGuard};

/// One encrypted record of `personal_data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalRow {
    /// The reference the log carries (`TeamAppointed.contact`); also the AEAD's associated data.
    pub id: String,
    pub key_id: String,
    /// Hex of the 12-byte nonce.
    pub nonce: String,
    /// Hex of the ciphertext followed by its 16-byte tag.
    pub ciphertext: String,
    pub created_at: String,
}

pub(crate) async fn insert_personal_in<'e>(
    e: impl sqlx::Executor<'e, Database = sqlx::Any>,
    row: &PersonalRow,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO personal_data (id, key_id, nonce, ciphertext, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&row.id)
        .bind(&row.key_id)
        .bind(&row.nonce)
        .bind(&row.ciphertext)
        .bind(&row.created_at)
        .execute(e)
        .await?;
    Ok(())
}

impl Store {
    /// Stores one sealed record; its id must be new.
    pub async fn insert_personal(&self, _guard: &WriteGuard<'_>, row: &PersonalRow) -> Result<(), StoreError> {
        insert_personal_in(self.pool(), row).await
    }

    /// Removes a record no event came to refer to (the command that sealed it was not recorded).
    pub async fn delete_personal(&self, _guard: &WriteGuard<'_>, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM personal_data WHERE id = $1").bind(id).execute(self.pool()).await?;
        Ok(())
    }

    pub async fn personal(&self, id: &str) -> Result<Option<PersonalRow>, StoreError> {
        let row: Option<(String, String, String, String, String)> =
            sqlx::query_as("SELECT id, key_id, nonce, ciphertext, created_at FROM personal_data WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(into_row))
    }

    /// One record sealed with `key_id`, if any: what a node tries its key on at start.
    pub async fn personal_sealed_with(&self, key_id: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT id FROM personal_data WHERE key_id = $1 ORDER BY id LIMIT 1")
                .bind(key_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(id,)| id))
    }

    /// How many records each key sealed, by key id.
    pub async fn personal_keys_in_use(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as("SELECT key_id, COUNT(*) FROM personal_data GROUP BY key_id ORDER BY key_id")
            .fetch_all(self.pool())
            .await?)
    }

    /// Rewrites every record through `reseal` in one transaction: all rows or none. `reseal` gets each row
    /// as stored and returns it sealed anew (same id and creation time); its first error aborts the whole
    /// rewrite and is returned. Returns the number of rows rewritten.
    pub async fn rewrite_personal<E>(
        &self,
        _guard: &WriteGuard<'_>,
        mut reseal: impl FnMut(PersonalRow) -> Result<PersonalRow, E>,
    ) -> Result<usize, E>
    where
        E: From<StoreError>,
    {
        // IMMEDIATE: take the write lock before reading, so another process's write cannot slip in between.
        let mut tx = self.begin_write().await?;
        let rows: Vec<(String, String, String, String, String)> =
            sqlx::query_as("SELECT id, key_id, nonce, ciphertext, created_at FROM personal_data ORDER BY id")
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        let count = rows.len();
        for row in rows {
            let id = row.0.clone();
            let sealed = reseal(into_row(row))?;
            if sealed.id != id {
                return Err(StoreError::Corrupt {
                    seq: 0, reason: format!("个人信息记录 {id} 重新加密后编号改变")
                }
                .into());
            }
            sqlx::query("UPDATE personal_data SET key_id = $1, nonce = $2, ciphertext = $3 WHERE id = $4")
                .bind(&sealed.key_id)
                .bind(&sealed.nonce)
                .bind(&sealed.ciphertext)
                .bind(&id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(count)
    }
}

fn into_row((id, key_id, nonce, ciphertext, created_at): (String, String, String, String, String)) -> PersonalRow {
    PersonalRow { id, key_id, nonce, ciphertext, created_at }
}
