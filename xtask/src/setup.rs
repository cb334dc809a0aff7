//! Installs what the project needs on a fresh Debian or Ubuntu machine: apt packages
//! (when root; otherwise it prints the exact apt line and stops), rustup targets, and
//! the pinned trunk, wasm-bindgen-cli, tauri-driver and wasm-opt. Each step checks first,
//! so a warm machine pays nothing.

use std::process::Command;

use crate::sh;

/// Must equal the wasm-bindgen in Cargo.lock (checked below).
pub const WASM_BINDGEN: &str = "0.2.130";
/// 0.22 needs a newer rustc than ours.
pub const TRUNK: &str = "0.21.14";
pub const TAURI_DRIVER: &str = "2.1.0";
/// Debian's binaryen 108 emits wasm that crashes at start; npm's 132 is good.
pub const BINARYEN: &str = "132";
/// The accessibility engine the end-to-end suite loads into the app's webview.
pub const AXE_CORE: &str = "4.14.1";
/// The API fuzzer, from PyPI, in a virtualenv of Debian's Python.
pub const SCHEMATHESIS: &str = "4.32.5";
/// Bundles the installers; the npm package is its prebuilt binary.
pub const TAURI_CLI: &str = "2.12.4";

/// What building and running the desktop app needs.
const APT_RUN: &[&str] = &[
    "build-essential",
    "pkg-config",
    "curl",
    "file",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libssl-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libdbus-1-dev",
    "fonts-noto-core",
];

/// What the test command needs on top of `APT_LAUNCH`: Chromium for UI tests,
/// PostgreSQL, and python3-xlib, with which a test closes the app's window as a user
/// would.
const APT_TEST: &[&str] = &[
    "python3-xlib",
    "chromium",
    "chromium-driver",
    "postgresql",
    "python3-venv",
];

const TARGETS: &[&str] = &["wasm32-unknown-unknown", "aarch64-linux-android"];

/// What the bench needs on top of running: the load generator and PostgreSQL.
const APT_BENCH: &[&str] = &["wrk", "postgresql", "curl"];

/// What launching the app under Xvfb and watching it through WebDriver needs (the
/// launch bench, the installed package's check): the test command's display, bus,
/// keyring and notification daemon, and WebKit's WebDriver.
const APT_LAUNCH: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dbus",
    "dbus-x11",
    "python3-dbusmock",
    "gnome-keyring",
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
    Bench,
    Bundle,
}

pub fn ensure_all() -> Result<(), String> {
    ensure(Purpose::Test)
}

pub fn ensure(purpose: Purpose) -> Result<(), String> {
    ensure_apt(purpose)?;
    ensure_targets()?;
    let installed = sh::output(sh::cargo().args(["install", "--list"])).unwrap_or_default();
    // The UI's build tools are built unoptimized: they orchestrate cargo and bind one
    // wasm file, and optimizing them cost a newcomer's first run minutes (measured with a
    // fresh cargo home: trunk 3.4 min against 8.3, wasm-bindgen 1.3 against 2.4; binding
    // the UI takes 1.9 s instead of 0.3).
    ensure_cargo_tool(&installed, "trunk", TRUNK, Install::LOCKED_UNOPTIMIZED)?;
    // Not --locked: its lock file pins a crate the registry no longer has.
    ensure_cargo_tool(
        &installed,
        "wasm-bindgen-cli",
        WASM_BINDGEN,
        Install {
            locked: false,
            unoptimized: true,
        },
    )?;
    if purpose != Purpose::Run {
        ensure_cargo_tool(&installed, "tauri-driver", TAURI_DRIVER, Install::LOCKED)?;
    }
    if purpose == Purpose::Test {
        ensure_axe()?;
        ensure_schemathesis()?;
    }
    ensure_binaryen()?;
    if purpose == Purpose::Bundle {
        ensure_tauri_cli()?;
    }
    check_wasm_bindgen_lock()
}

/// The tauri-cli command.
pub fn tauri_cli() -> std::path::PathBuf {
    sh::tools_dir().join("tauri-cli/node_modules/.bin/tauri")
}

fn ensure_tauri_cli() -> Result<(), String> {
    let found = sh::output(Command::new(tauri_cli()).arg("--version")).unwrap_or_default();
    if found.trim() == format!("tauri-cli {TAURI_CLI}") {
        return Ok(());
    }
    npm_install("tauri-cli", &format!("@tauri-apps/cli@{TAURI_CLI}"))
}

pub fn installed(package: &str) -> bool {
    sh::output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_some_and(|status| status.ends_with("install ok installed"))
}

fn ensure_apt(purpose: Purpose) -> Result<(), String> {
    let mut wanted: Vec<&str> = APT_RUN.to_vec();
    match purpose {
        Purpose::Run => {}
        Purpose::Test => {
            wanted.extend_from_slice(APT_LAUNCH);
            wanted.extend_from_slice(APT_TEST);
        }
        Purpose::Bench => {
            wanted.extend_from_slice(APT_BENCH);
            wanted.extend_from_slice(APT_LAUNCH);
        }
        Purpose::Bundle => {
            wanted.extend_from_slice(APT_LAUNCH);
            // The installed package's desktop entry: validated, and asked which app
            // takes souq:// links.
            wanted.extend_from_slice(&["desktop-file-utils", "xdg-utils"]);
        }
    }
    if !sh::succeeds(Command::new("npm").arg("--version")) {
        wanted.push("npm");
    }
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let line = format!("apt-get install -y {}", missing.join(" "));
    if !sh::is_root() {
        return Err(format!(
            "these system packages are missing; install them and run again:\n\n    \
             sudo apt-get update && sudo {line}\n"
        ));
    }
    sh::run(Command::new("apt-get").args(["update", "-q"]))?;
    sh::run(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn ensure_targets() -> Result<(), String> {
    let installed = sh::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    let missing: Vec<&str> = TARGETS
        .iter()
        .copied()
        .filter(|t| !installed.lines().any(|l| l.trim() == *t))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    sh::run(
        Command::new("rustup")
            .args(["target", "add"])
            .args(&missing),
    )
}

/// Installs `krate@version` unless `cargo install --list` already shows that version.
/// How a tool is installed: from its own lock file, and whether optimized.
#[derive(Clone, Copy)]
struct Install {
    locked: bool,
    unoptimized: bool,
}

impl Install {
    const LOCKED: Install = Install {
        locked: true,
        unoptimized: false,
    };
    const LOCKED_UNOPTIMIZED: Install = Install {
        locked: true,
        unoptimized: true,
    };
}

fn ensure_cargo_tool(
    installed: &str,
    krate: &str,
    version: &str,
    how: Install,
) -> Result<(), String> {
    if installed
        .lines()
        .any(|line| line == format!("{krate} v{version}:"))
    {
        return Ok(());
    }
    let mut install = sh::cargo();
    install.arg("install");
    if how.locked {
        install.arg("--locked");
    }
    if how.unoptimized {
        install.arg("--debug");
    }
    sh::run(install.arg(format!("{krate}@{version}")))
}

fn ensure_binaryen() -> Result<(), String> {
    let wasm_opt = sh::tools_dir().join("binaryen/node_modules/.bin/wasm-opt");
    let found = sh::output(Command::new(&wasm_opt).arg("--version")).unwrap_or_default();
    if found.contains(&format!("version {BINARYEN}")) {
        return Ok(());
    }
    npm_install("binaryen", &format!("binaryen@{BINARYEN}"))
}

/// Installs a pinned npm package into its own folder of the tools dir.
fn npm_install(folder: &str, package: &str) -> Result<(), String> {
    let prefix = sh::tools_dir().join(folder);
    std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
    sh::run(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(package),
    )
}

/// The schemathesis command in its virtualenv.
pub fn schemathesis() -> std::path::PathBuf {
    sh::tools_dir().join("schemathesis/bin/schemathesis")
}

fn ensure_schemathesis() -> Result<(), String> {
    let found = sh::output(Command::new(schemathesis()).arg("--version")).unwrap_or_default();
    if found.contains(SCHEMATHESIS) {
        return Ok(());
    }
    let venv = sh::tools_dir().join("schemathesis");
    // Debian's Python, not whatever else is first on PATH: a fresh machine has it.
    sh::run(
        Command::new("/usr/bin/python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )?;
    sh::run(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("schemathesis=={SCHEMATHESIS}")),
    )
}

/// axe-core's script, which the end-to-end suite injects into every screen it checks.
pub fn axe_script() -> std::path::PathBuf {
    sh::tools_dir().join("axe/node_modules/axe-core/axe.min.js")
}

fn ensure_axe() -> Result<(), String> {
    let manifest = sh::tools_dir().join("axe/node_modules/axe-core/package.json");
    let installed = std::fs::read_to_string(&manifest).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{AXE_CORE}\"")) && axe_script().exists() {
        return Ok(());
    }
    npm_install("axe", &format!("axe-core@{AXE_CORE}"))
}

/// trunk refuses a wasm-bindgen CLI that differs from the library; say so early.
fn check_wasm_bindgen_lock() -> Result<(), String> {
    let lock = std::fs::read_to_string(sh::root().join("Cargo.lock")).unwrap_or_default();
    let pinned = format!("name = \"wasm-bindgen\"\nversion = \"{WASM_BINDGEN}\"");
    if lock.contains("name = \"wasm-bindgen\"") && !lock.contains(&pinned) {
        return Err(format!(
            "Cargo.lock's wasm-bindgen differs from the pinned CLI {WASM_BINDGEN}; \
             update xtask/src/setup.rs, ui/Trunk.toml and ui/Cargo.toml together"
        ));
    }
    Ok(())
}
