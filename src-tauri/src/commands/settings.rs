//! The app's facts and the user's preferences.

use souq_wire::{AppInfo, Language, Preferences};
use tauri::{AppHandle, State};

use crate::error::AppError;
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
