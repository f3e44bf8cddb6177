//! Documents (实施方案, 评估报告, 验收材料…) stored by the SM3 digest of their bytes, and their links to the
//! events that used them.
//!
//! `documents` is content, written once per digest and never changed or removed. `document_links` is a
//! projection: it is folded from the attachments the log's records name, written in the same transaction as
//! their events, and rebuilt with the other projections.

use crate::error::StoreError;
use crate::store::{Body, Store, linked_project};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A stored document without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRow {
    /// Lowercase hex SM3 of the bytes as uploaded.
    pub digest: String,
    pub size: i64,
    pub media_type: String,
    pub filename: String,
    /// The organisation of whoever uploaded it first.
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// A document to store.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub digest: &'a str,
    pub media_type: &'a str,
    pub filename: &'a str,
    pub uploaded_by: &'a str,
    pub uploaded_at: &'a str,
    pub content: &'a [u8],
}

/// A document as linked to one event of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedDocument {
    pub document: DocumentRow,
    /// The event that used it.
    pub seq: i64,
    /// The event's date.
    pub on: String,
    /// The event's type (`stage_submitted`).
    pub kind: String,
}

/// One link of the projection: a digest used by the event `seq`, about `project` when the event concerns
/// exactly one project (plan events concern many and are linked without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub digest: String,
    pub seq: i64,
    pub project: Option<String>,
    /// Where the event named it among its attachments.
    pub position: i64,
}

/// The description's columns, as a literal so queries stay static strings.
macro_rules! columns {
    () => {
        "d.digest, d.size, d.media_type, d.filename, d.uploaded_by, d.uploaded_at"
    };
}

fn row(r: &AnyRow) -> Result<DocumentRow, sqlx::Error> {
    Ok(DocumentRow {
        digest: r.try_get("digest")?,
        size: r.try_get("size")?,
        media_type: r.try_get("media_type")?,
        filename: r.try_get("filename")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

impl Store {
    /// Stores a document unless one with its digest is already there (the same bytes are kept once; the
    /// first upload's name and uploader stay), and records the uploader as holding it either way. Returns
    /// whether a document row was written.
    pub async fn insert_document(&self, doc: &NewDocument<'_>) -> Result<bool, StoreError> {
        let size = i64::try_from(doc.content.len()).map_err(|e| StoreError::corrupt(0, e))?;
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "INSERT INTO documents (digest, size, media_type, filename, uploaded_by, uploaded_at, content)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (digest) DO NOTHING",
        )
        .bind(doc.digest)
        .bind(size)
        .bind(doc.media_type)
        .bind(doc.filename)
        .bind(doc.uploaded_by)
        .bind(doc.uploaded_at)
        .bind(doc.content)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO document_holders (digest, organization, uploaded_at) VALUES ($1, $2, $3)
             ON CONFLICT (digest, organization) DO NOTHING",
        )
        .bind(doc.digest)
        .bind(doc.uploaded_by)
        .bind(doc.uploaded_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Whether `organization` uploaded the bytes of `digest` itself (first or later).
    pub async fn holds_document(&self, digest: &str, organization: &str) -> Result<bool, StoreError> {
        let held: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM document_holders WHERE digest = $1 AND organization = $2")
                .bind(digest)
                .bind(organization)
                .fetch_optional(self.pool())
                .await?;
        Ok(held.is_some())
    }

    /// A document's description, without its bytes.
    pub async fn document(&self, digest: &str) -> Result<Option<DocumentRow>, StoreError> {
        let r = sqlx::query(concat!("SELECT ", columns!(), " FROM documents d WHERE d.digest = $1"))
            .bind(digest)
            .fetch_optional(self.pool())
            .await?;
        Ok(r.as_ref().map(row).transpose()?)
    }

    /// A document with its bytes, exactly as stored (the caller checks them against the digest).
    pub async fn document_content(&self, digest: &str) -> Result<Option<(DocumentRow, Vec<u8>)>, StoreError> {
        let r = sqlx::query(concat!("SELECT ", columns!(), ", d.content FROM documents d WHERE d.digest = $1"))
            .bind(digest)
            .fetch_optional(self.pool())
            .await?;
        match r {
            Some(r) => Ok(Some((row(&r)?, r.try_get("content")?))),
            None => Ok(None),
        }
    }

    /// The projects a document is linked to (through the events that used it); `None` for a plan event.
    pub async fn document_projects(&self, digest: &str) -> Result<Vec<Option<String>>, StoreError> {
        let rows: Vec<(Option<String>,)> =
            sqlx::query_as("SELECT DISTINCT project FROM document_links WHERE digest = $1 ORDER BY project")
                .bind(digest)
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().map(|(p,)| p).collect())
    }

    /// A project's documents with the events that used them, oldest event first, in the order each event
    /// named them. The event's date and type are read from its hashed body, and the link itself is held to
    /// it (the body names the document and the project), so the list shows only what `audit verify` checks;
    /// a link the body does not bear out is a corrupt store.
    pub async fn project_documents(&self, project: &str) -> Result<Vec<LinkedDocument>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            ", l.seq, e.body
             FROM document_links l JOIN documents d ON d.digest = l.digest JOIN events e ON e.seq = l.seq
             WHERE l.project = $1 ORDER BY l.seq, l.position"
        ))
        .bind(project)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let (document, seq, body): (DocumentRow, i64, String) =
                    (row(r)?, r.try_get("seq")?, r.try_get("body")?);
                let body: Body = serde_json::from_str(&body).map_err(|e| StoreError::corrupt(seq, e))?;
                let record = body.record.ok_or_else(|| StoreError::corrupt(seq, "文件关联指向的不是业务事件"))?;
                let named = record.attachments.contains(&document.digest) && linked_project(&record) == Some(project);
                if !named {
                    return Err(StoreError::corrupt(
                        seq,
                        format!("事件内容未记载文件 {} 与项目 {project} 的关联", document.digest),
                    ));
                }
                Ok(LinkedDocument { document, seq, on: record.on.to_string(), kind: record.event.kind().to_owned() })
            })
            .collect()
    }
}

/// Writes links in the caller's transaction (an append or a rebuild). An event naming a document the store
/// does not hold is a corrupt store, not a link to nothing.
pub(crate) async fn write_links(tx: &mut Transaction<'_, Any>, links: &[Link]) -> Result<(), StoreError> {
    for link in links {
        let (held,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM documents WHERE digest = $1")
            .bind(&link.digest)
            .fetch_one(&mut **tx)
            .await?;
        if held == 0 {
            return Err(StoreError::corrupt(link.seq, format!("事件引用的文件 {} 不存在", link.digest)));
        }
        sqlx::query("INSERT INTO document_links (digest, seq, project, position) VALUES ($1, $2, $3, $4) ON CONFLICT (digest, seq) DO NOTHING")
            .bind(&link.digest)
            .bind(link.seq)
            .bind(&link.project)
            .bind(link.position)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
