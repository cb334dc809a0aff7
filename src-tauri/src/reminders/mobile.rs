//! Reminders on a phone: handed to the OS with the notification plugin's `Schedule`, so
//! they fire with the app closed. iOS keeps at most 64 pending, so the nearest 64 are
//! scheduled, and the rest topped up on each start and change. Each reminder has one
//! notification id (from its drop and kind), so scheduling again replaces it rather
//! than adding a second. Android fires them on time only with exact alarms allowed
//! (SCHEDULE_EXACT_ALARM); without, the plugin falls back to inexact alarms, so the
//! drop page says so and offers the system's screen to allow them (`alarms.rs`).

use std::path::Path;
use std::sync::Arc;

use tauri::AppHandle;
use tauri_plugin_notification::{NotificationExt, Schedule};

use super::book::{Book, Kind};
use super::timer::Shared;
use super::words;
use crate::alerts;
use crate::preferences;

/// The most pending notifications iOS keeps.
const MOST_PENDING: usize = 64;

pub struct Platform {
    app: AppHandle,
}

/// One notification id per reminder: the drop's id and its kind.
fn id_of(drop_id: i64, kind: Kind) -> i32 {
    let kind = match kind {
        Kind::Soon => 0,
        Kind::Live => 1,
    };
    i32::try_from((drop_id % 1_000_000_000) * 2 + kind).unwrap_or(i32::MAX)
}

impl Platform {
    pub fn start(app: &AppHandle, _shared: Arc<Shared>, _path: &Path) -> Platform {
        // A tap on a reminder opens its drop's page: `alerts` listens for every tap.
        Platform { app: app.clone() }
    }

    /// Replaces the OS's pending reminders with the nearest of the book's.
    pub fn reschedule(&self, book: &Book) {
        let notification = self.app.notification();
        let prefs = preferences::load(&self.app).unwrap_or_default();
        if let Err(e) = notification.cancel_all() {
            tracing::warn!(error = %e, "cannot clear the scheduled reminders");
        }
        if !prefs.drop_notifications {
            return;
        }
        for (entry, drop) in book.upcoming().into_iter().take(MOST_PENDING) {
            let due = super::book::Due {
                kind: entry.kind,
                drop: drop.clone(),
            };
            let (title, body) = words::notification(&due, prefs.effective_language());
            let Some(at) = chrono::DateTime::from_timestamp_millis(entry.due_at_ms) else {
                continue;
            };
            let date = time::OffsetDateTime::from_unix_timestamp(at.timestamp())
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            let scheduled = notification
                .builder()
                .id(id_of(drop.id, entry.kind))
                .title(title)
                .body(body)
                .extra(alerts::LINK, format!("souq://drop/{}", drop.id))
                .schedule(Schedule::At {
                    date,
                    repeating: false,
                    allow_while_idle: true,
                })
                .show();
            if let Err(e) = scheduled {
                tracing::warn!(error = %e, drop_id = drop.id, "cannot schedule a reminder");
            }
        }
    }
}
