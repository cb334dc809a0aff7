//! Reminders on the desktop: the app's own timer fires them (the notification plugin
//! schedules nothing on desktops), while the app runs, in the tray too, as alerts that
//! open the drop's page when clicked where the desktop reports clicks (`alerts`; the
//! in-app list of fired reminders serves elsewhere).

use std::path::Path;
use std::sync::Arc;

use tauri::AppHandle;

use super::book::{Book, Due};
use super::keep::{FileKeeper, SystemClock};
use super::timer::{self, Shared, Shower};
use super::words;
use crate::alerts::{self, Alert};
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
        alerts::show(
            &self.app,
            Alert {
                title,
                body,
                link: format!("souq://drop/{}", due.drop.id),
            },
        );
    }
}
