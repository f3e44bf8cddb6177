//! Personal contact data of a project's 项目责任人: a phone number and a resident ID number, validated at
//! the edge. These values never enter the log: the application layer encrypts them (SM4-GCM) and the events
//! carry only a reference. `Debug` shows the masked form, so a logged command cannot leak them either.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A mainland mobile number (11 digits, `1[3-9]…`) or a landline with its area code (`027-85551234`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(text: impl Into<String>) -> Result<Phone, String> {
        let text: String = text.into();
        let t = text.trim();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let mobile = t.len() == 11 && digits(t) && t.as_bytes()[0] == b'1' && (b'3'..=b'9').contains(&t.as_bytes()[1]);
        let landline = match t.split_once('-') {
            Some((area, local)) => {
                (3..=4).contains(&area.len())
                    && digits(area)
                    && area.starts_with('0')
                    && (7..=8).contains(&local.len())
                    && digits(local)
                    && !local.starts_with(['0', '1'])
            }
            None => false,
        };
        if mobile || landline {
            Ok(Phone(t.to_owned()))
        } else {
            Err("联系电话须为11位手机号码(以1开头,如13812341234)或带区号的固定电话(如027-85551234)".to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For display: `138****1234`, `027-****1234`.
    pub fn masked(&self) -> String {
        let tail = &self.0[self.0.len().saturating_sub(4)..];
        match self.0.split_once('-') {
            Some((area, _)) => format!("{area}-****{tail}"),
            None => format!("{}****{tail}", &self.0[..3]),
        }
    }
}

/// An 18-character resident ID number (公民身份号码, GB 11643): 17 digits with a valid birth date, and the
/// ISO 7064 MOD 11-2 check character (`0`-`9` or `X`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

/// GB 11643's weights for the first 17 digits, and the check character for each remainder mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

impl IdNumber {
    pub fn parse(text: impl Into<String>) -> Result<IdNumber, String> {
        let text: String = text.into();
        let t = text.trim().to_ascii_uppercase();
        if t.len() != 18 || !t.is_ascii() {
            return Err("身份证号码须为18位(17位数字加1位校验码)".to_owned());
        }
        let bytes = t.as_bytes();
        let Some(body) = bytes.get(..17).filter(|b| b.iter().all(u8::is_ascii_digit)) else {
            return Err("身份证号码前17位须为数字".to_owned());
        };
        if body[0] == b'0' {
            return Err("身份证号码的地址码无效".to_owned());
        }
        let birth = &t[6..14];
        let valid_birth = NaiveDate::parse_from_str(birth, "%Y%m%d").is_ok_and(|d| d.year() >= 1900);
        if !valid_birth {
            return Err(format!("身份证号码中的出生日期 {birth} 无效"));
        }
        let sum: u32 = body.iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        let expected = CHECK[(sum % 11) as usize];
        if bytes[17] != expected {
            return Err("身份证号码校验码错误,请核对".to_owned());
        }
        Ok(IdNumber(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For display: the first four and last four characters, `4201**********123X`.
    pub fn masked(&self) -> String {
        format!("{}**********{}", &self.0[..4], &self.0[14..])
    }
}

macro_rules! string_conversions {
    ($($t:ident),+) => {$(
        impl TryFrom<String> for $t {
            type Error = String;
            fn try_from(text: String) -> Result<Self, String> {
                $t::parse(text)
            }
        }

        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }

        /// Masked: a `{:?}` in a log line shows no personal data.
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), self.masked())
            }
        }
    )+};
}

string_conversions!(Phone, IdNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_and_landline_numbers_are_accepted_and_masked() {
        assert_eq!(Phone::parse(" 13812341234 ").unwrap().masked(), "138****1234");
        assert_eq!(Phone::parse("027-85551234").unwrap().masked(), "027-****1234");
        assert_eq!(Phone::parse("0710-3551234").unwrap().as_str(), "0710-3551234");
    }

    #[test]
    fn malformed_numbers_are_refused_in_chinese() {
        for bad in [
            "",
            "1381234123",
            "23812341234",
            "12812341234",
            "138123412345",
            "27-85551234",
            "027-0555123",
            "02785551234",
            "138-12341234",
            "０２７-85551234",
        ] {
            let e = Phone::parse(bad).unwrap_err();
            assert!(e.contains("联系电话"), "{bad}: {e}");
        }
    }

    #[test]
    fn an_id_number_needs_its_check_character() {
        // 11010519491231002X is GB 11643's own example.
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.masked(), "1101**********002X");
        assert!(IdNumber::parse("110105194912310021").unwrap_err().contains("校验码"));
        assert!(IdNumber::parse("11010519491331002X").unwrap_err().contains("出生日期"));
        assert!(IdNumber::parse("1101051949123100").unwrap_err().contains("18位"));
        assert!(IdNumber::parse("1101051949123100AX").unwrap_err().contains("前17位"));
    }

    #[test]
    fn debug_shows_only_the_masked_form() {
        let p = Phone::parse("13812341234").unwrap();
        assert_eq!(format!("{p:?}"), "Phone(138****1234)");
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert!(!format!("{id:?}").contains("19491231"));
    }
}
