//! Reading, writing and deleting posts, the actions on them, and image uploads.

use souq_wire::{NewPost, Post, PostAction, PostActivity, ProductCard, UploadedMedia};
use tauri::{AppHandle, State};

use crate::client::SouqClient;
use crate::error::AppError;
use crate::interests::Interests;
use crate::ranking::Engagement;

#[tauri::command]
pub async fn get_post(client: State<'_, SouqClient>, id: i64) -> Result<Post, AppError> {
    client.post(id).await
}

#[tauri::command]
pub async fn create_post(client: State<'_, SouqClient>, post: NewPost) -> Result<Post, AppError> {
    client.create_post(&post).await
}

#[tauri::command]
pub async fn delete_post(client: State<'_, SouqClient>, id: i64) -> Result<(), AppError> {
    client.delete_post(id).await
}

/// Sets or clears an action, and teaches the on-device interest profile from it.
#[tauri::command]
pub async fn post_action(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    id: i64,
    action: PostAction,
    on: bool,
) -> Result<PostActivity, AppError> {
    let activity = client.act(id, action, on).await?;
    let engagement = match action {
        PostAction::Like => Engagement::Like,
        PostAction::Repost => Engagement::Repost,
        PostAction::Bookmark => Engagement::Bookmark,
        PostAction::Share => Engagement::Share,
    };
    let post = client.known_post(id).await?;
    interests.record(&app, &post, engagement, !on)?;
    Ok(activity)
}

#[tauri::command]
pub async fn my_products(client: State<'_, SouqClient>) -> Result<Vec<ProductCard>, AppError> {
    client.my_products().await
}

#[tauri::command]
pub async fn upload_image(
    client: State<'_, SouqClient>,
    bytes: Vec<u8>,
) -> Result<UploadedMedia, AppError> {
    client.upload_image(bytes).await
}
