//! Accounts: organisations, users with roles, login with argon2id, sessions with an idle timeout.
//!
//! A session token is 32 random bytes shown to the browser once; the store keeps only its SM3 digest, so a
//! copy of the database cannot be used to take over a session.

use crate::{App, AppError};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration};
use govit_rules::Command;
use govit_rules::command::Action;
use govit_rules::draft::{self, DraftError, FieldErrors, OrgRecord};
use govit_rules::vocab::OwnerKind;
use govit_rules::{AccountName, Actor, JurisdictionId, OrgName, Person, PersonName, Role};
use govit_store::{OrganizationRow, SessionRow, UserRow};
use sm3::{Digest, Sm3};

/// Sessions end after this long without a request (GB/T 22239 level 3 asks for an idle timeout).
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;
/// How stale a session's `last_seen` may grow before a request writes it again.
pub const TOUCH_EVERY_SECONDS: i64 = 60;

/// Failed logins in a row, of one account from one source address, that lock that address out of that
/// account (GB/T 22239-2019 level 3, 8.1.4.1 a: 登录失败处理). Counted per address, so that someone elsewhere
/// cannot lock a real user out by guessing; the user's open sessions stay alive.
pub const MAX_FAILED_LOGINS: i64 = 5;

/// How long the first lock lasts; every further [`MAX_FAILED_LOGINS`] failures in a row double it, up to
/// [`MAX_LOCKOUT_MINUTES`].
pub const LOCKOUT_MINUTES: i64 = 15;

/// The longest lock: a day.
pub const MAX_LOCKOUT_MINUTES: i64 = 24 * 60;

/// What every failed login answers, whether the name exists, the password is wrong or the address is locked
/// out: the answer tells a guesser nothing, and the security log keeps the detail.
pub const LOGIN_FAILED: &str = "用户名或密码错误;连续多次失败后,该地址将暂停登录该账号一段时间";

/// The lock after `failures` failures in a row: none until [`MAX_FAILED_LOGINS`], then 15 minutes, doubling at
/// every further [`MAX_FAILED_LOGINS`].
pub fn lockout_minutes(failures: i64) -> Option<i64> {
    if failures <= 0 || failures % MAX_FAILED_LOGINS != 0 {
        return None;
    }
    let doublings = u32::try_from(failures / MAX_FAILED_LOGINS - 1).unwrap_or(u32::MAX).min(16);
    Some(LOCKOUT_MINUTES.saturating_mul(1 << doublings).min(MAX_LOCKOUT_MINUTES))
}

/// A logged-in user as every front end needs them: who, for which organisation, acting in which role.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: UserRow,
    pub organization: OrganizationRow,
    pub roles: Vec<Role>,
    /// The role the user acts in now (one of `roles`).
    pub role: Role,
    pub csrf: String,
    pub actor: Actor,
    /// Opened through the unified identity provider, whose own factors stand in for the local second factor.
    pub single_sign_on: bool,
}

impl SessionUser {
    /// The record of the user's organisation that a registration is held to [2][9]: the name and
    /// jurisdiction of the acting actor, the kind as stored (an unknown stored code reads as none).
    pub fn org_record(&self) -> OrgRecord {
        OrgRecord {
            name: self.actor.organization.clone(),
            kind: self.organization.owner_kind.as_deref().and_then(OwnerKind::from_code),
            jurisdiction: self.actor.jurisdiction.clone(),
        }
    }
}

impl App {
    /// The command a person's request stands for, built as every front end builds it ([`draft::build`]) and
    /// held to what the system has on record: the acting organisation for an owner's registration, the unit
    /// named for a task the plan's reviewer assigns [7]. The outer error is the server's; the inner one the
    /// person's input, by field.
    pub async fn draft(
        &self,
        action: Action,
        mut with: serde_json::Map<String, serde_json::Value>,
        session: &SessionUser,
    ) -> Result<Result<Command, DraftError>, AppError> {
        // Only someone who could assign a task learns from the answer whether a unit is on record; anyone else is
        // refused before the unit is looked up.
        let record = match action {
            Action::AssignProject if govit_rules::authz::could(session.actor.role, action) => {
                let name = match draft::assigned_owner(&mut with) {
                    Ok(name) => name,
                    Err(e) => return Ok(Err(e)),
                };
                let Some(org) = self.store.organization_by_name(name.as_str()).await? else {
                    let fields = FieldErrors::from([("owner.name".to_owned(), not_on_record(&name))]);
                    return Ok(Err(DraftError::ContradictsRecord(fields)));
                };
                org_record(name, &org)?
            }
            Action::AssignProject => {
                let reason = format!("{}无权{}:该事项由年度计划论证部门办理", session.role.label(), action.label());
                return Err(AppError::Forbidden { reason });
            }
            _ => session.org_record(),
        };
        Ok(draft::build(action, with, session.actor.role, Some(&record)))
    }
}

/// The record a registration for unit `org` (named `name`) is held to [2][9]: its kind as stored (an unknown
/// stored code reads as none) and its jurisdiction.
pub(crate) fn org_record(name: OrgName, org: &OrganizationRow) -> Result<OrgRecord, AppError> {
    let jurisdiction = JurisdictionId::parse(&org.jurisdiction).map_err(AppError::internal)?;
    Ok(OrgRecord { kind: org.owner_kind.as_deref().and_then(OwnerKind::from_code), jurisdiction, name })
}

/// Why a task cannot be assigned to `name` [7].
pub(crate) fn not_on_record(name: &OrgName) -> String {
    format!("“{name}”不是本系统登记的单位,不能向其下达建设任务")
}

/// What a successful login hands the browser.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// The password policy: at least 12 characters, three of four character classes, not the user name.
pub fn check_password(username: &str, password: &str) -> Result<(), String> {
    if password.chars().count() < 12 {
        return Err("密码至少12个字符".to_owned());
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|c| **c).count() < 3 {
        return Err("密码须包含小写字母、大写字母、数字、符号中的至少三类".to_owned());
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err("密码不能包含用户名".to_owned());
    }
    Ok(())
}

pub(crate) fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AppError::internal(format!("系统随机数不可用:{e}")))?;
    Ok(hex::encode(buf))
}

fn digest(token: &str) -> String {
    hex::encode(Sm3::digest(token.as_bytes()))
}

pub(crate) fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("无法处理密码:{e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

pub(crate) fn parse_role(code: &str) -> Option<Role> {
    Role::from_code(code)
}

impl App {
    /// Writes a security event (login, account or policy change) about the account `username` into the audit
    /// chain, where no person acts on it (a failed login, the identity provider, the system itself).
    pub async fn record_security(&self, kind: &str, username: &str, detail: impl Into<String>) -> Result<(), AppError> {
        self.record_security_event(kind, username, detail.into(), None).await
    }

    /// [`App::record_security`], naming `by`, the account that acted (an administrator, or the user).
    pub async fn record_security_by(
        &self,
        by: &Actor,
        kind: &str,
        username: &str,
        detail: impl Into<String>,
    ) -> Result<(), AppError> {
        self.record_security_event(kind, username, detail.into(), Some(by.clone())).await
    }

    async fn record_security_event(
        &self,
        kind: &str,
        username: &str,
        detail: String,
        by: Option<Actor>,
    ) -> Result<(), AppError> {
        let guard = self.store.lock().await;
        let now = self.clock.now();
        let record = govit_store::SecurityRecord { kind: kind.to_owned(), username: username.to_owned(), detail, by };
        self.store.append_security(&guard, &now.to_rfc3339(), record).await?;
        Ok(())
    }

    /// Records the policy files in force at start-up when they differ from the last ones recorded: a policy
    /// change is a security event. `files` are `(name, text)`.
    pub async fn record_policies(&self, files: &[(&str, &str)]) -> Result<bool, AppError> {
        let mut h = Sm3::new();
        for (name, text) in files {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(text.as_bytes());
            h.update([0]);
        }
        let fingerprint = hex::encode(h.finalize());
        let last =
            self.store.security_events(i64::MAX).await?.into_iter().find(|(_, _, r)| r.kind == "policies_loaded");
        if last.is_some_and(|(_, _, r)| r.detail.contains(&fingerprint)) {
            return Ok(false);
        }
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        self.record_security("policies_loaded", "", format!("SM3 {fingerprint}:{}", names.join(","))).await?;
        Ok(true)
    }

    /// Checks a user name, password and, when the user has turned the second factor on, the one-time code;
    /// on success opens a new session (a fresh id at every login).
    /// Logs in from `source` (the client's address): failures are counted and locked per account and address.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        code: Option<&str>,
        source: &str,
    ) -> Result<NewSession, AppError> {
        if let Some(sso) = self.sso_config().filter(|c| !c.local_login) {
            self.record_security("login_failed", username.trim(), "本地登录已关闭").await?;
            return Err(AppError::invalid("password", format!("本系统已启用统一身份认证,请使用“{}”登录", sso.label)));
        }
        let wrong = || AppError::invalid("password", LOGIN_FAILED);
        let user = self.store.user_by_username(username.trim()).await?;
        let Some(user) = user.filter(|u| u.active) else {
            self.record_security("login_failed", username.trim(), "用户不存在或已停用").await?;
            // Spend the same effort as a real check, so timing does not tell which user names exist.
            let _ = verify_password(
                password,
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2CT8DsKaI5Rz4Jsa0ERU0w1A5qG6N8PFxB7QQVqf6W0",
            );
            return Err(wrong());
        };
        let now = self.clock.now();
        let (failures, locked_until) = self.store.login_failures(user.id, source).await?;
        let locked_until = locked_until.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
        if let Some(until) = locked_until.filter(|until| *until > now) {
            let detail = format!("来自{source}的登录暂停至{until}");
            self.record_security("login_failed", &user.username, detail).await?;
            return Err(wrong());
        }
        if !verify_password(password, &user.password_hash) {
            self.failed_login(&user, source, failures, now, "密码错误").await?;
            return Err(wrong());
        }
        if user.totp_secret.is_some() && code.is_none_or(|c| c.trim().is_empty()) {
            // Not counted as a failure: the password was right, and the form now asks for the code.
            self.record_security("login_failed", &user.username, "缺少动态口令").await?;
            return Err(AppError::invalid("totp", "该账号已启用动态口令,请输入验证器显示的6位口令"));
        }
        if let Err(e) = self.check_second_factor(&user, code).await {
            let AppError::Invalid { reason, .. } = e else { return Err(e) };
            self.failed_login(&user, source, failures, now, &reason).await?;
            return Err(AppError::invalid("totp", reason));
        }
        if failures > 0 || locked_until.is_some() {
            self.store.clear_login_failures(user.id, Some(source)).await?;
        }
        self.open_session(&user, govit_store::SESSION_PASSWORD, "登录").await
    }

    /// Opens a new session of `user` (a fresh id at every login), opened by `method`, and records it.
    pub(crate) async fn open_session(&self, user: &UserRow, method: &str, how: &str) -> Result<NewSession, AppError> {
        let Some(role) = user.roles.iter().find_map(|r| parse_role(r)) else {
            self.record_security("login_failed", &user.username, format!("{how}:尚未授予角色")).await?;
            return Err(AppError::invalid("roles", NO_ROLE_YET));
        };
        let token = random_hex(32)?;
        let csrf = random_hex(32)?;
        let now = self.clock.now().to_rfc3339();
        let row = SessionRow {
            id_digest: digest(&token),
            user_id: user.id,
            role: role.code().to_owned(),
            csrf: csrf.clone(),
            created_at: now.clone(),
            last_seen: now,
            method: method.to_owned(),
        };
        self.store.insert_session(&row).await?;
        let organization = self
            .store
            .organization(user.organization_id)
            .await?
            .ok_or_else(|| AppError::invalid("organization", format!("账号“{}”的单位不存在", user.username)))?;
        let me = actor_of(user, &organization, role)?;
        let roles = crate::administration::labels(&user.roles);
        self.record_security_by(&me, "login_succeeded", &user.username, format!("{how},角色:{roles}")).await?;
        tracing::info!(user = %user.username, method, "login");
        Ok(NewSession { token, csrf })
    }

    /// Counts one more failure of `user` from `source` (after `failures` in a row); at every
    /// [`MAX_FAILED_LOGINS`]th the address is locked out of the account. `detail` goes into the audit chain.
    async fn failed_login(
        &self,
        user: &UserRow,
        source: &str,
        failures: i64,
        now: DateTime<chrono::FixedOffset>,
        detail: &str,
    ) -> Result<(), AppError> {
        let failed = failures + 1;
        let until = lockout_minutes(failed).map(|minutes| (minutes, (now + Duration::minutes(minutes)).to_rfc3339()));
        self.store.record_login_failure(user.id, source, failed, until.as_ref().map(|(_, u)| u.as_str())).await?;
        match &until {
            Some((minutes, until)) => {
                let detail =
                    format!("{detail},来自{source}连续{failed}次登录失败,暂停该地址登录{minutes}分钟至{until}");
                self.record_security("account_locked", &user.username, detail).await?;
            }
            None => {
                let detail = format!("{detail}(来自{source},连续第{failed}次)");
                self.record_security("login_failed", &user.username, detail).await?;
            }
        }
        Ok(())
    }

    /// The user behind a session token, if the session exists, is not idle too long and the user is active.
    /// Touches the session (at most every [`TOUCH_EVERY_SECONDS`]) so that activity keeps it alive.
    pub async fn session_user(&self, token: &str) -> Result<Option<SessionUser>, AppError> {
        let id = digest(token);
        let Some((session, user, organization)) = self.store.session_with_user(&id).await? else { return Ok(None) };
        let now = self.clock.now();
        let since = DateTime::parse_from_rfc3339(&session.last_seen).map(|t| now - t);
        if since.is_err() || since.is_ok_and(|d| d > Duration::minutes(IDLE_TIMEOUT_MINUTES)) {
            self.store.delete_session(&id).await?;
            return Ok(None);
        }
        if !user.active {
            return Ok(None);
        }
        let roles: Vec<Role> = user.roles.iter().filter_map(|r| parse_role(r)).collect();
        let role = parse_role(&session.role).filter(|r| roles.contains(r)).or_else(|| roles.first().copied());
        let Some(role) = role else { return Ok(None) };
        // A touch is a durable write: once a minute is enough to keep a 30-minute idle timeout honest, and
        // spares every request its own commit (docs/benchmarks.md [1]).
        let stale = since.is_ok_and(|d| d >= Duration::seconds(TOUCH_EVERY_SECONDS));
        if stale || session.role != role.code() {
            self.store.touch_session(&id, &now.to_rfc3339(), role.code()).await?;
        }
        let actor = actor_of(&user, &organization, role)?;
        let single_sign_on = session.method == govit_store::SESSION_SSO;
        Ok(Some(SessionUser { user, organization, roles, role, csrf: session.csrf, actor, single_sign_on }))
    }

    /// The actor an operator's command-line work is done as: the active account `username`, in `role` (or its
    /// first role). The command line runs beside the database, so it needs no password; it does need an account,
    /// so that every event still names an organisation and a role the rules know.
    pub async fn account_actor(&self, username: &str, role: Option<Role>) -> Result<Actor, AppError> {
        let user = self.store.user_by_username(username).await?.filter(|u| u.active);
        let Some(user) = user else {
            return Err(AppError::invalid("user", format!("没有名为“{username}”的有效账号")));
        };
        let Some(organization) = self.store.organization(user.organization_id).await? else {
            return Err(AppError::invalid("user", format!("账号“{username}”的单位不存在")));
        };
        let roles: Vec<Role> = user.roles.iter().filter_map(|r| parse_role(r)).collect();
        let role = match role {
            Some(r) if roles.contains(&r) => r,
            Some(r) => {
                return Err(AppError::invalid("role", format!("账号“{username}”没有“{}”角色", r.label())));
            }
            None => *roles.first().ok_or_else(|| AppError::invalid("user", format!("账号“{username}”没有任何角色")))?,
        };
        actor_of(&user, &organization, role)
    }

    /// A user changes their own password: the current one is checked, the new one must meet the policy and
    /// differ from it. Clears a forced change ([`NewUserInput::must_change_password`], an administrator's reset).
    pub async fn change_password(&self, user_id: i64, current: &str, new: &str) -> Result<(), AppError> {
        let user = self.store.user(user_id).await?.ok_or_else(|| AppError::NotFound { what: "用户".to_owned() })?;
        if !verify_password(current, &user.password_hash) {
            self.record_security("password_change_failed", &user.username, "原密码错误").await?;
            return Err(AppError::invalid("current", "原密码错误"));
        }
        if current == new {
            return Err(AppError::invalid("new", "新密码不能与原密码相同"));
        }
        check_password(&user.username, new).map_err(|e| AppError::invalid("new", e))?;
        self.store.set_password(user.id, &hash_password(new)?, false).await?;
        let me = self.account_actor(&user.username, None).await?;
        self.record_security_by(&me, "password_changed", &user.username, "本人修改密码").await?;
        Ok(())
    }

    /// Switches the role a session acts in, among the user's own roles.
    pub async fn switch_role(&self, token: &str, role: Role) -> Result<(), AppError> {
        let Some(user) = self.session_user(token).await? else {
            return Err(AppError::NotFound { what: "会话".to_owned() });
        };
        if !user.roles.contains(&role) {
            return Err(AppError::invalid("role", format!("您没有“{}”角色", role.label())));
        }
        self.store.touch_session(&digest(token), &self.clock.now().to_rfc3339(), role.code()).await?;
        Ok(())
    }

    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        let id = digest(token);
        if let Some(session) = self.store.session(&id).await?
            && let Some(user) = self.store.user(session.user_id).await?
        {
            let me = self.account_actor(&user.username, parse_role(&session.role)).await.ok();
            self.record_security_event("logout", &user.username, "退出登录".to_owned(), me).await?;
        }
        Ok(self.store.delete_session(&id).await?)
    }
}

/// What a password-correct login without any role is told: the 系统管理员 opened the account, the 安全管理员
/// has not granted it a role yet.
pub const NO_ROLE_YET: &str = "该账号尚未授予角色,请联系安全管理员";

/// The actor `user` acts as for `organization` in `role`, naming the person.
pub(crate) fn actor_of(user: &UserRow, organization: &OrganizationRow, role: Role) -> Result<Actor, AppError> {
    let person = Person {
        account: AccountName::parse(user.username.clone()).map_err(|e| AppError::invalid("username", e))?,
        name: PersonName::parse(user.display_name.clone()).map_err(|e| AppError::invalid("display_name", e))?,
    };
    Ok(Actor {
        role,
        organization: OrgName::parse(organization.name.clone()).map_err(|e| AppError::invalid("organization", e))?,
        jurisdiction: JurisdictionId::parse(organization.jurisdiction.clone())
            .map_err(|e| AppError::invalid("jurisdiction", e))?,
        person: Some(person),
    })
}
