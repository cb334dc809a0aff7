//! Which Souq server the app talks to. With SOUQ_API_URL, that remote server; without
//! it, on desktop, the server runs in-process on 127.0.0.1 (a free port) over SQLite in
//! the app's data dir, so the app works out of the box and offline. Either way the
//! rest of the app only sees a base URL: one code path.

use std::path::Path;

use souq_wire::AppInfo;

use crate::error::AppError;

pub struct Backend {
    pub url: String,
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

impl Backend {
    pub async fn start(data_dir: &Path) -> Result<Backend, AppError> {
        if let Some(url) = remote_url() {
            tracing::info!(%url, "using the remote Souq server");
            return Ok(Backend {
                url,
                #[cfg(desktop)]
                embedded: None,
            });
        }
        Self::start_embedded(data_dir).await
    }

    #[cfg(desktop)]
    async fn start_embedded(data_dir: &Path) -> Result<Backend, AppError> {
        let config = souq_server::Config {
            demo_data: true,
            ..souq_server::Config::new(
                souq_server::DatabaseConfig::Sqlite(data_dir.join("souq.db")),
                std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            )
        };
        let server = souq_server::start(config)
            .await
            .map_err(|e| AppError::Internal(format!("embedded server: {e}")))?;
        tracing::info!(url = %server.url(), "embedded Souq server started");
        Ok(Backend {
            url: server.url(),
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
