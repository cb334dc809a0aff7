//! The app's facts and the user's preferences.

use souq_wire::{AppInfo, DeepLink, Language, Preferences, RankingSettings, UpdateCheck};
use tauri::{AppHandle, State};

use crate::backend::Readiness;
use crate::error::AppError;
use crate::interests::Interests;
use crate::links::PendingLink;
use crate::preferences;
use crate::updates::{self, Updates};

#[tauri::command]
pub fn app_info(info: State<'_, AppInfo>) -> AppInfo {
    info.inner().clone()
}

/// Answers once the server can answer: at once for a remote one, when the embedded one
/// has migrated (and, on a first launch, loaded the demo data). The UI says "preparing
/// the demo" until then; anything sent meanwhile simply waits.
#[tauri::command]
pub async fn server_ready(readiness: State<'_, Readiness>) -> Result<(), AppError> {
    readiness.wait().await
}

#[tauri::command]
pub fn get_preferences(app: AppHandle) -> Result<Preferences, AppError> {
    preferences::load(&app)
}

#[tauri::command]
pub fn set_language(app: AppHandle, language: Option<Language>) -> Result<Preferences, AppError> {
    preferences::set_language(&app, language)
}

/// The `souq://` link waiting to be opened, if any; taking it clears it.
#[tauri::command]
pub fn take_link(pending: State<'_, PendingLink>) -> Option<DeepLink> {
    pending.0.lock().ok().and_then(|mut slot| slot.take())
}

#[tauri::command]
pub fn ranking_settings(interests: State<'_, Interests>) -> Result<RankingSettings, AppError> {
    interests.settings()
}

#[tauri::command]
pub fn set_ranking(
    app: AppHandle,
    interests: State<'_, Interests>,
    enabled: bool,
) -> Result<RankingSettings, AppError> {
    interests.set_enabled(&app, enabled)
}

#[tauri::command]
pub fn reset_interests(
    app: AppHandle,
    interests: State<'_, Interests>,
) -> Result<RankingSettings, AppError> {
    interests.reset(&app)
}

#[tauri::command]
pub async fn check_update(
    app: AppHandle,
    updates: State<'_, Updates>,
) -> Result<UpdateCheck, AppError> {
    updates::check(&app, &updates).await
}

#[tauri::command]
pub async fn install_update(updates: State<'_, Updates>) -> Result<(), AppError> {
    updates::install(&updates).await
}

/// Starts the app again, on the version an update installed.
#[tauri::command]
pub fn restart_app(app: AppHandle) {
    app.restart()
}
