//! Commands: every action of the regulation through one endpoint, decided by the rules.

use super::{ApiError, ApiUser, parse_body};
use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use govit_app::{CommandRequest, Executed};
use govit_rules::command::{Action, Target};
use govit_rules::{Command, Rejection};
use govit_store::RequestKey;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandBody {
    #[serde(rename = "do")]
    action: String,
    #[serde(default)]
    with: serde_json::Map<String, Value>,
    /// A client's id for the request; a retry with the same id changes nothing and returns the first outcome.
    #[serde(default)]
    request_id: Option<String>,
    /// Documents the action used: SM3 digests returned by `POST /api/v1/documents`.
    #[serde(default)]
    attachments: Vec<String>,
}

pub(super) async fn command(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let mut body: CommandBody = parse_body(&headers, &body)?;
    let request_id = body
        .request_id
        .take()
        .or_else(|| headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned));
    if let Some(id) = &request_id
        && (id.is_empty() || id.len() > 128)
    {
        return Err(ApiError::invalid("request_id", "须为1到128个字符"));
    }
    // The id is this account's: another account's same id is another request (issue 17).
    let request_id = request_id.map(|id| RequestKey::account(user.session.user.id, id));
    let action = Action::from_code(&body.action)
        .ok_or_else(|| ApiError::invalid("do", format!("没有名为“{}”的事项", body.action)))?;
    // As on the page, an owner registers for its own organisation, of the kind on record, in its own
    // jurisdiction [2][9]: a request that states others is refused with the field named.
    let with = std::mem::take(&mut body.with);
    let command = state.app.draft(action, with, &user.session).await?.map_err(ApiError::drafted)?;
    // Acting on a project one may not see answers as reading it does: 404, naming neither owner nor power.
    if let Target::Project(id) = command.target() {
        state.app.visible_project(&user.session.actor, id).await?;
    }
    if let Command::MergeProposals { merged, .. } = &command {
        for id in merged {
            state.app.visible_project(&user.session.actor, id).await?;
        }
    }
    let today = state.app.clock().today();
    let attachments = std::mem::take(&mut body.attachments);
    let executed = state
        .app
        .execute(CommandRequest { actor: user.session.actor.clone(), on: today, command, request_id, attachments })
        .await?;
    Ok(match executed {
        Executed::Done { project, events, warnings, replayed } => Json(json!({
            "outcome": "done",
            "project": project,
            "events": events,
            "warnings": warnings,
            "replayed": replayed,
        }))
        .into_response(),
        Executed::Rejected { rejection: Rejection::Refused(r) } => ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({ "code": "refused", "message": r.to_string(), "articles": r.articles(), "reasons": r.reasons }),
        }
        .into_response(),
        Executed::Rejected { rejection: Rejection::Forbidden(f) } => ApiError::new(StatusCode::FORBIDDEN, "forbidden", f.message).into_response(),
    })
}
