//! The server's drop updates, heard while the app runs: one server-sent event stream
//! (`client::events` keeps it open). On every (re)connect the app reads the
//! shopper's reminded drops again, so nothing said while it was away is missed; each
//! update moves or removes reminders and goes on to the UI (a drop page's countdown, a
//! sell-out within a second).

use souq_wire::DropUpdate;
use tauri::{AppHandle, Emitter, Manager};

use super::Reminders;
use crate::client::SouqClient;
use crate::client::events::{self, Event};

/// The event the UI listens to for a changed drop.
pub const DROP_UPDATE: &str = "souq:drop-update";

/// Runs for the life of the app.
pub async fn run(app: AppHandle) {
    events::follow(app, &["v1", "drops", "events"], handle).await;
}

async fn handle(app: AppHandle, event: Event) {
    match event.name.as_str() {
        "ready" | "resync" => resync(&app).await,
        "drop" => match serde_json::from_str::<DropUpdate>(&event.data) {
            Ok(update) => {
                app.state::<Reminders>().apply(&update).await;
                let _ = app.emit(DROP_UPDATE, &update);
            }
            Err(e) => tracing::warn!(error = %e, "an unreadable drop update"),
        },
        _ => {}
    }
}

/// Reads the shopper's reminded drops and brings the reminders up to date.
pub async fn resync(app: &AppHandle) {
    // Taps on Remind me made while the list is on its way are newer than it.
    let asked_at = chrono::Utc::now().timestamp_millis();
    match app.state::<SouqClient>().my_reminders().await {
        Ok(drops) => app.state::<Reminders>().sync(&drops, asked_at).await,
        Err(e) => tracing::debug!(error = %e, "cannot read the reminded drops"),
    }
}
