//! Personal contact data at rest: the 项目责任人's phone and resident ID number, sealed with SM4-GCM
//! (GB/T 32907 in the GCM mode of NIST SP 800-38D, as in RFC 8998) and kept in `personal_data`, outside the
//! append-only log. The log carries only a random reference id, which is also the AEAD's associated data, so
//! a ciphertext moved to another row does not open.
//!
//! Keys live in a key ring directory (by default `<data>/keys/sm4/`): one file per key,
//! `sm4-0001-9f2c41d7.key` (a sequence number and a random tag, so an id is never reused even if files are
//! lost), holding 16 random bytes as hex, mode 0600 in a 0700 directory. The key with the highest number is
//! current: new data is sealed with it. Older keys stay for the rows they sealed until [`rotate`]
//! re-encrypts every row under a new key. `docs/KEYS.md` says how to back them up and what a lost key means.

use crate::{App, AppError};
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{AesGcm, Nonce};
use govit_rules::authz::may_read_contact;
use govit_rules::{Actor, Command, IdNumber, Phone, ProjectId};
use govit_store::{PersonalRow, WriteGuard};
use serde::{Deserialize, Serialize};
use sm4::Sm4;
use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// SM4 in Galois/Counter Mode with a 96-bit nonce and a 128-bit tag.
pub type Sm4Gcm = AesGcm<Sm4, U12>;

const KEY_PREFIX: &str = "sm4-";
const KEY_SUFFIX: &str = ".key";

/// Where the key ring lives under a data directory: `<data>/keys/sm4`.
pub fn default_key_dir(data: &Path) -> PathBuf {
    data.join("keys").join("sm4")
}

/// A leader's contact data, as entered. `Debug` shows it masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub phone: Option<Phone>,
    pub id_number: Option<IdNumber>,
}

/// Contact data for display: `138****1234`, `4201**********123X`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskedContact {
    pub phone: Option<String>,
    pub id_number: Option<String>,
}

impl Contact {
    pub fn masked(&self) -> MaskedContact {
        MaskedContact {
            phone: self.phone.as_ref().map(Phone::masked),
            id_number: self.id_number.as_ref().map(IdNumber::masked),
        }
    }
}

/// What a key rotation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotationReport {
    /// Rows re-encrypted under the new key.
    pub rows: usize,
    pub new_key_id: String,
    /// The keys that were in the ring before: no row needs them any more. Keep them until the database
    /// backups made before the rotation have expired, then they may be deleted.
    pub previous_key_ids: Vec<String>,
}

/// One SM4 key. `Debug` never shows the key bytes.
#[derive(Clone)]
struct Key {
    id: String,
    bytes: [u8; 16],
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", self.id)
    }
}

fn personal(reason: impl Into<String>) -> AppError {
    AppError::Personal { reason: reason.into() }
}

/// The SM4 keys in a directory. Nothing is read or created until first use.
#[derive(Debug, Clone)]
pub struct KeyRing {
    dir: PathBuf,
}

impl KeyRing {
    pub fn new(dir: impl Into<PathBuf>) -> KeyRing {
        KeyRing { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of a key id.
    pub fn path_of(&self, key_id: &str) -> PathBuf {
        self.dir.join(format!("{key_id}{KEY_SUFFIX}"))
    }

    /// The ids of the keys present, oldest first; the last is current.
    pub fn key_ids(&self) -> Result<Vec<String>, AppError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(personal(format!("无法读取密钥目录 {}:{e}", self.dir.display()))),
        };
        let mut numbered: Vec<(u32, String)> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| personal(format!("无法读取密钥目录 {}:{e}", self.dir.display())))?;
            let name = entry.file_name();
            if let Some(id) = name.to_str().and_then(|n| n.strip_suffix(KEY_SUFFIX))
                && let Some(n) = key_number(id)
            {
                numbered.push((n, id.to_owned()));
            }
        }
        numbered.sort();
        Ok(numbered.into_iter().map(|(_, id)| id).collect())
    }

    /// The current key: the newest, created when the ring is empty.
    fn current(&self) -> Result<Key, AppError> {
        match self.key_ids()?.pop() {
            Some(id) => self.key(&id),
            None => {
                let id = self.create_key()?;
                self.key(&id)
            }
        }
    }

    /// Makes sure the ring has a current key (creating the first one, as the first sealed contact would).
    pub(crate) fn ensure_current(&self) -> Result<(), AppError> {
        self.current().map(drop)
    }

    /// Reads one key, refusing a file others may read or one that is not 16 bytes of hex.
    fn key(&self, id: &str) -> Result<Key, AppError> {
        if key_number(id).is_none() {
            return Err(personal(format!("密钥编号“{id}”无效")));
        }
        let path = self.path_of(id);
        let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                personal(format!("密钥 {id} 不存在({}):该密钥加密的数据无法解密,请从备份恢复密钥文件", path.display()))
            }
            _ => personal(format!("无法读取密钥文件 {}:{e}", path.display())),
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(personal(format!(
                "密钥文件 {} 的权限为 {mode:o},其他用户可读;请执行 chmod 600 后重试",
                path.display()
            )));
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| personal(format!("无法读取密钥文件 {}:{e}", path.display())))?;
        let mut bytes = [0u8; 16];
        hex::decode_to_slice(text.trim(), &mut bytes)
            .map_err(|_| personal(format!("密钥文件 {} 的内容不是32位十六进制数(16字节)", path.display())))?;
        Ok(Key { id: id.to_owned(), bytes })
    }

    /// Creates a new key, numbered after the newest, and returns its id. The file is written whole (a
    /// temporary file, synced, then linked into place) with mode 0600, and never overwrites a key.
    pub fn create_key(&self) -> Result<String, AppError> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(|e| personal(format!("无法创建密钥目录 {}:{e}", self.dir.display())))?;
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| personal(format!("无法生成随机密钥:{e}")))?;
        let mut text = hex::encode(bytes);
        text.push('\n');
        let newest = self.key_ids()?.last().and_then(|id| key_number(id)).unwrap_or(0);
        for n in newest + 1..newest + 100 {
            let mut tag = [0u8; 4];
            getrandom::fill(&mut tag).map_err(|e| personal(format!("无法生成随机数:{e}")))?;
            let id = format!("{KEY_PREFIX}{n:04}-{}", hex::encode(tag));
            let path = self.path_of(&id);
            let tmp = self.dir.join(format!(".{id}{KEY_SUFFIX}.tmp"));
            let _ = std::fs::remove_file(&tmp);
            let write = || -> std::io::Result<()> {
                let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
                file.write_all(text.as_bytes())?;
                file.sync_all()
            };
            write().map_err(|e| personal(format!("无法写入密钥文件 {}:{e}", tmp.display())))?;
            let linked = std::fs::hard_link(&tmp, &path);
            let _ = std::fs::remove_file(&tmp);
            match linked {
                Ok(()) => {
                    if let Ok(dir) = std::fs::File::open(&self.dir) {
                        let _ = dir.sync_all();
                    }
                    tracing::info!(key_id = %id, dir = %self.dir.display(), "SM4 key created");
                    return Ok(id);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(personal(format!("无法写入密钥文件 {}:{e}", path.display()))),
            }
        }
        Err(personal(format!("无法在 {} 中创建新密钥:编号冲突", self.dir.display())))
    }
}

/// `sm4-0007-9f2c41d7` → 7; anything else is not a key id (and never becomes a path).
fn key_number(id: &str) -> Option<u32> {
    let (digits, tag) = id.strip_prefix(KEY_PREFIX)?.split_once('-')?;
    let number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let tag_ok = tag.len() == 8 && tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if number && tag_ok { digits.parse().ok() } else { None }
}

/// Seals `plaintext` under `key` with a fresh random nonce, bound to `reference`.
fn seal(key: &Key, reference: &str, plaintext: &[u8], created_at: &str) -> Result<PersonalRow, AppError> {
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce).map_err(|e| personal(format!("无法生成随机数:{e}")))?;
    let cipher = Sm4Gcm::new(&key.bytes.into());
    let ciphertext = cipher
        .encrypt(&Nonce::from(nonce), Payload { msg: plaintext, aad: reference.as_bytes() })
        .map_err(|_| personal("SM4-GCM 加密失败"))?;
    Ok(PersonalRow {
        id: reference.to_owned(),
        key_id: key.id.clone(),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
        created_at: created_at.to_owned(),
    })
}

/// Opens a sealed row; a changed byte, a wrong key or a row moved under another reference is refused.
fn open(key: &Key, row: &PersonalRow) -> Result<Vec<u8>, AppError> {
    let refused = || {
        personal(format!("个人信息记录 {} 无法解密:密文已被改动,或密钥 {} 不是加密时所用的密钥", row.id, row.key_id))
    };
    let mut nonce = [0u8; 12];
    hex::decode_to_slice(&row.nonce, &mut nonce).map_err(|_| refused())?;
    let ciphertext = hex::decode(&row.ciphertext).map_err(|_| refused())?;
    let cipher = Sm4Gcm::new(&key.bytes.into());
    cipher.decrypt(&Nonce::from(nonce), Payload { msg: &ciphertext, aad: row.id.as_bytes() }).map_err(|_| refused())
}

/// A fresh reference id for a personal data row: 128 random bits.
pub(crate) fn new_reference() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| personal(format!("无法生成随机数:{e}")))?;
    Ok(format!("pd-{}", hex::encode(bytes)))
}

/// Contact data taken out of a command, waiting for the decision before it is sealed.
#[derive(Debug)]
pub(crate) struct PendingContact {
    reference: String,
    contact: Contact,
}

impl PendingContact {
    /// The contact data sealed under the ring's current key, as the row the command's events will refer to:
    /// written in the same transaction as them, so neither exists without the other.
    pub(crate) fn seal(&self, ring: &KeyRing, created_at: &str) -> Result<PersonalRow, AppError> {
        let plaintext = serde_json::to_vec(&self.contact).map_err(|e| personal(e.to_string()))?;
        seal(&ring.current()?, &self.reference, &plaintext, created_at)
    }
}

impl App {
    /// Keeps personal data encrypted with the SM4 keys in `dir` (see [`default_key_dir`]). Without a key
    /// ring, commands carrying contact data are refused.
    pub fn with_personal_keys(mut self, dir: impl Into<PathBuf>) -> App {
        self.personal = Some(KeyRing::new(dir));
        self
    }

    pub fn personal_keys(&self) -> Option<&KeyRing> {
        self.personal.as_ref()
    }

    /// Takes the plaintext contact data out of an `appoint_team` command, leaving a fresh reference in its
    /// place (or none). Whatever reference a caller put there is replaced: only this layer names rows.
    pub(crate) fn take_contact(&self, command: &mut Command) -> Result<Option<PendingContact>, AppError> {
        let Command::AppointTeam { leader_phone, leader_id_number, contact, .. } = command else {
            return Ok(None);
        };
        *contact = None;
        if leader_phone.is_none() && leader_id_number.is_none() {
            return Ok(None);
        }
        if self.personal.is_none() {
            let field = if leader_phone.is_some() { "leader_phone" } else { "leader_id_number" };
            return Err(AppError::invalid(
                field,
                "本系统未配置个人信息加密密钥(SM4),不能保存项目责任人的联系电话或身份证号码;请留空或联系系统管理员",
            ));
        }
        let reference = new_reference()?;
        *contact = Some(reference.clone());
        let pending = PendingContact {
            reference,
            contact: Contact { phone: leader_phone.take(), id_number: leader_id_number.take() },
        };
        Ok(Some(pending))
    }

    /// Seals `plaintext` under the current key as the personal data row `reference`.
    pub(crate) async fn seal_personal(
        &self,
        guard: &WriteGuard<'_>,
        reference: &str,
        plaintext: &[u8],
        created_at: &str,
    ) -> Result<(), AppError> {
        let ring = self.personal.as_ref().ok_or_else(|| personal("未配置密钥目录"))?;
        let row = seal(&ring.current()?, reference, plaintext, created_at)?;
        self.store.insert_personal(guard, &row).await?;
        Ok(())
    }

    /// Opens the personal data row `reference`; `what` names it in the error when the row is missing.
    pub(crate) async fn open_personal(&self, reference: &str, what: &str) -> Result<Vec<u8>, AppError> {
        let row = self
            .store
            .personal(reference)
            .await?
            .ok_or_else(|| personal(format!("{what}的个人信息记录 {reference} 缺失")))?;
        let ring = self.personal.as_ref().ok_or_else(|| personal("本系统未配置个人信息加密密钥目录,无法解密"))?;
        open(&ring.key(&row.key_id)?, &row)
    }

    /// The contact data of a project's leader, decrypted, for those who may read it: the owner
    /// organisation, the project's approval authority and the bureau ([`may_read_contact`]). `None` when no
    /// contact data was given. Anyone else who may see the project is refused with `Forbidden`; anyone who
    /// may not see it gets `NotFound`.
    pub async fn contact(&self, actor: &Actor, project: &ProjectId) -> Result<Option<Contact>, AppError> {
        let p = self.visible_project(actor, project).await?;
        if !may_read_contact(actor, &p, &self.policies) {
            return Err(AppError::Forbidden {
                reason: format!(
                    "{}({})无权查看项目责任人的联系方式:仅项目建设单位、审批部门和市政务服务和大数据管理局可以查看",
                    actor.role.label(),
                    actor.organization
                ),
            });
        }
        let Some(reference) = p.team.as_ref().and_then(|t| t.contact.as_ref()) else { return Ok(None) };
        let plaintext = self.open_personal(reference, &format!("项目 {project} ")).await?;
        let contact = serde_json::from_slice(&plaintext)
            .map_err(|_| personal(format!("个人信息记录 {reference} 解密后的内容无法解析")))?;
        Ok(Some(contact))
    }

    /// Whether `actor` may read `project`'s contact data (for pages deciding what to show).
    pub fn may_read_contact(&self, actor: &Actor, project: &govit_rules::Project) -> bool {
        may_read_contact(actor, project, &self.policies)
    }
}

/// Rotates the SM4 key: creates a new current key and re-encrypts every personal data row under it, in
/// one transaction, under the writer guard (no command seals data meanwhile). Old key files are kept: the
/// backups taken before the rotation still need them. If any row cannot be opened, nothing is rewritten
/// and the error names the row; the new key stays current for new data.
pub async fn rotate(app: &App) -> Result<RotationReport, AppError> {
    let ring = app.personal.as_ref().ok_or_else(|| {
        AppError::invalid("keys", "本系统未配置个人信息加密密钥目录(App::with_personal_keys),无法轮换")
    })?;
    let guard = app.store.lock().await;
    let previous_key_ids = ring.key_ids()?;
    let new_key_id = ring.create_key()?;
    let new_key = ring.key(&new_key_id)?;
    let mut keys: HashMap<String, Key> = HashMap::new();
    let rows = app
        .store
        .rewrite_personal(&guard, |row: PersonalRow| -> Result<PersonalRow, AppError> {
            let key = match keys.get(&row.key_id) {
                Some(k) => k.clone(),
                None => {
                    let k = ring.key(&row.key_id)?;
                    keys.insert(row.key_id.clone(), k.clone());
                    k
                }
            };
            let plaintext = open(&key, &row)?;
            seal(&new_key, &row.id, &plaintext, &row.created_at)
        })
        .await?;
    drop(guard);
    tracing::info!(rows, key_id = %new_key_id, "personal data re-encrypted under a new SM4 key");
    Ok(RotationReport { rows, new_key_id, previous_key_ids })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn key_ids_are_numbered_and_nothing_else_is_a_key() {
        assert_eq!(key_number("sm4-0001-9f2c41d7"), Some(1));
        assert_eq!(key_number("sm4-12345-00000000"), Some(12345));
        assert_eq!(key_number("sm4-0001"), None);
        assert_eq!(key_number("sm4--9f2c41d7"), None);
        assert_eq!(key_number("sm4-0001-9F2C41D7"), None);
        assert_eq!(key_number("../x"), None);
        assert_eq!(key_number("sm4-1-/../../x"), None);
    }

    #[test]
    fn a_sealed_row_opens_only_with_its_key_and_reference() {
        let key = Key { id: "sm4-0001-00000000".into(), bytes: [7; 16] };
        let row = seal(&key, "pd-1", b"{\"phone\":\"13812341234\"}", "t").unwrap();
        assert_eq!(open(&key, &row).unwrap(), b"{\"phone\":\"13812341234\"}");
        let moved = PersonalRow { id: "pd-2".into(), ..row.clone() };
        assert!(open(&key, &moved).is_err());
        let other = Key { id: "sm4-0001-00000000".into(), bytes: [8; 16] };
        assert!(open(&other, &row).is_err());
    }
}
