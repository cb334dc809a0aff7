//! The app's first and next launches beside a bare Tauri window.

use super::harness::*;
use crate::sh;

/// Rounds of the launch measurement (SOUQ_LAUNCH_ROUNDS).
pub(super) const LAUNCH_ROUNDS: u32 = 7;

/// Souq's first and next launches and a bare Tauri window's, alternating in one run,
/// each from asking WebDriver for the app until its screen shows: release builds
/// under Xvfb on one session bus with a keyring, as the end-to-end tests run them
/// (`tests/examples/launch.rs`). Each line is a round.
pub(super) fn launches() -> Result<Vec<String>, String> {
    crate::build::build_ui()?;
    sh::run(sh::cargo().args([
        "build",
        "--release",
        "-p",
        "souq-app",
        "--bin",
        "souq-app",
        "--example",
        "bare_window",
    ]))?;
    sh::run(sh::cargo().args([
        "build",
        "--release",
        "-p",
        "souq-e2e",
        "--example",
        "launch",
    ]))?;
    let release = crate::build::target_dir().join("release");
    let rounds = env_number("SOUQ_LAUNCH_ROUNDS", LAUNCH_ROUNDS);
    eprintln!("bench: launches, {rounds} rounds");
    let out = sh::output(
        crate::build::headless_session()
            .arg(release.join("examples/launch"))
            .arg(rounds.to_string())
            .env("SOUQ_E2E_APP", release.join(crate::build::APP_BINARY))
            .env("SOUQ_BARE_WINDOW", release.join("examples/bare_window"))
            .env("PATH", sh::tool_path()),
    )
    .ok_or("the launch measurement failed")?;
    let lines: Vec<String> = out
        .lines()
        .filter(|line| line.starts_with("bare_ms="))
        .map(str::to_string)
        .collect();
    for line in &lines {
        eprintln!("bench: launch: {line}");
    }
    Ok(lines)
}

/// The value of `name=` in each round's line (an example's `name=value ...` output).
pub(super) fn figures(rounds: &[String], name: &str) -> Vec<f64> {
    let key = format!("{name}=");
    rounds
        .iter()
        .filter_map(|line| {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(&key))
                .and_then(|v| v.parse().ok())
        })
        .collect()
}

pub(super) fn print_launches(rounds: &[String]) {
    let all = |name: &str| figures(rounds, name);
    let bare = median(all("bare_ms"));
    println!(
        "\n| launch until the screen shows ({} rounds, ms) | median | rounds | vs bare window |",
        rounds.len()
    );
    println!("|---|---:|---|---:|");
    for (label, name) in [
        ("bare Tauri window: its page", "bare_ms"),
        ("Souq, first launch: the sign-in screen", "first_ms"),
        (
            "Souq, first launch: the demo loaded behind it",
            "demo_ready_ms",
        ),
        ("Souq, next launch: the sign-in screen", "later_ms"),
    ] {
        let values = all(name);
        let list = values
            .iter()
            .map(|v| format!("{v:.0}"))
            .collect::<Vec<_>>()
            .join(", ");
        let value = median(values);
        println!("| {label} | {value:.0} | {list} | {:.2}x |", value / bare);
    }
}
