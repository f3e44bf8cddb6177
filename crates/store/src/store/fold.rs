//! Folding events into the projections' rows, and writing those rows in as few statements as possible.

use crate::documents::{Link, write_links};
use crate::error::StoreError;
use govit_rules::{Event, JurisdictionId, Plan, Project, ProjectId, Recorded};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// Folds events into projections: loads what it touches once, writes each changed row once at the end.
#[derive(Default)]
pub(crate) struct Fold {
    pub(super) projects: HashMap<ProjectId, (Project, i64)>,
    pub(super) plans: HashMap<(JurisdictionId, i32), Plan>,
    pub(super) links: Vec<(ProjectId, i64)>,
    /// The documents the records used: the `document_links` projection.
    pub(super) documents: Vec<Link>,
    /// The highest number registered per `jurisdiction-year-` prefix: the `project_numbers` projection.
    pub(super) numbers: HashMap<String, i64>,
    /// The rankings published [25], by jurisdiction and month, with the event's number: `rankings`.
    pub(super) rankings: HashMap<(String, String), i64>,
    /// Folding the whole log from its first event, reading nothing from the projections: what a check of the
    /// projections compares them with, so they cannot vouch for themselves.
    from_log_only: bool,
}

/// A project's row in `projects` beside its state: what the fold writes, and what the check reads back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProjectLine {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) owner: String,
    pub(crate) jurisdiction: String,
    pub(crate) status: String,
    pub(crate) route: String,
    pub(crate) approver: String,
    pub(crate) category: String,
    pub(crate) investment: i64,
    pub(crate) approved_investment: Option<i64>,
    pub(crate) plan_year: Option<i64>,
    pub(crate) supplementary: i64,
    pub(crate) registered_on: String,
    pub(crate) last_seq: i64,
    /// 1 when the project has measures or rectifications: what an owner's standing reads.
    pub(crate) watched: i64,
}

impl ProjectLine {
    pub(crate) fn of(p: &Project, last_seq: i64) -> ProjectLine {
        ProjectLine {
            id: p.id.to_string(),
            name: p.name.to_string(),
            owner: p.owner.name.to_string(),
            jurisdiction: p.jurisdiction.to_string(),
            status: p.status.code().to_owned(),
            route: p.route.code().to_owned(),
            approver: p.approver.code().to_owned(),
            category: p.category.code().to_owned(),
            investment: p.investment.yuan(),
            approved_investment: p.approved_investment.map(|m| m.yuan()),
            plan_year: p.plan.as_ref().map(|e| i64::from(e.year)),
            supplementary: i64::from(p.plan.as_ref().is_some_and(|e| e.supplementary.is_some())),
            registered_on: p.registered_on.to_string(),
            last_seq,
            watched: i64::from(!(p.measures.is_empty() && p.rectifications.is_empty())),
        }
    }
}

impl Fold {
    /// A fold of the whole log from its first event that reads nothing from the projections.
    pub(crate) fn from_log() -> Fold {
        Fold { from_log_only: true, ..Fold::default() }
    }

    pub(crate) async fn apply(
        &mut self,
        tx: &mut Transaction<'_, Any>,
        seq: i64,
        record: &Recorded,
    ) -> Result<(), StoreError> {
        if let Event::ProjectRegistered(r) = &record.event {
            self.projects.insert(r.project.clone(), (Project::register(r, record.on), seq));
            let number = r.project.as_str().rsplit_once('-').and_then(|(prefix, n)| Some((prefix, n.parse().ok()?)));
            let (prefix, n) =
                number.ok_or_else(|| StoreError::corrupt(seq, format!("项目编号 {} 不合格式", r.project)))?;
            let last = self.numbers.entry(format!("{prefix}-")).or_insert(0);
            *last = (*last).max(n);
        }
        for id in record.event.projects() {
            if !self.projects.contains_key(id) && self.from_log_only {
                return Err(StoreError::corrupt(seq, format!("事件涉及的项目 {id} 在此前的日志中没有登记")));
            }
            if !self.projects.contains_key(id) {
                let row: Option<(String,)> = sqlx::query_as("SELECT state FROM projects WHERE id = $1")
                    .bind(id.as_str())
                    .fetch_optional(&mut **tx)
                    .await?;
                let Some((state,)) = row else {
                    return Err(StoreError::corrupt(seq, format!("事件涉及的项目 {id} 不存在")));
                };
                let project: Project = serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))?;
                self.projects.insert(id.clone(), (project, seq));
            }
            if let Some((project, last)) = self.projects.get_mut(id) {
                project.apply(record);
                *last = seq;
            }
            self.links.push((id.clone(), seq));
        }
        if !record.attachments.is_empty() {
            let project = linked_project(record).map(str::to_owned);
            for (position, digest) in (0i64..).zip(&record.attachments) {
                self.documents.push(Link { digest: digest.clone(), seq, project: project.clone(), position });
            }
        }
        if let Event::RankingPublished { jurisdiction, period, .. } = &record.event {
            self.rankings.insert((jurisdiction.to_string(), period.to_string()), seq);
        }
        if let Some((jurisdiction, year)) = record.event.plan() {
            let key = (jurisdiction.clone(), year);
            if !self.plans.contains_key(&key) && self.from_log_only {
                self.plans.insert(key.clone(), Plan::new(jurisdiction.clone(), year));
            }
            if !self.plans.contains_key(&key) {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT state FROM plans WHERE jurisdiction = $1 AND year = $2")
                        .bind(jurisdiction.as_str())
                        .bind(year)
                        .fetch_optional(&mut **tx)
                        .await?;
                let plan = match row {
                    Some((state,)) => serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))?,
                    None => Plan::new(jurisdiction.clone(), year),
                };
                self.plans.insert(key.clone(), plan);
            }
            if let Some(plan) = self.plans.get_mut(&key) {
                plan.apply(record);
            }
        }
        Ok(())
    }

    /// Takes a project as it stands in the database, read by the batch, for the events about to be folded.
    pub(crate) fn adopt(&mut self, project: Project) {
        self.projects.entry(project.id.clone()).or_insert((project, 0));
    }

    /// Whether nothing has been folded since the fold was made (or written).
    pub(crate) fn is_empty(&self) -> bool {
        self.projects.is_empty()
            && self.plans.is_empty()
            && self.links.is_empty()
            && self.documents.is_empty()
            && self.rankings.is_empty()
    }

    /// A project or plan folded but not yet written, for reads inside a batch.
    pub(crate) fn project(&self, id: &ProjectId) -> Option<&Project> {
        self.projects.get(id).map(|(p, _)| p)
    }

    pub(crate) fn plan(&self, jurisdiction: &JurisdictionId, year: i32) -> Option<&Plan> {
        self.plans.get(&(jurisdiction.clone(), year))
    }

    /// Whether the ranking of `jurisdiction` for `period` (`2026-11`) was folded in this batch.
    pub(crate) fn ranking(&self, jurisdiction: &str, period: &str) -> bool {
        self.rankings.contains_key(&(jurisdiction.to_owned(), period.to_owned()))
    }

    /// The highest number folded for a `jurisdiction-year-` prefix.
    pub(crate) fn last_number(&self, prefix: &str) -> Option<i64> {
        self.numbers.get(prefix).copied()
    }

    /// Writes every changed row, a few multi-row statements per table: a batch of commands costs about as
    /// many round trips to the database as one.
    pub(crate) async fn write(self, tx: &mut Transaction<'_, Any>) -> Result<(), StoreError> {
        let mut projects = Vec::with_capacity(self.projects.len());
        for (p, last_seq) in self.projects.values() {
            let state = serde_json::to_string(p).map_err(|e| StoreError::corrupt(*last_seq, e))?;
            projects.push((ProjectLine::of(p, *last_seq), state));
        }
        insert_many(
            tx,
            "INSERT INTO projects (id, name, owner, jurisdiction, status, route, approver, category, investment, approved_investment, plan_year, supplementary, registered_on, last_seq, watched, state) VALUES ",
            " ON CONFLICT (id) DO UPDATE SET status = excluded.status, approver = excluded.approver,
               route = excluded.route, investment = excluded.investment,
               approved_investment = excluded.approved_investment, plan_year = excluded.plan_year,
               supplementary = excluded.supplementary, last_seq = excluded.last_seq, watched = excluded.watched,
               state = excluded.state",
            16,
            &projects,
            |q, (line, state)| {
                q.bind(line.id.clone())
                    .bind(line.name.clone())
                    .bind(line.owner.clone())
                    .bind(line.jurisdiction.clone())
                    .bind(line.status.clone())
                    .bind(line.route.clone())
                    .bind(line.approver.clone())
                    .bind(line.category.clone())
                    .bind(line.investment)
                    .bind(line.approved_investment)
                    .bind(line.plan_year)
                    .bind(line.supplementary)
                    .bind(line.registered_on.clone())
                    .bind(line.last_seq)
                    .bind(line.watched)
                    .bind(state.clone())
            },
        )
        .await?;
        let mut plans = Vec::with_capacity(self.plans.len());
        for ((jurisdiction, year), plan) in &self.plans {
            let state = serde_json::to_string(plan).map_err(|e| StoreError::corrupt(0, e))?;
            plans.push((jurisdiction, *year, plan.status.code(), state));
        }
        insert_many(
            tx,
            "INSERT INTO plans (jurisdiction, year, status, state) VALUES ",
            " ON CONFLICT (jurisdiction, year) DO UPDATE SET status = excluded.status, state = excluded.state",
            4,
            &plans,
            |q, (jurisdiction, year, status, state)| {
                q.bind(jurisdiction.as_str()).bind(*year).bind(*status).bind(state.clone())
            },
        )
        .await?;
        insert_many(
            tx,
            "INSERT INTO project_events (project, seq) VALUES ",
            " ON CONFLICT (project, seq) DO NOTHING",
            2,
            &self.links,
            |q, (id, seq)| q.bind(id.as_str()).bind(*seq),
        )
        .await?;
        let numbers: Vec<(&String, &i64)> = self.numbers.iter().collect();
        insert_many(
            tx,
            "INSERT INTO project_numbers (prefix, last) VALUES ",
            " ON CONFLICT (prefix) DO UPDATE SET last = CASE WHEN excluded.last > project_numbers.last
               THEN excluded.last ELSE project_numbers.last END",
            2,
            &numbers,
            |q, (prefix, last)| q.bind(prefix.as_str()).bind(**last),
        )
        .await?;
        let rankings: Vec<(&(String, String), &i64)> = self.rankings.iter().collect();
        insert_many(
            tx,
            "INSERT INTO rankings (jurisdiction, period, seq) VALUES ",
            " ON CONFLICT (jurisdiction, period) DO NOTHING",
            3,
            &rankings,
            |q, ((jurisdiction, period), seq)| q.bind(jurisdiction.clone()).bind(period.clone()).bind(**seq),
        )
        .await?;
        write_links(tx, &self.documents).await?;
        Ok(())
    }
}

/// Bound values per statement on PostgreSQL: under its limit (65,535).
const MAX_VALUES: usize = 30_000;

/// Bound values per statement on SQLite: under its limit (32,766).
const SQLITE_MAX_VALUES: usize = 30_000;

/// `INSERT … VALUES ($1, $2), ($3, $4) …`: `rows` written with as few statements as the limit on bound
/// values allows. `head` ends with `VALUES `; `tail` is what follows the rows (an `ON CONFLICT` clause).
///
/// On SQLite the values are anonymous (`?`): sqlx binds each numbered one by asking SQLite its name, a lookup
/// that walks the statement's named parameters, so a statement of n `$N` values costs n² — a third of the
/// demo generator's time and a quarter of a rebuild's went to `sqlite3_bind_parameter_name`
/// (docs/benchmarks.md). Anonymous values have no names to walk; they are bound in order, as here.
pub(crate) async fn insert_many<T>(
    tx: &mut Transaction<'_, Any>,
    head: &str,
    tail: &str,
    columns: usize,
    rows: &[T],
    bind: impl Fn(Query<'static, Any, AnyArguments>, &T) -> Query<'static, Any, AnyArguments>,
) -> Result<(), StoreError> {
    let sqlite = tx.backend_name() == "SQLite";
    let max_values = if sqlite { SQLITE_MAX_VALUES } else { MAX_VALUES };
    for chunk in rows.chunks((max_values / columns).max(1)) {
        let mut sql = String::with_capacity(head.len() + tail.len() + chunk.len() * columns * 5);
        sql.push_str(head);
        let mut n = 0;
        for row in 0..chunk.len() {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for column in 0..columns {
                n += 1;
                if column > 0 {
                    sql.push_str(", ");
                }
                if sqlite {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
            sql.push(')');
        }
        sql.push_str(tail);
        let query = chunk.iter().fold(sqlx::query(sqlx::AssertSqlSafe(sql)), &bind);
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The project a record's documents are linked to: its project's, or none for a plan event, which concerns
/// many projects and whose documents belong to the plan.
pub(crate) fn linked_project(record: &Recorded) -> Option<&str> {
    match record.event.plan() {
        Some(_) => None,
        None => record.event.projects().first().map(|p| p.as_str()),
    }
}
