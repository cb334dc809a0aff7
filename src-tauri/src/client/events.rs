//! Following the server's event streams (server-sent events) while the app runs: each
//! stream is one connection, read event by event, and opened again with backoff
//! whenever it drops, and whenever the session changes, so that a stream never
//! outlives the person it was opened for.

use std::future::Future;
use std::time::Duration;

use tauri::{AppHandle, Manager};

use super::SouqClient;
use crate::error::AppError;

/// No bytes for this long (the server sends a keep-alive every 15 s): the stream is
/// dead, reconnect.
const SILENCE: Duration = Duration::from_secs(45);
const MOST_BACKOFF: Duration = Duration::from_secs(30);

/// One event of a stream.
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

/// Follows the stream at `path` for the life of the app, handing each event to
/// `handle` in order; signed out, it waits for a session first.
pub async fn follow<H, F>(app: AppHandle, path: &'static [&'static str], handle: H)
where
    H: Fn(AppHandle, Event) -> F,
    F: Future<Output = ()>,
{
    let mut backoff = Duration::from_secs(1);
    loop {
        let client = app.state::<SouqClient>();
        let mut session = client.sessions();
        match client.events(path).await {
            Ok(response) => {
                backoff = Duration::from_secs(1);
                match listen(&app, response, &mut session, &handle).await {
                    // Another person's session, or none: open it again at once.
                    Ok(()) => continue,
                    Err(e) => tracing::debug!(error = %e, ?path, "an event stream ended"),
                }
            }
            Err(AppError::SignedOut) => {
                client.signed_in().await;
                continue;
            }
            Err(e) => tracing::debug!(error = %e, ?path, "cannot follow an event stream; retrying"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MOST_BACKOFF);
    }
}

/// Reads events until the stream ends (an error) or the session changes (`Ok`).
async fn listen<H, F>(
    app: &AppHandle,
    mut response: reqwest::Response,
    session: &mut tokio::sync::watch::Receiver<u64>,
    handle: &H,
) -> Result<(), AppError>
where
    H: Fn(AppHandle, Event) -> F,
    F: Future<Output = ()>,
{
    let mut buffer = String::new();
    loop {
        let chunk = tokio::select! {
            chunk = tokio::time::timeout(SILENCE, response.chunk()) => chunk,
            _ = session.changed() => return Ok(()),
        };
        let chunk = chunk
            .map_err(|_| AppError::Unreachable("an event stream went quiet".into()))?
            .map_err(|e| AppError::Unreachable(e.to_string()))?
            .ok_or_else(|| AppError::Unreachable("an event stream ended".into()))?;
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        for event in take_events(&mut buffer) {
            handle(app.clone(), event).await;
        }
    }
}

impl SouqClient {
    /// Opens one of the server's event streams with this session.
    pub async fn events(&self, path: &[&str]) -> Result<reqwest::Response, AppError> {
        let token = self.token().await?;
        self.api.stream(path, Some(&token)).await
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
