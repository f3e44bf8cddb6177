//! Checking the projections against the log: every row that pages and lists read (`projects`, `plans`,
//! `project_events`, `document_links`), and the counter the next project number comes from
//! (`project_numbers`, which lowered would hand out a number already taken), must be what folding the hashed
//! log from its first event gives. A
//! projection is a copy beside the hashed bodies like any other column (issue 17): changed in the database
//! file, it would show a project as accepted that never was while the chain still verified.
//!
//! The fold is the one the writer uses ([`Fold::from_log`]), reading nothing from the projections it checks,
//! in a read transaction (a consistent snapshot that does not hold up the writer).

use super::Store;
use super::fold::{Fold, ProjectLine};
use super::log::Body;
use crate::chain::ChainBreak;
use crate::error::StoreError;
use govit_rules::ProjectId;
use serde_json::Value;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// What the check found: how many rows agreed, and the first that did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectionReport {
    pub projects: usize,
    pub plans: usize,
    pub first_difference: Option<ChainBreak>,
}

impl Store {
    /// Folds the whole log and compares every projection row with the result.
    pub async fn verify_projections(&self) -> Result<ProjectionReport, StoreError> {
        // One snapshot for the fold and every comparison: on PostgreSQL a plain transaction reads each
        // statement afresh (READ COMMITTED), and another node's commit in between would look like tampering.
        let mut tx = match self.backend {
            super::Backend::Postgres => self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ").await?,
            super::Backend::Sqlite => self.pool.begin().await?,
        };
        let mut fold = Fold::from_log();
        let mut after = 0i64;
        loop {
            let rows: Vec<(i64, String)> =
                sqlx::query_as("SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT 5000")
                    .bind(after)
                    .fetch_all(&mut *tx)
                    .await?;
            let Some((last, _)) = rows.last() else { break };
            after = *last;
            for (seq, body) in rows {
                let body: Body = serde_json::from_str(&body).map_err(|e| StoreError::corrupt(seq, e))?;
                if let Some(record) = &body.record {
                    fold.apply(&mut tx, seq, record).await?;
                }
            }
        }
        let mut report =
            ProjectionReport { projects: fold.projects.len(), plans: fold.plans.len(), first_difference: None };
        let differences = [
            projects(&mut tx, &fold).await?,
            plans(&mut tx, &fold).await?,
            timelines(&mut tx, &fold).await?,
            documents(&mut tx, &fold).await?,
            numbers(&mut tx, &fold).await?,
            rankings(&mut tx, &fold).await?,
        ];
        report.first_difference = differences.into_iter().flatten().next();
        tx.rollback().await?;
        Ok(report)
    }
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

fn differs(seq: i64, reason: String) -> Option<ChainBreak> {
    Some(ChainBreak { seq, reason })
}

/// Whether `stored` state text means the same as `folded`: read as the type it is (a field added since the
/// row was written takes its default) and compared as JSON values, so key order is no difference either.
fn same_state<T: serde::Serialize + serde::de::DeserializeOwned>(stored: &str, folded: &T) -> bool {
    let stored: Option<Value> = serde_json::from_str::<T>(stored).ok().and_then(|s| serde_json::to_value(s).ok());
    stored.is_some() && stored == serde_json::to_value(folded).ok()
}

async fn projects(tx: &mut Tx<'_>, fold: &Fold) -> Result<Option<ChainBreak>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name, owner, jurisdiction, status, route, approver, category, investment, approved_investment,
                plan_year, supplementary, registered_on, last_seq, watched, state FROM projects ORDER BY id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut seen = BTreeSet::new();
    for r in &rows {
        let stored = ProjectLine {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            owner: r.try_get("owner")?,
            jurisdiction: r.try_get("jurisdiction")?,
            status: r.try_get("status")?,
            route: r.try_get("route")?,
            approver: r.try_get("approver")?,
            category: r.try_get("category")?,
            investment: r.try_get("investment")?,
            approved_investment: r.try_get("approved_investment")?,
            plan_year: r.try_get("plan_year")?,
            supplementary: r.try_get("supplementary")?,
            registered_on: r.try_get("registered_on")?,
            last_seq: r.try_get("last_seq")?,
            watched: r.try_get("watched")?,
        };
        let state: String = r.try_get("state")?;
        let folded = ProjectId::parse(stored.id.clone()).ok().and_then(|id| fold.projects.get(&id));
        let Some((project, last_seq)) = folded else {
            return Ok(differs(stored.last_seq, format!("项目表中的 {} 在日志中没有登记", stored.id)));
        };
        let expected = ProjectLine::of(project, *last_seq);
        if let Some(column) = first_column_differing(&stored, &expected) {
            let reason = format!("项目 {} 的列表数据({column})与日志重算的结果不符", stored.id);
            return Ok(differs(*last_seq, reason));
        }
        if !same_state(&state, project) {
            return Ok(differs(*last_seq, format!("项目 {} 的状态数据与日志重算的结果不符", stored.id)));
        }
        seen.insert(stored.id);
    }
    let missing = fold.projects.iter().find(|(id, _)| !seen.contains(id.as_str()));
    Ok(missing.and_then(|(id, (_, seq))| differs(*seq, format!("日志中登记的项目 {id} 不在项目表中"))))
}

/// The name of the first column in which two rows of `projects` differ.
fn first_column_differing(stored: &ProjectLine, expected: &ProjectLine) -> Option<&'static str> {
    let columns: [(&'static str, bool); 15] = [
        ("id", stored.id == expected.id),
        ("name", stored.name == expected.name),
        ("owner", stored.owner == expected.owner),
        ("jurisdiction", stored.jurisdiction == expected.jurisdiction),
        ("status", stored.status == expected.status),
        ("route", stored.route == expected.route),
        ("approver", stored.approver == expected.approver),
        ("category", stored.category == expected.category),
        ("investment", stored.investment == expected.investment),
        ("approved_investment", stored.approved_investment == expected.approved_investment),
        ("plan_year", stored.plan_year == expected.plan_year),
        ("supplementary", stored.supplementary == expected.supplementary),
        ("registered_on", stored.registered_on == expected.registered_on),
        ("last_seq", stored.last_seq == expected.last_seq),
        ("watched", stored.watched == expected.watched),
    ];
    columns.into_iter().find(|(_, same)| !same).map(|(name, _)| name)
}

async fn plans(tx: &mut Tx<'_>, fold: &Fold) -> Result<Option<ChainBreak>, StoreError> {
    let rows: Vec<(String, i64, String, String)> =
        sqlx::query_as("SELECT jurisdiction, year, status, state FROM plans ORDER BY jurisdiction, year")
            .fetch_all(&mut **tx)
            .await?;
    let folded: BTreeMap<(String, i64), _> =
        fold.plans.iter().map(|((j, year), plan)| ((j.to_string(), i64::from(*year)), plan)).collect();
    for (jurisdiction, year, status, state) in &rows {
        let what = format!("{jurisdiction} {year}年度计划");
        let Some(plan) = folded.get(&(jurisdiction.clone(), *year)) else {
            return Ok(differs(0, format!("计划表中的{what}在日志中没有记载")));
        };
        if status != plan.status.code() || !same_state(state, *plan) {
            return Ok(differs(0, format!("{what}的数据与日志重算的结果不符")));
        }
    }
    let stored: BTreeSet<(String, i64)> = rows.into_iter().map(|(j, y, _, _)| (j, y)).collect();
    let missing = folded.keys().find(|k| !stored.contains(*k));
    Ok(missing.and_then(|(j, y)| differs(0, format!("日志中记载的{j} {y}年度计划不在计划表中"))))
}

/// Which events each project's timeline lists.
async fn timelines(tx: &mut Tx<'_>, fold: &Fold) -> Result<Option<ChainBreak>, StoreError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT project, seq FROM project_events").fetch_all(&mut **tx).await?;
    let stored: BTreeSet<(String, i64)> = rows.into_iter().collect();
    let folded: BTreeSet<(String, i64)> = fold.links.iter().map(|(id, seq)| (id.to_string(), *seq)).collect();
    let first = stored.symmetric_difference(&folded).next();
    Ok(first.and_then(|(project, seq)| {
        let how = if stored.contains(&(project.clone(), *seq)) { "多出" } else { "缺少" };
        differs(*seq, format!("项目 {project} 的办理记录{how}第{seq}号事件"))
    }))
}

/// Which documents each event used, and for which project. (Their order among an event's attachments is not
/// compared: links kept before migration 6 all say 0 until a rebuild, and the order decides nothing.)
async fn documents(tx: &mut Tx<'_>, fold: &Fold) -> Result<Option<ChainBreak>, StoreError> {
    let rows: Vec<(String, i64, Option<String>)> =
        sqlx::query_as("SELECT digest, seq, project FROM document_links").fetch_all(&mut **tx).await?;
    let stored: BTreeSet<(String, i64, Option<String>)> = rows.into_iter().collect();
    let folded: BTreeSet<(String, i64, Option<String>)> =
        fold.documents.iter().map(|l| (l.digest.clone(), l.seq, l.project.clone())).collect();
    let first = stored.symmetric_difference(&folded).next();
    Ok(first.and_then(|(digest, seq, _)| differs(*seq, format!("第{seq}号事件所用文件 {digest} 的记录与日志不符"))))
}

/// The rankings published [25], by jurisdiction and month, and the events that keep them.
async fn rankings(tx: &mut Tx<'_>, fold: &Fold) -> Result<Option<ChainBreak>, StoreError> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT jurisdiction, period, seq FROM rankings").fetch_all(&mut **tx).await?;
    let stored: BTreeSet<(String, String, i64)> = rows.into_iter().collect();
    let folded: BTreeSet<(String, String, i64)> =
        fold.rankings.iter().map(|((j, p), seq)| (j.clone(), p.clone(), *seq)).collect();
    let first = stored.symmetric_difference(&folded).next();
    Ok(first.and_then(|(j, p, seq)| differs(*seq, format!("{j} {p}的电子监察排名记录与日志不符"))))
}

/// The last number registered under each `jurisdiction-year-` prefix.
async fn numbers(tx: &mut Tx<'_>, fold: &Fold) -> Result<Option<ChainBreak>, StoreError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT prefix, last FROM project_numbers").fetch_all(&mut **tx).await?;
    let stored: BTreeMap<String, i64> = rows.into_iter().collect();
    let folded: BTreeMap<String, i64> = fold.numbers.iter().map(|(p, n)| (p.clone(), *n)).collect();
    let first = stored
        .iter()
        .map(|(p, n)| (p, Some(*n), folded.get(p).copied()))
        .chain(folded.iter().filter(|(p, _)| !stored.contains_key(*p)).map(|(p, n)| (p, None, Some(*n))))
        .find(|(_, kept, logged)| kept != logged);
    Ok(first.and_then(|(prefix, kept, logged)| {
        let shown = |n: Option<i64>| n.map_or_else(|| "无".to_owned(), |n| n.to_string());
        let reason = format!("编号 {prefix} 的计数为{},日志中最大编号为{}", shown(kept), shown(logged));
        differs(0, reason)
    }))
}
