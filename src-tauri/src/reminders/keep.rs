//! Where the reminders are kept (a file in the app's data dir, written durably) and the
//! clock they are timed by (the system's).

use std::path::PathBuf;

use super::book::Book;
use super::timer::{self, Keeper};

/// The file in the app's data dir.
pub const FILE: &str = "reminders.json";

/// The time of day as the system says it.
pub struct SystemClock;

impl timer::Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Keeps the book in its file.
pub struct FileKeeper(pub PathBuf);

impl Keeper for FileKeeper {
    fn keep(&self, book: &Book) {
        let saved = serde_json::to_vec(book)
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::disk::replace_synced(&self.0, &bytes));
        if let Err(e) = saved {
            tracing::error!(error = %e, "cannot save the drop reminders");
        }
    }
}
