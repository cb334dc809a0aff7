//! `cargo xtask bundle`: this platform's installers. Installs the pinned tauri-cli (the
//! npm package's prebuilt binary, in seconds rather than a 10-minute cargo install),
//! builds the release UI, and has tauri-cli build the release app and bundle it; then
//! prints where each installer is and its size, and fails when the .deb outgrows its
//! budget.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::setup::{self, Purpose};
use crate::sh;
use crate::tasks;

/// The most the .deb may weigh, in bytes (10 MB).
pub const DEB_BUDGET: u64 = 10_000_000;

/// The installers this platform gets.
const BUNDLES: &str = "deb";

pub fn run() -> Result<(), String> {
    setup::ensure(Purpose::Bundle)?;
    tasks::build_ui()?;
    sh::run(
        Command::new(setup::tauri_cli())
            .args(["build", "--bundles", BUNDLES])
            .current_dir(sh::root().join("src-tauri"))
            .env("PATH", sh::tool_path()),
    )?;
    let found = installers(&tasks::target_dir().join("release/bundle"))?;
    if found.is_empty() {
        return Err("tauri-cli built no installer".into());
    }
    for (path, bytes) in &found {
        println!("{} ({:.1} MB)", path.display(), mb(*bytes));
    }
    for (path, bytes) in found.iter().filter(|(p, _)| is_deb(p)) {
        if *bytes > DEB_BUDGET {
            return Err(format!(
                "{} is {:.1} MB, over its budget of {:.1} MB",
                path.display(),
                mb(*bytes),
                mb(DEB_BUDGET)
            ));
        }
    }
    Ok(())
}

fn mb(bytes: u64) -> f64 {
    // Exact for any installer size: u32 holds up to 4 GB.
    f64::from(u32::try_from(bytes).unwrap_or(u32::MAX)) / 1_000_000.0
}

fn is_deb(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "deb")
}

/// Every installer under the bundle folder (one folder per kind), with its size.
fn installers(bundle: &Path) -> Result<Vec<(PathBuf, u64)>, String> {
    let mut found = Vec::new();
    let kinds = std::fs::read_dir(bundle).map_err(|e| format!("{}: {e}", bundle.display()))?;
    for kind in kinds.flatten() {
        let Ok(files) = std::fs::read_dir(kind.path()) else {
            continue;
        };
        for file in files.flatten() {
            let path = file.path();
            let installer = path
                .extension()
                .is_some_and(|e| e == "deb" || e == "AppImage" || e == "rpm");
            if installer && let Ok(meta) = file.metadata() {
                found.push((path, meta.len()));
            }
        }
    }
    found.sort();
    Ok(found)
}
