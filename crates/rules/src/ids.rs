//! Identifiers at the edge: parsed once, trusted after.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares a string newtype that refuses empty or over-long text.
macro_rules! name_type {
    ($(#[$meta:meta])* $name:ident, $what:literal, $max:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: impl Into<String>) -> Result<$name, String> {
                let text: String = text.into();
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    return Err(format!("{}不能为空", $what));
                }
                if trimmed.chars().count() > $max {
                    return Err(format!("{}不能超过{}个字符", $what, $max));
                }
                if trimmed.chars().any(char::is_control) {
                    return Err(format!("{}不能含控制字符", $what));
                }
                Ok($name(trimmed.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(text: String) -> Result<Self, String> {
                $name::parse(text)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_type!(
    /// A project's number in govit (项目编号), assigned at registration.
    ProjectId, "项目编号", 64
);
name_type!(
    /// The name of an organisation (单位名称): owners, consultants, authorities.
    OrgName, "单位名称", 100
);
name_type!(
    /// Free text a person writes: a project name, a finding, a reason.
    Text, "文字内容", 2000
);

/// A jurisdiction's code in the policy files: `wuhan`, `jiangan`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JurisdictionId(String);

impl JurisdictionId {
    pub fn parse(text: impl Into<String>) -> Result<JurisdictionId, String> {
        let text: String = text.into();
        let ok = !text.is_empty()
            && text.len() <= 40
            && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if ok {
            Ok(JurisdictionId(text))
        } else {
            Err(format!("辖区代码“{text}”无效:须为小写字母、数字、下划线或连字符"))
        }
    }
    pub fn wuhan() -> JurisdictionId {
        JurisdictionId("wuhan".to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for JurisdictionId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        JurisdictionId::parse(text)
    }
}

impl From<JurisdictionId> for String {
    fn from(v: JurisdictionId) -> String {
        v.0
    }
}

impl fmt::Display for JurisdictionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
