//! `govit remind` (for cron) and the reminder scheduler inside `govit serve`: the 电子监察 cards of the day
//! (`govit_app::cards`), deadlines due in 30, 7 and 1 day(s) and overdue ones, and supervisors' daily
//! digests (`govit_app::remind`).

use anyhow::{Context, Result};
use clap::Args;
use govit_app::App;
use govit_app::deliver::Delivery;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Where reminders go besides the bell.
#[derive(Debug, Clone, Args)]
pub struct DeliveryArgs {
    /// SMTP relay for reminder mail: `smtp://host[:port]` (plain, a relay inside the network),
    /// `smtp://host[:port]?tls=required` (STARTTLS) or `smtps://host[:port]`; `user:password@` before the host
    /// logs in (TLS only; keep it in GOVIT_SMTP_URL rather than on the command line). None, no mail.
    #[arg(long, env = "GOVIT_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// A root certificate (PEM) to trust for the relay's TLS besides the public ones (a government CA's).
    #[arg(long)]
    pub smtp_ca_file: Option<PathBuf>,
    /// Sender of reminder mail.
    #[arg(long, default_value = "govit <govit@localhost>")]
    pub mail_from: String,
    /// URL each reminder is posted to as JSON, signed with HMAC-SM3 in the X-Govit-Signature header.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// File holding the webhook's signing key (at least 16 bytes); required with --webhook-url.
    #[arg(long)]
    pub webhook_key_file: Option<PathBuf>,
}

impl DeliveryArgs {
    pub fn delivery(&self) -> Result<Delivery> {
        let mut delivery = Delivery::default();
        if let Some(url) = &self.smtp_url {
            let ca = match &self.smtp_ca_file {
                Some(file) => {
                    Some(std::fs::read(file).with_context(|| format!("无法读取根证书文件 {}", file.display()))?)
                }
                None => None,
            };
            delivery = delivery.with_mail(url, &self.mail_from, ca.as_deref())?;
        }
        if let Some(url) = &self.webhook_url {
            let file = self.webhook_key_file.as_ref().context("--webhook-url 需要同时给出 --webhook-key-file")?;
            let key = std::fs::read(file).with_context(|| format!("无法读取签名密钥文件 {}", file.display()))?;
            delivery = delivery.with_webhook(url, trim_newline(&key))?;
        }
        Ok(delivery)
    }
}

/// A key file written by `echo` ends in a newline that is not part of the key.
fn trim_newline(key: &[u8]) -> &[u8] {
    key.strip_suffix(b"\n").map_or(key, |k| k.strip_suffix(b"\r").unwrap_or(k))
}

/// Runs once: what cron calls. Exit 1 when a mail or webhook failed (the reminders are recorded anyway).
pub async fn once(data: &Path, on: Option<govit_rules::Date>, delivery: &DeliveryArgs) -> Result<ExitCode> {
    let delivery = delivery.delivery()?;
    let app = crate::audit::open(data).await?;
    let on = on.unwrap_or_else(|| app.clock().today());
    let report = app.remind(on, &delivery).await?;
    app.store().close().await;
    let cards = &report.cards;
    println!(
        "{on}:电子监察亮黄牌 {} 张、红牌 {} 张、销牌 {} 张;新发提醒 {} 条、逾期日报 {} 份,站内通知 {} 条,邮件 {} 封,Webhook {} 次",
        cards.yellow,
        cards.red,
        cards.cleared,
        report.reminders,
        report.digests,
        report.notifications,
        report.mails,
        report.webhooks
    );
    for failure in &report.failures {
        eprintln!("未送达:{failure}");
    }
    Ok(if report.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The server's scheduler: reminds a minute after start (the server is serving by then) and then every
/// `every`; a failed run is logged and tried again at the next tick (what was not recorded as sent is sent
/// then).
pub async fn scheduler(app: Arc<App>, delivery: Delivery, every: Duration) {
    let every = every.max(Duration::from_secs(60));
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + Duration::from_secs(60), every);
    loop {
        tick.tick().await;
        // Every node may run the scheduler; only the one leading sends (each reminder is recorded once anyway).
        if !crate::serve::leads(&app).await {
            continue;
        }
        let today = app.clock().today();
        if let Err(e) = app.remind(today, &delivery).await {
            tracing::error!(error = %e, "reminders failed");
        }
    }
}
