//! The projections: the project list and states, the plans, and rebuilding them all from the log.

use super::log::Body;
use super::{Fold, Store, WriteGuard};
use crate::error::StoreError;
use crate::schema::CLEAR_PROJECTIONS;
use govit_rules::{JurisdictionId, Plan, Project, ProjectId};
use serde::Serialize;
use sqlx::{Any, Executor, Row};

/// A project's row in the list projection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRow {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub jurisdiction: String,
    pub status: String,
    pub route: String,
    pub approver: String,
    pub category: String,
    pub investment: i64,
    pub approved_investment: Option<i64>,
    pub plan_year: Option<i64>,
    pub registered_on: String,
}

/// Which projects to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub owner: Option<String>,
    pub jurisdiction: Option<String>,
    pub status: Option<String>,
    pub limit: Option<i64>,
}

impl Store {
    pub async fn project(&self, id: &ProjectId) -> Result<Option<Project>, StoreError> {
        project_in(&self.pool, id).await
    }

    pub async fn plan(&self, jurisdiction: &JurisdictionId, year: i32) -> Result<Option<Plan>, StoreError> {
        plan_in(&self.pool, jurisdiction, year).await
    }

    /// The folded state of every project, or of one owner's projects: what visibility and deadline queries
    /// start from.
    pub async fn project_states(&self, owner: Option<&str>) -> Result<Vec<Project>, StoreError> {
        project_states_in(&self.pool, owner).await
    }

    /// Up to `limit` project states in number order after `after` (from the first when `None`): a full read
    /// of 100,000 projects a page at a time, so the JSON of all of them is never held at once.
    pub async fn project_states_page(&self, after: Option<&str>, limit: i64) -> Result<Vec<Project>, StoreError> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT last_seq, state FROM projects WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2")
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        parse_states(rows)
    }

    /// The projects changed by events after `seq`, with the last event of each (by the `last_seq` index).
    pub async fn projects_changed_since(&self, seq: i64) -> Result<Vec<(i64, Project)>, StoreError> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT last_seq, state FROM projects WHERE last_seq > $1 ORDER BY last_seq")
                .bind(seq)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(seq, state)| Ok((seq, serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))?)))
            .collect()
    }

    /// The last event that changed any project (0 for none).
    pub async fn projects_last_seq(&self) -> Result<i64, StoreError> {
        let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(last_seq) FROM projects").fetch_one(&self.pool).await?;
        Ok(n.unwrap_or(0))
    }

    /// Every plan, newest year first.
    pub async fn plans(&self) -> Result<Vec<Plan>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT state FROM plans ORDER BY year DESC, jurisdiction").fetch_all(&self.pool).await?;
        rows.into_iter().map(|(state,)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(0, e))).collect()
    }

    /// The rankings published [25]: jurisdiction, month (`2026-11`) and the event that keeps the table,
    /// newest month first.
    pub async fn published_rankings(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(sqlx::query_as("SELECT jurisdiction, period, seq FROM rankings ORDER BY period DESC, jurisdiction")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Projects proposed (not by supplementary request) for a jurisdiction's plan of `year`.
    pub async fn proposals(&self, jurisdiction: &JurisdictionId, year: i32) -> Result<Vec<ProjectId>, StoreError> {
        proposals_in(&self.pool, jurisdiction, year).await
    }

    pub async fn projects(&self, filter: &ProjectFilter) -> Result<Vec<ProjectRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, owner, jurisdiction, status, route, approver, category, investment, approved_investment, plan_year, registered_on
             FROM projects
             WHERE ($1 IS NULL OR owner = $1) AND ($2 IS NULL OR jurisdiction = $2) AND ($3 IS NULL OR status = $3)
             ORDER BY id LIMIT $4",
        )
        .bind(&filter.owner)
        .bind(&filter.jurisdiction)
        .bind(&filter.status)
        .bind(filter.limit.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProjectRow {
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
                    registered_on: r.try_get("registered_on")?,
                })
            })
            .collect()
    }

    /// Empties every projection and folds the whole log again, in one transaction.
    pub async fn rebuild_projections(&self, _guard: &WriteGuard<'_>) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        for statement in CLEAR_PROJECTIONS {
            sqlx::query(*statement).execute(&mut *tx).await?;
        }
        let mut fold = Fold::default();
        let mut after = 0i64;
        loop {
            let rows: Vec<(i64, String)> =
                sqlx::query_as("SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT 5000")
                    .bind(after)
                    .fetch_all(&mut *tx)
                    .await?;
            if rows.is_empty() {
                break;
            }
            for (seq, body) in rows {
                let body: Body = serde_json::from_str(&body).map_err(|e| StoreError::corrupt(seq, e))?;
                if let Some(record) = &body.record {
                    fold.apply(&mut tx, seq, record).await?;
                }
                after = seq;
            }
        }
        fold.write(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }
}

pub(crate) async fn project_in<'e>(
    e: impl Executor<'e, Database = Any>,
    id: &ProjectId,
) -> Result<Option<Project>, StoreError> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT last_seq, state FROM projects WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(e)
        .await?;
    row.map(|(seq, state)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))).transpose()
}

/// The folded state of `owner`'s projects that have measures or rectifications, in number order.
pub(crate) async fn watched_projects_in<'e>(
    e: impl Executor<'e, Database = Any>,
    owner: &str,
) -> Result<Vec<govit_rules::standing::Watched>, StoreError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT last_seq, state FROM projects WHERE owner = $1 AND watched = 1 ORDER BY id")
            .bind(owner)
            .fetch_all(e)
            .await?;
    rows.into_iter().map(|(seq, state)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))).collect()
}

/// The folded state of every project, or of one owner organisation's, in number order.
pub(crate) async fn project_states_in<'e>(
    e: impl Executor<'e, Database = Any>,
    owner: Option<&str>,
) -> Result<Vec<Project>, StoreError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT last_seq, state FROM projects WHERE ($1 IS NULL OR owner = $1) ORDER BY id")
            .bind(owner)
            .fetch_all(e)
            .await?;
    parse_states(rows)
}

pub(crate) async fn plan_in<'e>(
    e: impl Executor<'e, Database = Any>,
    jurisdiction: &JurisdictionId,
    year: i32,
) -> Result<Option<Plan>, StoreError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT state FROM plans WHERE jurisdiction = $1 AND year = $2")
        .bind(jurisdiction.as_str())
        .bind(year)
        .fetch_optional(e)
        .await?;
    row.map(|(state,)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(0, e))).transpose()
}

/// Projects proposed (not by supplementary request) for a jurisdiction's plan of `year`.
pub(crate) async fn proposals_in<'e>(
    e: impl Executor<'e, Database = Any>,
    jurisdiction: &JurisdictionId,
    year: i32,
) -> Result<Vec<ProjectId>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM projects WHERE jurisdiction = $1 AND plan_year = $2 AND status = 'proposed' AND supplementary = 0 ORDER BY id",
    )
    .bind(jurisdiction.as_str())
    .bind(year)
    .fetch_all(e)
    .await?;
    rows.into_iter().map(|(id,)| ProjectId::parse(id).map_err(|e| StoreError::corrupt(0, e))).collect()
}

fn parse_states(rows: Vec<(i64, String)>) -> Result<Vec<Project>, StoreError> {
    rows.into_iter().map(|(seq, state)| serde_json::from_str(&state).map_err(|e| StoreError::corrupt(seq, e))).collect()
}
