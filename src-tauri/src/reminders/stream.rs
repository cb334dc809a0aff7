//! The server's drop updates, heard while the app runs: one server-sent event stream,
//! reconnected with backoff whenever it drops. On every (re)connect the app reads the
//! shopper's reminded drops again, so nothing said while it was away is missed; each
//! update moves or removes reminders and goes on to the UI (a drop page's countdown, a
//! sell-out within a second).

use std::time::Duration;

use souq_wire::DropUpdate;
use tauri::{AppHandle, Emitter, Manager};

use super::Reminders;
use crate::client::SouqClient;
use crate::error::AppError;

/// The event the UI listens to for a changed drop.
pub const DROP_UPDATE: &str = "souq:drop-update";

/// No bytes for this long (the server sends a keep-alive every 15 s): the stream is
/// dead, reconnect.
const SILENCE: Duration = Duration::from_secs(45);
const MOST_BACKOFF: Duration = Duration::from_secs(30);

/// One event of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub name: String,
    pub data: String,
}

/// Takes the complete events off the front of `buffer` (an event ends with a blank
/// line; comments, the keep-alives, are skipped).
pub fn take_events(buffer: &mut String) -> Vec<Event> {
    let mut events = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let block: String = buffer.drain(..end + 2).collect();
        let mut name = String::new();
        let mut data = Vec::new();
        for line in block.lines() {
            if let Some(value) = line.strip_prefix("event:") {
                name = value.trim().to_string();
            } else if let Some(value) = line.strip_prefix("data:") {
                data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
            }
        }
        if !name.is_empty() {
            events.push(Event {
                name,
                data: data.join("\n"),
            });
        }
    }
    events
}

/// Runs for the life of the app.
pub async fn run(app: AppHandle) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let client = app.state::<SouqClient>();
        match client.drop_events().await {
            Ok(response) => {
                backoff = Duration::from_secs(1);
                if let Err(e) = listen(&app, response).await {
                    tracing::debug!(error = %e, "the drop update stream ended");
                }
            }
            Err(AppError::SignedOut) => {
                client.signed_in().await;
                continue;
            }
            Err(e) => tracing::debug!(error = %e, "cannot hear drop updates; retrying"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MOST_BACKOFF);
    }
}

async fn listen(app: &AppHandle, mut response: reqwest::Response) -> Result<(), AppError> {
    let mut buffer = String::new();
    loop {
        let chunk = tokio::time::timeout(SILENCE, response.chunk())
            .await
            .map_err(|_| AppError::Unreachable("the drop stream went quiet".into()))?
            .map_err(|e| AppError::Unreachable(e.to_string()))?;
        let Some(chunk) = chunk else {
            return Ok(());
        };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        for event in take_events(&mut buffer) {
            handle(app, event).await;
        }
    }
}

async fn handle(app: &AppHandle, event: Event) {
    match event.name.as_str() {
        "ready" | "resync" => resync(app).await,
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
    match app.state::<SouqClient>().my_reminders().await {
        Ok(drops) => app.state::<Reminders>().sync(&drops).await,
        Err(e) => tracing::debug!(error = %e, "cannot read the reminded drops"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_taken_whole_and_keep_alives_skipped() {
        let mut buffer = String::from(
            "event: ready\ndata: {}\n\n:\n\nevent: drop\ndata: {\"id\":1}\n\nevent: dr",
        );
        let events = take_events(&mut buffer);
        assert_eq!(
            events,
            [
                Event {
                    name: "ready".into(),
                    data: "{}".into()
                },
                Event {
                    name: "drop".into(),
                    data: "{\"id\":1}".into()
                },
            ]
        );
        assert_eq!(buffer, "event: dr", "a partial event waits for the rest");
    }
}
