//! The trail from article to scenario: every article that asks something of the system is exercised by at
//! least one scenario of the project, and every article cited exists.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

/// Articles with a rule (docs/ARTICLES.md): all of 2–31 but the purpose [1], the principles [4] and the organs'
/// own duties [5], which ask nothing the system decides. The use of evaluation results [23] has one since
/// 2026-12-07: a proposal from a unit with a failed or overdue rectification is warned.
const WITH_RULES: &[u8] =
    &[2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];

fn cited() -> BTreeSet<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let files = govit_app::scenario::collect(&[root]).unwrap();
    assert!(files.len() > 50, "too few scenarios: {}", files.len());
    let mut out = BTreeSet::new();
    for file in files {
        let scenario = govit_app::scenario::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert!(!scenario.cites.is_empty(), "{} cites no article", file.display());
        out.extend(scenario.cites);
    }
    out
}

#[test]
fn every_article_with_a_rule_is_exercised_by_a_scenario() {
    let cited = cited();
    let missing: Vec<u8> = WITH_RULES.iter().copied().filter(|a| !cited.contains(a)).collect();
    assert!(missing.is_empty(), "articles without a scenario: {missing:?}");
}

#[test]
fn every_cited_article_exists() {
    assert!(cited().iter().all(|a| (1..=31).contains(a)));
}
