//! Updates of the app itself: finding a newer release, telling what is new, and
//! installing it only on the user's word. On the desktop (`desktop.rs`) the updater
//! plugin reads the release manifest and installs a package only when its signature,
//! by Souq's release key (tauri.conf.json), covers both the package and the version the
//! manifest claims. Phones (`mobile.rs`) are updated by their stores.

#[cfg(desktop)]
mod desktop;
#[cfg(mobile)]
mod mobile;
#[cfg(desktop)]
use desktop as platform;
#[cfg(mobile)]
use mobile as platform;

use souq_wire::UpdateCheck;
use tauri::AppHandle;

use crate::error::AppError;

pub use platform::Updates;
pub use version::current_version;

mod version;

/// Asks the release endpoint for a newer Souq; what it finds is kept for `install`.
pub async fn check(app: &AppHandle, updates: &Updates) -> Result<UpdateCheck, AppError> {
    platform::check(app, updates).await
}

/// Downloads the update `check` found, checks its signature and installs it; the new
/// version runs from the next start (`restart`).
pub async fn install(updates: &Updates) -> Result<(), AppError> {
    platform::install(updates).await
}
