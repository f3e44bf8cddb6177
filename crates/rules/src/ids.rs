//! Identifiers at the edge: parsed once, trusted after.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What is wrong with a name or a text, and which field it was read as. A front end that reads the same type
/// under another name (a person's 姓名 read as an `OrgName`) says so with [`NameError::named`]; the reason
/// is written once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameError {
    pub what: &'static str,
    pub problem: NameProblem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong { max: usize },
    ControlCharacter,
}

impl NameError {
    /// The same problem, for the field a person knows as `what`.
    pub fn named(self, what: &'static str) -> NameError {
        NameError { what, ..self }
    }
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            NameProblem::Empty => write!(f, "{}不能为空", self.what),
            NameProblem::TooLong { max } => write!(f, "{}不能超过{max}个字符", self.what),
            NameProblem::ControlCharacter => write!(f, "{}不能含控制字符", self.what),
        }
    }
}

impl std::error::Error for NameError {}

impl From<NameError> for String {
    fn from(e: NameError) -> String {
        e.to_string()
    }
}

/// Declares a string newtype that refuses empty or over-long text, and control characters (but line breaks and
/// tabs where `lines` says so).
macro_rules! name_type {
    ($(#[$meta:meta])* $name:ident, $what:literal, $max:literal $(, lines = $lines:literal)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: impl Into<String>) -> Result<$name, NameError> {
                let text: String = text.into();
                let trimmed = text.trim();
                let problem = if trimmed.is_empty() {
                    Some(NameProblem::Empty)
                } else if trimmed.chars().count() > $max {
                    Some(NameProblem::TooLong { max: $max })
                } else if trimmed.chars().any(|c| c.is_control() && !(false $(|| $lines)? && matches!(c, '\n' | '\r' | '\t'))) {
                    Some(NameProblem::ControlCharacter)
                } else {
                    None
                };
                // Text read back from the store is already trimmed: kept as it came, not copied.
                let untouched = trimmed.len() == text.len();
                match problem {
                    Some(problem) => Err(NameError { what: $what, problem }),
                    None if untouched => Ok($name(text)),
                    None => Ok($name(text.trim().to_owned())),
                }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;
            fn try_from(text: String) -> Result<Self, NameError> {
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
    /// A person's name (姓名): whoever holds an account and acts through it.
    PersonName, "姓名", 100
);
name_type!(
    /// Free text a person writes: a project name, a finding, a reason.
    Text, "文字内容", 2000
);
name_type!(
    /// 建设内容摘要: what a project builds, in a few paragraphs, as its owner writes it at registration or with a
    /// stage [7].
    Summary, "建设内容摘要", 2000, lines = true
);

/// An account's user name (用户名): 3 to 40 letters, digits, underscores, hyphens or dots. Unique and never
/// reused, so that an event naming it names one person for good.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountName(String);

impl AccountName {
    pub fn parse(text: impl Into<String>) -> Result<AccountName, String> {
        let text: String = text.into();
        let text = text.trim();
        let ok = (3..=40).contains(&text.len())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
        if ok {
            Ok(AccountName(text.to_owned()))
        } else {
            Err("用户名须为3到40个字母、数字、下划线、连字符或点".to_owned())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccountName {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        AccountName::parse(text)
    }
}

impl From<AccountName> for String {
    fn from(v: AccountName) -> String {
        v.0
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

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
