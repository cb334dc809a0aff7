//! The home feed and hashtag pages.

use souq_wire::FeedPage;
use tauri::State;

use crate::client::SouqClient;
use crate::error::AppError;

#[tauri::command]
pub async fn feed_page(
    client: State<'_, SouqClient>,
    before: Option<String>,
) -> Result<FeedPage, AppError> {
    client.feed_page(before.as_deref()).await
}

#[tauri::command]
pub async fn hashtag_page(
    client: State<'_, SouqClient>,
    tag: String,
    before: Option<String>,
) -> Result<FeedPage, AppError> {
    client.hashtag_page(&tag, before.as_deref()).await
}
