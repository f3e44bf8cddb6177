//! Organisations, users and sessions: the rows behind login and "whose project is it".

use crate::error::StoreError;
use crate::store::Store;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationRow {
    pub id: i64,
    pub name: String,
    pub jurisdiction: String,
    /// Set when the organisation may own projects (its kind under [2][9]).
    pub owner_kind: Option<String>,
    /// The deciding role the organisation exercises as a department (a role code), if any.
    pub duty: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub organization_id: i64,
    pub roles: Vec<String>,
    #[serde(skip)]
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    /// The personal data row holding the confirmed TOTP secret: set when the second factor is on.
    #[serde(skip)]
    pub totp_secret: Option<String>,
    /// The personal data row of a secret shown for enrolment and not yet confirmed with a code.
    #[serde(skip)]
    pub totp_pending: Option<String>,
    /// The last TOTP time step accepted; a code of that step or an earlier one is refused.
    #[serde(skip)]
    pub totp_last_step: i64,
    /// Where reminders and digests are mailed; none, none mailed.
    pub email: Option<String>,
}

/// The password hash of an account made by single sign-on: no PHC string, so no password ever matches it.
pub const NO_PASSWORD: &str = "!sso";

impl UserRow {
    /// Made by single sign-on and never given a password: the identity provider is its only way in.
    pub fn signs_on_only(&self) -> bool {
        self.password_hash == NO_PASSWORD
    }
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub organization_id: i64,
    pub roles: &'a [String],
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id_digest: String,
    pub user_id: i64,
    pub role: String,
    pub csrf: String,
    pub created_at: String,
    pub last_seen: String,
    /// How the session was opened: [`SESSION_PASSWORD`] or [`SESSION_SSO`].
    pub method: String,
}

/// A session opened with a user name and password (and the local second factor, when on).
pub const SESSION_PASSWORD: &str = "password";
/// A session opened through the unified identity provider (article 12).
pub const SESSION_SSO: &str = "sso";

fn org(r: &AnyRow) -> Result<OrganizationRow, sqlx::Error> {
    Ok(OrganizationRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        jurisdiction: r.try_get("jurisdiction")?,
        owner_kind: r.try_get("owner_kind")?,
        duty: r.try_get("duty")?,
    })
}

fn session(r: &AnyRow) -> Result<SessionRow, sqlx::Error> {
    Ok(SessionRow {
        id_digest: r.try_get("id_digest")?,
        user_id: r.try_get("user_id")?,
        role: r.try_get("role")?,
        csrf: r.try_get("csrf")?,
        created_at: r.try_get("created_at")?,
        last_seen: r.try_get("last_seen")?,
        method: r.try_get("method")?,
    })
}

fn user(r: &AnyRow) -> Result<UserRow, StoreError> {
    let roles: String = r.try_get("roles")?;
    let id: i64 = r.try_get("id")?;
    Ok(UserRow {
        id,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        organization_id: r.try_get("organization_id")?,
        roles: serde_json::from_str(&roles).map_err(|e| StoreError::corrupt(0, format!("用户 {id} 的角色:{e}")))?,
        password_hash: r.try_get("password_hash")?,
        active: r.try_get::<i64, _>("active")? != 0,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        totp_secret: r.try_get("totp_secret")?,
        totp_pending: r.try_get("totp_pending")?,
        totp_last_step: r.try_get("totp_last_step")?,
        email: r.try_get("email")?,
    })
}

const USER_COLUMNS: &str = "SELECT id, username, display_name, organization_id, roles, password_hash, active, \
                            must_change_password, totp_secret, totp_pending, \
                            totp_last_step, email FROM users";

impl Store {
    pub async fn insert_organization(
        &self,
        name: &str,
        jurisdiction: &str,
        owner_kind: Option<&str>,
        duty: Option<&str>,
        created_at: &str,
    ) -> Result<i64, StoreError> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO organizations (name, jurisdiction, owner_kind, duty, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id",
        )
        .bind(name)
        .bind(jurisdiction)
        .bind(owner_kind)
        .bind(duty)
        .bind(created_at)
        .fetch_one(self.pool())
        .await?;
        Ok(id)
    }

    pub async fn organizations(&self) -> Result<Vec<OrganizationRow>, StoreError> {
        let rows =
            sqlx::query("SELECT id, name, jurisdiction, owner_kind, duty FROM organizations ORDER BY jurisdiction, id")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.iter().map(org).collect::<Result<_, _>>()?)
    }

    pub async fn organization(&self, id: i64) -> Result<Option<OrganizationRow>, StoreError> {
        let row = sqlx::query("SELECT id, name, jurisdiction, owner_kind, duty FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(org).transpose()?)
    }

    pub async fn organization_by_name(&self, name: &str) -> Result<Option<OrganizationRow>, StoreError> {
        let row = sqlx::query("SELECT id, name, jurisdiction, owner_kind, duty FROM organizations WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(org).transpose()?)
    }

    pub async fn insert_user(&self, u: &NewUser<'_>, created_at: &str) -> Result<i64, StoreError> {
        let roles = serde_json::to_string(u.roles).map_err(|e| StoreError::corrupt(0, e))?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (username, display_name, organization_id, roles, password_hash, must_change_password, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.organization_id)
        .bind(roles)
        .bind(u.password_hash)
        .bind(i64::from(u.must_change_password))
        .bind(created_at)
        .fetch_one(self.pool())
        .await?;
        Ok(id)
    }

    pub async fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        let sql = format!("{USER_COLUMNS} ORDER BY organization_id, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
        rows.iter().map(user).collect()
    }

    pub async fn user(&self, id: i64) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("{USER_COLUMNS} WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(user).transpose()
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("{USER_COLUMNS} WHERE username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(self.pool()).await?;
        row.as_ref().map(user).transpose()
    }

    /// Sets (or, with `None`, clears) where a user's reminders are mailed.
    pub async fn set_user_email(&self, id: i64, email: Option<&str>) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2").bind(email).bind(id).execute(self.pool()).await?;
        Ok(())
    }

    /// What the identity provider says of a user (article 12): organisation, name and mail address.
    pub async fn set_user_profile(
        &self,
        id: i64,
        organization_id: i64,
        display_name: &str,
        email: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET organization_id = $1, display_name = $2, email = $3 WHERE id = $4")
            .bind(organization_id)
            .bind(display_name)
            .bind(email)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn update_user(&self, id: i64, roles: &[String], active: bool) -> Result<(), StoreError> {
        let roles = serde_json::to_string(roles).map_err(|e| StoreError::corrupt(0, e))?;
        sqlx::query("UPDATE users SET roles = $1, active = $2 WHERE id = $3")
            .bind(roles)
            .bind(i64::from(active))
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn set_password(&self, id: i64, password_hash: &str, must_change: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(i64::from(must_change))
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The failed logins in a row of account `user` from address `source`, and until when (RFC 3339) that
    /// address may not log in to it.
    pub async fn login_failures(&self, user: i64, source: &str) -> Result<(i64, Option<String>), StoreError> {
        let row: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT failures, locked_until FROM login_failures WHERE user_id = $1 AND source = $2")
                .bind(user)
                .bind(source)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.unwrap_or((0, None)))
    }

    /// Records `failures` failed logins in a row of `user` from `source`, locked until `locked_until` if set.
    pub async fn record_login_failure(
        &self,
        user: i64,
        source: &str,
        failures: i64,
        locked_until: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO login_failures (user_id, source, failures, locked_until) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, source) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
        )
        .bind(user)
        .bind(source)
        .bind(failures)
        .bind(locked_until)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A successful login from `source` (its failures only), or an administrator's save (`None`: every
    /// address's).
    pub async fn clear_login_failures(&self, user: i64, source: Option<&str>) -> Result<(), StoreError> {
        let query = match source {
            Some(source) => {
                sqlx::query("DELETE FROM login_failures WHERE user_id = $1 AND source = $2").bind(user).bind(source)
            }
            None => sqlx::query("DELETE FROM login_failures WHERE user_id = $1").bind(user),
        };
        query.execute(self.pool()).await?;
        Ok(())
    }

    /// Sets the secret shown for enrolment (`None` drops it).
    pub async fn set_totp_pending(&self, id: i64, pending: Option<&str>) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
            .bind(pending)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Turns the second factor on with `secret` (or off with `None`), clearing any pending enrolment;
    /// `step` is the step of the code that confirmed it.
    pub async fn set_totp_secret(&self, id: i64, secret: Option<&str>, step: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET totp_secret = $1, totp_pending = NULL, totp_last_step = $2 WHERE id = $3")
            .bind(secret)
            .bind(step)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records that a TOTP code of `step` was used, if no later step was; false when it (or a later one)
    /// already was, so that two logins racing with one code cannot both succeed.
    pub async fn use_totp_step(&self, id: i64, step: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
            .bind(step)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    pub async fn insert_session(&self, s: &SessionRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id_digest, user_id, role, csrf, created_at, last_seen, method)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&s.id_digest)
        .bind(s.user_id)
        .bind(&s.role)
        .bind(&s.csrf)
        .bind(&s.created_at)
        .bind(&s.last_seen)
        .bind(&s.method)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn session(&self, id_digest: &str) -> Result<Option<SessionRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id_digest, user_id, role, csrf, created_at, last_seen, method FROM sessions WHERE id_digest = $1",
        )
        .bind(id_digest)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(session).transpose()?)
    }

    /// A session with its user and the user's organisation, in one query: what every request starts with.
    pub async fn session_with_user(
        &self,
        id_digest: &str,
    ) -> Result<Option<(SessionRow, UserRow, OrganizationRow)>, StoreError> {
        let row = sqlx::query(
            "SELECT s.id_digest, s.user_id, s.role, s.csrf, s.created_at, s.last_seen, s.method,
                    u.id, u.username, u.display_name, u.organization_id, u.roles, u.password_hash, u.active,
                    u.must_change_password, u.totp_secret, u.totp_pending,
                    u.totp_last_step, u.email,
                    o.name, o.jurisdiction, o.owner_kind, o.duty
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id
             WHERE s.id_digest = $1",
        )
        .bind(id_digest)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let session = session(&r)?;
        let user = user(&r)?;
        let organization = OrganizationRow {
            id: user.organization_id,
            name: r.try_get("name")?,
            jurisdiction: r.try_get("jurisdiction")?,
            owner_kind: r.try_get("owner_kind")?,
            duty: r.try_get("duty")?,
        };
        Ok(Some((session, user, organization)))
    }

    pub async fn touch_session(&self, id_digest: &str, last_seen: &str, role: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen = $1, role = $2 WHERE id_digest = $3")
            .bind(last_seen)
            .bind(role)
            .bind(id_digest)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_digest: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_digest = $1").bind(id_digest).execute(self.pool()).await?;
        Ok(())
    }

    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(self.pool()).await?;
        Ok(())
    }
}
