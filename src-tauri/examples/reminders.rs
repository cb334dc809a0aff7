//! Drop reminders at scale, for `cargo xtask bench`: `reminders COUNT IDLE_SECONDS`.
//! Puts COUNT reminders (half as many drops, each with its two) in the app's book, runs
//! the desktop timer over it as the app does (kept in a file, the system clock), and
//! prints one line: the resident memory they cost, how late one more reminder, due two
//! seconds in, fired, and the CPU the process used while idle for IDLE_SECONDS after
//! it, with all the others pending:
//! `reminders=N memory_mib=F idle_cpu_ms=F late_ms=F`.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::as_conversions,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use souq_app_lib::reminders::book::{Book, DropInfo, Due};
use souq_app_lib::reminders::timer::{self, Clock, Shared, Shower};
use souq_app_lib::reminders::{FileKeeper, SystemClock};
use souq_wire::DropState;

/// The resident memory of this process, in bytes.
fn resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kib| kib.parse::<u64>().ok())
        .unwrap()
        * 1024
}

/// The CPU time this process used so far (user and system), in ms.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command's closing parenthesis; utime and stime are 14th and 15th.
    let rest = stat.rsplit_once(')').unwrap().1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 * 10.0
}

/// Records when each reminder fired.
struct Recorder(Mutex<Vec<(i64, i64)>>);

impl Shower for Recorder {
    fn show(&self, due: &Due) {
        self.0
            .lock()
            .unwrap()
            .push((due.drop.id, SystemClock.now_ms()));
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: i64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let idle: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reminders.json");
    let before = resident();
    let now = SystemClock.now_ms();
    let mut book = Book::default();
    // Spread over the next month, an hour or more away: all pending while idle.
    for id in 1..=count / 2 {
        book.remind(
            DropInfo {
                id,
                title: format!("Limited edition drop number {id}"),
                store: format!("Store {}", id % 500),
                launch_at_ms: now + 3_600_000 + id * 250_000,
                state: DropState::Scheduled,
            },
            now,
        );
    }
    // One more, whose launch comes during the idle time.
    let due = now + 2_000;
    book.remind(
        DropInfo {
            id: 0,
            title: "The one due now".into(),
            store: "Store".into(),
            launch_at_ms: due,
            state: DropState::Scheduled,
        },
        now,
    );
    let shared = Shared::new(book);
    let recorder = Arc::new(Recorder(Mutex::new(Vec::new())));
    tokio::spawn(timer::run(
        Arc::clone(&shared),
        Arc::new(SystemClock),
        recorder.clone(),
        Arc::new(FileKeeper(path)),
    ));
    // The one due fires (and the book is saved) before the idle time is measured.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let memory = resident().saturating_sub(before);
    let cpu_before = cpu_ms();
    let idle_start = Instant::now();
    tokio::time::sleep(Duration::from_secs(idle)).await;
    let idle_cpu = cpu_ms() - cpu_before;
    let idle_secs = idle_start.elapsed().as_secs_f64();
    let fired = recorder.0.lock().unwrap().clone();
    let late = fired
        .iter()
        .find(|(id, _)| *id == 0)
        .map(|(_, at)| (at - due) as f64)
        .unwrap_or(f64::NAN);
    assert_eq!(fired.len(), 1, "only the one due fired");
    println!(
        "reminders={} memory_mib={:.2} idle_cpu_ms={idle_cpu:.0} idle_s={idle_secs:.1} late_ms={late:.0}",
        shared.book.lock().await.pending_count(),
        memory as f64 / (1024.0 * 1024.0),
    );
}
