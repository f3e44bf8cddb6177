//! 系统管理 under 三员分立: the 系统管理员's organisations and accounts, the 安全管理员's roles, the
//! 审计管理员's audit log. None of them can approve anything [24].

use super::plans::OutcomePage;
use crate::AppState;
use crate::error::{WebError, render};
use crate::forms::Submitted;
use crate::session::CurrentUser;
use crate::view::{Layout, OutcomeView, ReasonView};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use govit_app::administration::{NewOrganization, NewUserInput};
use govit_rules::Role;
use govit_rules::authz::{self, Administration};
use govit_rules::vocab::OwnerKind;

/// The pages of administration open to whom `rules::authz::administer` allows, through the app, which records
/// a refusal; the app checks each change again, whatever front end asks.
async fn require_admin(state: &AppState, user: &CurrentUser, what: Administration) -> Result<(), WebError> {
    Ok(state.app.administering(&user.session.actor, what).await?)
}

/// What an organisation is, in words: its department duty and whether it builds projects.
fn describe_organization(o: &govit_store::OrganizationRow) -> String {
    let duty = o.duty.as_deref().and_then(Role::from_code).map(Role::label);
    let kind = o.owner_kind.as_deref().and_then(OwnerKind::from_code).map(|k| format!("项目建设单位·{}", k.label()));
    match (duty, kind) {
        (Some(d), Some(k)) => format!("{d};{k}"),
        (Some(d), None) => d.to_owned(),
        (None, Some(k)) => k,
        (None, None) => "无部门职能,不建设项目".to_owned(),
    }
}

struct UserRowView {
    id: i64,
    username: String,
    display_name: String,
    organization: String,
    /// The organisation's duty and kind: which roles fit it.
    standing: String,
    roles: Vec<(&'static str, &'static str, bool)>,
    active: bool,
    /// The user has a second factor, which the 安全管理员 may reset (a lost phone).
    second_factor: bool,
    /// Made by single sign-on, with no password of its own.
    single_sign_on: bool,
    /// Holds no role yet: the 安全管理员 grants them.
    awaiting_roles: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRowView>,
    organizations: Vec<String>,
    /// The 系统管理员's view: opens accounts, switches them on and off, resets passwords.
    manages_accounts: bool,
    /// The 安全管理员's view: grants roles, resets second factors.
    grants_roles: bool,
}

pub(super) async fn users(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let actor = &user.session.actor;
    let manages_accounts = authz::administer(actor, Administration::ManageAccounts).is_ok();
    let grants_roles = authz::administer(actor, Administration::GrantRoles).is_ok();
    if !grants_roles {
        require_admin(&state, &user, Administration::ManageAccounts).await?;
    }
    let store = state.app.store();
    let internal = |e: govit_store::StoreError| WebError::Internal(e.to_string());
    let orgs = store.organizations().await.map_err(internal)?;
    let rows = store
        .users()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|u| {
            let org = orgs.iter().find(|o| o.id == u.organization_id);
            UserRowView {
                id: u.id,
                organization: org.map(|o| o.name.clone()).unwrap_or_default(),
                standing: org.map(describe_organization).unwrap_or_default(),
                roles: Role::ALL.iter().map(|r| (r.code(), r.label(), u.roles.iter().any(|x| x == r.code()))).collect(),
                second_factor: u.totp_secret.is_some(),
                single_sign_on: u.signs_on_only(),
                awaiting_roles: u.roles.is_empty(),
                username: u.username,
                display_name: u.display_name,
                active: u.active,
            }
        })
        .collect();
    Ok(render(&UsersPage {
        layout: Layout::new(&user, "用户管理", "/admin/users", state.app.clock().today()),
        users: rows,
        organizations: orgs.into_iter().map(|o| o.name).collect(),
        manages_accounts,
        grants_roles,
    }))
}

fn failed(
    user: &CurrentUser,
    state: &AppState,
    what: &str,
    back: &str,
    e: govit_app::AppError,
) -> Result<Response, WebError> {
    let message = match e {
        govit_app::AppError::Invalid { field, reason } => format!("{field}:{reason}"),
        other => return Err(other.into()),
    };
    let page = OutcomePage {
        layout: Layout::new(user, what, back, state.app.clock().today()),
        outcome: Some(OutcomeView {
            kind: "forbidden",
            title: format!("{what}未完成"),
            reasons: vec![ReasonView { message, articles: Vec::new() }],
        }),
        back: back.to_owned(),
    };
    let mut response = render(&page);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// An administrator's form submission, its token checked.
async fn admin_form(
    state: &AppState,
    user: &CurrentUser,
    body: &[u8],
    what: Administration,
) -> Result<Submitted, WebError> {
    require_admin(state, user, what).await?;
    let form = Submitted::parse(body);
    user.check_csrf(form.one("_csrf"))?;
    Ok(form)
}

/// Back to the list when the change was made; the reason on a page of its own when it was not.
fn answer<T>(
    result: Result<T, govit_app::AppError>,
    user: &CurrentUser,
    state: &AppState,
    what: &str,
    back: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(Redirect::to(back).into_response()),
        Err(e) => failed(user, state, what, back, e),
    }
}

/// The roles ticked on the form; a code no role has is bad input, not a role silently left out.
fn roles_of(form: &Submitted) -> Result<Vec<Role>, govit_app::AppError> {
    form.all("roles").into_iter().map(|code| Role::from_code(code).ok_or_else(|| unknown("roles", code))).collect()
}

/// An optional choice of a closed list: empty is none, an unknown code is bad input.
fn choice<T>(form: &Submitted, field: &str, parse: fn(&str) -> Option<T>) -> Result<Option<T>, govit_app::AppError> {
    match form.one(field).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(code) => parse(code).map(Some).ok_or_else(|| unknown(field, code)),
    }
}

fn unknown(field: &str, code: &str) -> govit_app::AppError {
    govit_app::AppError::invalid(field, format!("没有“{code}”这一选项"))
}

pub(super) async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = admin_form(&state, &user, &body, Administration::ManageAccounts).await?;
    let input = NewUserInput {
        username: form.one("username").unwrap_or_default().to_owned(),
        display_name: form.one("display_name").unwrap_or_default().to_owned(),
        organization: form.one("organization").unwrap_or_default().to_owned(),
        password: form.all("password").first().map(|s| (*s).to_owned()).unwrap_or_default(),
        must_change_password: true,
    };
    answer(state.app.create_user(&user.session.actor, input).await, &user, &state, "新建用户", "/admin/users")
}

/// The 系统管理员 switches an account on or off, or resets its password.
pub(super) async fn update_account(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = admin_form(&state, &user, &body, Administration::ManageAccounts).await?;
    let active = form.one("active").is_some();
    let result = state.app.update_account(&user.session.actor, id, active, form.all("password").first().copied()).await;
    answer(result, &user, &state, "修改账号", "/admin/users")
}

/// The 安全管理员 grants an account its roles, and may reset its second factor.
pub(super) async fn grant_roles(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = admin_form(&state, &user, &body, Administration::GrantRoles).await?;
    let mut result = match roles_of(&form) {
        Ok(roles) => state.app.grant_roles(&user.session.actor, id, roles).await,
        Err(e) => Err(e),
    };
    if result.is_ok() && form.one("reset_second_factor").is_some() {
        result = state.app.reset_second_factor(&user.session.actor, id).await;
    }
    answer(result, &user, &state, "授予角色", "/admin/users")
}

#[derive(Template)]
#[template(path = "admin_organizations.html")]
struct OrganizationsPage {
    layout: Layout,
    organizations: Vec<(String, String, String)>,
    jurisdictions: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    duties: Vec<(&'static str, &'static str)>,
}

pub(super) async fn organizations(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    require_admin(&state, &user, Administration::ManageOrganizations).await?;
    let orgs = state.app.store().organizations().await.map_err(|e| WebError::Internal(e.to_string()))?;
    let policies = state.app.policies();
    Ok(render(&OrganizationsPage {
        layout: Layout::new(&user, "单位管理", "/admin/organizations", state.app.clock().today()),
        organizations: orgs
            .into_iter()
            .map(|o| {
                let standing = describe_organization(&o);
                let j = govit_rules::JurisdictionId::parse(o.jurisdiction.clone())
                    .map(|j| policies.name_of(&j))
                    .unwrap_or(o.jurisdiction);
                (o.name, j, standing)
            })
            .collect(),
        jurisdictions: policies.jurisdictions().map(|j| (j.jurisdiction.to_string(), j.name.clone())).collect(),
        kinds: OwnerKind::ALL
            .iter()
            .filter(|k| **k != OwnerKind::StateOwnedEnterprise)
            .map(|k| (k.code(), k.label()))
            .collect(),
        duties: Role::ALL.iter().filter(|r| r.is_duty()).map(|r| (r.code(), r.label())).collect(),
    }))
}

pub(super) async fn create_organization(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = admin_form(&state, &user, &body, Administration::ManageOrganizations).await?;
    let result = async {
        let input = NewOrganization {
            name: form.one("name").unwrap_or_default().to_owned(),
            jurisdiction: form.one("jurisdiction").unwrap_or_default().to_owned(),
            owner_kind: choice(&form, "owner_kind", OwnerKind::from_code)?,
            duty: choice(&form, "duty", Role::from_code)?,
        };
        state.app.create_organization(&user.session.actor, input).await
    }
    .await;
    answer(result, &user, &state, "新建单位", "/admin/organizations")
}
