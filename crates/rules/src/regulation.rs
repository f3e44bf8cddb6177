//! The text of《武汉市政务信息化项目建设管理办法》(2021), article by article, so that a refusal can quote the
//! articles it cites and a front end can show them.
//!
//! The text is compiled in from `regulation/wuhan-2021.txt` at the repository root (a byte-identical copy of
//! the published notice) and parsed once, on first use. Nothing here reads a file: the functions are pure.
//!
//! The notice's preamble (the 印发 letter, the office and the date) comes before the title and is not part of
//! any article. After the title, a line `第N章 …` opens a chapter, a line `第N条 …` opens an article, and every
//! other line continues the article before it (the (一)(二)(三) items of article 19, the duties listed under
//! article 24).

use crate::notice::chinese_number;
use serde::Serialize;
use std::sync::LazyLock;

/// The published text, exactly as issued (UTF-8, one paragraph a line).
const SOURCE: &str = include_str!("../../../regulation/wuhan-2021.txt");

/// One article of the regulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// 1 to 31.
    pub number: u8,
    /// The chapter the article stands in, as printed: `第二章 计划和审批管理`.
    pub chapter: &'static str,
    /// The article's heading in Chinese numerals: `第八条`.
    pub heading: String,
    /// The article's full text without its heading, continuation lines included and joined by `\n`.
    pub text: &'static str,
}

struct Regulation {
    title: &'static str,
    articles: Vec<Article>,
}

static REGULATION: LazyLock<Regulation> = LazyLock::new(|| parse(SOURCE));

/// The regulation's title: 武汉市政务信息化项目建设管理办法.
pub fn title() -> &'static str {
    REGULATION.title
}

/// All articles, in order: 第一条 to 第三十一条.
pub fn articles() -> &'static [Article] {
    &REGULATION.articles
}

/// Article `n` (1-based), or `None` when the regulation has no such article.
pub fn article(n: u8) -> Option<&'static Article> {
    REGULATION.articles.iter().find(|a| a.number == n)
}

/// One line of the source with where it starts and ends (line break excluded).
struct Line {
    start: usize,
    end: usize,
}

fn lines(source: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for raw in source.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        out.push(Line { start, end: start + content.len() });
        start += raw.len();
    }
    out
}

/// `第<numeral><unit> <rest>` → the number and the offset of `<rest>` within the line.
fn numbered(line: &str, unit: char) -> Option<(u8, usize)> {
    let after_di = line.strip_prefix('第')?;
    let unit_at = after_di.find(unit)?;
    let number = parse_chinese_number(&after_di[..unit_at])?;
    let after_unit = &after_di[unit_at + unit.len_utf8()..];
    let rest = after_unit.trim_start_matches([' ', '\u{3000}']);
    // A heading is always followed by a space: "第二章 计划…", "第八条 市级…".
    if rest.len() == after_unit.len() {
        return None;
    }
    Some((number, line.len() - rest.len()))
}

/// The inverse of [`chinese_number`] for 1..=99: `八` → 8, `十九` → 19, `三十一` → 31.
fn parse_chinese_number(s: &str) -> Option<u8> {
    (1..=99u8).find(|&n| chinese_number(n) == s)
}

fn parse(source: &'static str) -> Regulation {
    let lines = lines(source);
    let line_text = |l: &Line| -> &'static str { source.get(l.start..l.end).unwrap_or_default() };

    // The title is the line just before the first chapter heading.
    let first_chapter = lines.iter().position(|l| numbered(line_text(l), '章').is_some());
    let title = first_chapter
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| lines.get(i))
        .map(|l| line_text(l).trim())
        .unwrap_or_default();

    let mut articles: Vec<Article> = Vec::new();
    // The current article: its number, chapter, where its text starts and where it ends so far.
    let mut open: Option<(u8, &'static str, usize, usize)> = None;
    let mut chapter: &'static str = "";
    let close = |open: Option<(u8, &'static str, usize, usize)>, articles: &mut Vec<Article>| {
        if let Some((number, chapter, start, end)) = open {
            articles.push(Article {
                number,
                chapter,
                heading: format!("第{}条", chinese_number(number)),
                text: source.get(start..end).unwrap_or_default(),
            });
        }
    };

    for line in lines.iter().skip(first_chapter.unwrap_or(lines.len())) {
        let text = line_text(line);
        if numbered(text, '章').is_some() {
            close(open.take(), &mut articles);
            chapter = text.trim_end();
        } else if let Some((number, offset)) = numbered(text, '条') {
            close(open.take(), &mut articles);
            open = Some((number, chapter, line.start + offset, line.end));
        } else if let Some(current) = open.as_mut()
            && !text.trim().is_empty()
        {
            current.3 = line.end;
        }
    }
    close(open.take(), &mut articles);

    Regulation { title, articles }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_thirty_one_articles_parse_in_order() {
        let all = articles();
        assert_eq!(all.len(), 31);
        for (i, a) in all.iter().enumerate() {
            assert_eq!(usize::from(a.number), i + 1);
            assert_eq!(a.heading, format!("第{}条", chinese_number(a.number)));
            assert!(!a.text.is_empty(), "{} has no text", a.heading);
            assert!(!a.text.starts_with('第'), "{} keeps its heading", a.heading);
            assert_eq!(article(a.number), Some(a));
        }
        assert_eq!(article(0), None);
        assert_eq!(article(32), None);
    }

    #[test]
    fn the_title_is_the_regulations_name() {
        assert_eq!(title(), "武汉市政务信息化项目建设管理办法");
    }

    #[test]
    fn article_19_includes_its_three_items() {
        let text = article(19).map(|a| a.text).unwrap_or_default();
        assert!(text.starts_with("项目投资规模未超出概算批复"));
        for item in ["(一)", "(二)", "(三)"] {
            assert!(text.contains(item), "article 19 lacks {item}");
        }
        assert!(text.contains("不符合上述情形的"));
        assert_eq!(text.lines().count(), 5);
    }

    #[test]
    fn article_8_contains_inclusive_of_the_amount() {
        let a = article(8).unwrap();
        assert_eq!(a.heading, "第八条");
        assert!(a.text.contains("含本数"));
        assert_eq!(a.chapter, "第二章 计划和审批管理");
    }

    #[test]
    fn article_31_contains_takes_effect_on_issue() {
        let a = article(31).unwrap();
        assert_eq!(a.heading, "第三十一条");
        assert!(a.text.contains("自印发之日起施行"));
        assert_eq!(a.chapter, "第五章 附则");
    }

    #[test]
    fn chapter_of_article_17_is_chapter_three() {
        let a = article(17).unwrap();
        assert!(a.chapter.starts_with("第三章"));
        assert_eq!(a.chapter, "第三章 建设与资金管理");
    }

    #[test]
    fn article_24_includes_every_departments_duties() {
        let text = article(24).unwrap().text;
        assert!(text.contains("市委机要保密和档案局"));
        assert_eq!(text.lines().count(), 7);
    }

    #[test]
    fn the_preamble_belongs_to_no_article() {
        assert!(articles().iter().all(|a| !a.text.contains("各区人民政府,市人民政府各部门")));
        assert_eq!(article(1).map(|a| a.chapter), Some("第一章 总则"));
    }

    #[test]
    fn chinese_numerals_parse_back() {
        for n in 1..=99 {
            assert_eq!(parse_chinese_number(&chinese_number(n)), Some(n));
        }
        assert_eq!(parse_chinese_number(""), None);
        assert_eq!(parse_chinese_number("一百"), None);
    }
}
