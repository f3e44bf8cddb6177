//! 系统管理: organisations and users. Only the administrator, who can approve nothing [24].

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
use govit_app::accounts::{NewOrganization, NewUserInput};
use govit_rules::Role;
use govit_rules::authz::{self, Administration};
use govit_rules::vocab::OwnerKind;

/// The pages of administration open to whom `rules::authz::administer` allows; the app checks each change
/// again, whatever front end asks.
fn require_admin(user: &CurrentUser, what: Administration) -> Result<(), WebError> {
    authz::administer(&user.session.actor, what).map_err(|f| WebError::Forbidden(f.message))
}

struct UserRowView {
    id: i64,
    username: String,
    display_name: String,
    organization: String,
    roles: Vec<(&'static str, &'static str, bool)>,
    active: bool,
    /// The user has a second factor, which an administrator may reset (a lost phone).
    second_factor: bool,
    /// Made by single sign-on, with no password of its own.
    single_sign_on: bool,
    /// Made by single sign-on without roles from the provider: an administrator gives it roles and switches
    /// it on.
    awaiting_roles: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRowView>,
    organizations: Vec<String>,
    roles: Vec<(&'static str, &'static str)>,
}

pub(super) async fn users(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    require_admin(&user, Administration::ManageAccounts)?;
    let store = state.app.store();
    let internal = |e: govit_store::StoreError| WebError::Internal(e.to_string());
    let orgs = store.organizations().await.map_err(internal)?;
    let rows = store
        .users()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|u| UserRowView {
            id: u.id,
            organization: orgs.iter().find(|o| o.id == u.organization_id).map(|o| o.name.clone()).unwrap_or_default(),
            roles: Role::ALL.iter().map(|r| (r.code(), r.label(), u.roles.iter().any(|x| x == r.code()))).collect(),
            second_factor: u.totp_secret.is_some(),
            single_sign_on: u.signs_on_only(),
            awaiting_roles: u.signs_on_only() && !u.active && u.roles.is_empty(),
            username: u.username,
            display_name: u.display_name,
            active: u.active,
        })
        .collect();
    Ok(render(&UsersPage {
        layout: Layout::new(&user, "用户管理", "/admin/users", state.app.clock().today()),
        users: rows,
        organizations: orgs.into_iter().map(|o| o.name).collect(),
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
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
fn admin_form(user: &CurrentUser, body: &[u8], what: Administration) -> Result<Submitted, WebError> {
    require_admin(user, what)?;
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

fn roles_of(form: &Submitted) -> Vec<Role> {
    form.all("roles").into_iter().filter_map(Role::from_code).collect()
}

pub(super) async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = admin_form(&user, &body, Administration::ManageAccounts)?;
    let input = NewUserInput {
        username: form.one("username").unwrap_or_default().to_owned(),
        display_name: form.one("display_name").unwrap_or_default().to_owned(),
        organization: form.one("organization").unwrap_or_default().to_owned(),
        roles: roles_of(&form),
        password: form.all("password").first().map(|s| (*s).to_owned()).unwrap_or_default(),
        must_change_password: true,
    };
    answer(state.app.create_user(&user.session.actor, input).await, &user, &state, "新建用户", "/admin/users")
}

pub(super) async fn update_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = admin_form(&user, &body, Administration::ManageAccounts)?;
    let mut result = state
        .app
        .update_user(
            &user.session.actor,
            id,
            roles_of(&form),
            form.one("active").is_some(),
            form.all("password").first().copied(),
        )
        .await;
    if result.is_ok() && form.one("reset_second_factor").is_some() {
        result = state.app.reset_second_factor(&user.session.actor, id).await;
    }
    answer(result, &user, &state, "修改用户", "/admin/users")
}

#[derive(Template)]
#[template(path = "admin_organizations.html")]
struct OrganizationsPage {
    layout: Layout,
    organizations: Vec<(String, String, &'static str)>,
    jurisdictions: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
}

pub(super) async fn organizations(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    require_admin(&user, Administration::ManageOrganizations)?;
    let orgs = state.app.store().organizations().await.map_err(|e| WebError::Internal(e.to_string()))?;
    let policies = state.app.policies();
    Ok(render(&OrganizationsPage {
        layout: Layout::new(&user, "单位管理", "/admin/organizations", state.app.clock().today()),
        organizations: orgs
            .into_iter()
            .map(|o| {
                let kind = o
                    .owner_kind
                    .as_deref()
                    .and_then(OwnerKind::from_code)
                    .map_or("监管或服务部门", |k| k.label());
                let j = govit_rules::JurisdictionId::parse(o.jurisdiction.clone())
                    .map(|j| policies.name_of(&j))
                    .unwrap_or(o.jurisdiction);
                (o.name, j, kind)
            })
            .collect(),
        jurisdictions: policies.jurisdictions().map(|j| (j.jurisdiction.to_string(), j.name.clone())).collect(),
        kinds: OwnerKind::ALL
            .iter()
            .filter(|k| **k != OwnerKind::StateOwnedEnterprise)
            .map(|k| (k.code(), k.label()))
            .collect(),
    }))
}

pub(super) async fn create_organization(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = admin_form(&user, &body, Administration::ManageOrganizations)?;
    let input = NewOrganization {
        name: form.one("name").unwrap_or_default().to_owned(),
        jurisdiction: form.one("jurisdiction").unwrap_or_default().to_owned(),
        owner_kind: form.one("owner_kind").and_then(OwnerKind::from_code),
    };
    answer(
        state.app.create_organization(&user.session.actor, input).await,
        &user,
        &state,
        "新建单位",
        "/admin/organizations",
    )
}
