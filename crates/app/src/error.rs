//! The application's errors: bad input, something missing, or the store failing. A refusal by the
//! regulation is not an error (see [`crate::Executed`]).

use govit_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("输入有误:{field}:{reason}")]
    Invalid { field: String, reason: String },
    #[error("{what}不存在")]
    NotFound { what: String },
    /// Stored bytes that no longer match their SM3 digest: they are not handed out.
    #[error("{what}的内容与其SM3摘要不符,可能已被篡改,拒绝下载")]
    Tampered { what: String },
    /// The actor may see the project but not this (a leader's contact data): "无权…" with the reason.
    #[error("{reason}")]
    Forbidden { reason: String },
    /// Personal data that cannot be sealed or opened: a missing or unreadable key, a tampered ciphertext.
    /// Never carries the data itself.
    #[error("个人信息加密数据无法处理:{reason}")]
    Personal { reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> AppError {
        AppError::Invalid { field: field.into(), reason: reason.into() }
    }
}
