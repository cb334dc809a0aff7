//! Sign-in floods: the server's memory and the health endpoint under them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::harness::*;

pub(super) const FLOOD_TOTAL: u32 = 1_500;
pub(super) const FLOOD_CONCURRENCY: u32 = 500;

/// How long health is measured from the flood's start.
pub(super) const FLOOD_HEALTH_SECONDS: u32 = 8;

pub(super) struct FloodRow {
    pub(super) outcome: String,
    pub(super) before: u64,
    pub(super) peak: u64,
    pub(super) health: Figures,
}

/// The server's resident memory in bytes, from /proc.
pub(super) fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Runs one flood while wrk measures health and a thread samples the server's memory.
pub(super) fn flood(
    flooder: &Path,
    base: &str,
    pid: u32,
    addresses: u32,
    health_script: &PathBuf,
) -> Result<FloodRow, String> {
    let before = resident_bytes(pid).ok_or("cannot read the server's memory")?;
    let child = Command::new(flooder)
        .args([
            base,
            &FLOOD_TOTAL.to_string(),
            &FLOOD_CONCURRENCY.to_string(),
            &addresses.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", flooder.display()))?;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = std::sync::Arc::clone(&done);
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(resident_bytes(pid).unwrap_or(0));
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            peak
        })
    };
    let health = wrk_with(
        &format!("{base}/v1/health"),
        health_script,
        16,
        FLOOD_HEALTH_SECONDS,
    );
    let out = child
        .wait_with_output()
        .map_err(|e| format!("sign-in flood: {e}"))?;
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().map_err(|_| "memory sampler panicked")?;
    Ok(FloodRow {
        outcome: String::from_utf8_lossy(&out.stdout).trim().to_string(),
        before,
        peak: peak.max(before),
        health: health?,
    })
}
