//! The desktop: tauri-plugin-updater reads the release manifest at the endpoint in
//! tauri.conf.json and checks each package against the release key's public half kept
//! there (with `requireSignedVersion`, so a manifest cannot pair a newer version number
//! with an older signed package). A .deb install goes through dpkg with the system's
//! password prompt; an AppImage is replaced in place.

use souq_wire::{AppUpdate, UpdateCheck};
use tauri::AppHandle;
use tauri_plugin_updater::{Error, UpdaterExt};
use tokio::sync::Mutex;

use crate::error::AppError;

/// The update the last check found, until it is installed.
#[derive(Default)]
pub struct Updates {
    found: Mutex<Option<tauri_plugin_updater::Update>>,
}

fn failure(error: Error) -> AppError {
    match error {
        Error::Minisign(_)
        | Error::Base64(_)
        | Error::SignatureUtf8(_)
        | Error::SignedVersionMismatch { .. }
        | Error::MissingSignedVersion => AppError::UpdateRefused(error.to_string()),
        Error::Reqwest(_) | Error::Network(_) | Error::ReleaseNotFound => {
            AppError::Unreachable(format!("the update server: {error}"))
        }
        other => AppError::Internal(format!("the update: {other}")),
    }
}

/// The updater as configured; a debug build (what the end-to-end tests run) may be
/// pointed at another manifest and key, so a test can publish releases on loopback.
fn updater(app: &AppHandle) -> Result<tauri_plugin_updater::Updater, AppError> {
    #[allow(unused_mut)]
    let mut builder = app.updater_builder();
    #[cfg(debug_assertions)]
    {
        if let Ok(endpoint) = std::env::var("SOUQ_UPDATE_ENDPOINT") {
            let url = endpoint
                .parse()
                .map_err(|e| AppError::Internal(format!("SOUQ_UPDATE_ENDPOINT: {e}")))?;
            builder = builder.endpoints(vec![url]).map_err(failure)?;
        }
        if let Ok(key) = std::env::var("SOUQ_UPDATE_PUBKEY") {
            builder = builder.pubkey(key);
        }
    }
    builder.build().map_err(failure)
}

pub async fn check(app: &AppHandle, updates: &Updates) -> Result<UpdateCheck, AppError> {
    let found = updater(app)?.check().await.map_err(failure)?;
    let update = found.as_ref().map(|update| AppUpdate {
        version: update.version.clone(),
        notes: update.body.clone().unwrap_or_default(),
        published_at: update.date.and_then(|date| {
            chrono::DateTime::from_timestamp(date.unix_timestamp(), date.nanosecond())
        }),
    });
    *updates.found.lock().await = found;
    Ok(UpdateCheck {
        current_version: super::version::current_version(app),
        update,
        supported: true,
    })
}

pub async fn install(updates: &Updates) -> Result<(), AppError> {
    // Held throughout, so a second tap waits for the first install instead of racing it.
    let mut found = updates.found.lock().await;
    let Some(update) = found.as_ref() else {
        return Err(AppError::Internal(
            "no update is waiting: check for updates again".into(),
        ));
    };
    update
        .download_and_install(|_, _| {}, || {})
        .await
        .map_err(failure)?;
    tracing::info!(version = %update.version, "update installed; it runs from the next start");
    *found = None;
    Ok(())
}
