//! 动态口令: the user's second factor (TOTP). Turning it on shows a QR code and the secret once; a code from
//! the authenticator app confirms it. An approver or administrator of a server that requires it is sent here
//! from every other page until it is on.

use crate::AppState;
use crate::error::{SECOND_FACTOR_PAGE, WebError, render};
use crate::session::{CurrentUser, Posted};
use crate::view::Layout;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use govit_app::AppError;
use govit_app::second_factor::{Enrolment, SecondFactorStatus};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

#[derive(Template)]
#[template(path = "account_second_factor.html")]
struct SecondFactorPage {
    layout: Layout,
    status: SecondFactorStatus,
    /// The secret being enrolled, with its QR code as a `data:` address.
    enrolment: Option<(Enrolment, String)>,
    done: Option<&'static str>,
    errors: Vec<String>,
}

/// The `otpauth://` address as an SVG QR code in a `data:` address (the CSP allows `data:` images only).
fn qr_image(url: &str) -> Result<String, WebError> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| WebError::Internal(format!("QR code: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build();
    Ok(format!("data:image/svg+xml,{}", utf8_percent_encode(&svg, NON_ALPHANUMERIC)))
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    enrolment: Option<Enrolment>,
    done: Option<&'static str>,
    errors: Vec<String>,
) -> Result<Response, WebError> {
    // Read again: the page may follow a change made in this request.
    let row = state.app.store().user(user.session.user.id).await.map_err(AppError::from)?;
    let row = row.ok_or_else(|| WebError::NotFound("用户".to_owned()))?;
    let enrolment = match enrolment {
        Some(e) => {
            let image = qr_image(&e.url)?;
            Some((e, image))
        }
        None => None,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut response = render(&SecondFactorPage {
        layout: Layout::new(user, "动态口令", SECOND_FACTOR_PAGE, state.app.clock().today()),
        status: state.app.second_factor_status(&row),
        enrolment,
        done,
        errors,
    });
    *response.status_mut() = status;
    Ok(response)
}

pub(super) async fn form(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    page(&state, &user, None, None, Vec::new()).await
}

/// `step=begin` shows a new secret; `step=confirm` turns it on with a code; `step=disable` turns it off.
pub(super) async fn submit(State(state): State<AppState>, Posted { user, form }: Posted) -> Result<Response, WebError> {
    let id = user.session.user.id;
    let code = form.one("code").unwrap_or_default();
    let result = match form.one("step") {
        Some("begin") => {
            let enrolment = state.app.begin_second_factor(id).await;
            return match enrolment {
                Ok(e) => page(&state, &user, Some(e), None, Vec::new()).await,
                Err(AppError::Invalid { reason, .. }) => page(&state, &user, None, None, vec![reason]).await,
                Err(e) => Err(e.into()),
            };
        }
        Some("confirm") => state.app.confirm_second_factor(id, code).await.map(|()| "动态口令已启用,今后登录时须输入"),
        Some("disable") => state.app.disable_second_factor(id, code).await.map(|()| "动态口令已关闭"),
        _ => return Err(WebError::Invalid { field: "step".to_owned(), reason: "未知的操作".to_owned() }),
    };
    match result {
        Ok(_) if state.app.must_enrol_second_factor(&user.session.user) => Ok(Redirect::to("/").into_response()),
        Ok(done) => page(&state, &user, None, Some(done), Vec::new()).await,
        Err(AppError::Invalid { reason, .. }) => {
            page(&state, &user, None, None, vec![format!("动态口令:{reason}")]).await
        }
        Err(e) => Err(e.into()),
    }
}
