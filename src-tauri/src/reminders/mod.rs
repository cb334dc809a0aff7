//! Drop reminders on this device: the shopper's Remind me, kept in a book on disk
//! (`book.rs`) so they survive restarts, brought up to date by the server's drop
//! updates (`stream.rs`), and shown as OS-native notifications, "starts in 15 minutes"
//! and "is live now", each once per drop. How they fire differs by platform: the
//! desktop runs its own timer (`desktop.rs`, over `timer.rs`), since the notification
//! plugin schedules nothing there; a phone hands them to its OS (`mobile.rs`).

pub mod alarms;
pub mod book;
mod keep;
pub mod stream;
pub mod timer;
pub mod words;

#[cfg(desktop)]
mod desktop;
#[cfg(mobile)]
mod mobile;
#[cfg(desktop)]
use desktop as platform;
#[cfg(mobile)]
use mobile as platform;

use std::path::Path;
use std::sync::Arc;

use souq_wire::app::{FiredReminder, ReminderKind};
use souq_wire::{DropUpdate, ProductDrop};
use tauri::AppHandle;

use book::{Book, DropInfo, Kind};
use keep::now_ms;
pub use keep::{FILE, FileKeeper, SystemClock};
use timer::{Keeper, Shared};

/// What the device knows of a drop, from the server's view of it.
pub fn info_of(drop: &ProductDrop) -> DropInfo {
    DropInfo {
        id: drop.id,
        title: drop.title.clone(),
        store: drop.store.display_name.clone(),
        launch_at_ms: drop.launch_at.timestamp_millis(),
        state: drop.state,
    }
}

/// The app's reminders: the book, and the platform that fires them.
pub struct Reminders {
    shared: Arc<Shared>,
    keeper: FileKeeper,
    platform: platform::Platform,
}

impl Reminders {
    /// Loads the book from `path` (a missing or unreadable file is none) and starts
    /// firing what it holds.
    pub fn start(app: &AppHandle, path: &Path) -> Reminders {
        let book: Book = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let shared = Shared::new(book);
        let keeper = FileKeeper(path.to_path_buf());
        let platform = platform::Platform::start(app, Arc::clone(&shared), path);
        Reminders {
            shared,
            keeper,
            platform,
        }
    }

    /// Saves, wakes the timer, and lets the platform reschedule.
    async fn changed(&self) {
        let book = self.shared.book.lock().await;
        self.keeper.keep(&book);
        self.platform.reschedule(&book);
        drop(book);
        self.shared.changed.notify_one();
    }

    /// Remind me on (`Some`) or off for a drop.
    pub async fn set(&self, drop: &ProductDrop, on: bool) {
        {
            let mut book = self.shared.book.lock().await;
            book.choose(info_of(drop), on, now_ms());
        }
        self.changed().await;
    }

    /// A drop changed on the server.
    pub async fn apply(&self, update: &DropUpdate) {
        self.shared.book.lock().await.apply(
            update.id,
            update.launch_at.timestamp_millis(),
            update.state,
        );
        self.changed().await;
    }

    /// The server's list of the shopper's reminded drops (on start, on reconnect), as
    /// asked for at `asked_at_ms`.
    pub async fn sync(&self, drops: &[ProductDrop], asked_at_ms: i64) {
        self.shared.book.lock().await.sync(
            drops.iter().map(info_of).collect(),
            asked_at_ms,
            now_ms(),
        );
        self.changed().await;
    }

    /// The reminders are the signed-in account's: another account's go.
    pub async fn belong_to(&self, user_id: i64) {
        let changed = self.shared.book.lock().await.belong_to(user_id);
        if changed {
            self.changed().await;
        }
    }

    /// Signed out: the reminders go.
    pub async fn clear(&self) {
        *self.shared.book.lock().await = Book::default();
        self.changed().await;
    }

    /// Every reminder that fired, newest first.
    pub async fn fired(&self) -> Vec<FiredReminder> {
        self.shared
            .book
            .lock()
            .await
            .fired()
            .into_iter()
            .map(|(kind, at_ms, drop)| FiredReminder {
                drop_id: drop.id,
                title: drop.title,
                store: drop.store,
                kind: match kind {
                    Kind::Soon => ReminderKind::Soon,
                    Kind::Live => ReminderKind::Live,
                },
                fired_at: chrono::DateTime::from_timestamp_millis(at_ms).unwrap_or_default(),
            })
            .collect()
    }

    pub async fn pending_count(&self) -> usize {
        self.shared.book.lock().await.pending_count()
    }
}
