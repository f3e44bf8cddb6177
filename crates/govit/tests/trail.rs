//! The article trail, generated: `docs/ARTICLES.md` is written from the code — the actions each article
//! governs (`Action::articles`), the rules that cite it (the citations in `crates/rules/src`), the scenarios
//! that cite it (`cites:`) and the screens that offer or show it (`govit_web::screens`) — and this test fails
//! when the file is not what the code gives. `GOVIT_BLESS=1 cargo test -p govit --test trail` writes it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use govit_app::scenario::{self, Expect};
use govit_rules::Action;
use govit_rules::trail::ANY_ACTION;
use govit_web::screens::{COMMAND_ROUTE, SCREENS, action_page};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The article numbers in `[8]`, `[13, 16]` or `[12][13]`; in code only after `&` (`refuse(&[18], …)`), so
/// that an index such as `v[1]` is not taken for a citation.
fn citations(text: &str, in_code: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('[') {
        if in_code && !text[..at].ends_with('&') {
            continue;
        }
        let Some(len) = text[at + 1..].find(']') else { continue };
        let numbers: Option<Vec<u8>> = text[at + 1..at + 1 + len]
            .split(',')
            .map(|n| n.trim().parse().ok().filter(|n| (1..=31).contains(n)))
            .collect();
        out.extend(numbers.unwrap_or_default());
    }
    out
}

/// The item a line opens: `fn name`, a type, or a match arm on a command (`Command::Accept { .. } =>`).
enum Opens {
    Item(String),
    Arm(String),
}

fn opens(line: &str) -> Option<Opens> {
    let t = line.trim_start();
    for prefix in ["Command::", "C::"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            let name: String = rest.chars().take_while(char::is_ascii_alphanumeric).collect();
            return (!name.is_empty()).then_some(Opens::Arm(name));
        }
    }
    let t = ["pub(crate) ", "pub(super) ", "pub "].iter().find_map(|v| t.strip_prefix(v)).unwrap_or(t);
    let t = t.strip_prefix("const fn ").map(|r| format!("fn {r}")).unwrap_or_else(|| t.to_owned());
    for keyword in ["fn ", "struct ", "enum ", "trait "] {
        if let Some(rest) = t.strip_prefix(keyword) {
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            return (!name.is_empty()).then_some(Opens::Item(name));
        }
    }
    // A member list of `vocabulary!` opens with its type's name alone: `OwnerKind {`.
    let name = t.strip_suffix(" {").filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()));
    name.filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric())).map(|n| Opens::Item(n.to_owned()))
}

/// Article → file → the items citing it, each with the command arms that cite it, in the order written.
type RuleSites = BTreeMap<u8, BTreeMap<String, Vec<(String, Vec<String>)>>>;

/// Reads the rules' citations. A comment's citations belong to the item or arm that follows it; a line of
/// code's to the item or arm it stands in; a module's `//!` header to the module. Tests are not rules.
fn rule_sites() -> RuleSites {
    let root = repo().join("crates/rules/src");
    let mut sites = RuleSites::new();
    for path in rust_files(&root) {
        let file = path.strip_prefix(&root).unwrap().display().to_string();
        if file == "trail.rs" {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let (mut item, mut arm) = ("(module)".to_owned(), None::<String>);
        let mut pending = Vec::new();
        let mut note = |n: u8, item: &str, arm: &Option<String>| {
            let items = sites.entry(n).or_default().entry(file.clone()).or_default();
            let at = match items.iter().position(|(i, _)| i == item) {
                Some(at) => at,
                None => {
                    items.push((item.to_owned(), Vec::new()));
                    items.len() - 1
                }
            };
            if let Some(arm) = arm.as_ref().filter(|a| !items[at].1.contains(a)) {
                items[at].1.push(arm.clone());
            }
        };
        for line in source.lines() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            let t = line.trim_start();
            if t.starts_with("//!") {
                citations(t, false).into_iter().for_each(|n| note(n, "(module)", &None));
                continue;
            }
            if t.starts_with("//") {
                pending.extend(citations(t, false));
                continue;
            }
            // An attribute stands between a doc comment and its item: the comment's citations wait for the item.
            if t.starts_with("#[") {
                continue;
            }
            match opens(line) {
                Some(Opens::Item(name)) => (item, arm) = (name, None),
                Some(Opens::Arm(name)) => arm = Some(name),
                None => {}
            }
            let (code, comment) = t.split_once("//").unwrap_or((t, ""));
            let cited = pending.drain(..).chain(citations(code, true)).chain(citations(comment, false));
            cited.collect::<Vec<_>>().into_iter().for_each(|n| note(n, &item, &arm));
        }
    }
    sites
}

struct Scenarios {
    by_article: BTreeMap<u8, BTreeSet<String>>,
    /// `file: action cites [n]` for every expectation citing an article its action is not governed by.
    strays: Vec<String>,
}

fn scenarios() -> Scenarios {
    let root = repo().join("scenarios");
    let mut out = Scenarios { by_article: BTreeMap::new(), strays: Vec::new() };
    for path in scenario::collect(std::slice::from_ref(&root)).unwrap() {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        let parsed = scenario::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for n in parsed.cites {
            out.by_article.entry(n).or_default().insert(name.clone());
        }
        for step in parsed.steps {
            let (Some(action), Some(Expect::Rejected(cited) | Expect::Warned(cited))) = (step.action, step.expect)
            else {
                continue;
            };
            for n in cited.into_iter().filter(|n| !action.articles().contains(n) && !ANY_ACTION.contains(n)) {
                out.strays.push(format!("{name}: {} cites [{n}]", action.code()));
            }
        }
    }
    out
}

fn generate() -> String {
    let rules = rule_sites();
    let scenarios = scenarios();
    let mut md = String::from(
        "# Article → actions → rules → scenarios → screens\n\n\
         Generated from the code by `crates/govit/tests/trail.rs`; do not edit by hand. To write it again after a \
         change: `GOVIT_BLESS=1 cargo test -p govit --test trail`.\n\n\
         For every article of 《武汉市政务信息化项目建设管理办法》: the actions it governs (`Action::articles` in \
         `crates/rules/src/trail.rs`), each named by the page where a person does it (every action is also one \
         `POST /api/v1/commands` `{do, with}` away); the rules that cite it (paths under `crates/rules/src/`, the \
         function or type, and in brackets the commands whose arm cites it); the scenarios whose `cites:` name it; \
         and the other pages and API routes that show it (`crates/web/src/screens.rs`). Articles every action may \
         cite (who acts, where, the measures that stop a project, a district's rules, the date in force): ",
    );
    let any: Vec<String> = ANY_ACTION.iter().map(|n| format!("[{n}]")).collect();
    writeln!(md, "{}. How each article is read: `docs/READINGS.md`.", any.join("")).unwrap();
    for article in govit_rules::regulation::articles() {
        let n = article.number;
        let first = article.text.lines().next().unwrap_or("");
        let summary: String = first.chars().take(60).collect();
        let more = if first.chars().count() > 60 || article.text.lines().count() > 1 { "……" } else { "" };
        writeln!(md, "\n## [{n}] {}\n\n> {summary}{more}\n", article.heading).unwrap();
        let actions: Vec<String> = Action::ALL
            .iter()
            .filter(|a| a.articles().contains(&n))
            .map(|a| format!("{} `{}`", a.label(), action_page(*a).replace("{action}", a.code())))
            .collect();
        if !actions.is_empty() {
            writeln!(md, "- actions: {}", actions.join("; ")).unwrap();
        }
        if let Some(files) = rules.get(&n) {
            let listed: Vec<String> = files
                .iter()
                .map(|(file, items)| {
                    let items: Vec<String> = items
                        .iter()
                        .map(|(item, arms)| match arms.is_empty() {
                            true => format!("`{item}`"),
                            false => format!("`{item}` ({})", arms.join(", ")),
                        })
                        .collect();
                    format!("`{file}` {}", items.join(", "))
                })
                .collect();
            writeln!(md, "- rules: {}", listed.join("; ")).unwrap();
        }
        match scenarios.by_article.get(&n) {
            Some(files) => {
                let files: Vec<String> = files.iter().map(|f| format!("`{f}`")).collect();
                writeln!(md, "- scenarios ({}): {}", files.len(), files.join(", ")).unwrap();
            }
            None => writeln!(md, "- scenarios: none").unwrap(),
        }
        let screens: Vec<String> =
            SCREENS.iter().filter(|s| s.articles.contains(&n)).map(|s| format!("{} `{}`", s.title, s.path)).collect();
        if !screens.is_empty() {
            writeln!(md, "- screens: {}", screens.join("; ")).unwrap();
        }
    }
    md
}

#[test]
fn the_article_trail_is_generated_from_the_code() {
    let path = repo().join("docs/ARTICLES.md");
    let fresh = generate();
    if std::env::var_os("GOVIT_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "docs/ARTICLES.md is stale: run `GOVIT_BLESS=1 cargo test -p govit --test trail` and commit the file"
    );
}

#[test]
fn every_scenario_expectation_cites_an_article_of_its_action() {
    let strays = scenarios().strays;
    assert!(strays.is_empty(), "cited outside Action::articles:\n{}", strays.join("\n"));
}

#[test]
fn every_screen_of_the_trail_is_routed() {
    let routes: String =
        rust_files(&repo().join("crates/web/src")).iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    let routed = |path: &str| routes.contains(&format!(".route(\"{}\"", path.strip_prefix("/api/v1").unwrap_or(path)));
    let paths =
        SCREENS.iter().map(|s| s.path).chain(Action::ALL.iter().map(|a| action_page(*a))).chain([COMMAND_ROUTE]);
    let missing: Vec<&str> = paths.filter(|p| !routed(p)).collect();
    assert!(missing.is_empty(), "not routed: {missing:?}");
}

#[test]
fn every_article_with_an_action_has_a_rule_citing_it() {
    let rules = rule_sites();
    let bare: Vec<u8> =
        Action::ALL.iter().flat_map(|a| a.articles()).copied().filter(|n| !rules.contains_key(n)).collect();
    assert!(bare.is_empty(), "governing articles no rule cites: {bare:?}");
}
