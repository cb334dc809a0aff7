//! Biometrics (a fingerprint, a face) standing in for the PIN where the device has
//! them: a phone's, through tauri-plugin-biometric (`mobile.rs`); a desktop has none to
//! ask here (`desktop.rs`). They only release the vault's device key this device keeps
//! for the session (`client/wallet.rs`); the server still decides, and counts a wrong
//! key as a wrong PIN, so nothing on the device can stand in for the server's count.

#[cfg(desktop)]
mod desktop;
#[cfg(mobile)]
mod mobile;
#[cfg(desktop)]
use desktop as platform;
#[cfg(mobile)]
use mobile as platform;

use souq_wire::{ErrorBody, ErrorCode};
use tauri::AppHandle;

use crate::error::AppError;

/// Whether this device can confirm the person by biometrics now.
pub fn available(app: &AppHandle) -> bool {
    platform::available(app)
}

/// Asks the person to confirm with their biometrics, `reason` shown by the system's
/// prompt. A refusal (or a cancel) answers `pin_required`, so the UI asks for the PIN.
pub async fn confirm(app: &AppHandle, reason: &str) -> Result<(), AppError> {
    let (app, reason) = (app.clone(), reason.to_string());
    // The plugin waits for the person: not on the runtime's own threads.
    tauri::async_runtime::spawn_blocking(move || platform::confirm(&app, &reason))
        .await
        .map_err(|e| AppError::Internal(format!("the biometric prompt stopped: {e}")))?
        .map_err(|why| {
            AppError::Server(ErrorBody {
                code: ErrorCode::PinRequired,
                message: format!("biometrics did not confirm you ({why}); enter your PIN"),
            })
        })
}
