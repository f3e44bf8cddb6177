//! What a load balancer asks a node (docs/DEPLOY.md): `/healthz`, whether the process answers at all
//! (liveness: restart it if not), and `/readyz`, whether it can reach its database now and has built its
//! project index (readiness: send it requests only if so; a node just started builds the index in a second or
//! two at 100,000 projects, and no user's request should wait for that). Neither needs a session, and neither
//! says more than yes or no.

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
    if state.app.warming() {
        return (StatusCode::SERVICE_UNAVAILABLE, "building the project index");
    }
    match state.app.store().ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database cannot be reached");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
