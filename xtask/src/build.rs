//! Building what the tasks run: the UI into ui/dist, the app, where cargo puts them,
//! and the virtual display the app runs headless on.

use std::path::PathBuf;
use std::process::Command;

use crate::sh;

pub const APP_BINARY: &str = "souq-app";

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| sh::root().join("target"), PathBuf::from)
}

/// A command run on a virtual display inside its own session bus, as the app is run
/// headless by the end-to-end tests, the launch bench and the installed package's
/// check: append the program and its arguments.
pub fn headless_session() -> Command {
    let mut command = Command::new("xvfb-run");
    command.args([
        "-a",
        "-s",
        "-screen 0 1280x800x24",
        "dbus-run-session",
        "--",
    ]);
    command
}

/// Builds the Leptos UI into ui/dist, which the app embeds.
pub fn build_ui() -> Result<(), String> {
    sh::run(
        Command::new("trunk")
            .args(["build", "--release"])
            .current_dir(sh::root().join("ui"))
            .env("PATH", sh::tool_path()),
    )
}

pub fn build_app() -> Result<PathBuf, String> {
    sh::run(sh::cargo().args(["build", "-p", APP_BINARY]))?;
    Ok(target_dir().join("debug").join(APP_BINARY))
}
