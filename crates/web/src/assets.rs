//! Static files compiled into the binary: one file to deploy, and nothing fetched from elsewhere.

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const FILES: &[(&str, &str, &[u8])] = &[
    ("govit.css", "text/css; charset=utf-8", include_bytes!("../static/govit.css")),
    ("govit.js", "text/javascript; charset=utf-8", include_bytes!("../static/govit.js")),
    ("htmx-2.0.11.min.js", "text/javascript; charset=utf-8", include_bytes!("../static/vendor/htmx-2.0.11.min.js")),
    (
        "swagger-ui-bundle-5.35.0.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/swagger-ui-bundle-5.35.0.js"),
    ),
    ("swagger-ui-5.35.0.css", "text/css; charset=utf-8", include_bytes!("../static/vendor/swagger-ui-5.35.0.css")),
    ("echarts-5.6.0.min.js", "text/javascript; charset=utf-8", include_bytes!("../static/vendor/echarts-5.6.0.min.js")),
];

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/static/{*file}", get(file))
}

async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, bytes)) => {
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, "未找到该文件").into_response(),
    }
}
