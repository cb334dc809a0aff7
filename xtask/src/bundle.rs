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
    let bundle = tasks::target_dir().join("release/bundle");
    for (deb, _) in installers(&bundle)?.iter().filter(|(p, _)| is_deb(p)) {
        repack(deb)?;
    }
    let found = installers(&bundle)?;
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

/// tauri-cli's .deb holds the binary with its symbols, gzipped. Debian's own tools
/// strip it and pack it again with xz, as Debian packs its archive: the same files,
/// about a third smaller.
fn repack(deb: &Path) -> Result<(), String> {
    let dir = deb.with_extension("contents");
    let _ = std::fs::remove_dir_all(&dir);
    sh::run(
        Command::new("dpkg-deb")
            .arg("--raw-extract")
            .arg(deb)
            .arg(&dir),
    )?;
    let bin = dir.join("usr/bin");
    let binaries = std::fs::read_dir(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    for binary in binaries.flatten() {
        sh::run(
            Command::new("strip")
                .arg("--strip-unneeded")
                .arg(binary.path()),
        )?;
    }
    // The control files tell the files' sums and the installed size: of the stripped
    // binary now.
    let sums = sh::output(
        Command::new("sh")
            .args(["-c", "find usr -type f -print0 | sort -z | xargs -0 md5sum"])
            .current_dir(&dir),
    )
    .ok_or("md5sum failed")?;
    std::fs::write(dir.join("DEBIAN/md5sums"), format!("{sums}\n")).map_err(|e| e.to_string())?;
    let kib = sh::output(Command::new("du").args(["-sk", "usr"]).current_dir(&dir))
        .and_then(|out| out.split_whitespace().next().map(str::to_string))
        .ok_or("du failed")?;
    let control = dir.join("DEBIAN/control");
    let text = std::fs::read_to_string(&control).map_err(|e| e.to_string())?;
    let text: String = text
        .lines()
        .map(|line| {
            if line.starts_with("Installed-Size:") {
                format!("Installed-Size: {kib}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    std::fs::write(&control, text).map_err(|e| e.to_string())?;
    sh::run(
        Command::new("dpkg-deb")
            .args(["-Zxz", "-z9", "--root-owner-group", "--build"])
            .arg(&dir)
            .arg(deb),
    )?;
    std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))
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
