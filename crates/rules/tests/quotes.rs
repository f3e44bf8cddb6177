//! Every passage of the regulation quoted in a comment of `crates/*/src` is word for word in
//! `regulation/wuhan-2021.txt` (issue 16, point 4).
//!
//! What is read: whole-line comments (`///`, `//!`, `//`; a comment after code on the same line is not read).
//! Consecutive lines of the same kind form one comment block; their texts, trimmed, are joined with no
//! separator, so a quote may run over a line break (the regulation has no line breaks inside a sentence).
//!
//! What is a quote of the regulation: text between ASCII double quotes `"…"` or Chinese quotes `“…”` that
//! holds at least 4 CJK characters (U+4E00..=U+9FFF), in a comment block that cites an article — in brackets
//! as the project does everywhere (`[25]`, `[7][9]`), in Chinese (`第十二条`) or in English (`article 12`).
//! Quoted Chinese in a block that cites no article is the program's own words, not the regulation's: a
//! screen label, a message ("系统内部错误"), a demo project's name, a sentence the web renders. There is no
//! allow-list: to have a quote checked, cite its article next to it, as the convention asks anyway.
//!
//! How it is compared: the passage is cut at every elision — `……`, a lone `…`, or `...` — and each piece,
//! trimmed, that still holds at least 4 CJK characters must occur in the regulation exactly: same characters,
//! same punctuation. The regulation mixes ASCII `,` `(` `)` `:` `;` with full-width `、` `。` `《》` `〔〕`;
//! copy from the text rather than retype.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The fewest pieces the walk is expected to check; fewer means the walk or the extraction broke.
const AT_LEAST: usize = 50;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

fn cjk_count(s: &str) -> usize {
    s.chars().filter(|&c| is_cjk(c)).count()
}

/// The kind of a whole-line comment and its text, or `None` for a line that is not one.
fn comment(line: &str) -> Option<(&'static str, &str)> {
    let line = line.trim_start();
    let rest = line.strip_prefix("//")?;
    Some(match rest.strip_prefix('!') {
        Some(text) => ("//!", text),
        None => match rest.strip_prefix('/') {
            Some(text) if !text.starts_with('/') => ("///", text),
            _ => ("//", rest),
        },
    })
}

/// A comment block: its lines' texts joined, and where each line starts in the joined text.
struct Block {
    text: String,
    /// (byte offset in `text`, 1-based line number), ascending.
    lines: Vec<(usize, usize)>,
}

impl Block {
    fn line_at(&self, offset: usize) -> usize {
        self.lines.iter().take_while(|(start, _)| *start <= offset).last().map_or(0, |&(_, line)| line)
    }
}

fn blocks(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<(&str, Block)> = None;
    for (index, line) in source.lines().enumerate() {
        match comment(line) {
            Some((kind, text)) => {
                if current.as_ref().is_some_and(|(k, _)| *k != kind) {
                    blocks.extend(current.take().map(|(_, b)| b));
                }
                let (_, block) =
                    current.get_or_insert_with(|| (kind, Block { text: String::new(), lines: Vec::new() }));
                block.lines.push((block.text.len(), index + 1));
                block.text.push_str(text.trim());
            }
            None => blocks.extend(current.take().map(|(_, b)| b)),
        }
    }
    blocks.extend(current.map(|(_, b)| b));
    blocks
}

/// Whether `text` cites an article: `[N]`, `第…条` or `article N`.
fn cites_an_article(text: &str) -> bool {
    let bracketed = text.match_indices('[').any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let digits: String = text[at + 1..].chars().take_while(char::is_ascii_digit).collect();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && !digits.is_empty()
            && text[at + 1 + digits.len()..].starts_with(']')
    });
    let chinese = text.match_indices('第').any(|(at, _)| {
        let after = &text[at + '第'.len_utf8()..];
        let numeral: String = after.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).collect();
        !numeral.is_empty() && after[numeral.len()..].starts_with('条')
    });
    let lower = text.to_lowercase();
    let english = ["article ", "articles "].iter().any(|word| {
        lower.match_indices(word).any(|(at, _)| lower[at + word.len()..].starts_with(|c: char| c.is_ascii_digit()))
    });
    bracketed || chinese || english
}

/// The quoted passages of `text` with at least 4 CJK characters, each with its byte offset.
fn passages(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some((open, mark)) = text[at..].char_indices().find(|&(_, c)| c == '"' || c == '“') {
        let start = at + open + mark.len_utf8();
        let close = if mark == '"' { '"' } else { '”' };
        let Some(length) = text[start..].find(close) else { break };
        let passage = &text[start..start + length];
        if cjk_count(passage) >= 4 {
            found.push((at + open, passage));
        }
        at = start + length + close.len_utf8();
    }
    found
}

/// The pieces of a passage between its elisions that are long enough to check.
fn pieces(passage: &str) -> Vec<&str> {
    passage.split("...").flat_map(|part| part.split('…')).map(str::trim).filter(|piece| cjk_count(piece) >= 4).collect()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// A quoted piece to check: where it is and what it says.
struct Quote {
    file: String,
    line: usize,
    piece: String,
}

fn quotes_in(file: &str, source: &str) -> Vec<Quote> {
    let mut quotes = Vec::new();
    for block in blocks(source) {
        if !cites_an_article(&block.text) {
            continue;
        }
        for (offset, passage) in passages(&block.text) {
            for piece in pieces(passage) {
                quotes.push(Quote { file: file.to_owned(), line: block.line_at(offset), piece: piece.to_owned() });
            }
        }
    }
    quotes
}

#[test]
fn every_quote_of_the_regulation_in_a_comment_is_word_for_word() {
    let root = root();
    let regulation = fs::read_to_string(root.join("regulation/wuhan-2021.txt")).unwrap();
    let mut files = Vec::new();
    let mut crates: Vec<PathBuf> = fs::read_dir(root.join("crates")).unwrap().map(|e| e.unwrap().path()).collect();
    crates.sort();
    for krate in crates {
        let src = krate.join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    assert!(!files.is_empty(), "no .rs files under {}/crates/*/src", root.display());

    let mut quotes = Vec::new();
    for path in &files {
        let source = fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        quotes.extend(quotes_in(&name, &source));
    }
    let wrong: Vec<&Quote> = quotes.iter().filter(|q| !regulation.contains(&q.piece)).collect();

    let mut report = String::new();
    for q in &wrong {
        writeln!(report, "  {}:{}: \"{}\"", q.file, q.line, q.piece).unwrap();
    }
    assert!(
        wrong.is_empty(),
        "{} of {} quoted pieces are not word for word in regulation/wuhan-2021.txt \
         (look each up there and copy it exactly; ASCII `,():;` but full-width `、。`):\n{report}",
        wrong.len(),
        quotes.len(),
    );
    assert!(quotes.len() >= AT_LEAST, "only {} quoted pieces found; the extraction is broken", quotes.len());
}

// The extraction itself ---------------------------------------------------------------------------------

#[test]
fn a_quote_running_over_a_line_break_is_joined_and_cut_at_its_elisions() {
    let source = "fn f() {}\n\
                  /// Acceptance [21]: “信息化项目建成后半年内,建设单位\n\
                  ///   应当……组织项目验收” and \"投入运行后12至24个月内...开展自评\".\n\
                  fn g() {}\n";
    let found: Vec<(usize, String)> = quotes_in("x.rs", source).into_iter().map(|q| (q.line, q.piece)).collect();
    assert_eq!(
        found,
        [
            (2, "信息化项目建成后半年内,建设单位应当".to_owned()),
            (2, "组织项目验收".to_owned()),
            (3, "投入运行后12至24个月内".to_owned()),
            (3, "开展自评".to_owned()),
        ]
    );
}

#[test]
fn only_blocks_that_cite_an_article_are_read_and_short_quotes_are_not_quotes() {
    let source = "// The web shows \"系统内部错误\" and \"与市级不同\".\n\
                  fn f() {}\n\
                  //! [25] \"整改\" is too short; \"逾期不整改\" is not.\n\
                  /// Another kind of comment is another block: \"不是一个引文\".\n";
    let found: Vec<String> = quotes_in("x.rs", source).into_iter().map(|q| q.piece).collect();
    assert_eq!(found, ["逾期不整改"]);
    assert!(cites_an_article("第十二条:“…”"));
    assert!(cites_an_article("(article 12)"));
    assert!(cites_an_article("[7][9]"));
    assert!(!cites_an_article("rows[0] and [`seed`]"));
}

#[test]
fn a_misquote_is_caught() {
    let regulation = "第二十五条 逾期不整改或者整改后仍不符合要求的,项目审批部门可以对其进行通报批评。";
    let source = "/// [25] \"逾期不整改或者整改后仍不符合要求的,项目审批部门可以对其通报批评\"\n";
    let wrong: Vec<String> =
        quotes_in("x.rs", source).into_iter().filter(|q| !regulation.contains(&q.piece)).map(|q| q.piece).collect();
    assert_eq!(wrong.len(), 1);
}
