//! `cargo xtask bundle`: this platform's installers. Installs the pinned tauri-cli (the
//! npm package's prebuilt binary, in seconds rather than a 10-minute cargo install),
//! builds the release UI, and has tauri-cli build the release app and bundle it; then
//! prints where each installer is and its size, fails when the .deb outgrows its
//! budget, and checks the .deb as a user gets it: installed (into a throwaway root, or
//! with `--install` as root into this machine), its desktop entry taking souq://
//! links, and the installed app opening on the sign-in screen under Xvfb.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::build;
use crate::setup::{self, Purpose};
use crate::sh;

/// The most the .deb may weigh, in bytes (10 MB).
pub const DEB_BUDGET: u64 = 10_000_000;

/// The installer built with the app, and the one bundled from it after (which needs
/// tools tauri-cli downloads from github.com).
const BUNDLES: &str = "deb";
const APPIMAGE: &str = "appimage";

/// Where the check installs the .deb.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum InstallInto {
    /// A folder of its own, unpacked by dpkg, gone after the check.
    ThrowawayRoot,
    /// This machine, by apt (as root only).
    Machine,
}

pub fn run(into: InstallInto) -> Result<(), String> {
    setup::ensure(Purpose::Bundle)?;
    build::build_ui()?;
    let signing = signing_config();
    sh::run(
        Command::new(setup::tauri_cli())
            .args(["build", "--bundles", BUNDLES])
            .args(&signing)
            .current_dir(sh::root().join("src-tauri"))
            .env("PATH", sh::tool_path()),
    )?;
    appimage(&signing)?;
    let bundle = build::target_dir().join("release/bundle");
    for (deb, _) in installers(&bundle)?.iter().filter(|(p, _)| is_deb(p)) {
        repack(deb)?;
    }
    let found = installers(&bundle)?;
    if found.is_empty() {
        return Err("tauri-cli built no installer".into());
    }
    if !signing.is_empty() {
        release_manifest(&bundle, &found)?;
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
        check_installed(path, into)?;
    }
    Ok(())
}

/// Installs the .deb as `into` says and checks what a user would get: the packages it
/// depends on are this system's, its desktop entry is valid and is the one the desktop
/// picks for souq:// links, and the installed binary opens on the sign-in screen, where
/// the demo shopper signs in and reads the feed.
fn check_installed(deb: &Path, into: InstallInto) -> Result<(), String> {
    let throwaway = tempfile_dir()?;
    let root = match into {
        InstallInto::ThrowawayRoot => {
            missing_dependencies(deb)?;
            sh::run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&throwaway))?;
            throwaway.clone()
        }
        InstallInto::Machine => {
            // apt, not dpkg: it installs what the package depends on too.
            sh::run(
                Command::new("apt-get")
                    .args(["install", "-y", "--reinstall"])
                    .arg(deb),
            )?;
            PathBuf::from("/")
        }
    };
    let result = check_root(&root, &throwaway);
    let _ = std::fs::remove_dir_all(&throwaway);
    result?;
    println!(
        "{} works installed: the desktop entry takes souq:// links and the app opens on the sign-in screen",
        deb.display()
    );
    Ok(())
}

fn check_root(root: &Path, scratch: &Path) -> Result<(), String> {
    let applications = root.join("usr/share/applications");
    let entry = std::fs::read_dir(&applications)
        .map_err(|e| format!("{}: {e}", applications.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "desktop"))
        .ok_or("the package installs no desktop entry")?;
    sh::run(Command::new("desktop-file-validate").arg(&entry))?;
    let text = std::fs::read_to_string(&entry).map_err(|e| e.to_string())?;
    let line = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_default()
    };
    // The link must reach the app too: the desktop passes it where Exec says %u.
    if !line("MimeType=").contains("x-scheme-handler/souq") || !line("Exec=").contains("%u") {
        return Err(format!(
            "{} does not take souq:// links:\n{text}",
            entry.display()
        ));
    }
    // What the desktop asks when a souq:// link is opened, over this entry alone: the
    // cache update-desktop-database writes (as the package's trigger does on install).
    let share = scratch.join("share");
    let apps = share.join("applications");
    std::fs::create_dir_all(&apps).map_err(|e| e.to_string())?;
    let name = entry.file_name().ok_or("a desktop entry without a name")?;
    std::fs::copy(&entry, apps.join(name)).map_err(|e| e.to_string())?;
    sh::run(Command::new("update-desktop-database").arg(&apps))?;
    let picked = sh::output(
        Command::new("xdg-mime")
            .args(["query", "default", "x-scheme-handler/souq"])
            .env("XDG_DATA_DIRS", &share)
            .env("XDG_DATA_HOME", scratch.join("home"))
            .env("XDG_CONFIG_HOME", scratch.join("config"))
            .env_remove("XDG_CURRENT_DESKTOP"),
    )
    .unwrap_or_default();
    if picked.trim() != name.to_string_lossy() {
        return Err(format!(
            "the desktop opens souq:// links with {picked:?}, not {}",
            name.to_string_lossy()
        ));
    }
    let binary = root.join("usr/bin").join(build::APP_BINARY);
    sh::run(sh::cargo().args([
        "build",
        "--release",
        "-p",
        "souq-e2e",
        "--example",
        "installed",
    ]))?;
    sh::run(
        build::headless_session()
            .arg(build::target_dir().join("release/examples/installed"))
            .env("SOUQ_E2E_APP", &binary)
            .env("PATH", sh::tool_path()),
    )
}

/// A new, empty folder under the target dir.
fn tempfile_dir() -> Result<PathBuf, String> {
    let dir = build::target_dir().join(format!("installed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// Fails, naming them, when packages the .deb depends on are not on this system (the
/// throwaway root has only the package's own files; the rest comes from the system).
fn missing_dependencies(deb: &Path) -> Result<(), String> {
    let depends = sh::output(
        Command::new("dpkg-deb")
            .args(["-f"])
            .arg(deb)
            .arg("Depends"),
    )
    .unwrap_or_default();
    let missing: Vec<&str> = depends
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .filter(|alternatives| {
            !alternatives.split('|').any(|alternative| {
                let package = alternative.split_whitespace().next().unwrap_or_default();
                setup::installed(package)
            })
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} needs what this system lacks: {}",
            deb.display(),
            missing.join(", ")
        ))
    }
}

/// With the release key at hand (TAURI_SIGNING_PRIVATE_KEY, and its password in
/// TAURI_SIGNING_PRIVATE_KEY_PASSWORD), tauri-cli also signs each installer for the
/// updater (a `.sig` beside it).
fn signing_config() -> Vec<String> {
    if std::env::var_os("TAURI_SIGNING_PRIVATE_KEY").is_some() {
        vec![
            "--config".into(),
            r#"{"bundle":{"createUpdaterArtifacts":true}}"#.into(),
        ]
    } else {
        Vec::new()
    }
}

/// Signs each installer again (the repacked .deb is not the file tauri-cli signed) and
/// writes the update manifest the app's updater reads, `latest.json`, naming each
/// installer under SOUQ_RELEASE_URL (where the release is uploaded) with its signature,
/// and SOUQ_RELEASE_NOTES as what is new. The signatures record the version, which the
/// app requires (`requireSignedVersion`).
fn release_manifest(bundle: &Path, found: &[(PathBuf, u64)]) -> Result<(), String> {
    let base = std::env::var("SOUQ_RELEASE_URL")
        .map_err(|_| "SOUQ_RELEASE_URL: where the release's installers will be served from")?;
    let version = sh::output(sh::cargo().args(["pkgid", "-p", build::APP_BINARY]))
        .and_then(|id| id.trim().rsplit(['@', '#']).next().map(str::to_string))
        .ok_or("cannot read the app's version")?;
    let published =
        sh::output(Command::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])).ok_or("no clock")?;
    let mut platforms = Vec::new();
    for (path, _) in found {
        sh::run(
            Command::new(setup::tauri_cli())
                .args(["signer", "sign"])
                .arg(path)
                .env("PATH", sh::tool_path()),
        )?;
        let mut sig = path.clone().into_os_string();
        sig.push(".sig");
        let signature = std::fs::read_to_string(&sig).map_err(|e| format!("{sig:?}: {e}"))?;
        let name = path.file_name().ok_or("an installer without a name")?;
        let kind = if is_deb(path) { "deb" } else { "appimage" };
        platforms.push(format!(
            "\"linux-x86_64-{kind}\":{{\"signature\":{},\"url\":{}}}",
            json_string(signature.trim()),
            json_string(&format!(
                "{}/{}",
                base.trim_end_matches('/'),
                name.to_string_lossy()
            ))
        ));
    }
    let notes = std::env::var("SOUQ_RELEASE_NOTES").unwrap_or_default();
    let manifest = format!(
        "{{\"version\":{},\"notes\":{},\"pub_date\":{},\"platforms\":{{{}}}}}\n",
        json_string(&version),
        json_string(&notes),
        json_string(published.trim()),
        platforms.join(",")
    );
    let path = bundle.join("latest.json");
    std::fs::write(&path, manifest).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{} (the update manifest)", path.display());
    Ok(())
}

/// `text` as a JSON string.
fn json_string(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The AppImage, bundled from the app just built. tauri-cli downloads linuxdeploy and
/// the AppImage runtime from github.com for it; where that cannot be reached (as on a
/// machine whose only network is the package registries) it is left out, saying why.
fn appimage(signing: &[String]) -> Result<(), String> {
    let reachable = std::net::ToSocketAddrs::to_socket_addrs(&("github.com", 443))
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| {
            std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(5)).is_ok()
        });
    if !reachable {
        eprintln!(
            "xtask: no AppImage: tauri-cli downloads linuxdeploy and the AppImage runtime \
             from github.com, which this machine cannot reach"
        );
        return Ok(());
    }
    sh::run(
        Command::new(setup::tauri_cli())
            .args(["bundle", "--bundles", APPIMAGE])
            .args(signing)
            .current_dir(sh::root().join("src-tauri"))
            .env("PATH", sh::tool_path()),
    )
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
