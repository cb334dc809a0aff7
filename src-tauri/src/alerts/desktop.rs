//! Alerts on the desktop. On Linux they are sent through notify-rust with a default
//! action, so that a click opens the alert's link; elsewhere the notification plugin
//! shows them and reports no click (the app's in-app lists serve instead).

use tauri::AppHandle;

use super::models::Alert;

/// Desktops report clicks per notification (Linux), or not at all.
pub fn listen(_app: &AppHandle) {}

#[cfg(target_os = "linux")]
pub fn show(app: &AppHandle, alert: Alert) {
    let app = app.clone();
    // Sending waits on D-Bus, and a click is waited for: a thread of its own, which
    // ends when the notification closes.
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Souq")
            .summary(&alert.title)
            .body(&alert.body)
            .action("default", &alert.title)
            .show();
        match shown {
            Ok(handle) => handle.wait_for_action(|action| {
                if action == "default" {
                    crate::links::open(&app, &alert.link);
                }
            }),
            Err(e) => tracing::warn!(error = %e, link = alert.link, "cannot show a notification"),
        }
    });
}

#[cfg(not(target_os = "linux"))]
pub fn show(app: &AppHandle, alert: Alert) {
    use tauri_plugin_notification::NotificationExt;
    let shown = app
        .notification()
        .builder()
        .title(alert.title)
        .body(alert.body)
        .show();
    if let Err(e) = shown {
        tracing::warn!(error = %e, link = alert.link, "cannot show a notification");
    }
}
