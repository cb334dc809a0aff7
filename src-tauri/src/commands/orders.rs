//! Orders: the shopper's, and a store's with the steps it takes them through; the
//! store's shipping options.

use souq_wire::{CancelOrder, Order, OrderPage, ShippingOption, ShippingOptions, StoreStep};
use tauri::{AppHandle, State};
use tauri_plugin_notification::NotificationExt;

use crate::client::SouqClient;
use crate::error::AppError;

#[tauri::command]
pub async fn orders(
    client: State<'_, SouqClient>,
    before: Option<String>,
) -> Result<OrderPage, AppError> {
    client.orders(before.as_deref()).await
}

#[tauri::command]
pub async fn order(client: State<'_, SouqClient>, id: i64) -> Result<Order, AppError> {
    client.order(id).await
}

#[tauri::command]
pub async fn cancel_order(
    client: State<'_, SouqClient>,
    id: i64,
    reason: String,
) -> Result<Order, AppError> {
    client.cancel_order(id, &CancelOrder { reason }).await
}

#[tauri::command]
pub async fn store_orders(
    client: State<'_, SouqClient>,
    handle: String,
    before: Option<String>,
) -> Result<OrderPage, AppError> {
    client.store_orders(&handle, before.as_deref()).await
}

#[tauri::command]
pub async fn store_step(
    client: State<'_, SouqClient>,
    handle: String,
    id: i64,
    step: StoreStep,
) -> Result<Order, AppError> {
    client.store_step(&handle, id, &step).await
}

#[tauri::command]
pub async fn shipping_options(
    client: State<'_, SouqClient>,
    handle: String,
) -> Result<Vec<ShippingOption>, AppError> {
    client.shipping_options(&handle).await
}

#[tauri::command]
pub async fn set_shipping_options(
    client: State<'_, SouqClient>,
    handle: String,
    options: ShippingOptions,
) -> Result<Vec<ShippingOption>, AppError> {
    client.set_shipping_options(&handle, &options).await
}

/// An OS notification about an order (placed; a store's step on it), in the words the UI
/// chose in the user's language. Shown from here so the webview needs no plugin API.
#[tauri::command]
pub fn notify_order(app: AppHandle, title: String, body: String) -> Result<(), AppError> {
    app.notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .map_err(|e| AppError::Internal(format!("notification: {e}")))
}
