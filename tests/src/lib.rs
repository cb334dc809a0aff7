//! The end-to-end harness: launches the real Souq app binary through tauri-driver and
//! WebKitWebDriver, inside the display and session bus that `cargo xtask test` gives it
//! (xvfb-run + dbus-run-session), with a real Secret Service (gnome-keyring) for the
//! session token and a D-Bus notification daemon (python-dbusmock) that logs every
//! notification. Each harness has its own data, config and keyring directories, so the
//! app starts from nothing and relaunches find what the previous launch left.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

pub mod proxy;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

/// The session-bus name a running Souq holds (tauri-plugin-single-instance: the app's
/// identifier plus ".SingleInstance"). A new launch while another still holds it hands
/// its arguments over and exits, so launches wait until the last app is really gone.
const INSTANCE_NAME: &str = "app.souq.SingleInstance";

/// Ends the Souq that runs (left by a failed test, or closed to the tray, where it keeps
/// running by design) and waits for it to go.
fn end_running_app() {
    if let Some(pid) = bus_name_owner_pid(INSTANCE_NAME) {
        let _ = Command::new("kill").arg(pid.to_string()).status();
        let start = Instant::now();
        while bus_has_name(INSTANCE_NAME) && start.elapsed() < WAIT {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn wait_until_no_app_runs() {
    let start = Instant::now();
    while bus_has_name(INSTANCE_NAME) {
        assert!(start.elapsed() < WAIT, "a previous Souq never exited");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < WAIT,
            "{what} did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What the session bus answers to one of its own methods about a name.
fn ask_bus(method: &str, name: &str) -> Option<String> {
    Command::new("dbus-send")
        .args([
            "--session",
            "--dest=org.freedesktop.DBus",
            "--type=method_call",
            "--print-reply",
            "/org/freedesktop/DBus",
            &format!("org.freedesktop.DBus.{method}"),
            &format!("string:{name}"),
        ])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

fn bus_has_name(name: &str) -> bool {
    ask_bus("NameHasOwner", name).is_some_and(|reply| reply.contains("boolean true"))
}

/// The process that holds a session-bus name, if any.
fn bus_name_owner_pid(name: &str) -> Option<u32> {
    ask_bus("GetConnectionUnixProcessID", name)?
        .split_whitespace()
        .skip_while(|word| *word != "uint32")
        .nth(1)?
        .parse()
        .ok()
}

fn wait_for_bus_name(name: &str) {
    let start = Instant::now();
    while !bus_has_name(name) {
        assert!(
            start.elapsed() < WAIT,
            "{name} never appeared on the session bus"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Where screenshots go: the workspace's target/e2e-screenshots, even when the build
/// itself uses another target dir.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots")
}

pub struct Harness {
    app: PathBuf,
    dirs: tempfile::TempDir,
    pub notification_log: PathBuf,
    children: Vec<Child>,
    driver_port: u16,
    /// A remote server for the app, instead of its embedded one.
    api_url: Option<String>,
    /// More of the app's environment.
    env: Vec<(String, String)>,
}

/// What a harness launches, beyond the defaults (`Harness::start`).
#[derive(Default)]
pub struct Launch {
    /// Another app binary than SOUQ_E2E_APP: one installed from a package, or a
    /// bare window to measure against.
    pub app: Option<PathBuf>,
    /// A remote server for the app, instead of its embedded one.
    pub api_url: Option<String>,
    pub env: Vec<(String, String)>,
}

impl Harness {
    fn env(&self, cmd: &mut Command) {
        let root = self.dirs.path();
        cmd.env("XDG_DATA_HOME", root.join("data"))
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("XDG_CACHE_HOME", root.join("cache"))
            .env("XDG_RUNTIME_DIR", root.join("run"))
            .env("LANG", "C.UTF-8")
            .env("TZ", "UTC");
        match &self.api_url {
            Some(url) => cmd.env("SOUQ_API_URL", url),
            None => cmd.env_remove("SOUQ_API_URL"),
        };
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
    }

    /// The app over its embedded server.
    pub fn start() -> Harness {
        Self::start_with(Launch::default())
    }

    /// The app over the server at `api_url`.
    pub fn start_remote(api_url: &str) -> Harness {
        Self::start_with(Launch {
            api_url: Some(api_url.to_string()),
            ..Launch::default()
        })
    }

    /// The binary the end-to-end tests run (SOUQ_E2E_APP).
    pub fn app_under_test() -> PathBuf {
        PathBuf::from(
            std::env::var("SOUQ_E2E_APP").expect(
                "SOUQ_E2E_APP is not set: run the end-to-end tests with `cargo xtask test`",
            ),
        )
    }

    pub fn start_with(launch: Launch) -> Harness {
        let app = launch.app.unwrap_or_else(Self::app_under_test);
        assert!(app.exists(), "no app binary at {}", app.display());
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no session bus: run under dbus-run-session (as `cargo xtask test` does)"
        );
        let dirs = tempfile::tempdir().expect("temp dir");
        for sub in ["data", "config", "cache", "run"] {
            std::fs::create_dir_all(dirs.path().join(sub)).expect("xdg dir");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                dirs.path().join("run"),
                std::fs::Permissions::from_mode(0o700),
            )
            .expect("runtime dir permissions");
        }
        let mut harness = Harness {
            app,
            notification_log: dirs.path().join("notifications.log"),
            dirs,
            children: Vec::new(),
            driver_port: free_port(),
            api_url: launch.api_url,
            env: launch.env,
        };

        if !bus_has_name("org.freedesktop.secrets") {
            let mut keyring = Command::new("gnome-keyring-daemon");
            keyring
                .args(["--foreground", "--unlock", "--components=secrets"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null());
            harness.env(&mut keyring);
            let mut child = keyring.spawn().expect("gnome-keyring-daemon starts");
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(b"souq-e2e").expect("keyring password");
            }
            harness.children.push(child);
            wait_for_bus_name("org.freedesktop.secrets");
        }

        if !bus_has_name("org.freedesktop.Notifications") {
            // Debian's python: the module is installed for it, not for other pythons.
            let mut notify = Command::new("/usr/bin/python3");
            notify
                .args(["-m", "dbusmock", "--template", "notification_daemon", "-l"])
                .arg(&harness.notification_log)
                .stdout(Stdio::null());
            harness
                .children
                .push(notify.spawn().expect("dbusmock starts"));
            wait_for_bus_name("org.freedesktop.Notifications");
        }

        let mut driver = Command::new("tauri-driver");
        driver
            .args(["--port", &harness.driver_port.to_string()])
            .args(["--native-port", &free_port().to_string()])
            .stdout(Stdio::null());
        harness.env(&mut driver);
        harness.children.push(
            driver
                .spawn()
                .expect("tauri-driver starts (is it installed?)"),
        );
        wait_for_port(harness.driver_port, "tauri-driver");
        harness
    }

    /// Opens a link the way the desktop does: by starting the app with the link as its
    /// only argument. A running app takes it over, and this second process exits.
    pub fn open_link(&self, url: &str) {
        let log = tempfile::NamedTempFile::new().expect("a log file for the link launch");
        let mut cmd = Command::new(&self.app);
        cmd.arg(url)
            .stdout(Stdio::null())
            .stderr(log.reopen().expect("the link launch log"));
        self.env(&mut cmd);
        let mut child = cmd.spawn().expect("the app starts for the link");
        let start = Instant::now();
        let said = || std::fs::read_to_string(log.path()).unwrap_or_default();
        loop {
            match child.try_wait().expect("waiting for the link launch") {
                Some(status) => {
                    assert!(
                        status.success(),
                        "the link launch failed: {status}\n{}",
                        said()
                    );
                    return;
                }
                None if start.elapsed() > WAIT => {
                    let _ = child.kill();
                    panic!(
                        "a second app kept running: the link was not handed over\n{}",
                        said()
                    );
                }
                None => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    /// The notifications the daemon received, each with the time it got it (s since
    /// the epoch) and its id (the daemon numbers them from 1), in order.
    pub fn notifications(&self) -> Vec<(f64, u32, String)> {
        let log = std::fs::read_to_string(&self.notification_log).unwrap_or_default();
        // A call's entry starts with its time; a body's further lines follow it.
        let mut entries: Vec<String> = Vec::new();
        for line in log.lines() {
            let starts_entry = line
                .split_once(' ')
                .is_some_and(|(at, _)| at.parse::<f64>().is_ok());
            match entries.last_mut() {
                Some(entry) if !starts_entry => {
                    entry.push('\n');
                    entry.push_str(line);
                }
                _ => entries.push(line.to_string()),
            }
        }
        entries
            .into_iter()
            .filter(|line| line.contains(" Notify "))
            .zip(1u32..)
            .filter_map(|(line, id)| {
                let (at, rest) = line.split_once(' ')?;
                Some((at.parse().ok()?, id, rest.to_string()))
            })
            .collect()
    }

    /// Waits (bounded) for a notification whose text has `words`; (time, id, line).
    pub fn notification_with(&self, words: &str, within: Duration) -> (f64, u32, String) {
        let start = Instant::now();
        loop {
            if let Some(found) = self
                .notifications()
                .into_iter()
                .find(|(_, _, line)| line.contains(words))
            {
                return found;
            }
            assert!(
                start.elapsed() < within,
                "no notification with {words:?}: {:?}",
                self.notifications()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The daemon reports a click on notification `id` (its default action).
    pub fn click_notification(&self, id: u32) {
        let status = Command::new("gdbus")
            .args([
                "call",
                "--session",
                "--dest",
                "org.freedesktop.Notifications",
                "--object-path",
                "/org/freedesktop/Notifications",
                "--method",
                "org.freedesktop.DBus.Mock.EmitSignal",
                "org.freedesktop.Notifications",
                "ActionInvoked",
                "us",
                &format!("[<uint32 {id}>, <'default'>]"),
            ])
            .stdout(Stdio::null())
            .status()
            .expect("gdbus runs");
        assert!(status.success(), "the daemon emitted ActionInvoked");
    }

    /// Closes the app's window as a user does with its close button: the X server's
    /// WM_DELETE_WINDOW message, which the app hears as a close request (WebDriver's
    /// own close destroys the window instead).
    pub fn close_window_as_a_user(&self) {
        const SCRIPT: &str = "
from Xlib import X, display, protocol
d = display.Display()
delete = d.intern_atom('WM_DELETE_WINDOW')
protocols = d.intern_atom('WM_PROTOCOLS')
found = []
def walk(w):
    if w.get_wm_name() == 'Souq' and delete in (w.get_wm_protocols() or []):
        found.append(w)
    for child in w.query_tree().children:
        walk(child)
walk(d.screen().root)
for w in found:
    w.send_event(protocol.event.ClientMessage(window=w, client_type=protocols,
                 data=(32, [delete, X.CurrentTime, 0, 0, 0])))
d.flush()
print(len(found))
";
        let out = Command::new("/usr/bin/python3")
            .args(["-c", SCRIPT])
            .output()
            .expect("python3 runs");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && said.trim() != "0",
            "no Souq window to close: {said} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// This harness's own folder, which goes with it.
    pub fn dir(&self) -> &Path {
        self.dirs.path()
    }

    /// Whether a Souq runs (with its window or in the tray).
    pub fn app_runs(&self) -> bool {
        bus_has_name(INSTANCE_NAME)
    }

    /// Launches the app: each WebDriver session is a new app process.
    pub async fn launch(&self) -> App {
        wait_until_no_app_runs();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert(
            "tauri:options".into(),
            json!({ "application": self.app.display().to_string() }),
        );
        let client = ClientBuilder::rustls()
            .expect("rustls client")
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.driver_port))
            .await
            .expect("a WebDriver session with the app");
        App { client }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // A test that failed half-way leaves its app running (WebKitWebDriver started
        // it, so killing the driver does not end it): end it here, or every later test
        // would wait for a Souq that never exits.
        end_running_app();
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One running app, driven through WebDriver.
pub struct App {
    pub client: Client,
}

impl App {
    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
    }

    /// Types into an input, replacing what it held.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clearing {css}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
    }

    /// Clicks what `css` finds, brought to the middle of the screen first, as a person
    /// scrolls to what they tap: WebDriver's own scrolling stops at the screen's edge,
    /// where a phone layout's bottom bar covers it.
    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        let _ = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'center'}); return true;",
                vec![serde_json::to_value(&element).unwrap_or_default()],
            )
            .await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls a JavaScript expression until it is truthy. A script that fails while the
    /// page is busy re-rendering (WebKitWebDriver then cannot read its result) counts as
    /// "not yet"; the last such error is reported if time runs out.
    pub async fn wait_until(&self, expression: &str, what: &str) {
        let start = Instant::now();
        let script = format!("return !!({expression});");
        let mut last_error = None;
        loop {
            match self.client.execute(&script, Vec::new()).await {
                Ok(Value::Bool(true)) => return,
                Ok(_) => {}
                Err(e) => last_error = Some(e.to_string()),
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting until {what}{}",
                last_error
                    .as_deref()
                    .map(|e| format!(" (last script error: {e})"))
                    .unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How many elements match `css` now. A lookup that fails while the page is busy
    /// re-rendering is asked again (as in `wait_until`), never read as none: a count of
    /// 0 from a failed lookup once failed a test whose page had all it needed.
    pub async fn count(&self, css: &str) -> usize {
        let start = Instant::now();
        loop {
            match self.client.find_all(Locator::Css(css)).await {
                Ok(found) => return found.len(),
                Err(e) => assert!(start.elapsed() < WAIT, "counting {css} kept failing: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG of the window under target/e2e-screenshots.
    /// Presses a key on whatever has the focus, as a person at the keyboard would.
    pub async fn press(&self, key: fantoccini::key::Key) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        // Through the keyboard input source, as a person's key press arrives (sending
        // keys to an element fails on those that take no text).
        let value: char = key.into();
        let press = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client
            .perform_actions(press)
            .await
            .expect("a key press");
    }

    /// Describes the focused element: its tag, class and text, and whether a focus ring
    /// shows (an outline or a box shadow drawn for it).
    pub async fn focused(&self) -> Value {
        self.eval(
            "const e = document.activeElement; if (!e || e === document.body) return null; \
             const s = getComputedStyle(e); \
             const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) \
                          || s.boxShadow !== 'none'; \
             const control = e.matches('button, a[href], input, select, textarea, \
                          [tabindex]:not([tabindex=\"-1\"])'); \
             return {tag: e.tagName.toLowerCase(), cls: e.className, \
                     text: (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40), \
                     ring, control, \
                     key: e.dataset.email || e.dataset.screen || e.dataset.tag || ''};",
        )
        .await
    }

    /// Presses Tab until `css` has the focus; fails after `most` presses.
    pub async fn tab_to(&self, css: &str, most: usize) {
        for _ in 0..most {
            self.press(fantoccini::key::Key::Tab).await;
            let there = self
                .eval(&format!(
                    "return document.activeElement?.matches({css:?}) === true"
                ))
                .await;
            if there == true {
                return;
            }
        }
        panic!("{css} was not reached with {most} presses of Tab");
    }

    /// The serious and critical violations axe-core (the npm package, from SOUQ_AXE_JS)
    /// finds on the screen as it is, each as "impact rule: help at elements".
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let path = std::env::var("SOUQ_AXE_JS").unwrap_or_else(|_| {
            panic!("SOUQ_AXE_JS is not set: run the suite with `cargo xtask test`")
        });
        let loaded = self.eval("return typeof window.axe !== 'undefined'").await;
        if loaded != true {
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("axe-core at {path}: {e}"));
            self.client
                .execute(&format!("{source}\nreturn true;"), Vec::new())
                .await
                .expect("axe-core loads into the page");
        }
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']})
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +
                          v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | '))))
                   .catch(e => done(['axe failed: ' + e]));",
                Vec::new(),
            )
            .await
            .expect("axe-core runs");
        found
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Fails on any serious or critical accessibility violation on the screen.
    pub async fn check_accessibility(&self, screen: &str) {
        let problems = self.accessibility_violations().await;
        assert!(
            problems.is_empty(),
            "{screen}: {} accessibility violations:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }

    /// Saves a screenshot of the screen, after checking its accessibility: every screen
    /// the suite records, in whichever language it is in, is held to axe-core's rules.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        self.check_accessibility(name).await;
        // On a cold shader cache the first frame can still be blank: wait two frames.
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                Vec::new(),
            )
            .await
            .expect("animation frames");
        let png = self.client.screenshot().await.expect("screenshot");
        assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("screenshot written");
        path
    }

    pub async fn quit(self) {
        let _ = self.client.close().await;
        // Closing the window leaves Souq in the tray, as a user's close would.
        let start = Instant::now();
        while bus_has_name(INSTANCE_NAME) && start.elapsed() < Duration::from_secs(1) {
            std::thread::sleep(Duration::from_millis(50));
        }
        end_running_app();
        wait_until_no_app_runs();
    }
}
