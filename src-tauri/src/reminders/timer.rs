//! The desktop's reminder timer: one task and one sleep, until the next due reminder
//! (not a task per reminder), woken early when the book changes. What is due is marked
//! delivered and saved before it is shown, so a crash between the two can lose a
//! notification but never show one twice. On paused tokio time in tests.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, Notify};

use super::book::{Book, Due};

/// The longest sleep without looking at the wall clock again: it may jump, and the
/// monotonic clock tokio sleeps on stops while the machine sleeps.
pub const LOOK_AGAIN: Duration = Duration::from_secs(60);

/// The time of day, in ms since the epoch (the system's; a test's own).
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> i64;
}

/// Where due reminders go: the OS's notifications (a test's list).
pub trait Shower: Send + Sync + 'static {
    fn show(&self, due: &Due);
}

/// Keeps the book on disk; called with every change before anything is shown.
pub trait Keeper: Send + Sync + 'static {
    fn keep(&self, book: &Book);
}

/// The book with what drives it: the timer wakes on `changed`.
pub struct Shared {
    pub book: Mutex<Book>,
    pub changed: Notify,
}

impl Shared {
    pub fn new(book: Book) -> Arc<Shared> {
        Arc::new(Shared {
            book: Mutex::new(book),
            changed: Notify::new(),
        })
    }
}

/// Runs until the task is dropped.
pub async fn run(
    shared: Arc<Shared>,
    clock: Arc<dyn Clock>,
    shower: Arc<dyn Shower>,
    keeper: Arc<dyn Keeper>,
) {
    loop {
        let changed = shared.changed.notified();
        let now = clock.now_ms();
        let (due, next) = {
            let mut book = shared.book.lock().await;
            let pending = book.pending_count();
            let due = book.take_due(now);
            if book.pending_count() != pending {
                keeper.keep(&book);
            }
            (due, book.next_due(now))
        };
        for reminder in &due {
            shower.show(reminder);
        }
        match next {
            // Came due while this pass ran: take it now.
            Some(at) if at <= now => {}
            Some(at) => {
                let wait = Duration::from_millis(u64::try_from(at - now).unwrap_or(0));
                tokio::select! {
                    _ = tokio::time::sleep(wait.min(LOOK_AGAIN)) => {}
                    _ = changed => {}
                }
            }
            None => changed.await,
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use std::sync::Mutex as StdMutex;

    use chrono::TimeZone;
    use souq_wire::DropState;

    use super::super::book::{DropInfo, Kind};
    use super::*;

    /// Wall-clock time that moves with tokio's (paused) clock.
    struct TestClock {
        start_ms: i64,
        start: tokio::time::Instant,
    }

    impl Clock for TestClock {
        fn now_ms(&self) -> i64 {
            let passed = i64::try_from(self.start.elapsed().as_millis()).unwrap_or(i64::MAX);
            self.start_ms + passed
        }
    }

    #[derive(Default)]
    struct Shown(StdMutex<Vec<(i64, Kind, i64)>>);

    struct Recorder {
        shown: Arc<Shown>,
        clock: Arc<TestClock>,
    }

    impl Shower for Recorder {
        fn show(&self, due: &Due) {
            if let Ok(mut shown) = self.shown.0.lock() {
                shown.push((due.drop.id, due.kind, self.clock.now_ms()));
            }
        }
    }

    /// Keeps the book as a restart would find it.
    #[derive(Default)]
    struct Disk(StdMutex<Vec<u8>>);

    impl Keeper for Disk {
        fn keep(&self, book: &Book) {
            if let Ok(mut disk) = self.0.lock() {
                *disk = serde_json::to_vec(book).unwrap_or_default();
            }
        }
    }

    impl Disk {
        fn load(&self) -> Book {
            self.0
                .lock()
                .ok()
                .and_then(|disk| serde_json::from_slice(&disk).ok())
                .unwrap_or_default()
        }
    }

    const MIN: i64 = 60_000;
    const T0: i64 = 1_800_000_000_000;

    struct Running {
        shared: Arc<Shared>,
        shown: Arc<Shown>,
        clock: Arc<TestClock>,
        disk: Arc<Disk>,
        task: tokio::task::JoinHandle<()>,
    }

    fn start(book: Book, start_ms: i64, disk: Arc<Disk>) -> Running {
        let shared = Shared::new(book);
        let clock = Arc::new(TestClock {
            start_ms,
            start: tokio::time::Instant::now(),
        });
        let shown = Arc::new(Shown::default());
        let recorder = Arc::new(Recorder {
            shown: Arc::clone(&shown),
            clock: Arc::clone(&clock),
        });
        let task = tokio::spawn(run(
            Arc::clone(&shared),
            clock.clone(),
            recorder,
            disk.clone(),
        ));
        Running {
            shared,
            shown,
            clock,
            disk,
            task,
        }
    }

    impl Running {
        async fn remind(&self, id: i64, launch: i64) {
            let now = self.clock.now_ms();
            self.shared.book.lock().await.remind(info(id, launch), now);
            self.shared.changed.notify_one();
        }

        fn shown(&self) -> Vec<(i64, Kind, i64)> {
            self.shown.0.lock().map(|s| s.clone()).unwrap_or_default()
        }
    }

    fn info(id: i64, launch: i64) -> DropInfo {
        DropInfo {
            id,
            title: format!("Drop {id}"),
            store: "Qahwa House".into(),
            launch_at_ms: launch,
            state: DropState::Scheduled,
        }
    }

    async fn pass(ms: i64) {
        tokio::time::sleep(Duration::from_millis(u64::try_from(ms).unwrap_or(0))).await;
    }

    #[tokio::test(start_paused = true)]
    async fn each_reminder_fires_once_within_a_second_of_its_time() {
        let app = start(Book::default(), T0, Arc::default());
        app.remind(1, T0 + 60 * MIN).await;
        pass(61 * MIN).await;
        let shown = app.shown();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert_eq!((shown[0].1, shown[1].1), (Kind::Soon, Kind::Live));
        assert!((shown[0].2 - (T0 + 45 * MIN)).abs() < 1_000);
        assert!((shown[1].2 - (T0 + 60 * MIN)).abs() < 1_000);
        pass(24 * 60 * MIN).await;
        assert_eq!(app.shown().len(), 2, "nothing fires twice");
    }

    #[tokio::test(start_paused = true)]
    async fn a_restart_fires_nothing_already_delivered_and_drops_a_missed_soon() {
        let disk: Arc<Disk> = Arc::default();
        let first = start(Book::default(), T0, disk.clone());
        first.remind(1, T0 + 20 * MIN).await;
        first.remind(2, T0 + 90 * MIN).await;
        pass(6 * MIN).await;
        assert_eq!(first.shown().len(), 1, "drop 1's soon at T0+5min");
        first.task.abort();
        // Closed for an hour: drop 1 launched, drop 2's soon passed.
        let second = start(first.disk.load(), T0 + 80 * MIN, disk.clone());
        pass(1_000).await;
        assert!(
            second.shown().is_empty(),
            "nothing until the server says what is live"
        );
        let mut live = info(1, T0 + 20 * MIN);
        live.state = DropState::Live;
        let now = second.clock.now_ms();
        second
            .shared
            .book
            .lock()
            .await
            .sync(vec![live, info(2, T0 + 90 * MIN)], now, now);
        second.shared.changed.notify_one();
        pass(1_000).await;
        assert_eq!(
            second
                .shown()
                .iter()
                .map(|s| (s.0, s.1))
                .collect::<Vec<_>>(),
            [(1, Kind::Live)],
            "the missed launch once, still live; the missed soon dropped"
        );
        pass(10 * MIN).await;
        let shown = second.shown();
        assert_eq!(shown.len(), 2);
        assert_eq!((shown[1].0, shown[1].1), (2, Kind::Live));
        second.task.abort();
        let third = start(disk.load(), T0 + 200 * MIN, disk.clone());
        third
            .shared
            .book
            .lock()
            .await
            .sync(Vec::new(), T0 + 200 * MIN, T0 + 200 * MIN);
        third.shared.changed.notify_one();
        pass(MIN).await;
        assert!(
            third.shown().is_empty(),
            "a third start sends nothing again"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_reschedule_moves_the_timer_and_a_cancellation_stops_it() {
        let app = start(Book::default(), T0, Arc::default());
        app.remind(1, T0 + 30 * MIN).await;
        app.remind(2, T0 + 30 * MIN).await;
        pass(MIN).await;
        {
            let mut book = app.shared.book.lock().await;
            book.apply(1, T0 + 120 * MIN, DropState::Scheduled);
            book.apply(2, T0 + 30 * MIN, DropState::Cancelled);
        }
        app.shared.changed.notify_one();
        pass(60 * MIN).await;
        assert!(app.shown().is_empty(), "moved later, or cancelled");
        pass(60 * MIN).await;
        let shown = app.shown();
        assert_eq!(shown.len(), 2);
        assert!(shown.iter().all(|s| s.0 == 1));
        assert!((shown[0].2 - (T0 + 105 * MIN)).abs() < 1_000);
    }

    #[tokio::test(start_paused = true)]
    async fn reminders_far_apart_and_many_at_one_instant_each_fire_once() {
        let app = start(Book::default(), T0, Arc::default());
        for id in 0..500 {
            app.remind(id, T0 + 30 * MIN).await;
        }
        app.remind(1_000, T0 + 7 * 24 * 60 * MIN).await;
        pass(31 * MIN).await;
        assert_eq!(app.shown().len(), 1_000, "500 drops, two reminders each");
        let near = |at: i64, to: i64| (at - to).abs() < 1_000;
        assert!(
            app.shown()
                .iter()
                .all(|s| near(s.2, T0 + 15 * MIN) || near(s.2, T0 + 30 * MIN))
        );
        pass(7 * 24 * 60 * MIN).await;
        let far: Vec<_> = app.shown().into_iter().filter(|s| s.0 == 1_000).collect();
        assert_eq!(far.len(), 2, "a week away, still once each");
        assert!((far[1].2 - (T0 + 7 * 24 * 60 * MIN)).abs() < 1_000);
    }

    #[tokio::test(start_paused = true)]
    async fn a_launch_across_a_daylight_saving_change_fires_at_its_utc_instant() {
        // Berlin springs forward at 02:00 local on 29 March 2026; a launch at 03:05 CEST
        // is 01:05 UTC, and its soon reminder 00:50 UTC (01:50 CET, before the change).
        let berlin = chrono_tz::Europe::Berlin;
        let launch = berlin
            .with_ymd_and_hms(2026, 3, 29, 3, 5, 0)
            .single()
            .map(|t| t.timestamp_millis())
            .unwrap_or_default();
        let start_ms = launch - 3 * 60 * MIN;
        let app = start(Book::default(), start_ms, Arc::default());
        app.remind(7, launch).await;
        pass(4 * 60 * MIN).await;
        let shown = app.shown();
        assert_eq!(shown.len(), 2);
        assert!((shown[0].2 - (launch - 15 * MIN)).abs() < 1_000);
        assert!((shown[1].2 - launch).abs() < 1_000);
        let soon_local = berlin.timestamp_millis_opt(shown[0].2).single();
        assert_eq!(
            soon_local
                .map(|t| t.format("%H:%M %Z").to_string())
                .as_deref(),
            Some("01:50 CET")
        );
    }
}
