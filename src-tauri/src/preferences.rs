//! Non-secret preferences (the language), kept with tauri-plugin-store in the app's
//! config dir. Secrets never go here: see `keychain`.

use souq_wire::{Language, Preferences};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

use crate::error::AppError;

const FILE: &str = "preferences.json";
const LANGUAGE: &str = "language";

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
    Ok(Preferences {
        language,
        system_language: system_language(),
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
