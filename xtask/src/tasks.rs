//! The tasks behind the README's two commands.

use std::process::Command;

use crate::build::{APP_BINARY, build_app, build_ui, headless_session};
use crate::postgres::TempPostgres;
use crate::setup::{self, Purpose};
use crate::sh;

/// `cargo xtask run`: install, build, launch the desktop app.
pub fn run() -> Result<(), String> {
    setup::ensure(Purpose::Run)?;
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    build_ui()?;
    let app = build_app()?;
    if !has_display {
        return Err(format!(
            "no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot \
             open. Built {}. To run it headless, under a virtual display:\n\n    \
             xvfb-run -a cargo xtask run\n",
            app.display()
        ));
    }
    sh::run(&mut Command::new(app))
}

/// `cargo xtask test`: everything CI checks, in order of cost.
pub fn test() -> Result<(), String> {
    setup::ensure(Purpose::Test)?;
    sh::run(sh::cargo().args(["fmt", "--all", "--", "--check"]))?;
    crate::layers::check(true)?;
    // The app embeds ui/dist at compile time, so the UI is built before anything else.
    build_ui()?;
    sh::run(sh::cargo().args([
        "clippy",
        "--workspace",
        "--exclude",
        "souq-ui",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    sh::run(sh::cargo().args([
        "clippy",
        "-p",
        "souq-ui",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    {
        let postgres = TempPostgres::start()?;
        sh::run(
            sh::cargo()
                .args([
                    "test",
                    "--workspace",
                    "--exclude",
                    "souq-ui",
                    "--exclude",
                    "souq-e2e",
                ])
                .env("SOUQ_TEST_POSTGRES_URL", &postgres.url),
        )?;
        crate::fuzz::run(&postgres)?;
    }

    sh::run(
        sh::cargo()
            .args([
                "test",
                "-p",
                "souq-ui",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("PATH", sh::tool_path()),
    )?;

    // A cheap mobile compile check: no NDK is needed to type-check the app crate.
    sh::run(sh::cargo().args([
        "check",
        "-p",
        APP_BINARY,
        "--target",
        "aarch64-linux-android",
    ]))?;

    let app = build_app()?;
    sh::run(
        headless_session()
            .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["test", "-p", "souq-e2e", "--", "--test-threads=1"])
            .env("SOUQ_E2E_APP", &app)
            .env("SOUQ_AXE_JS", setup::axe_script())
            .env("PATH", sh::tool_path())
            .current_dir(sh::root()),
    )?;
    eprintln!("xtask: all checks passed");
    Ok(())
}

/// `cargo xtask soak`: the money simulation of `cargo xtask test`, for far longer: many
/// seeds of many steps on both engines, PostgreSQL flushing every commit as a
/// deployment does. A failure prints the seed that replays it.
pub fn soak() -> Result<(), String> {
    let postgres = TempPostgres::start_durable()?;
    let seeds = std::env::var("SOUQ_SIM_SEEDS").unwrap_or_else(|_| "20".into());
    let steps = std::env::var("SOUQ_SIM_STEPS").unwrap_or_else(|_| "2000".into());
    sh::run(
        sh::cargo()
            .args([
                "test",
                "--release",
                "-p",
                "souq-server",
                "--test",
                "simulation",
                "--",
                "--nocapture",
            ])
            .env("SOUQ_TEST_POSTGRES_URL", &postgres.url)
            .env("SOUQ_SIM_SEEDS", seeds)
            .env("SOUQ_SIM_STEPS", steps),
    )
}
