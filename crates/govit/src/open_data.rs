//! `govit verify-open-data FILE FILE.sig`: a published data set checked as a citizen would, offline, with the
//! audit public key only (the same checks as docs/verify-open-data.sh with OpenSSL).

use crate::audit::KeyArgs;
use anyhow::{Context, Result};
use govit_app::keys::{AuditPublicKey, public_path};
use std::path::Path;
use std::process::ExitCode;

pub fn verify(file: &Path, signature: &Path, key: Option<&Path>, data: &Path, keys: &KeyArgs) -> Result<ExitCode> {
    let key_path = key.map_or_else(|| public_path(&keys.private_path(data)), Path::to_path_buf);
    let key = AuditPublicKey::read(&key_path)?;
    let sig =
        std::fs::read_to_string(signature).with_context(|| format!("无法读取签名文件 {}", signature.display()))?;
    let reader = std::fs::File::open(file).with_context(|| format!("无法读取 {}", file.display()))?;
    match govit_app::dataset::verify(std::io::BufReader::new(reader), &sig, &key) {
        Ok(s) => {
            println!(
                "通过:{}({} 个项目,{} 字节)于 {} 截取,SM3 {};关联审计检查点第 {} 条事件(链头 {}),密钥 {}",
                s.file, s.rows, s.bytes, s.cut_at, s.sm3, s.checkpoint_seq, s.checkpoint_head, s.key_id
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            println!("未通过:{}", file.display());
            for p in problems {
                println!("  - {p}");
            }
            Ok(ExitCode::from(1))
        }
    }
}
