//! Phones: the system's biometric prompt (Android's BiometricPrompt, iOS's
//! LocalAuthentication), biometrics only: the device's own passcode is not taken in
//! their place, since the vault's PIN is the fallback.

use tauri::AppHandle;
use tauri_plugin_biometric::{AuthOptions, BiometricExt};

pub fn available(app: &AppHandle) -> bool {
    app.biometric()
        .status()
        .is_ok_and(|status| status.is_available)
}

pub fn confirm(app: &AppHandle, reason: &str) -> Result<(), String> {
    app.biometric()
        .authenticate(
            reason.to_string(),
            AuthOptions {
                allow_device_credential: false,
                ..AuthOptions::default()
            },
        )
        .map_err(|e| e.to_string())
}
