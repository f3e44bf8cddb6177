//! Rate limits (GB/T 22239-2019 level 3, 入侵防范 and 资源控制): logins per client address, and API requests
//! per session. An over-eager client gets `429` with `Retry-After`, in Chinese; nothing is done for it.
//!
//! Login is limited by address because the lockout ([`govit_app::accounts::MAX_FAILED_LOGINS`]) already
//! limits guesses per account; the address limit stops one client from locking out many accounts or trying a
//! password across them. The API limit is per session (the cookie's token) so that one busy user does not
//! starve the others; requests without a session count against their address.

use crate::session::token_in;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::num::NonZeroU32;
use std::sync::Arc;

/// How many requests of each kind are allowed: a burst, refilled at a steady rate per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Login attempts per client address: burst and per minute.
    pub logins_per_minute: NonZeroU32,
    /// API requests per session: burst and per minute.
    pub api_per_minute: NonZeroU32,
}

impl Default for RateLimits {
    /// 30 logins a minute from one address; 3,000 API requests a minute (50 a second) per session.
    fn default() -> RateLimits {
        RateLimits {
            logins_per_minute: NonZeroU32::MIN.saturating_add(29),
            api_per_minute: NonZeroU32::MIN.saturating_add(2999),
        }
    }
}

/// The limiters of one running site.
#[derive(Debug)]
pub(crate) struct Limiters {
    login: DefaultKeyedRateLimiter<String>,
    api: DefaultKeyedRateLimiter<String>,
}

impl Limiters {
    pub(crate) fn new(limits: RateLimits) -> Arc<Limiters> {
        Arc::new(Limiters {
            login: DefaultKeyedRateLimiter::keyed(Quota::per_minute(limits.logins_per_minute)),
            api: DefaultKeyedRateLimiter::keyed(Quota::per_minute(limits.api_per_minute)),
        })
    }
}

fn address(request: &Request) -> String {
    crate::client::client_in(request.extensions()).address
}

/// The middleware: which limiter a request falls under, if any, and its verdict.
pub(crate) async fn limit(limiters: Arc<Limiters>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let login = (request.method() == Method::POST && (path == "/login" || path == "/api/v1/session"))
        || path.starts_with("/login/sso");
    let verdict = if login {
        limiters.login.check_key(&address(&request)).map_err(|n| (n, "登录尝试过于频繁"))
    } else if path.starts_with("/api/") {
        let key = token_in(request.headers()).map_or_else(|| address(&request), |t| format!("session:{t}"));
        limiters.api.check_key(&key).map_err(|n| (n, "接口请求过于频繁"))
    } else {
        Ok(())
    };
    // Forget keys that have been quiet long enough to be full again, so memory stays bounded.
    if limiters.api.len() > 10_000 {
        limiters.api.retain_recent();
        limiters.login.retain_recent();
    }
    match verdict {
        Ok(()) => next.run(request).await,
        Err((not_until, what)) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1);
            tracing::warn!(path, wait, "rate limited");
            too_many(path.starts_with("/api/"), what, wait)
        }
    }
}

fn too_many(api: bool, what: &str, wait: u64) -> Response {
    let message = format!("{what},请{wait}秒后再试");
    let retry = HeaderValue::from_str(&wait.to_string()).unwrap_or_else(|_| HeaderValue::from_static("60"));
    let mut response = if api {
        axum::Json(serde_json::json!({ "code": "rate_limited", "message": message, "articles": [] })).into_response()
    } else {
        ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], message).into_response()
    };
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response.headers_mut().insert(header::RETRY_AFTER, retry);
    response
}
