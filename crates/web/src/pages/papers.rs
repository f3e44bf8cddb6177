//! `GET /projects/{id}/paper/{seq}`: the 批复 or 备案回执 an event of the project stands for, as PDF.

use crate::AppState;
use crate::download::attachment;
use crate::error::WebError;
use crate::session::CurrentUser;
use axum::extract::{Path, State};
use axum::response::Response;
use govit_papers::{self as paper, PaperError};
use govit_rules::ProjectId;

pub(crate) async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, seq)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let id = ProjectId::parse(id).map_err(|e| WebError::NotFound(e.into()))?;
    let paper = paper::print(&state.app, &user.session.actor, &id, seq).await.map_err(|e| match e {
        PaperError::App(e) => WebError::from(e),
        PaperError::NoPaper { .. } => WebError::NotFound(format!("第{seq}号记录对应的公文")),
        e => {
            tracing::error!(error = %e, project = %id, seq, "paper could not be typeset");
            WebError::Internal(e.to_string())
        }
    })?;
    Ok(attachment("application/pdf", &paper.filename, paper.bytes))
}
