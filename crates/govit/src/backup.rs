//! `govit backup FILE` and `govit restore FILE`: a consistent copy of the store taken while govit runs, and a
//! restore that only puts a copy in place after its whole audit chain (and, with the public key, every signed
//! checkpoint) has been verified. docs/BACKUP.md.

use crate::audit::{KeyArgs, open};
use anyhow::{Context, Result, bail};
use govit_app::audit;
use govit_app::keys::{AuditPublicKey, public_path};
use govit_store::Store;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a verified copy holds.
pub(crate) struct Verified {
    events: i64,
    checkpoints: Option<usize>,
    head: String,
}

/// Verifies the SQLite copy at `db`.
async fn verify(db: &Path, key: Option<&AuditPublicKey>) -> Result<std::result::Result<Verified, String>> {
    let store = Store::open_file(db).await.with_context(|| format!("无法打开 {}", db.display()))?;
    verify_store(store, key).await
}

/// Verifies a copy and closes it: the SM3 chain always, the SM2 checkpoints when `key` is given.
pub(crate) async fn verify_store(
    store: Store,
    key: Option<&AuditPublicKey>,
) -> Result<std::result::Result<Verified, String>> {
    let outcome = match key {
        Some(key) => {
            let policies = govit_rules::policy::load(govit_rules::policy::BUILTIN)?;
            let app = govit_app::App::new(store, policies, std::sync::Arc::new(govit_app::SystemClock));
            let report = audit::verify(&app, key, |_, _| ()).await?;
            app.store().close().await;
            match report.first_break {
                None => {
                    Ok(Verified { events: report.events, checkpoints: Some(report.checkpoints), head: report.head })
                }
                Some(f) => Err(format!("第{}号:{}", f.seq, f.reason)),
            }
        }
        None => {
            let chain = store.verify_chain().await?;
            store.close().await;
            match chain.first_break {
                None => Ok(Verified { events: chain.events, checkpoints: None, head: hex(&chain.head) }),
                Some(b) => Err(format!("第{}号:{}", b.seq, b.reason)),
            }
        }
    };
    Ok(outcome)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_if_present(keys: &KeyArgs, data: &Path) -> Result<Option<AuditPublicKey>> {
    let path = public_path(&keys.private_path(data));
    if path.exists() { Ok(Some(AuditPublicKey::read(&path)?)) } else { Ok(None) }
}

pub(crate) fn describe(v: &Verified) -> String {
    let signed =
        v.checkpoints.map_or_else(|| "未找到公钥,未校验检查点签名".to_owned(), |n| format!("{n} 个检查点签名有效"));
    format!("{} 条事件,哈希链完整,{signed},链头 {}", v.events, v.head)
}

pub async fn backup(file: &Path, data: &Path, keys: &KeyArgs) -> Result<ExitCode> {
    if file.exists() {
        bail!("备份文件 {} 已存在,请换一个文件名", file.display());
    }
    if let Some(url) = crate::database::postgres_url() {
        return crate::backup_pg::backup(file, url, key_if_present(keys, data)?.as_ref()).await;
    }
    let app = open(data).await?;
    app.store().backup_into(file).await.with_context(|| format!("无法写入备份 {}", file.display()))?;
    app.store().close().await;
    match verify(file, key_if_present(keys, data)?.as_ref()).await? {
        Ok(v) => {
            println!("已备份到 {}:{}", file.display(), describe(&v));
            println!(
                "注意:密钥不在备份中。请另行妥善备份 {}(个人信息 SM4 密钥与审计 SM2 密钥)",
                data.join("keys").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(reason) => {
            println!("备份校验失败({reason}):源数据库的哈希链已断裂,请先运行 govit audit verify");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub async fn restore(file: &Path, data: &Path, keys: &KeyArgs, force: bool) -> Result<ExitCode> {
    anyhow::ensure!(file.is_file(), "找不到备份文件 {}", file.display());
    if let Some(url) = crate::database::postgres_url() {
        return crate::backup_pg::restore(file, url, key_if_present(keys, data)?.as_ref(), force).await;
    }
    let db = crate::database::sqlite_file(data);
    if db.exists() && !force {
        bail!("{} 已有数据库;确认要用备份替换时加 --force(原数据库会改名保留)", data.display());
    }
    std::fs::create_dir_all(data).with_context(|| format!("无法创建目录 {}", data.display()))?;
    let staging = data.join("govit.db.restoring");
    remove_database(&staging)?;
    std::fs::copy(file, &staging).with_context(|| format!("无法复制 {}", file.display()))?;
    let verified = verify(&staging, key_if_present(keys, data)?.as_ref()).await?;
    let v = match verified {
        Ok(v) => v,
        Err(reason) => {
            remove_database(&staging)?;
            println!("恢复已取消:备份的审计链校验失败({reason}),原数据库未改动");
            return Ok(ExitCode::FAILURE);
        }
    };
    if db.exists() {
        let kept = data.join(format!("govit.db.before-restore-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")));
        std::fs::rename(&db, &kept).with_context(|| format!("无法保留原数据库为 {}", kept.display()))?;
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(sidecar(&db, suffix));
        }
        println!("原数据库已改名保留为 {}", kept.display());
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(&staging, suffix));
    }
    std::fs::rename(&staging, &db).with_context(|| format!("无法把恢复的数据库放到 {}", db.display()))?;
    println!("已从 {} 恢复到 {}:{}", file.display(), db.display(), describe(&v));
    Ok(ExitCode::SUCCESS)
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a SQLite file and its WAL and shared-memory files, if present.
fn remove_database(db: &Path) -> Result<()> {
    for path in [db.to_path_buf(), sidecar(db, "-wal"), sidecar(db, "-shm")] {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("无法删除 {}", path.display())),
        }
    }
    Ok(())
}
