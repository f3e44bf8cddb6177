//! Administration under 三员分立 (GB/T 22239-2019 level 3, 8.1.4.2 d/e): the 系统管理员 sets up organisations
//! and accounts, the 安全管理员 grants and withdraws roles, the 审计管理员 reads the audit log. Every act
//! checks its administrator in [`authz::administer`] and the roles in [`authz::grantable`], whatever front end
//! asks, and is recorded in the audit chain naming the administrator who did it.

use crate::accounts::{check_password, hash_password, parse_role, random_hex};
use crate::{App, AppError};
use govit_rules::authz::{self, Administration, OrgStanding};
use govit_rules::vocab::OwnerKind;
use govit_rules::{AccountName, Actor, JurisdictionId, OrgName, PersonName, Role};
use govit_store::{NewUser, OrganizationRow, UserRow};

/// A new organisation: its name, jurisdiction, its kind if it may own projects [2][9], and the department's
/// duty it exercises, if any (the deciding role its accounts may be granted besides `owner`).
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub name: String,
    pub jurisdiction: String,
    pub owner_kind: Option<OwnerKind>,
    pub duty: Option<Role>,
}

/// A new account. It holds no role until the 安全管理员 grants one ([`App::grant_roles`]).
#[derive(Debug, Clone)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    pub organization: String,
    pub password: String,
    pub must_change_password: bool,
}

/// An administrator's account made when an installation has none in that role, with its one-time password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapAccount {
    pub username: String,
    pub role: Role,
    pub password: String,
}

/// What roles an account of `org` may hold ([`authz::grantable`]).
pub fn standing(org: &OrganizationRow) -> OrgStanding {
    OrgStanding {
        owns_projects: org.owner_kind.is_some(),
        duty: org.duty.as_deref().and_then(Role::from_code).filter(|r| r.is_duty()),
    }
}

impl App {
    /// Sets up an organisation, as the 系统管理员 `actor`.
    pub async fn create_organization(&self, actor: &Actor, o: NewOrganization) -> Result<i64, AppError> {
        self.administering(actor, Administration::ManageOrganizations).await?;
        let name = OrgName::parse(o.name).map_err(|e| AppError::invalid("name", e))?;
        let jurisdiction = JurisdictionId::parse(o.jurisdiction).map_err(|e| AppError::invalid("jurisdiction", e))?;
        if !self.policies.contains(&jurisdiction) {
            return Err(AppError::invalid("jurisdiction", format!("辖区 {jurisdiction} 没有政策定义")));
        }
        if let Some(duty) = o.duty.filter(|d| !d.is_duty()) {
            return Err(AppError::invalid("duty", format!("“{}”不是部门职能", duty.label())));
        }
        if self.store.organization_by_name(name.as_str()).await?.is_some() {
            return Err(AppError::invalid("name", format!("单位“{name}”已存在")));
        }
        let now = self.clock.now().to_rfc3339();
        let kind = o.owner_kind.map(OwnerKind::code);
        let duty = o.duty.map(Role::code);
        let id = self.store.insert_organization(name.as_str(), jurisdiction.as_str(), kind, duty, &now).await?;
        let kind = o.owner_kind.map_or("不建设项目", OwnerKind::label);
        let duty = o.duty.map_or("无部门职能", Role::label);
        let detail = format!("新建单位“{name}”({jurisdiction},{kind},{duty})");
        self.record_security_by(actor, "organization_created", "", detail).await?;
        Ok(id)
    }

    /// Opens an account, as the 系统管理员 `actor`. It holds no role: the 安全管理员 grants them.
    pub async fn create_user(&self, actor: &Actor, u: NewUserInput) -> Result<i64, AppError> {
        self.administering(actor, Administration::ManageAccounts).await?;
        let username = AccountName::parse(u.username).map_err(|e| AppError::invalid("username", e))?;
        if self.store.user_by_username(username.as_str()).await?.is_some() {
            return Err(AppError::invalid("username", format!("用户名“{username}”已被使用")));
        }
        let display_name = PersonName::parse(u.display_name).map_err(|e| AppError::invalid("display_name", e))?;
        let org = self
            .store
            .organization_by_name(u.organization.trim())
            .await?
            .ok_or_else(|| AppError::invalid("organization", format!("单位“{}”不存在", u.organization.trim())))?;
        check_password(username.as_str(), &u.password).map_err(|e| AppError::invalid("password", e))?;
        let hash = hash_password(&u.password)?;
        let now = self.clock.now().to_rfc3339();
        let new = NewUser {
            username: username.as_str(),
            display_name: display_name.as_str(),
            organization_id: org.id,
            roles: &[],
            password_hash: &hash,
            must_change_password: u.must_change_password,
        };
        let id = self.store.insert_user(&new, &now).await?;
        let detail = format!("单位“{}”,姓名“{display_name}”,待安全管理员授予角色", org.name);
        self.record_security_by(actor, "user_created", username.as_str(), detail).await?;
        Ok(id)
    }

    /// Grants account `id` exactly `roles`, withdrawing any others, as the 安全管理员 `actor`; never to their
    /// own account. The roles must fit the account's organisation and keep administrators apart
    /// ([`authz::grantable`]). Open sessions of the account act in the new roles from their next request:
    /// every request reads the roles afresh, and a withdrawn role is no longer one to act in.
    pub async fn grant_roles(&self, actor: &Actor, id: i64, roles: Vec<Role>) -> Result<(), AppError> {
        self.administering(actor, Administration::GrantRoles).await?;
        let user = self.user_row(id).await?;
        let asked = labels(&roles.iter().map(|r| r.code().to_owned()).collect::<Vec<_>>());
        if actor.person.as_ref().is_some_and(|p| p.account.as_str() == user.username) {
            let reason = "安全管理员不能变更本人账号的角色".to_owned();
            self.record_security_by(actor, "roles_refused", &user.username, format!("“{asked}”:{reason}")).await?;
            return Err(AppError::Forbidden { reason });
        }
        let org = self.user_organization(&user).await?;
        if let Err(reason) = authz::grantable(&roles, standing(&org)) {
            let reason = format!("{}:{reason}", org.name);
            self.record_security_by(actor, "roles_refused", &user.username, format!("“{asked}”:{reason}")).await?;
            return Err(AppError::invalid("roles", reason));
        }
        let codes: Vec<String> = roles.iter().map(|r| r.code().to_owned()).collect();
        self.store.update_user(id, &codes, user.active).await?;
        let before = labels(&user.roles);
        let after = labels(&codes);
        self.record_security_by(actor, "roles_granted", &user.username, format!("角色由“{before}”改为“{after}”"))
            .await?;
        tracing::info!(user = %user.username, "roles changed");
        Ok(())
    }

    /// Switches account `id` on or off and optionally resets its password (the user must then change it), as
    /// the 系统管理员 `actor`. Switching off or resetting ends the account's sessions at once.
    pub async fn update_account(
        &self,
        actor: &Actor,
        id: i64,
        active: bool,
        new_password: Option<&str>,
    ) -> Result<(), AppError> {
        self.administering(actor, Administration::ManageAccounts).await?;
        let user = self.user_row(id).await?;
        let myself = actor.person.as_ref().is_some_and(|p| p.account.as_str() == user.username);
        if myself && !active {
            return Err(AppError::invalid("active", "不能停用本人正在使用的账号"));
        }
        let new_password = new_password.filter(|p| !p.is_empty());
        // An administrator's password is its own: were the 系统管理员 to set another administrator's (or its
        // own without the current one), it could log in as the 安全管理员 and grant itself what it likes.
        if new_password.is_some() && user.roles.iter().filter_map(|r| parse_role(r)).any(Role::administers) {
            let reason = "管理员账号的密码只能由本人修改(三员分立);遗失时由运维人员在服务器上处理".to_owned();
            self.record_security_by(actor, "administration_refused", &user.username, reason.clone()).await?;
            return Err(AppError::Forbidden { reason });
        }
        if let Some(password) = new_password {
            check_password(&user.username, password).map_err(|e| AppError::invalid("password", e))?;
            self.store.set_password(id, &hash_password(password)?, true).await?;
        }
        self.store.update_user(id, &user.roles, active).await?;
        self.store.clear_login_failures(id, None).await?;
        if !active || new_password.is_some() {
            self.store.delete_user_sessions(id).await?;
        }
        let password = if new_password.is_some() { ",重置密码" } else { "" };
        let state = if active { "启用" } else { "停用" };
        self.record_security_by(actor, "user_changed", &user.username, format!("{state}{password}")).await?;
        tracing::info!(user = %user.username, "account changed");
        Ok(())
    }

    pub(crate) async fn user_organization(&self, user: &UserRow) -> Result<OrganizationRow, AppError> {
        self.store
            .organization(user.organization_id)
            .await?
            .ok_or_else(|| AppError::invalid("organization", format!("账号“{}”的单位不存在", user.username)))
    }
}

/// What the 审计管理员 reads: the newest security events and the newest decisions, each naming who acted.
#[derive(Debug, Clone)]
pub struct AuditLog {
    /// `(seq, recorded at, record)`, newest first.
    pub security: Vec<(i64, String, govit_store::SecurityRecord)>,
    /// Newest first.
    pub decisions: Vec<govit_store::StoredEvent>,
}

impl App {
    /// The newest `limit` security events and decisions of the audit log, as the 审计管理员 `actor`; no one
    /// else reads the security events, and the auditor changes nothing.
    pub async fn audit_log(&self, actor: &Actor, limit: i64) -> Result<AuditLog, AppError> {
        self.administering(actor, Administration::ReadAudit).await?;
        // Who read the log is itself on the record: the auditor is audited too.
        self.record_security_by(actor, "audit_log_read", "", format!("查阅最新{limit}条记录")).await?;
        let security = self.store.security_events(limit).await?;
        let decisions = self.store.recent_decisions(limit).await?;
        Ok(AuditLog { security, decisions })
    }
}

/// Role codes in words, `、`-separated (`无` for none).
pub(crate) fn labels(codes: &[String]) -> String {
    let labels: Vec<&str> = codes.iter().filter_map(|c| parse_role(c)).map(Role::label).collect();
    if labels.is_empty() { "无".to_owned() } else { labels.join("、") }
}

impl App {
    /// Who sets up a new installation (the administrators' accounts, the demo city's organisations and
    /// accounts): the installation itself, as the administrator `role`, since there is no one else yet. It
    /// names no person, and the audit log shows it so.
    pub(crate) fn installer(&self, role: Role) -> Result<Actor, AppError> {
        Ok(Actor {
            role,
            organization: OrgName::parse(INSTALLER_ORGANIZATION).map_err(|e| AppError::internal(e.to_string()))?,
            jurisdiction: self.policies.root_of(&JurisdictionId::wuhan()).clone(),
            person: None,
        })
    }

    /// Opens account `username` in `organization` and grants it `roles`, as the installation: what the demo
    /// city and the bootstrap do, through the same checks as the administrators' pages.
    pub(crate) async fn install_account(&self, input: NewUserInput, roles: Vec<Role>) -> Result<i64, AppError> {
        let id = self.create_user(&self.installer(Role::SystemAdmin)?, input).await?;
        self.grant_roles(&self.installer(Role::SecurityAdmin)?, id, roles).await?;
        Ok(id)
    }

    /// Makes sure each of the three administrators has an active account: on a new installation all three, on
    /// one from before 三员分立 the 安全管理员 and 审计管理员. Each account made gets a random password that
    /// must be changed, returned to be shown once.
    pub async fn bootstrap_administrators(&self) -> Result<Vec<BootstrapAccount>, AppError> {
        let users = self.store.users().await?;
        let missing: Vec<(Role, &str)> =
            [(Role::SystemAdmin, "admin"), (Role::SecurityAdmin, "secadmin"), (Role::AuditAdmin, "auditadmin")]
                .into_iter()
                .filter(|(role, _)| !users.iter().any(|u| u.active && u.roles.iter().any(|r| r == role.code())))
                .collect();
        if missing.is_empty() {
            return Ok(Vec::new());
        }
        let org = INSTALLER_ORGANIZATION;
        if self.store.organization_by_name(org).await?.is_none() {
            let installer = self.installer(Role::SystemAdmin)?;
            let new = NewOrganization {
                name: org.to_owned(),
                jurisdiction: installer.jurisdiction.to_string(),
                owner_kind: None,
                duty: None,
            };
            self.create_organization(&installer, new).await?;
        }
        let mut made = Vec::new();
        for (role, name) in missing {
            let mut username = name.to_owned();
            let mut n = 1;
            while users.iter().any(|u| u.username == username) {
                n += 1;
                username = format!("{name}{n}");
            }
            // Three classes guaranteed by the fixed prefix; the random part carries the strength.
            let password = format!("Gv-{}", random_hex(12)?);
            let input = NewUserInput {
                username: username.clone(),
                display_name: role.label().to_owned(),
                organization: org.to_owned(),
                password: password.clone(),
                must_change_password: true,
            };
            self.install_account(input, vec![role]).await?;
            made.push(BootstrapAccount { username, role, password });
        }
        Ok(made)
    }
}

impl App {
    /// An act of administration by `actor`, or forbidden. A refusal is a security event naming who tried: an
    /// account reaching for powers it does not hold is what the 审计管理员 looks for.
    pub async fn administering(&self, actor: &Actor, what: Administration) -> Result<(), AppError> {
        match authz::administer(actor, what) {
            Ok(()) => Ok(()),
            Err(f) => {
                self.record_security_by(actor, "administration_refused", "", f.message.clone()).await?;
                Err(AppError::Forbidden { reason: f.message })
            }
        }
    }
}

/// The organisation of the administrators an installation makes for itself.
const INSTALLER_ORGANIZATION: &str = "系统管理";
