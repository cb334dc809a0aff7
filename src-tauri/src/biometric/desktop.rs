//! Desktops: no biometrics are asked for here, so the PIN is the one way in.

use tauri::AppHandle;

pub fn available(_app: &AppHandle) -> bool {
    false
}

pub fn confirm(_app: &AppHandle, _reason: &str) -> Result<(), String> {
    Err("this device has no biometrics for Souq".into())
}
