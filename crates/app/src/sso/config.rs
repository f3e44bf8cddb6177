//! The operator's description of the identity provider: `DATA/sso.yaml` (or `govit serve --sso-config`).

use crate::AppError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Which identity provider govit trusts, how govit is registered with it, and how its claims map to accounts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoConfig {
    /// The provider's issuer; its `/.well-known/openid-configuration` is read from there.
    pub issuer: String,
    pub client_id: String,
    /// A file holding the client secret (kept out of the configuration file). Without one govit is a
    /// public client and relies on PKCE alone.
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// Where the provider sends the browser back: govit's `/login/sso/callback` as the users reach it.
    pub redirect_url: String,
    /// The button's words on the login page.
    #[serde(default = "default_label")]
    pub label: String,
    /// Scopes asked for besides `openid`.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub claims: ClaimNames,
    /// Creates an account for a person the provider knows and govit does not (needs `claims.organization`).
    #[serde(default)]
    pub provision: bool,
    /// Whether the user name and password form stays open beside single sign-on.
    #[serde(default = "yes")]
    pub local_login: bool,
}

/// Which claim carries what. Claims not named here are not read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClaimNames {
    /// Matched against govit's user names.
    pub username: String,
    pub name: String,
    pub email: String,
    /// The organisation's name as govit knows it; when set, the provider decides the user's organisation.
    pub organization: Option<String>,
    /// Role codes (`owner`, `bureau`, …), an array or a space- or comma-separated string; when set, the
    /// provider decides the user's roles at every login, otherwise an administrator assigns them.
    pub roles: Option<String>,
}

impl Default for ClaimNames {
    fn default() -> ClaimNames {
        ClaimNames {
            username: "preferred_username".to_owned(),
            name: "name".to_owned(),
            email: "email".to_owned(),
            organization: None,
            roles: None,
        }
    }
}

fn default_label() -> String {
    "统一身份认证".to_owned()
}

fn default_scopes() -> Vec<String> {
    vec!["profile".to_owned(), "email".to_owned()]
}

fn yes() -> bool {
    true
}

impl SsoConfig {
    /// Reads and checks a configuration file; every problem names the file and the field.
    pub fn load(path: &Path) -> Result<SsoConfig, AppError> {
        let fail = |reason: String| AppError::invalid("sso", format!("{}:{reason}", path.display()));
        let text = std::fs::read_to_string(path).map_err(|e| fail(format!("无法读取:{e}")))?;
        let config: SsoConfig = serde_path_to_error::deserialize(serde_yaml_ng::Deserializer::from_str(&text))
            .map_err(|e| fail(format!("字段“{}”:{}", e.path(), e.inner())))?;
        config.check().map_err(|(field, reason)| fail(format!("字段“{field}”:{reason}")))?;
        Ok(config)
    }

    /// What cannot work, found before the first user tries.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        for (field, url) in [("issuer", &self.issuer), ("redirect_url", &self.redirect_url)] {
            let parsed = reqwest::Url::parse(url).map_err(|e| (field, format!("不是有效的网址:{e}")))?;
            if !matches!(parsed.scheme(), "https" | "http") {
                return Err((field, "须为 https(或本机测试时的 http)网址".to_owned()));
            }
        }
        if self.client_id.trim().is_empty() {
            return Err(("client_id", "不能为空".to_owned()));
        }
        if self.provision && self.claims.organization.is_none() {
            return Err(("provision", "自动开通账号须配置 claims.organization,以确定新用户所属单位".to_owned()));
        }
        Ok(())
    }

    /// The client secret, read from its file when there is one.
    pub fn client_secret(&self) -> Result<Option<String>, AppError> {
        self.client_secret_file
            .as_ref()
            .map(|file| {
                std::fs::read_to_string(file)
                    .map(|s| s.trim().to_owned())
                    .map_err(|e| AppError::internal(format!("{}:无法读取客户端密钥:{e}", file.display())))
            })
            .transpose()
    }
}
