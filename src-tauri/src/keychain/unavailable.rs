//! Where Souq has no OS keychain to use (Android, until keyring supports its Keystore):
//! nothing is stored anywhere, so the session lives in memory until the app quits. No
//! stand-in store pretends otherwise; the app tells the user (`AppInfo::session_kept`).

use crate::error::AppError;

pub const AVAILABLE: bool = false;

pub async fn load(_account: &str) -> Result<Option<String>, AppError> {
    Ok(None)
}

pub async fn save(_account: &str, _token: &str) -> Result<(), AppError> {
    Ok(())
}

pub async fn delete(_account: &str) -> Result<(), AppError> {
    Ok(())
}
