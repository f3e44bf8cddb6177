//! The application's errors: bad input, something missing, or the store failing. A refusal by the
//! regulation is not an error (see [`crate::Executed`]).

use govit_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("输入有误:{field}:{reason}")]
    Invalid { field: String, reason: String },
    #[error("{what}不存在")]
    NotFound { what: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> AppError {
        AppError::Invalid { field: field.into(), reason: reason.into() }
    }
}
