//! Checkout, the wallet and the address book.

use souq_wire::{
    Address, AddressInput, Checkout, CheckoutOptions, CheckoutRequest, TopUpRequest, Wallet,
};
use tauri::State;

use crate::client::SouqClient;
use crate::error::AppError;

#[tauri::command]
pub async fn checkout_options(client: State<'_, SouqClient>) -> Result<CheckoutOptions, AppError> {
    client.checkout_options().await
}

#[tauri::command]
pub async fn checkout(
    client: State<'_, SouqClient>,
    request: CheckoutRequest,
) -> Result<Checkout, AppError> {
    client.checkout(&request).await
}

#[tauri::command]
pub async fn top_up(
    client: State<'_, SouqClient>,
    request: TopUpRequest,
) -> Result<Checkout, AppError> {
    client.top_up(&request).await
}

#[tauri::command]
pub async fn checkout_status(client: State<'_, SouqClient>, id: i64) -> Result<Checkout, AppError> {
    client.checkout_status(id).await
}

#[tauri::command]
pub async fn refresh_checkout(
    client: State<'_, SouqClient>,
    id: i64,
) -> Result<Checkout, AppError> {
    client.refresh_checkout(id).await
}

#[tauri::command]
pub async fn abandon_checkout(
    client: State<'_, SouqClient>,
    id: i64,
) -> Result<Checkout, AppError> {
    client.abandon_checkout(id).await
}

#[tauri::command]
pub async fn answer_challenge(
    client: State<'_, SouqClient>,
    payment_id: String,
    approve: bool,
) -> Result<Checkout, AppError> {
    client.answer_challenge(&payment_id, approve).await
}

#[tauri::command]
pub async fn wallet(client: State<'_, SouqClient>) -> Result<Wallet, AppError> {
    client.wallet().await
}

#[tauri::command]
pub async fn addresses(client: State<'_, SouqClient>) -> Result<Vec<Address>, AppError> {
    client.addresses().await
}

#[tauri::command]
pub async fn save_address(
    client: State<'_, SouqClient>,
    id: Option<i64>,
    address: AddressInput,
) -> Result<Address, AppError> {
    client.save_address(id, &address).await
}

#[tauri::command]
pub async fn delete_address(client: State<'_, SouqClient>, id: i64) -> Result<(), AppError> {
    client.delete_address(id).await
}
