//! Published open data sets (政务公开数据集): the public set cut at one event of the log, in CSV and JSON,
//! each file signed with the audit key and tied to the signed checkpoint of that event. A data set is kept
//! whole once cut, so what was published on a day is served and proved later even when a project has left the
//! public set since (an operator narrowed `open-data.yaml`); it is read back a part at a time, so serving it
//! takes the same memory whatever its size.
//!
//! A file's signature (`FILE.sig`) is a short text: the statement that is signed — the file's name, SM3
//! digest, size and rows, when it was cut, the checkpoint it is tied to (sequence number, head, time and the
//! checkpoint's own signature) and the key — then one line `signature=` with the SM2 signature (DER, base64)
//! of those lines. Stock OpenSSL checks both signatures and the digest (docs/OPEN-DATA.md).

use crate::audit::{checkpoint_message, signed_checkpoint};
use crate::keys::{AuditKey, AuditPublicKey};
use crate::open_data::{OpenDataConfig, PublicProject, csv_header, csv_line, json_line};
use crate::{App, AppError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use govit_store::{CheckpointRow, NewOpenDataSet, StoreError};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};
use std::io::{Read, Write};

/// The files of a data set, with their media types.
pub const FILES: [(&str, &str); 2] =
    [("projects.csv", "text/csv; charset=utf-8"), ("projects.json", "application/json; charset=utf-8")];

/// Rows in a part of a kept file.
const PART_ROWS: usize = 1000;

/// The first line of every statement.
const MAGIC: &str = "govit-open-data";

fn internal(e: StoreError) -> AppError {
    AppError::internal(e.to_string())
}

/// One file of a data set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFile {
    pub name: String,
    pub media_type: String,
    pub bytes: u64,
    /// Hex.
    pub sm3: String,
    pub parts: i64,
    /// The text of `NAME.sig`.
    pub signature: String,
}

/// What a data set keeps beside its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Kept {
    checkpoint: CheckpointRow,
    public_key: String,
    files: Vec<DataFile>,
}

/// A published data set.
#[derive(Debug, Clone, Serialize)]
pub struct DataSet {
    pub id: i64,
    /// RFC 3339, Asia/Shanghai.
    pub cut_at: String,
    /// The last event it reflects, and the checkpoint signed of it.
    pub checkpoint: CheckpointRow,
    pub rows: i64,
    /// The audit public key (PEM) that signed it.
    pub public_key: String,
    pub files: Vec<DataFile>,
}

impl DataSet {
    fn of(row: govit_store::OpenDataSetRow) -> Result<DataSet, AppError> {
        let kept: Kept = serde_json::from_str(&row.files)
            .map_err(|e| AppError::internal(format!("数据集 {} 的记录无法读取:{e}", row.id)))?;
        Ok(DataSet {
            id: row.id,
            cut_at: row.cut_at,
            checkpoint: kept.checkpoint,
            rows: row.rows,
            public_key: kept.public_key,
            files: kept.files,
        })
    }

    pub fn file(&self, name: &str) -> Option<&DataFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// When it was cut, as people read it (`2026-12-07 00:00:05`, Beijing time).
    pub fn cut_time(&self) -> String {
        self.cut_at.get(..19).unwrap_or(&self.cut_at).replace('T', " ")
    }

    /// The day it was cut (`2026-12-07`).
    pub fn day(&self) -> &str {
        self.cut_at.get(..10).unwrap_or(&self.cut_at)
    }
}

/// What a signature says of one file: the signed lines of its `.sig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub file: String,
    pub sm3: String,
    pub bytes: u64,
    pub rows: i64,
    pub cut_at: String,
    pub checkpoint_seq: i64,
    pub checkpoint_head: String,
    pub checkpoint_signed_at: String,
    /// The checkpoint's own signature (DER, base64).
    pub checkpoint_signature: String,
    pub key_id: String,
}

impl Statement {
    /// The exact bytes signed.
    pub fn text(&self) -> String {
        format!(
            "{MAGIC}\nfile={}\nsm3={}\nbytes={}\nrows={}\ncut_at={}\ncheckpoint_seq={}\ncheckpoint_head={}\n\
             checkpoint_signed_at={}\ncheckpoint_signature={}\nkey_id={}\n",
            self.file,
            self.sm3,
            self.bytes,
            self.rows,
            self.cut_at,
            self.checkpoint_seq,
            self.checkpoint_head,
            self.checkpoint_signed_at,
            self.checkpoint_signature,
            self.key_id
        )
    }

    /// Reads the signed lines back; `None` when they are not a statement's, in a statement's order.
    fn parse(text: &str) -> Option<Statement> {
        let mut lines = text.lines();
        if lines.next() != Some(MAGIC) {
            return None;
        }
        let mut field = |name: &str| lines.next()?.strip_prefix(name)?.strip_prefix('=').map(str::to_owned);
        let statement = Statement {
            file: field("file")?,
            sm3: field("sm3")?,
            bytes: field("bytes")?.parse().ok()?,
            rows: field("rows")?.parse().ok()?,
            cut_at: field("cut_at")?,
            checkpoint_seq: field("checkpoint_seq")?.parse().ok()?,
            checkpoint_head: field("checkpoint_head")?,
            checkpoint_signed_at: field("checkpoint_signed_at")?,
            checkpoint_signature: field("checkpoint_signature")?,
            key_id: field("key_id")?,
        };
        // Written again, the fields must give back the very bytes: nothing before, between or after them.
        (statement.text() == text).then_some(statement)
    }
}

/// Checks a downloaded file against its `.sig` with the audit public key: the file's SM3 and size, the SM2
/// signature of the statement and the checkpoint's own signature. Every failure found is told, in Chinese.
pub fn verify(file: impl Read, sig: &str, key: &AuditPublicKey) -> Result<Statement, Vec<String>> {
    let Some((signed, signature)) = sig.rsplit_once("signature=").filter(|(s, _)| s.ends_with('\n')) else {
        return Err(vec!["签名文件格式无效:没有 signature= 一行".to_owned()]);
    };
    let Some(statement) = Statement::parse(signed) else {
        return Err(vec!["签名文件格式无效:签名内容的行不完整或顺序不对".to_owned()]);
    };
    let mut problems = Vec::new();
    if statement.key_id != key.key_id {
        problems.push(format!("签名所用密钥 {} 不是所给公钥 {}", statement.key_id, key.key_id));
    }
    let der = BASE64.decode(signature.trim_end()).unwrap_or_default();
    if !key.verify(signed.as_bytes(), &der) {
        problems.push("数据集签名无效:签名内容被改动,或不是此公钥所签".to_owned());
    }
    let message =
        checkpoint_message(statement.checkpoint_seq, &statement.checkpoint_head, &statement.checkpoint_signed_at);
    let checkpoint = BASE64.decode(&statement.checkpoint_signature).unwrap_or_default();
    if !key.verify(message.as_bytes(), &checkpoint) {
        problems.push(format!("检查点 {} 的签名无效", statement.checkpoint_seq));
    }
    match digest(file) {
        Ok((sm3, bytes)) => {
            if sm3 != statement.sm3 {
                problems.push(format!("文件的 SM3 摘要为 {sm3},签名中为 {}:文件被改动", statement.sm3));
            }
            if bytes != statement.bytes {
                problems.push(format!("文件大小为 {bytes} 字节,签名中为 {}", statement.bytes));
            }
        }
        Err(e) => problems.push(format!("无法读取文件:{e}")),
    }
    if problems.is_empty() { Ok(statement) } else { Err(problems) }
}

fn digest(mut file: impl Read) -> std::io::Result<(String, u64)> {
    let mut hasher = Sm3::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok((hex::encode(hasher.finalize()), bytes));
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
}

/// A file being written in compressed parts, its digest taken on the way.
struct PartWriter {
    hasher: Sm3,
    bytes: u64,
    current: Vec<u8>,
    parts: Vec<Vec<u8>>,
}

impl PartWriter {
    fn new() -> PartWriter {
        PartWriter { hasher: Sm3::new(), bytes: 0, current: Vec::new(), parts: Vec::new() }
    }

    fn write(&mut self, text: &str) {
        self.hasher.update(text.as_bytes());
        self.bytes += text.len() as u64;
        self.current.extend_from_slice(text.as_bytes());
    }

    fn end_part(&mut self) -> Result<(), AppError> {
        if self.current.is_empty() {
            return Ok(());
        }
        let fault = |e: std::io::Error| AppError::internal(format!("数据集压缩失败:{e}"));
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(&self.current).map_err(fault)?;
        self.parts.push(encoder.finish().map_err(fault)?);
        self.current.clear();
        Ok(())
    }

    fn finish(mut self, name: &'static str) -> Result<Written, AppError> {
        self.end_part()?;
        Ok(Written { name, sm3: hex::encode(self.hasher.finalize()), bytes: self.bytes, parts: self.parts })
    }
}

/// A file written: its name, SM3 (hex), size and compressed parts.
struct Written {
    name: &'static str,
    sm3: String,
    bytes: u64,
    parts: Vec<Vec<u8>>,
}

/// The two files of `rows`, in the order of [`FILES`].
fn render(rows: &[PublicProject]) -> Result<Vec<Written>, AppError> {
    let (mut csv, mut json) = (PartWriter::new(), PartWriter::new());
    csv.write(&csv_header());
    json.write("[\n");
    for (i, chunk) in rows.chunks(PART_ROWS).enumerate() {
        for (j, r) in chunk.iter().enumerate() {
            csv.write(&csv_line(r));
            json.write(&json_line(r, i * PART_ROWS + j + 1 == rows.len())?);
        }
        csv.end_part()?;
        json.end_part()?;
    }
    json.write("]\n");
    Ok(vec![csv.finish(FILES[0].0)?, json.finish(FILES[1].0)?])
}

impl App {
    /// Cuts the public set as it stands at the head of the log and publishes it, signed and tied to the
    /// checkpoint of that head (signed now when there is none yet). Nothing is published when the log is empty
    /// or when the files are exactly those of the last data set: that one still stands.
    pub async fn cut_open_data(&self, config: &OpenDataConfig, key: &AuditKey) -> Result<Option<DataSet>, AppError> {
        // The index is brought up to date before the writers are held (on a new day it is built whole), so that
        // under the lock only the last few changes are read.
        self.digests(self.clock.today()).await?;
        let guard = self.store.lock().await;
        // Another server sharing the database may append meanwhile: the head is read before and after the
        // public set, and the cut is taken again until both agree, so the set is exactly that of the head.
        let mut tries = 0;
        let (seq, head, rows) = loop {
            let Some((seq, head)) = self.store.head().await.map_err(internal)? else { return Ok(None) };
            let rows = self.public_digests(config).await?;
            if self.store.head().await.map_err(internal)?.is_some_and(|(after, _)| after == seq) {
                break (seq, head, rows);
            }
            tries += 1;
            if tries == 5 {
                return Err(AppError::internal("日志持续写入,未能截取数据集,稍后再试"));
            }
        };
        let checkpoint = self.checkpoint_of(key, seq, head).await?;
        drop(guard);
        let files = render(&rows)?;
        let last = self.open_data_sets(1).await?.into_iter().next();
        if let Some(last) = &last
            && files.iter().all(|w| last.file(w.name).is_some_and(|f| f.sm3 == w.sm3))
        {
            return Ok(None);
        }
        // Cut times only go forward, whichever server cuts (their clocks may differ a little): the newest set's
        // `Last-Modified` is never earlier than the one before.
        let now = self.clock.now();
        let cut_at = last
            .and_then(|l| chrono::DateTime::parse_from_rfc3339(&l.cut_at).ok())
            .filter(|previous| *previous > now)
            .map_or(now, |previous| previous + chrono::Duration::seconds(1))
            .to_rfc3339();
        let rows_count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let checkpoint_signature =
            BASE64.encode(hex::decode(&checkpoint.signature).map_err(|e| AppError::internal(e.to_string()))?);
        let kept_files: Vec<DataFile> = files
            .iter()
            .zip(FILES)
            .map(|(w, (_, media_type))| {
                let statement = Statement {
                    file: w.name.to_owned(),
                    sm3: w.sm3.clone(),
                    bytes: w.bytes,
                    rows: rows_count,
                    cut_at: cut_at.clone(),
                    checkpoint_seq: checkpoint.seq,
                    checkpoint_head: checkpoint.head_hash.clone(),
                    checkpoint_signed_at: checkpoint.signed_at.clone(),
                    checkpoint_signature: checkpoint_signature.clone(),
                    key_id: key.key_id.clone(),
                };
                let text = statement.text();
                let signature = format!("{text}signature={}\n", BASE64.encode(key.sign(text.as_bytes())));
                DataFile {
                    name: w.name.to_owned(),
                    media_type: media_type.to_owned(),
                    bytes: w.bytes,
                    sm3: w.sm3.clone(),
                    parts: i64::try_from(w.parts.len()).unwrap_or(i64::MAX),
                    signature,
                }
            })
            .collect();
        let kept = Kept { checkpoint, public_key: key.public_pem.clone(), files: kept_files };
        let record = serde_json::to_string(&kept).map_err(|e| AppError::internal(e.to_string()))?;
        let parts: Vec<(&str, Vec<Vec<u8>>)> = files.into_iter().map(|w| (w.name, w.parts)).collect();
        let id = self
            .store
            .insert_open_data_set(&NewOpenDataSet {
                cut_at: &cut_at,
                seq,
                rows: rows_count,
                files: &record,
                parts: &parts,
            })
            .await
            .map_err(internal)?;
        tracing::info!(id, seq, rows = rows_count, "open data set published");
        Ok(Some(DataSet {
            id,
            cut_at,
            checkpoint: kept.checkpoint,
            rows: rows_count,
            public_key: kept.public_key,
            files: kept.files,
        }))
    }

    /// The checkpoint of event `seq`: the one signed already, or one signed now.
    async fn checkpoint_of(&self, key: &AuditKey, seq: i64, head: String) -> Result<CheckpointRow, AppError> {
        if let Some(c) = self.store.checkpoint_at(seq).await.map_err(internal)? {
            // Signed with a key since replaced: a set tied to it would not verify with this key. The next event
            // gives a head of its own, which this key signs.
            if c.key_id != key.key_id {
                return Err(AppError::internal(format!(
                    "检查点 {seq} 由另一密钥({})签名,与当前审计密钥({})不同:待有新事件后再截取数据集",
                    c.key_id, key.key_id
                )));
            }
            return Ok(c);
        }
        let row = signed_checkpoint(key, seq, head, self.clock.now().to_rfc3339());
        if self.store.insert_checkpoint(&row).await.map_err(internal)? {
            return Ok(row);
        }
        // Another server signed that event first: its checkpoint is the one on record.
        self.store
            .checkpoint_at(seq)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::internal(format!("检查点 {seq} 未能保存")))
    }

    /// The data sets published, newest first, at most `limit`.
    pub async fn open_data_sets(&self, limit: i64) -> Result<Vec<DataSet>, AppError> {
        self.store.open_data_sets(limit).await.map_err(internal)?.into_iter().map(DataSet::of).collect()
    }

    /// A data set by its number, or the newest when `id` is `None`.
    pub async fn open_data_set(&self, id: Option<i64>) -> Result<DataSet, AppError> {
        let row = match id {
            Some(id) => self.store.open_data_set(id).await.map_err(internal)?,
            None => self.store.open_data_sets(1).await.map_err(internal)?.into_iter().next(),
        };
        let what = id.map_or_else(|| "已发布的数据集".to_owned(), |id| format!("数据集 {id}"));
        DataSet::of(row.ok_or(AppError::NotFound { what })?)
    }

    /// Part `part` of file `name` of data set `id`, as it was published (decompressed).
    pub async fn open_data_part(&self, id: i64, name: &str, part: i64) -> Result<Vec<u8>, AppError> {
        let compressed = self
            .store
            .open_data_part(id, name, part)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::internal(format!("数据集 {id} 的 {name} 缺少第 {part} 部分")))?;
        let mut bytes = Vec::new();
        DeflateDecoder::new(compressed.as_slice())
            .read_to_end(&mut bytes)
            .map_err(|e| AppError::internal(format!("数据集 {id} 的 {name} 第 {part} 部分无法解压:{e}")))?;
        Ok(bytes)
    }
}
