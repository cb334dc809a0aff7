//! Sign up, sign in, sign out, and who is signed in. The on-device interest profile
//! follows the signed-in account (`Interests::belong_to`) and goes with a sign-out, as
//! do the drop reminders.

use souq_wire::{SignInRequest, SignUpRequest, User};
use tauri::{AppHandle, State};

use crate::client::SouqClient;
use crate::error::AppError;
use crate::interests::Interests;
use crate::reminders::Reminders;

#[tauri::command]
pub async fn current_user(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    reminders: State<'_, Reminders>,
) -> Result<Option<User>, AppError> {
    let user = client.current_user().await?;
    if let Some(user) = &user {
        interests.belong_to(&app, user.id)?;
        reminders.belong_to(user.id).await;
    }
    Ok(user)
}

#[tauri::command]
pub async fn sign_in(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    reminders: State<'_, Reminders>,
    request: SignInRequest,
) -> Result<User, AppError> {
    let user = client.sign_in(&request).await?;
    interests.belong_to(&app, user.id)?;
    reminders.belong_to(user.id).await;
    Ok(user)
}

#[tauri::command]
pub async fn sign_up(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    reminders: State<'_, Reminders>,
    request: SignUpRequest,
) -> Result<User, AppError> {
    let user = client.sign_up(&request).await?;
    interests.belong_to(&app, user.id)?;
    reminders.belong_to(user.id).await;
    Ok(user)
}

#[tauri::command]
pub async fn sign_out(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    reminders: State<'_, Reminders>,
) -> Result<(), AppError> {
    client.sign_out().await?;
    reminders.clear().await;
    interests.clear(&app)
}

/// Ends another of the person's sessions (the one a "was this you?" notice names).
#[tauri::command]
pub async fn end_session(client: State<'_, SouqClient>, id: String) -> Result<(), AppError> {
    client.end_session(&id).await
}
