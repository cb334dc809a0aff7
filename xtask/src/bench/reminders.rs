//! 10,000 drop reminders on the device: the app's timer, its memory and its wake-ups.

use std::process::Command;

use super::harness::*;
use super::launch::figures;
use super::rush::RUSH_ROUNDS;
use crate::sh;

/// How many drop reminders the device holds in the measurement, and how long it idles.
pub(super) const REMINDERS: u32 = 10_000;
pub(super) const REMINDERS_IDLE_SECONDS: u32 = 10;

/// The app's reminder book and desktop timer with 10,000 reminders pending (the app's
/// own code, built as it ships): what they cost in memory, the CPU used while idle,
/// and how late one due among them fires. Three rounds; each line is the example's.
pub(super) fn reminders() -> Result<Vec<String>, String> {
    let program = release_example("souq-app", "reminders")?;
    let mut rounds = Vec::new();
    for round in 0..RUSH_ROUNDS {
        eprintln!("bench: reminders, round {}", round + 1);
        let out = sh::output(
            Command::new(&program)
                .arg(REMINDERS.to_string())
                .arg(REMINDERS_IDLE_SECONDS.to_string()),
        )
        .ok_or("the reminders example failed")?;
        eprintln!("bench: reminders: {}", out.trim());
        rounds.push(out.trim().to_string());
    }
    Ok(rounds)
}

pub(super) fn print_reminders(rounds: &[String]) {
    let all = |name: &str| figures(rounds, name);
    println!(
        "\n| drop reminders on the device ({REMINDERS} pending; {} rounds) | median | rounds | target |",
        rounds.len()
    );
    println!("|---|---:|---|---|");
    for (label, name, target) in [
        ("memory they cost (MiB)", "memory_mib", "under 20 MB"),
        ("CPU while idle for 10 s (ms)", "idle_cpu_ms", "none"),
        (
            "a due reminder fired late by (ms)",
            "late_ms",
            "under 1,000",
        ),
    ] {
        let values = all(name);
        let list = values
            .iter()
            .map(|v| format!("{v:.2}"))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "| {label} | {:.2} | {list} | {target} |",
            median(values.clone())
        );
    }
}
