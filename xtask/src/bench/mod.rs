//! `cargo xtask bench`: measured speed, side by side with the HTTP stack's ceiling.
//!
//! The feed part loads 100,000 users and 1,000,000 posts into a throwaway PostgreSQL,
//! starts the release `souq-server` on it, signs in 64 viewers who each follow 150
//! accounts, and drives the Following and For-you candidate endpoints at 64 concurrent
//! connections with wrk, in the same run as the health endpoint (the ceiling: the HTTP
//! stack with no database work). It prints requests/s, p50 and p99 as a Markdown table
//! for docs/BENCHMARKS.md.

use crate::setup::{self, Purpose};

use crate::sh;

mod feed;
mod flood;
pub mod harness;
mod launch;
mod reminders;
mod rush;
mod search;
mod sends;

use feed::*;
use launch::*;
use reminders::*;
use rush::*;
use sends::*;

pub fn run() -> Result<(), String> {
    feed_and_shop(true)?;
    let binary = crate::build::target_dir().join("release/souq-server");
    for drop in [false, true] {
        let rush = rush(&binary, drop)?;
        print_rush(&rush);
    }
    print_sends(&sends(&binary)?);
    print_reminders(&reminders()?);
    print_launches(&launches()?);
    Ok(())
}

/// The app's launch beside a bare Tauri window: `cargo xtask bench launch`.
pub fn launch_only() -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    print_launches(&launches()?);
    Ok(())
}

/// The shop's search alone (on the same users and stores): `cargo xtask bench search`.
pub fn search_only() -> Result<(), String> {
    feed_and_shop(false)
}

/// The rush alone: `cargo xtask bench rush`.
pub fn rush_only() -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    sh::run(sh::cargo().args(["build", "--release", "-p", "souq-server"]))?;
    let binary = crate::build::target_dir().join("release/souq-server");
    for drop in [false, true] {
        let rush = rush(&binary, drop)?;
        print_rush(&rush);
    }
    Ok(())
}

/// Money between people alone: `cargo xtask bench sends`.
pub fn sends_only() -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    sh::run(sh::cargo().args(["build", "--release", "-p", "souq-server"]))?;
    let binary = crate::build::target_dir().join("release/souq-server");
    print_sends(&sends(&binary)?);
    Ok(())
}

/// The device's reminders alone: `cargo xtask bench reminders`.
pub fn reminders_only() -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    print_reminders(&reminders()?);
    Ok(())
}
