//! The merchant studio: open a store, save product and page drafts, preview, publish.

use souq_wire::{NewStore, ProductDraft, StoreDraft, Storefront, Studio, StudioProduct};
use tauri::State;

use crate::client::SouqClient;
use crate::error::AppError;

#[tauri::command]
pub async fn studio(client: State<'_, SouqClient>, handle: String) -> Result<Studio, AppError> {
    client.studio(&handle).await
}

#[tauri::command]
pub async fn open_store(
    client: State<'_, SouqClient>,
    store: NewStore,
) -> Result<Studio, AppError> {
    client.open_store(&store).await
}

#[tauri::command]
pub async fn save_product(
    client: State<'_, SouqClient>,
    handle: String,
    id: Option<i64>,
    draft: ProductDraft,
) -> Result<StudioProduct, AppError> {
    client.save_product(&handle, id, &draft).await
}

#[tauri::command]
pub async fn save_store_page(
    client: State<'_, SouqClient>,
    handle: String,
    page: StoreDraft,
) -> Result<Studio, AppError> {
    client.save_store_page(&handle, &page).await
}

#[tauri::command]
pub async fn preview_storefront(
    client: State<'_, SouqClient>,
    handle: String,
) -> Result<Storefront, AppError> {
    client.preview_storefront(&handle).await
}

#[tauri::command]
pub async fn publish_store(
    client: State<'_, SouqClient>,
    handle: String,
) -> Result<Storefront, AppError> {
    client.publish_store(&handle).await
}

#[tauri::command]
pub async fn discard_drafts(
    client: State<'_, SouqClient>,
    handle: String,
) -> Result<Studio, AppError> {
    client.discard_drafts(&handle).await
}
