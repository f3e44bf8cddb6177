//! The store's errors: the database, or bytes in it that are not what govit wrote.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误:{0}")]
    Database(#[from] sqlx::Error),
    #[error("存储的数据无法解析(事件 {seq}):{reason}")]
    Corrupt { seq: i64, reason: String },
    #[error("路径 {0} 不是UTF-8,无法交给SQLite")]
    NonUtf8Path(String),
    #[error("数据库地址须以 sqlite:// 或 postgres:// 开头:{0}")]
    UnknownDatabase(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("数据库版本 {found} 高于本程序支持的版本 {supported},请升级 govit")]
    TooNew { found: i64, supported: i64 },
}

impl StoreError {
    pub(crate) fn corrupt(seq: i64, reason: impl ToString) -> StoreError {
        StoreError::Corrupt { seq, reason: reason.to_string() }
    }

    /// Whether the database could not be reached, or went away mid-request (restarting, failing over, out of
    /// connections): nothing was done, and the same request later may well succeed. Not a fault of the
    /// request, nor a bug: the web answers 503 with `Retry-After`.
    pub fn is_unreachable(&self) -> bool {
        let StoreError::Database(e) = self else { return false };
        match e {
            // Not `PoolClosed`: that is this server closing its own pool (shutting down), its own state.
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => true,
            sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                // PostgreSQL's class 08 (connection exception), 57P01–57P03 (shut down, crashed, starting up),
                // 53300 (too many connections).
                code.starts_with("08") || ["57P01", "57P02", "57P03", "53300"].contains(&code.as_ref())
            }),
            _ => false,
        }
    }
}
