//! The open data sets published (政务公开): each cut of the public set, kept whole so that what was published
//! on a day can be served and proved later, whatever the public set has become since. A file is kept in
//! parts (compressed by the application) so that it is read back a part at a time, never whole.

use crate::error::StoreError;
use crate::store::Store;

/// One published data set: when it was cut, the event it was cut at, and its files (JSON the application
/// writes and reads: names, sizes, digests, signatures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDataSetRow {
    pub id: i64,
    pub cut_at: String,
    pub seq: i64,
    pub rows: i64,
    pub files: String,
}

/// A data set to keep, with the parts of each of its files in order.
#[derive(Debug)]
pub struct NewOpenDataSet<'a> {
    pub cut_at: &'a str,
    pub seq: i64,
    pub rows: i64,
    pub files: &'a str,
    /// `(file name, its parts)`.
    pub parts: &'a [(&'a str, Vec<Vec<u8>>)],
}

type SetTuple = (i64, String, i64, i64, String);

fn set_row((id, cut_at, seq, rows, files): SetTuple) -> OpenDataSetRow {
    OpenDataSetRow { id, cut_at, seq, rows, files }
}

impl Store {
    /// Keeps a data set and all its parts, or nothing; returns its number.
    pub async fn insert_open_data_set(&self, set: &NewOpenDataSet<'_>) -> Result<i64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO open_data_sets (cut_at, seq, row_count, files) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(set.cut_at)
        .bind(set.seq)
        .bind(set.rows)
        .bind(set.files)
        .fetch_one(&mut *tx)
        .await?;
        for (file, parts) in set.parts {
            for (part, bytes) in parts.iter().enumerate() {
                sqlx::query("INSERT INTO open_data_parts (dataset, file, part, bytes) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(*file)
                    .bind(i64::try_from(part).unwrap_or(i64::MAX))
                    .bind(bytes.as_slice())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The data sets published, newest first, at most `limit`.
    pub async fn open_data_sets(&self, limit: i64) -> Result<Vec<OpenDataSetRow>, StoreError> {
        let rows: Vec<SetTuple> =
            sqlx::query_as("SELECT id, cut_at, seq, row_count, files FROM open_data_sets ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().map(set_row).collect())
    }

    pub async fn open_data_set(&self, id: i64) -> Result<Option<OpenDataSetRow>, StoreError> {
        let row: Option<SetTuple> =
            sqlx::query_as("SELECT id, cut_at, seq, row_count, files FROM open_data_sets WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(set_row))
    }

    /// One part of a file of a data set, as kept.
    pub async fn open_data_part(&self, id: i64, file: &str, part: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let row: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT bytes FROM open_data_parts WHERE dataset = $1 AND file = $2 AND part = $3")
                .bind(id)
                .bind(file)
                .bind(part)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(b,)| b))
    }
}
