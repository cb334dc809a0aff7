//! Reminders on the desktop: the app's own timer fires them (the notification plugin
//! schedules nothing on desktops), while the app runs, in the tray too. On Linux the
//! notification is sent through notify-rust with a default action, so that a click
//! opens the drop's page; elsewhere the plugin shows it and reports no click (the
//! in-app list of fired reminders serves instead).

use std::path::Path;
use std::sync::Arc;

use tauri::AppHandle;

use super::book::{Book, Due};
use super::timer::{self, Shared, Shower};
use super::{FileKeeper, SystemClock, words};
use crate::preferences;

pub struct Platform;

impl Platform {
    pub fn start(app: &AppHandle, shared: Arc<Shared>, path: &Path) -> Platform {
        let shower = Arc::new(Native { app: app.clone() });
        tauri::async_runtime::spawn(timer::run(
            shared,
            Arc::new(SystemClock),
            shower,
            Arc::new(FileKeeper(path.to_path_buf())),
        ));
        Platform
    }

    /// The timer wakes on every change by itself.
    pub fn reschedule(&self, _book: &Book) {}
}

struct Native {
    app: AppHandle,
}

impl Shower for Native {
    fn show(&self, due: &Due) {
        let prefs = preferences::load(&self.app).unwrap_or_default();
        if !prefs.drop_notifications {
            return;
        }
        let (title, body) = words::notification(due, prefs.effective_language());
        show(&self.app, due.drop.id, title, body);
    }
}

#[cfg(target_os = "linux")]
fn show(app: &AppHandle, drop_id: i64, title: String, body: String) {
    let app = app.clone();
    // Sending waits on D-Bus, and a click is waited for: a thread of its own, which
    // ends when the notification closes.
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Souq")
            .summary(&title)
            .body(&body)
            .action("default", &title)
            .show();
        match shown {
            Ok(handle) => handle.wait_for_action(|action| {
                if action == "default" {
                    crate::links::open(&app, &format!("souq://drop/{drop_id}"));
                }
            }),
            Err(e) => tracing::warn!(error = %e, drop_id, "cannot show a drop reminder"),
        }
    });
}

#[cfg(not(target_os = "linux"))]
fn show(app: &AppHandle, drop_id: i64, title: String, body: String) {
    use tauri_plugin_notification::NotificationExt;
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %e, drop_id, "cannot show a drop reminder");
    }
}
