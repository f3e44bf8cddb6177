//! The second factor: time-based one-time codes (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30-second steps,
//! one step of clock drift either way), which every authenticator app reads from an `otpauth://` QR code.
//!
//! GB/T 22239-2019 level 3 (8.1.4.1 d) asks for two or more combined authentication techniques. Any user
//! may turn the second factor on; when the server requires it ([`App::with_second_factor_required`]), the
//! approvers and administrators of [`govit_rules::authz::needs_second_factor`] must enrol before they can do
//! anything else. The secret is personal data: sealed with SM4-GCM in the key ring like a leader's phone
//! number (and re-encrypted by key rotation), so a copy of the database alone cannot make codes.
//!
//! A code is accepted once: the step it belongs to is recorded, and a code of that step or an earlier one
//! is refused even within its 90-second window (RFC 6238 5.2).

use crate::personal::new_reference;
use crate::{App, AppError};
use govit_rules::Role;
use govit_rules::authz::needs_second_factor;
use govit_store::UserRow;
use totp_rs::{Builder, Secret, Totp};

/// The name authenticator apps show above the code.
const ISSUER: &str = "govit";

/// What a user needs to add govit to an authenticator app.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The secret in base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://totp/...` address that the QR code carries.
    pub url: String,
}

/// A user's second factor as the account page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecondFactorStatus {
    pub enabled: bool,
    /// The server requires it for one of the user's roles: it cannot be turned off.
    pub required: bool,
}

fn totp(secret: Vec<u8>, username: &str) -> Result<Totp, AppError> {
    Builder::new()
        .with_secret(secret)
        .with_account_name(username)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| AppError::internal(format!("动态口令密钥无效:{e}")))
}

/// A code as typed: six digits, spaces allowed (apps show `123 456`).
fn parse_code(code: &str) -> Result<String, AppError> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(AppError::invalid("totp", "动态口令须为6位数字"))
    }
}

impl App {
    /// Requires a second factor of approvers and administrators (`govit serve --require-second-factor`).
    pub fn with_second_factor_required(mut self) -> App {
        self.second_factor_required = true;
        self
    }

    /// Whether the server requires the second factor of `roles`.
    pub fn second_factor_required_for(&self, roles: &[Role]) -> bool {
        self.second_factor_required && roles.iter().any(|r| needs_second_factor(*r))
    }

    pub fn second_factor_status(&self, user: &UserRow) -> SecondFactorStatus {
        SecondFactorStatus {
            enabled: user.totp_secret.is_some(),
            required: self.second_factor_required_for(&roles(user)),
        }
    }

    /// Whether `user` must enrol before doing anything else: required for a role and not yet on.
    pub fn must_enrol_second_factor(&self, user: &UserRow) -> bool {
        user.totp_secret.is_none() && self.second_factor_required_for(&roles(user))
    }

    /// Starts (or restarts) enrolment: a fresh 160-bit secret, sealed and kept as pending until a code made
    /// from it is confirmed. Needs the SM4 key ring.
    pub async fn begin_second_factor(&self, user_id: i64) -> Result<Enrolment, AppError> {
        let user = self.user_row(user_id).await?;
        if self.personal_keys().is_none() {
            return Err(AppError::invalid("totp", "本系统未配置加密密钥目录,不能启用动态口令;请联系系统管理员"));
        }
        let mut secret = vec![0u8; 20];
        getrandom::fill(&mut secret).map_err(|e| AppError::internal(format!("系统随机数不可用:{e}")))?;
        let t = totp(secret.clone(), &user.username)?;
        let url = t.to_url().map_err(|e| AppError::internal(format!("无法生成动态口令地址:{e}")))?;
        let reference = new_reference()?;
        let now = self.clock.now().to_rfc3339();
        let guard = self.store.lock().await;
        self.seal_personal(&guard, &reference, &secret, &now).await?;
        self.store.set_totp_pending(user.id, Some(&reference)).await?;
        if let Some(old) = &user.totp_pending {
            self.store.delete_personal(&guard, old).await?;
        }
        drop(guard);
        Ok(Enrolment { secret: Secret::from(secret).to_base32(), url })
    }

    /// Confirms enrolment with a code from the app: the pending secret becomes the user's second factor.
    pub async fn confirm_second_factor(&self, user_id: i64, code: &str) -> Result<(), AppError> {
        let user = self.user_row(user_id).await?;
        let code = parse_code(code)?;
        let Some(pending) = user.totp_pending.clone() else {
            return Err(AppError::invalid("totp", "请先生成动态口令密钥,再输入验证器显示的口令"));
        };
        let Some(step) = self.matching_step(&user, &pending, &code).await? else {
            self.record_security("second_factor_failed", &user.username, "启用动态口令:口令错误").await?;
            return Err(AppError::invalid("totp", "动态口令错误,请核对手机时间后重试"));
        };
        let guard = self.store.lock().await;
        self.store.set_totp_secret(user.id, Some(&pending), step).await?;
        if let Some(old) = &user.totp_secret {
            self.store.delete_personal(&guard, old).await?;
        }
        drop(guard);
        self.record_security("second_factor_enabled", &user.username, "启用动态口令(TOTP)").await
    }

    /// The user turns the second factor off with a current code; refused when the server requires it.
    pub async fn disable_second_factor(&self, user_id: i64, code: &str) -> Result<(), AppError> {
        let user = self.user_row(user_id).await?;
        if self.second_factor_required_for(&roles(&user)) {
            return Err(AppError::invalid("totp", "本系统要求审批和管理岗位使用动态口令,不能关闭"));
        }
        self.check_second_factor(&user, Some(code)).await?;
        self.remove_second_factor(&user, "本人关闭动态口令", None).await
    }

    /// The 安全管理员 removes a user's second factor (a lost phone); the user enrols again at next login
    /// if it is required. Ends the user's sessions.
    pub async fn reset_second_factor(&self, actor: &govit_rules::Actor, user_id: i64) -> Result<(), AppError> {
        self.administering(actor, govit_rules::authz::Administration::ResetSecondFactor).await?;
        let user = self.user_row(user_id).await?;
        self.remove_second_factor(&user, "安全管理员重置动态口令", Some(actor)).await?;
        self.store.delete_user_sessions(user.id).await?;
        Ok(())
    }

    /// Checks a login's code against `user`'s second factor (none needed when it is off), and uses it up.
    pub(crate) async fn check_second_factor(&self, user: &UserRow, code: Option<&str>) -> Result<(), AppError> {
        let Some(secret) = &user.totp_secret else { return Ok(()) };
        let code = parse_code(code.unwrap_or_default())?;
        let step = self.matching_step(user, secret, &code).await?;
        match step {
            Some(step) if self.store.use_totp_step(user.id, step).await? => Ok(()),
            Some(_) => Err(AppError::invalid("totp", "该动态口令已使用过,请等待验证器显示新的口令")),
            None => Err(AppError::invalid("totp", "动态口令错误")),
        }
    }

    /// The time step `code` belongs to under the secret in `reference`, at the app's clock, if any.
    async fn matching_step(&self, user: &UserRow, reference: &str, code: &str) -> Result<Option<i64>, AppError> {
        let secret = self.open_personal(reference, &format!("用户 {} 的动态口令", user.username)).await?;
        let now = u64::try_from(self.clock.now().timestamp()).unwrap_or_default();
        let step = totp(secret, &user.username)?.check(code, now);
        Ok(step.and_then(|s| i64::try_from(s).ok()))
    }

    async fn remove_second_factor(
        &self,
        user: &UserRow,
        detail: &str,
        by: Option<&govit_rules::Actor>,
    ) -> Result<(), AppError> {
        let guard = self.store.lock().await;
        self.store.set_totp_secret(user.id, None, user.totp_last_step).await?;
        for reference in [&user.totp_secret, &user.totp_pending].into_iter().flatten() {
            self.store.delete_personal(&guard, reference).await?;
        }
        drop(guard);
        match by {
            Some(by) => self.record_security_by(by, "second_factor_removed", &user.username, detail).await,
            None => self.record_security("second_factor_removed", &user.username, detail).await,
        }
    }

    pub(crate) async fn user_row(&self, user_id: i64) -> Result<UserRow, AppError> {
        self.store.user(user_id).await?.ok_or_else(|| AppError::NotFound { what: "用户".to_owned() })
    }
}

fn roles(user: &UserRow) -> Vec<Role> {
    user.roles.iter().filter_map(|r| Role::from_code(r)).collect()
}
