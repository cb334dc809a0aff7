//! Which Souq server the app talks to. With SOUQ_API_URL, that remote server; without
//! it, on desktop, the server runs in-process on 127.0.0.1 (a free port) over SQLite in
//! the app's data dir, so the app works out of the box and offline. Either way the
//! rest of the app only sees a base URL: one code path.

use std::path::Path;

use souq_wire::AppInfo;

use crate::error::AppError;

pub struct Backend {
    pub url: String,
    /// The embedded server's launch secret, sent with every request to it.
    pub app_secret: Option<String>,
    #[cfg(desktop)]
    embedded: Option<souq_server::RunningServer>,
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

impl Backend {
    pub async fn start(data_dir: &Path) -> Result<Backend, AppError> {
        if let Some(url) = remote_url() {
            check_remote_url(&url)?;
            tracing::info!(%url, "using the remote Souq server");
            return Ok(Backend {
                url,
                app_secret: None,
                #[cfg(desktop)]
                embedded: None,
            });
        }
        Self::start_embedded(data_dir).await
    }

    #[cfg(desktop)]
    async fn start_embedded(data_dir: &Path) -> Result<Backend, AppError> {
        let secret = launch_secret()?;
        let mut config = souq_server::Config {
            demo_data: true,
            app_secret: Some(secret.clone()),
            ..souq_server::Config::new(
                souq_server::DatabaseConfig::Sqlite(data_dir.join("souq.db")),
                std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            )
        };
        config.payments.wallet.card_key = card_key().await;
        let server = souq_server::start(config)
            .await
            .map_err(|e| AppError::Internal(format!("embedded server: {e}")))?;
        tracing::info!(url = %server.url(), "embedded Souq server started");
        Ok(Backend {
            url: server.url(),
            app_secret: Some(secret),
            embedded: Some(server),
        })
    }

    #[cfg(mobile)]
    async fn start_embedded(_data_dir: &Path) -> Result<Backend, AppError> {
        Err(AppError::Internal(
            "this build has no server: build it with SOUQ_API_URL set".into(),
        ))
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
            embedded: self.is_embedded(),
            server_url: self.url.clone(),
            demo_sign_ins,
            session_kept: crate::keychain::Keychain::keeps_sessions(),
        }
    }

    /// Lets in-flight requests finish before the app exits.
    pub async fn shutdown(self) {
        #[cfg(desktop)]
        if let Some(server) = self.embedded
            && let Err(e) = server.shutdown().await
        {
            tracing::warn!(error = %e, "embedded server did not stop cleanly");
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
