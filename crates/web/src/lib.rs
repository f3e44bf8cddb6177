//! # govit-web
//!
//! The zh-CN web UI (server-rendered HTML, htmx) and the JSON API under `/api/v1`, both over the same
//! application layer as the CLI and the scenario runner. Every handler resolves the session to an actor and
//! calls [`govit_app::App`]; nothing here decides anything the rules decide.

mod api;
mod assets;
mod client;
mod download;
mod error;
mod forms;
mod health;
mod limits;
mod pages;
pub mod screens;
mod session;
mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use govit_app::App;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use limits::RateLimits;
pub use session::SESSION_COOKIE;

/// Request bodies larger than this are refused before a handler sees them.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The body limit of the upload routes only (`POST /documents`, `POST /api/v1/documents`): a document of
/// [`govit_app::documents::MAX_DOCUMENT_BYTES`] plus room for a multipart envelope. The application refuses
/// anything over the document limit itself, in Chinese.
pub const UPLOAD_BODY_LIMIT: usize = govit_app::documents::MAX_DOCUMENT_BYTES + 1024 * 1024;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: Arc<App>,
    /// What the public page and open-data exports show.
    pub open_data: Arc<govit_app::open_data::OpenDataConfig>,
}

/// Settings of the web front end that are the operator's to choose.
#[derive(Debug, Clone, Default)]
pub struct WebOptions {
    pub open_data: govit_app::open_data::OpenDataConfig,
    pub rate_limits: RateLimits,
    /// Send `Strict-Transport-Security` and mark the session cookie `Secure`: set when the site is reached over
    /// TLS (govit itself speaks plain HTTP behind the operator's TLS terminator, so only the operator knows).
    pub hsts: bool,
    /// The reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`client`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// The whole site: pages, API, static files, with the security layers around them.
pub fn router(app: Arc<App>) -> Router {
    router_with(app, WebOptions::default())
}

/// The site with the operator's options.
pub fn router_with(app: Arc<App>, options: WebOptions) -> Router {
    let limiters = limits::Limiters::new(options.rate_limits);
    let front = Arc::new(client::Front { hsts: options.hsts, trusted_proxies: options.trusted_proxies });
    let state = AppState { app, open_data: Arc::new(options.open_data) };
    let csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
               frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
    // Uploads get their own, larger body limit; everything else keeps BODY_LIMIT.
    let uploads = Router::new()
        .merge(pages::upload_routes())
        .nest("/api/v1", api::upload_routes())
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(UPLOAD_BODY_LIMIT));
    Router::new()
        .merge(pages::routes())
        .merge(health::routes())
        .nest("/api/v1", api::routes())
        .merge(assets::routes())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(uploads)
        .with_state(state)
        .layer(axum::middleware::from_fn(api::too_large_as_json))
        .layer(CsrfLayer::new())
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            options.hsts.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
        ))
        .layer(axum::middleware::from_fn(move |request, next| limits::limit(limiters.clone(), request, next)))
        .layer(axum::middleware::from_fn(move |request, next| client::identify(front.clone(), request, next)))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TraceLayer::new_for_http())
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(app, WebOptions::default(), listener, shutdown).await
}

/// [`serve`] with the operator's options.
pub async fn serve_with(
    app: Arc<App>,
    options: WebOptions,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The client's address is needed to limit logins per address.
    let service = router_with(app, options).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}
