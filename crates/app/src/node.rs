//! What a server checks before it joins the others on a shared database (issue 18): that it holds the keys
//! the database was written with. Every node must hold the same SM2 checkpoint key and the same SM4 key ring
//! (docs/DEPLOY.md says how to distribute them). A node with another checkpoint key would sign checkpoints
//! that `govit audit verify` refuses; one with another ring would seal personal data the others cannot open,
//! or fail to open theirs later. Such a node refuses to start, naming the keys' fingerprints.

use crate::keys::AuditKey;
use crate::{App, AppError};
use sm3::{Digest, Sm3};

/// The first 16 hex digits of SM3 over `bytes`: how keys are named to an operator.
fn fingerprint(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))[..16].to_owned()
}

fn refused(reason: String) -> AppError {
    AppError::invalid("keys", format!("{reason};各节点须使用同一套密钥(见 docs/DEPLOY.md),本节点不启动"))
}

impl App {
    /// Checks this node's keys against the database: the key of the last checkpoint must be `audit`, and
    /// every SM4 key that sealed personal data must be here and open a record it sealed. Returns how many
    /// personal data keys were checked.
    pub async fn check_node_keys(&self, audit: &AuditKey) -> Result<usize, AppError> {
        if let Some(last) = self.store.last_checkpoint().await?
            && last.key_id != audit.key_id
        {
            return Err(refused(format!(
                "本节点的审计签名密钥(指纹 {})不是数据库中检查点所用的密钥(指纹 {},第{}号检查点)",
                audit.key_id, last.key_id, last.seq
            )));
        }
        let in_use = self.store.personal_keys_in_use().await?;
        for (key_id, _) in &in_use {
            let Some(record) = self.store.personal_sealed_with(key_id).await? else { continue };
            let Some(ring) = self.personal.as_ref() else {
                return Err(refused(format!("本节点未配置个人信息密钥目录,数据库中有以密钥 {key_id} 加密的数据")));
            };
            if self.open_personal(&record, "密钥核对").await.is_err() {
                let mine = std::fs::read(ring.path_of(key_id)).map_or_else(
                    |_| "本节点没有该密钥文件".to_owned(),
                    |bytes| format!("本节点该密钥指纹 {}", fingerprint(&bytes)),
                );
                return Err(refused(format!(
                    "本节点的个人信息密钥 {key_id} 不能解密数据库中以它加密的记录 {record}({mine})"
                )));
            }
        }
        Ok(in_use.len())
    }
}
