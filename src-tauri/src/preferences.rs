//! Non-secret preferences (the language), kept with tauri-plugin-store in the app's
//! config dir. Secrets never go here: see `keychain`.

use souq_wire::app::ReminderSettings;
use souq_wire::{Language, Preferences};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

use crate::error::AppError;

const FILE: &str = "preferences.json";
const LANGUAGE: &str = "language";
const DROP_NOTIFICATIONS: &str = "drop_notifications";
const MONEY_NOTIFICATIONS: &str = "money_notifications";
const KEEP_IN_TRAY: &str = "keep_in_tray";
const START_AT_LOGIN: &str = "start_at_login";

pub fn system_language() -> Language {
    sys_locale::get_locale().map_or(Language::En, |locale| Language::from_locale(&locale))
}

pub fn load<R: Runtime>(app: &AppHandle<R>) -> Result<Preferences, AppError> {
    let store = app
        .store(FILE)
        .map_err(|e| AppError::Internal(format!("preferences: {e}")))?;
    let language = store
        .get(LANGUAGE)
        .and_then(|value| serde_json::from_value::<Language>(value).ok());
    let flag = |key: &str, default: bool| {
        store
            .get(key)
            .and_then(|value| value.as_bool())
            .unwrap_or(default)
    };
    Ok(Preferences {
        language,
        system_language: system_language(),
        drop_notifications: flag(DROP_NOTIFICATIONS, true),
        money_notifications: flag(MONEY_NOTIFICATIONS, true),
        keep_in_tray: flag(KEEP_IN_TRAY, true),
        start_at_login: flag(START_AT_LOGIN, false),
    })
}

/// `None` follows the operating system again.
pub fn set_language<R: Runtime>(
    app: &AppHandle<R>,
    language: Option<Language>,
) -> Result<Preferences, AppError> {
    let store = app
        .store(FILE)
        .map_err(|e| AppError::Internal(format!("preferences: {e}")))?;
    match language {
        Some(language) => store.set(LANGUAGE, serde_json::json!(language)),
        None => {
            store.delete(LANGUAGE);
        }
    }
    store
        .save()
        .map_err(|e| AppError::Internal(format!("saving preferences: {e}")))?;
    load(app)
}

/// Drop and money notifications on or off, the tray, and start at login.
pub fn set_reminder_settings<R: Runtime>(
    app: &AppHandle<R>,
    settings: ReminderSettings,
) -> Result<Preferences, AppError> {
    let store = app
        .store(FILE)
        .map_err(|e| AppError::Internal(format!("preferences: {e}")))?;
    store.set(DROP_NOTIFICATIONS, settings.drop_notifications);
    store.set(MONEY_NOTIFICATIONS, settings.money_notifications);
    store.set(KEEP_IN_TRAY, settings.keep_in_tray);
    store.set(START_AT_LOGIN, settings.start_at_login);
    store
        .save()
        .map_err(|e| AppError::Internal(format!("saving preferences: {e}")))?;
    load(app)
}
