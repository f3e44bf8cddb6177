//! Who is on the other end of a request: the client's address and whether it reached the site over HTTPS.
//!
//! govit speaks plain HTTP behind the operator's TLS terminator or reverse proxy. Only a proxy the operator
//! names (`govit serve --trusted-proxy ADDRESS`) is believed about the client: its `X-Forwarded-For` gives the
//! address (the right-most one that is not itself a trusted proxy, since a client can write anything to the
//! left), and its `X-Forwarded-Proto: https` marks the session cookie `Secure`. From anyone else these headers
//! are ignored: a client that sends them directly can neither choose the address its failed logins are counted
//! against nor anything else.

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The client of a request, as the site may believe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Client {
    /// The client's address (`unknown` where the site was served without connection info).
    pub address: String,
    /// Reached over HTTPS: the site is (`--hsts`), or a trusted proxy says so for this request.
    pub https: bool,
}

/// What the operator said of the site's front: whether it is HTTPS, and which proxies to believe.
#[derive(Debug, Clone, Default)]
pub(crate) struct Front {
    pub hsts: bool,
    pub trusted_proxies: Vec<IpAddr>,
}

impl Front {
    /// The client of a request from `peer` with `headers`.
    pub(crate) fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Client {
        let Some(peer) = peer else { return Client { address: "unknown".to_owned(), https: self.hsts } };
        if !self.trusted_proxies.contains(&peer) {
            return Client { address: peer.to_string(), https: self.hsts };
        }
        let entries: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        // From the right: each trusted proxy appended the address it saw. The first untrusted one is the
        // client; what lies to its left the client wrote itself. An entry that is no address ends the walk at
        // the last hop that could be read.
        let mut address = peer;
        for entry in entries.iter().rev() {
            match entry.trim().parse::<IpAddr>() {
                Ok(hop) if self.trusted_proxies.contains(&hop) => address = hop,
                Ok(client) => {
                    address = client;
                    break;
                }
                Err(_) => break,
            }
        }
        let proto = headers.get_all("x-forwarded-proto").iter().filter_map(|v| v.to_str().ok()).next_back();
        let https = self.hsts || proto.is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
        Client { address: address.to_string(), https }
    }
}

/// The middleware that works out the client once, for the limits and the handlers.
pub(crate) async fn identify(front: Arc<Front>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let client = front.client(peer, request.headers());
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// The client of a request that went through [`identify`].
pub(crate) fn client_in(extensions: &axum::http::Extensions) -> Client {
    extensions.get::<Client>().cloned().unwrap_or_else(|| Client { address: "unknown".to_owned(), https: false })
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(client_in(&parts.extensions))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    const PROXY: &str = "10.0.0.2";

    fn front() -> Front {
        Front { hsts: false, trusted_proxies: vec![PROXY.parse().unwrap()] }
    }

    #[test]
    fn a_trusted_proxy_is_believed_about_the_client_and_its_scheme() {
        let h = headers(&[("x-forwarded-for", "203.0.113.7"), ("x-forwarded-proto", "https")]);
        let c = front().client(Some(PROXY.parse().unwrap()), &h);
        assert_eq!(c, Client { address: "203.0.113.7".to_owned(), https: true });
    }

    #[test]
    fn anyone_else_sending_the_same_headers_is_not() {
        let h = headers(&[("x-forwarded-for", "203.0.113.7"), ("x-forwarded-proto", "https")]);
        let c = front().client(Some("198.51.100.9".parse().unwrap()), &h);
        assert_eq!(c, Client { address: "198.51.100.9".to_owned(), https: false });
    }

    #[test]
    fn an_address_a_client_wrote_to_the_left_of_the_proxys_own_is_not_taken() {
        // The client sent `X-Forwarded-For: 1.2.3.4`; the proxy appended the address it saw.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7")]);
        let c = front().client(Some(PROXY.parse().unwrap()), &h);
        assert_eq!(c.address, "203.0.113.7");
        let garbage = headers(&[("x-forwarded-for", "not-an-address")]);
        assert_eq!(front().client(Some(PROXY.parse().unwrap()), &garbage).address, PROXY, "nothing usable: the proxy");
        // Garbage written to the left does not hide the address the proxy appended.
        let hiding = headers(&[("x-forwarded-for", "x, 203.0.113.7")]);
        assert_eq!(front().client(Some(PROXY.parse().unwrap()), &hiding).address, "203.0.113.7");
    }

    #[test]
    fn with_hsts_every_request_is_https() {
        let front = Front { hsts: true, trusted_proxies: Vec::new() };
        assert!(front.client(Some("198.51.100.9".parse().unwrap()), &HeaderMap::new()).https);
    }
}
