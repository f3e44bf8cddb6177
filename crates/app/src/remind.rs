//! Deadline reminders and supervisors' daily digests: what `govit remind` and the server's scheduler run.
//!
//! For every project's pending deadline that has reached a threshold (30, 7 or 1 day(s) left, or overdue:
//! [`govit_rules::remind`]), the users of the owner organisation get a notification, a mail if they have an
//! address, and the webhook a signed copy. Each reminder is recorded, with its notifications and an audit
//! event in the chain, in one transaction before anything is mailed, so it goes out once per project,
//! deadline, due day and threshold, however often this runs and whatever restarts in between.
//!
//! Supervisors (every role that oversees projects: the bureau, the governments, the district and industry
//! authorities, the supervising departments) get one digest a day of the overdue items in their remit.
//!
//! [22] "将自评报告报送市政务信息化项目建设与管理联席工作机制各部门备案": once a self-evaluation
//! report is in, every department of the joint mechanism whose remit covers the project is told, once.
//! The owners of proposals merged into a project [7] are reminded of its deadlines with its owner.

use crate::accounts::{actor_of, parse_role};
use crate::deliver::Delivery;
use crate::index::Digest;
use crate::{App, AppError};
use govit_rules::authz::{self, oversees};
use govit_rules::remind::{self, Threshold};
use govit_rules::{Date, Role};
use govit_store::{NewNotification, Once, OrganizationRow, SecurityRecord, UserRow};
use serde::Serialize;
use std::sync::Arc;

/// The departments of the joint mechanism [5][24] that a self-evaluation report is filed with [22].
const JOINT_MECHANISM: [Role; 6] =
    [Role::Bureau, Role::CyberspaceOffice, Role::DevelopmentReform, Role::Finance, Role::Audit, Role::SecrecyBureau];

/// The notice of a filed self-evaluation report, as `reminders_sent` keeps it: once per project and filing day.
const SELF_EVALUATION_FILED: &str = "self_evaluation_filed";

/// What one run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct RemindReport {
    /// Reminders sent for the first time (a project's deadline at a threshold).
    pub reminders: usize,
    /// Supervisors' digests sent.
    pub digests: usize,
    pub notifications: usize,
    pub mails: usize,
    pub webhooks: usize,
    /// Mails or webhook posts that failed: the reminder itself is recorded and stays in the bell.
    pub failures: Vec<String>,
    /// What the 电子监察 run, which goes first, recorded.
    pub cards: crate::cards::CardRun,
}

/// A reminder as the webhook receives it.
#[derive(Debug, Serialize)]
struct Payload<'a> {
    kind: &'static str,
    project: &'a str,
    project_name: &'a str,
    owner: &'a str,
    deadline: String,
    deadline_label: String,
    article: u8,
    due: String,
    threshold: Threshold,
    on: String,
    recipients: Vec<&'a str>,
}

impl App {
    /// Sends the reminders and digests due on `on` that were not sent before.
    pub async fn remind(&self, on: Date, delivery: &Delivery) -> Result<RemindReport, AppError> {
        // A failed card run is tried again by the next one: the reminders still go out.
        let cards = self.issue_cards(on).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, %on, "电子监察 card run failed");
            crate::cards::CardRun::default()
        });
        let organizations = self.store.organizations().await?;
        let users = self.store.users().await?;
        let mut report = RemindReport { cards, ..RemindReport::default() };
        let noticed = self.store.projects_noticed(SELF_EVALUATION_FILED).await?;
        for project in self.digests(on).await? {
            for deadline in &project.deadlines {
                let Some(threshold) = remind::threshold(deadline, on) else { continue };
                self.send_reminder(&project, deadline, threshold, on, &organizations, &users, delivery, &mut report)
                    .await?;
            }
            if project.self_evaluated_on.is_some() && !noticed.contains(project.id.as_str()) {
                self.send_self_evaluation_notice(&project, &organizations, &users, &mut report).await?;
            }
        }
        for user in users.iter().filter(|u| u.active) {
            self.send_digest(user, on, &organizations, delivery, &mut report).await?;
        }
        if report.reminders + report.digests > 0 {
            tracing::info!(reminders = report.reminders, digests = report.digests, failures = report.failures.len(), %on, "reminders sent");
        }
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_reminder(
        &self,
        project: &Arc<Digest>,
        deadline: &govit_rules::derive::Deadline,
        threshold: Threshold,
        on: Date,
        organizations: &[OrganizationRow],
        users: &[UserRow],
        delivery: &Delivery,
        report: &mut RemindReport,
    ) -> Result<(), AppError> {
        let audience = project.audience();
        let builders: Vec<i64> = organizations
            .iter()
            .filter(|o| o.name == project.owner.as_str() || audience.co_builders.iter().any(|c| c.as_str() == o.name))
            .map(|o| o.id)
            .collect();
        let recipients: Vec<&UserRow> = users
            .iter()
            .filter(|u| u.active && builders.contains(&u.organization_id))
            .filter(|u| u.roles.iter().any(|r| r == Role::Owner.code()))
            .collect();
        let label = deadline.name.label();
        let article = deadline.name.article();
        let title = format!("【{}】{}「{}」{}", threshold.label(), project.id, project.name, label);
        let state = match threshold {
            Threshold::Overdue => format!("已于 {} 逾期", deadline.due),
            _ => format!("还剩 {} 天", (deadline.due - on).num_days()),
        };
        let body = format!(
            "项目 {}「{}」的{label}(《武汉市政务信息化项目建设管理办法》第{article}条)应于 {} 前完成,{state}。\n请登录 govit 办理:/projects/{}",
            project.id, project.name, deadline.due, project.id
        );
        let notifications = about_project(&recipients, "reminder", &title, &body, project);
        let once = Once::Reminder {
            project: project.id.to_string(),
            deadline: deadline.name.to_string(),
            due: deadline.due.to_string(),
            threshold: threshold.code(),
        };
        let audit = SecurityRecord {
            kind: "reminder_sent".to_owned(),
            username: String::new(),
            detail: format!("{title} → {}({}人)", project.owner, recipients.len()),
            by: None,
        };
        if !self.record_once(&once, &notifications, audit).await? {
            return Ok(());
        }
        report.reminders += 1;
        report.notifications += notifications.len();
        for user in &recipients {
            if let Some(to) = &user.email {
                count(delivery.mail(to, &title, &body).await, &mut report.mails, &mut report.failures);
            }
        }
        let payload = Payload {
            kind: "deadline_reminder",
            project: project.id.as_str(),
            project_name: &project.name,
            owner: project.owner.as_str(),
            deadline: deadline.name.to_string(),
            deadline_label: label,
            article,
            due: deadline.due.to_string(),
            threshold,
            on: on.to_string(),
            recipients: recipients.iter().map(|u| u.username.as_str()).collect(),
        };
        count(delivery.post(&payload).await, &mut report.webhooks, &mut report.failures);
        Ok(())
    }

    async fn send_digest(
        &self,
        user: &UserRow,
        on: Date,
        organizations: &[OrganizationRow],
        delivery: &Delivery,
        report: &mut RemindReport,
    ) -> Result<(), AppError> {
        let Some(role) = user.roles.iter().filter_map(|r| parse_role(r)).find(|r| oversees(*r)) else {
            return Ok(());
        };
        let Some(organization) = organizations.iter().find(|o| o.id == user.organization_id) else { return Ok(()) };
        let actor = actor_of(user, organization, role)?;
        let mut lines = Vec::new();
        for project in self.visible_digests(&actor, on).await? {
            for deadline in project.deadlines.iter().filter(|d| d.is_overdue(on)) {
                lines.push(format!(
                    "{} {}({}):{}(第{}条)应于 {} 前完成,逾期 {} 天",
                    project.id,
                    project.name,
                    project.owner,
                    deadline.name.label(),
                    deadline.name.article(),
                    deadline.due,
                    (on - deadline.due).num_days()
                ));
            }
        }
        if lines.is_empty() {
            return Ok(());
        }
        let title = format!("{on} 逾期事项日报:{}项", lines.len());
        const SHOWN: usize = 50;
        let mut body = lines.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("\n");
        if lines.len() > SHOWN {
            body.push_str(&format!("\n……另有{}项,见 govit 预警页面", lines.len() - SHOWN));
        }
        let notification = NewNotification {
            user_id: user.id,
            kind: "digest",
            title: title.clone(),
            body: body.clone(),
            link: Some("/alerts".to_owned()),
        };
        let audit = SecurityRecord {
            kind: "digest_sent".to_owned(),
            username: user.username.clone(),
            detail: title.clone(),
            by: None,
        };
        let once = Once::Digest { user_id: user.id, day: on.to_string() };
        if !self.record_once(&once, std::slice::from_ref(&notification), audit).await? {
            return Ok(());
        }
        report.digests += 1;
        report.notifications += 1;
        if let Some(to) = &user.email {
            count(delivery.mail(to, &title, &body).await, &mut report.mails, &mut report.failures);
        }
        Ok(())
    }

    /// [22] the self-evaluation report reaches the joint mechanism: the users of its departments whose remit
    /// covers the project are notified, once per report.
    async fn send_self_evaluation_notice(
        &self,
        project: &Arc<Digest>,
        organizations: &[OrganizationRow],
        users: &[UserRow],
        report: &mut RemindReport,
    ) -> Result<(), AppError> {
        let Some(filed) = project.self_evaluated_on else { return Ok(()) };
        let mut recipients = Vec::new();
        for user in users.iter().filter(|u| u.active) {
            let Some(organization) = organizations.iter().find(|o| o.id == user.organization_id) else { continue };
            let roles = user.roles.iter().filter_map(|r| parse_role(r));
            if let Some(role) = roles.into_iter().find(|r| JOINT_MECHANISM.contains(r)) {
                let actor = actor_of(user, organization, role)?;
                if authz::may_view(&actor, project.audience(), self.policies()) {
                    recipients.push(user);
                }
            }
        }
        // Nobody to tell yet (no account of the mechanism in its remit): tried again on the next run.
        if recipients.is_empty() {
            return Ok(());
        }
        let title = format!("【自评报告】{}「{}」", project.id, project.name);
        let body = format!(
            "{}于 {filed} 报送项目 {}「{}」的自评报告(《武汉市政务信息化项目建设管理办法》第二十二条),请登录 govit 查阅:/projects/{}",
            project.owner, project.id, project.name, project.id
        );
        let notifications = about_project(&recipients, "self_evaluation", &title, &body, project);
        let once = Once::Reminder {
            project: project.id.to_string(),
            deadline: SELF_EVALUATION_FILED.to_owned(),
            due: filed.to_string(),
            threshold: "filed",
        };
        let audit = SecurityRecord {
            kind: "self_evaluation_notice_sent".to_owned(),
            username: String::new(),
            detail: format!("{title} → 联席工作机制成员单位({}人)", recipients.len()),
            by: None,
        };
        if self.record_once(&once, &notifications, audit).await? {
            report.notifications += notifications.len();
        }
        Ok(())
    }

    async fn record_once(
        &self,
        once: &Once,
        notifications: &[NewNotification],
        audit: SecurityRecord,
    ) -> Result<bool, AppError> {
        let recorded_at = self.clock.now().to_rfc3339();
        let guard = self.store.lock().await;
        Ok(self.store.record_sent(&guard, once, notifications, &recorded_at, audit).await?)
    }
}

/// One notification of `kind` for each recipient, linking to the project's page.
fn about_project(
    recipients: &[&UserRow],
    kind: &'static str,
    title: &str,
    body: &str,
    project: &Digest,
) -> Vec<NewNotification> {
    recipients
        .iter()
        .map(|u| NewNotification {
            user_id: u.id,
            kind,
            title: title.to_owned(),
            body: body.to_owned(),
            link: Some(format!("/projects/{}", project.id)),
        })
        .collect()
}

fn count(outcome: Result<bool, String>, sent: &mut usize, failures: &mut Vec<String>) {
    match outcome {
        Ok(true) => *sent += 1,
        Ok(false) => {}
        Err(e) => {
            tracing::warn!(error = %e, "reminder not delivered");
            failures.push(e);
        }
    }
}

/// A user's bell: the newest notifications and how many are unread.
#[derive(Debug, Clone, Serialize)]
pub struct Inbox {
    pub unread: i64,
    pub notifications: Vec<govit_store::NotificationRow>,
}

impl App {
    /// The newest `limit` notifications of a user, and the count of unread ones.
    pub async fn inbox(&self, user_id: i64, limit: i64) -> Result<Inbox, AppError> {
        Ok(Inbox {
            unread: self.store.unread_notifications(user_id).await?,
            notifications: self.store.notifications(user_id, limit).await?,
        })
    }

    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64, AppError> {
        Ok(self.store.unread_notifications(user_id).await?)
    }

    /// Marks one of the user's notifications read (or all, with `None`); a notification of someone else is
    /// not found.
    pub async fn mark_read(&self, user_id: i64, id: Option<i64>) -> Result<u64, AppError> {
        let at = self.clock.now().to_rfc3339();
        let changed = self.store.mark_notifications_read(user_id, id, &at).await?;
        if let Some(id) = id
            && changed == 0
            && !self.store.notifications(user_id, i64::MAX).await?.iter().any(|n| n.id == id)
        {
            return Err(AppError::NotFound { what: format!("通知 {id}") });
        }
        Ok(changed)
    }

    /// Sets where a user's reminders are mailed (an administrator's or the user's own change).
    pub async fn set_email(&self, user_id: i64, email: Option<&str>) -> Result<(), AppError> {
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email
            && e.parse::<lettre::Address>().is_err()
        {
            return Err(AppError::invalid("email", format!("“{e}”不是有效的电子邮件地址")));
        }
        Ok(self.store.set_user_email(user_id, email).await?)
    }
}
