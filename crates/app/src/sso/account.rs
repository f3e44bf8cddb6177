//! Who a person from the identity provider is in govit: matched by user name, kept in step with the claims
//! the operator chose to trust, or created when `provision` allows.

use super::{Identity, SsoConfig};
use crate::administration::standing;
use crate::{App, AppError};
use govit_rules::{AccountName, PersonName, Role};
use govit_store::{NO_PASSWORD, NewUser, OrganizationRow, UserRow};

impl App {
    /// The account `identity` logs in as. A refusal is written to the audit chain and returned in words for
    /// the person; nothing about the account changes then.
    pub(super) async fn sso_account(&self, identity: &Identity, config: &SsoConfig) -> Result<UserRow, AppError> {
        match self.sso_account_checked(identity, config).await {
            Ok(user) => Ok(user),
            Err(AppError::Invalid { field, reason }) => {
                self.record_security("login_failed", &identity.username, format!("统一身份认证:{reason}")).await?;
                Err(AppError::Invalid { field, reason })
            }
            Err(e) => Err(e),
        }
    }

    async fn sso_account_checked(&self, identity: &Identity, config: &SsoConfig) -> Result<UserRow, AppError> {
        let refuse = |reason: String| AppError::invalid("sso", reason);
        let username = identity.username.as_str();
        if AccountName::parse(username).is_err() {
            return Err(refuse(format!(
                "统一身份认证提供的用户名“{username}”不符合本系统的用户名规则(3到40个字母、数字、下划线、连字符或点),\
                 请联系管理员"
            )));
        }
        let organization = match (&config.claims.organization, &identity.organization) {
            (None, _) => None,
            (Some(claim), None) => return Err(refuse(format!("统一身份认证未提供所属单位(声明“{claim}”)"))),
            (Some(_), Some(name)) => Some(
                self.store
                    .organization_by_name(name)
                    .await?
                    .ok_or_else(|| refuse(format!("单位“{name}”在本系统中不存在,请联系管理员先建立该单位")))?,
            ),
        };
        if let Some(roles) = &identity.roles
            && roles.is_empty()
        {
            return Err(refuse("统一身份认证未授予本系统的任何角色,请联系管理员".to_owned()));
        }
        let email = identity.email.clone().filter(|e| e.parse::<lettre::Address>().is_ok());
        let display_name = PersonName::parse(identity.display_name.clone())
            .map(|n| n.as_str().to_owned())
            .unwrap_or_else(|_| username.to_owned());
        match self.store.user_by_username(username).await? {
            Some(user) => self.sso_update(user, organization, identity.roles.as_deref(), &display_name, email).await,
            None if config.provision => {
                // `check` made the organisation claim a condition of provisioning.
                let organization = organization.ok_or_else(|| refuse("未配置单位声明,不能自动开通账号".to_owned()))?;
                self.sso_provision(username, &display_name, email, &organization, identity.roles.as_deref()).await
            }
            None => Err(refuse(format!("本系统没有与统一身份认证账号“{username}”对应的用户,请联系管理员开通"))),
        }
    }

    /// Brings a matched account in step with the claims; refused when it is switched off.
    async fn sso_update(
        &self,
        user: UserRow,
        organization: Option<OrganizationRow>,
        roles: Option<&[Role]>,
        display_name: &str,
        email: Option<String>,
    ) -> Result<UserRow, AppError> {
        if !user.active {
            return Err(AppError::invalid("sso", "账号已停用,请联系管理员"));
        }
        // An administrator logs in with its own password and second factor, never as whoever the provider
        // says has its user name.
        if user.roles.iter().filter_map(|r| Role::from_code(r)).any(Role::administers) {
            return Err(AppError::invalid("sso", "管理员账号不能通过统一身份认证登录,请使用本系统的口令和动态口令"));
        }
        if user.roles.is_empty() && roles.is_none() {
            return Err(AppError::invalid("sso", AWAITING_ROLES));
        }
        let organization = match organization {
            Some(o) => o,
            None => self
                .store
                .organization(user.organization_id)
                .await?
                .ok_or_else(|| AppError::invalid("organization", format!("账号“{}”的单位不存在", user.username)))?,
        };
        let codes: Vec<String> = match roles {
            Some(roles) => {
                check_roles(roles, &organization)?;
                roles.iter().map(|r| r.code().to_owned()).collect()
            }
            None => user.roles.clone(),
        };
        let email = email.or_else(|| user.email.clone());
        let mut changes = Vec::new();
        if organization.id != user.organization_id {
            changes.push(format!("单位“{}”", organization.name));
        }
        if codes != user.roles {
            changes.push(format!("角色 {}", codes.join(",")));
        }
        if display_name != user.display_name {
            changes.push(format!("姓名“{display_name}”"));
        }
        if email != user.email {
            changes.push("电子邮件".to_owned());
        }
        if changes.is_empty() {
            return Ok(user);
        }
        self.store.set_user_profile(user.id, organization.id, display_name, email.as_deref()).await?;
        self.store.update_user(user.id, &codes, true).await?;
        self.record_security("user_changed", &user.username, format!("统一身份认证同步:{}", changes.join(","))).await?;
        self.user_row(user.id).await
    }

    /// Creates an account the provider vouches for. Without roles from the provider it is created with none,
    /// for the 安全管理员 to grant.
    async fn sso_provision(
        &self,
        username: &str,
        display_name: &str,
        email: Option<String>,
        organization: &OrganizationRow,
        roles: Option<&[Role]>,
    ) -> Result<UserRow, AppError> {
        if let Some(roles) = roles {
            check_roles(roles, organization)?;
        }
        let codes: Vec<String> = roles.unwrap_or_default().iter().map(|r| r.code().to_owned()).collect();
        let new = NewUser {
            username,
            display_name,
            organization_id: organization.id,
            roles: &codes,
            password_hash: NO_PASSWORD,
            must_change_password: false,
        };
        let id = self.store.insert_user(&new, &self.clock.now().to_rfc3339()).await?;
        self.store.set_user_profile(id, organization.id, display_name, email.as_deref()).await?;
        if codes.is_empty() {
            let detail = format!("统一身份认证开通,单位“{}”,待安全管理员授予角色", organization.name);
            self.record_security("user_created", username, detail).await?;
            return Err(AppError::invalid("sso", AWAITING_ROLES));
        }
        let detail = format!("统一身份认证开通,单位“{}”,角色 {}", organization.name, codes.join(","));
        self.record_security("user_created", username, detail).await?;
        self.user_row(id).await
    }
}

/// What an account the provider vouches for, with no roles, is told.
const AWAITING_ROLES: &str = "账号已开通,待安全管理员授予角色后方可使用";

/// The provider's roles hold to the same rules as the 安全管理员's grants ([`govit_rules::authz::grantable`]):
/// a provider that sends `government` for an account of 市民政局, or an administrator's role with a deciding
/// one, is refused and changes nothing.
fn check_roles(roles: &[Role], organization: &OrganizationRow) -> Result<(), AppError> {
    if let Some(admin) = roles.iter().find(|r| r.administers()) {
        return Err(AppError::invalid(
            "sso",
            format!("“{}”角色只能由安全管理员在本系统中授予,统一身份认证授予的该角色不能生效", admin.label()),
        ));
    }
    govit_rules::authz::grantable(roles, standing(organization)).map_err(|reason| {
        AppError::invalid(
            "sso",
            format!("统一身份认证授予的角色不能生效:“{}”{reason},请联系安全管理员", organization.name),
        )
    })
}
