//! The HTTP client govit calls other systems with: the identity provider (single sign-on) and webhooks.

use std::time::Duration;

/// A client that follows no redirects (a redirect to somewhere else is refused, not followed) and gives up
/// after ten seconds.
pub(crate) fn client() -> Result<reqwest::Client, reqwest::Error> {
    // govit's TLS is rustls with ring. A build that also links aws-lc-rs (the browser tests' WebDriver client)
    // cannot choose between the two by itself, so ring is named; an earlier choice stands.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(10)).build()
}
