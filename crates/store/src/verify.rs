//! Verifying the log: contiguous sequence numbers from 1, each body naming its own row, each hash
//! `SM3(previous hash ‖ body)`, and the one column kept beside the body, `kind` (which SQL uses to tell
//! security events from decisions), equal to what the body says (issue 17: a copy nobody checked could be
//! changed unnoticed).
//!
//! Each stored hash is checked against `SM3(stored previous hash ‖ body)` on its own, so ranges of the log
//! are checked on two threads at once; the links are then checked in order (every stored previous hash equal
//! to the hash before it), which together is the same as walking the chain from the genesis hash.
//!
//! How the rows are read is what decides the speed (docs/benchmarks.md [2]). sqlx hands every row from
//! SQLite's worker thread to the caller through a channel and copies it into owned strings; on a SQLite file
//! the ranges are therefore read with rusqlite, each on its own read-only connection, borrowing every row
//! from SQLite's buffer. On PostgreSQL (and an in-memory SQLite), a page is read as one value
//! ([`PAGE_OF_LOG`]), so it crosses sqlx once.

use crate::chain::{ChainBreak, ChainReport, GENESIS, hash_event};
use crate::error::StoreError;
use crate::store::{Store, decode_hash};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use tokio::task::JoinHandle;

/// Events checked per task.
const RANGE: i64 = 8_000;

/// Tasks in flight: one per core of the machines govit is sized for, and one more ready when either ends.
const IN_FLIGHT: usize = 3;

/// A page of the log as one text value, and its last sequence number: per event,
/// `"{seq} {bytes of prev_hash} {bytes of hash} {bytes of kind} {bytes of body} "` then the four values
/// themselves. The
/// lengths come from the database, so the values are cut out exactly, whatever a tampered row holds. The
/// events are sorted by `seq` once cut out: an aggregate's order is not promised, and an `ORDER BY` inside it
/// costs SQLite a sort. The same SQL on SQLite (≥ 3.44) and PostgreSQL.
const PAGE_OF_LOG: &str = "SELECT string_agg(seq || ' ' || octet_length(prev_hash) || ' ' || octet_length(hash) || ' '
        || octet_length(kind) || ' ' || octet_length(body) || ' ' || prev_hash || hash || kind || body, ''), MAX(seq)
     FROM (SELECT seq, kind, body, prev_hash, hash FROM events WHERE seq > $1 ORDER BY seq LIMIT $2) AS page";

/// A body read for what its row repeats only (serde skips the rest without building it).
#[derive(Deserialize)]
struct Named<'a> {
    seq: i64,
    #[serde(borrow)]
    record: Option<NamedRecord<'a>>,
    #[serde(borrow)]
    security: Option<NamedSecurity<'a>>,
}

#[derive(Deserialize)]
struct NamedRecord<'a> {
    #[serde(borrow)]
    event: NamedEvent<'a>,
}

#[derive(Deserialize)]
struct NamedEvent<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

#[derive(Deserialize)]
struct NamedSecurity<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
}

/// One event checked on its own: its hashes decoded, its content hashed, its own sequence number read.
#[derive(Debug)]
pub(crate) struct Checked {
    seq: i64,
    bytes: u64,
    prev: Option<[u8; 32]>,
    /// Whether the stored hash is `SM3(stored previous hash ‖ body)`.
    hash_matches: bool,
    hash: [u8; 32],
    body_seq: Result<i64, String>,
    /// The stored `kind` and the one the body names, when they differ.
    kind_differs: Option<(String, String)>,
}

type Task = JoinHandle<Result<Vec<Checked>, StoreError>>;

impl Store {
    /// Walks the whole log: contiguous sequence numbers from 1, each body naming its own row, each hash
    /// recomputed from the previous one. Reports the first place where the log is not what was written.
    pub async fn verify_chain(&self) -> Result<ChainReport, StoreError> {
        self.verify_chain_with(|_, _| ()).await
    }

    /// [`Store::verify_chain`], telling `on_verified` the sequence number and hash of every event that
    /// checked out, in order: for checkpoints and progress bars.
    pub async fn verify_chain_with(
        &self,
        mut on_verified: impl FnMut(i64, &[u8; 32]),
    ) -> Result<ChainReport, StoreError> {
        let mut report = ChainReport { events: 0, bytes: 0, head: GENESIS, first_break: None };
        match self.sqlite_file() {
            Some(file) => self.verify_file(file.to_owned(), &mut report, &mut on_verified).await?,
            None => self.verify_pages(&mut report, &mut on_verified).await?,
        }
        Ok(report)
    }

    async fn verify_file(
        &self,
        file: PathBuf,
        report: &mut ChainReport,
        on_verified: &mut impl FnMut(i64, &[u8; 32]),
    ) -> Result<(), StoreError> {
        let last = self.last_seq().await?;
        let mut next = 1i64;
        let mut tasks: VecDeque<Task> = VecDeque::new();
        loop {
            while tasks.len() < IN_FLIGHT && next <= last {
                let (from, to, file) = (next, (next + RANGE - 1).min(last), file.clone());
                tasks.push_back(tokio::task::spawn_blocking(move || check_range(&file, from, to)));
                next = to + 1;
            }
            let Some(task) = tasks.pop_front() else { return Ok(()) };
            if !link(report, joined(task, next).await?, on_verified) {
                return Ok(());
            }
        }
    }

    async fn verify_pages(
        &self,
        report: &mut ChainReport,
        on_verified: &mut impl FnMut(i64, &[u8; 32]),
    ) -> Result<(), StoreError> {
        let mut after = 0i64;
        let mut hashing: Option<Task> = None;
        loop {
            let (page, last): (Option<String>, Option<i64>) =
                sqlx::query_as(PAGE_OF_LOG).bind(after).bind(RANGE).fetch_one(self.pool()).await?;
            if let Some(task) = hashing.take()
                && !link(report, joined(task, after).await?, on_verified)
            {
                return Ok(());
            }
            let (Some(page), Some(last)) = (page, last) else { return Ok(()) };
            let first = after + 1;
            after = last;
            hashing = Some(tokio::task::spawn_blocking(move || check_page(&page, first)));
        }
    }
}

async fn joined(task: Task, seq: i64) -> Result<Vec<Checked>, StoreError> {
    task.await.map_err(|e| StoreError::corrupt(seq, format!("校验线程异常:{e}")))?
}

/// The events `from..=to` of a SQLite file, checked on a read-only connection of their own.
fn check_range(file: &Path, from: i64, to: i64) -> Result<Vec<Checked>, StoreError> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let failed = |e: rusqlite::Error| StoreError::Unsupported(format!("读取 {} 失败:{e}", file.display()));
    let conn = rusqlite::Connection::open_with_flags(file, flags).map_err(failed)?;
    // Pages mapped rather than copied by a read() each: this connection only reads.
    conn.pragma_update(None, "mmap_size", 1i64 << 32).map_err(failed)?;
    let mut statement = conn
        .prepare("SELECT seq, prev_hash, hash, kind, body FROM events WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq")
        .map_err(failed)?;
    let mut rows = statement.query([from, to]).map_err(failed)?;
    let mut checked = Vec::with_capacity(usize::try_from(to - from + 1).unwrap_or(0));
    while let Some(row) = rows.next().map_err(failed)? {
        let seq: i64 = row.get(0).map_err(failed)?;
        // A value of another type (a tampered row) is checked as the bytes SQLite gives for it.
        let bytes = |i: usize| row.get_ref(i).map(|v| v.as_bytes_or_null().ok().flatten().unwrap_or_default());
        let (prev, hash) = (bytes(1).map_err(failed)?, bytes(2).map_err(failed)?);
        checked.push(check(seq, prev, hash, bytes(3).map_err(failed)?, bytes(4).map_err(failed)?));
    }
    Ok(checked)
}

/// Cuts a page into its events and checks each, the two halves of the page on two threads.
fn check_page(page: &str, first: i64) -> Result<Vec<Checked>, StoreError> {
    let mut events = Vec::with_capacity(usize::try_from(RANGE).unwrap_or(0));
    let mut rest = page;
    while !rest.is_empty() {
        let (event, after) = cut(rest).ok_or_else(|| StoreError::corrupt(first, "日志页无法解析"))?;
        events.push(event);
        rest = after;
    }
    events.sort_by_key(|e| e.0);
    let (a, b) = events.split_at(events.len() / 2);
    let (mut a, b) = std::thread::scope(|scope| {
        let b = scope.spawn(|| check_all(b));
        (check_all(a), b.join())
    });
    a.extend(b.map_err(|_| StoreError::corrupt(first, "校验线程异常"))?);
    Ok(a)
}

/// One event of a page: `(seq, prev_hash, hash, kind, body)`.
type Cut<'a> = (i64, &'a str, &'a str, &'a str, &'a str);

fn check_all(events: &[Cut<'_>]) -> Vec<Checked> {
    events
        .iter()
        .map(|(seq, prev, hash, kind, body)| {
            check(*seq, prev.as_bytes(), hash.as_bytes(), kind.as_bytes(), body.as_bytes())
        })
        .collect()
}

/// One event off the front of a page, and what follows it.
fn cut(text: &str) -> Option<(Cut<'_>, &str)> {
    let mut fields = text.splitn(6, ' ');
    let seq = fields.next()?.parse().ok()?;
    let prev_len: usize = fields.next()?.parse().ok()?;
    let hash_len: usize = fields.next()?.parse().ok()?;
    let kind_len: usize = fields.next()?.parse().ok()?;
    let body_len: usize = fields.next()?.parse().ok()?;
    let values = fields.next()?;
    let (prev, values) = (values.get(..prev_len)?, values.get(prev_len..)?);
    let (hash, values) = (values.get(..hash_len)?, values.get(hash_len..)?);
    let (kind, values) = (values.get(..kind_len)?, values.get(kind_len..)?);
    let (body, values) = (values.get(..body_len)?, values.get(body_len..)?);
    Some(((seq, prev, hash, kind, body), values))
}

fn check(seq: i64, prev_hash: &[u8], hash: &[u8], kind: &[u8], body: &[u8]) -> Checked {
    let prev = decode_hash(seq, prev_hash).ok();
    // Compared as bytes: a stored hash that is not 64 hex digits cannot match.
    let computed = prev.map(|p| hash_event(&p, body));
    let stored = decode_hash(seq, hash).ok();
    let named = std::str::from_utf8(body).map_err(|e| e.to_string()).and_then(named);
    let kind_differs = match &named {
        Ok((_, named)) if named.as_bytes() != kind => {
            Some((String::from_utf8_lossy(kind).into_owned(), named.clone().into_owned()))
        }
        _ => None,
    };
    Checked {
        seq,
        bytes: body.len() as u64,
        prev,
        hash_matches: computed.is_some() && computed == stored,
        hash: computed.unwrap_or(GENESIS),
        body_seq: named.map(|(seq, _)| seq),
        kind_differs,
    }
}

/// The sequence number a body names, and the `kind` its row must repeat: the event's `type`, or
/// `security.` and the security record's `kind`. Bodies are written as `{"seq":12,"recorded_at":"…",` then
/// `"record":{"on":…,"actor":{…},"policy":…,"event":{"type":"…"` or `"security":{"kind":"…"`, which is read
/// directly: before `event` a record holds only strings and the actor's strings, and a string cannot hold
/// an unescaped quote, so the first `,"event":{"type":"` is the event's. Anything else is parsed in full
/// (only these are kept; the rest was hashed).
fn named(body: &str) -> Result<(i64, Cow<'_, str>), String> {
    if let Some(direct) = named_directly(body) {
        return Ok(direct);
    }
    let named: Named<'_> = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let kind = match (named.record, named.security) {
        (Some(record), None) => record.event.kind,
        (None, Some(security)) => Cow::Owned(format!("security.{}", security.kind)),
        _ => return Err("事件内容既非业务事件也非安全事件".to_owned()),
    };
    Ok((named.seq, kind))
}

fn named_directly(body: &str) -> Option<(i64, Cow<'_, str>)> {
    let rest = body.strip_prefix("{\"seq\":")?;
    let digits = rest.find(|c: char| !c.is_ascii_digit())?;
    let canonical = digits == 1 || !rest.starts_with('0');
    let seq = if canonical { rest.get(..digits)?.parse().ok()? } else { return None };
    let rest = rest.get(digits..)?.strip_prefix(",\"recorded_at\":\"")?;
    let (recorded_at, rest) = rest.split_once('"')?;
    if recorded_at.contains('\\') {
        return None;
    }
    if let Some(security) = rest.strip_prefix(",\"security\":{\"kind\":\"") {
        return Some((seq, Cow::Owned(format!("security.{}", plain(security)?))));
    }
    let record = rest.strip_prefix(",\"record\":{")?;
    let (_, event) = record.split_once(",\"event\":{\"type\":\"")?;
    Some((seq, Cow::Borrowed(plain(event)?)))
}

/// A string value up to its closing quote, if it holds no escape (which only a full parse reads right).
fn plain(text: &str) -> Option<&str> {
    text.split_once('"').map(|(s, _)| s).filter(|s| !s.contains('\\'))
}

/// Links checked events onto the chain walked so far; false at the first break (recorded in the report).
fn link(report: &mut ChainReport, checked: Vec<Checked>, on_verified: &mut impl FnMut(i64, &[u8; 32])) -> bool {
    for c in checked {
        let expected_seq = report.events + 1;
        let seq = c.seq;
        let problem = if seq != expected_seq {
            Some(format!("序号不连续:应为 {expected_seq},实为 {seq}(事件被删除或插入)"))
        } else if c.prev != Some(report.head) {
            Some("前一哈希与上一事件的哈希不符(事件被删除、插入或重排)".to_owned())
        } else if !c.hash_matches {
            Some("内容与哈希不符(事件内容被改动)".to_owned())
        } else {
            match (c.body_seq, c.kind_differs) {
                (Ok(b), _) if b != seq => Some(format!("事件内容记载的序号为 {b},与所在位置 {seq} 不符")),
                (Ok(_), Some((stored, named))) => {
                    Some(format!("kind 列为“{stored}”,与事件内容记载的“{named}”不符(哈希之外的列被改动)"))
                }
                (Ok(_), None) => None,
                (Err(e), _) => Some(format!("事件内容无法解析:{e}")),
            }
        };
        if let Some(reason) = problem {
            report.first_break = Some(ChainBreak { seq, reason });
            return false;
        }
        report.head = c.hash;
        on_verified(seq, &report.head);
        report.events += 1;
        report.bytes += c.bytes;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_names_its_sequence_number_and_kind_directly_or_through_a_full_parse() {
        let named = |body: &str| named(body).map(|(seq, kind)| (seq, kind.into_owned()));
        let record = r#"{"seq":12,"recorded_at":"x","record":{"on":"2022-01-05","actor":{"role":"owner"},"policy":"p","event":{"type":"plan_approved","year":2022}}}"#;
        assert_eq!(named(record), Ok((12, "plan_approved".to_owned())));
        let security = r#"{"seq":3,"recorded_at":"x","security":{"kind":"login_failed","username":"a","detail":""}}"#;
        assert_eq!(named(security), Ok((3, "security.login_failed".to_owned())));
        let reordered = r#"{"recorded_at":"x","seq":12,"security":{"username":"a","kind":"logout"}}"#;
        assert_eq!(named(reordered), Ok((12, "security.logout".to_owned())), "another order is parsed in full");
        let escaped = r#"{"seq":4,"recorded_at":"x","security":{"kind":"lo\u0067out"}}"#;
        assert_eq!(named(escaped), Ok((4, "security.logout".to_owned())), "an escape is read by the parser");
        assert!(
            named(r#"{"seq":012,"recorded_at":"x","security":{"kind":"a"}}"#).is_err(),
            "a leading zero is not JSON"
        );
        assert!(named(r#"{"seq":"12"}"#).is_err());
        assert!(named(r#"{"seq":12,"recorded_at":"x"}"#).is_err(), "neither a record nor a security event");
        assert!(named("not json").is_err());
    }

    #[test]
    fn a_page_is_cut_into_its_events_by_the_lengths_the_database_gave() {
        let page = "7 3 2 1 9 abcdek{\"a\":\"b\"}8 0 1 0 6 f中文";
        let (event, rest) = cut(page).unwrap();
        assert_eq!(event, (7, "abc", "de", "k", "{\"a\":\"b\"}"));
        assert_eq!(cut(rest), Some(((8, "", "f", "", "中文"), "")));
        assert!(cut("8 0 1 0 2 f中文").is_none(), "a length that cuts a character in two is refused");
        assert!(cut("8 0 1 0 99 f").is_none(), "a length past the end is refused");
    }
}
