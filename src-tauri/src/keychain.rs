//! The session token in the operating system's keychain (Secret Service on Linux,
//! Keychain on Apple platforms, Credential Manager on Windows), never in a plain file.
//! Keychain calls block (D-Bus, XPC), so they run off the async threads.

use crate::error::AppError;

const SERVICE: &str = "app.souq";

#[derive(Clone, Debug)]
pub struct Keychain {
    /// One entry per server: the embedded one, or a remote URL.
    account: String,
}

impl Keychain {
    pub fn for_server(embedded: bool, server_url: &str) -> Keychain {
        let account = if embedded {
            "session:embedded".to_string()
        } else {
            format!("session:{server_url}")
        };
        Keychain { account }
    }

    async fn with_entry<T: Send + 'static>(
        &self,
        op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let account = self.account.clone();
        tokio::task::spawn_blocking(move || keyring::Entry::new(SERVICE, &account).and_then(op))
            .await
            .map_err(|e| AppError::Internal(format!("keychain task: {e}")))?
            .map_err(|e| AppError::Internal(format!("keychain: {e}")))
    }

    pub async fn load(&self) -> Result<Option<String>, AppError> {
        self.with_entry(|entry| match entry.get_password() {
            Ok(token) => Ok(Some(token)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }

    pub async fn save(&self, token: &str) -> Result<(), AppError> {
        let token = token.to_string();
        self.with_entry(move |entry| entry.set_password(&token))
            .await
    }

    pub async fn delete(&self) -> Result<(), AppError> {
        self.with_entry(|entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
        .await
    }
}
