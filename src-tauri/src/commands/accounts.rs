//! Sign up, sign in, sign out, and who is signed in.

use souq_wire::{SignInRequest, SignUpRequest, User};
use tauri::State;

use crate::client::SouqClient;
use crate::error::AppError;

#[tauri::command]
pub async fn current_user(client: State<'_, SouqClient>) -> Result<Option<User>, AppError> {
    client.current_user().await
}

#[tauri::command]
pub async fn sign_in(
    client: State<'_, SouqClient>,
    request: SignInRequest,
) -> Result<User, AppError> {
    client.sign_in(&request).await
}

#[tauri::command]
pub async fn sign_up(
    client: State<'_, SouqClient>,
    request: SignUpRequest,
) -> Result<User, AppError> {
    client.sign_up(&request).await
}

#[tauri::command]
pub async fn sign_out(client: State<'_, SouqClient>) -> Result<(), AppError> {
    client.sign_out().await
}
