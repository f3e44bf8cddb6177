//! The platform's SM2 signing key (GB/T 32918), which signs checkpoints of the audit chain.
//!
//! The private key is a PKCS#8 PEM file created on first start with mode 0600; its public key is written
//! beside it (`.pub.pem`, SubjectPublicKeyInfo) for auditors. Signatures use the standard distinguishing
//! ID `1234567812345678` (GB/T 35276), so `openssl pkeyutl -verify … -pkeyopt distid:1234567812345678`
//! checks them.

use crate::AppError;
use sm2::dsa::{Signature, SigningKey, VerifyingKey, signature::Signer, signature::Verifier};
use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use sm3::{Digest, Sm3};
use std::path::{Path, PathBuf};

/// GB/T 35276's default distinguishing identifier.
pub const DISTID: &str = "1234567812345678";

fn key_error(path: &Path, what: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("审计签名密钥 {}:{what}", path.display()))
}

/// The signing key and what identifies it.
#[derive(Debug, Clone)]
pub struct AuditKey {
    signing: SigningKey,
    /// The first 16 hex digits of SM3 over the public key's DER: names the key in each checkpoint.
    pub key_id: String,
    pub public_pem: String,
}

/// A public key to verify checkpoints with: the platform's own, or one an auditor holds.
#[derive(Debug, Clone)]
pub struct AuditPublicKey {
    verifying: VerifyingKey,
    pub key_id: String,
    pub pem: String,
}

fn key_id(verifying: &VerifyingKey) -> Result<String, String> {
    let der = verifying.to_public_key_der().map_err(|e| e.to_string())?;
    Ok(hex::encode(Sm3::digest(der.as_bytes()))[..16].to_owned())
}

/// The public key file that belongs to a private key file.
pub fn public_path(private: &Path) -> PathBuf {
    let mut name = private.file_stem().map(|s| s.to_os_string()).unwrap_or_default();
    name.push(".pub.pem");
    private.with_file_name(name)
}

impl AuditKey {
    /// Loads the key, or creates it (and its public key file) when the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<AuditKey, AppError> {
        if !path.exists() {
            AuditKey::create(path)?;
        }
        let pem = std::fs::read_to_string(path).map_err(|e| key_error(path, format!("无法读取私钥:{e}")))?;
        let secret = sm2::SecretKey::from_pkcs8_pem(&pem).map_err(|e| key_error(path, format!("私钥格式无效:{e}")))?;
        let signing = SigningKey::new(DISTID, &secret).map_err(|e| key_error(path, e))?;
        let public_pem = signing.verifying_key().to_public_key_pem(LineEnding::LF).map_err(|e| key_error(path, e))?;
        let key_id = key_id(signing.verifying_key()).map_err(|e| key_error(path, e))?;
        Ok(AuditKey { signing, key_id, public_pem })
    }

    fn create(path: &Path) -> Result<(), AppError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| key_error(path, format!("无法创建目录:{e}")))?;
        }
        let secret = loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| key_error(path, format!("系统随机数不可用:{e}")))?;
            // A 256-bit string is a valid scalar but for a negligible share of values; draw again then.
            if let Ok(secret) = sm2::SecretKey::from_slice(&bytes) {
                break secret;
            }
        };
        let pem = secret.to_pkcs8_pem(LineEnding::LF).map_err(|e| key_error(path, e))?;
        write_private(path, pem.as_bytes())?;
        let signing = SigningKey::new(DISTID, &secret).map_err(|e| key_error(path, e))?;
        let public = signing.verifying_key().to_public_key_pem(LineEnding::LF).map_err(|e| key_error(path, e))?;
        std::fs::write(public_path(path), public).map_err(|e| key_error(path, format!("无法写入公钥:{e}")))?;
        tracing::info!(path = %path.display(), "created the SM2 audit key");
        Ok(())
    }

    /// Signs `message` (SM2 with SM3 and the standard distinguishing ID); returns the DER signature.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: Signature = self.signing.sign(message);
        signature.to_der().as_bytes().to_vec()
    }

    pub fn public(&self) -> AuditPublicKey {
        AuditPublicKey {
            verifying: self.signing.verifying_key().clone(),
            key_id: self.key_id.clone(),
            pem: self.public_pem.clone(),
        }
    }
}

/// Writes the private key readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| key_error(path, format!("无法创建私钥文件:{e}")))?;
    file.write_all(bytes).map_err(|e| key_error(path, format!("无法写入私钥:{e}")))
}

impl AuditPublicKey {
    pub fn from_pem(pem: &str) -> Result<AuditPublicKey, String> {
        let public = sm2::PublicKey::from_public_key_pem(pem).map_err(|e| format!("公钥格式无效:{e}"))?;
        let verifying = VerifyingKey::new(DISTID, public).map_err(|e| e.to_string())?;
        let key_id = key_id(&verifying)?;
        Ok(AuditPublicKey { verifying, key_id, pem: pem.to_owned() })
    }

    pub fn read(path: &Path) -> Result<AuditPublicKey, AppError> {
        let pem = std::fs::read_to_string(path).map_err(|e| key_error(path, format!("无法读取公钥:{e}")))?;
        AuditPublicKey::from_pem(&pem).map_err(|e| key_error(path, e))
    }

    /// Whether `der` is a valid signature of `message` under this key.
    pub fn verify(&self, message: &[u8], der: &[u8]) -> bool {
        Signature::from_der(der).is_ok_and(|s| self.verifying.verify(message, &s).is_ok())
    }
}
