//! Which database a command works on: `--database URL` (or `GOVIT_DATABASE`), else the SQLite file
//! `govit.db` in the data folder. The data folder still holds the keys and configuration either way.

use anyhow::{Context, Result};
use govit_store::{Durability, Store};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static DATABASE: OnceLock<String> = OnceLock::new();

/// Records `--database` for the whole run (called once, before any command).
pub fn choose(url: Option<String>) {
    if let Some(url) = url {
        let _ = DATABASE.set(url);
    }
}

/// The PostgreSQL URL given with `--database`, if any.
pub fn postgres_url() -> Option<&'static str> {
    DATABASE.get().map(String::as_str).filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// The SQLite file of `data`.
pub fn sqlite_file(data: &Path) -> PathBuf {
    data.join("govit.db")
}

/// `url` with any password replaced, for messages and logs.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme && url[scheme + 3..at].contains(':') => {
            let user = url[scheme + 3..at].split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Opens the store of `data` (or of `--database`); `create` allows a new SQLite file.
pub async fn open(data: &Path, create: bool) -> Result<Store> {
    open_with(data, create, Durability::Full).await
}

/// [`open`] with the durability of commits chosen: [`Durability::Bulk`] only for a one-off load.
pub async fn open_with(data: &Path, create: bool, durability: Durability) -> Result<Store> {
    if let Some(url) = DATABASE.get() {
        return Store::open_url_with(url, durability)
            .await
            .with_context(|| format!("无法打开数据库 {}", redacted(url)));
    }
    let db = sqlite_file(data);
    anyhow::ensure!(create || db.exists(), "找不到数据库 {}", db.display());
    Store::open_file_with(&db, durability).await.with_context(|| format!("无法打开数据库 {}", db.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::redacted;

    #[test]
    fn a_password_in_a_database_url_is_never_shown() {
        assert_eq!(redacted("postgres://govit:s3cret@db:5432/govit"), "postgres://govit:***@db:5432/govit");
        assert_eq!(redacted("postgres://db/govit"), "postgres://db/govit");
        assert_eq!(redacted("postgres://govit@db/govit"), "postgres://govit@db/govit");
    }
}
