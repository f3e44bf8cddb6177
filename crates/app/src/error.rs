//! The application's errors, sorted by whose fault they are: the person's (bad input, something missing or
//! forbidden), the server's own ([`AppError::Internal`], the store failing), or a service the server depends
//! on ([`AppError::Unavailable`]). A refusal by the regulation is not an error (see [`crate::Executed`]).

use govit_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The person's input cannot be used: the field and the reason, in words for them.
    #[error("输入有误:{field}:{reason}")]
    Invalid { field: String, reason: String },
    #[error("{what}不存在")]
    NotFound { what: String },
    /// The request contradicts one made before by the same person: a request id (Idempotency-Key) reused
    /// with another command. Nothing was done; the field and the reason, in words for them.
    #[error("{field}:{reason}")]
    Conflict { field: String, reason: String },
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
    /// A fault of the server itself: no random numbers, a file or key that cannot be read or written, a
    /// workbook or paper that cannot be produced, our own data that cannot be serialised, a bug. The reason
    /// is for the log (and the operator at the command line); the web shows people only "系统内部错误" and a
    /// correlation id that finds the reason in the log.
    #[error("系统内部错误:{reason}")]
    Internal { reason: String },
    /// A service the server depends on cannot be reached or answers wrongly (the identity provider, the mail
    /// server): try again later. People see the service named; the reason goes to the log.
    #[error("{service}暂不可用:{reason}")]
    Unavailable { service: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> AppError {
        AppError::Invalid { field: field.into(), reason: reason.into() }
    }

    pub fn internal(reason: impl Into<String>) -> AppError {
        AppError::Internal { reason: reason.into() }
    }

    pub fn unavailable(service: impl Into<String>, reason: impl Into<String>) -> AppError {
        AppError::Unavailable { service: service.into(), reason: reason.into() }
    }

    /// Whether the fault is the server's or a dependency's rather than the person's: such an error is logged
    /// with a correlation id and its detail is never shown.
    pub fn is_fault(&self) -> bool {
        matches!(
            self,
            AppError::Internal { .. } | AppError::Unavailable { .. } | AppError::Personal { .. } | AppError::Store(_)
        )
    }
}

/// A fresh correlation id (16 hex digits) that ties what a person is shown about a fault to the log line
/// holding its detail. Falls back to the clock when the system's random numbers fail (that fault is then
/// the one being reported, and the id need only be unlikely to repeat).
pub fn correlation_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes = (nanos as u64).to_be_bytes();
    }
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correlation_id_is_sixteen_hex_digits_and_fresh_each_time() {
        let (a, b) = (correlation_id(), correlation_id());
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn faults_of_the_server_are_told_apart_from_the_persons() {
        assert!(AppError::internal("disk full").is_fault());
        assert!(AppError::unavailable("统一身份认证", "connection refused").is_fault());
        assert!(!AppError::invalid("year", "须为整数").is_fault());
        assert!(!AppError::Forbidden { reason: "无权".into() }.is_fault());
        assert!(!AppError::NotFound { what: "项目".into() }.is_fault());
    }
}
