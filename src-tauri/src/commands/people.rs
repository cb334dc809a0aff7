//! Profiles, follows and the notifications inbox.

use souq_wire::{AuthorKind, FollowState, NotificationPage, PeoplePage, Profile};
use tauri::{AppHandle, State};

use crate::client::SouqClient;
use crate::error::AppError;
use crate::interests::Interests;
use crate::ranking::{Engagement, Topic};

#[tauri::command]
pub async fn profile(client: State<'_, SouqClient>, handle: String) -> Result<Profile, AppError> {
    client.profile(&handle).await
}

/// Follows or unfollows; following a store also tells the interest profile.
#[tauri::command]
pub async fn set_follow(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    handle: String,
    on: bool,
) -> Result<FollowState, AppError> {
    let state = client.follow(&handle, on).await?;
    if on {
        let profile = client.profile(&handle).await?;
        if profile.author.kind != AuthorKind::Person {
            let topic = Topic::Store {
                handle: profile.author.handle,
                name: profile.author.display_name,
            };
            interests.record_topic(&app, &topic, Engagement::Follow)?;
        }
    }
    Ok(state)
}

#[tauri::command]
pub async fn people(
    client: State<'_, SouqClient>,
    handle: String,
    followers: bool,
    before: Option<String>,
) -> Result<PeoplePage, AppError> {
    client.people(&handle, followers, before.as_deref()).await
}

#[tauri::command]
pub async fn notifications(
    client: State<'_, SouqClient>,
    before: Option<String>,
) -> Result<NotificationPage, AppError> {
    client.notifications(before.as_deref()).await
}

#[tauri::command]
pub async fn mark_notifications_read(client: State<'_, SouqClient>) -> Result<(), AppError> {
    client.mark_notifications_read().await
}
