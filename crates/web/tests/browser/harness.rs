//! The harness: find the programs, start chromedriver and Chromium, drive pages, screenshot failures, stop
//! everything.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::future::Future;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) type Error = Box<dyn std::error::Error + Send + Sync>;
pub(crate) type Res<T = ()> = Result<T, Error>;

/// How long any one element, page or dialog is waited for.
pub(crate) const WAIT: Duration = Duration::from_secs(10);
/// How long chromedriver may take to answer `GET /status`.
pub(crate) const DRIVER_START: Duration = Duration::from_secs(15);

pub(crate) fn ensure(ok: bool, message: impl FnOnce() -> String) -> Res {
    if ok { Ok(()) } else { Err(message().into()) }
}

// ------------------------------------------------------------------------------------------------------------
// The harness: find the programs, start chromedriver and Chromium, screenshot failures, stop everything.

/// The program named by `env`, or `default`, if it exists.
pub(crate) fn program(env: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env).filter(|v| !v.is_empty()).map_or_else(|| PathBuf::from(default), PathBuf::from);
    path.is_file().then_some(path)
}

/// chromedriver and Chromium, or `None` (after a loud message) when either is missing outside CI.
pub(crate) fn programs() -> Option<(PathBuf, PathBuf)> {
    if let (Some(driver), Some(chromium)) =
        (program("CHROMEDRIVER", "/usr/bin/chromedriver"), program("CHROMIUM", "/usr/bin/chromium"))
    {
        return Some((driver, chromium));
    }
    let need = "browser tests need chromium and chromium-driver (apt-get install chromium chromium-driver)";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("FAILED: {need}; with CI=true a missing browser is a failure, not a skip");
    }
    let message = format!("SKIPPED: {need}");
    eprintln!("\n{bar}\n{message}\n{bar}\n", bar = "*".repeat(message.len()));
    None
}

/// chromedriver, leading its own process group (so the Chromium it starts goes with it); killed on drop.
pub(crate) struct Driver {
    child: Child,
    log: PathBuf,
}

impl Driver {
    pub(crate) fn start(program: &Path, log: PathBuf) -> (Driver, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).unwrap().port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        (Driver { child, log }, format!("http://127.0.0.1:{port}"))
    }

    /// Polls `GET /status` until chromedriver says it is ready, for at most [`DRIVER_START`].
    pub(crate) async fn wait_ready(&mut self, url: &str) {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
        let started = Instant::now();
        while started.elapsed() < DRIVER_START {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited at start ({status}); its log:\n{}", self.log_tail());
            }
            if let Ok(r) = http.get(format!("{url}/status")).send().await
                && let Ok(body) = r.json::<Value>().await
                && body["value"]["ready"] == true
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not answer {url}/status within {DRIVER_START:?}; its log:\n{}", self.log_tail());
    }

    pub(crate) fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any Chromium left behind by a failed test.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session against one server, for one test.
/// The window sizes screenshots are taken at: a desktop, and a phone (an iPhone 12's CSS pixels).
pub(crate) const DESKTOP: (u32, u32) = (1400, 1000);
pub(crate) const PHONE: (u32, u32) = (390, 844);

pub(crate) struct Browser {
    pub(crate) client: Client,
    pub(crate) base: String,
    test: &'static str,
    started: Instant,
    // Dropped in this order: the driver (and its browser) before the profile they used.
    _driver: Driver,
    pub(crate) _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium for `test` against `base`; `None` when they are not installed.
    pub(crate) async fn start(test: &'static str, base: &str) -> Option<Browser> {
        let (driver_program, chromium) = programs()?;
        let started = Instant::now();
        let profile = tempfile::tempdir().unwrap();
        let (mut driver, url) = Driver::start(&driver_program, profile.path().join("chromedriver.log"));
        driver.wait_ready(&url).await;
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-default-apps",
            "--window-size=1400,1000",
        ]
        .iter()
        .map(|a| (*a).to_owned())
        .chain([format!("--user-data-dir={}", profile.path().join("chromium").display())])
        .collect::<Vec<_>>();
        let capabilities = json!({
            "browserName": "chrome",
            "timeouts": { "pageLoad": 30_000, "script": 10_000, "implicit": 0 },
            "goog:chromeOptions": { "binary": chromium, "args": args, "prefs": {
                "download.default_directory": profile.path().join("downloads"),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
                "safebrowsing.enabled": false,
            } },
        });
        let Value::Object(capabilities) = capabilities else { unreachable!() };
        // This binary links rustls with both ring (reqwest, govit's) and aws-lc-rs (the WebDriver client's), so
        // rustls cannot choose by itself; the driver is reached over plain HTTP on loopback either way. (rustls
        // 0.23.48 deprecates the ring provider for its lack of post-quantum key exchange, not for a flaw.)
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("TLS roots for the WebDriver client")
            .capabilities(capabilities)
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot start Chromium through chromedriver: {e}; log:\n{}", driver.log_tail()));
        eprintln!("[{test}] browser ready in {:?}", started.elapsed());
        Some(Browser { client, base: base.to_owned(), test, started, _driver: driver, _profile: profile })
    }

    /// Runs one step; on failure saves a screenshot, names the step and the page, and fails the test.
    pub(crate) async fn step<T>(&self, name: &str, work: impl Future<Output = Res<T>>) -> T {
        let started = Instant::now();
        match work.await {
            Ok(value) => {
                eprintln!("[{}] ok   {name} ({:?})", self.test, started.elapsed());
                value
            }
            Err(e) => {
                let shot = self.screenshot(name).await;
                let url = self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
                let notices = self.notices().await;
                let _ = self.client.clone().close().await;
                panic!(
                    "browser test `{}` failed at step `{name}`: {e}\n  page: {url}\n  notices on the page: {notices}\n  \
                     screenshot: {shot}",
                    self.test
                );
            }
        }
    }

    /// Saves the page as `target/browser-screenshots/<test>-<step>.png`; returns the path (or why not).
    pub(crate) async fn screenshot(&self, step: &str) -> String {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"), PathBuf::from);
        let dir = target.join("browser-screenshots");
        let slug: String = step.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let path = dir.join(format!("{}-{slug}.png", self.test));
        let saved = match self.client.screenshot().await {
            Ok(png) => {
                std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, png)).map_err(|e| e.to_string())
            }
            Err(e) => Err(e.to_string()),
        };
        match saved {
            Ok(()) => {
                let shown = path.canonicalize().unwrap_or(path);
                eprintln!("[{}] screenshot saved: {}", self.test, shown.display());
                shown.display().to_string()
            }
            Err(e) => format!("(no screenshot: {e})"),
        }
    }

    /// Runs axe-core (WCAG 2 A and AA rules) on the page as it stands and fails on any violation, naming each
    /// rule, its impact and the first elements it found. axe-core comes from the npm registry
    /// (`npm ci --prefix crates/web/tests/support/axe`); without it the check is skipped loudly, and under
    /// CI=true that is a failure.
    pub(crate) async fn axe(&self, step: &str) -> Res {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/axe/node_modules/axe-core/axe.min.js");
        let Ok(source) = std::fs::read_to_string(&script) else {
            let need = "the accessibility check needs axe-core (npm ci --prefix crates/web/tests/support/axe)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                return Err(format!("FAILED: {need}; with CI=true a missing axe-core is a failure").into());
            }
            eprintln!("[{}] SKIPPED axe at {step}: {need}", self.test);
            return Ok(());
        };
        self.client.execute(&source, vec![]).await?;
        let run = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
              .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` +
                  v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
              .catch(e => done([`axe failed: ${e}`]));
        "#;
        let found = self.client.execute_async(run, vec![]).await?;
        let violations: Vec<String> = serde_json::from_value(found)?;
        eprintln!("[{}] axe at {step}: {} violation(s)", self.test, violations.len());
        ensure(violations.is_empty(), || format!("axe-core found on {step}:\n  {}", violations.join("\n  ")))
    }

    /// The texts of the outcome notice, error notices and field errors on the page, for a failure message.
    pub(crate) async fn notices(&self) -> String {
        let Ok(found) = self.client.find_all(Locator::Css("#outcome, .notice-error, .field-error")).await else {
            return String::new();
        };
        let mut texts = Vec::new();
        for e in found {
            texts.push(e.text().await.unwrap_or_default().replace('\n', " "));
        }
        if texts.is_empty() { "(none)".to_owned() } else { texts.join(" | ") }
    }

    /// Ends the session (and Chromium) and reports the time taken.
    pub(crate) async fn finish(self) {
        let _ = self.client.clone().close().await;
        eprintln!("[{}] done in {:?}", self.test, self.started.elapsed());
    }

    // --------------------------------------------------------------------------------------------------------
    // What a person does: the helpers every step shares.

    pub(crate) async fn goto(&self, path: &str) -> Res {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// The path (and query) of the page shown.
    pub(crate) async fn path(&self) -> Res<String> {
        let url = self.client.current_url().await?;
        Ok(format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default()))
    }

    /// The first element matching `css`, waited for.
    pub(crate) async fn find(&self, css: &str) -> Res<Element> {
        let url = self.path().await.unwrap_or_default();
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("no element `{css}` on {url} within {WAIT:?}: {e}").into())
    }

    /// How many elements match `css` now (no waiting).
    pub(crate) async fn count(&self, css: &str) -> Res<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    pub(crate) async fn text(&self, css: &str) -> Res<String> {
        Ok(self.find(css).await?.text().await?)
    }

    pub(crate) async fn expect_text(&self, css: &str, wanted: &[&str]) -> Res {
        let text = self.text(css).await?;
        let missing: Vec<&&str> = wanted.iter().filter(|w| !text.contains(**w)).collect();
        ensure(missing.is_empty(), || format!("`{css}` lacks {missing:?}; it reads: {text}"))
    }

    /// Marks the page shown, so that [`Browser::wait_new_page`] can tell when another has replaced it.
    pub(crate) async fn mark_page(&self) -> Res {
        self.client.execute("window.__govitPrevious = true;", Vec::new()).await?;
        Ok(())
    }

    /// Waits until the marked page has been replaced by a new, fully loaded one (a new document has a new
    /// `window`, without the mark). Errors while the pages change over are retried until [`WAIT`].
    pub(crate) async fn wait_new_page(&self) -> Res {
        let started = Instant::now();
        let probe = "return !window.__govitPrevious && document.readyState === 'complete';";
        loop {
            let last = match self.client.execute(probe, Vec::new()).await {
                Ok(Value::Bool(true)) => return Ok(()),
                Ok(_) => "the page is still the old one, or still loading".to_owned(),
                Err(e) => e.to_string(),
            };
            ensure(started.elapsed() < WAIT, || format!("no new page within {WAIT:?}: {last}"))?;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks what `css` matches and waits for the page it leads to.
    pub(crate) async fn click(&self, css: &str) -> Res {
        let target = self.find(css).await?;
        self.mark_page().await?;
        target.click().await?;
        self.wait_new_page().await
    }

    /// Clicks what `css` matches, accepts the confirmation dialog it opens (its question must contain `asks`)
    /// and waits for the page it leads to.
    pub(crate) async fn click_confirming(&self, css: &str, asks: &str) -> Res {
        let button = self.find(css).await?;
        self.mark_page().await?;
        button.click().await?;
        let started = Instant::now();
        let question = loop {
            match self.client.get_alert_text().await {
                Ok(text) => break text,
                Err(e) if e.is_no_such_alert() && started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(format!("no confirmation dialog after {css}: {e}").into()),
            }
        };
        ensure(question.contains(asks), || format!("the dialog asks: {question}"))?;
        self.client.accept_alert().await?;
        self.wait_new_page().await
    }

    /// Types `value` into the input `#id`, replacing what it held.
    pub(crate) async fn fill(&self, id: &str, value: &str) -> Res {
        let input = self.find(&format!("#{id}")).await?;
        input.clear().await?;
        input.send_keys(value).await?;
        Ok(())
    }

    /// Chooses the option `value` of the select `#id`.
    pub(crate) async fn choose(&self, id: &str, value: &str) -> Res {
        self.find(&format!("#{id}")).await?.select_by_value(value).await?;
        Ok(())
    }

    /// Ticks the checkbox `name` (with `value`, for a group of them), if it is not ticked yet.
    pub(crate) async fn tick(&self, name: &str, value: Option<&str>) -> Res {
        let css = match value {
            Some(v) => format!(r#"input[type="checkbox"][name="{name}"][value="{v}"]"#),
            None => format!(r#"input[type="checkbox"][name="{name}"]"#),
        };
        let checkbox = self.find(&css).await?;
        if !checkbox.is_selected().await? {
            checkbox.click().await?;
        }
        ensure(checkbox.is_selected().await?, || format!("`{css}` did not stay ticked"))
    }

    /// Ticks every checkbox of the group `name`.
    pub(crate) async fn tick_all(&self, name: &str, values: &[&str]) -> Res {
        for v in values {
            self.tick(name, Some(v)).await?;
        }
        Ok(())
    }

    /// Uploads a file through the action form's upload control (htmx, no new page) and waits until the
    /// form lists it.
    pub(crate) async fn upload(&self, path: &std::path::Path, filename: &str) -> Res {
        let before = self.count("#attachments li.attachment").await?;
        self.find("#upload-file").await?.send_keys(&path.display().to_string()).await?;
        self.find("#upload").await?.click().await?;
        let started = Instant::now();
        loop {
            if self.count("#attachments li.attachment").await? > before {
                break;
            }
            let errors = self.count("#attachments li.attachment-error").await?;
            ensure(errors == 0 && started.elapsed() < WAIT, || {
                format!("the upload of {filename} was not listed within {WAIT:?} ({errors} errors)")
            })?;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.expect_text("#attachments", &[filename]).await?;
        let hidden = self.count(r#"input[type="hidden"][name="attachments"][form="action-form"]"#).await?;
        ensure(hidden > before, || "the upload left no hidden attachment for the action form".to_owned())
    }

    /// Submits the action form with its button.
    pub(crate) async fn submit(&self) -> Res {
        self.click("#submit").await
    }

    /// The project's status code, from the badge of its page.
    pub(crate) async fn status(&self) -> Res<String> {
        Ok(self.find("#status").await?.attr("data-status").await?.unwrap_or_default())
    }

    pub(crate) async fn expect_status(&self, wanted: &str) -> Res {
        let status = self.status().await?;
        let label = self.text("#status").await?;
        ensure(status == wanted, || format!("status is `{status}` ({label}), expected `{wanted}`"))
    }

    /// The notice of what became of an action: its kind (`ok`, `warned`, `refused`, `forbidden`) must be `kind`.
    pub(crate) async fn expect_outcome(&self, kind: &str) -> Res<String> {
        let notice = self.find("#outcome").await?;
        let got = notice.attr("data-outcome").await?.unwrap_or_default();
        let text = notice.text().await?;
        ensure(got == kind, || format!("outcome is `{got}`, expected `{kind}`: {text}"))?;
        Ok(text)
    }

    /// Screenshots of the page at desktop and phone width, scrolled to `css`; at phone width a second one
    /// scrolled to the right as well (govit's pages keep a minimum width of 1024px, `body { min-width }` in
    /// govit.css, so a phone scrolls them sideways). Returns the paths.
    pub(crate) async fn screenshots(&self, step: &str, css: &str) -> Res<Vec<String>> {
        let mut paths = Vec::new();
        for (label, (width, height)) in [("desktop", DESKTOP), ("phone", PHONE)] {
            self.client.set_window_size(width, height).await?;
            let element = self.find(css).await?;
            let to = vec![serde_json::to_value(&element)?];
            // Below the sticky top bar.
            let scroll = "arguments[0].scrollIntoView({block: 'start', inline: 'start'}); window.scrollBy(0, -72);";
            self.client.execute(scroll, to).await?;
            paths.push(self.screenshot(&format!("{step}-{label}")).await);
            if width < 1024 {
                self.client.execute("window.scrollBy(document.documentElement.scrollWidth, 0);", vec![]).await?;
                paths.push(self.screenshot(&format!("{step}-{label}-right")).await);
            }
        }
        self.client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        Ok(paths)
    }

    /// Logs in through the login form and lands on the workbench.
    pub(crate) async fn login(&self, username: &str) -> Res {
        self.login_with(username, crate::common::PASSWORD).await?;
        self.expect_text(".topbar", &[&format!("{username}用户")]).await
    }

    pub(crate) async fn login_with(&self, username: &str, password: &str) -> Res {
        self.goto("/login").await?;
        self.fill("username", username).await?;
        self.fill("password", password).await?;
        self.click("#login").await?;
        ensure(self.path().await? == "/", || "login did not lead to the workbench".to_owned())?;
        self.find("#logout").await.map(drop)
    }

    /// Clicks the link `css` and waits for the download it starts: the bytes of the one finished file in the
    /// download folder whose name ends in `extension` (the folder is emptied first).
    pub(crate) async fn download(&self, css: &str, extension: &str) -> Res<(String, Vec<u8>)> {
        let dir = self._profile.path().join("downloads");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        self.find(css).await?.click().await?;
        let started = Instant::now();
        while started.elapsed() < WAIT {
            let names: Vec<String> = std::fs::read_dir(&dir)?
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect();
            let partial = names.iter().any(|n| n.ends_with(".crdownload"));
            if let (false, Some(name)) = (partial, names.iter().find(|n| n.ends_with(extension))) {
                let bytes = std::fs::read(dir.join(name))?;
                if !bytes.is_empty() {
                    return Ok((name.clone(), bytes));
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("clicking `{css}` downloaded no {extension} file within {WAIT:?}").into())
    }

    /// Logs out with the button in the top bar and lands on the login form.
    pub(crate) async fn logout(&self) -> Res {
        self.click("#logout").await?;
        self.find("#login").await?;
        ensure(self.path().await? == "/login", || "logout did not lead to the login form".to_owned())
    }

    /// Opens the project and follows its link to the action `code`'s form.
    pub(crate) async fn open_action(&self, project: &str, code: &str) -> Res {
        self.goto(project).await?;
        self.click(&format!(r#"#my-actions a[data-action="{code}"]"#)).await?;
        self.find("#action-form").await.map(drop)
    }

    /// Submits the open action form, expects it done without warnings, and the project now in `status`.
    pub(crate) async fn submit_expecting(&self, status: &str) -> Res {
        self.submit().await?;
        self.expect_outcome("ok").await?;
        self.expect_status(status).await
    }

    /// Registers a project through the form and returns its page's path (`/projects/<id>`).
    pub(crate) async fn register(&self, name: &str, investment: &str) -> Res<String> {
        self.goto("/").await?;
        self.click(r#"a[href="/projects/new"].btn"#).await?;
        self.fill("f-name", name).await?;
        self.choose("f-category", "business_application").await?;
        self.choose("f-construction", "new").await?;
        self.choose("f-funding", "government_investment").await?;
        self.fill("f-investment", investment).await?;
        self.submit_expecting("registered").await?;
        self.expect_text("h1", &[name]).await?;
        let path = self.path().await?;
        let project = path.split('?').next().unwrap_or_default().to_owned();
        ensure(project.starts_with("/projects/") && project.len() > "/projects/".len(), || {
            format!("registering led to {path}, not to a project's page")
        })?;
        Ok(project)
    }

    /// Opens the annual plan of Wuhan for 2026.
    pub(crate) async fn open_plan_2026(&self) -> Res {
        self.goto("/plans?jurisdiction=wuhan&year=2026").await?;
        self.find("#plan-status").await.map(drop)
    }
}

// ------------------------------------------------------------------------------------------------------------
// The tests.
