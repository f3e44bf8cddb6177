//! A demo city to try govit with: Wuhan's departments, institutions, schools and hospitals, two districts, a
//! user for every role, and about 150 projects at every point of the regulation's lifecycle, 2022 to today.
//!
//! Everything goes through the application layer — organisations and users through the account functions,
//! projects through [`App::execute`] — so the demo log is one the rules accepted step by step, and it verifies
//! like any other. A rejected step is a bug in this module, reported with the step it failed on.
//!
//! Each project is a *story*: one row of [`STORIES`] (owner, name, amount, plan year, approval path, how far it
//! has come and what happened on the way). [`Script`] turns the rows into dated commands; all of them are then
//! played in date order, so the log reads as the city lived it. Nothing is random: the same `today` writes the
//! same log.

mod script;
mod stories;
mod tables;

use crate::administration::{NewOrganization, NewUserInput};
use crate::playback;
use crate::{App, AppError};
use chrono::{Days, Months, NaiveDate};
use govit_rules::{Action, Date, Role};
use script::Script;
use serde::Serialize;
use stories::STORIES;
use tables::{ORGANIZATIONS, USERS};

/// The one password of every demo user (meets [`crate::accounts::check_password`]). For demos only.
pub const DEMO_PASSWORD: &str = "Wuhan@2021demo";

/// What [`seed`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DemoReport {
    pub organizations: usize,
    pub users: usize,
    pub projects: usize,
    pub events: i64,
}

/// A demo account: log in with its `username` and [`DEMO_PASSWORD`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub organization: &'static str,
    pub roles: &'static [Role],
}

/// The demo accounts' mail domain (reserved for examples, RFC 2606: nothing is ever delivered there).
pub const DEMO_MAIL_DOMAIN: &str = "demo.example.org";

/// Every demo account, for the docs, the login page and tests.
pub fn demo_users() -> &'static [DemoUser] {
    USERS
}

/// Seeds the demo city on an empty store, with stories running from January 2022 up to `today`.
///
/// The stories are written for a `today` no earlier than 2026-11-29; a later one keeps the history and moves
/// the recent events (deadlines due soon, overdue rectifications) along with it.
pub async fn seed(app: &App, today: Date) -> Result<DemoReport, AppError> {
    seed_city(app, today, STORIES.len(), |_, _| ()).await
}

/// The number of projects [`seed`] writes: one per story.
pub fn story_count() -> usize {
    STORIES.len()
}

/// Seeds a city of `projects` projects on an empty store: the stories of [`seed`], each told again in further
/// batches (“养老服务信息系统升级(第2批)”) by the same owners on the same calendar, until there are
/// `projects`. A larger city is the same city grown, so every step is still one the rules accept; the plans of
/// each year hold every batch. `progress` hears (steps done, steps in all) as the steps are played.
pub async fn seed_city(
    app: &App,
    today: Date,
    projects: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<DemoReport, AppError> {
    let steps = script(app, today, projects)?;
    install(app).await?;
    playback::play(app, steps, Some(today), &mut progress).await.map_err(|stopped| match stopped {
        playback::Stopped::Fault(e) => e,
        playback::Stopped::Step { index, what, reason } => bug(format!("第{}步({what}):{reason}", index + 1)),
    })?;
    Ok(DemoReport {
        organizations: ORGANIZATIONS.len(),
        users: USERS.len(),
        projects: app.store().projects(&govit_store::ProjectFilter::default()).await?.len(),
        events: app.store().decision_count().await?,
    })
}

/// The script of a city of `projects` projects up to `today`, on an empty store: the whole script first, so
/// that a story that does not fit the calendar leaves the store untouched.
fn script(app: &App, today: Date, projects: usize) -> Result<Vec<playback::Step>, AppError> {
    if today < ymd(2026, 11, 29) {
        return Err(AppError::invalid("demo", format!("演示数据写到2026-11-29,今天({today})不能早于该日")));
    }
    if projects == 0 {
        return Err(AppError::invalid("projects", "项目数至少为1"));
    }
    let mut script = Script::new(app, today)?;
    for n in 0..projects {
        script.story(n)?;
    }
    script.finish()
}

/// The demo city's organisations and accounts, on an empty store: all a city has before its first project,
/// and all a history file of the demo city ([`history`]) names.
pub async fn install(app: &App) -> Result<(), AppError> {
    if !app.store().organizations().await?.is_empty() || app.store().event_count().await? > 0 {
        return Err(AppError::invalid("demo", "系统中已有数据,演示数据只能写入空系统"));
    }
    let installer = app.installer(Role::SystemAdmin)?;
    for (name, jurisdiction, owner_kind) in ORGANIZATIONS {
        let org = NewOrganization {
            name: (*name).to_owned(),
            jurisdiction: (*jurisdiction).to_owned(),
            owner_kind: *owner_kind,
            duty: tables::duty_of(name),
        };
        app.create_organization(&installer, org).await?;
    }
    for u in USERS {
        let input = NewUserInput {
            username: u.username.to_owned(),
            display_name: u.display_name.to_owned(),
            organization: u.organization.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            must_change_password: false,
        };
        let id = app.install_account(input, u.roles.to_vec()).await?;
        // Where `govit serve --demo --smtp-url …` mails their reminders (a local sink, in a demonstration).
        app.set_email(id, Some(&format!("{}@{DEMO_MAIL_DOMAIN}", u.username))).await?;
    }
    Ok(())
}

/// The demo city of `projects` projects up to `today` as a history file ([`crate::exchange::history`]): the
/// same script as [`seed_city`], a row per step, each project named `示范-{n}`; for trying `govit import
/// history` on a store set up by [`install`], and for measuring it. The system's own acts are not rows: no
/// 电子监察 run, so no dispute of its cards, and no ranking (the bureau publishes those once govit runs).
pub fn history(app: &App, today: Date, projects: usize) -> Result<Vec<u8>, AppError> {
    let steps = script(app, today, projects)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::internal(format!("无法写出历史记录:{e}"));
    out.write_record(crate::exchange::history::COLUMNS).map_err(failed)?;
    let reference = |n: &usize| format!("示范-{}", n + 1);
    let supervision = |s: &&playback::Step| Action::from_code(s.action).is_some_and(Action::is_electronic_supervision);
    for step in steps.iter().filter(|s| !supervision(s)) {
        let mut with: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&step.with).map_err(|e| bug(e.to_string()))?;
        if !step.others.is_empty() {
            let key = if step.action == "merge_proposals" { "merged" } else { "exclude" };
            with.insert(key.to_owned(), step.others.iter().map(reference).collect());
        }
        let person = step.actor.person.as_ref().map_or("", |p| p.account.as_str());
        let row = [
            step.on.to_string(),
            step.story.as_ref().map(reference).unwrap_or_default(),
            step.actor.organization.to_string(),
            step.actor.role.code().to_owned(),
            person.to_owned(),
            step.action.to_owned(),
            serde_json::Value::Object(with).to_string(),
        ];
        out.write_record(row).map_err(failed)?;
    }
    out.into_inner().map_err(|e| AppError::internal(format!("无法写出历史记录:{e}")))
}

/// A fault in the demo's own tables or script (a step the rules refuse, an organisation missing from its
/// table): the demo's bug, not the operator's input.
fn bug(reason: impl Into<String>) -> AppError {
    AppError::internal(format!("演示数据有误:{}", reason.into()))
}

/// `share` percent of `yuan`, in whole hundreds of yuan.
fn cut(yuan: i64, share: i64) -> i64 {
    yuan * share / 100 / 100 * 100
}

/// A fixed pseudo-random number in `0..n` for story `i` (a multiplicative hash, no randomness), so that 150
/// projects do not all move on the same day, and every run writes the same log.
fn spread(i: usize, salt: u64, n: u64) -> i64 {
    let x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let x = x ^ (x >> 29);
    i64::try_from(x % n.max(1)).unwrap_or(0)
}

fn ymd(year: i32, month: u32, day: u32) -> Date {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn plus(date: Date, days: i64) -> Date {
    let n = Days::new(days.unsigned_abs());
    if days >= 0 { date.checked_add_days(n) } else { date.checked_sub_days(n) }.unwrap_or(date)
}

fn months_before(date: Date, months: u32) -> Date {
    date.checked_sub_months(Months::new(months)).unwrap_or(date)
}
