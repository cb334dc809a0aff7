//! Sign up, sign in, sign out, and who is signed in. The on-device interest profile
//! follows the signed-in account (`Interests::belong_to`) and goes with a sign-out.

use souq_wire::{SignInRequest, SignUpRequest, User};
use tauri::{AppHandle, State};

use crate::client::SouqClient;
use crate::error::AppError;
use crate::interests::Interests;

#[tauri::command]
pub async fn current_user(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
) -> Result<Option<User>, AppError> {
    let user = client.current_user().await?;
    if let Some(user) = &user {
        interests.belong_to(&app, user.id)?;
    }
    Ok(user)
}

#[tauri::command]
pub async fn sign_in(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    request: SignInRequest,
) -> Result<User, AppError> {
    let user = client.sign_in(&request).await?;
    interests.belong_to(&app, user.id)?;
    Ok(user)
}

#[tauri::command]
pub async fn sign_up(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    request: SignUpRequest,
) -> Result<User, AppError> {
    let user = client.sign_up(&request).await?;
    interests.belong_to(&app, user.id)?;
    Ok(user)
}

#[tauri::command]
pub async fn sign_out(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
) -> Result<(), AppError> {
    client.sign_out().await?;
    interests.clear(&app)
}
