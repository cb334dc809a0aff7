//! OS-native notifications shown now, each opening a `souq://` link when clicked where
//! the platform reports clicks: what drop reminders fire on the desktop and what money
//! news shows. How differs by platform: the desktop's (`desktop.rs`) and a phone's
//! (`mobile.rs`, where scheduled reminders carry their link alike).

#[cfg(desktop)]
mod desktop;
#[cfg(mobile)]
mod mobile;
#[cfg(desktop)]
use desktop as platform;
#[cfg(mobile)]
use mobile as platform;

use tauri::AppHandle;

mod models;
pub use models::{Alert, LINK};

/// Shows an alert now; a failure is logged, since nothing else could be done.
pub fn show(app: &AppHandle, alert: Alert) {
    platform::show(app, alert);
}

/// Listens for taps on the app's notifications, which open their links (once, at
/// start; desktops report clicks per notification instead).
pub fn listen(app: &AppHandle) {
    platform::listen(app);
}
