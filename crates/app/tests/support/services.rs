//! Real services the tests start for themselves: an SMTP server (Python's aiosmtpd) and an OpenID provider
//! (Node's oidc-provider). Shared by the app and web tests (`#[path]`). When one cannot be started here, the
//! test says so loudly and skips; under `CI=true` that is a failure.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// This folder, from either crate.
fn support_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/tests/support"))
}

/// Skips the calling test loudly, or fails it under CI.
fn missing(message: &str) {
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("SKIPPED: {message}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A child process whose output lines are read on a thread; killed when dropped.
struct Service {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Service {
    /// Starts `command` and waits for it to print `ready`.
    fn start(mut command: Command, what: &str) -> Service {
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap_or_else(|e| panic!("{what} starts: {e}"));
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let ready = lines.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|e| panic!("{what} starts: {e}"));
        assert_eq!(ready, "ready", "{what}");
        Service { child, lines }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// aiosmtpd on a free port, its messages read from its output.
pub struct SmtpSink {
    service: Service,
    pub port: u16,
}

impl SmtpSink {
    /// `None` (said loudly) when Python's aiosmtpd is missing.
    pub fn start() -> Option<SmtpSink> {
        SmtpSink::start_with(&[])
    }

    /// A sink that requires STARTTLS with the certificate and key of `tls` and then a login as `user` with
    /// `password`.
    pub fn start_tls(tls: &TestCertificates, user: &str, password: &str) -> Option<SmtpSink> {
        let files = [&tls.leaf, &tls.leaf_key].map(|p| p.display().to_string());
        SmtpSink::start_with(&[&files[0], &files[1], user, password])
    }

    fn start_with(extra: &[&str]) -> Option<SmtpSink> {
        let available = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !available {
            missing("aiosmtpd is missing (python3 -m pip install aiosmtpd): the SMTP test did not run");
            return None;
        }
        let port = free_port();
        let mut command = Command::new("python3");
        command.arg(support_dir().join("smtp_sink.py")).arg(port.to_string()).args(extra);
        Some(SmtpSink { service: Service::start(command, "the SMTP sink"), port })
    }

    /// The next `n` messages, each as JSON (`mail_from`, `rcpt_to`, `subject`, `body`).
    pub fn messages(&self, n: usize) -> Vec<serde_json::Value> {
        (0..n)
            .map(|_| {
                let line = self.service.lines.recv_timeout(Duration::from_secs(30)).unwrap();
                serde_json::from_str(&line).unwrap()
            })
            .collect()
    }
}

/// A test CA and a server certificate it signed for 127.0.0.1, made with the openssl command line.
pub struct TestCertificates {
    _dir: tempfile::TempDir,
    pub ca: PathBuf,
    pub leaf: PathBuf,
    pub leaf_key: PathBuf,
}

impl TestCertificates {
    pub fn new() -> TestCertificates {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl").args(args).current_dir(dir.path()).output().expect("openssl runs");
            assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        let ca = ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=govit test CA"];
        openssl(&[&["req", "-x509"][..], &ec, &ca].concat());
        openssl(&[&["req"][..], &ec, &["-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1"]].concat());
        std::fs::write(
            at("leaf.ext"),
            "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ]);
        TestCertificates { ca: at("ca.pem"), leaf: at("leaf.pem"), leaf_key: at("leaf.key"), _dir: dir }
    }
}

/// The OpenID provider of `support/oidc/provider.mjs` on a free port, with one client, `govit`.
pub struct OidcProvider {
    _service: Service,
    pub issuer: String,
    pub client_secret: String,
}

impl OidcProvider {
    /// `None` (said loudly) when Node.js or the npm package is missing (`npm ci --prefix
    /// crates/app/tests/support/oidc`).
    pub fn start(redirect_uri: &str) -> Option<OidcProvider> {
        let dir = support_dir().join("oidc");
        let node = Command::new("node").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
        if !node || !dir.join("node_modules/oidc-provider").is_dir() {
            missing(
                "Node.js or oidc-provider is missing (npm ci --prefix crates/app/tests/support/oidc): \
                 the single sign-on test did not run",
            );
            return None;
        }
        let port = free_port();
        let client_secret = "govit-test-client-secret".to_owned();
        let mut command = Command::new("node");
        command
            .current_dir(&dir)
            .arg("provider.mjs")
            .arg(port.to_string())
            .arg(redirect_uri)
            .arg(&client_secret)
            .stderr(Stdio::null());
        let service = Service::start(command, "the OpenID provider");
        Some(OidcProvider { _service: service, issuer: format!("http://127.0.0.1:{port}"), client_secret })
    }

    /// A configuration for this provider: user names from `preferred_username`, organisation from `org`,
    /// roles from `govit_roles`, accounts provisioned. The client secret is written to `dir`.
    pub fn config(&self, dir: &std::path::Path, redirect_uri: &str) -> govit_app::sso::SsoConfig {
        let secret = dir.join("sso-client-secret");
        std::fs::write(&secret, &self.client_secret).unwrap();
        let yaml = format!(
            "issuer: {}\nclient_id: govit\nclient_secret_file: {}\nredirect_url: {redirect_uri}\n\
             label: 武汉市统一身份认证平台\nscopes: [profile, email, govit]\nprovision: true\n\
             claims:\n  organization: org\n  roles: govit_roles\n",
            self.issuer,
            secret.display()
        );
        let file = dir.join("sso.yaml");
        std::fs::write(&file, yaml).unwrap();
        govit_app::sso::SsoConfig::load(&file).unwrap()
    }

    /// Logs `login` in at the provider's own login form (over HTTP, with its cookies), following its
    /// redirects until it sends the browser back to `redirect_uri`; returns the `code` and `state` there.
    pub async fn log_in(&self, start_url: &str, login: &str, redirect_uri: &str) -> (String, String) {
        let http =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let base = reqwest::Url::parse(start_url).unwrap();
        let mut url = base.clone();
        let mut posted = false;
        for _ in 0..10 {
            let response = http.get(url.clone()).send().await.unwrap();
            if let Some(location) = response.headers().get("location") {
                url = base.join(location.to_str().unwrap()).unwrap();
                if url.as_str().starts_with(redirect_uri) {
                    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
                    return (q["code"].clone(), q["state"].clone());
                }
                continue;
            }
            let page = response.text().await.unwrap();
            assert!(!posted && page.contains("name=\"login\""), "the provider's login form: {page}");
            let action = page.split("action=\"").nth(1).unwrap().split('"').next().unwrap();
            let submitted = http
                .post(base.join(action).unwrap())
                .form(&[("prompt", "login"), ("login", login), ("password", "any password")])
                .send()
                .await
                .unwrap();
            url = base.join(submitted.headers()["location"].to_str().unwrap()).unwrap();
            posted = true;
        }
        panic!("the provider did not send the browser back");
    }
}
