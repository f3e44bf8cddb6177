//! The audit trail an outside auditor can check without trusting govit: the SM3 chain over every event,
//! SM2-signed checkpoints of its head, and an export in plain files that stock OpenSSL 3 verifies
//! (docs/AUDIT.md).

use crate::keys::{AuditKey, AuditPublicKey};
use crate::{App, AppError};
use govit_store::{CheckpointRow, GENESIS, RawEvent};
use std::collections::BTreeMap;
use std::path::Path;

/// The exact bytes a checkpoint signs.
pub fn checkpoint_message(seq: i64, head_hash: &str, signed_at: &str) -> String {
    format!("govit-checkpoint\nseq={seq}\nhead={head_hash}\nsigned_at={signed_at}\n")
}

/// A checkpoint of event `seq` with chain head `head_hash`, signed by `key` at `signed_at`.
pub(crate) fn signed_checkpoint(key: &AuditKey, seq: i64, head_hash: String, signed_at: String) -> CheckpointRow {
    let message = checkpoint_message(seq, &head_hash, &signed_at);
    let signature = hex::encode(key.sign(message.as_bytes()));
    CheckpointRow { seq, head_hash, signed_at, key_id: key.key_id.clone(), signature }
}

/// Where the record stops being what govit wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The event (or checkpoint) sequence number where it shows.
    pub seq: i64,
    pub reason: String,
}

/// The result of `govit audit verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub events: i64,
    pub bytes: u64,
    pub checkpoints: usize,
    pub head: String,
    /// The projects and plans whose projections were found equal to folding the log.
    pub projects: usize,
    pub plans: usize,
    pub first_break: Option<Finding>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.first_break.is_none()
    }
}

fn internal(e: govit_store::StoreError) -> AppError {
    AppError::Store(e)
}

/// Checks the whole chain, then every checkpoint against it and against `key`, then every projection against
/// a fold of the log ([`govit_store::Store::verify_projections`]). `progress` hears
/// `(events verified, events in the log)` as the walk goes.
pub async fn verify(
    app: &App,
    key: &AuditPublicKey,
    mut progress: impl FnMut(i64, i64),
) -> Result<AuditReport, AppError> {
    let store = app.store();
    let total = store.last_seq().await?;
    let checkpoints = store.checkpoints().await.map_err(internal)?;
    let wanted: std::collections::BTreeSet<i64> = checkpoints.iter().map(|c| c.seq).collect();
    let mut heads: BTreeMap<i64, [u8; 32]> = BTreeMap::new();
    let chain = store
        .verify_chain_with(|seq, hash| {
            if wanted.contains(&seq) {
                heads.insert(seq, *hash);
            }
            if seq % 1000 == 0 || seq == total {
                progress(seq, total);
            }
        })
        .await?;
    let mut report = AuditReport {
        events: chain.events,
        bytes: chain.bytes,
        checkpoints: checkpoints.len(),
        head: hex::encode(chain.head),
        projects: 0,
        plans: 0,
        first_break: chain.first_break.map(|b| Finding { seq: b.seq, reason: b.reason }),
    };
    if report.first_break.is_some() {
        return Ok(report);
    }
    for c in &checkpoints {
        let message = checkpoint_message(c.seq, &c.head_hash, &c.signed_at);
        let signed = hex::decode(&c.signature).is_ok_and(|der| key.verify(message.as_bytes(), &der));
        let problem = if !signed {
            Some(format!("第{}号检查点的SM2签名无效(公钥 {} 不符,或检查点被改动)", c.seq, key.key_id))
        } else if c.seq > report.events {
            Some(format!(
                "日志被截断:已签名的检查点记载共有{}条事件,现存仅{}条(第{}号之后的事件缺失)",
                c.seq, report.events, report.events
            ))
        } else if heads.get(&c.seq).map(hex::encode).as_deref() != Some(c.head_hash.as_str()) {
            Some(format!("第{}号事件处的链头与已签名检查点不符(事件被改写后重新计算了哈希链)", c.seq))
        } else {
            None
        };
        if let Some(reason) = problem {
            report.first_break = Some(Finding { seq: c.seq.min(report.events + 1), reason });
            return Ok(report);
        }
    }
    // The chain holds; what pages and lists read must then be what it says.
    let projections = store.verify_projections().await?;
    report.projects = projections.projects;
    report.plans = projections.plans;
    report.first_break = projections.first_difference.map(|b| Finding { seq: b.seq, reason: b.reason });
    Ok(report)
}

impl App {
    /// Signs a checkpoint of the current head, unless the last checkpoint already covers it.
    pub async fn sign_checkpoint(&self, key: &AuditKey) -> Result<Option<CheckpointRow>, AppError> {
        let guard = self.store.lock().await;
        let Some((seq, head_hash)) = self.store.head().await.map_err(internal)? else { return Ok(None) };
        let last = self.store.last_checkpoint().await.map_err(internal)?;
        if last.is_some_and(|c| c.seq >= seq) {
            return Ok(None);
        }
        let row = signed_checkpoint(key, seq, head_hash, self.clock.now().to_rfc3339());
        let kept = self.store.insert_checkpoint(&row).await.map_err(internal)?;
        drop(guard);
        if !kept {
            return Ok(None);
        }
        tracing::info!(seq, "checkpoint signed");
        Ok(Some(row))
    }

    /// Events appended since the last checkpoint.
    pub async fn events_since_checkpoint(&self) -> Result<i64, AppError> {
        let head = self.store.head().await.map_err(internal)?.map_or(0, |(seq, _)| seq);
        let last = self.store.last_checkpoint().await.map_err(internal)?.map_or(0, |c| c.seq);
        Ok(head - last)
    }
}

fn io(path: &Path, e: std::io::Error) -> AppError {
    AppError::internal(format!("{}:{e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    std::fs::write(path, bytes).map_err(|e| io(path, e))
}

/// What `govit audit export` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportReport {
    pub events: i64,
    pub checkpoints: usize,
}

/// Writes the record as plain files (docs/AUDIT.md):
/// `events/N.json` (the exact hashed bytes), `events/N.prev` (the previous hash, 32 raw bytes),
/// `chain.tsv` (seq, previous hash, hash in hex), `checkpoints/N.txt` and `checkpoints/N.sig` (the signed
/// message and its DER signature), `checkpoints.tsv`, `public-key.pem`, `genesis.bin` and
/// `verify-with-openssl.sh`, which checks all of it with stock OpenSSL 3 and coreutils.
pub async fn export(
    app: &App,
    key: &AuditPublicKey,
    dir: &Path,
    mut progress: impl FnMut(i64, i64),
) -> Result<ExportReport, AppError> {
    let events_dir = dir.join("events");
    let checkpoints_dir = dir.join("checkpoints");
    for d in [dir, &events_dir, &checkpoints_dir] {
        std::fs::create_dir_all(d).map_err(|e| io(d, e))?;
    }
    let store = app.store();
    let total = store.event_count().await?;
    let mut chain = String::from("seq\tprev_hash\thash\n");
    let mut after = 0;
    let mut count = 0;
    loop {
        let batch: Vec<RawEvent> = store.raw_events(after, 2000).await.map_err(internal)?;
        if batch.is_empty() {
            break;
        }
        for e in batch {
            write(&events_dir.join(format!("{}.json", e.seq)), e.body.as_bytes())?;
            let prev = hex::decode(&e.prev_hash)
                .map_err(|err| AppError::internal(format!("第{}号事件的前一哈希无效:{err}", e.seq)))?;
            write(&events_dir.join(format!("{}.prev", e.seq)), &prev)?;
            chain.push_str(&format!("{}\t{}\t{}\n", e.seq, e.prev_hash, e.hash));
            after = e.seq;
            count += 1;
        }
        progress(count, total);
    }
    write(&dir.join("chain.tsv"), chain.as_bytes())?;
    let checkpoints = store.checkpoints().await.map_err(internal)?;
    let mut table = String::from("seq\thead_hash\tsigned_at\tkey_id\n");
    for c in &checkpoints {
        write(
            &checkpoints_dir.join(format!("{}.txt", c.seq)),
            checkpoint_message(c.seq, &c.head_hash, &c.signed_at).as_bytes(),
        )?;
        let der = hex::decode(&c.signature)
            .map_err(|err| AppError::internal(format!("第{}号检查点签名无效:{err}", c.seq)))?;
        write(&checkpoints_dir.join(format!("{}.sig", c.seq)), &der)?;
        table.push_str(&format!("{}\t{}\t{}\t{}\n", c.seq, c.head_hash, c.signed_at, c.key_id));
    }
    write(&dir.join("checkpoints.tsv"), table.as_bytes())?;
    write(&dir.join("public-key.pem"), key.pem.as_bytes())?;
    write(&dir.join("genesis.bin"), &GENESIS)?;
    let script = dir.join("verify-with-openssl.sh");
    write(&script, VERIFY_SCRIPT.as_bytes())?;
    #[cfg(unix)]
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .map_err(|e| io(&script, e))?;
    Ok(ExportReport { events: count, checkpoints: checkpoints.len() })
}

/// The auditor's script, written into every export and quoted in docs/AUDIT.md.
pub const VERIFY_SCRIPT: &str = include_str!("../../../docs/verify-with-openssl.sh");
