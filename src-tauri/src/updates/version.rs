//! The version this app is, as every platform's update check reports it.

use tauri::AppHandle;

/// The version this app is.
pub fn current_version(app: &AppHandle) -> String {
    app.package_info().version.to_string()
}
