//! The app's facts and the user's preferences.

use souq_wire::{AppInfo, DeepLink, Language, Preferences, RankingSettings};
use tauri::{AppHandle, State};

use crate::error::AppError;
use crate::interests::Interests;
use crate::links::PendingLink;
use crate::preferences;

#[tauri::command]
pub fn app_info(info: State<'_, AppInfo>) -> AppInfo {
    info.inner().clone()
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
