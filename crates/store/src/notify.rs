//! Reminders sent, digests sent and in-app notifications. A reminder is claimed, its notifications written
//! and its audit event appended in one transaction, so it is recorded once, with everyone it reached, or
//! not at all.

use crate::error::StoreError;
use crate::store::{SecurityRecord, Store, WriteGuard, append_security_in};
use serde::Serialize;
use sqlx::Row;

/// One notification, as its user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationRow {
    pub id: i64,
    pub created_at: String,
    /// `reminder`, `digest` or `self_evaluation`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// A page of govit the notification is about (`/projects/…`).
    pub link: Option<String>,
    pub read_at: Option<String>,
}

/// A notification to write for a user.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub user_id: i64,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

/// What was sent once: a reminder (project, deadline, due day, threshold) or a user's digest of a day.
#[derive(Debug, Clone)]
pub enum Once {
    Reminder { project: String, deadline: String, due: String, threshold: &'static str },
    Digest { user_id: i64, day: String },
}

impl Store {
    /// Records `once` as sent, with its notifications and its audit event, in one transaction. `false` (and
    /// nothing written) when it was sent before.
    pub async fn record_sent(
        &self,
        _guard: &WriteGuard<'_>,
        once: &Once,
        notifications: &[NewNotification],
        recorded_at: &str,
        audit: SecurityRecord,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let claimed = match once {
            Once::Reminder { project, deadline, due, threshold } => sqlx::query(
                "INSERT INTO reminders_sent (project, deadline, due, threshold, sent_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (project, deadline, due, threshold) DO NOTHING",
            )
            .bind(project)
            .bind(deadline)
            .bind(due)
            .bind(*threshold)
            .bind(recorded_at),
            Once::Digest { user_id, day } => sqlx::query(
                "INSERT INTO digests_sent (user_id, day, sent_at) VALUES ($1, $2, $3) ON CONFLICT (user_id, day) DO NOTHING",
            )
            .bind(*user_id)
            .bind(day)
            .bind(recorded_at),
        }
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !claimed {
            return Ok(false);
        }
        for n in notifications {
            sqlx::query(
                "INSERT INTO notifications (user_id, created_at, kind, title, body, link) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(n.user_id)
            .bind(recorded_at)
            .bind(n.kind)
            .bind(&n.title)
            .bind(&n.body)
            .bind(&n.link)
            .execute(&mut *tx)
            .await?;
        }
        append_security_in(&mut tx, recorded_at, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A user's notifications, newest first, up to `limit`.
    /// The projects for which a notice of `deadline` (a kind of one-off notice, such as `self_evaluation_filed`)
    /// was sent: read once per run, so that a run over 100,000 projects writes only the new ones.
    pub async fn projects_noticed(&self, deadline: &str) -> Result<std::collections::HashSet<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT project FROM reminders_sent WHERE deadline = $1")
            .bind(deadline)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(|(p,)| p).collect())
    }

    pub async fn notifications(&self, user_id: i64, limit: i64) -> Result<Vec<NotificationRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, created_at, kind, title, body, link, read_at FROM notifications WHERE user_id = $1
             ORDER BY id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(NotificationRow {
                    id: r.try_get("id")?,
                    created_at: r.try_get("created_at")?,
                    kind: r.try_get("kind")?,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                    link: r.try_get("link")?,
                    read_at: r.try_get("read_at")?,
                })
            })
            .collect()
    }

    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// Marks one of the user's notifications (or, with `None`, all of them) read; returns how many changed.
    pub async fn mark_notifications_read(&self, user_id: i64, id: Option<i64>, at: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND ($3 IS NULL OR id = $3)",
        )
        .bind(at)
        .bind(user_id)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
