//! Alerts on a phone, through the notification plugin: each carries its link as an
//! extra, as scheduled drop reminders do, and one listener opens the link of whichever
//! the person taps.

use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;

use super::models::{Alert, LINK};

pub fn listen(app: &AppHandle) {
    let opener = app.clone();
    let listening = app.notification().on_action(move |performed| {
        let link = performed
            .notification()
            .and_then(|n| n.extra().get(LINK))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string);
        if let (Some(link), "tap") = (link, performed.action_id()) {
            crate::links::open(&opener, &link);
        }
    });
    if let Err(e) = listening {
        tracing::warn!(error = %e, "taps on notifications will not open what they are about");
    }
}

pub fn show(app: &AppHandle, alert: Alert) {
    let shown = app
        .notification()
        .builder()
        .title(alert.title)
        .body(alert.body)
        .extra(LINK, alert.link.clone())
        .show();
    if let Err(e) = shown {
        tracing::warn!(error = %e, link = alert.link, "cannot show a notification");
    }
}
