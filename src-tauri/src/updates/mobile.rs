//! Phones: the App Store and Google Play update Souq; the app installs nothing itself.

use souq_wire::UpdateCheck;
use tauri::AppHandle;

use crate::error::AppError;

#[derive(Default)]
pub struct Updates {}

pub async fn check(app: &AppHandle, _updates: &Updates) -> Result<UpdateCheck, AppError> {
    Ok(UpdateCheck {
        current_version: super::version::current_version(app),
        update: None,
        supported: false,
    })
}

pub async fn install(_updates: &Updates) -> Result<(), AppError> {
    Err(AppError::Internal("this phone's store updates Souq".into()))
}
