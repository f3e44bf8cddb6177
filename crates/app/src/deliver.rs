//! Where reminders go besides the bell: e-mail over SMTP (lettre) and, optionally, a webhook that receives
//! each reminder as JSON signed with HMAC-SM3, so a receiving system (the city's OA, a messaging gateway) can
//! tell it came from govit.

use hmac::{KeyInit, Mac};
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;
use sm3::Sm3;

/// The header a webhook's signature travels in: `sm3=<hex of HMAC-SM3(key, body)>`.
pub const SIGNATURE_HEADER: &str = "X-Govit-Signature";

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
    /// Mail through the SMTP relay at `url` (`smtp://host:port`, port 25 by default) from `from`
    /// (`govit <govit@example.gov.cn>`). The relay is one inside the government network, reached without
    /// TLS; a relay that needs TLS or a login is not supported yet.
    pub fn with_mail(mut self, url: &str, from: &str) -> Result<Delivery, DeliveryError> {
        let bad = |reason: &str| DeliveryError { option: "--smtp-url", reason: format!("{url} {reason}") };
        let address = url.strip_prefix("smtp://").ok_or_else(|| bad("须为 smtp://主机[:端口]"))?;
        let address = address.trim_end_matches('/');
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad("的端口不是数字"))?),
            None => (address, 25),
        };
        if host.is_empty() {
            return Err(bad("缺少主机名"));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build();
        let from = from
            .parse()
            .map_err(|e| DeliveryError { option: "--mail-from", reason: format!("不是有效的发件地址:{e}") })?;
        self.mail = Some(Mail { transport, from });
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
