//! What a decision says besides its events: refusals and warnings, each citing articles.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An article of the regulation, 1 to 31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Article(pub u8);

impl fmt::Display for Article {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}条", chinese_number(self.0))
    }
}

/// 1..=99 in Chinese numerals, as the regulation numbers its articles (第二十一条).
pub fn chinese_number(n: u8) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = (usize::from(n / 10), usize::from(n % 10));
    let mut out = String::new();
    if tens > 1 {
        out.push_str(DIGITS[tens]);
    }
    if tens > 0 {
        out.push('十');
    }
    if ones > 0 || tens == 0 {
        out.push_str(DIGITS[ones]);
    }
    out
}

/// One thing the regulation says about an action: the articles it rests on and a Chinese sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub articles: Vec<Article>,
    pub message: String,
}

impl Notice {
    pub fn new(articles: &[u8], message: impl Into<String>) -> Notice {
        Notice { articles: articles.iter().copied().map(Article).collect(), message: message.into() }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cited: Vec<String> = self.articles.iter().map(ToString::to_string).collect();
        write!(f, "{}(依据{})", self.message, cited.join("、"))
    }
}

/// The regulation says no: nothing changes, and every reason that applies is given, the first one first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub reasons: Vec<Notice>,
}

impl Refusal {
    /// A refusal for a single reason.
    pub fn single(articles: &[u8], message: impl Into<String>) -> Refusal {
        Refusal { reasons: vec![Notice::new(articles, message)] }
    }

    /// Every article cited by any reason, in order of first appearance.
    pub fn articles(&self) -> Vec<Article> {
        let mut out: Vec<Article> = Vec::new();
        for a in self.reasons.iter().flat_map(|r| r.articles.iter()) {
            if !out.contains(a) {
                out.push(*a);
            }
        }
        out
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.reasons.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join(";"))
    }
}

/// The actor has no such power: an authorisation failure, decided before any article is looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forbidden {
    pub message: String,
}

/// Why an action was not done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rejection {
    Forbidden(Forbidden),
    Refused(Refusal),
}

impl From<Refusal> for Rejection {
    fn from(r: Refusal) -> Rejection {
        Rejection::Refused(r)
    }
}

impl From<Forbidden> for Rejection {
    fn from(f: Forbidden) -> Rejection {
        Rejection::Forbidden(f)
    }
}

/// Collects the reasons for refusing an action, in the order the checks are written (the table's order).
#[derive(Debug, Default)]
pub struct Checks {
    reasons: Vec<Notice>,
}

impl Checks {
    pub fn new() -> Checks {
        Checks::default()
    }

    /// Refuses with `articles` and `message` unless `ok` holds.
    pub fn require(&mut self, ok: bool, articles: &[u8], message: impl FnOnce() -> String) -> &mut Checks {
        if !ok {
            self.reasons.push(Notice::new(articles, message()));
        }
        self
    }

    /// `Ok(())` when every check passed, else the refusal with all reasons found.
    pub fn finish(&mut self) -> Result<(), Refusal> {
        if self.reasons.is_empty() { Ok(()) } else { Err(Refusal { reasons: std::mem::take(&mut self.reasons) }) }
    }
}

/// A refusal for a single reason.
pub fn refuse<T>(articles: &[u8], message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal::single(articles, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_named_in_chinese_numerals() {
        assert_eq!(Article(8).to_string(), "第八条");
        assert_eq!(Article(10).to_string(), "第十条");
        assert_eq!(Article(21).to_string(), "第二十一条");
        assert_eq!(Article(30).to_string(), "第三十条");
        assert_eq!(Article(15).to_string(), "第十五条");
    }
}
