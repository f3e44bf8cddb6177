//! Comparing what the system answered with what the scenario says it must.

use super::parse::{DeadlineCheck, Expect, Then};
use crate::{Executed, ProjectView};
use govit_rules::Rejection;
use govit_rules::derive::DeadlineName;
use govit_rules::vocab::Card;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How an outcome reads in a failure message.
fn describe(outcome: &Executed) -> String {
    match outcome {
        Executed::Done { warnings, .. } if warnings.is_empty() => "ok(已办理)".to_owned(),
        Executed::Done { warnings, .. } => {
            let w: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            format!("warned(已办理,提示:{})", w.join(";"))
        }
        Executed::Rejected { rejection: Rejection::Forbidden(f) } => format!("forbidden({})", f.message),
        Executed::Rejected { rejection: Rejection::Refused(r) } => format!("rejected({r})"),
    }
}

fn covers(cited: &BTreeSet<u8>, expected: &[u8]) -> bool {
    expected.iter().all(|a| cited.contains(a))
}

pub(super) fn check_expect(expect: Option<&Expect>, outcome: &Executed) -> Result<(), String> {
    let expect = expect.unwrap_or(&Expect::Ok);
    let ok = match (expect, outcome) {
        (Expect::Ok, Executed::Done { warnings, .. }) => warnings.is_empty(),
        (Expect::Forbidden, Executed::Rejected { rejection: Rejection::Forbidden(_) }) => true,
        (Expect::Rejected(articles), Executed::Rejected { rejection: Rejection::Refused(r) }) => {
            covers(&r.articles().iter().map(|a| a.0).collect(), articles)
        }
        (Expect::Warned(articles), Executed::Done { warnings, .. }) => {
            covers(&warnings.iter().flat_map(|w| w.articles.iter().map(|a| a.0)).collect(), articles)
        }
        _ => false,
    };
    if ok { Ok(()) } else { Err(format!("应为 {},实为 {}", expected_text(expect), describe(outcome))) }
}

fn expected_text(expect: &Expect) -> String {
    match expect {
        Expect::Ok => "ok".to_owned(),
        Expect::Forbidden => "forbidden".to_owned(),
        Expect::Rejected(a) => format!("rejected {a:?}"),
        Expect::Warned(a) => format!("warned {a:?}"),
    }
}

fn same<T: PartialEq + Serialize>(key: &str, expected: Option<T>, actual: T) -> Result<(), String> {
    match expected {
        Some(e) if e != actual => Err(format!("then.{key}:应为 {},实为 {}", shown(&e), shown(&actual))),
        _ => Ok(()),
    }
}

/// A value as the scenario file writes it (`approved`, `1150000`, `null`).
fn shown<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).map_or_else(|_| "?".to_owned(), |s| s.trim_matches('"').to_owned())
}

pub(super) fn check_then(then: &Then, view: &ProjectView) -> Result<(), String> {
    same("status", then.status, view.status)?;
    same("route", then.route, view.route)?;
    same("approver", then.approver, view.approver)?;
    same("government_approval_required", then.government_approval_required, view.government_approval_required)?;
    same("next_stage", then.next_stage, view.next_stage)?;
    same("approved_investment", then.approved_investment, view.approved_investment)?;
    if let Some(f) = &then.funds_releasable {
        same("funds_releasable.construction", f.construction, view.funds_releasable.construction)?;
        same("funds_releasable.preliminary_work", f.preliminary_work, view.funds_releasable.preliminary_work)?;
    }
    same("last_adjustment", then.last_adjustment, view.last_adjustment)?;
    same("adjustment_used", then.adjustment_used, view.adjustment_used)?;
    same("pending_adjustment", then.pending_adjustment, view.pending_adjustment)?;
    same("filed_with_bureau", then.filed_with_bureau, view.filed_with_bureau)?;
    same("surplus", then.surplus, view.surplus)?;
    if let Some(r) = &then.rectifications {
        let counts = view.rectifications;
        same("rectifications.open", r.open, counts.open)?;
        same("rectifications.reported", r.reported, counts.reported)?;
        same("rectifications.failed", r.failed, counts.failed)?;
        same("rectifications.closed", r.closed, counts.closed)?;
    }
    if let Some(deadlines) = &then.deadlines {
        for (name, expected) in deadlines {
            let actual = view.deadlines.iter().find(|d| d.name.to_string() == *name);
            let ok = match (expected, actual) {
                (None, None) => true,
                (Some(DeadlineCheck::Due(due)), Some(d)) => d.due == *due,
                (Some(DeadlineCheck::Window { from, due }), Some(d)) => d.from == *from && d.due == *due,
                _ => false,
            };
            if !ok {
                let shown =
                    actual.map_or_else(|| "无待办期限".to_owned(), |d| format!("{{from: {}, due: {}}}", d.from, d.due));
                let wanted = match expected {
                    None => "无待办期限".to_owned(),
                    Some(DeadlineCheck::Due(d)) => d.to_string(),
                    Some(DeadlineCheck::Window { from, due }) => format!("{{from: {from}, due: {due}}}"),
                };
                return Err(format!("then.deadlines.{name}:应为 {wanted},实为 {shown}"));
            }
        }
    }
    if let Some(expected) = &then.overdue {
        let expected: BTreeSet<DeadlineName> = expected.iter().filter_map(|n| DeadlineName::parse(n)).collect();
        let actual: BTreeSet<DeadlineName> = view.overdue.iter().copied().collect();
        if expected != actual {
            return Err(format!("then.overdue:应为 {},实为 {}", names(&expected), names(&actual)));
        }
    }
    same("assigned", then.assigned, view.project.assigned)?;
    if let Some(expected) = &then.cards {
        let actual: BTreeMap<String, Card> = view.cards.iter().map(|(name, card)| (name.to_string(), *card)).collect();
        if &actual != expected {
            let shown = |m: &BTreeMap<String, Card>| {
                let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}: {}", v.code())).collect();
                format!("{{{}}}", parts.join(", "))
            };
            return Err(format!("then.cards:应为 {},实为 {}", shown(expected), shown(&actual)));
        }
    }
    if let Some(expected) = &then.rating {
        let factors = || {
            let parts: Vec<String> =
                view.rating.factors.iter().map(|f| format!("{} {}({})", f.label, f.score, f.value)).collect();
            parts.join(";")
        };
        if expected.level.is_some_and(|l| l != view.rating.level) {
            return Err(format!(
                "then.rating.level:应为 {},实为 {}({})",
                shown(&expected.level),
                view.rating.level.code(),
                factors()
            ));
        }
        if expected.score.is_some_and(|s| s != view.rating.score) {
            return Err(format!(
                "then.rating.score:应为 {},实为 {}({})",
                shown(&expected.score),
                view.rating.score,
                factors()
            ));
        }
    }
    if let Some(expected) = &then.co_builders {
        let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
        let actual: BTreeSet<&str> = view.project.co_builders.iter().map(|o| o.as_str()).collect();
        if expected != actual {
            return Err(format!("then.co_builders:应为 {expected:?},实为 {actual:?}"));
        }
    }
    if let Some(expected) = &then.warnings {
        let expected: BTreeSet<u8> = expected.iter().copied().collect();
        let actual: BTreeSet<u8> = view.warnings.iter().map(|a| a.0).collect();
        if expected != actual {
            return Err(format!("then.warnings:应为 {expected:?},实为 {actual:?}"));
        }
    }
    Ok(())
}

fn names(set: &BTreeSet<DeadlineName>) -> String {
    let list: Vec<String> = set.iter().map(ToString::to_string).collect();
    format!("[{}]", list.join(", "))
}
