//! What a load balancer asks a node (docs/DEPLOY.md): `/healthz`, whether the process answers at all
//! (liveness: restart it if not), and `/readyz`, whether it can reach its database now (readiness: send it
//! requests only if so). Neither needs a session, and neither says more than yes or no.

use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(live)).route("/readyz", get(ready))
}

async fn live() -> &'static str {
    "ok"
}

async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.app.store().ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database cannot be reached");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
