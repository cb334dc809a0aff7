//! The OS keychain through the keyring crate: Secret Service on Linux, Keychain on Apple
//! platforms, Credential Manager on Windows. Its calls block (D-Bus, XPC), so they run
//! off the async threads, one at a time.

use crate::error::AppError;

pub const AVAILABLE: bool = true;

const SERVICE: &str = "app.souq";

/// One keychain call at a time in this process. On Linux each call goes through
/// libdbus (keyring's sync Secret Service), and calls from two threads at once (a
/// sign-in beside a background task's) corrupted the heap: `malloc(): unaligned
/// fastbin chunk`.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

async fn with_entry<T: Send + 'static>(
    account: &str,
    op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    let account = account.to_string();
    tokio::task::spawn_blocking(move || {
        // A panic elsewhere poisons only the lock, not the keychain.
        let _alone = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        keyring::Entry::new(SERVICE, &account).and_then(op)
    })
    .await
    .map_err(|e| AppError::Internal(format!("keychain task: {e}")))?
    .map_err(|e| AppError::Internal(format!("keychain: {e}")))
}

pub async fn load(account: &str) -> Result<Option<String>, AppError> {
    with_entry(account, |entry| match entry.get_password() {
        Ok(token) => Ok(Some(token)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(e),
    })
    .await
}

pub async fn save(account: &str, token: &str) -> Result<(), AppError> {
    let token = token.to_string();
    with_entry(account, move |entry| entry.set_password(&token)).await
}

pub async fn delete(account: &str) -> Result<(), AppError> {
    with_entry(account, |entry| match entry.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(e),
    })
    .await
}
