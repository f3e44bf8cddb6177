//! Browser tests: headless Chromium driven through WebDriver (chromedriver), against a real server on port 0
//! (`common::spawn`), going through the pages as people would — logging in and out through the forms.
//!
//! The harness starts chromedriver on a free port and Chromium with a fresh profile, and stops both at the end.
//! Without Chromium and chromedriver the tests print a loud `SKIPPED` and pass, except with `CI=true`, where a
//! missing browser fails them. Every step that fails saves a screenshot to
//! `target/browser-screenshots/<test>-<step>.png` and names the step. `CHROMEDRIVER` and `CHROMIUM` override
//! the paths of the two programs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::future::Future;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Res<T = ()> = Result<T, Error>;

/// How long any one element, page or dialog is waited for.
const WAIT: Duration = Duration::from_secs(10);
/// How long chromedriver may take to answer `GET /status`.
const DRIVER_START: Duration = Duration::from_secs(15);

fn ensure(ok: bool, message: impl FnOnce() -> String) -> Res {
    if ok { Ok(()) } else { Err(message().into()) }
}

// ------------------------------------------------------------------------------------------------------------
// The harness: find the programs, start chromedriver and Chromium, screenshot failures, stop everything.

/// The program named by `env`, or `default`, if it exists.
fn program(env: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env).filter(|v| !v.is_empty()).map_or_else(|| PathBuf::from(default), PathBuf::from);
    path.is_file().then_some(path)
}

/// chromedriver and Chromium, or `None` (after a loud message) when either is missing outside CI.
fn programs() -> Option<(PathBuf, PathBuf)> {
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
struct Driver {
    child: Child,
    log: PathBuf,
}

impl Driver {
    fn start(program: &Path, log: PathBuf) -> (Driver, String) {
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
    async fn wait_ready(&mut self, url: &str) {
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

    fn log_tail(&self) -> String {
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
struct Browser {
    client: Client,
    base: String,
    test: &'static str,
    started: Instant,
    // Dropped in this order: the driver (and its browser) before the profile they used.
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium for `test` against `base`; `None` when they are not installed.
    async fn start(test: &'static str, base: &str) -> Option<Browser> {
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
    async fn step<T>(&self, name: &str, work: impl Future<Output = Res<T>>) -> T {
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
    async fn screenshot(&self, step: &str) -> String {
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

    /// The texts of the outcome notice, error notices and field errors on the page, for a failure message.
    async fn notices(&self) -> String {
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
    async fn finish(self) {
        let _ = self.client.clone().close().await;
        eprintln!("[{}] done in {:?}", self.test, self.started.elapsed());
    }

    // --------------------------------------------------------------------------------------------------------
    // What a person does: the helpers every step shares.

    async fn goto(&self, path: &str) -> Res {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// The path (and query) of the page shown.
    async fn path(&self) -> Res<String> {
        let url = self.client.current_url().await?;
        Ok(format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default()))
    }

    /// The first element matching `css`, waited for.
    async fn find(&self, css: &str) -> Res<Element> {
        let url = self.path().await.unwrap_or_default();
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("no element `{css}` on {url} within {WAIT:?}: {e}").into())
    }

    /// How many elements match `css` now (no waiting).
    async fn count(&self, css: &str) -> Res<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    async fn text(&self, css: &str) -> Res<String> {
        Ok(self.find(css).await?.text().await?)
    }

    async fn expect_text(&self, css: &str, wanted: &[&str]) -> Res {
        let text = self.text(css).await?;
        let missing: Vec<&&str> = wanted.iter().filter(|w| !text.contains(**w)).collect();
        ensure(missing.is_empty(), || format!("`{css}` lacks {missing:?}; it reads: {text}"))
    }

    /// Marks the page shown, so that [`Browser::wait_new_page`] can tell when another has replaced it.
    async fn mark_page(&self) -> Res {
        self.client.execute("window.__govitPrevious = true;", Vec::new()).await?;
        Ok(())
    }

    /// Waits until the marked page has been replaced by a new, fully loaded one (a new document has a new
    /// `window`, without the mark). Errors while the pages change over are retried until [`WAIT`].
    async fn wait_new_page(&self) -> Res {
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
    async fn click(&self, css: &str) -> Res {
        let target = self.find(css).await?;
        self.mark_page().await?;
        target.click().await?;
        self.wait_new_page().await
    }

    /// Types `value` into the input `#id`, replacing what it held.
    async fn fill(&self, id: &str, value: &str) -> Res {
        let input = self.find(&format!("#{id}")).await?;
        input.clear().await?;
        input.send_keys(value).await?;
        Ok(())
    }

    /// Chooses the option `value` of the select `#id`.
    async fn choose(&self, id: &str, value: &str) -> Res {
        self.find(&format!("#{id}")).await?.select_by_value(value).await?;
        Ok(())
    }

    /// Ticks the checkbox `name` (with `value`, for a group of them), if it is not ticked yet.
    async fn tick(&self, name: &str, value: Option<&str>) -> Res {
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
    async fn tick_all(&self, name: &str, values: &[&str]) -> Res {
        for v in values {
            self.tick(name, Some(v)).await?;
        }
        Ok(())
    }

    /// Uploads a file through the action form's upload control (htmx, no new page) and waits until the
    /// form lists it.
    async fn upload(&self, path: &std::path::Path, filename: &str) -> Res {
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
    async fn submit(&self) -> Res {
        self.click("#submit").await
    }

    /// The project's status code, from the badge of its page.
    async fn status(&self) -> Res<String> {
        Ok(self.find("#status").await?.attr("data-status").await?.unwrap_or_default())
    }

    async fn expect_status(&self, wanted: &str) -> Res {
        let status = self.status().await?;
        let label = self.text("#status").await?;
        ensure(status == wanted, || format!("status is `{status}` ({label}), expected `{wanted}`"))
    }

    /// The notice of what became of an action: its kind (`ok`, `warned`, `refused`, `forbidden`) must be `kind`.
    async fn expect_outcome(&self, kind: &str) -> Res<String> {
        let notice = self.find("#outcome").await?;
        let got = notice.attr("data-outcome").await?.unwrap_or_default();
        let text = notice.text().await?;
        ensure(got == kind, || format!("outcome is `{got}`, expected `{kind}`: {text}"))?;
        Ok(text)
    }

    /// Logs in through the login form and lands on the workbench.
    async fn login(&self, username: &str) -> Res {
        self.login_with(username, common::PASSWORD).await?;
        self.expect_text(".topbar", &[&format!("{username}用户")]).await
    }

    async fn login_with(&self, username: &str, password: &str) -> Res {
        self.goto("/login").await?;
        self.fill("username", username).await?;
        self.fill("password", password).await?;
        self.click("#login").await?;
        ensure(self.path().await? == "/", || "login did not lead to the workbench".to_owned())?;
        self.find("#logout").await.map(drop)
    }

    /// Clicks the link `css` and waits for the download it starts: the bytes of the one finished file in the
    /// download folder whose name ends in `extension` (the folder is emptied first).
    async fn download(&self, css: &str, extension: &str) -> Res<(String, Vec<u8>)> {
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
    async fn logout(&self) -> Res {
        self.click("#logout").await?;
        self.find("#login").await?;
        ensure(self.path().await? == "/login", || "logout did not lead to the login form".to_owned())
    }

    /// Opens the project and follows its link to the action `code`'s form.
    async fn open_action(&self, project: &str, code: &str) -> Res {
        self.goto(project).await?;
        self.click(&format!(r#"#my-actions a[data-action="{code}"]"#)).await?;
        self.find("#action-form").await.map(drop)
    }

    /// Submits the open action form, expects it done without warnings, and the project now in `status`.
    async fn submit_expecting(&self, status: &str) -> Res {
        self.submit().await?;
        self.expect_outcome("ok").await?;
        self.expect_status(status).await
    }

    /// Registers a project through the form and returns its page's path (`/projects/<id>`).
    async fn register(&self, name: &str, investment: &str) -> Res<String> {
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
    async fn open_plan_2026(&self) -> Res {
        self.goto("/plans?jurisdiction=wuhan&year=2026").await?;
        self.find("#plan-status").await.map(drop)
    }
}

// ------------------------------------------------------------------------------------------------------------
// The tests.

const PROJECT: &str = "城市运行一网统管平台";
const DOCUMENTS: [&str; 3] = ["information_sharing_analysis", "cryptography_plan", "secure_reliable_statement"];
const OPINIONS: [&str; 2] = ["information_sharing", "cryptography"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_registers_and_the_project_goes_through_plan_and_approval_to_construction() {
    let server = common::spawn().await;
    let Some(b) = Browser::start(
        "an_owner_registers_and_the_project_goes_through_plan_and_approval_to_construction",
        &server.base,
    )
    .await
    else {
        return;
    };

    let project = b
        .step("01-owner-registers", async {
            b.login("minzheng").await?;
            let project = b.register(PROJECT, "3000万").await?;
            b.expect_text("#facts", &["3000.00万元", "市政务服务和大数据管理局"]).await?;
            Ok(project)
        })
        .await;

    b.step("02-owner-proposes-for-the-2026-plan", async {
        b.open_action(&project, "propose_for_plan").await?;
        let year = b.find("#f-year").await?.prop("value").await?.unwrap_or_default();
        ensure(year == "2026", || format!("the plan year defaults to `{year}`, not 2026"))?;
        b.submit_expecting("proposed").await?;
        b.logout().await
    })
    .await;

    b.step("03-bureau-reviews-the-plan", async {
        b.login("bureau").await?;
        b.expect_text("#todo", &["2026年度实施计划", "1个申报项目"]).await?;
        b.click(r#"#todo a[href="/plans?jurisdiction=wuhan&year=2026"]"#).await?;
        b.expect_text("#proposals", &[PROJECT, "待论证"]).await?;
        b.click("#review-plan").await?;
        b.expect_outcome("ok").await?;
        b.expect_text("#plan-status", &["已论证"]).await?;
        b.logout().await
    })
    .await;

    b.step("04-government-approves-the-plan-after-confirming", async {
        b.login("government").await?;
        b.open_plan_2026().await?;
        let button = b.find("#approve-plan").await?;
        b.mark_page().await?;
        button.click().await?;
        let started = Instant::now();
        let question = loop {
            match b.client.get_alert_text().await {
                Ok(text) => break text,
                Err(e) if e.is_no_such_alert() && started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(format!("no confirmation dialog after #approve-plan: {e}").into()),
            }
        };
        ensure(question.contains("确认批准2026年度实施计划"), || format!("the dialog asks: {question}"))?;
        b.client.accept_alert().await?;
        b.wait_new_page().await?;
        b.expect_outcome("ok").await?;
        b.expect_text("#plan-status", &["已批准"]).await?;
        b.expect_text("#included", &[PROJECT]).await?;
        b.goto(&project).await?;
        b.expect_status("planned").await?;
        b.logout().await
    })
    .await;

    b.step("05-owner-submits-the-implementation-plan", async {
        b.login("minzheng").await?;
        b.open_action(&project, "submit_stage").await?;
        b.choose("f-stage", "implementation_plan").await?;
        b.tick_all("documents", &DOCUMENTS).await?;
        b.choose("f-preparer", "consulting_credit").await?;
        b.tick("design_depth_sufficient", None).await?;
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("实施方案.pdf");
        std::fs::write(&file, b"%PDF-1.7\n%%EOF\n")?;
        b.upload(&file, "实施方案.pdf").await?;
        b.submit_expecting("in_approval").await?;
        b.expect_text("#documents", &["项目实施方案", "密码应用方案", "实施方案.pdf", "报送审批材料"]).await?;
        b.logout().await
    })
    .await;

    b.step("06-bureau-commissions-the-review", async {
        b.login("bureau").await?;
        b.open_action(&project, "commission_review").await?;
        b.fill("f-consultant", "武汉某工程咨询公司").await?;
        b.submit_expecting("in_approval").await?;
        b.logout().await
    })
    .await;

    b.step("07-consultant-submits-the-evaluation", async {
        b.login("consultant").await?;
        b.goto("/projects").await?;
        b.expect_text("#project-table", &[PROJECT]).await?;
        b.open_action(&project, "submit_evaluation").await?;
        let recommended = b.find("#f-recommended_investment").await?.prop("value").await?.unwrap_or_default();
        ensure(recommended == "30000000", || format!("the recommended investment starts as `{recommended}`"))?;
        b.tick_all("opinions", &OPINIONS).await?;
        b.submit_expecting("in_approval").await?;
        b.logout().await
    })
    .await;

    b.step("08-bureau-approves-the-stage", async {
        b.login("bureau").await?;
        b.open_action(&project, "approve_stage").await?;
        b.tick_all("opinions", &OPINIONS).await?;
        b.fill("f-approved_investment", "30000000").await?;
        b.submit_expecting("awaiting_government_approval").await?;
        b.logout().await
    })
    .await;

    b.step("09-government-approves-the-project", async {
        b.login("government").await?;
        b.open_action(&project, "government_approve").await?;
        b.submit_expecting("approved").await?;
        b.logout().await
    })
    .await;

    b.step("10-owner-appoints-the-team-and-starts-construction", async {
        b.login("minzheng").await?;
        b.open_action(&project, "appoint_team").await?;
        b.fill("f-agency", "市民政局信息中心").await?;
        b.fill("f-leader", "张三").await?;
        b.submit_expecting("approved").await?;
        b.open_action(&project, "start_construction").await?;
        b.submit_expecting("under_construction").await?;
        let entries = b.count("#timeline li").await?;
        ensure(entries >= 9, || format!("the timeline has {entries} entries, expected at least 9"))?;
        b.goto("/projects").await?;
        let id = project.trim_start_matches("/projects/");
        let badge = b.text(&format!(r#"#project-table tr:has(a[href="/projects/{id}"]) .badge"#)).await?;
        ensure(badge == "建设中", || format!("the project library shows the badge `{badge}`, expected 建设中"))?;
        b.logout().await
    })
    .await;

    b.finish().await;
}

/// `file_record` before any plan: not offered, its form refused outright (403), and a post made anyway (a
/// stale or hand-made form) answered with the refusal quoting 第七条.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_shown_with_the_cited_articles_text() {
    let server = common::spawn().await;
    let Some(b) = Browser::start("a_refusal_is_shown_with_the_cited_articles_text", &server.base).await else {
        return;
    };

    let project = b
        .step("01-owner-registers-a-small-project", async {
            b.login("minzheng").await?;
            let project = b.register("社区养老服务小程序", "30万").await?;
            b.expect_text("#facts", &["30.00万元", "自行实施并备案"]).await?;
            ensure(b.count(r#"#my-actions a[data-action="propose_for_plan"]"#).await? == 1, || {
                "proposing for the plan is not offered".to_owned()
            })?;
            ensure(b.count(r#"a[data-action="file_record"]"#).await? == 0, || {
                "filing a record is offered before any plan".to_owned()
            })?;
            Ok(project)
        })
        .await;

    b.step("02-the-file-record-form-is-forbidden", async {
        b.goto(&format!("{project}/act/file_record")).await?;
        b.expect_text(".notice-error", &["403", "您当前不能对该项目办理“备案”"]).await?;
        let title = b.client.title().await?;
        ensure(title.starts_with("403"), || format!("the page's title is `{title}`"))?;
        ensure(b.count("#action-form").await? == 0, || "a form is shown on the 403 page".to_owned())
    })
    .await;

    b.step("03-a-post-anyway-is-refused-citing-article-7", async {
        b.goto(&project).await?;
        b.mark_page().await?;
        let post = r#"
            const form = document.createElement("form");
            form.method = "post";
            form.action = arguments[0];
            const token = document.createElement("input");
            token.type = "hidden";
            token.name = "_csrf";
            token.value = document.querySelector('meta[name="csrf-token"]').content;
            form.appendChild(token);
            document.body.appendChild(form);
            form.submit();"#;
        b.client.execute(post, vec![json!(format!("{project}/act/file_record"))]).await?;
        b.wait_new_page().await?;
        let text = b.expect_outcome("refused").await?;
        ensure(text.contains("不予办理:备案"), || format!("the refusal's title is missing: {text}"))?;
        b.expect_text("#outcome .article-ref", &["第七条"]).await?;
        b.expect_text("#outcome .article-body", &["未列入计划的项目不得申请立项"]).await?;
        b.goto(&project).await?;
        b.expect_status("registered").await?;
        let entries = b.count("#timeline li").await?;
        ensure(entries == 1, || format!("the refusal was recorded: the timeline has {entries} entries"))?;
        b.logout().await
    })
    .await;

    b.finish().await;
}

/// The text of a PDF by poppler's `pdftotext`, without line breaks (the typeset lines break anywhere).
fn pdf_text(bytes: &[u8]) -> Res<String> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("paper.pdf");
    std::fs::write(&path, bytes)?;
    let out =
        Command::new("pdftotext").arg(&path).arg("-").output().map_err(|e| {
            format!("pdftotext (apt-get install poppler-utils) is needed to read the downloaded PDF: {e}")
        })?;
    Ok(String::from_utf8(out.stdout)?.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The rows of a workbook's first sheet, as text.
fn workbook_rows(bytes: &[u8]) -> Res<Vec<Vec<String>>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))?;
    let name = book.sheet_names().first().cloned().ok_or("the workbook has no sheet")?;
    let range = book.worksheet_range(&name)?;
    Ok(range.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect())
}

/// The demo city as people brief with it: the bureau downloads the 2026 plan as Excel and an approval reply as
/// PDF from the project page, and the dashboard draws every chart from the demo city's data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_city_downloads_its_plan_and_an_approval_reply_and_charts_its_projects() {
    let server = common::spawn_demo().await;
    let test = "the_demo_city_downloads_its_plan_and_an_approval_reply_and_charts_its_projects";
    let Some(b) = Browser::start(test, &server.base).await else {
        return;
    };

    b.step("01-bureau-downloads-the-2026-plan-as-excel", async {
        b.login_with("bureau", govit_app::demo::DEMO_PASSWORD).await?;
        b.goto("/plans?jurisdiction=wuhan&year=2026").await?;
        let included = b.text("#included").await?;
        let (name, bytes) = b.download("#export-plan", ".xlsx").await?;
        ensure(name.contains("2026"), || format!("the workbook is named {name}"))?;
        let rows = workbook_rows(&bytes)?;
        let title = rows.first().and_then(|r| r.first()).cloned().unwrap_or_default();
        ensure(title.contains("武汉市2026年度"), || format!("the workbook's title is `{title}`"))?;
        let names: Vec<&String> =
            rows.iter().filter_map(|r| r.get(2)).filter(|n| included.contains(n.as_str())).collect();
        ensure(names.len() >= 3, || format!("the workbook lists {} of the plan's projects: {names:?}", names.len()))?;
        let total = rows.iter().any(|r| r.iter().any(|c| c.contains("合计")));
        ensure(total, || "the workbook has no 合计 row".to_owned())
    })
    .await;

    b.step("02-bureau-downloads-an-approval-reply-as-pdf", async {
        b.goto("/projects/wuhan-2025-0006").await?;
        let (name, bytes) = b.download("#timeline a.paper", ".pdf").await?;
        ensure(name.contains("批复"), || format!("the PDF is named {name}"))?;
        ensure(bytes.starts_with(b"%PDF-"), || "the download is not a PDF".to_owned())?;
        let text = pdf_text(&bytes)?;
        for wanted in
            ["市政务服务和大数据管理局", "关于综合交通运行监测调度中心二期", "核定项目总投资", "第十三条", "此复。"]
        {
            ensure(text.contains(wanted), || format!("the reply lacks {wanted}: {text}"))?;
        }
        Ok(())
    })
    .await;

    b.step("03-the-dashboard-draws-every-chart", async {
        b.goto("/dashboard").await?;
        let count = b.count(".chart[data-chart]").await?;
        ensure(count == 6, || format!("the dashboard has {count} charts, expected 6"))?;
        let script = r#"
            const out = [];
            for (const el of document.querySelectorAll('.chart[data-chart]')) {
                const chart = window.echarts && window.echarts.getInstanceByDom(el);
                const series = chart ? chart.getOption().series : [];
                const points = series.reduce((n, s) => n + (s.data ? s.data.length : 0), 0);
                out.push([el.id, !!chart, !!el.querySelector('canvas, svg'), points]);
            }
            return out;"#;
        let started = Instant::now();
        loop {
            let drawn: Vec<(String, bool, bool, u64)> =
                serde_json::from_value(b.client.execute(script, Vec::new()).await?)?;
            let missing: Vec<&(String, bool, bool, u64)> =
                drawn.iter().filter(|(_, chart, canvas, points)| !(*chart && *canvas && *points > 0)).collect();
            if missing.is_empty() {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                return Err(format!("charts not drawn with data: {missing:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;

    b.finish().await;
}
