//! The HTTP client govit calls other systems with: the identity provider (single sign-on) and webhooks.

use std::time::Duration;

/// A client that follows no redirects (a redirect to somewhere else is refused, not followed) and gives up
/// after ten seconds. Its TLS is rustls with ring, reqwest's own choice.
pub(crate) fn client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(10)).build()
}
