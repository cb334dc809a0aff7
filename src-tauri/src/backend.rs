//! Which Souq server the app talks to. With SOUQ_API_URL, that remote server; without
//! it, on desktop, the server runs in-process on 127.0.0.1 (a free port) over SQLite in
//! the app's data dir, so the app works out of the box and offline. Either way the
//! rest of the app only sees a base URL: one code path.
//!
//! The embedded server binds its port first and prepares behind it (migrations, the
//! demo data on a first launch), so the window opens at once; requests made meanwhile
//! wait in the socket's backlog, and `Readiness` tells the UI when it can stop saying
//! so. It runs on threads of its own below the window's priority, so that preparing
//! does not take turns with the webview drawing the first screen.

use std::path::Path;

use souq_wire::AppInfo;

use crate::error::AppError;

pub struct Backend {
    pub url: String,
    /// The embedded server's launch secret, sent with every request to it.
    pub app_secret: Option<String>,
    readiness: Readiness,
    #[cfg(desktop)]
    embedded: Option<Embedded>,
}

/// The in-process server: its threads, and its start, which ends with the running
/// server (or none, when it failed: `readiness` says why).
#[cfg(desktop)]
struct Embedded {
    runtime: tokio::runtime::Runtime,
    start: tokio::task::JoinHandle<Option<souq_server::RunningServer>>,
}

/// Whether the server is ready for requests: at once for a remote one, after its start
/// for the embedded one. Cheap to clone; every clone sees the same start.
#[derive(Clone)]
pub struct Readiness(tokio::sync::watch::Receiver<State>);

// A phone's server is always remote: it never starts or fails here.
#[cfg_attr(mobile, allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum State {
    Starting,
    Ready,
    Failed(String),
}

impl Readiness {
    fn ready() -> Readiness {
        Readiness(tokio::sync::watch::Sender::new(State::Ready).subscribe())
    }

    /// Waits until the server can answer, or says why it never will.
    pub async fn wait(&self) -> Result<(), AppError> {
        let mut state = self.0.clone();
        let state = state
            .wait_for(|state| *state != State::Starting)
            .await
            .map_err(|_| AppError::Internal("the embedded server's start was lost".into()))?;
        match &*state {
            State::Failed(why) => Err(AppError::Internal(why.clone())),
            _ => Ok(()),
        }
    }
}

fn remote_url() -> Option<String> {
    std::env::var("SOUQ_API_URL")
        .ok()
        // A phone build has no embedded server; its server is fixed at build time.
        .or_else(|| option_env!("SOUQ_API_URL").map(str::to_string))
        .map(|url| url.trim().trim_end_matches('/').to_string())
        .filter(|url| !url.is_empty())
}

/// A remote server is reached over https; plain http only on this machine (a loopback
/// address or `localhost`), where nothing travels over a network to be read or changed.
pub fn check_remote_url(url: &str) -> Result<(), AppError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| AppError::Internal(format!("SOUQ_API_URL {url:?} is not a URL: {e}")))?;
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(AppError::Internal(format!(
            "SOUQ_API_URL must be https (plain http only for 127.0.0.1 or localhost); got {url:?}"
        ))),
    }
}

/// A fresh secret for the embedded server: 32 random bytes, hex.
#[cfg(desktop)]
fn launch_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(format!("no randomness for the launch secret: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The key the embedded server seals debit cards under: made once and kept in the
/// keychain, never in the data dir beside the database it protects. Where no keychain
/// keeps it, each launch makes its own (and cards issued before no longer reveal).
#[cfg(desktop)]
async fn card_key() -> Option<souq_wire::Secret<String>> {
    let chain = crate::keychain::Keychain::for_card_key();
    match chain.load().await {
        Ok(Some(key)) => return Some(souq_wire::Secret::new(key)),
        Ok(None) => {}
        Err(e) => {
            tracing::warn!(error = %e, "the keychain has no card key to give");
            return None;
        }
    }
    let key = launch_secret().ok()?;
    match chain.save(&key).await {
        Ok(()) => Some(souq_wire::Secret::new(key)),
        Err(e) => {
            tracing::warn!(error = %e, "the keychain cannot keep a card key");
            None
        }
    }
}

/// The embedded server's threads: a runtime apart from the app's, each thread below
/// normal priority (nice 9 on Linux, BELOW_NORMAL on Windows), and the threads they
/// start, SQLite's among them, inherit it. When both want a core, the window is drawn
/// first; a first launch's demo load then fills the time the webview waits.
#[cfg(desktop)]
fn server_runtime() -> Result<tokio::runtime::Runtime, AppError> {
    use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};
    let below_normal = ThreadPriorityValue::try_from(25u8)
        .map_err(|e| AppError::Internal(format!("embedded server priority: {e}")))?;
    tokio::runtime::Builder::new_multi_thread()
        .thread_name("souq-server")
        .on_thread_start(move || {
            let priority = ThreadPriority::Crossplatform(below_normal);
            if let Err(e) = set_current_thread_priority(priority) {
                tracing::debug!(error = ?e, "the embedded server runs at normal priority");
            }
        })
        .enable_all()
        .build()
        .map_err(|e| AppError::Internal(format!("embedded server threads: {e}")))
}

impl Backend {
    pub async fn start(data_dir: &Path) -> Result<Backend, AppError> {
        if let Some(url) = remote_url() {
            check_remote_url(&url)?;
            tracing::info!(%url, "using the remote Souq server");
            return Ok(Backend {
                url,
                app_secret: None,
                readiness: Readiness::ready(),
                #[cfg(desktop)]
                embedded: None,
            });
        }
        Self::start_embedded(data_dir).await
    }

    /// Binds the embedded server's port and returns; the server migrates, loads the
    /// demo data into a new database and starts serving in the background.
    #[cfg(desktop)]
    async fn start_embedded(data_dir: &Path) -> Result<Backend, AppError> {
        let runtime = server_runtime()?;
        let secret = launch_secret()?;
        let config = souq_server::Config {
            demo_data: true,
            app_secret: Some(secret.clone()),
            ..souq_server::Config::new(
                souq_server::DatabaseConfig::Sqlite(data_dir.join("souq.db")),
                std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            )
        };
        // Bound on the server's runtime, whose threads then serve the socket.
        let listening = runtime
            .spawn(souq_server::Listening::bind(config.listen))
            .await
            .map_err(|e| AppError::Internal(format!("embedded server: {e}")))?
            .map_err(|e| AppError::Internal(format!("embedded server: {e}")))?;
        let url = listening.url();
        let (told, readiness) = tokio::sync::watch::channel(State::Starting);
        // On the app's threads: the keychain takes one call at a time, and a sign-in
        // should not wait behind a low-priority one.
        let card_key = tauri::async_runtime::spawn(card_key());
        let start = runtime.spawn(async move {
            let mut config = config;
            config.wallet.card_key = card_key.await.ok().flatten();
            match souq_server::start_on(listening, config).await {
                Ok(server) => {
                    tracing::info!(url = %server.url(), "embedded Souq server started");
                    told.send_replace(State::Ready);
                    Some(server)
                }
                Err(e) => {
                    tracing::error!(error = %e, "the embedded Souq server could not start");
                    told.send_replace(State::Failed(format!("embedded server: {e}")));
                    None
                }
            }
        });
        Ok(Backend {
            url,
            app_secret: Some(secret),
            readiness: Readiness(readiness),
            embedded: Some(Embedded { runtime, start }),
        })
    }

    #[cfg(mobile)]
    async fn start_embedded(_data_dir: &Path) -> Result<Backend, AppError> {
        Err(AppError::Internal(
            "this build has no server: build it with SOUQ_API_URL set".into(),
        ))
    }

    pub fn readiness(&self) -> Readiness {
        self.readiness.clone()
    }

    pub fn is_embedded(&self) -> bool {
        #[cfg(desktop)]
        return self.embedded.is_some();
        #[cfg(mobile)]
        return false;
    }

    pub fn info(&self) -> AppInfo {
        #[cfg(desktop)]
        let demo_sign_ins = if self.is_embedded() {
            souq_server::demo::sign_ins()
        } else {
            Vec::new()
        };
        #[cfg(mobile)]
        let demo_sign_ins = Vec::new();
        AppInfo {
            // tauri.conf.json names no version, so Tauri's (the updater's) is this one.
            version: env!("CARGO_PKG_VERSION").to_string(),
            embedded: self.is_embedded(),
            server_url: self.url.clone(),
            demo_sign_ins,
            session_kept: crate::keychain::Keychain::keeps_sessions(),
        }
    }

    /// Lets in-flight requests finish before the app exits (after the start, when the
    /// app quits while the embedded server still prepares).
    pub async fn shutdown(self) {
        #[cfg(desktop)]
        if let Some(Embedded { runtime, start }) = self.embedded {
            if let Ok(Some(server)) = start.await
                && let Err(e) = server.shutdown().await
            {
                tracing::warn!(error = %e, "embedded server did not stop cleanly");
            }
            // Its work is done; dropping it here would block this async caller.
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_server_must_be_https_except_on_this_machine() {
        for ok in [
            "https://souq.example",
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://localhost:8080",
            "http://[::1]:8080",
        ] {
            assert!(check_remote_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://souq.example",
            "http://192.168.1.5:8080",
            "http://localhost.evil.example",
            "ftp://souq.example",
            "not a url",
        ] {
            assert!(check_remote_url(refused).is_err(), "{refused}");
        }
    }
}
