//! Where reminders go besides the bell: e-mail over SMTP (lettre) and, optionally, a webhook that receives
//! each reminder as JSON signed with HMAC-SM3, so a receiving system (the city's OA, a messaging gateway) can
//! tell it came from govit.

use hmac::{KeyInit, Mac};
use lettre::message::header::ContentType;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde::Serialize;
use sm3::Sm3;

/// The header a webhook's signature travels in: `sm3=<hex of HMAC-SM3(key, body)>`.
pub const SIGNATURE_HEADER: &str = "X-Govit-Signature";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TlsMode {
    None,
    StartTls,
    Wrapper,
}

/// `url` with its password replaced, fit for messages and logs.
fn redacted(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

/// How reminders leave govit; neither is required (the bell always works).
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    mail: Option<Mail>,
    webhook: Option<Webhook>,
}

#[derive(Debug, Clone)]
struct Mail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

#[derive(Debug, Clone)]
struct Webhook {
    url: String,
    key: Vec<u8>,
    client: reqwest::Client,
}

/// A setting of delivery that cannot be used, with the option it came from.
#[derive(Debug, thiserror::Error)]
#[error("{option}:{reason}")]
pub struct DeliveryError {
    pub option: &'static str,
    pub reason: String,
}

impl Delivery {
    /// Mail through the SMTP relay at `url` from `from` (`govit <govit@example.gov.cn>`):
    /// - `smtp://host[:port]`: plain, for a relay inside the government network (port 25);
    /// - `smtp://host[:port]?tls=required`: STARTTLS, and nothing is sent if the relay does not offer it (587);
    /// - `smtps://host[:port]`: TLS from the first byte (465).
    ///
    /// `user:password@` before the host logs in, over TLS only. `ca_pem` adds a root certificate to trust
    /// besides the public ones (a government CA's), for the TLS forms only.
    pub fn with_mail(mut self, url: &str, from: &str, ca_pem: Option<&[u8]>) -> Result<Delivery, DeliveryError> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| DeliveryError { option: "--smtp-url", reason: format!("不是有效的网址:{e}") })?;
        let shown = redacted(&parsed);
        let bad = |reason: &str| DeliveryError { option: "--smtp-url", reason: format!("{shown} {reason}") };
        let tls = parsed.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let mode = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => TlsMode::None,
            ("smtp", Some("required")) => TlsMode::StartTls,
            ("smtps", None) => TlsMode::Wrapper,
            ("smtp", Some(other)) => return Err(bad(&format!("的 tls={other} 不受支持:只能是 tls=required"))),
            _ => return Err(bad("须为 smtp://主机[:端口]、smtp://主机[:端口]?tls=required 或 smtps://主机[:端口]")),
        };
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("缺少主机名"))?.to_owned();
        if parsed.password().is_some() && mode == TlsMode::None {
            return Err(bad("带有登录口令:口令只经TLS发送,请用 smtps:// 或 ?tls=required"));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| bad(&e.to_string()))?;
        if let Some(pem) = ca_pem {
            let tls_error = |e: lettre::transport::smtp::Error| DeliveryError {
                option: "--smtp-ca-file",
                reason: format!("无法使用该根证书:{e}"),
            };
            let certificates = CertificateDer::pem_slice_iter(pem).collect::<Result<Vec<_>, _>>();
            if certificates.as_ref().map_or(true, Vec::is_empty) {
                return Err(DeliveryError { option: "--smtp-ca-file", reason: "不是PEM格式的证书".to_owned() });
            }
            let root = Certificate::from_pem(pem).map_err(tls_error)?;
            let parameters = TlsParameters::builder(host).add_root_certificate(root).build().map_err(tls_error)?;
            builder = builder.tls(match mode {
                TlsMode::None => {
                    return Err(DeliveryError {
                        option: "--smtp-ca-file",
                        reason: "只用于TLS连接(smtps:// 或 ?tls=required)".to_owned(),
                    });
                }
                TlsMode::StartTls => Tls::Required(parameters),
                TlsMode::Wrapper => Tls::Wrapper(parameters),
            });
        }
        let from = from
            .parse()
            .map_err(|e| DeliveryError { option: "--mail-from", reason: format!("不是有效的发件地址:{e}") })?;
        self.mail = Some(Mail { transport: builder.build(), from });
        Ok(self)
    }

    /// Posts every reminder to `url`, signed with `key` (at least 16 bytes).
    pub fn with_webhook(mut self, url: &str, key: &[u8]) -> Result<Delivery, DeliveryError> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(DeliveryError {
                option: "--webhook-url", reason: "须以 http:// 或 https:// 开头".to_owned()
            });
        }
        if key.len() < 16 {
            return Err(DeliveryError { option: "--webhook-key", reason: "签名密钥至少16字节".to_owned() });
        }
        let client =
            crate::http::client().map_err(|e| DeliveryError { option: "--webhook-url", reason: e.to_string() })?;
        self.webhook = Some(Webhook { url: url.to_owned(), key: key.to_vec(), client });
        Ok(self)
    }

    pub fn mails(&self) -> bool {
        self.mail.is_some()
    }

    /// Sends one plain-text mail.
    pub(crate) async fn mail(&self, to: &str, subject: &str, body: &str) -> Result<bool, String> {
        let Some(mail) = &self.mail else { return Ok(false) };
        let to = to.parse().map_err(|e| format!("收件地址 {to} 无效:{e}"))?;
        let message = Message::builder()
            .from(mail.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| e.to_string())?;
        mail.transport.send(message).await.map_err(|e| format!("SMTP 发送失败:{e}"))?;
        Ok(true)
    }

    /// Posts `payload` to the webhook, if one is set.
    pub(crate) async fn post(&self, payload: &impl Serialize) -> Result<bool, String> {
        let Some(hook) = &self.webhook else { return Ok(false) };
        let body = serde_json::to_vec(payload).map_err(|e| e.to_string())?;
        let response = hook
            .client
            .post(&hook.url)
            .header("Content-Type", "application/json")
            .header(SIGNATURE_HEADER, signature(&hook.key, &body)?)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("Webhook 发送失败:{e}"))?;
        if !response.status().is_success() {
            return Err(format!("Webhook 返回 {}", response.status()));
        }
        Ok(true)
    }
}

/// `sm3=<hex of HMAC-SM3(key, body)>`: what a receiver recomputes with the shared key.
pub fn signature(key: &[u8], body: &[u8]) -> Result<String, String> {
    let mut mac = <hmac::Hmac<Sm3> as KeyInit>::new_from_slice(key).map_err(|e| e.to_string())?;
    mac.update(body);
    Ok(format!("sm3={}", hex::encode(mac.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_signature_is_hmac_sm3_of_the_body_as_openssl_computes_it() {
        let key = b"0123456789abcdef";
        let a = signature(key, b"{\"x\":1}").unwrap();
        assert!(a.starts_with("sm3=") && a.len() == 4 + 64, "{a}");
        assert_ne!(a, signature(b"0123456789abcdeg", b"{\"x\":1}").unwrap(), "another key, another signature");
        assert_ne!(a, signature(key, b"{\"x\":2}").unwrap(), "another body, another signature");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("body.json");
        std::fs::write(&file, b"{\"x\":1}").unwrap();
        let Ok(out) = std::process::Command::new("openssl")
            .args(["dgst", "-sm3", "-hmac", "0123456789abcdef", "-r"])
            .arg(&file)
            .output()
        else {
            eprintln!("openssl is not installed: HMAC-SM3 not cross-checked");
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.split_whitespace().next(), Some(&a[4..]), "openssl dgst -sm3 -hmac says {text}");
    }
}
