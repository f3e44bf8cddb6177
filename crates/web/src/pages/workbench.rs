//! 工作台: what I must act on now, deadlines in the next 30 days, what is overdue.

use crate::AppState;
use crate::error::{WebError, render};
use crate::session::CurrentUser;
use crate::view::Layout;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use govit_app::work::{UPCOMING_DAYS, WorkPage, Workbench};

#[derive(Template)]
#[template(path = "workbench.html")]
struct WorkbenchPage {
    layout: Layout,
    bench: Workbench,
    upcoming_days: i64,
    is_owner: bool,
}

pub(super) async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let today = state.app.clock().today();
    let bench = state.app.workbench(&user.session.actor, today, WorkPage::FIRST).await?;
    let layout = Layout::new(&user, "工作台", "/", today);
    Ok(render(&WorkbenchPage {
        layout,
        bench,
        upcoming_days: UPCOMING_DAYS,
        is_owner: user.session.role == govit_rules::Role::Owner,
    }))
}
